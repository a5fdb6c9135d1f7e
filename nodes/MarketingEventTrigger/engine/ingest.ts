/**
 * One request's events, checked and prepared: every event is either accepted (normalised, its
 * channel derived, its IP anonymised) or rejected with the field and the reason; none disappears.
 *
 * An event is valid when it is a JSON object with an eventType (text), a timestamp (ISO 8601 or
 * epoch milliseconds) and a userId or anonymousId; eventId, when given, is text or a number;
 * properties and context, when given, are objects. A repeated eventId within one request is
 * rejected as a duplicate of the first (across requests, the store keyed by eventId de-duplicates:
 * see templates/marketing-events.json). An event without an eventId gets one derived from its content
 * (SHA-256 of its canonical JSON), so that the same event sent twice gets the same id.
 */
import { createHash } from 'node:crypto';

import { groupChannel, type GroupingOptions } from '../../shared/channelGrouping';
import { shown } from '../../shared/show';
import { toMillis } from '../../shared/timestamps';
import { anonymiseIp } from './ip';
import { isObject, normaliseEvent, type Json } from './normalise';

export type IpHandling = 'anonymise' | 'keep' | 'remove';

export interface IngestSettings {
	ip: IpHandling;
	grouping: GroupingOptions;
	requireEventId: boolean;
	/** Added to every event as `receivedAt` when set (ISO 8601). */
	receivedAt?: string;
}

export interface Rejection {
	/** The event's position in the request (0 for a single event). */
	index: number;
	eventId: string | null;
	field: string;
	reason: string;
}

export interface IngestResponse {
	received: number;
	accepted: number;
	rejected: number;
	duplicates: number;
	rejections: Rejection[];
}

export interface IngestResult {
	accepted: Json[];
	rejected: Array<Rejection & { event: unknown }>;
	response: IngestResponse;
}

const text = (value: unknown): string | undefined =>
	typeof value === 'string' ? (value.trim() ? value.trim() : undefined) : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;

/** JSON with object keys sorted at every depth: the same event always gives the same text. */
export function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (isObject(value)) {
		return `{${Object.keys(value)
			.sort()
			.filter((k) => value[k] !== undefined)
			.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
			.join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

/** The content-derived id of an event without one. */
export function derivedEventId(event: Json): string {
	return `evt_${createHash('sha256').update(canonicalJson(event)).digest('hex').slice(0, 32)}`;
}

interface Problem {
	field: string;
	reason: string;
}

/** The first problem of a normalised event, or undefined when it is valid. */
export function validateEvent(event: unknown, requireEventId = false): Problem | undefined {
	if (!isObject(event)) return { field: 'event', reason: `the event is ${Array.isArray(event) ? 'a list' : shown(event)}, not a JSON object` };
	if (event.eventType === undefined || event.eventType === null || event.eventType === '') return { field: 'eventType', reason: 'eventType is missing' };
	if (typeof event.eventType !== 'string' || !event.eventType.trim()) return { field: 'eventType', reason: `eventType is ${shown(event.eventType)}, not text` };
	if (event.timestamp === undefined || event.timestamp === null || event.timestamp === '') return { field: 'timestamp', reason: 'timestamp is missing' };
	if (typeof event.timestamp !== 'string' && typeof event.timestamp !== 'number') {
		return { field: 'timestamp', reason: `timestamp is ${shown(event.timestamp)}, not ISO 8601 text or epoch milliseconds` };
	}
	if (Number.isNaN(toMillis(event.timestamp))) {
		return { field: 'timestamp', reason: `timestamp ${shown(event.timestamp)} is not ISO 8601 (e.g. 2024-05-01T09:30:00Z) or epoch milliseconds` };
	}
	const user = text(event.userId);
	const anonymous = text(event.anonymousId);
	if (!user && !anonymous) {
		const given = event.userId ?? event.anonymousId;
		return {
			field: 'userId',
			reason: given === undefined || given === null || given === '' ? 'userId or anonymousId is required' : `userId ${shown(given)} is not text`,
		};
	}
	if (event.userId !== undefined && event.userId !== null && !text(event.userId)) return { field: 'userId', reason: `userId ${shown(event.userId)} is not text` };
	if (event.anonymousId !== undefined && event.anonymousId !== null && !text(event.anonymousId)) {
		return { field: 'anonymousId', reason: `anonymousId ${shown(event.anonymousId)} is not text` };
	}
	if (event.eventId === undefined || event.eventId === null || event.eventId === '') {
		if (requireEventId) return { field: 'eventId', reason: 'eventId is missing' };
	} else if (!text(event.eventId)) {
		return { field: 'eventId', reason: `eventId ${shown(event.eventId)} is not text` };
	}
	for (const field of ['properties', 'context'] as const) {
		if (event[field] !== undefined && event[field] !== null && !isObject(event[field])) {
			return { field, reason: `${field} is ${shown(event[field])}, not an object` };
		}
	}
	return undefined;
}

function handleIp(holder: Json, key: string, handling: IpHandling): void {
	if (!(key in holder) || handling === 'keep') return;
	if (handling === 'remove') {
		delete holder[key];
		return;
	}
	holder[key] = anonymiseIp(holder[key]);
}

/** A valid event made ready for the workflow: ids as text, ISO timestamp, channel, IPs handled. */
export function prepareEvent(event: Json, settings: IngestSettings): Json {
	const out: Json = { ...event };
	out.eventType = (event.eventType as string).trim();
	for (const field of ['eventId', 'userId', 'anonymousId', 'sessionId'] as const) {
		const value = text(event[field]);
		if (value !== undefined) out[field] = value;
	}
	out.timestamp = new Date(toMillis(event.timestamp)).toISOString();
	const context = isObject(event.context) ? { ...event.context } : undefined;
	if (context) out.context = context;
	handleIp(out, 'ip', settings.ip);
	if (context) handleIp(context, 'ip', settings.ip);
	const campaign = context && isObject(context.campaign) ? context.campaign : undefined;
	const page = context && isObject(context.page) ? context.page : undefined;
	if (typeof out.channel !== 'string' || !out.channel.trim()) {
		out.channel = groupChannel(
			{
				source: text(campaign?.source),
				medium: text(campaign?.medium),
				campaign: text(campaign?.campaign),
				referrer: text(page?.referrer),
				pageUrl: text(page?.url),
			},
			settings.grouping,
		).channel;
	}
	if (settings.receivedAt) out.receivedAt = settings.receivedAt;
	if (out.eventId === undefined) out.eventId = derivedEventId({ ...out, receivedAt: undefined });
	return out;
}

export function ingest(events: readonly unknown[], settings: IngestSettings): IngestResult {
	const accepted: Json[] = [];
	const rejected: IngestResult['rejected'] = [];
	const firstIndex = new Map<string, number>();
	let duplicates = 0;
	events.forEach((raw, index) => {
		const event = normaliseEvent(raw);
		const problem = validateEvent(event, settings.requireEventId);
		const given = isObject(event) ? text(event.eventId) ?? null : null;
		if (problem) {
			rejected.push({ index, eventId: given, ...problem, event: raw });
			return;
		}
		const prepared = prepareEvent(event as Json, settings);
		const id = prepared.eventId as string;
		const first = firstIndex.get(id);
		if (first !== undefined) {
			duplicates++;
			rejected.push({ index, eventId: id, field: 'eventId', reason: `duplicate eventId: the same as event ${first} of this request`, event: raw });
			return;
		}
		firstIndex.set(id, index);
		accepted.push(prepared);
	});
	return {
		accepted,
		rejected,
		response: {
			received: events.length,
			accepted: accepted.length,
			rejected: rejected.length,
			duplicates,
			rejections: rejected.map(({ index, eventId, field, reason }) => ({ index, eventId, field, reason })),
		},
	};
}
