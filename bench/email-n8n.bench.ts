/**
 * Email in the real n8n: 100,000 emails through Campaign Kit's Email node (SendGrid stand-in), and
 * in the same run the same 100,000 the way n8n users send them today, one request per item (n8n's
 * SendGrid node does exactly that, at a fixed host; the same per-item request goes through n8n's
 * HTTP Request node to the stand-in). Targets (issue 3): at most 110 requests for Campaign Kit and
 * at least 100,000 messages per minute. CK_BENCH_EMAILS overrides the count.
 *
 * n8n's HTTP Request node starts every item's request at once; at 100,000 that exhausts the
 * machine's connections and the execution fails. Its Batching option (100 requests, then a 10 ms
 * pause) is what a user turns on to get through, so the comparison uses it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { SendGridStandIn } from '../test/stand-ins/sendgrid';
import type { BenchRow } from './types';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const host = require('../../scripts/host');

const API_KEY = 'SG.bench-key.0123456789abcdefghij';
const FROM = 'news@brand.example';

interface Client {
	baseUrl: string;
	api(method: string, route: string, body?: unknown): Promise<{ id: string }>;
	upsertWorkflow(workflow: unknown): Promise<{ id: string }>;
	activate(id: string): Promise<unknown>;
}

const node = (name: string, type: string, typeVersion: number, parameters: object, extra: object = {}) => ({
	id: name,
	name,
	type,
	typeVersion,
	position: [0, 0],
	parameters,
	...extra,
});

/** Webhook → Split Out → <sender> → Respond with how many items came out. */
function workflow(name: string, path: string, sender: object) {
	return {
		name,
		nodes: [
			node('Webhook', 'n8n-nodes-base.webhook', 2, { httpMethod: 'POST', path, responseMode: 'responseNode', options: {} }, { webhookId: path }),
			node('Contacts', 'n8n-nodes-base.splitOut', 1, { fieldToSplitOut: 'body.contacts', options: {} }),
			sender,
			node('Respond', 'n8n-nodes-base.respondToWebhook', 1.1, {
				respondWith: 'json',
				responseBody: '={{ { "items": $input.all().length } }}',
				options: {},
			}),
		],
		connections: {
			Webhook: { main: [[{ node: 'Contacts', type: 'main', index: 0 }]] },
			Contacts: { main: [[{ node: (sender as { name: string }).name, type: 'main', index: 0 }]] },
			[(sender as { name: string }).name]: { main: [[{ node: 'Respond', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

async function timedPost(baseUrl: string, path: string, body: unknown): Promise<{ seconds: number; answer: { items?: number } }> {
	const started = process.hrtime.bigint();
	for (;;) {
		const res = await fetch(`${baseUrl}/webhook/${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		const text = await res.text();
		if (res.status === 404 && text.includes('not registered')) continue; // activation still settling
		if (!res.ok) throw new Error(`${path} answered ${res.status}: ${text.slice(0, 300)}`);
		return { seconds: Number(process.hrtime.bigint() - started) / 1e9, answer: JSON.parse(text) };
	}
}

export async function run(): Promise<BenchRow[]> {
	const count = Number(process.env.CK_BENCH_EMAILS ?? 100_000);
	const sendGrid = new SendGridStandIn(API_KEY);
	await sendGrid.start();
	const userFolder = mkdtempSync(path.join(tmpdir(), 'ck-bench-n8n-'));
	host.installPackage(userFolder);
	const n8n = await host.startN8n({ userFolder });
	try {
		const client: Client = new host.N8nClient(n8n.baseUrl);
		await (client as unknown as { signIn(o: object): Promise<void> }).signIn({ email: 'bench@campaign-kit.local', password: 'Bench-password-1' });
		await (client as unknown as { createApiKey(): Promise<string> }).createApiKey();
		const credential = await client.api('POST', '/credentials', {
			name: 'bench SendGrid',
			type: 'campaignKitSendGridApi',
			data: { apiKey: API_KEY, baseUrl: sendGrid.url },
		});

		const kit = await client.upsertWorkflow(
			workflow(
				'bench: Campaign Kit Email',
				'bench-kit',
				node(
					'Email',
					'n8n-nodes-campaign-kit.email',
					1,
					{
						provider: 'sendGrid',
						to: '={{ $json.email }}',
						fromEmail: FROM,
						subject: 'Hi {{ first_name | "there" }}, our spring offer',
						html: '<p>Hi {{ first_name | "there" }},</p><p><a href="https://shop.example/sale">Shop the sale</a></p>',
						options: {},
					},
					{ credentials: { campaignKitSendGridApi: { id: credential.id, name: 'bench SendGrid' } } },
				),
			),
		);
		const perItem = await client.upsertWorkflow(
			workflow(
				'bench: one request per item',
				'bench-per-item',
				node('Send', 'n8n-nodes-base.httpRequest', 4.2, {
					method: 'POST',
					url: `${sendGrid.url}/v3/mail/send`,
					sendHeaders: true,
					headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${API_KEY}` }] },
					sendBody: true,
					specifyBody: 'json',
					jsonBody:
						'={{ { "personalizations": [{ "to": [{ "email": $json.email }] }], "from": { "email": "' +
						FROM +
						'" }, "subject": "Hi " + ($json.first_name || "there") + ", our spring offer", "content": [{ "type": "text/html", "value": "<p>Hi " + ($json.first_name || "there") + ",</p><p><a href=\\"https://shop.example/sale\\">Shop the sale</a></p>" }] } }}',
					options: { batching: { batch: { batchSize: 100, batchInterval: 10 } } },
				}),
			),
		);
		await client.activate(kit.id);
		await client.activate(perItem.id);

		const contacts = Array.from({ length: count }, (_, i) => ({ email: `contact${i}@example.com`, first_name: i % 7 ? `F${i}` : '' }));
		const ck = await timedPost(n8n.baseUrl, 'bench-kit', { contacts });
		const ckRequests = sendGrid.requests.length;
		const ckDelivered = sendGrid.delivered.length;
		sendGrid.reset();
		const http = await timedPost(n8n.baseUrl, 'bench-per-item', { contacts });
		const httpRequests = sendGrid.requests.length;
		const httpDelivered = sendGrid.delivered.length;

		const perMinute = (seconds: number) => Math.round((count / seconds) * 60);
		const n = count.toLocaleString('en-US');
		return [
			{ name: `Email (n8n): Campaign Kit, ${n} emails delivered`, value: ckDelivered, unit: 'emails', target: `= ${n}`, pass: ckDelivered === count && ck.answer.items === count },
			{ name: 'Email (n8n): Campaign Kit, HTTP requests', value: ckRequests, unit: 'requests', target: `<= ${Math.ceil((count / 1000) * 1.1)}`, pass: ckRequests <= Math.ceil((count / 1000) * 1.1) },
			{ name: 'Email (n8n): Campaign Kit, wall time', value: ck.seconds, unit: 's', target: 'no target', pass: true },
			{ name: 'Email (n8n): Campaign Kit, messages per minute', value: perMinute(ck.seconds), unit: 'msg/min', target: '>= 100,000', pass: perMinute(ck.seconds) >= 100_000 },
			{ name: `Email (n8n): per-item HTTP Request (batching 100/10 ms), ${n} emails delivered`, value: httpDelivered, unit: 'emails', target: 'for comparison', pass: true },
			{ name: 'Email (n8n): per-item HTTP Request, HTTP requests', value: httpRequests, unit: 'requests', target: 'for comparison', pass: true },
			{ name: 'Email (n8n): per-item HTTP Request, wall time', value: http.seconds, unit: 's', target: 'for comparison', pass: true },
			{ name: 'Email (n8n): per-item HTTP Request, messages per minute', value: perMinute(http.seconds), unit: 'msg/min', target: 'for comparison', pass: true },
			{ name: 'Email (n8n): Campaign Kit speed-up (wall time ratio)', value: Number((http.seconds / ck.seconds).toFixed(1)), unit: '×', target: 'for comparison', pass: true },
		];
	} finally {
		await n8n.stop();
		await sendGrid.stop();
	}
}
