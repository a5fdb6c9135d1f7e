/**
 * The Meta Ads node in an in-process n8n against the Meta stand-in: the token and appsecret_proof
 * on every request, cursor paging, budgets in cents at Meta and in currency units on items,
 * insights in one request and as async report runs, custom-audience uploads normalised, hashed
 * and sent in sessions of at most 10,000 records, lookalikes, throttling codes with usage
 * headers, and the Bid Optimizer's budgets applied.
 */
import { createHash, createHmac } from 'node:crypto';

import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { PACKAGE, runWorkflow, singleNode } from '../helpers/n8n';
import { MetaAdsStandIn } from '../stand-ins/meta-ads';

const ACCOUNT = { accessToken: 'EAAB-system-user-token-0123456789', appSecret: 'app-secret-0123456789abcdef', adAccountId: '1234567890', currency: 'USD' };
const server = new MetaAdsStandIn(ACCOUNT);
let credentials: ICredentialDataDecryptedObject;

function run(parameters: IDataObject, items: IDataObject[], extra: IDataObject = {}) {
	return runWorkflow(singleNode('metaAds', parameters, items, { credentials: { campaignKitMetaAdsApi: { id: '1', name: 'Meta' } }, ...extra }), {
		credentials: { campaignKitMetaAdsApi: credentials },
	});
}

/** Like `run`, but the items reach the node as they are, NaN and Infinity included (not through JSON). */
function runRaw(parameters: IDataObject, items: IDataObject[]) {
	const spec = singleNode('metaAds', parameters, [], { credentials: { campaignKitMetaAdsApi: { id: '1', name: 'Meta' } } });
	spec.nodes[0].parameters = { items: items as never };
	return runWorkflow(spec, { credentials: { campaignKitMetaAdsApi: credentials } });
}

const json = (items: INodeExecutionData[]) => items.map((item) => item.json);
const pairs = (items: INodeExecutionData[]) => items.map((item) => (item.pairedItem as { item: number }).item);
const sha = (value: string) => createHash('sha256').update(value).digest('hex');

beforeAll(async () => {
	await server.start();
});

afterAll(async () => await server.stop());

beforeEach(() => {
	server.reset();
	credentials = { accessToken: ACCOUNT.accessToken, appSecret: ACCOUNT.appSecret, adAccountId: `act_${ACCOUNT.adAccountId}`, apiVersion: 'v24.0', baseUrl: server.url };
	server.seed('campaign', { id: 'C1', name: 'Launch', objective: 'OUTCOME_SALES', status: 'ACTIVE', effective_status: 'ACTIVE' });
	for (let n = 1; n <= 5; n++) {
		server.seed('adset', { id: `S${n}`, name: `Ad set ${n}`, campaign_id: 'C1', status: 'ACTIVE', effective_status: n === 5 ? 'PAUSED' : 'ACTIVE', daily_budget: String(n * 1000), bid_strategy: 'LOWEST_COST_WITHOUT_CAP' });
	}
});

describe('Meta Ads node: campaigns, ad sets, ads (in-process n8n)', () => {
	it('signs every request with the token and appsecret_proof, pages with cursors, gives budgets in currency units', async () => {
		server.pageSize = 2;
		const result = await run({ resource: 'adSets', operation: 'list', returnAll: true, filters: { effectiveStatus: ['ACTIVE'] } }, [{}]);
		expect(result.error).toBeUndefined();
		expect(json(result.output('Node')).map((s) => [s.adSetId, s.daily_budget, s.dailyBudget])).toEqual([
			['S1', '1000', 10],
			['S2', '2000', 20],
			['S3', '3000', 30],
			['S4', '4000', 40],
		]);
		const lists = server.requestsTo('/v24.0/:node/:edge', 'GET');
		expect(lists.map((r) => r.query.after ?? null)).toEqual([null, expect.any(String)]);
		const proof = createHmac('sha256', ACCOUNT.appSecret).update(ACCOUNT.accessToken).digest('hex');
		for (const request of server.requests) {
			expect(request.headers.authorization).toBe(`Bearer ${ACCOUNT.accessToken}`);
			expect(request.query.appsecret_proof).toBe(proof);
		}
		expect(lists[0].query.effective_status).toBe('["ACTIVE"]');
	});

	it('creates an ad set and updates status, budget and bid strategy; budgets go to Meta in cents', async () => {
		const created = await run(
			{ resource: 'adSets', operation: 'create', name: 'Readers 25-45', campaignId: 'C1', dailyBudget: 12.5, optimizationGoal: 'OFFSITE_CONVERSIONS', billingEvent: 'IMPRESSIONS', status: 'PAUSED' },
			[{}],
		);
		expect(created.error).toBeUndefined();
		const [adSet] = json(created.output('Node'));
		expect(adSet).toMatchObject({ name: 'Readers 25-45', daily_budget: 1250, dailyBudget: 12.5, campaign_id: 'C1', targeting: { geo_locations: { countries: ['US'] } } });

		const updated = await run({ resource: 'adSets', operation: 'update', id: '={{ $json.id }}', updateFields: { status: 'ACTIVE', dailyBudget: 33.33, bidStrategy: 'COST_CAP' } }, [{ id: 'S2' }]);
		expect(json(updated.output('Node'))[0]).toMatchObject({ id: 'S2', success: true, status: 'ACTIVE', daily_budget: 3333, dailyBudget: 33.33, bid_strategy: 'COST_CAP' });
		expect(server.objects.get('S2')).toMatchObject({ status: 'ACTIVE', daily_budget: '3333', bid_strategy: 'COST_CAP' });
		expect(server.budgetLog).toEqual([{ id: 'S2', daily_budget: 3333 }]);
	});

	it('waits and retries when Meta answers a throttling code, then succeeds', async () => {
		server.throttleNext('GET', '/:node/:edge', 1, { code: 80004, minutes: 0 });
		const started = Date.now();
		const result = await run({ resource: 'campaigns', operation: 'list', returnAll: true }, [{}]);
		expect(result.error).toBeUndefined();
		expect(json(result.output('Node')).map((c) => c.id)).toEqual(['C1']);
		expect(server.requestsTo('/v24.0/:node/:edge', 'GET')).toHaveLength(2);
		expect(Date.now() - started).toBeGreaterThanOrEqual(700);
	});

	it('fails at once, naming the wait, when Meta asks for longer than the node may wait', async () => {
		server.throttleNext('GET', '/:node/:edge', 1, { code: 17, minutes: 30 });
		const result = await run({ resource: 'campaigns', operation: 'list', returnAll: true }, [{}]);
		expect(result.error?.message).toBe('Meta asked to wait 30 min before trying again (X-Business-Use-Case-Usage), longer than this request may wait (5 min left of 5 min)');
		expect(server.requestsTo('/v24.0/:node/:edge', 'GET')).toHaveLength(1);
	});
});

describe('Meta Ads node: insights (in-process n8n)', () => {
	const rows = [
		{ adset_id: 'S1', adset_name: 'Ad set 1', campaign_id: 'C1', spend: '100.00', impressions: '5000', clicks: '120', actions: [{ action_type: 'omni_purchase', value: '8' }], action_values: [{ action_type: 'omni_purchase', value: '400' }] },
		{ adset_id: 'S2', adset_name: 'Ad set 2', campaign_id: 'C1', spend: '50.00', impressions: '2500', clicks: '40', actions: [], action_values: [] },
	];

	it('reads a short range in one request and simplifies the rows', async () => {
		server.insights = { adset: rows };
		const result = await run({ resource: 'insights', operation: 'get', level: 'adset', datePreset: 'last_7d' }, [{}]);
		expect(result.error).toBeUndefined();
		expect(json(result.output('Node')).map((r) => [r.adSetId, r.spend, r.purchases, r.purchaseValue, r.roas])).toEqual([
			['S1', 100, 8, 400, 4],
			['S2', 50, 0, 0, 0],
		]);
		expect(server.requestsTo('/v24.0/:node/:edge', 'GET')[0].query).toMatchObject({ level: 'adset', date_preset: 'last_7d' });
	});

	it('makes an async report run for a long range, checks until it is done, then reads its pages', async () => {
		server.insights = { adset: rows };
		server.completeAfterPolls = 3;
		server.pageSize = 1;
		const result = await run(
			{ resource: 'insights', operation: 'get', level: 'adset', datePreset: 'custom', since: '2026-01-01', until: '2026-03-31', insightOptions: { pollSeconds: 0.02 } },
			[{}],
		);
		expect(result.error).toBeUndefined();
		expect(json(result.output('Node')).map((r) => r.adSetId)).toEqual(['S1', 'S2']);
		const post = server.requestsTo('/v24.0/:node/:edge', 'POST')[0];
		expect(post.body).toMatchObject({ level: 'adset', time_range: '{"since":"2026-01-01","until":"2026-03-31"}' });
		const runId = [...server.runs.keys()][0];
		expect(server.requestsTo('/v24.0/:node', 'GET').filter((r) => r.path.endsWith(runId))).toHaveLength(3);
		expect(server.requestsTo('/v24.0/:node/:edge', 'GET').filter((r) => r.path === `/v24.0/${runId}/insights`)).toHaveLength(2);
	});
});

describe('Meta Ads node: custom audiences (in-process n8n)', () => {
	it('creates an audience, adds people hashed as Meta asks, in sessions of at most 10,000, and makes a lookalike', async () => {
		const created = await run({ resource: 'customAudiences', operation: 'create', audienceName: 'Newsletter readers' }, [{}]);
		const audienceId = String(json(created.output('Node'))[0].id);

		const people = Array.from({ length: 10_002 }, (_, i) => ({ email: ` Reader${i}@Example.com `, phone: i === 0 ? '+44 7700 900123' : '' }));
		people.push({ email: 'not an email', phone: 'n/a' });
		const added = await run({ resource: 'customAudiences', operation: 'addUsers', audienceId, matchKeys: ['EMAIL', 'PHONE'] }, people, { continueOnFail: true });
		expect(added.error).toBeUndefined();
		const out = added.output('Node');
		expect(out).toHaveLength(10_003);
		expect(pairs(out).slice(0, 3)).toEqual([0, 1, 2]);
		expect(out[0].json).toMatchObject({ audienceId, operation: 'added', matchKeys: ['EMAIL', 'PHONE'], batch: 1, batchRecords: 10_000 });
		expect(out[10_001].json).toMatchObject({ batch: 2, batchRecords: 2, numInvalidEntries: 0 });
		expect(out[10_002].json.error).toBe('Item 10002: has no usable identifier (email "not an email", phone "n/a")');
		expect(JSON.stringify(out.map((item) => item.json))).not.toContain('example.com');

		expect(server.uploads.map((u) => [u.method, u.records, u.session.batch_seq, u.session.last_batch_flag, u.schema])).toEqual([
			['POST', 10_000, 1, false, ['EMAIL', 'PHONE']],
			['POST', 2, 2, true, ['EMAIL', 'PHONE']],
		]);
		const members = server.audiences.get(audienceId)!.members;
		expect(members.has(JSON.stringify([sha('reader0@example.com'), sha('447700900123')]))).toBe(true);
		expect(members.has(JSON.stringify([sha('reader1@example.com'), '']))).toBe(true);

		const removed = await run({ resource: 'customAudiences', operation: 'removeUsers', audienceId, matchKeys: ['EMAIL', 'PHONE'] }, [people[1]]);
		expect(json(removed.output('Node'))[0]).toMatchObject({ operation: 'removed' });
		expect(members.has(JSON.stringify([sha('reader1@example.com'), '']))).toBe(false);
		expect(server.uploads[2].method).toBe('DELETE');

		const lookalike = await run({ resource: 'customAudiences', operation: 'createLookalike', audienceName: 'Readers 1% US', originAudienceId: audienceId, country: 'us', ratio: 1 }, [{}]);
		expect(json(lookalike.output('Node'))[0]).toMatchObject({ subtype: 'LOOKALIKE', origin_audience_id: audienceId, lookalike_spec: { type: 'similarity', ratio: 0.01, country: 'US' } });
	}, 60_000);
});

describe('Meta Ads node: Bid Optimizer budgets (in-process n8n)', () => {
	it('reallocates ad set budgets in one workflow: Meta Ads list → Bid Optimizer → Meta Ads apply', async () => {
		server.insights = {};
		const performance: Record<string, { spend: number; revenue: number; events: number }> = {
			S1: { spend: 70, revenue: 280, events: 120 },
			S2: { spend: 140, revenue: 210, events: 80 },
			S3: { spend: 210, revenue: 420, events: 60 },
			S4: { spend: 280, revenue: 1400, events: 30 },
		};
		const credential = { campaignKitMetaAdsApi: { id: '1', name: 'Meta' } };
		// The figures as an expression the Bid Optimizer's mappings look up ("}}" would end the expression).
		const table = JSON.stringify(performance).replace(/}/g, ' }');
		const result = await runWorkflow(
			{
				nodes: [
					{ name: 'Start', type: 'test.fixture', parameters: { items: '[{}]' } },
					{ name: 'Ad Sets', type: `${PACKAGE}.metaAds`, credentials: credential, parameters: { resource: 'adSets', operation: 'list', returnAll: true, filters: { effectiveStatus: ['ACTIVE'] } } },
					{
						name: 'Optimize',
						type: `${PACKAGE}.bidOptimizer`,
						parameters: {
							operation: 'metaBudgets',
							metaSpend: `={{ (${table})[$json.adSetId].spend }}`,
							revenue: `={{ (${table})[$json.adSetId].revenue }}`,
							events: `={{ (${table})[$json.adSetId].events }}`,
							metaOptions: { alertAbove: 0 },
						},
					},
					{ name: 'Apply', type: `${PACKAGE}.metaAds`, credentials: credential, parameters: { resource: 'changes', operation: 'apply' } },
				],
				connections: {
					Start: { main: [[{ node: 'Ad Sets', type: 'main', index: 0 }]] },
					'Ad Sets': { main: [[{ node: 'Optimize', type: 'main', index: 0 }]] },
					Optimize: { main: [[{ node: 'Apply', type: 'main', index: 0 }]] },
				},
			},
			{ credentials: { campaignKitMetaAdsApi: credentials } },
		);
		expect(result.error).toBeUndefined();
		const changes = result.output('Optimize').map((item) => item.json as { entityId: string; after: { dailyBudget: number } });
		expect(changes.length).toBeGreaterThan(0);
		expect(server.budgetLog).toEqual(changes.map((c) => ({ id: c.entityId, daily_budget: Math.round(c.after.dailyBudget * 100) })));
		// S4 is still learning (30 events): untouched; the total of the others is kept to the cent.
		expect(server.budgetLog.map((b) => b.id)).not.toContain('S4');
		const total = ['S1', 'S2', 'S3'].reduce((sum, id) => sum + Number(server.objects.get(id)!.daily_budget), 0);
		expect(total).toBe(1000 + 2000 + 3000);
		expect(json(result.output('Apply')).every((item) => item.status === 'applied')).toBe(true);
	});
});

describe('Meta Ads node: bad money never reaches Meta (in-process n8n)', () => {
	const change = (dailyBudget: unknown) => ({ platform: 'meta', entityType: 'adSet', entityId: 'S1', action: 'setDailyBudget', after: { dailyBudget } });

	it.each([
		[true, 'true, not an amount of money'],
		[Infinity, 'Infinity, not an amount of money'],
		[NaN, 'NaN, not an amount of money'],
		[-5, '-5, not above 0'],
		[1e308, '1e+308, above 1,000,000,000'],
		['abc', '"abc", not an amount of money'],
	])('refuses a daily budget of %p, naming the item and the field', async (budget, problem) => {
		const result = await runRaw({ resource: 'changes', operation: 'apply' }, [change(20), change(budget)]);
		expect(result.error?.message).toBe(`Item 1: after.dailyBudget is ${problem}`);
		expect(server.budgetLog).toEqual([{ id: 'S1', daily_budget: 2000 }]);
	});

	it('refuses bad money in Update Fields and on create', async () => {
		const updated = await run({ resource: 'adSets', operation: 'update', id: 'S2', updateFields: { dailyBudget: '={{ true }}' } }, [{}]);
		expect(updated.error?.message).toBe('Item 0: Daily Budget is true, not an amount of money');
		const created = await run(
			{ resource: 'campaigns', operation: 'create', name: 'X', objective: 'OUTCOME_SALES', status: 'PAUSED', additionalFields: { dailyBudget: '={{ 1/0 }}' } },
			[{}],
		);
		expect(created.error?.message).toBe('Item 0: Daily Budget is Infinity, not an amount of money');
		expect(server.budgetLog).toEqual([]);
		expect(server.requests.filter((r) => r.method === 'POST')).toEqual([]);
	});
});

