/**
 * The plain-text part of an email, derived from its HTML when the marketer wrote none: mail
 * clients that do not show HTML (and spam filters, which score an HTML-only message worse) get
 * readable text, with each link's address in brackets after its words. Merge tags pass through
 * untouched so the text part is personalised like the HTML.
 */
import { aroundSlots } from './merge';

const NAMED: Record<string, string> = {
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	apos: "'",
	nbsp: ' ',
	copy: '©',
	reg: '®',
	trade: '™',
	hellip: '…',
	mdash: '—',
	ndash: '–',
	lsquo: '‘',
	rsquo: '’',
	ldquo: '“',
	rdquo: '”',
	laquo: '«',
	raquo: '»',
	bull: '•',
	middot: '·',
	euro: '€',
	pound: '£',
	yen: '¥',
	cent: '¢',
	deg: '°',
	times: '×',
};

export function decodeEntities(text: string): string {
	return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (match, entity: string) => {
		if (entity[0] === '#') {
			const code = entity[1].toLowerCase() === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
			return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;
		}
		return NAMED[entity.toLowerCase()] ?? match;
	});
}

const stripTags = (html: string) => html.replace(/<[^>]*>/g, '');

const BLOCK = 'p|div|h[1-6]|table|ul|ol|blockquote|section|article|header|footer|pre|address|center|form';

/** Readable plain text from an email's HTML. */
export function htmlToText(html: string): string {
	return aroundSlots(html, (source) => {
		let text = source
			// HTML's own line breaks mean nothing; only its elements do.
			.replace(/\s+/g, ' ')
			.replace(/<!--[\s\S]*?-->/g, '')
			.replace(/<(head|style|script|title)\b[\s\S]*?<\/\1\s*>/gi, '')
			.replace(/<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))[^>]*>([\s\S]*?)<\/a\s*>/gi, (_m, d, s, b, inner: string) => {
				const href = decodeEntities(String(d ?? s ?? b ?? '')).trim();
				const words = stripTags(inner).trim();
				const shown = href.replace(/^mailto:/i, '');
				if (!href || href.startsWith('#') || /^(javascript|tel):/i.test(href)) return words;
				if (!words || decodeEntities(words) === shown) return shown;
				return `${words} (${shown})`;
			})
			.replace(/<img\b[^>]*?\balt\s*=\s*(?:"([^"]*)"|'([^']*)')[^>]*>/gi, (_m, d, s) => String(d ?? s ?? ''))
			.replace(/<br\s*\/?>/gi, '\n')
			.replace(/<hr\b[^>]*>/gi, '\n\n')
			.replace(/<li\b[^>]*>/gi, '\n- ')
			.replace(/<\/(td|th)\s*>/gi, ' ')
			.replace(/<tr\b[^>]*>/gi, '\n')
			.replace(new RegExp(`<\\/?(${BLOCK})\\b[^>]*>`, 'gi'), '\n\n');
		text = decodeEntities(stripTags(text));
		return text
			.split('\n')
			.map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
			.join('\n')
			.replace(/\n{3,}/g, '\n\n')
			.trim();
	});
}
