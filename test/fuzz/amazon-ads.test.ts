/** The Amazon Ads node updating keyword bids on the Amazon Ads stand-in (Login with Amazon included). */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import type { RunResult } from '../helpers/n8n';
import { AmazonAdsStandIn } from '../stand-ins/amazon-ads';
import { badMoneyAccepted, fuzzNode, printSummary, stopWatchdog } from './harness';
import { item, items, plausible } from './hostile';

const ACCOUNT = {
	clientId: 'amzn1.application-oa2-client.fz0123456789abcd',
	clientSecret: 'amzn1.oa2-cs.v1.fzSecret7Kq2Lm9Np4Rs6Tv',
	refreshToken: 'Atzr|IwEBIfzRefresh8Wx3Yz6Ab1Cd4Ef7Gh0',
	profileId: '3074583922618274',
};
const server = new AmazonAdsStandIn(ACCOUNT);

beforeAll(async () => {
	await server.start();
});
afterAll(async () => {
	printSummary();
	await stopWatchdog();
	await server.stop();
});

function seed(): void {
	server.reset();
	server.seed('campaigns', { campaignId: 'C1', name: 'Books', targetingType: 'MANUAL', state: 'ENABLED', budget: { budget: 20, budgetType: 'DAILY' } });
	server.seed('adGroups', { adGroupId: 'G1', campaignId: 'C1', name: 'Fantasy', defaultBid: 0.5, state: 'ENABLED' });
	server.seed(
		'keywords',
		{ keywordId: 'K1', campaignId: 'C1', adGroupId: 'G1', keywordText: 'fantasy novel', matchType: 'BROAD', state: 'ENABLED', bid: 1 },
		{ keywordId: 'K2', campaignId: 'C1', adGroupId: 'G1', keywordText: 'dragon book', matchType: 'PHRASE', state: 'ENABLED', bid: 0.6 },
	);
}

function badBidsAccepted(input: IDataObject[], result: RunResult): string[] {
	const problems = server.contractErrors.map((e) => `Amazon's contract refused a request the node sent: ${e.route}: ${e.errors.join('; ')}`);
	return problems.concat(badMoneyAccepted(input, result, 'newBid', 'bid', 'bid'));
}

describe('Amazon Ads with hostile bids', () => {
	it('keywords update: every item answered once, no bad number sent, or an error naming the item and field', async () => {
		await fuzzNode({
			label: 'amazonAds keywords update',
			node: 'amazonAds',
			parameters: { resource: 'keywords', operation: 'update', updateFields: { bid: '={{ $json.newBid }}' } },
			items: items(item({ keywordId: fc.constantFrom('K1', 'K2', 'K404'), newBid: plausible.money() }), 4),
			pairing: 'partition',
			credentials: () => ({
				ids: { campaignKitAmazonAdsApi: { id: '1', name: 'Amazon Ads' } },
				data: { campaignKitAmazonAdsApi: { ...ACCOUNT, region: 'NA', baseUrl: server.url, authUrl: `${server.url}/auth/o2/token` } },
			}),
			secrets: [ACCOUNT.clientSecret, ACCOUNT.refreshToken],
			before: seed,
			check: badBidsAccepted,
		});
	});
});
