/**
 * Marketing Event Trigger in a real n8n: single events and batches answered 202 with counts and
 * reasons; invalid and repeated events come out of Rejected; and the template's de-duplication
 * across requests (a Data Table upsert keyed by eventId): the same event posted twice, or in
 * overlapping requests, is stored once, and nothing accepted is lost.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { connect, deploy, executions, PREFIX, tableRows, templateTables, waitForExecutions, type WorkflowNode } from './n8n';

type Execution = Awaited<ReturnType<typeof executions>>[number];

const out = (execution: Execution, node: string, output = 0): IDataObject[] =>
	(execution.data!.resultData.runData[node]?.[0]?.data?.main[output] ?? []).map((item) => item.json);

const noOp = (name: string): WorkflowNode => ({ name, type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} });

/** Trigger → Accepted → Stored; Rejected → Dead Letters. */
async function deployIngest(parameters: IDataObject = {}) {
	const path = `events-${randomUUID().slice(0, 8)}`;
	const workflow = await deploy({
		name: `e2e: marketing events ${path}`,
		nodes: [
			{ name: 'Events', type: `${PREFIX}.marketingEventTrigger`, typeVersion: 1, webhookId: randomUUID(), parameters: { path, ...parameters } },
			noOp('Stored'),
			noOp('Dead Letters'),
		],
		connections: connect(['Events', 'Stored', 0], ['Events', 'Dead Letters', 1]),
	});
	return { workflow, path };
}

const event = (eventId: string, extra: IDataObject = {}) => ({
	event_id: eventId,
	event_type: 'page',
	user_id: 'u-1',
	timestamp: '2024-05-01T10:00:00+02:00',
	context: {
		ip: '203.0.113.57',
		page: { url: 'https://shop.example.com/?utm_source=google&utm_medium=cpc&utm_campaign=brand', referrer: 'https://www.google.com/' },
	},
	...extra,
});

describe('Marketing Event Trigger in a real n8n', () => {
	it('answers 202 with counts and reasons; valid events out of Accepted, invalid and repeated out of Rejected', async () => {
		const { workflow, path } = await deployIngest();
		try {
			const single = await workflow.post(path, event('single-1'));
			expect(single).toEqual({ status: 202, body: { received: 1, accepted: 1, rejected: 0, duplicates: 0, rejections: [] } });

			const batch = {
				batch: [
					event('b-1'),
					event('b-2', { timestamp: 'yesterday' }),
					event('b-1', { event_type: 'click' }),
					{ eventType: 'purchase', anonymousId: 'anon-7', timestamp: 1714557600000, properties: { value: 49.9 } },
					{ event_id: 'b-4', event_type: 'page', timestamp: '2024-05-01T10:00:00Z' },
				],
			};
			const answer = await workflow.post(path, batch);
			expect(answer.status).toBe(202);
			expect(answer.body).toEqual({
				received: 5,
				accepted: 2,
				rejected: 3,
				duplicates: 1,
				rejections: [
					{ index: 1, eventId: 'b-2', field: 'timestamp', reason: 'timestamp "yesterday" is not ISO 8601 (e.g. 2024-05-01T09:30:00Z) or epoch milliseconds' },
					{ index: 2, eventId: 'b-1', field: 'eventId', reason: 'duplicate eventId: the same as event 0 of this request' },
					{ index: 4, eventId: 'b-4', field: 'userId', reason: 'userId or anonymousId is required' },
				],
			});

			const [second, first] = await waitForExecutions(workflow.id, 2);
			expect(first.status).toBe('success');
			expect(out(first, 'Stored')).toEqual([
				expect.objectContaining({
					eventId: 'single-1',
					eventType: 'page',
					userId: 'u-1',
					timestamp: '2024-05-01T08:00:00.000Z',
					channel: 'Paid Search',
					context: expect.objectContaining({ ip: '203.0.113.0', campaign: { source: 'google', medium: 'cpc', campaign: 'brand' } }),
				}),
			]);
			expect(out(second, 'Stored').map((e) => e.eventId)).toEqual(['b-1', expect.stringMatching(/^evt_[0-9a-f]{32}$/)]);
			expect(out(second, 'Stored')[1]).toMatchObject({ anonymousId: 'anon-7', channel: 'Direct', properties: { value: 49.9 } });
			// Nothing disappears: the three rejected events reach the dead-letter branch with their reason and the raw event.
			expect(out(second, 'Dead Letters').map((e) => [e.index, e.field, (e.event as IDataObject).event_id])).toEqual([
				[1, 'timestamp', 'b-2'],
				[2, 'eventId', 'b-1'],
				[4, 'userId', 'b-4'],
			]);
		} finally {
			await workflow.stop();
		}
	});

	it('the template: every accepted event stored once, also when requests overlap and repeat', async () => {
		const tables = await templateTables();
		const template = JSON.parse(readFileSync(join(__dirname, '../../templates/marketing-events.json'), 'utf8')) as {
			name: string;
			nodes: WorkflowNode[];
			connections: IDataObject;
		};
		const route = `events-${randomUUID().slice(0, 8)}`;
		const nodes = template.nodes.map((node) =>
			node.type === `${PREFIX}.marketingEventTrigger` ? { ...node, webhookId: randomUUID(), parameters: { ...node.parameters, path: route } } : node,
		);
		const workflow = await deploy({ name: `${template.name} (${route})`, nodes, connections: template.connections });
		try {
			const run = `${route}-`;
			const id = (n: number) => `${run}${n}`;
			// A purchase, then its retry after the first answer (a retry repeats the event as it was).
			const purchase = event(id(0), { properties: { value: 12.5 } });
			expect((await workflow.post(route, purchase)).status).toBe(202);
			await waitForExecutions(workflow.id, 1);
			expect((await workflow.post(route, purchase)).body).toMatchObject({ accepted: 1 });
			// Twelve requests at once, as a busy site sends them: new events, repeats of one another and
			// of the first, singles and batches, and one invalid event. Overlapping runs of n8n's Remove
			// Duplicates failed or forgot IDs here (issue 6); each event is now its own row.
			const requests = [
				...Array.from({ length: 6 }, (_, n) => event(id(n + 1))),
				{ batch: [event(id(1)), event(id(7)), event(id(8))] },
				{ batch: [event(id(7)), event(id(9)), purchase] },
				event(id(3)),
				event(id(9)),
				{ batch: [event(id(10)), { event_id: id(11), event_type: 'page', timestamp: 'soon', user_id: 'u-2' }] },
				purchase,
			];
			const answers = await Promise.all(requests.map((body) => workflow.post(route, body)));
			expect(answers.map((a) => a.status)).toEqual(Array(12).fill(202));
			expect(answers.reduce((sum, a) => sum + (a.body as IDataObject & { accepted: number }).accepted, 0)).toBe(16);

			const runs = await waitForExecutions(workflow.id, 14, 120_000);
			expect(runs).toHaveLength(14);
			expect(runs.map((r) => r.status)).toEqual(Array(14).fill('success'));
			// Every accepted event reached the store: 18 accepted in all (with the first two), 11 distinct.
			expect(runs.reduce((sum, r) => sum + out(r, 'Store the event (once per eventId)').length, 0)).toBe(18);

			const stored = await tableRows(tables.campaign_kit_marketing_events, 'eventId', run);
			expect(stored.map((row) => row.eventId).sort()).toEqual(Array.from({ length: 11 }, (_, n) => id(n)).sort());
			expect(stored.find((row) => row.eventId === id(0))).toMatchObject({
				eventType: 'page',
				userId: 'u-1',
				channel: 'Paid Search',
				source: 'google',
				medium: 'cpc',
				campaign: 'brand',
				value: 12.5,
			});
			expect(new Date(stored.find((row) => row.eventId === id(0))!.timestamp as string).toISOString()).toBe('2024-05-01T08:00:00.000Z');

			// The invalid event is kept with its reason.
			const rejected = await tableRows(tables.campaign_kit_rejected_events, 'eventId', run);
			expect(rejected).toEqual([expect.objectContaining({ eventId: id(11), field: 'timestamp' })]);
			expect(rejected[0].reason).toMatch(/not ISO 8601/);
		} finally {
			await workflow.stop();
		}
	});

	it('refuses malformed, oversized and unsigned requests as a whole, starting nothing', async () => {
		const { workflow, path } = await deployIngest({ authentication: 'hmac', secret: 'e2e-hmac-key', signaturePrefix: 'sha256=' });
		try {
			// Signed as the trigger asks: HMAC of "<epoch seconds>.<body>", the seconds in X-Signature-Timestamp.
			const signedAt = (text: string, t: number) => ({
				'X-Signature': `sha256=${createHmac('sha256', 'e2e-hmac-key').update(`${t}.${text}`).digest('hex')}`,
				'X-Signature-Timestamp': String(t),
			});
			const now = Math.floor(Date.now() / 1000);
			const raw = JSON.stringify({ batch: [event('signed-1')] });
			const unsigned = await workflow.post(path, undefined, { raw });
			expect(unsigned).toEqual({ status: 401, body: { error: 'Refused: the X-Signature header is missing' } });
			const tampered = await workflow.post(path, undefined, { raw: raw.replace('u-1', 'u-2'), headers: signedAt(raw, now) });
			expect(tampered).toEqual({ status: 401, body: { error: 'Refused: the X-Signature signature does not match the timestamp and body' } });
			// A request signed (and captured) 301 s ago is a replay.
			const stale = await workflow.post(path, undefined, { raw, headers: signedAt(raw, now - 301) });
			expect(stale.status).toBe(401);
			expect(stale.body).toEqual({ error: expect.stringMatching(/^Refused: the X-Signature-Timestamp is 30\d s from now, outside the 300 s window$/) });

			const signed = await workflow.post(path, undefined, { raw, headers: signedAt(raw, now) });
			expect(signed).toMatchObject({ status: 202, body: { accepted: 1 } });

			const sign = (body: unknown) => {
				const text = JSON.stringify(body);
				return { raw: text, headers: signedAt(text, Math.floor(Date.now() / 1000)) };
			};
			const tooMany = await workflow.post(path, undefined, sign({ batch: Array.from({ length: 1001 }, (_, i) => event(`big-${i}`)) }));
			expect(tooMany).toEqual({ status: 413, body: { error: 'The batch has 1001 events; the limit is 1000. Split it into smaller batches.' } });
			const empty = await workflow.post(path, undefined, sign({ batch: [] }));
			expect(empty).toEqual({ status: 400, body: { error: 'The batch is empty' } });
			// navigator.sendBeacon posts JSON as text/plain.
			const beacon = sign(event('beacon-1'));
			const asText = await workflow.post(path, undefined, { ...beacon, headers: { ...beacon.headers, 'content-type': 'text/plain;charset=UTF-8' } });
			expect(asText).toMatchObject({ status: 202, body: { accepted: 1 } });

			// Only the two signed, well-formed requests started the workflow.
			await new Promise((resolve) => setTimeout(resolve, 1000));
			const runs = await waitForExecutions(workflow.id, 2);
			expect(runs).toHaveLength(2);
			expect(runs.flatMap((r) => out(r, 'Stored').map((e) => e.eventId)).sort()).toEqual(['beacon-1', 'signed-1']);
		} finally {
			await workflow.stop();
		}
	});

	it('takes a batch of 1,000 events in one request', async () => {
		const { workflow, path } = await deployIngest();
		try {
			const batch = Array.from({ length: 1000 }, (_, i) => event(`k-${i}`, { user_id: `u-${i % 97}` }));
			const answer = await workflow.post(path, { batch });
			expect(answer).toMatchObject({ status: 202, body: { received: 1000, accepted: 1000, rejected: 0 } });
			const [run] = await waitForExecutions(workflow.id, 1, 30_000);
			expect(out(run, 'Stored')).toHaveLength(1000);
		} finally {
			await workflow.stop();
		}
	});
});
