/**
 * Loopback load test of the Marketing Event Trigger in a real n8n (regular mode, SQLite, default
 * settings: every execution saved), with the documented pattern behind it: Accepted → Remove
 * Duplicates (previous executions, by eventId) → a no-op; Rejected → a no-op. autocannon posts
 * (a) single events and (b) batches of 1,000, every event with a new eventId.
 *
 * Reported per case: events accepted per second at the HTTP level (202 answers × events), the p99
 * latency of the answers, and events processed per second end to end (until n8n has finished every
 * execution the load started: the rate n8n sustains, not just the rate it answers).
 * `npm run build && npm run bench -- events-load` runs it alone (about 2 minutes).
 */
import { randomUUID } from 'node:crypto';

import autocannon from 'autocannon';

import { finishedExecutions, postWebhook, startBenchN8n, type BenchN8n } from './n8n-host';
import type { BenchRow } from './types';

const DURATION_S = Number(process.env.CK_LOAD_SECONDS ?? 20);
const BATCHES = Number(process.env.CK_LOAD_BATCHES ?? 20);

function event(id: string, i: number) {
	return {
		event_id: id,
		event_type: i % 10 === 9 ? 'purchase' : 'page',
		user_id: `user-${i % 997}`,
		timestamp: new Date(Date.UTC(2024, 4, 1) + i * 1000).toISOString(),
		context: {
			ip: '203.0.113.57',
			page: { url: 'https://shop.example.com/?utm_source=google&utm_medium=cpc&utm_campaign=brand', referrer: 'https://www.google.com/' },
		},
		properties: i % 10 === 9 ? { value: 49.9 } : {},
	};
}

interface LoadResult {
	requests: number;
	answered202: number;
	errors: number;
	p99: number;
	p50: number;
	seconds: number;
}

/** Single events: `connections` posting for `seconds`. Batches: `amount` requests, `connections` at a time. */
async function load(url: string, batchSize: number, connections: number, limit: { seconds?: number; amount?: number }, tag: string, okStatus = 202): Promise<LoadResult> {
	let counter = 0;
	const started = Date.now();
	const result = await autocannon({
		url,
		connections,
		...(limit.amount ? { amount: limit.amount } : { duration: limit.seconds }),
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		requests: [
			{
				setupRequest: (request: Record<string, unknown>) => {
					const n = counter++;
					const body =
						batchSize === 1
							? event(`${tag}-${n}`, n)
							: { batch: Array.from({ length: batchSize }, (_, k) => event(`${tag}-${n}-${k}`, n * batchSize + k)) };
					return { ...request, body: JSON.stringify(body) };
				},
			},
		],
	});
	const elapsed = (Date.now() - started) / 1000;
	const statusCounts = result.statusCodeStats ?? {};
	return {
		requests: result.requests.total,
		answered202: statusCounts[String(okStatus)]?.count ?? 0,
		errors: result.errors + result.timeouts,
		p99: result.latency.p99,
		p50: result.latency.p50,
		seconds: elapsed,
	};
}

/** Deploys the ingest workflow; returns its webhook URL and id. */
async function deployIngest(n8n: BenchN8n, name: string): Promise<{ id: string; url: string; route: string }> {
	const route = `load-${randomUUID().slice(0, 8)}`;
	const nodes = [
		{ name: 'Events', type: 'n8n-nodes-campaign-kit.marketingEventTrigger', typeVersion: 1, webhookId: randomUUID(), parameters: { path: route } },
		{
			name: 'Remove Duplicates',
			type: 'n8n-nodes-base.removeDuplicates',
			typeVersion: 2,
			parameters: { operation: 'removeItemsSeenInPreviousExecutions', dedupeValue: '={{ $json.eventId }}', options: {} },
		},
		{ name: 'Stored', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
		{ name: 'Dead Letters', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
	].map((node, i) => ({ id: randomUUID(), position: [i * 220, 0], ...node }));
	const connections = {
		Events: { main: [[{ node: 'Remove Duplicates', type: 'main', index: 0 }], [{ node: 'Dead Letters', type: 'main', index: 0 }]] },
		'Remove Duplicates': { main: [[{ node: 'Stored', type: 'main', index: 0 }]] },
	};
	const saved = await n8n.client.upsertWorkflow({ name, nodes, connections, settings: { executionOrder: 'v1' } });
	await n8n.client.activate(saved.id);
	const warm = await postWebhook(n8n.baseUrl, route, event(`warm-${route}`, 0));
	if (warm.status !== 202) throw new Error(`the trigger answered ${warm.status}: ${warm.text}`);
	await finishedExecutions(n8n.client, saved.id, 1, 30_000);
	return { id: saved.id, url: `${n8n.baseUrl}/webhook/${route}`, route };
}

/** The yardstick: n8n's own Webhook node (answer on receipt) → a no-op, under the same single-event load. */
async function baseline(n8n: BenchN8n, connections: number): Promise<BenchRow[]> {
	const route = `baseline-${randomUUID().slice(0, 8)}`;
	const nodes = [
		{ name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, webhookId: randomUUID(), parameters: { httpMethod: 'POST', path: route, responseMode: 'onReceived', options: {} } },
		{ name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
	].map((node, i) => ({ id: randomUUID(), position: [i * 220, 0], ...node }));
	const saved = await n8n.client.upsertWorkflow({
		name: 'bench: n8n webhook baseline',
		nodes,
		connections: { Webhook: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	});
	await n8n.client.activate(saved.id);
	await postWebhook(n8n.baseUrl, route, event('warm', 0));
	const url = `${n8n.baseUrl}/webhook/${route}`;
	await load(url, 1, connections, { seconds: 3 }, 'baseline-warm', 200);
	await finishedExecutions(n8n.client, saved.id, 1, 60_000);
	const run = await load(url, 1, connections, { seconds: DURATION_S }, `baseline-${randomUUID().slice(0, 6)}`, 200);
	return [
		{ name: `Yardstick: n8n's Webhook node → no-op (single events; ${connections} connections, ${DURATION_S} s): requests answered per second`, value: Math.round(run.answered202 / run.seconds), unit: 'req/s', target: 'report', pass: true },
		{ name: "Yardstick: n8n's Webhook node → no-op: p99 latency", value: run.p99, unit: 'ms', target: 'report', pass: true },
	];
}

interface Plan {
	label: string;
	batchSize: number;
	connections: number;
	/** Single events: a duration; batches: a number of requests. */
	limit: { seconds?: number; amount?: number };
	warm: { seconds?: number; amount?: number };
}

async function measure(n8n: BenchN8n, plan: Plan): Promise<BenchRow[]> {
	const { label, batchSize, connections } = plan;
	const { id, url } = await deployIngest(n8n, `bench: events load ${label}`);
	// A short warm-up, waited out, so that the measured run starts from an idle n8n.
	const warm = await load(url, batchSize, connections, plan.warm, `warm-${label}-${randomUUID().slice(0, 6)}`);
	const before = (await finishedExecutions(n8n.client, id, 1 + warm.answered202, 600_000)).length;
	const started = Date.now();
	const run = await load(url, batchSize, connections, plan.limit, `${label}-${randomUUID().slice(0, 8)}`);
	const done = await finishedExecutions(n8n.client, id, before + run.answered202, 900_000);
	// Until the last execution of the run stopped, as n8n recorded it (not when this loop noticed).
	const lastStop = Math.max(...done.map((e) => Date.parse(e.stoppedAt)));
	const drained = (Math.max(lastStop, started + run.seconds * 1000) - started) / 1000;
	const failed = done.filter((e) => e.status !== 'success').length;
	const events = run.answered202 * batchSize;
	const what = batchSize === 1 ? 'single events' : `batches of ${batchSize.toLocaleString('en-US')}`;
	const how = `${connections} connection${connections > 1 ? 's' : ''}, ${plan.limit.seconds ? `${plan.limit.seconds} s` : `${plan.limit.amount} requests`}`;
	return [
		{ name: `Event ingest (${what}; ${how}): events answered 202 per second`, value: Math.round(events / run.seconds), unit: 'events/s', target: 'report', pass: run.requests > 0 },
		{ name: `Event ingest (${what}): p99 latency of the 202 answer`, value: run.p99, unit: 'ms', target: 'report', pass: true },
		{ name: `Event ingest (${what}): p50 latency of the 202 answer`, value: run.p50, unit: 'ms', target: 'report', pass: true },
		{
			name: `Event ingest (${what}): events processed per second, sustained (${events.toLocaleString('en-US')} events, every execution finished)`,
			value: Math.round(events / drained),
			unit: 'events/s',
			target: 'report',
			pass: true,
		},
		{
			name: `Event ingest (${what}): requests not answered 202 + failed executions`,
			value: run.requests - run.answered202 + failed,
			unit: '',
			target: '0',
			pass: run.requests - run.answered202 + failed === 0,
		},
	];
}

export async function run(): Promise<BenchRow[]> {
	const n8n = await startBenchN8n();
	try {
		return [
			...(await baseline(n8n, 4)),
			...(await measure(n8n, { label: 'single', batchSize: 1, connections: 4, limit: { seconds: DURATION_S }, warm: { seconds: 3 } })),
			...(await measure(n8n, { label: 'batch', batchSize: 1000, connections: 1, limit: { amount: BATCHES }, warm: { amount: 2 } })),
		];
	} catch (error) {
		console.error(n8n.logText().slice(-4000));
		throw error;
	} finally {
		await n8n.stop();
	}
}

// Alone: npm run build && npx tsc -p tsconfig.bench.json && node .bench/bench/events-load.bench.js
if (require.main === module) {
	run().then((rows) => console.table(rows), (error) => {
		console.error(error);
		process.exitCode = 1;
	});
}
