/**
 * What a request carries: one event (a JSON object), a batch ({"batch": [ … ]}) or a bare JSON
 * list of events, sent as application/json or as JSON text (text/plain, as sendBeacon sends it). A request that is none of these, or a batch over the limit, is refused as a
 * whole with a status and a reason; nothing of it enters the workflow.
 */
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
	return { events, batch };
}
