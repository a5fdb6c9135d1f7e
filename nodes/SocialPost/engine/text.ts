/**
 * How each platform counts a post's text, and the pieces a post is made of (links, hashtags,
 * mentions). Plain TypeScript, no n8n import.
 *
 * X counts with its twitter-text rules (config v3, github.com/twitter/twitter-text config/v3.json):
 * the text is NFC-normalised; every link counts 23 whatever its length (t.co wraps it); a code
 * point in U+0000–U+10FF, U+2000–U+200D, U+2010–U+201F or U+2032–U+2037 weighs 1, every other
 * (CJK, most symbols) weighs 2; an emoji, however many code points its sequence has (skin tones,
 * ZWJ families, flags), weighs 2. The limit is 280.
 */

export const X_URL_LENGTH = 23;

/** Code point ranges that weigh 1 on X (everything else weighs 2). */
const X_LIGHT_RANGES: Array<[number, number]> = [
	[0x0000, 0x10ff],
	[0x2000, 0x200d],
	[0x2010, 0x201f],
	[0x2032, 0x2037],
];

/**
 * Web links as X and the others recognise them: with a scheme, `www.` addresses, and bare domains
 * with a common top-level domain (`shop.example.com/sale`). Trailing punctuation is not part of a link.
 */
const TLDS = 'com|org|net|io|co|de|uk|fr|es|it|nl|be|at|ch|eu|us|ca|au|app|dev|shop|store|ly|me|info|biz|tv|ai|gg|jp|in|br';
const URL_PATTERN = new RegExp(
	`(?:https?:\\/\\/[^\\s<>"]+|\\bwww\\.[^\\s<>"]+|\\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\\.)+(?:${TLDS})\\b(?:\\/[^\\s<>"]*)?)`,
	'giu',
);
const TRAILING_PUNCTUATION = /[.,;:!?'")\]}]+$/u;

export interface Span {
	start: number;
	end: number;
	text: string;
}

/** Every link in `text`, in order (UTF-16 offsets). */
export function findLinks(text: string): Span[] {
	const spans: Span[] = [];
	for (const match of text.matchAll(URL_PATTERN)) {
		const start = match.index ?? 0;
		// An e-mail address's domain is not a link.
		if (start > 0 && text[start - 1] === '@') continue;
		const raw = match[0].replace(TRAILING_PUNCTUATION, '');
		spans.push({ start, end: start + raw.length, text: raw });
	}
	return spans;
}

// Hashtags and mentions start after a non-word character (or at the start); a hashtag needs a letter.
const HASHTAG = /(^|[^\p{L}\p{M}\p{N}_&/#])([#＃][\p{L}\p{M}\p{N}_]*[\p{L}\p{M}][\p{L}\p{M}\p{N}_]*)/gu;
const MENTION = /(^|[^\p{L}\p{M}\p{N}_@])(@[A-Za-z0-9_.]{1,30})/gu;

function spansOf(pattern: RegExp, text: string, links: Span[]): Span[] {
	const spans: Span[] = [];
	for (const match of text.matchAll(pattern)) {
		const start = (match.index ?? 0) + match[1].length;
		if (links.some((link) => start >= link.start && start < link.end)) continue; // a '#' inside a link is its fragment
		spans.push({ start, end: start + match[2].length, text: match[2] });
	}
	return spans;
}

export const findHashtags = (text: string): Span[] => spansOf(HASHTAG, text, findLinks(text));
export const findMentions = (text: string): Span[] => spansOf(MENTION, text, findLinks(text));

/** Characters as people count them: Unicode code points. */
export const codePoints = (text: string): number => {
	// UTF-16 length minus the second half of every surrogate pair.
	let n = text.length;
	for (let i = 0; i < text.length - 1; i++) {
		const c = text.charCodeAt(i);
		if (c >= 0xd800 && c <= 0xdbff) {
			const d = text.charCodeAt(i + 1);
			if (d >= 0xdc00 && d <= 0xdfff) {
				n--;
				i++;
			}
		}
	}
	return n;
};

// One emoji as X counts it: a pictograph with its modifiers and joined parts, a keycap, or a flag.
const EMOJI = /\p{RI}\p{RI}|[#*0-9]\uFE0F?\u20E3|\p{Extended_Pictographic}(?:\uFE0F|\p{EMod})*(?:\u200D\p{Extended_Pictographic}(?:\uFE0F|\p{EMod})*)*/gu;

const weightOf = (codePoint: number) => (X_LIGHT_RANGES.some(([from, to]) => codePoint >= from && codePoint <= to) ? 1 : 2);

/** The length X gives a post (twitter-text v3 weighted length). */
export function xLength(raw: string): number {
	const text = raw.normalize('NFC');
	const links = findLinks(text);
	let length = links.length * X_URL_LENGTH;
	let at = 0;
	const countPlain = (part: string) => {
		let last = 0;
		for (const match of part.matchAll(EMOJI)) {
			const index = match.index ?? 0;
			for (const char of part.slice(last, index)) length += weightOf(char.codePointAt(0) as number);
			length += 2;
			last = index + match[0].length;
		}
		for (const char of part.slice(last)) length += weightOf(char.codePointAt(0) as number);
	};
	for (const link of links) {
		countPlain(text.slice(at, link.start));
		at = link.end;
	}
	countPlain(text.slice(at));
	return length;
}

/**
 * The text split into its body and the run of hashtags that ends it ("… shop now #sale #spring"):
 * the tail is what a shortened version keeps whole at the end.
 */
export function splitTrailingHashtags(text: string): { body: string; tags: string[] } {
	const words = text.trimEnd().split(/(\s+)/);
	const tags: string[] = [];
	while (words.length) {
		const last = words[words.length - 1];
		if (!last.trim()) {
			words.pop();
			continue;
		}
		if (!/^[#＃][\p{L}\p{M}\p{N}_]*[\p{L}\p{M}][\p{L}\p{M}\p{N}_]*$/u.test(last)) break;
		tags.unshift(words.pop() as string);
	}
	return { body: words.join('').trimEnd(), tags };
}

export interface Shortened {
	text: string;
	/** What changed, in words for the marketer. */
	changes: string[];
}

/**
 * The longest version of `text` that `measure` puts within `limit`: the body cut at a word
 * boundary and ended with "…", every hashtag of the cut part moved to the end with the closing
 * hashtags, links never cut. Hashtags are only dropped (last first) when they alone do not fit.
 * Undefined when not even that fits, or nothing of the body would remain.
 */
export function shorten(text: string, measure: (text: string) => number, limit: number): Shortened | undefined {
	const { body, tags } = splitTrailingHashtags(text);
	const words = body.split(/\s+/).filter(Boolean);
	const compose = (kept: number, closing: string[]) => {
		const head = words.slice(0, kept).join(' ');
		const moved = words.slice(kept).filter((word) => /^[#＃][\p{L}\p{M}\p{N}_]*[\p{L}\p{M}]/u.test(word)).map((word) => word.replace(/[.,;:!?]+$/u, ''));
		const tail = [...moved, ...closing];
		return { text: `${head}${kept < words.length ? '…' : ''}${tail.length ? ` ${tail.join(' ')}` : ''}`, moved };
	};
	for (let dropped = 0; dropped <= tags.length; dropped++) {
		const closing = tags.slice(0, tags.length - dropped);
		// Longest first: the first that fits is the answer. The whole body is tried only once hashtags go.
		for (let kept = dropped ? words.length : words.length - 1; kept >= 1; kept--) {
			const { text: candidate, moved } = compose(kept, closing);
			if (measure(candidate) > limit) continue;
			const changes = kept < words.length ? [`cut after "${words[kept - 1]}" (${words.length - kept} of ${words.length} words left out)`] : [];
			if (moved.length) changes.push(`hashtags moved to the end: ${moved.join(' ')}`);
			if (dropped) changes.push(`hashtags left out: ${tags.slice(tags.length - dropped).join(' ')}`);
			return { text: candidate, changes };
		}
	}
	return undefined;
}
