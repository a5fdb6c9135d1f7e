/**
 * UTM tagging: appends the campaign's `utm_*` parameters to every web link in a message, so the
 * visits it brings show up under the campaign in analytics (and in the Attribution node). Works on
 * the template's source, before merge tags are filled in, so a link whose path holds a merge tag
 * (`https://shop.example/p/{{ sku }}`) is tagged too; a link that is nothing but a merge tag
 * (`href="{{ offer_url }}"`) is not a web address until it is rendered, and stays as it is.
 */
import { aroundSlots } from './merge';

export interface Utm {
	source?: string;
	medium?: string;
	campaign?: string;
	content?: string;
	term?: string;
}

const ORDER = ['source', 'medium', 'campaign', 'term', 'content'] as const;

/** The set fields as `utm_*` pairs in the conventional order; empty when no field is set. */
export function utmParameters(utm: Utm | undefined): Array<[string, string]> {
	if (!utm) return [];
	return ORDER.flatMap((field) => {
		const value = typeof utm[field] === 'string' ? utm[field].trim() : '';
		return value ? [[`utm_${field}`, value] as [string, string]] : [];
	});
}

const isWebLink = (url: string) => /^https?:\/\//i.test(url.trim());

/** Names already in a query string (`&amp;` as HTML writes it counts as `&`). */
function queryNames(query: string): Set<string> {
	return new Set(
		query
			.replace(/&amp;/gi, '&')
			.split('&')
			.map((pair) => pair.split('=')[0].trim().toLowerCase())
			.filter(Boolean),
	);
}

/**
 * `url` with the parameters appended before its #anchor. A parameter the link already has wins:
 * a marketer who wrote `utm_content=hero` on one link meant it. Anything but http(s) is left alone.
 */
export function tagUrl(url: string, parameters: ReadonlyArray<[string, string]>): string {
	if (!parameters.length || !isWebLink(url)) return url;
	const hashAt = url.indexOf('#');
	const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt);
	const hash = hashAt === -1 ? '' : url.slice(hashAt);
	const queryAt = beforeHash.indexOf('?');
	const present = queryNames(queryAt === -1 ? '' : beforeHash.slice(queryAt + 1));
	const added = parameters
		.filter(([name]) => !present.has(name))
		.map(([name, value]) => `${name}=${encodeURIComponent(value)}`);
	if (!added.length) return url;
	const separator = queryAt === -1 ? '?' : /[?&]$/.test(beforeHash) ? '' : '&';
	return `${beforeHash}${separator}${added.join('&')}${hash}`;
}

// href inside one <a> or <area> tag, quoted either way or bare.
const LINK_TAG = /^<(?:a|area)\b/i;
const HREF = /\bhref\s*=\s*/i;
const BARE_VALUE = /^[^\s"'>]+/;

/** The first href of one tag: where its value starts and ends, and the value without its quotes. */
function hrefOf(tag: string): { from: number; to: number; quote: string; url: string } | undefined {
	const found = HREF.exec(tag);
	if (!found) return undefined;
	const from = found.index + found[0].length;
	const quote = tag[from];
	if (quote === '"' || quote === "'") {
		const closing = tag.indexOf(quote, from + 1);
		return closing === -1 ? undefined : { from, to: closing + 1, quote, url: tag.slice(from + 1, closing) };
	}
	const bare = BARE_VALUE.exec(tag.slice(from));
	return bare ? { from, to: from + bare[0].length, quote: '', url: bare[0] } : undefined;
}

/**
 * `text` with the href of every <a> and <area> tag passed through `change`. Tag by tag: a tag runs
 * from its `<` to the next `>` or `<`, so each character is read a bounded number of times (a regex
 * over the whole text rescanned to its end from every `<a` without a `>`: 60 KB took 1.3 s).
 */
function replaceHrefs(text: string, change: (url: string) => string): string {
	let out = '';
	let last = 0;
	for (let open = text.indexOf('<'); open !== -1; ) {
		const next = text.indexOf('<', open + 1);
		const close = text.indexOf('>', open);
		const end = close !== -1 && (next === -1 || close < next) ? close : next === -1 ? text.length : next;
		const tag = text.slice(open, end);
		const href = LINK_TAG.test(tag) ? hrefOf(tag) : undefined;
		if (href) {
			out += text.slice(last, open + href.from) + href.quote + change(href.url) + href.quote;
			last = open + href.to;
		}
		open = next;
	}
	return out + text.slice(last);
}

/** Every link (`<a href>`, `<area href>`) in an HTML body, tagged. */
export function tagHtmlLinks(html: string, parameters: ReadonlyArray<[string, string]>): string {
	if (!parameters.length) return html;
	return aroundSlots(html, (text) => replaceHrefs(text, (url) => tagUrl(url, parameters)));
}

// A web address in running text; closing punctuation after it belongs to the sentence.
const TEXT_URL = /https?:\/\/[^\s<>"']+/gi;

/** Every web address in a plain-text body, tagged. */
export function tagTextLinks(text: string, parameters: ReadonlyArray<[string, string]>): string {
	if (!parameters.length) return text;
	return aroundSlots(text, (hidden) =>
		hidden.replace(TEXT_URL, (found) => {
			const trailing = /[.,;:!?)\]]+$/.exec(found)?.[0] ?? '';
			const url = trailing ? found.slice(0, -trailing.length) : found;
			return tagUrl(url, parameters) + trailing;
		}),
	);
}
