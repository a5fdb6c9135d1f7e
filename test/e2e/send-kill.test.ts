/**
 * n8n killed mid-send, then the same list sent again, with Send History In n8n (n8n's own
 * de-duplication store, in n8n's SQLite database). Its own n8n (not the shared e2e one, which this
 * test must not kill), with Campaign Kit installed from this checkout's build, is stopped with
 * SIGKILL while Twilio's stand-in holds requests, and started again on the same user folder.
 * Counted at the stand-in, per number: nobody gets a message twice, nobody is left without a
 * message or a report, and every message whose fate the killed run took with it is reported
 * `unconfirmed` by the re-run.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { PREFIX } from '../helpers/templates';
import { TwilioStandIn } from '../stand-ins/twilio';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const host = require('../../scripts/host');

const OWNER = { email: 'kill@campaign-kit.local', password: 'Kill-password-1' };
const ACCOUNT_SID = 'AC7a1e8732a3c49700934481addd5ce1659';
const AUTH_TOKEN = 'kill-test-twilio-auth-token-5b4a3928';

interface Delivery {
	status: string;
	reason?: string;
	idempotencyKey: string | null;
}
type Item = { phone: string; delivery: Delivery };
interface N8n {
	baseUrl: string;
	child: import('node:child_process').ChildProcess;
	stop(): Promise<void>;
	logText(): string;
}
interface Client {
	baseUrl: string;
	apiKey: string;
	api(method: string, route: string, body?: unknown): Promise<Record<string, unknown> & { data: Array<Record<string, unknown>> }>;
	upsertWorkflow(workflow: unknown): Promise<{ id: string }>;
	activate(id: string): Promise<unknown>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const number = (i: number) => `+1415555${String(2000 + i)}`;
const contacts = (n: number) => Array.from({ length: n }, (_, i) => ({ phone: number(i), first_name: `F${i}` }));

describe('SMS through a killed n8n (Send History: In n8n)', () => {
	const twilio = new TwilioStandIn({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
	let userFolder = '';
	let n8n: N8n | undefined;
	let client: Client;
	let apiKey = '';
	let credential = { id: '', name: 'Twilio (kill test)' };

	async function start() {
		n8n = (await host.startN8n({ userFolder })) as N8n;
		client = new host.N8nClient(n8n.baseUrl) as Client;
		await (client as unknown as { signIn(owner: typeof OWNER): Promise<void> }).signIn(OWNER);
		if (!apiKey) apiKey = await (client as unknown as { createApiKey(label: string): Promise<string> }).createApiKey('kill');
		client.apiKey = apiKey;
	}

	/** SIGKILL: no shutdown, no chance to record anything. */
	async function kill() {
		const child = n8n?.child;
		if (!child || child.exitCode !== null || child.signalCode !== null) return;
		await new Promise<void>((resolve) => {
			child.once('exit', () => resolve());
			child.kill('SIGKILL');
		});
	}

	/** Posts the list; answers the items of every output, or undefined when n8n died first. */
	async function post(hook: string, list: unknown[]): Promise<Item[] | undefined> {
		for (let attempt = 0; ; attempt++) {
			let res: Response;
			try {
				res = await fetch(`${client.baseUrl}/webhook/${hook}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ contacts: list }) });
			} catch {
				return undefined; // the connection died with n8n
			}
			const text = await res.text();
			// After a restart n8n registers active webhooks a moment after it is ready: that 404 ran nothing.
			if (res.status === 404 && text.includes('not registered') && attempt < 50) {
				await sleep(200);
				continue;
			}
			if (res.status !== 200) throw new Error(`n8n answered ${res.status}: ${text.slice(0, 500)}\n${n8n?.logText().split('\n').slice(-40).join('\n')}`);
			return JSON.parse(text) as Item[];
		}
	}

	async function deploy(name: string, hook: string, concurrency: number) {
		const node = (n: string, type: string, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ id: randomUUID(), name: n, type, typeVersion: 1, position: [0, 0], parameters, ...extra });
		const workflow = {
			name,
			nodes: [
				node('Webhook', 'n8n-nodes-base.webhook', { httpMethod: 'POST', path: hook, responseMode: 'responseNode', options: {} }, { typeVersion: 2, webhookId: randomUUID() }),
				node('Contacts', 'n8n-nodes-base.splitOut', { fieldToSplitOut: 'body.contacts', options: {} }),
				node(
					'SMS',
					`${PREFIX}.sms`,
					{ provider: 'twilio', to: '={{ $json.phone }}', twilioFrom: '+14155550100', message: 'Hi {{ first_name }}, your order has shipped', options: { concurrency, maxRetryWait: 2 } },
					{ credentials: { campaignKitTwilioApi: credential } },
				),
				node('Results', 'n8n-nodes-base.merge', { numberInputs: 3 }, { typeVersion: 3.2 }),
				node('Respond', 'n8n-nodes-base.respondToWebhook', { respondWith: 'allIncomingItems', options: {} }, { typeVersion: 1.1 }),
			],
			connections: {
				Webhook: { main: [[{ node: 'Contacts', type: 'main', index: 0 }]] },
				Contacts: { main: [[{ node: 'SMS', type: 'main', index: 0 }]] },
				SMS: { main: [0, 1, 2].map((output) => [{ node: 'Results', type: 'main', index: output }]) },
				Results: { main: [[{ node: 'Respond', type: 'main', index: 0 }]] },
			},
			settings: { executionOrder: 'v1' },
		};
		const saved = await client.upsertWorkflow(workflow);
		await client.activate(saved.id);
	}

	/** Deliveries at the stand-in per number. */
	const tally = () => {
		const counts = new Map<string, number>();
		for (const message of twilio.delivered) counts.set(message.to, (counts.get(message.to) ?? 0) + 1);
		return counts;
	};

	beforeAll(async () => {
		await twilio.start();
		userFolder = mkdtempSync(path.join(tmpdir(), 'ck-kill-n8n-'));
		host.installPackage(userFolder);
		await start();
		const saved = await client.api('POST', '/credentials', {
			name: credential.name,
			type: 'campaignKitTwilioApi',
			data: { accountSid: ACCOUNT_SID, authType: 'authToken', authToken: AUTH_TOKEN, baseUrl: twilio.url },
		});
		credential = { id: String(saved.id), name: credential.name };
	}, 600_000);

	afterAll(async () => {
		await kill();
		await twilio.stop();
		if (userFolder) rmSync(userFolder, { recursive: true, force: true });
	});

	it('5 SMS, killed while Twilio holds the first request: the re-run sends the 4 others and reports that one unconfirmed; none twice, none lost', async () => {
		twilio.reset();
		await deploy('kill: 5 SMS one at a time', 'kill-five', 1);
		const held = twilio.hold();
		const first = post('kill-five', contacts(5));
		while (twilio.requests.length < 1) await sleep(20);
		await sleep(500); // one at a time: no second request may start while the first is held
		expect(twilio.requests).toHaveLength(1);
		await kill();
		held.release();
		expect(await first).toBeUndefined();
		expect(twilio.delivered.map((message) => message.to)).toEqual([number(0)]);

		await start();
		const rerun = (await post('kill-five', contacts(5))) as Item[];
		const byPhone = new Map(rerun.map((item) => [item.phone, item.delivery]));
		expect([1, 2, 3, 4].map((i) => byPhone.get(number(i))?.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
		expect(byPhone.get(number(0))).toMatchObject({ status: 'unconfirmed', reason: expect.stringMatching(/^unconfirmed: an earlier execution of this node started sending it and stopped before recording Twilio's answer/) });
		const counts = tally();
		expect([...counts.keys()].sort()).toEqual(contacts(5).map((c) => c.phone).sort());
		expect([...counts.values()].every((n) => n === 1)).toBe(true);

		// And again: the 4 are already sent, the one stays unconfirmed until the marketer decides.
		const third = (await post('kill-five', contacts(5))) as Item[];
		expect(third.map((item) => item.delivery.status).sort()).toEqual(['skipped', 'skipped', 'skipped', 'skipped', 'unconfirmed']);
		expect(twilio.delivered).toHaveLength(5);
	}, 600_000);

	it('40 SMS, 4 at a time, killed mid-run: every number gets one SMS or is reported unconfirmed, none gets two', async () => {
		twilio.reset();
		twilio.latencyMs = 150;
		await deploy('kill: 40 SMS, 4 at a time', 'kill-forty', 4);
		const list = contacts(40);
		const first = post('kill-forty', list);
		while (twilio.requests.length < 15) await sleep(5);
		await kill();
		expect(await first).toBeUndefined();
		await sleep(500); // the stand-in finishes what reached it, as a provider would
		const reachedBeforeKill = new Set(twilio.requests.map((request) => String((request.body as Record<string, string>).To)));
		const deliveredBeforeKill = twilio.delivered.length;

		await start();
		twilio.latencyMs = 0;
		const rerun = (await post('kill-forty', list)) as Item[];
		const status = new Map(rerun.map((item) => [item.phone, item.delivery.status]));
		const counts = tally();
		const doubled = [...counts].filter(([, n]) => n > 1).map(([to]) => to);
		const lost = list.map((c) => c.phone).filter((phone) => !counts.has(phone) && status.get(phone) !== 'unconfirmed');
		const unconfirmed = list.map((c) => c.phone).filter((phone) => status.get(phone) === 'unconfirmed');
		const unconfirmedDelivered = unconfirmed.filter((phone) => counts.has(phone));
		// Delivered before the kill and not reported: the killed run had recorded them as sent.
		const recorded = [...reachedBeforeKill].filter((phone) => status.get(phone) === 'skipped');
		console.log(
			`[kill] 40 SMS, 4 at a time: ${reachedBeforeKill.size} requests reached Twilio before SIGKILL (${deliveredBeforeKill} delivered), ` +
				`${recorded.length} of them recorded as sent; re-run: ${rerun.filter((i) => i.delivery.status === 'sent').length} sent, ` +
				`${unconfirmed.length} unconfirmed (${unconfirmedDelivered.length} of them had reached Twilio); doubled ${doubled.length}, lost without a report ${lost.length}`,
		);
		expect(rerun).toHaveLength(40);
		expect(doubled).toEqual([]);
		expect(lost).toEqual([]);
		// Every number that reached Twilio is either recorded as sent (skipped) or reported unconfirmed.
		expect([...reachedBeforeKill].filter((phone) => !['skipped', 'unconfirmed'].includes(String(status.get(phone))))).toEqual([]);
		expect(twilio.delivered.length).toBe(counts.size);
	}, 600_000);
});
