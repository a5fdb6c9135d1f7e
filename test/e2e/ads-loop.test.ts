/**
 * The daily ads loop in a real n8n: a webhook starts Amazon Ads (a keywords-and-targets report,
 * checked until COMPLETED and downloaded) → Bid Optimizer → Amazon Ads (apply the changes). The
 * credential is created through n8n's public API with the stand-in's URLs; n8n itself gets the
 * access token from the stand-in's Login with Amazon endpoint. The stand-in must end up with
 * exactly the bids test/reference/bid_optimizer_reference.py works out, and nothing else.
 */
import reference from '../reference/bid-optimizer-reference.json';
import { AmazonAdsStandIn } from '../stand-ins/amazon-ads';
import { connect, createCredential, deploy, PREFIX, respond, webhook } from './n8n';

const ACCOUNT = {
	clientId: 'amzn1.application-oa2-client.e2e0123456789',
	clientSecret: 'amzn1.oa2-cs.v1.e2e-secret-0123456789',
	refreshToken: 'Atzr|IwEBIe2e-refresh-token-0123456789',
	profileId: '1234567890123456',
};

const server = new AmazonAdsStandIn(ACCOUNT);

beforeAll(async () => {
	await server.start();
});

afterAll(async () => await server.stop());

describe('the daily ads loop in a real n8n', () => {
	it('report → Bid Optimizer → bid updates: the stand-in records exactly the expected bids', async () => {
		server.seedAccount(reference.keywords.rows);
		server.completeAfterPolls = 3;
		const credential = await createCredential('campaignKitAmazonAdsApi', {
			...ACCOUNT,
			region: 'NA',
			baseUrl: server.url,
			authUrl: `${server.url}/auth/o2/token`,
		});
		const credentials = { campaignKitAmazonAdsApi: credential };
		const path = `ads-loop-${Date.now()}`;
		const workflow = await deploy({
			name: 'e2e: daily ads loop',
			nodes: [
				webhook(path),
				{
					name: 'Keyword Report',
					type: `${PREFIX}.amazonAds`,
					typeVersion: 1,
					credentials,
					parameters: {
						resource: 'reports',
						operation: 'create',
						reportType: 'spTargeting',
						startDate: '={{ $json.body.date }}',
						endDate: '={{ $json.body.date }}',
						reportOptions: { pollSeconds: 0.2, includeTargets: true },
					},
				},
				{ name: 'Bid Optimizer', type: `${PREFIX}.bidOptimizer`, typeVersion: 1, parameters: { targetAcos: 30 } },
				{ name: 'Update Bids', type: `${PREFIX}.amazonAds`, typeVersion: 1, credentials, parameters: { resource: 'changes', operation: 'apply' } },
				respond(),
			],
			connections: connect(['Webhook', 'Keyword Report'], ['Keyword Report', 'Bid Optimizer'], ['Bid Optimizer', 'Update Bids'], ['Update Bids', 'Respond']),
		});
		try {
			const { status, body } = await workflow.post(path, { date: '2026-03-01' });
			expect(status).toBe(200);
			const applied = body as Array<Record<string, unknown>>;
			const expected = reference.keywords.expected.filter((e) => e.newBid !== undefined).map((e) => ({ id: e.id, bid: e.newBid }));
			const sort = (list: Array<{ id: string; bid: number }>) => [...list].sort((a, b) => a.id.localeCompare(b.id));
			// The report lists keywords before product targets, so the order is the report's; compare by ID.
			expect(sort(applied.map((item) => ({ id: String(item.entityId), bid: (item.after as { bid: number }).bid })))).toEqual(sort(expected));
			expect(applied.every((item) => item.status === 'applied')).toBe(true);

			// Exactly these bids reached Amazon, each once, and nothing else changed.
			expect(sort(server.bidLog.map(({ id, bid }) => ({ id, bid })))).toEqual(sort(expected));
			for (const row of reference.keywords.rows) {
				const stored = server.store.keywords.get(row.keywordId) ?? server.store.targets.get(row.keywordId);
				const change = expected.find((e) => e.id === row.keywordId);
				expect([row.keywordId, stored?.bid]).toEqual([row.keywordId, change ? change.bid : row.bid]);
			}
			// n8n got one access token through the credential's preAuthentication, and every request was Amazon-valid.
			expect(server.tokensIssued).toBe(1);
			expect(server.contractErrors).toEqual([]);
			expect(server.requestsTo('/reporting/reports/:id', 'GET')).toHaveLength(3);
			expect(server.requestsTo('/files/:file')[0].headers.authorization).toBeUndefined();
			for (const request of server.requests.filter((r) => r.path.startsWith('/sp/'))) {
				expect(request.headers['amazon-advertising-api-scope']).toBe(ACCOUNT.profileId);
				expect(request.headers['amazon-advertising-api-clientid']).toBe(ACCOUNT.clientId);
			}
		} finally {
			await workflow.stop();
		}
	});
});
