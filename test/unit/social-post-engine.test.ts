/**
 * Social Post's content engine: X's weighted length (twitter-text v3), links, hashtags, shortening
 * at word boundaries with hashtags kept at the end, each platform's rules, and when a post is due.
 */
import { checkPost, LIMITS } from '../../nodes/SocialPost/engine/rules';
import { FACEBOOK_MAX_AHEAD_MS, timing } from '../../nodes/SocialPost/engine/schedule';
import { codePoints, findHashtags, findLinks, findMentions, shorten, splitTrailingHashtags, xLength } from '../../nodes/SocialPost/engine/text';

describe('X weighted length (twitter-text v3)', () => {
	it('counts Latin letters 1, CJK 2, every link 23 whatever its length', () => {
		expect(xLength('hello')).toBe(5);
		expect(xLength('日本語')).toBe(6);
		expect(xLength('café')).toBe(4);
		// 'Read ' (5) + link (23) + ' now' (4)
		expect(xLength('Read https://example.com/a/really/long/path/that/goes/on?utm_source=x now')).toBe(32);
		expect(xLength('Read https://t.co/x now')).toBe(32);
		// Bare domains and www. addresses are links too; the full stop after one is not part of it.
		expect(xLength('shop.example.com/sale.')).toBe(24);
		expect(xLength('www.example.org')).toBe(23);
	});

	it('counts an emoji 2 however many code points its sequence has', () => {
		expect(xLength('👍')).toBe(2);
		expect(xLength('👍🏽')).toBe(2); // with a skin tone
		expect(xLength('👨‍👩‍👧‍👦')).toBe(2); // a ZWJ family of 7 code points
		expect(xLength('🇩🇪')).toBe(2); // a flag: two regional indicators
		expect(xLength('a👍b')).toBe(4);
	});

	it('weighs general punctuation U+2010–U+201F as 1 and other symbols as 2', () => {
		expect(xLength('“quoted”—dash')).toBe(13);
		expect(xLength('→')).toBe(2); // U+2192 is outside the light ranges
		expect(xLength('€')).toBe(2); // U+20AC too
	});

	it('normalises to NFC first: a decomposed é counts 1', () => {
		expect(xLength('e\u0301')).toBe(1);
	});

	it('280 Latin characters fit and 281 do not', () => {
		expect(checkPost('x', { text: 'a'.repeat(280) }).ok).toBe(true);
		expect(checkPost('x', { text: 'a'.repeat(281) }).ok).toBe(false);
		// 140 CJK characters weigh 280.
		expect(checkPost('x', { text: '語'.repeat(140) }).ok).toBe(true);
		expect(checkPost('x', { text: '語'.repeat(141) }).ok).toBe(false);
	});
});

describe('links, hashtags, mentions', () => {
	it('finds links, not e-mail domains', () => {
		expect(findLinks('mail me: ana@example.com or see https://example.com/x).').map((span) => span.text)).toEqual(['https://example.com/x']);
	});

	it('finds hashtags with a letter, not inside links or words', () => {
		expect(findHashtags('#sale b#c #2024 #spring_2024 https://x.com/#frag #Größe').map((span) => span.text)).toEqual(['#sale', '#spring_2024', '#Größe']);
	});

	it('finds mentions', () => {
		expect(findMentions('thanks @ana and @shop.de, mail x@y.com').map((span) => span.text)).toEqual(['@ana', '@shop.de']);
	});

	it('splits the closing run of hashtags off the body', () => {
		expect(splitTrailingHashtags('New #spring looks. Shop now #sale #new ')).toEqual({ body: 'New #spring looks. Shop now', tags: ['#sale', '#new'] });
		expect(splitTrailingHashtags('No tags here')).toEqual({ body: 'No tags here', tags: [] });
	});
});

describe('shortening', () => {
	it('cuts at a word boundary, ends with …, keeps the closing hashtags and moves cut hashtags to the end', () => {
		const text = 'Our #garden range is back with seeds, tools and pots for every balcony #spring #sale';
		const short = shorten(text, codePoints, 50);
		expect(short).toBeDefined();
		// "Our #garden range is back with" (30) + "…" + " #spring #sale" (14) = 45; with " seeds," it would be 52.
		expect(short?.text).toBe('Our #garden range is back with… #spring #sale');
		expect(codePoints(short?.text ?? '')).toBe(45);
		expect(short?.changes).toEqual(['cut after "with" (7 of 13 words left out)']);

		// "Fresh… #garden #spring #sale" is 28; "Fresh picks… #garden #spring #sale" would be 34.
		const tighter = shorten('Fresh picks from our #garden range, out now for balcony growers #spring #sale', codePoints, 30);
		expect(tighter?.text).toBe('Fresh… #garden #spring #sale');
		expect(tighter?.changes).toEqual(['cut after "Fresh" (10 of 11 words left out)', 'hashtags moved to the end: #garden']);
	});

	it('never cuts inside a link', () => {
		const text = 'Big news today for every gardener in town https://shop.example/spring-collection-2024 #spring';
		// On X the ellipsis (U+2026) weighs 2: "Big news today for every" (24) + "…" (2) + " #spring" (8) = 34;
		// with " gardener" it would be 43.
		const short = shorten(text, xLength, 40);
		expect(short?.text).toBe('Big news today for every… #spring');
		expect(xLength(short?.text ?? '')).toBe(34);
		// The link is the last word: it goes whole (41 + 2 + 8 = 51), never in part.
		const withoutLink = shorten(text, xLength, 70);
		expect(withoutLink?.text).toBe('Big news today for every gardener in town… #spring');
		expect(xLength(text)).toBe(41 + 1 + 23 + 1 + 7);
	});

	it('leaves closing hashtags out, last first, only when they alone do not fit', () => {
		const short = shorten('Hello there #one #two #three', codePoints, 16);
		// "Hello… #one #two #three" is 23; without #three, "Hello there #one #two" is 21 and "Hello… #one #two" 16.
		expect(short?.text).toBe('Hello… #one #two');
		expect(short?.changes).toEqual(['cut after "Hello" (1 of 2 words left out)', 'hashtags left out: #three']);
	});
});

describe('platform rules', () => {
	it('X: too long is Skipped with the count and an adapted version within 280', () => {
		const text = `${'Spring is here and our garden collection has what you need. '.repeat(5)}Shop https://shop.example/spring #spring #sale`;
		const checked = checkPost('x', { text });
		expect(checked.ok).toBe(false);
		if (checked.ok) return;
		const length = 60 * 5 + 5 + 23 + 14;
		expect(xLength(text)).toBe(length);
		expect(checked.reason).toBe(`the text is ${length} characters as X counts them (links 23 each, emoji and CJK characters 2), over X's 280`);
		expect(checked.adapted?.post.text.endsWith('… #spring #sale')).toBe(true);
		expect(xLength(checked.adapted?.post.text ?? '')).toBeLessThanOrEqual(280);
		expect(xLength(checked.adapted?.post.text ?? '')).toBeGreaterThan(260);
	});

	it('Instagram: needs media, JPEG, 4:5 to 1.91:1', () => {
		expect(checkPost('instagram', { text: 'hi' })).toEqual({ ok: false, reason: 'Instagram needs an image or a video: set Image URL or Video URL' });
		expect(checkPost('instagram', { text: 'hi', imageUrl: 'https://cdn.example/a.png?v=2' })).toEqual({ ok: false, reason: 'Instagram publishes JPEG images only, and a.png is not one' });
		expect(checkPost('instagram', { text: 'hi', imageUrl: 'https://cdn.example/a.jpg', imageWidth: 1080, imageHeight: 1350 }).ok).toBe(true); // 4:5
		expect(checkPost('instagram', { text: 'hi', imageUrl: 'https://cdn.example/a.jpg', imageWidth: 1200, imageHeight: 628 }).ok).toBe(true); // 1.911 → 1.91
		const tall = checkPost('instagram', { text: 'hi', imageUrl: 'https://cdn.example/a.jpg', imageWidth: 1080, imageHeight: 1920 });
		expect(tall).toEqual({ ok: false, reason: 'the image is 1080 × 1920 (aspect ratio 0.56:1); Instagram takes 4:5 (0.80:1) to 1.91:1: crop it' });
		expect(checkPost('instagram', { text: 'hi', imageUrl: 'https://cdn.example/a.jpg', imageWidth: 1000, imageHeight: 500 }).ok).toBe(false); // 2:1
		// Reels take other shapes: no image ratio applies to a video.
		expect(checkPost('instagram', { text: 'hi', videoUrl: 'https://cdn.example/a.mp4' }).ok).toBe(true);
	});

	it('Instagram: 31 closing hashtags become 30, with the one left out named', () => {
		const tags = Array.from({ length: 31 }, (_, i) => `#tag${String.fromCharCode(97 + (i % 26))}${i}`);
		const checked = checkPost('instagram', { text: `New drop today ${tags.join(' ')}`, imageUrl: 'https://cdn.example/a.jpg' });
		expect(checked.ok).toBe(false);
		if (checked.ok) return;
		expect(checked.reason).toBe(`the caption has 31 hashtags, over Instagram's ${LIMITS.instagram.hashtags}`);
		expect(findHashtags(checked.adapted?.post.text ?? '')).toHaveLength(30);
		expect(checked.adapted?.changes).toEqual([`hashtags left out: ${tags[30]}`]);
	});

	it('Instagram: surplus hashtags inside sentences get no adapted version', () => {
		const inline = Array.from({ length: 31 }, (_, i) => `word #t${String.fromCharCode(97 + (i % 26))}${i} word`).join(' ');
		const checked = checkPost('instagram', { text: inline, imageUrl: 'https://cdn.example/a.jpg' });
		expect(checked).toEqual({ ok: false, reason: "the caption has 31 hashtags, over Instagram's 30" });
	});

	it('Instagram: a caption over 2,200 characters is shortened to fit', () => {
		const text = `${'lovely words '.repeat(200)}#end`;
		const checked = checkPost('instagram', { text, imageUrl: 'https://cdn.example/a.jpg' });
		expect(checked.ok).toBe(false);
		if (checked.ok) return;
		expect(checked.reason).toBe("the caption is 2,604 characters, over Instagram's 2,200 characters");
		expect(codePoints(checked.adapted?.post.text ?? '')).toBeLessThanOrEqual(2200);
		expect(checked.adapted?.post.text.endsWith('… #end')).toBe(true);
	});

	it('Facebook: an image with a link offers the link in the text', () => {
		const checked = checkPost('facebook', { text: 'New in', imageUrl: 'https://cdn.example/a.jpg', link: 'https://shop.example' });
		expect(checked).toEqual({
			ok: false,
			reason: 'a Facebook photo post has no separate link',
			adapted: { post: { text: 'New in https://shop.example', imageUrl: 'https://cdn.example/a.jpg', link: undefined }, changes: ['the link is added to the end of the text'] },
		});
		expect(checkPost('facebook', { text: '' })).toEqual({ ok: false, reason: 'nothing to post: no text, link or image' });
	});

	it('TikTok: video only; caption counted in UTF-16 units', () => {
		expect(checkPost('tiktok', { text: 'hi', imageUrl: 'https://cdn.example/a.jpg' })).toEqual({ ok: false, reason: 'TikTok posts videos: set Video URL (an image alone cannot be posted)' });
		// 1,100 emoji are 2,200 UTF-16 units: at the limit. One more letter is over.
		expect(checkPost('tiktok', { text: '😀'.repeat(1100), videoUrl: 'https://cdn.example/v.mp4' }).ok).toBe(true);
		expect(checkPost('tiktok', { text: `${'😀'.repeat(1100)}a`, videoUrl: 'https://cdn.example/v.mp4' }).ok).toBe(false);
	});

	it('Pinterest: image required, title 100, description 500', () => {
		expect(checkPost('pinterest', { text: 'd' })).toEqual({ ok: false, reason: 'a Pin needs an image: set Image URL' });
		const title = 'Ten small balcony gardens that grow food all summer long and look good doing it, with plans and lists';
		expect(codePoints(title)).toBe(101);
		const checked = checkPost('pinterest', { text: 'x'.repeat(501), title, imageUrl: 'https://cdn.example/a.jpg' });
		expect(checked.ok).toBe(false);
		if (checked.ok) return;
		expect(checked.reason).toBe("the title is 101 characters, over Pinterest's 100; the description is 501 characters, over Pinterest's 500");
		// One 501-character word cannot be cut at a word boundary: no adapted version.
		expect(checked.adapted).toBeUndefined();
		const fixable = checkPost('pinterest', { text: 'fine', title, imageUrl: 'https://cdn.example/a.jpg' });
		expect(fixable.ok === false && fixable.adapted?.post.title).toBe('Ten small balcony gardens that grow food all summer long and look good doing it, with plans and…');
	});
});

describe('when a post is due', () => {
	const now = Date.parse('2026-05-01T09:00:00Z');
	it('no time, or a time passed: now', () => {
		expect(timing('x', undefined, now, true)).toEqual({ when: 'now' });
		expect(timing('x', now - 1, now, true)).toEqual({ when: 'now' });
	});
	it('ahead: later with the time, except Facebook 10 minutes to 30 days ahead', () => {
		expect(timing('instagram', now + 3_600_000, now, true)).toEqual({
			when: 'later',
			retryAt: '2026-05-01T10:00:00.000Z',
			reason: 'not due yet: publish at 2026-05-01T10:00:00.000Z; a Wait node set to this time brings it back',
		});
		expect(timing('facebook', now + 3_600_000, now, true)).toEqual({ when: 'scheduled', at: (now + 3_600_000) / 1000 });
		expect(timing('facebook', now + 3_600_000, now, false)).toMatchObject({ when: 'later' });
		expect(timing('facebook', now + 9 * 60_000, now, true)).toMatchObject({ when: 'later', reason: expect.stringContaining('10 minutes ahead at the earliest') });
		expect(timing('facebook', now + 10 * 60_000, now, true)).toMatchObject({ when: 'scheduled' });
		expect(timing('facebook', now + FACEBOOK_MAX_AHEAD_MS, now, true)).toMatchObject({ when: 'scheduled' });
		expect(timing('facebook', now + FACEBOOK_MAX_AHEAD_MS + 1000, now, true)).toMatchObject({ when: 'later', reason: expect.stringContaining('30 days ahead at the most') });
	});
});
