/**
 * The three ways providers page through lists. Each reads pages until the provider says there are
 * no more (or `max` items are in hand) and returns the items of all pages in order.
 */
import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { TransportRequest, TransportResponse } from './types';

// Providers' JSON is untyped; the callbacks below pick fields out of it, so they get it loosely typed.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;

interface Common<T> {
	/** The items on one page, e.g. `(body) => body.result`. */
	items: (body: Body, response: TransportResponse<Body>) => T[] | undefined | null;
	/** Stop once this many items are in hand. */
	max?: number;
}

export type Pagination<T> = Common<T> &
	(
		| {
				/** A token from each page asks for the next (Kit, Pinterest `bookmark`, Amazon Ads `nextToken`). */
				style: 'cursor';
				/** The next page's token, absent or empty on the last page. */
				next: (body: Body, response: TransportResponse<Body>) => string | number | null | undefined;
				/** The query parameter that carries the token (default `cursor`)... */
				cursorParam?: string;
				/** ...or how to put it into the request when it is not a query parameter (a POST body). */
				setCursor?: (request: TransportRequest, cursor: string) => TransportRequest;
		  }
		| {
				/** `offset` and `limit` parameters (Mailchimp `offset`/`count`); a short page is the last. */
				style: 'offset';
				/** Page size: at most the provider's maximum, or a capped page would look like the last. */
				limit: number;
				offsetParam?: string;
				limitParam?: string;
				/** First offset (default 0). */
				start?: number;
		  }
		| {
				/** A next-page URL: RFC 8288 `Link: <…>; rel="next"` (GitHub-style), or in the body (Twilio `next_page_uri`, Meta `paging.next`). */
				style: 'link';
				/** The next URL from the body when the provider does not send a Link header. */
				next?: (body: Body, response: TransportResponse<Body>) => string | null | undefined;
		  }
	);

type Send = (request: TransportRequest) => Promise<TransportResponse<Body>>;

/** The `rel="next"` target of an RFC 8288 Link header. */
export function nextLink(header: string | undefined): string | undefined {
	if (!header) return undefined;
	// <target>; param=value; param="quoted, maybe with commas", then a comma before the next link.
	for (const match of header.matchAll(/<([^>]*)>((?:\s*;\s*[\w*-]+(?:\s*=\s*(?:"[^"]*"|[^;,]*))?)*)/g)) {
		const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]+))/i.exec(match[2]);
		const relations = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
		if (relations.includes('next')) return match[1];
	}
	return undefined;
}

export async function paginate<T>(
	node: INode,
	/** "GET /v3/things", already redacted, for messages. */
	label: string,
	send: Send,
	resolveUrl: (url: string) => Promise<string>,
	first: TransportRequest,
	pagination: Pagination<T>,
): Promise<T[]> {
	const max = pagination.max ?? Infinity;
	const all: T[] = [];
	const take = (body: unknown, response: TransportResponse<unknown>) => {
		const page = pagination.items(body, response) ?? [];
		if (!Array.isArray(page)) {
			throw new NodeOperationError(node, `The provider's answer to ${label} has no list of items where one was expected`);
		}
		all.push(...page);
		return page.length;
	};
	const done = () => all.length >= max;

	if (pagination.style === 'offset') {
		const { limit, offsetParam = 'offset', limitParam = 'limit' } = pagination;
		let previous = '';
		for (let offset = pagination.start ?? 0; !done(); offset += limit) {
			const response = await send({ ...first, qs: { ...first.qs, [offsetParam]: offset, [limitParam]: limit } });
			// A provider that ignores the offset parameter would hand back full pages forever.
			const page = JSON.stringify(pagination.items(response.body, response) ?? []);
			if (page === previous) throw new NodeOperationError(node, `The provider returned the same page twice for ${label}; check the offset parameter's name`);
			previous = page;
			if (take(response.body, response) < limit) break;
		}
	} else if (pagination.style === 'cursor') {
		const seen = new Set<string>();
		const { cursorParam = 'cursor' } = pagination;
		const setCursor =
			pagination.setCursor ?? ((request, cursor) => ({ ...request, qs: { ...request.qs, [cursorParam]: cursor } as IDataObject }));
		for (let request = first; ; ) {
			const response = await send(request);
			take(response.body, response);
			const raw = pagination.next(response.body, response);
			const cursor = raw === null || raw === undefined ? '' : String(raw);
			if (!cursor || done()) break;
			// A provider that hands back the same cursor would keep us reading the same page forever.
			if (seen.has(cursor)) throw new NodeOperationError(node, `The provider returned the same page cursor twice for ${label}; stopped reading pages`);
			seen.add(cursor);
			request = setCursor(first, cursor);
		}
	} else {
		const origin = new URL(await resolveUrl(first.url)).origin;
		const seen = new Set<string>();
		for (let request = first, url = await resolveUrl(first.url); ; ) {
			const response = await send(request);
			take(response.body, response);
			const next = nextLink(response.headers.link) ?? pagination.next?.(response.body, response) ?? undefined;
			if (!next || done()) break;
			const target = new URL(next, url);
			// The credential goes with every request: never follow a link to another host.
			if (target.origin !== origin) {
				throw new NodeOperationError(node, `The provider's next-page link points to another host (${target.origin}); stopped before sending credentials there`);
			}
			url = target.toString();
			if (seen.has(url)) throw new NodeOperationError(node, `The provider returned the same next-page link twice for ${label}; stopped reading pages`);
			seen.add(url);
			// The link carries its own query string: the first request's would duplicate or contradict it.
			request = { ...first, url, qs: undefined };
		}
	}
	return all.length > max ? all.slice(0, max) : all;
}
