/**
 * The Marketing event in its one shape: camelCase names, UTM tags under
 * context.campaign. Callers may send the snake_case form (event_id, event_type, user_id,
 * anonymous_id, session_id, context.page.referrer, …); the names of the event and of its context
 * are converted, the free-form `properties` and `traits` are left exactly as sent. When both forms
 * of one name are present the camelCase one wins.
 */

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** event_id → eventId; names that are already camelCase stay as they are. */
export function camelCase(name: string): string {
	if (!name.includes('_') && !name.includes('-')) return name;
	const trimmed = name.replace(/^[_-]+|[_-]+$/g, '');
	return trimmed.replace(/[_-]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Free-form objects whose names belong to the sender. */
const VERBATIM = new Set(['properties', 'traits']);

function camelObject(source: Json, depth: number): Json {
	const out: Json = {};
	// camelCase names first, so that they win over their snake_case twins.
	const keys = Object.keys(source).sort((a, b) => Number(camelCase(a) !== a) - Number(camelCase(b) !== b));
	for (const key of keys) {
		const name = camelCase(key);
		if (name in out) continue;
		const value = source[key];
		out[name] = isObject(value) && depth < 4 && !VERBATIM.has(name) ? camelObject(value, depth + 1) : value;
	}
	return out;
}

/** UTM names as some senders spell them inside context.campaign. */
const CAMPAIGN_ALIASES: Record<string, string> = {
	utmSource: 'source',
	utmMedium: 'medium',
	utmCampaign: 'campaign',
	utmTerm: 'term',
	utmContent: 'content',
	name: 'campaign',
};

/** The UTM tags of a landing-page URL, in their original case; undefined when it has none. */
export function utmFromUrl(url: unknown): Json | undefined {
	if (typeof url !== 'string' || !url.includes('?')) return undefined;
	let query: URLSearchParams;
	try {
		query = new URLSearchParams(url.slice(url.indexOf('?') + 1).split('#')[0]);
	} catch {
		return undefined;
	}
	const campaign: Json = {};
	for (const part of ['source', 'medium', 'campaign', 'term', 'content']) {
		const value = query.get(`utm_${part}`);
		if (value) campaign[part] = value;
	}
	return Object.keys(campaign).length ? campaign : undefined;
}

/**
 * The event with camelCase names; context.campaign from the landing page's utm_* parameters when
 * the event has none. A value that is not an object is returned as it is (validation rejects it).
 */
export function normaliseEvent(raw: unknown): unknown {
	if (!isObject(raw)) return raw;
	const event = camelObject(raw, 0);
	if (isObject(event.context)) {
		const context = event.context;
		if (isObject(context.campaign)) {
			const campaign: Json = {};
			for (const [key, value] of Object.entries(context.campaign)) {
				const name = CAMPAIGN_ALIASES[key] ?? key;
				if (!(name in campaign) || name === key) campaign[name] = value;
			}
			context.campaign = campaign;
		} else if (context.campaign === undefined) {
			const fromUrl = utmFromUrl(isObject(context.page) ? context.page.url : undefined);
			if (fromUrl) context.campaign = fromUrl;
		}
	}
	return event;
}
