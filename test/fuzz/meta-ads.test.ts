/** The Meta Ads node updating ad set budgets on the Meta stand-in. */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import type { RunResult } from '../helpers/n8n';
import { MetaAdsStandIn } from '../stand-ins/meta-ads';
import { badMoneyAccepted, fuzzNode, printSummary, stopWatchdog } from './harness';
import { item, items, plausible } from './hostile';

const ACCOUNT = { accessToken: 'EAAB-fz-system-user-7Kq2Lm9Np4Rs6Tv', appSecret: 'fz-app-secret-8Wx3Yz6Ab1Cd', adAccountId: '1234567890', currency: 'USD' };
const server = new MetaAdsStandIn(ACCOUNT);

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
	server.seed('campaign', { id: 'C1', name: 'Launch', objective: 'OUTCOME_SALES', status: 'ACTIVE', effective_status: 'ACTIVE' });
	for (const n of [1, 2]) server.seed('adset', { id: `S${n}`, name: `Ad set ${n}`, campaign_id: 'C1', status: 'ACTIVE', effective_status: 'ACTIVE', daily_budget: String(n * 1000), bid_strategy: 'LOWEST_COST_WITHOUT_CAP' });
}

function badBudgetsAccepted(input: IDataObject[], result: RunResult): string[] {
	const problems: string[] = [];
	for (const sent of server.budgetLog) if (!Number.isFinite(sent.daily_budget)) problems.push(`Meta received a daily budget of ${sent.daily_budget} for ${sent.id}`);
	return problems.concat(badMoneyAccepted(input, result, 'budget', 'daily_budget', 'budget'));
}

describe('Meta Ads with hostile budgets', () => {
	it('ad sets update: every item answered once, no bad number sent, or an error naming the item and field', async () => {
		await fuzzNode({
			label: 'metaAds adSets update',
			node: 'metaAds',
			parameters: { resource: 'adSets', operation: 'update', id: '={{ $json.id }}', updateFields: { dailyBudget: '={{ $json.budget }}' } },
			items: items(item({ id: fc.constantFrom('S1', 'S2', 'S404'), budget: plausible.money() }), 4),
			pairing: 'partition',
			credentials: () => ({
				ids: { campaignKitMetaAdsApi: { id: '1', name: 'Meta' } },
				data: { campaignKitMetaAdsApi: { accessToken: ACCOUNT.accessToken, appSecret: ACCOUNT.appSecret, adAccountId: `act_${ACCOUNT.adAccountId}`, apiVersion: 'v24.0', baseUrl: server.url } },
			}),
			secrets: [ACCOUNT.accessToken, ACCOUNT.appSecret],
			before: seed,
			check: badBudgetsAccepted,
		});
	});
});
