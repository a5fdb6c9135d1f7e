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
 * with a common top-level domain (`shop.example.com/sale`). Trailing punctuation is not part of a
 * link. Found word by word (a regular expression over the whole text with the domain rule was 7
 * times slower).
 */
const TLDS = new Set('com org net io co de uk fr es it nl be at ch eu us ca au app dev shop store ly me info biz tv ai gg jp in br'.split(' '));
const SCHEME = /^(?:https?:\/\/|www\.)[^\s<>"]+/i;
const DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+([a-z]{2,})(?=$|[/?#:])/i;
/** Punctuation that ends a sentence rather than a link; stripped by a loop (a `[…]+$` regex is quadratic on long runs). */
const TRAILING_PUNCTUATION = new Set('.,;:!?\'")]}…');
const LEADING_PUNCTUATION = /^[(["'“‘¿¡]+/u;
const WORD = /\S+/g;

export interface Span {
	start: number;
	end: number;
	text: string;
}

/** Every link in `text`, in order (UTF-16 offsets). */
export function findLinks(text: string): Span[] {
	const spans: Span[] = [];
	if (!text.includes('.')) return spans;
	for (const match of text.matchAll(WORD)) {
		const word = match[0];
		if (!word.includes('.')) continue;
		const lead = LEADING_PUNCTUATION.exec(word)?.[0].length ?? 0;
		const token = word.slice(lead);
		let link: string | undefined;
		if (SCHEME.test(token)) link = token;
		else {
			// An e-mail address's domain is not a link.
			if (token.includes('@')) continue;
			const domain = DOMAIN.exec(token);
			if (domain && TLDS.has(domain[1].toLowerCase())) link = token;
		}
		if (!link) continue;
		let end = link.length;
		while (end > 0 && TRAILING_PUNCTUATION.has(link[end - 1])) end--;
		link = link.slice(0, end);
		const start = (match.index ?? 0) + lead;
		spans.push({ start, end: start + link.length, text: link });
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

export const findHashtags = (text: string): Span[] => (/[#＃]/.test(text) ? spansOf(HASHTAG, text, findLinks(text)) : []);
export const findMentions = (text: string): Span[] => (text.includes('@') ? spansOf(MENTION, text, findLinks(text)) : []);

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

const PICTOGRAPH = /\p{Extended_Pictographic}/u;
const MODIFIER = /\p{EMod}/u;
const REGIONAL = /\p{RI}/u;
const VS16 = 0xfe0f;
const ZWJ = 0x200d;
const KEYCAP = 0x20e3;

const isLight = (codePoint: number) => X_LIGHT_RANGES.some(([from, to]) => codePoint >= from && codePoint <= to);

/** The weighted length of text without links: code points by range, an emoji sequence 2. */
function plainWeight(text: string): number {
	let length = 0;
	let i = 0;
	const at = (index: number) => (index < text.length ? (text.codePointAt(index) as number) : -1);
	const size = (codePoint: number) => (codePoint > 0xffff ? 2 : 1);
	while (i < text.length) {
		const cp = at(i);
		i += size(cp);
		// A keycap: 1️⃣ is '1', VS16, U+20E3.
		if ((cp === 0x23 || cp === 0x2a || (cp >= 0x30 && cp <= 0x39)) && (at(i) === KEYCAP || (at(i) === VS16 && at(i + 1) === KEYCAP))) {
			i += at(i) === VS16 ? 2 : 1;
			length += 2;
			continue;
		}
		if (cp <= 0x10ff) {
			length += 1;
			continue;
		}
		const char = String.fromCodePoint(cp);
		if (REGIONAL.test(char)) {
			// A flag is two regional indicators.
			if (REGIONAL.test(String.fromCodePoint(Math.max(0, at(i))))) i += size(at(i));
			length += 2;
			continue;
		}
		if (PICTOGRAPH.test(char)) {
			// The whole sequence: presentation selector, skin tone, and parts joined with ZWJ.
			for (;;) {
				const next = at(i);
				if (next === VS16 || (next > 0 && MODIFIER.test(String.fromCodePoint(next)))) i += size(next);
				else if (next === ZWJ && at(i + 1) > 0 && PICTOGRAPH.test(String.fromCodePoint(at(i + 1)))) i += 1 + size(at(i + 1));
				else break;
			}
			length += 2;
			continue;
		}
		length += isLight(cp) ? 1 : 2;
	}
	return length;
}

/** The length X gives a post (twitter-text v3 weighted length). */
export function xLength(raw: string): number {
	const text = raw.normalize('NFC');
	let length = 0;
	let from = 0;
	for (const link of findLinks(text)) {
		length += plainWeight(text.slice(from, link.start)) + X_URL_LENGTH;
		from = link.end;
	}
	return length + plainWeight(text.slice(from));
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
	const fits = (kept: number, closing: string[]) => measure(compose(kept, closing).text) <= limit;
	for (let dropped = 0; dropped <= tags.length; dropped++) {
		const closing = tags.slice(0, tags.length - dropped);
		// The whole body is tried only once hashtags go. Fewer words never make it longer, so the
		// longest that fits is found by bisection, then confirmed.
		let low = 1;
		let high = dropped ? words.length : words.length - 1;
		if (high < 1 || !fits(1, closing)) continue;
		while (low < high) {
			const middle = Math.ceil((low + high) / 2);
			if (fits(middle, closing)) low = middle;
			else high = middle - 1;
		}
		const kept = low;
		const { text: candidate, moved } = compose(kept, closing);
		const changes = kept < words.length ? [`cut after "${words[kept - 1]}" (${words.length - kept} of ${words.length} words left out)`] : [];
		if (moved.length) changes.push(`hashtags moved to the end: ${moved.join(' ')}`);
		if (dropped) changes.push(`hashtags left out: ${tags.slice(tags.length - dropped).join(' ')}`);
		return { text: candidate, changes };
	}
	return undefined;
}
