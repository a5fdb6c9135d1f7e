/**
 * Whether a post fits a platform, checked before any request: length as the platform counts it,
 * hashtags and mentions, the media it needs, image formats and aspect ratios its documentation
 * names. A post that does not fit gets the reason and, where the fix is safe (shortening at a word
 * boundary, hashtags kept at the end, surplus closing hashtags left out), an adapted version: never
 * a silent cut. Plain TypeScript, no n8n import.
 *
 * Sources: X counting (twitter-text v3, see text.ts); Instagram Content Publishing (caption 2,200
 * characters, 30 hashtags, 20 @ tags; images JPEG, aspect ratio 4:5 to 1.91:1); Facebook Pages
 * (a post's message up to 63,206 characters); TikTok Content Posting (`title` up to 2,200 UTF-16
 * code units; video only); Pinterest v5 pins (title 100, description 500, link 2,048).
 */
import { codePoints, findHashtags, findMentions, shorten, splitTrailingHashtags, xLength } from './text';

export type Platform = 'x' | 'instagram' | 'facebook' | 'tiktok' | 'pinterest';

export const PLATFORM_NAMES: Record<Platform, string> = {
	x: 'X',
	instagram: 'Instagram',
	facebook: 'Facebook Page',
	tiktok: 'TikTok',
	pinterest: 'Pinterest',
};

export const LIMITS = {
	x: { text: 280 },
	instagram: { caption: 2200, hashtags: 30, mentions: 20, minRatio: 4 / 5, maxRatio: 1.91 },
	facebook: { message: 63_206 },
	tiktok: { title: 2200 },
	pinterest: { title: 100, description: 500, link: 2048 },
} as const;

/** A post as the node reads it from an item. */
export interface PostContent {
	/** The post's text: X's text, Instagram's caption, the Page post's message, TikTok's title, the Pin's description. */
	text: string;
	/** Pinterest only: the Pin's title. */
	title?: string;
	/** A link the post points to (Facebook link post, Pin destination). */
	link?: string;
	imageUrl?: string;
	videoUrl?: string;
	/** Known image size in pixels, for aspect ratio checks. */
	imageWidth?: number;
	imageHeight?: number;
}

export type Checked =
	| { ok: true; post: PostContent }
	| {
			ok: false;
			/** Every problem, in one sentence each, joined with "; ". */
			reason: string;
			/** A version that fits, with what changed; absent when no safe fix exists. */
			adapted?: { post: PostContent; changes: string[] };
	  };

interface Finding {
	problem: string;
	/** The safe fix, or undefined when only the marketer can fix it (a missing image, a wrong format). */
	fix?: (post: PostContent) => { post: PostContent; changes: string[] } | undefined;
}

const plural = (n: number, one: string) => `${n.toLocaleString('en-US')} ${one}${n === 1 ? '' : 's'}`;

function tooLong(field: 'text' | 'title', count: (text: string) => number, limit: number, what: string): Finding | undefined {
	return {
		problem: what,
		fix: (post) => {
			const value = post[field] ?? '';
			if (count(value) <= limit) return { post, changes: [] };
			const short = shorten(value, count, limit);
			if (!short) return undefined;
			return { post: { ...post, [field]: short.text }, changes: short.changes.map((change) => `${field === 'title' ? 'title' : 'text'} ${change}`) };
		},
	};
}

/** Leaves out the last closing hashtags so at most `max` remain; undefined when the surplus is not all at the end. */
function dropClosingHashtags(post: PostContent, max: number): { post: PostContent; changes: string[] } | undefined {
	const total = findHashtags(post.text).length;
	const surplus = total - max;
	if (surplus <= 0) return { post, changes: [] };
	const { body, tags } = splitTrailingHashtags(post.text);
	if (tags.length < surplus) return undefined; // cutting hashtags out of sentences would change what they say
	const kept = tags.slice(0, tags.length - surplus);
	return {
		post: { ...post, text: [body, kept.join(' ')].filter(Boolean).join(' ') },
		changes: [`hashtags left out: ${tags.slice(tags.length - surplus).join(' ')}`],
	};
}

const NOT_JPEG = /\.(png|gif|webp|heic|heif|bmp|tiff?|svg)$/i;

function imagePath(url: string): string {
	try {
		return new URL(url).pathname;
	} catch {
		return url.split(/[?#]/)[0];
	}
}

function findings(platform: Platform, post: PostContent): Finding[] {
	const found: Array<Finding | undefined> = [];
	const text = post.text;
	switch (platform) {
		case 'x': {
			if (!text && !post.imageUrl) found.push({ problem: 'nothing to post: no text and no image' });
			const length = xLength(text);
			if (length > LIMITS.x.text) {
				found.push(tooLong('text', xLength, LIMITS.x.text, `the text is ${length} characters as X counts them (links 23 each, emoji and CJK characters 2), over X's ${LIMITS.x.text}`));
			}
			break;
		}
		case 'instagram': {
			if (!post.imageUrl && !post.videoUrl) found.push({ problem: 'Instagram needs an image or a video: set Image URL or Video URL' });
			if (post.imageUrl && !post.videoUrl && NOT_JPEG.test(imagePath(post.imageUrl))) {
				found.push({ problem: `Instagram publishes JPEG images only, and ${imagePath(post.imageUrl).split('/').pop()} is not one` });
			}
			if (post.imageUrl && !post.videoUrl && post.imageWidth && post.imageHeight) {
				const ratio = post.imageWidth / post.imageHeight;
				// Meta states the limits to two decimals (1.91:1); 1200 × 628 is 1.911 and accepted.
				const rounded = Math.round(ratio * 100) / 100;
				if (rounded < LIMITS.instagram.minRatio || rounded > LIMITS.instagram.maxRatio) {
					found.push({
						problem: `the image is ${post.imageWidth} × ${post.imageHeight} (aspect ratio ${rounded.toFixed(2)}:1); Instagram takes 4:5 (0.80:1) to 1.91:1: crop it`,
					});
				}
			}
			const hashtags = findHashtags(text).length;
			if (hashtags > LIMITS.instagram.hashtags) {
				found.push({ problem: `the caption has ${hashtags} hashtags, over Instagram's ${LIMITS.instagram.hashtags}`, fix: (p) => dropClosingHashtags(p, LIMITS.instagram.hashtags) });
			}
			const mentions = findMentions(text).length;
			if (mentions > LIMITS.instagram.mentions) found.push({ problem: `the caption tags ${mentions} accounts (@), over Instagram's ${LIMITS.instagram.mentions}` });
			const length = codePoints(text);
			if (length > LIMITS.instagram.caption) {
				found.push(tooLong('text', codePoints, LIMITS.instagram.caption, `the caption is ${plural(length, 'character')}, over Instagram's ${plural(LIMITS.instagram.caption, 'character')}`));
			}
			break;
		}
		case 'facebook': {
			if (!text && !post.link && !post.imageUrl) found.push({ problem: 'nothing to post: no text, link or image' });
			if (post.imageUrl && post.link) {
				found.push({
					problem: 'a Facebook photo post has no separate link',
					fix: (p) => ({ post: { ...p, text: [p.text, p.link].filter(Boolean).join(' '), link: undefined }, changes: ['the link is added to the end of the text'] }),
				});
			}
			const length = codePoints(text);
			if (length > LIMITS.facebook.message) {
				found.push(tooLong('text', codePoints, LIMITS.facebook.message, `the text is ${plural(length, 'character')}, over Facebook's ${plural(LIMITS.facebook.message, 'character')}`));
			}
			break;
		}
		case 'tiktok': {
			if (!post.videoUrl) found.push({ problem: `TikTok posts videos: set Video URL${post.imageUrl ? ' (an image alone cannot be posted)' : ''}` });
			const length = text.length;
			if (length > LIMITS.tiktok.title) {
				found.push(tooLong('text', (t) => t.length, LIMITS.tiktok.title, `the caption is ${plural(length, 'character')} (UTF-16), over TikTok's ${plural(LIMITS.tiktok.title, 'character')}`));
			}
			break;
		}
		case 'pinterest': {
			if (!post.imageUrl) found.push({ problem: 'a Pin needs an image: set Image URL' });
			const title = codePoints(post.title ?? '');
			if (title > LIMITS.pinterest.title) {
				found.push(tooLong('title', codePoints, LIMITS.pinterest.title, `the title is ${plural(title, 'character')}, over Pinterest's ${LIMITS.pinterest.title}`));
			}
			const description = codePoints(text);
			if (description > LIMITS.pinterest.description) {
				found.push(tooLong('text', codePoints, LIMITS.pinterest.description, `the description is ${plural(description, 'character')}, over Pinterest's ${LIMITS.pinterest.description}`));
			}
			if (post.link && post.link.length > LIMITS.pinterest.link) found.push({ problem: `the link is ${post.link.length} characters, over Pinterest's ${plural(LIMITS.pinterest.link, 'character')}` });
			break;
		}
	}
	return found.filter((finding): finding is Finding => finding !== undefined);
}

/** Whether `post` fits `platform`, and if not, why and what would. */
export function checkPost(platform: Platform, post: PostContent): Checked {
	const problems = findings(platform, post);
	if (!problems.length) return { ok: true, post };
	const reason = problems.map((finding) => finding.problem).join('; ');
	// Fixes apply in order (hashtags before length, so the shortening measures the final text).
	let adapted: { post: PostContent; changes: string[] } | undefined = { post, changes: [] };
	for (const finding of problems) {
		const fixed: { post: PostContent; changes: string[] } | undefined = adapted && finding.fix ? finding.fix(adapted.post) : undefined;
		adapted = fixed && adapted ? { post: fixed.post, changes: [...adapted.changes, ...fixed.changes] } : undefined;
		if (!adapted) break;
	}
	// The adapted version must pass the same checks.
	if (adapted && findings(platform, adapted.post).length) adapted = undefined;
	return adapted ? { ok: false, reason, adapted } : { ok: false, reason };
}
