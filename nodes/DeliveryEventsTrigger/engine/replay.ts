/**
 * Replay protection by event id. Twilio, Postmark, Mailchimp and Meta sign no time, so a captured
 * request checks out forever; providers also deliver an event again when an answer is lost. Each
 * event's id is remembered (hashed, in the workflow's static data, which n8n keeps in its database
 * across executions and processes), and an event whose id is remembered is dropped.
 */
import { createHash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import type { DeliveryEvent } from './types';

/** Event ids remembered per trigger by default; the oldest are forgotten first. */
export const REMEMBERED_EVENTS = 10_000;

const STORE_KEY = 'deliveryEventIds';

// 72 bits: among 10,000 remembered ids, a collision (a new event taken for a replay) has odds of about 1 in 10^14.
const keyOf = (event: DeliveryEvent) => createHash('sha256').update(`${event.provider}\n${event.eventId}`).digest('base64url').slice(0, 12);

/**
 * The events not seen before (in order; a repeat within the request counts as seen), recording
 * their ids in `store`, which keeps the newest `limit` ids.
 */
export function firstDeliveries(events: DeliveryEvent[], store: IDataObject, limit = REMEMBERED_EVENTS): { fresh: DeliveryEvent[]; replayed: number } {
	const remembered = Array.isArray(store[STORE_KEY]) ? (store[STORE_KEY] as unknown[]).filter((key): key is string => typeof key === 'string') : [];
	const seen = new Set(remembered);
	const fresh: DeliveryEvent[] = [];
	const added: string[] = [];
	for (const event of events) {
		const key = keyOf(event);
		if (seen.has(key)) continue;
		seen.add(key);
		added.push(key);
		fresh.push(event);
	}
	// A new array, not a push: n8n saves static data only when one of its keys is set.
	const keep = Number.isFinite(limit) && limit >= 1 ? Math.floor(limit) : REMEMBERED_EVENTS;
	if (added.length) store[STORE_KEY] = [...remembered, ...added].slice(-keep);
	return { fresh, replayed: events.length - fresh.length };
}
