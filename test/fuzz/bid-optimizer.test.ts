import fc from 'fast-check';

import { fuzzNode, printSummary, stopWatchdog } from './harness';
import { item, items, plausible } from './hostile';

afterAll(async () => {
	printSummary();
	await stopWatchdog();
});

describe('Bid Optimizer with hostile report rows', () => {
	it('Amazon keywords: every row a change or unchanged, finite bids, or an error naming the item and field', async () => {
		await fuzzNode({
			label: 'bidOptimizer amazonKeywords',
			node: 'bidOptimizer',
			share: 0.5,
			parameters: { targetAcos: 30 },
			items: items(
				item({
					keywordId: plausible.id(),
					adGroupId: fc.constantFrom('G1', 'G2'),
					campaignId: fc.constantFrom('C1', 'C2'),
					keyword: fc.constantFrom('fantasy novel', 'dragon book'),
					matchType: fc.constantFrom('BROAD', 'EXACT', 'PHRASE'),
					adKeywordStatus: fc.constantFrom('ENABLED', 'PAUSED'),
					clicks: plausible.count(),
					impressions: plausible.count(),
					cost: plausible.money(),
					sales7d: plausible.money(),
					purchases7d: plausible.count(),
					keywordBid: plausible.money(),
					campaignBudgetAmount: plausible.money(),
				}),
				8,
			),
			pairing: { partition: [0, 1] },
		});
	});

	it('Meta budgets', async () => {
		await fuzzNode({
			label: 'bidOptimizer metaBudgets',
			node: 'bidOptimizer',
			share: 0.5,
			parameters: { operation: 'metaBudgets', totalBudget: 330 },
			items: items(
				item({ adSetId: fc.constantFrom('S1', 'S2', 'S3'), campaignId: fc.constantFrom('C1'), dailyBudget: plausible.money().map(String), spend: plausible.money(), purchaseValue: plausible.money(), optimizationEvents: plausible.count() }),
				6,
			),
			pairing: { partition: [0, 1] },
		});
	});
});
