/**
 * The Amazon Ads node in an in-process n8n against the Amazon Ads stand-in: Login with Amazon
 * through the credential's preAuthentication (and again on a 401), the required headers, bodies
 * checked against Amazon's contract, 207 partial failures reported per item, 1,000 entities per
 * request, 429 with Retry-After, reports that complete after several checks and download gzipped.
 */
import { gunzipSync } from 'node:zlib';

import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';

import reference from '../reference/bid-optimizer-reference.json';
import { PACKAGE, runWorkflow, singleNode } from '../helpers/n8n';
import { AmazonAdsStandIn, REPORT_MEDIA_TYPE } from '../stand-ins/amazon-ads';

const ACCOUNT = {
	clientId: 'amzn1.application-oa2-client.0123456789abcdef',
	clientSecret: 'amzn1.oa2-cs.v1.secretsecretsecret0123',
	refreshToken: 'Atzr|IwEBIrefreshtokenrefreshtoken0123456789',
	profileId: '3074583922618274',
};

const server = new AmazonAdsStandIn(ACCOUNT);
let credentials: ICredentialDataDecryptedObject;

const KEYWORD_MEDIA = 'application/vnd.spKeyword.v3+json';

function run(parameters: IDataObject, items: IDataObject[], extra: IDataObject = {}) {
	return runWorkflow(
		singleNode('amazonAds', parameters, items, { credentials: { campaignKitAmazonAdsApi: { id: '1', name: 'Amazon Ads' } }, ...extra }),
		{ credentials: { campaignKitAmazonAdsApi: credentials } },
	);
}

/** Like `run`, but the items reach the node as they are, NaN and Infinity included (not through JSON). */
function runRaw(parameters: IDataObject, items: IDataObject[]) {
	const spec = singleNode('amazonAds', parameters, [], { credentials: { campaignKitAmazonAdsApi: { id: '1', name: 'Amazon Ads' } } });
	spec.nodes[0].parameters = { items: items as never };
	return runWorkflow(spec, { credentials: { campaignKitAmazonAdsApi: credentials } });
}

const json = (items: INodeExecutionData[]) => items.map((item) => item.json);
const pairs = (items: INodeExecutionData[]) => items.map((item) => (item.pairedItem as { item: number }).item);

beforeAll(async () => {
	await server.start();
});

afterAll(async () => await server.stop());

beforeEach(() => {
	server.reset();
	server.tokensIssued = 0;
	// A fresh credential per test, as n8n would store it: no access token yet.
	credentials = { ...ACCOUNT, region: 'NA', baseUrl: server.url, authUrl: `${server.url}/auth/o2/token` };
	server.seed('campaigns', { campaignId: 'C1', name: 'Books', targetingType: 'MANUAL', state: 'ENABLED', budget: { budget: 20, budgetType: 'DAILY' } });
	server.seed('adGroups', { adGroupId: 'G1', campaignId: 'C1', name: 'Fantasy', defaultBid: 0.5, state: 'ENABLED' });
	server.seed(
		'keywords',
		{ keywordId: 'K1', campaignId: 'C1', adGroupId: 'G1', keywordText: 'fantasy novel', matchType: 'BROAD', state: 'ENABLED', bid: 1 },
		{ keywordId: 'K2', campaignId: 'C1', adGroupId: 'G1', keywordText: 'dragon book', matchType: 'PHRASE', state: 'ENABLED', bid: 0.6 },
		{ keywordId: 'K3', campaignId: 'C1', adGroupId: 'G1', keywordText: 'epic fantasy', matchType: 'EXACT', state: 'ENABLED', bid: 0.8 },
	);
	server.seed('targets', { targetId: 'T1', campaignId: 'C1', adGroupId: 'G1', expression: [{ type: 'ASIN_SAME_AS', value: 'B0EXAMPLE1' }], expressionType: 'MANUAL', state: 'ENABLED', bid: 0.7 });
});

afterEach(() => {
	// Every request any test sent was valid under Amazon's own contract.
	expect(server.contractErrors).toEqual([]);
});

describe('Amazon Ads node: keywords (in-process n8n)', () => {
	it('updates bids with the access token from Login with Amazon and the required headers', async () => {
		const result = await run({ resource: 'keywords', operation: 'update', updateFields: { bid: '={{ $json.newBid }}' } }, [
			{ keywordId: 'K1', newBid: 0.91 },
			{ keywordId: 'K2', newBid: 0.72 },
		]);
		expect(result.error).toBeUndefined();
		expect(json(result.output('Node'))).toEqual([
			expect.objectContaining({ success: true, keywordId: 'K1', bid: 0.91, keywordText: 'fantasy novel' }),
			expect.objectContaining({ success: true, keywordId: 'K2', bid: 0.72 }),
		]);
		expect(server.tokensIssued).toBe(1);
		const [token, update] = server.requests;
		expect(token.path).toBe('/auth/o2/token');
		expect(token.body).toEqual({ grant_type: 'refresh_token', refresh_token: ACCOUNT.refreshToken, client_id: ACCOUNT.clientId, client_secret: ACCOUNT.clientSecret });
		expect(update).toMatchObject({ method: 'PUT', path: '/sp/keywords' });
		expect(update.headers['amazon-advertising-api-clientid']).toBe(ACCOUNT.clientId);
		expect(update.headers['amazon-advertising-api-scope']).toBe(ACCOUNT.profileId);
		expect(update.headers.authorization).toMatch(/^Bearer Atza\|/);
		expect(update.headers['content-type']).toBe(KEYWORD_MEDIA);
		expect(update.headers.accept).toBe(KEYWORD_MEDIA);
		expect(update.body).toEqual({ keywords: [{ keywordId: 'K1', bid: 0.91 }, { keywordId: 'K2', bid: 0.72 }] });
		expect(server.bidLog).toEqual([
			{ id: 'K1', bid: 0.91, resource: 'keywords' },
			{ id: 'K2', bid: 0.72, resource: 'keywords' },
		]);
		// n8n keeps the token with the credential: the next execution needs no new one.
		await run({ resource: 'keywords', operation: 'update', updateFields: { state: 'PAUSED' } }, [{ keywordId: 'K3' }]);
		expect(server.tokensIssued).toBe(1);
		expect(server.keyword('K3')?.state).toBe('PAUSED');
	});

	it('gets a new token when Amazon answers 401 (the hour is up) and sends the request again', async () => {
		credentials.accessToken = 'Atza|expired-an-hour-ago';
		const result = await run({ resource: 'keywords', operation: 'update', updateFields: { bid: 0.55 } }, [{ keywordId: 'K2' }]);
		expect(result.error).toBeUndefined();
		expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['PUT /sp/keywords', 'POST /auth/o2/token', 'PUT /sp/keywords']);
		expect(server.keyword('K2')?.bid).toBe(0.55);
		expect(credentials.accessToken).not.toBe('Atza|expired-an-hour-ago');
	});

	it('reports each item of a 207 answer on its own: Amazon refused one, applied the others', async () => {
		server.refuse('K2', { errorType: 'biddingError', reason: 'BID_BELOW_FLOOR', message: 'The bid is below the minimum for this marketplace' });
		const items = [
			{ keywordId: 'K1', newBid: 0.9 },
			{ keywordId: 'K2', newBid: 0.5 },
			{ keywordId: 'K404', newBid: 0.5 },
			{ keywordId: 'K3', newBid: 0.01 },
		];
		const parameters = { resource: 'keywords', operation: 'update', updateFields: { bid: '={{ $json.newBid }}' } };

		const stopped = await run(parameters, items);
		expect(stopped.error?.message).toBe('Item 1: Amazon did not update keyword K2: BID_BELOW_FLOOR: The bid is below the minimum for this marketplace');
		expect(stopped.error?.description).toBe(
			"Amazon's error: biddingError/BID_BELOW_FLOOR. Fix the value it names and run the item again. Amazon did update 1 of the 4 keywords in this run.",
		);

		server.refuse('K2', { errorType: 'biddingError', reason: 'BID_BELOW_FLOOR', message: 'The bid is below the minimum for this marketplace' });
		const continued = await run(parameters, items, { continueOnFail: true });
		const out = continued.output('Node');
		expect(pairs(out)).toEqual([0, 1, 2, 3]);
		expect(out[0].json).toMatchObject({ success: true, keywordId: 'K1', bid: 0.9 });
		expect(out[1].json).toMatchObject({ success: false, codes: ['biddingError/BID_BELOW_FLOOR'], error: 'Item 1: Amazon did not update keyword K2: BID_BELOW_FLOOR: The bid is below the minimum for this marketplace' });
		expect(out[2].json).toMatchObject({ success: false, codes: ['entityNotFoundError/ENTITY_NOT_FOUND'] });
		expect(out[3].json).toMatchObject({ success: false, codes: ['rangeError/TOO_LOW'], error: 'Item 3: Amazon did not update keyword K3: TOO_LOW: bid 0.01 is outside 0.02 to 1000.00' });
		expect(server.keyword('K1')?.bid).toBe(0.9);
		expect(server.keyword('K3')?.bid).toBe(0.8);
	});

	it('sends at most 1,000 entities per request', async () => {
		const ids = Array.from({ length: 1001 }, (_, i) => `X${i}`);
		server.seed('keywords', ...ids.map((keywordId) => ({ keywordId, campaignId: 'C1', adGroupId: 'G1', keywordText: keywordId, matchType: 'EXACT', bid: 0.5 })));
		const result = await run({ resource: 'keywords', operation: 'update', updateFields: { bid: 0.4 } }, ids.map((keywordId) => ({ keywordId })));
		expect(result.error).toBeUndefined();
		const updates = server.requestsTo('/sp/keywords', 'PUT');
		expect(updates.map((r) => ((r.body as IDataObject).keywords as unknown[]).length).sort((a, b) => b - a)).toEqual([1000, 1]);
		expect(result.output('Node')).toHaveLength(1001);
		expect(pairs(result.output('Node'))).toEqual(ids.map((_, i) => i));
	});

	it('waits as a 429 Retry-After asks, then succeeds', async () => {
		server.throttleNext('PUT', '/sp/keywords', 1, 1);
		const started = Date.now();
		const result = await run({ resource: 'keywords', operation: 'update', updateFields: { bid: 0.66 } }, [{ keywordId: 'K1' }]);
		expect(result.error).toBeUndefined();
		expect(server.requestsTo('/sp/keywords', 'PUT')).toHaveLength(2);
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
		expect(server.keyword('K1')?.bid).toBe(0.66);
	});

	it('creates keywords and negative keywords, lists page by page, archives', async () => {
		const created = await run(
			{ resource: 'keywords', operation: 'create', campaignId: 'C1', adGroupId: 'G1', keywordText: '={{ $json.text }}', matchType: 'EXACT', bid: 0.45, state: 'ENABLED' },
			[{ text: 'dragon rider book' }, { text: 'epic fantasy' }],
			{ continueOnFail: true },
		);
		expect(created.error).toBeUndefined();
		const [first, duplicate] = json(created.output('Node'));
		expect(first).toMatchObject({ success: true, keywordText: 'dragon rider book', matchType: 'EXACT', bid: 0.45 });
		expect(typeof first.keywordId).toBe('string');
		// "epic fantasy" EXACT is there already: a duplicate, reported on its own item.
		expect(duplicate).toMatchObject({
			success: false,
			codes: ['duplicateValueError/DUPLICATE_VALUE'],
			error: 'Item 1: Amazon did not create keyword "epic fantasy": DUPLICATE_VALUE: "epic fantasy" (EXACT) is already in ad group G1',
		});

		const negative = await run({ resource: 'negativeKeywords', operation: 'create', campaignId: 'C1', adGroupId: 'G1', keywordText: 'free pdf', negativeMatchType: 'NEGATIVE_EXACT', state: 'ENABLED' }, [{}]);
		expect(json(negative.output('Node'))[0]).toMatchObject({ success: true, keywordText: 'free pdf', matchType: 'NEGATIVE_EXACT' });
		expect(typeof json(negative.output('Node'))[0].negativeKeywordId).toBe('string');

		server.pageSize = 2;
		const listed = await run({ resource: 'keywords', operation: 'list', returnAll: true, filters: { adGroupIds: 'G1', states: ['ENABLED'] } }, [{}]);
		expect(json(listed.output('Node')).map((k) => k.keywordText)).toEqual(['fantasy novel', 'dragon book', 'epic fantasy', 'dragon rider book']);
		expect(server.requestsTo('/sp/keywords/list').map((r) => (r.body as IDataObject).nextToken)).toEqual([undefined, 'Mg']);

		const archived = await run({ resource: 'keywords', operation: 'archive' }, [{ keywordId: 'K2' }]);
		expect(json(archived.output('Node'))[0]).toMatchObject({ success: true, keywordId: 'K2', state: 'ARCHIVED' });
		expect(server.requestsTo('/sp/keywords/delete')[0].body).toEqual({ keywordIdFilter: { include: ['K2'] } });
	}, 30_000);

	it('the stand-in holds requests to Amazon\'s contract', async () => {
		if (!server.contractChecked) {
			console.warn('skipped: ../shared/contracts/amazon-ads-sponsored-products-v3.json is absent');
			return;
		}
		const token = (await (await fetch(`${server.url}/auth/o2/token`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: ACCOUNT.refreshToken, client_id: ACCOUNT.clientId, client_secret: ACCOUNT.clientSecret }),
		})).json()) as { access_token: string };
		const answer = await fetch(`${server.url}/sp/keywords`, {
			method: 'POST',
			headers: {
				authorization: `Bearer ${token.access_token}`,
				'amazon-advertising-api-clientid': ACCOUNT.clientId,
				'amazon-advertising-api-scope': ACCOUNT.profileId,
				'content-type': KEYWORD_MEDIA,
				accept: KEYWORD_MEDIA,
			},
			body: JSON.stringify({ keywords: [{ campaignId: 'C1', adGroupId: 'G1', keywordText: 'no match type', state: 'ENABLED' }] }),
		});
		expect(answer.status).toBe(400);
		expect(server.contractErrors).toEqual([{ route: 'POST /sp/keywords', errors: ["/keywords/0 must have required property 'matchType'"] }]);
		server.contractErrors.length = 0;
	});
});

describe('Amazon Ads node: reports (in-process n8n)', () => {
	beforeEach(() => {
		server.performance.set('K1', { impressions: 9000, clicks: 300, cost: 270, purchases7d: 30, sales7d: 900 });
		server.performance.set('K2', { impressions: 400, clicks: 3, cost: 2.5, purchases7d: 1, sales7d: 30 });
	});

	it('creates a keyword report, checks with a growing pause until COMPLETED, downloads and unzips it: one item per row', async () => {
		server.completeAfterPolls = 3;
		const result = await run(
			{ resource: 'reports', operation: 'create', reportType: 'spTargeting', startDate: '2026-03-01', endDate: '2026-03-07', reportOptions: { pollSeconds: 0.05 } },
			[{}],
		);
		expect(result.error).toBeUndefined();
		const rows = json(result.output('Node'));
		expect(rows).toEqual([
			expect.objectContaining({ keywordId: 'K1', keyword: 'fantasy novel', matchType: 'BROAD', keywordBid: 1, clicks: 300, cost: 270, purchases7d: 30, sales7d: 900, campaignBudgetAmount: 20 }),
			expect.objectContaining({ keywordId: 'K2', clicks: 3 }),
		]);
		expect(pairs(result.output('Node'))).toEqual([0, 0]);
		const create = server.requestsTo('/reporting/reports', 'POST')[0];
		expect(create.headers['content-type']).toBe(REPORT_MEDIA_TYPE);
		expect(create.body).toMatchObject({
			startDate: '2026-03-01',
			endDate: '2026-03-07',
			configuration: { adProduct: 'SPONSORED_PRODUCTS', reportTypeId: 'spTargeting', groupBy: ['targeting'], timeUnit: 'SUMMARY', format: 'GZIP_JSON', filters: [{ field: 'keywordType', values: ['BROAD', 'PHRASE', 'EXACT'] }] },
		});
		const checks = server.requestsTo('/reporting/reports/:id', 'GET');
		expect(checks).toHaveLength(3);
		// 50 ms, 100 ms, 200 ms between checks.
		expect(checks[2].time - checks[1].time).toBeGreaterThanOrEqual(180);
		const download = server.requestsTo('/files/:file')[0];
		expect(download.headers.authorization).toBeUndefined();
		expect(download.headers['amazon-advertising-api-clientid']).toBeUndefined();
	});

	it('hands the report ID to a Wait loop instead: Get Status, then Download once COMPLETED', async () => {
		const created = await run({ resource: 'reports', operation: 'create', reportType: 'spCampaigns', startDate: '2026-03-01', endDate: '2026-03-01', wait: false }, [{}]);
		const [status] = json(created.output('Node'));
		expect(status).toMatchObject({ status: 'PENDING', completed: false });
		const reportId = String(status.reportId);

		const early = await run({ resource: 'reports', operation: 'download' }, [{ reportId }]);
		expect(early.error?.message).toBe(`Item 0: report ${reportId} is PENDING, not ready to download`);

		server.completeAfterPolls = 0;
		server.reports.get(reportId)!.completeAfter = 0;
		const checked = await run({ resource: 'reports', operation: 'get' }, [{ reportId }]);
		expect(json(checked.output('Node'))[0]).toMatchObject({ reportId, status: 'COMPLETED', completed: true });
		expect(json(checked.output('Node'))[0].url).toBeUndefined();

		const downloaded = await run({ resource: 'reports', operation: 'download' }, [{ reportId }]);
		expect(json(downloaded.output('Node'))).toEqual([expect.objectContaining({ campaignId: 'C1', campaignName: 'Books', clicks: 303, cost: 272.5, sales7d: 930 })]);
	});

	it('carries on with the report Amazon names when a request duplicates one in the making (425)', async () => {
		const parameters = { resource: 'reports', operation: 'create', reportType: 'spSearchTerm', startDate: '2026-03-01', endDate: '2026-03-02', wait: false };
		const first = json((await run(parameters, [{}])).output('Node'))[0];
		const second = await run(parameters, [{}]);
		expect(second.error).toBeUndefined();
		expect(json(second.output('Node'))[0]).toMatchObject({ reportId: first.reportId, duplicate: true });
	});

	it('says which report failed, and refuses dates it cannot use', async () => {
		const created = json((await run({ resource: 'reports', operation: 'create', reportType: 'spCampaigns', startDate: '2026-03-01', endDate: '2026-03-01', wait: false }, [{}])).output('Node'))[0];
		server.failReport(String(created.reportId), 'Internal error');
		const failed = await run({ resource: 'reports', operation: 'create', reportType: 'spCampaigns', startDate: '2026-03-01', endDate: '2026-03-01', reportOptions: { pollSeconds: 0.01 } }, [{}]);
		expect(failed.error?.message).toBe(`Item 0: Amazon could not make report ${String(created.reportId)}: Internal error`);

		const badDates = await run({ resource: 'reports', operation: 'create', reportType: 'spCampaigns', startDate: '2026-03-10', endDate: '2026-03-01' }, [{}]);
		expect(badDates.error?.message).toBe('Item 0: Start Date 2026-03-10 is after End Date 2026-03-01');
	});

	it('unzips what the stand-in serves exactly as Amazon gzips it', async () => {
		server.completeAfterPolls = 1;
		const result = await run({ resource: 'reports', operation: 'create', reportType: 'spTargeting', startDate: '2026-03-01', endDate: '2026-03-01', reportOptions: { pollSeconds: 0.01 } }, [{}]);
		const report = [...server.reports.values()][0];
		const file = await fetch(`${server.url}/files/${report.reportId}.json.gz?X-Amz-Signature=${report.signature}`);
		const rows = JSON.parse(gunzipSync(Buffer.from(await file.arrayBuffer())).toString('utf8'));
		expect(json(result.output('Node'))).toEqual(rows);
	});
});

describe('Amazon Ads node: Bid Optimizer changes (in-process n8n)', () => {
	it('sends each change to its endpoint and reports each item', async () => {
		const changes = [
			{ platform: 'amazon', entityType: 'keyword', entityId: 'K1', action: 'setBid', before: { bid: 1 }, after: { bid: 0.91 } },
			{ platform: 'amazon', entityType: 'keyword', entityId: 'K2', action: 'pause', before: { state: 'ENABLED' }, after: { state: 'PAUSED' } },
			{ platform: 'amazon', entityType: 'target', entityId: 'T1', action: 'lowerBid', before: { bid: 0.7 }, after: { bid: 0.56 } },
			{ platform: 'amazon', entityType: 'keyword', entityId: 'K3', action: 'none', before: { bid: 0.8 }, after: null },
			{
				platform: 'amazon',
				entityType: 'searchTerm',
				entityId: null,
				action: 'createKeyword',
				campaignId: 'C1',
				adGroupId: 'G1',
				after: { campaignId: 'C1', adGroupId: 'G1', keywordText: 'dragon rider book', matchType: 'EXACT', state: 'ENABLED', bid: 0.71 },
			},
			{
				platform: 'amazon',
				entityType: 'searchTerm',
				entityId: null,
				action: 'createNegativeKeyword',
				after: { campaignId: 'C1', adGroupId: 'G1', keywordText: 'free dragon pdf', matchType: 'NEGATIVE_EXACT', state: 'ENABLED' },
			},
		];
		const result = await run({ resource: 'changes', operation: 'apply' }, changes);
		expect(result.error).toBeUndefined();
		const out = result.output('Node');
		expect(pairs(out)).toEqual([0, 1, 2, 3, 4, 5]);
		expect(json(out).map((item) => item.status)).toEqual(['applied', 'applied', 'applied', 'skipped', 'applied', 'applied']);
		expect(server.keyword('K1')).toMatchObject({ bid: 0.91, state: 'ENABLED' });
		expect(server.keyword('K2')).toMatchObject({ bid: 0.6, state: 'PAUSED' });
		expect(server.store.targets.get('T1')).toMatchObject({ bid: 0.56 });
		expect([...server.store.keywords.values()].find((k) => k.keywordText === 'dragon rider book')).toMatchObject({ matchType: 'EXACT', bid: 0.71 });
		expect([...server.store.negativeKeywords.values()].map((k) => [k.keywordText, k.matchType])).toEqual([['free dragon pdf', 'NEGATIVE_EXACT']]);
		expect(server.requestsTo('/sp/keywords', 'PUT')).toHaveLength(1);
		expect(json(out)[4].amazonId).toEqual(expect.any(String));
	});

	it('refuses items that are not Amazon changes, naming the item', async () => {
		const meta = await run({ resource: 'changes', operation: 'apply' }, [{ platform: 'meta', entityType: 'adSet', entityId: 'S1', action: 'setDailyBudget', after: { dailyBudget: 12 } }]);
		expect(meta.error?.message).toBe('Item 0: is a "meta" change, not an Amazon one');
		const plain = await run({ resource: 'changes', operation: 'apply' }, [{ keywordId: 'K1' }]);
		expect(plain.error?.message).toBe('Item 0: is not a Bid Optimizer change (it has no "action")');
	});
});

describe('Amazon Ads node: bad money never reaches Amazon (in-process n8n)', () => {
	const change = (bid: unknown) => ({ platform: 'amazon', entityType: 'keyword', entityId: 'K1', action: 'setBid', before: { bid: 1 }, after: { bid } });

	it.each([
		[true, 'true, not an amount of money'],
		[Infinity, 'Infinity, not an amount of money'],
		[-1, '-1, not above 0'],
		[1e308, '1e+308, above 1,000,000,000'],
	])('refuses a new bid of %p, naming the item and the field', async (bid, problem) => {
		const result = await runRaw({ resource: 'changes', operation: 'apply' }, [change(0.9), change(bid)]);
		expect(result.error?.message).toBe(`Item 1: after.bid is ${problem}`);
		expect(server.requestsTo('/sp/keywords', 'PUT')).toHaveLength(0);
	});

	it('refuses a new keyword with a bid of true instead of sending 1', async () => {
		const create = { platform: 'amazon', action: 'createKeyword', campaignId: 'C1', adGroupId: 'G1', after: { keywordText: 'dragon egg', bid: true } };
		const result = await run({ resource: 'changes', operation: 'apply' }, [create]);
		expect(result.error?.message).toBe('Item 0: after.bid is true, not an amount of money');
		expect(server.requestsTo('/sp/keywords', 'POST')).toHaveLength(0);
	});

	it('refuses bad bids and budgets in entity fields', async () => {
		const update = await run({ resource: 'keywords', operation: 'update', id: 'K1', updateFields: { bid: '={{ true }}' } }, [{}]);
		expect(update.error?.message).toBe('Item 0: Bid is true, not an amount of money');
		const budget = await run({ resource: 'campaigns', operation: 'update', id: 'C1', updateFields: { dailyBudget: '={{ 1/0 }}' } }, [{}]);
		expect(budget.error?.message).toBe('Item 0: Daily Budget is Infinity, not an amount of money');
		const created = await run({ resource: 'keywords', operation: 'create', campaignId: 'C1', adGroupId: 'G1', keywordText: 'x', matchType: 'EXACT', state: 'ENABLED', bid: '={{ 1e308 }}' }, [{}]);
		expect(created.error?.message).toBe('Item 0: Bid is 1e+308, above 1,000,000,000');
		expect(server.requestsTo('/sp/keywords', 'PUT')).toHaveLength(0);
		expect(server.requestsTo('/sp/campaigns', 'PUT')).toHaveLength(0);
		expect(server.requestsTo('/sp/keywords', 'POST')).toHaveLength(0);
	});
});

describe('the daily loop in-process: report → Bid Optimizer → Apply', () => {
	it('sets exactly the bids the reference works out', async () => {
		server.reset();
		server.seedAccount(reference.keywords.rows);
		server.completeAfterPolls = 2;
		const credential = { campaignKitAmazonAdsApi: { id: '1', name: 'Amazon Ads' } };
		const result = await runWorkflow(
			{
				nodes: [
					{ name: 'Start', type: 'test.fixture', parameters: { items: '[{}]' } },
					{
						name: 'Report',
						type: `${PACKAGE}.amazonAds`,
						credentials: credential,
						parameters: { resource: 'reports', operation: 'create', reportType: 'spTargeting', startDate: '2026-03-01', endDate: '2026-03-01', reportOptions: { pollSeconds: 0.02, includeTargets: true } },
					},
					{ name: 'Optimize', type: `${PACKAGE}.bidOptimizer`, parameters: { targetAcos: 30 } },
					{ name: 'Apply', type: `${PACKAGE}.amazonAds`, credentials: credential, parameters: { resource: 'changes', operation: 'apply' } },
				],
				connections: {
					Start: { main: [[{ node: 'Report', type: 'main', index: 0 }]] },
					Report: { main: [[{ node: 'Optimize', type: 'main', index: 0 }]] },
					Optimize: { main: [[{ node: 'Apply', type: 'main', index: 0 }]] },
				},
			},
			{ credentials: { campaignKitAmazonAdsApi: credentials } },
		);
		expect(result.error).toBeUndefined();
		const expected = reference.keywords.expected.filter((e) => e.newBid !== undefined).map((e) => ({ id: e.id, bid: e.newBid }));
		const sort = (list: Array<{ id: string; bid: number }>) => [...list].sort((a, b) => a.id.localeCompare(b.id));
		expect(sort(server.bidLog.map(({ id, bid }) => ({ id, bid })))).toEqual(sort(expected));
		expect(json(result.output('Apply')).every((item) => item.status === 'applied')).toBe(true);
		expect(result.output('Optimize', 2).map((item) => item.json.campaignId)).toEqual(reference.keywords.alerts);
	});
});
