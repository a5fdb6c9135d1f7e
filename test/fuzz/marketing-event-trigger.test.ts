/**
 * The Marketing Event Trigger's webhook() with hostile request bodies (as JSON arrives over HTTP:
 * parsed from the raw bytes), unsigned and HMAC-signed: every event accepted or rejected with its
 * index and field, or the request refused with a 4xx and a reason; never an exception (n8n would
 * answer 500 and the batch would be lost).
 */
import { createHmac } from 'node:crypto';

import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { MarketingEventTrigger } from '../../nodes/MarketingEventTrigger/MarketingEventTrigger.node';
import { callWebhook } from '../helpers/webhook';
import { CONFIG, errorProblems, fuzz, leaks, longStrings, nonFinite, preview, printSummary, secretFragments, stopWatchdog, type CheckContext } from './harness';
import { allowDepth, hostileValue, item, plausible, toJson } from './hostile';

const SECRET = 'mkt-fz-hmac-7Kq2Lm9Np4Rs6Tv8Wx';
const trigger = new MarketingEventTrigger();

// Bodies reach the trigger's code without n8n-core copying them first: nest them as deep as an attacker would.
allowDepth(10_000);

afterAll(async () => {
	printSummary();
	await stopWatchdog();
});

const event = () =>
	item({
		event_id: plausible.id(),
		event_type: fc.constantFrom('page', 'purchase', 'signup', ''),
		user_id: plausible.id(),
		anonymous_id: plausible.id(),
		timestamp: fc.oneof(plausible.date(), fc.integer({ min: 0, max: 2e12 })),
		context: fc.record({ ip: fc.constantFrom('198.51.100.23', '2001:db8::1', 'not an ip'), page: fc.record({ url: fc.constantFrom('https://shop.example.com/?utm_source=newsletter&utm_medium=email', 'nope'), referrer: hostileValue() }) }),
		properties: fc.record({ value: hostileValue() }),
	});

/** One event, a batch, a bare list, or anything at all. */
const body = fc.oneof(
	{ weight: 3, arbitrary: fc.array(event(), { minLength: 1, maxLength: 6 }).map((batch) => ({ batch })) },
	{ weight: 2, arbitrary: event() },
	{ weight: 1, arbitrary: fc.array(event(), { minLength: 1, maxLength: 6 }) },
	{ weight: 1, arbitrary: fc.record({ batch: hostileValue() }) },
	{ weight: 1, arbitrary: hostileValue() },
);

/** What the caller can send: JSON text, parsed by n8n (no NaN, undefined or -0 survive the trip). */
const request = fc.tuple(body, fc.boolean()).map(([value, signed]) => {
	const raw = toJson(value);
	return { raw, body: JSON.parse(raw) as unknown, signed };
});

const fragments = secretFragments([SECRET]);

/** The events a body holds, as the trigger counts them. */
const eventsIn = (parsed: unknown): unknown[] =>
	Array.isArray(parsed) ? parsed : parsed && typeof parsed === 'object' && Array.isArray((parsed as IDataObject).batch) ? ((parsed as IDataObject).batch as unknown[]) : [parsed];

async function problemsOf({ raw, body: parsed, signed }: { raw: string; body: unknown; signed: boolean }): Promise<string[]> {
	const parameters: IDataObject = signed ? { authentication: 'hmac', secret: SECRET, signaturePrefix: 'sha256=' } : {};
	// Signed as the node asks: HMAC of "<epoch seconds>.<raw body>", the seconds in their own header.
	const seconds = String(Math.floor(Date.now() / 1000));
	const headers: Record<string, string> = signed
		? { 'X-Signature': `sha256=${createHmac('sha256', SECRET).update(`${seconds}.${raw}`).digest('hex')}`, 'X-Signature-Timestamp': seconds }
		: {};
	const events = eventsIn(parsed);
	const context: CheckContext = { input: events as IDataObject[], fragments, fieldNames: [], longInputs: longStrings([parsed]), inputObjects: new Set() };
	const started = Date.now();
	let answer;
	try {
		answer = await callWebhook(trigger, { parameters, body: parsed, rawBody: raw, headers });
	} catch (error) {
		return [`webhook() threw (n8n answers 500, the batch is lost): ${preview((error as Error).message, 300)}`];
	}
	const problems: string[] = [];
	if (Date.now() - started > CONFIG.runMs) problems.push(`the run took ${Date.now() - started} ms (bound ${CONFIG.runMs} ms)`);
	const { status, sent, result } = answer;
	problems.push(...nonFinite('the answer', sent, undefined, new Set()), ...leaks('the answer', sent, fragments));
	if (status === 202) {
		const counts = sent as { received: number; accepted: number; rejected: number; rejections: Array<{ index: number; field: string; reason: string }> };
		const [accepted = [], rejected = []] = result.workflowData ?? [];
		if (counts.received !== events.length) problems.push(`the answer says ${counts.received} events received, the body held ${events.length}`);
		if (counts.accepted + counts.rejected !== counts.received) problems.push(`${counts.accepted} accepted + ${counts.rejected} rejected ≠ ${counts.received} received`);
		if (accepted.length !== counts.accepted || rejected.length !== counts.rejected) problems.push(`outputs hold ${accepted.length} accepted and ${rejected.length} rejected items; the answer says ${counts.accepted} and ${counts.rejected}`);
		for (const rejection of counts.rejections ?? []) {
			if (!(rejection.index >= 0 && rejection.index < events.length) || !rejection.field) problems.push(`a rejection names no event or field: ${preview(rejection, 200)}`);
			problems.push(...errorProblems(`rejection of event ${rejection.index}`, rejection.reason, '', context, false));
		}
		[...accepted, ...rejected].forEach((out, i) => problems.push(...nonFinite(`output item ${i}`, out.json, undefined, new Set()), ...leaks(`output item ${i}`, out.json, fragments)));
	} else if (typeof status === 'number' && status >= 400 && status < 500) {
		if (result.workflowData) problems.push(`a ${status} answer started the workflow`);
		problems.push(...errorProblems(`the ${status} answer`, (sent as IDataObject | undefined)?.error, '', context, false));
	} else problems.push(`answered ${status}: ${preview(sent, 300)}`);
	return [...new Set(problems)];
}

describe('Marketing Event Trigger with hostile requests', () => {
	it('accepts or rejects every event with its index and field, or refuses the request with a 4xx; never throws', async () => {
		await fuzz(
			'marketingEventTrigger',
			1,
			request,
			problemsOf,
			({ raw, signed }) => `${signed ? 'HMAC-signed' : 'unsigned'} body (${raw.length} bytes): ${preview(JSON.parse(raw), 1500)}`,
			({ body: parsed }) => eventsIn(parsed).length,
		);
	});
});
