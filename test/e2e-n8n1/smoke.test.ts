/**
 * The smoke run on n8n 1.123.x (Node 22), the oldest n8n Campaign Kit supports: every template
 * imported as shipped (Simulate) and run from its trigger, and every one of the 16 nodes run at
 * least once. The nodes the templates do not reach in Simulate (ad platforms, Email Audience,
 * Push, SMS) run in small workflows, against the stand-ins or in Simulate. The full e2e suite runs on n8n 2.x.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { Ecdsa, PrivateKey } from 'starkbank-ecdsa';

import reference from '../reference/bid-optimizer-reference.json';
import { readTemplate } from '../helpers/templates';
import { AmazonAdsStandIn } from '../stand-ins/amazon-ads';
import { KitStandIn } from '../stand-ins/kit';
import { MetaAdsStandIn } from '../stand-ins/meta-ads';
import {
	client,
	connect,
	createCredential,
	deploy,
	executions,
	importTemplate,
	outputOf,
	postWebhook,
	PREFIX,
	respond,
	runManually,
	story,
	templateTables,
	until,
	webhook,
	type WorkflowNode,
} from '../e2e/n8n';

type Execution = Awaited<ReturnType<typeof executions>>[number];

const ROOT = path.resolve(__dirname, '../..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { n8n: { nodes: string[] } };
/** Every node type the package declares, e.g. n8n-nodes-campaign-kit.abSplit. */
const NODE_TYPES = manifest.n8n.nodes.map((file) => {
	const name = path.basename(file, '.node.js');
	return `${PREFIX}.${name[0].toLowerCase()}${name.slice(1)}`;
});
const TEMPLATES = readdirSync(path.join(ROOT, 'templates')).filter((file) => file.endsWith('.json') && Array.isArray(readTemplate(file).nodes));

/** Node types that ran without error in an execution, from its run data. */
function ranTypes(execution: Execution, nodes: Array<{ name: string; type: string }>): string[] {
	const runData = execution.data?.resultData.runData ?? {};
	return nodes.filter((node) => (runData[node.name] as Array<{ error?: unknown }> | undefined)?.some((run) => !run.error)).map((node) => node.type);
}

const ran = new Set<string>();
const record = (execution: Execution, nodes: Array<{ name: string; type: string }>) => ranTypes(execution, nodes).forEach((type) => ran.add(type));

async function expectSuccess(execution: Execution, workflowId: string) {
	if (execution.status !== 'success') throw new Error(`execution ${execution.id} ended ${execution.status}\n${await story(workflowId)}`);
}

/** Runs a template from its trigger and waits for the run to finish successfully. */
async function runTemplate(file: string, trigger: string, changes: Parameters<typeof importTemplate>[1] = {}) {
	const template = await importTemplate(file, changes);
	const execution = await runManually(template.id, trigger);
	await expectSuccess(execution, template.id);
	record(execution, readTemplate(file).nodes);
	return execution;
}

describe('n8n 1.123 smoke: every template as shipped (Simulate)', () => {
	it('covers every template in templates/', () => {
		expect(TEMPLATES.sort()).toEqual([
			'ab-subject-test.json',
			'amazon-bid-optimisation.json',
			'delivery-events.json',
			'guard-ledger.json',
			'marketing-events.json',
			'meta-budget-reallocation.json',
			're-engagement.json',
			'social-calendar.json',
			'weekly-report.json',
			'welcome-series.json',
		]);
	});

	it('A/B subject-line test: every email simulated', async () => {
		const execution = await runTemplate('ab-subject-test.json', 'Start the test', { settings: { waitAmount: 1, waitUnit: 'seconds' } });
		const sent = [...outputOf(execution, 'Send the test'), ...outputOf(execution, 'Send the winner to the rest')];
		expect(sent.length).toBeGreaterThan(0);
		for (const item of sent) expect(item.delivery).toMatchObject({ status: 'simulated' });
	});

	it('Amazon bid optimisation: the dry run changes nothing and the summary is simulated', async () => {
		const execution = await runTemplate('amazon-bid-optimisation.json', 'Every morning at 6');
		expect(outputOf(execution, 'Dry run: nothing changed').every((change) => change.status === 'simulated')).toBe(true);
		expect(outputOf(execution, 'Email the summary')[0].delivery).toMatchObject({ status: 'simulated' });
	});

	it('Meta budget reallocation: budgets shared out on the sample ad sets, nothing changed', async () => {
		const execution = await runTemplate('meta-budget-reallocation.json', 'Every morning at 7');
		expect(outputOf(execution, 'Dry run: budgets not changed').length).toBeGreaterThan(0);
		expect(outputOf(execution, 'Overspend alert').map((alert) => alert.delivery)).toEqual([expect.objectContaining({ status: 'simulated' })]);
	});

	it('weekly report: the report of the samples, emailed in Simulate', async () => {
		const execution = await runTemplate('weekly-report.json', 'Every Monday at 8');
		expect(outputOf(execution, 'Email the report')[0].delivery).toMatchObject({ status: 'simulated' });
	});

	it('re-engagement: runs through (seconds-long wait) with one inactive, valuable contact', async () => {
		// One contact the segment picks (inactive for 60 days, valuable, subscribed), as a user's table would hold.
		const tables = await templateTables();
		const email = `smoke-${randomUUID().slice(0, 8)}@example.com`;
		const lastActiveAt = new Date(Date.now() - 60 * 86_400_000).toISOString();
		await client().api('POST', `/data-tables/${tables.campaign_kit_contacts}/rows`, {
			data: [{ email, firstName: 'Sam', timezone: 'Europe/Berlin', userId: email, emailConsent: 'opted_in', status: 'subscribed', lifetimeValue: 500, lastActiveAt, signedUpAt: lastActiveAt }],
		});
		const execution = await runTemplate('re-engagement.json', 'Every day at 10', {
			settings: { waitAfter: 1, waitAfterUnit: 'seconds', quietHoursStart: '00:00', quietHoursEnd: '00:00' },
		});
		expect(outputOf(execution, 'Inactive, valuable, subscribed').map((contact) => contact.email)).toContain(email);
		const emails = [...outputOf(execution, 'Win-back email with offer'), ...outputOf(execution, 'Win-back email')];
		for (const item of emails) expect(item.delivery).toMatchObject({ status: 'simulated' });
	});

	it('social calendar: both posts checked and simulated (posts due now, so the run does not wait for 09:00)', async () => {
		const code = (readTemplate('social-calendar.json').nodes.find((node) => node.name === "Today's posts")!.parameters.jsCode as string).replace(/publishAt: today\.set\([^)]*\)\.toISO\(\)/g, "publishAt: ''");
		expect(code).not.toContain('today.set');
		const execution = await runTemplate('social-calendar.json', 'Every morning at 7', { parameters: { "Today's posts": { jsCode: code } } });
		const posts = [...outputOf(execution, 'Post on X'), ...outputOf(execution, 'Post on Instagram')];
		expect(posts).toHaveLength(4);
		for (const post of posts) expect(post.delivery).toMatchObject({ status: 'simulated' });
	});

	it('welcome series (and its send-history sub-workflow, published first): a sign-up is answered 202 and its journey is simulated', async () => {
		const route = `welcome-${randomUUID().slice(0, 8)}`;
		const template = await importTemplate('welcome-series.json', {
			settings: { tipsAfter: 1, tipsAfterUnit: 'seconds', offerAfter: 1, offerAfterUnit: 'seconds', quietHoursStart: '00:00', quietHoursEnd: '00:00' },
			webhookPaths: { 'New signup': route },
		});
		await client().activate(template.id);
		const email = `smoke-${randomUUID().slice(0, 8)}@example.com`;
		expect(await postWebhook(route, { email, firstName: 'Sam', timezone: 'Europe/Berlin' })).toMatchObject({ status: 202, body: { status: 'enrolled', email } });
		const [execution] = await until('the simulated journey', async () => {
			const list = (await executions(template.id)).filter((e) => e.status === 'success');
			return list.length > 0 && list;
		}, 90_000, template.id);
		record(execution, readTemplate('welcome-series.json').nodes);
		for (const name of ['Welcome email', 'Tips email', 'Offer email']) expect(outputOf(execution, name)[0]?.delivery).toMatchObject({ status: 'simulated' });
		// The journey asked its sub-workflow for the send history.
		const sub = template.subWorkflows.find((workflow) => workflow.name === readTemplate('guard-ledger.json').name)!;
		const subRuns = await until('the send-history sub-workflow to run', async () => {
			const list = await executions(sub.id);
			return list.length > 0 && list;
		}, 30_000, sub.id);
		expect(subRuns.map((run) => run.status)).toContain('success');
		await client().deactivate(template.id);
	});

	it('marketing events: a posted event is accepted (202) and stored once', async () => {
		const route = `events-${randomUUID().slice(0, 8)}`;
		const template = await importTemplate('marketing-events.json', { webhookPaths: { 'Marketing Event Trigger': route } });
		await client().activate(template.id);
		const event = { event_id: `smoke-${randomUUID()}`, event_type: 'purchase', user_id: 'u-smoke', timestamp: new Date().toISOString(), properties: { value: 12.5 } };
		expect(await postWebhook(route, event)).toMatchObject({ status: 202, body: { accepted: 1 } });
		const [execution] = await until('the stored event', async () => {
			const list = (await executions(template.id)).filter((e) => e.status === 'success');
			return list.length > 0 && list;
		}, 30_000, template.id);
		record(execution, readTemplate('marketing-events.json').nodes);
		expect(outputOf(execution, 'Store the event (once per eventId)').map((row) => row.eventId)).toEqual([event.event_id]);
		await client().deactivate(template.id);
	});

	it('delivery events: a signed SendGrid callback is verified and stored', async () => {
		const privateKey = new PrivateKey();
		const publicKey = privateKey.publicKey().toPem().replace(/-----[^-]+-----/g, '').replace(/\s/g, '');
		const secrets = await createCredential('campaignKitWebhookSecretsApi', { publicKey });
		const template = await importTemplate('delivery-events.json', { credentials: { campaignKitWebhookSecretsApi: secrets } });
		await client().activate(template.id);
		const body = JSON.stringify([{ email: 'ana@example.com', timestamp: 1795341600, event: 'delivered', sg_message_id: `smoke-${randomUUID().slice(0, 8)}.f1` }]);
		const timestamp = String(Math.floor(Date.now() / 1000));
		const headers = { 'X-Twilio-Email-Event-Webhook-Signature': Ecdsa.sign(timestamp + body, privateKey).toBase64(), 'X-Twilio-Email-Event-Webhook-Timestamp': timestamp };
		const webhookId = readTemplate('delivery-events.json').nodes.find((node) => node.type === `${PREFIX}.deliveryEventsTrigger`)!.webhookId as string;
		expect(await postWebhook(`${webhookId}/delivery-events`, undefined, { headers, raw: body })).toEqual({ status: 200, body: { received: 1 } });
		const [execution] = await until('the stored delivery event', async () => {
			const list = (await executions(template.id)).filter((e) => e.status === 'success');
			return list.length > 0 && list;
		}, 30_000, template.id);
		record(execution, readTemplate('delivery-events.json').nodes);
		expect(outputOf(execution, 'Store the event').map((row) => row.recipient)).toEqual(['ana@example.com']);
		await client().deactivate(template.id);
	});
});

describe('n8n 1.123 smoke: the nodes the templates do not reach in Simulate', () => {
	const amazon = new AmazonAdsStandIn({
		clientId: 'amzn1.application-oa2-client.smoke0123456789',
		clientSecret: 'amzn1.oa2-cs.v1.smoke-secret-0123456789',
		refreshToken: 'Atzr|IwEBIsmoke-refresh-token-0123456789',
		profileId: '1234567890123456',
	});
	const META = { accessToken: 'EAAB-smoke-token-0123456789', appSecret: 'smoke-app-secret-0123', adAccountId: '5550001112' };
	const meta = new MetaAdsStandIn(META);
	const KIT_KEY = 'kit_smoke0123456789abcdef012345';
	const kit = new KitStandIn(KIT_KEY);

	beforeAll(async () => {
		await Promise.all([amazon.start(), meta.start(), kit.start()]);
	});

	afterAll(async () => {
		await Promise.all([amazon.stop(), meta.stop(), kit.stop()]);
	});

	/** Deploys webhook → nodes (in a line) → Respond, posts `body`, and records the node types that ran. */
	async function runLine(name: string, nodes: WorkflowNode[], body: unknown) {
		const route = `smoke-${name}-${randomUUID().slice(0, 8)}`;
		const line = [webhook(route), ...nodes, respond()];
		const workflow = await deploy({ name: `smoke: ${name} ${route}`, nodes: line, connections: connect(...line.slice(1).map((node, i) => [line[i].name, node.name] as [string, string])) });
		try {
			const answer = await postWebhook(route, body);
			const [execution] = await until(`the ${name} run`, async () => {
				const list = (await executions(workflow.id)).filter((e) => e.status === 'success' || e.status === 'error');
				return list.length > 0 && list;
			}, 60_000, workflow.id);
			await expectSuccess(execution, workflow.id);
			record(execution, line);
			return answer;
		} finally {
			await workflow.stop();
		}
	}

	const split = (field: string): WorkflowNode => ({ name: 'Items', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: `body.${field}`, options: {} } });

	it('Amazon Ads → Bid Optimizer → Amazon Ads: a keyword report in, the reference bids applied at the stand-in', async () => {
		amazon.seedAccount(reference.keywords.rows);
		const credentials = {
			campaignKitAmazonAdsApi: await createCredential('campaignKitAmazonAdsApi', { ...amazon.account, region: 'NA', baseUrl: amazon.url, authUrl: `${amazon.url}/auth/o2/token` }),
		};
		const { status, body } = await runLine(
			'amazon',
			[
				{
					name: 'Keyword Report',
					type: `${PREFIX}.amazonAds`,
					typeVersion: 1,
					credentials,
					parameters: { resource: 'reports', operation: 'create', reportType: 'spTargeting', startDate: '={{ $json.body.date }}', endDate: '={{ $json.body.date }}', reportOptions: { pollSeconds: 0.2, includeTargets: true } },
				},
				{ name: 'Bid Optimizer', type: `${PREFIX}.bidOptimizer`, typeVersion: 1, parameters: { targetAcos: 30 } },
				{ name: 'Update Bids', type: `${PREFIX}.amazonAds`, typeVersion: 1, credentials, parameters: { resource: 'changes', operation: 'apply' } },
			],
			{ date: '2026-03-01' },
		);
		expect(status).toBe(200);
		const applied = (body as Array<{ entityId: string; after: { bid: number } }>).map((item) => [item.entityId, item.after.bid]).sort();
		expect(applied).toEqual(reference.keywords.expected.filter((e) => e.newBid !== undefined).map((e) => [e.id, e.newBid]).sort());
	});

	it('Meta Ads: lists the ad account’s active ad sets from the stand-in', async () => {
		meta.seed('adset', { id: 'SMOKE-1', name: 'Smoke ad set', campaign_id: 'M-SMOKE', status: 'ACTIVE', effective_status: 'ACTIVE', daily_budget: '5000' });
		const credentials = { campaignKitMetaAdsApi: await createCredential('campaignKitMetaAdsApi', { ...META, apiVersion: 'v24.0', baseUrl: meta.url }) };
		const { status, body } = await runLine('meta', [{ name: 'Ad Sets', type: `${PREFIX}.metaAds`, typeVersion: 1, credentials, parameters: { resource: 'adSets', operation: 'list' } }], {});
		expect(status).toBe(200);
		expect((body as Array<{ id: string }>).map((adSet) => adSet.id)).toContain('SMOKE-1');
	});

	it('Email Audience: tags a Kit subscriber at the stand-in', async () => {
		kit.subscribers.set('cy@example.com', { id: 1, first_name: null, email_address: 'cy@example.com', state: 'active', created_at: '', fields: {}, tags: [], sequences: [] });
		kit.tags.add(42);
		const credentials = { campaignKitKitApi: await createCredential('campaignKitKitApi', { apiKey: KIT_KEY, baseUrl: kit.url }) };
		const { status, body } = await runLine(
			'email-audience',
			[split('people'), { name: 'Email Audience', type: `${PREFIX}.emailAudience`, typeVersion: 1, credentials, parameters: { resource: 'kitSubscriber', operation: 'tag', tagId: '42' } }],
			{ people: [{ email: 'cy@example.com' }] },
		);
		expect(status).toBe(200);
		expect((body as Array<Record<string, unknown>>).map((o) => [o.email, o.operation])).toEqual([['cy@example.com', 'tagged']]);
		expect(kit.subscribers.get('cy@example.com')?.tags).toEqual([42]);
	});

	it('Push (Simulate): the notification it would send', async () => {
		const { status, body } = await runLine(
			'push',
			[
				split('people'),
				{
					name: 'Push',
					type: `${PREFIX}.push`,
					typeVersion: 1,
					parameters: { provider: 'fcm', simulate: true, sendTo: 'token', to: '={{ $json.pushToken }}', title: 'Your order shipped', body: 'On its way.', options: {} },
				},
			],
			{ people: [{ pushToken: 'smoke-token-1' }] },
		);
		expect(status).toBe(200);
		expect((body as Array<Record<string, unknown>>)[0].delivery).toMatchObject({ status: 'simulated' });
	});

	it('SMS (Simulate): the text it would send', async () => {
		const { status, body } = await runLine(
			'sms',
			[
				split('people'),
				{
					name: 'SMS',
					type: `${PREFIX}.sms`,
					typeVersion: 1,
					parameters: { provider: 'twilio', simulate: true, to: '={{ $json.phone }}', twilioFrom: '+14155550100', message: 'Your table is ready.', options: {} },
				},
			],
			{ people: [{ phone: '+14155550101' }] },
		);
		expect(status).toBe(200);
		expect((body as Array<Record<string, unknown>>)[0].delivery).toMatchObject({ status: 'simulated' });
	});

	it('with the templates, all 16 nodes ran', () => {
		expect(NODE_TYPES).toHaveLength(16);
		expect(NODE_TYPES.filter((type) => !ran.has(type))).toEqual([]);
	});
});
