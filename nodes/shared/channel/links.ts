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

// href on <a> and <area>, quoted either way or bare.
const HREF = /(<(?:a|area)\b[^>]*?\bhref\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;

/** Every link (`<a href>`, `<area href>`) in an HTML body, tagged. */
export function tagHtmlLinks(html: string, parameters: ReadonlyArray<[string, string]>): string {
	if (!parameters.length) return html;
	return aroundSlots(html, (text) =>
		text.replace(HREF, (_match, prefix: string, double?: string, single?: string, bare?: string) => {
			if (double !== undefined) return `${prefix}"${tagUrl(double, parameters)}"`;
			if (single !== undefined) return `${prefix}'${tagUrl(single, parameters)}'`;
			return `${prefix}${tagUrl(bare ?? '', parameters)}`;
		}),
	);
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
