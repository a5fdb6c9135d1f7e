/**
 * What a request carries: one event (a JSON object), a batch ({"batch": [ … ]}) or a bare JSON
 * list of events, sent as application/json or as JSON text (text/plain, as sendBeacon sends it). A
 * request that is none of these, a batch over the limit, or an event nested more than 256 levels
 * deep is refused as a whole with a status and a reason; nothing of it enters the workflow.
 */
import { MAX_DEPTH, tooDeep } from '../../shared/limits';
import { isObject } from './normalise';

export const MAX_BATCH = 1000;

export type RequestEvents = { events: unknown[]; batch: boolean } | { status: number; error: string };

export function eventsOfRequest(body: unknown, maxBatch = MAX_BATCH): RequestEvents {
	// navigator.sendBeacon and some SDKs send JSON as text/plain: n8n hands that over as text.
	if (typeof body === 'string') {
		let parsed: unknown;
		let problem = '';
		try {
			parsed = JSON.parse(body.trim() || 'null');
		} catch (error) {
			problem = (error as Error).message;
		}
		if (problem) return { status: 400, error: `The body is not JSON: ${problem}` };
		body = parsed;
	}
	let events: unknown[];
	let batch = true;
	if (Array.isArray(body)) events = body;
	else if (isObject(body) && 'batch' in body) {
		if (!Array.isArray(body.batch)) return { status: 400, error: `"batch" must be a list of events, not ${JSON.stringify(body.batch)}` };
		events = body.batch;
	} else if (isObject(body) && Object.keys(body).length > 0) {
		events = [body];
		batch = false;
	} else {
		return { status: 400, error: 'The request has no event: send one event as a JSON object, or {"batch": [ … ]} with up to 1000' };
	}
	if (events.length === 0) return { status: 400, error: 'The batch is empty' };
	if (events.length > maxBatch) {
		return { status: 413, error: `The batch has ${events.length} events; the limit is ${maxBatch}. Split it into smaller batches.` };
	}
	// Before any recursive step (content ids, channel grouping): deeper would overflow the stack and lose the batch.
	for (let i = 0; i < events.length; i++) {
		const deep = tooDeep(events[i]);
		if (deep === undefined) continue;
		const raw = isObject(events[i]) ? (events[i] as Record<string, unknown>).eventId ?? (events[i] as Record<string, unknown>).event_id : undefined;
		const id = typeof raw === 'string' || typeof raw === 'number' ? ` (eventId ${JSON.stringify(String(raw).slice(0, 100))})` : '';
		return { status: 400, error: `Event ${i}${id} nests objects and lists more than ${MAX_DEPTH} levels deep, at ${deep}: flatten it` };
	}
	return { events, batch };
}
