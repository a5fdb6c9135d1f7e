/**
 * The Bid Optimizer node in an in-process n8n: Amazon's report columns map by default, every item
 * leaves once on Changes or Unchanged (paired to itself), campaigns over budget on Alert, one
 * Summary; bad items and bad settings are named.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import reference from '../reference/bid-optimizer-reference.json';
import { runWorkflow, singleNode } from '../helpers/n8n';

/** The reference rows as an Amazon Sponsored Products targeting report (v3) gives them. */
const reportRows = reference.keywords.rows.map((row) => ({
	keywordId: row.keywordId,
	adGroupId: row.adGroupId,
	campaignId: row.campaignId,
	keyword: row.keywordText ?? undefined,
	matchType: row.matchType,
	adKeywordStatus: row.state,
	clicks: row.clicks,
	impressions: row.impressions,
	cost: row.spend,
	sales7d: row.sales,
	purchases7d: row.orders,
	keywordBid: row.bid,
	campaignBudgetAmount: row.campaignBudget ?? undefined,
}));

const json = (items: INodeExecutionData[]) => items.map((item) => item.json);
const paired = (items: INodeExecutionData[]) => items.map((item) => item.pairedItem);

describe('Bid Optimizer node (in-process n8n)', () => {
	it('optimises a targeting report as dropped on the canvas: changes, unchanged, alerts and a summary', async () => {
		const result = await runWorkflow(singleNode('bidOptimizer', { targetAcos: 30 }, reportRows));
		expect(result.error).toBeUndefined();
		const [changes, unchanged, alerts, [summary]] = result.outputs('Node');
		const expected = reference.keywords.expected;
		const changed = expected.filter((e) => e.action !== 'none');
		expect(json(changes).map((c) => [c.entityId, c.action, (c.after as IDataObject).bid])).toEqual(changed.map((e) => [e.id, e.action, e.newBid]));
		expect(json(unchanged).map((c) => [c.entityId, c.rule])).toEqual(expected.filter((e) => e.action === 'none').map((e) => [e.id, e.rule]));
		// Every input item leaves exactly once, paired to itself.
		const pairs = [...changes, ...unchanged].map((item) => (item.pairedItem as { item: number }).item).sort((a, b) => a - b);
		expect(pairs).toEqual(reportRows.map((_, i) => i));
		expect(changes[0].json).toMatchObject({
			platform: 'amazon',
			entityType: 'keyword',
			entityId: 'A1',
			keywordText: 'fantasy novel',
			matchType: 'BROAD',
			action: 'setBid',
			rule: 'targetAcos',
			before: { bid: 1 },
			after: { bid: 0.91 },
			campaignId: 'C-1',
			adGroupId: 'AG-A',
		});
		expect(changes[0].json.reason).toMatch(/^"fantasy novel" \(broad\): 30 orders from 300 clicks; smoothed conversion 10\.08% .* bid changed from 1\.00 to 0\.91$/);
		expect(json(alerts).map((a) => a.campaignId)).toEqual(reference.keywords.alerts);
		expect(paired(alerts)[0]).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(summary.json).toMatchObject({ summary: 'amazonKeywords', rows: 9, changes: { setBid: 6, lowerBid: 1 }, unchanged: 2, alerts: 2, errors: 0 });
		expect((summary.json.projected as IDataObject).spend).toBeCloseTo(reference.keywords.projectedSpend, 2);
		expect((summary.json.settings as IDataObject).targetAcos).toBe(0.3);
	});

	it('refuses a figure of 1e308 naming the item and the field, instead of Infinity in the forecast', async () => {
		const rows = [reportRows[0], { ...reportRows[1], sales7d: 1e308 }];
		const result = await runWorkflow(singleNode('bidOptimizer', { targetAcos: 30 }, rows));
		expect(result.error?.message).toBe('Item 1: Sales is 1e+308, above 1,000,000,000,000');
		const spend = await runWorkflow(singleNode('bidOptimizer', { targetAcos: 30 }, [{ ...reportRows[0], cost: 1e308 }]));
		expect(spend.error?.message).toBe('Item 0: Spend is 1e+308, above 1,000,000,000,000');
	});

	it('names the item and the field of a bad row, or passes it on as an error item with Continue On Fail', async () => {
		const rows = [reportRows[0], { ...reportRows[1], keywordBid: undefined }, { ...reportRows[2], clicks: 'many' }];
		const stopped = await runWorkflow(singleNode('bidOptimizer', { targetAcos: 30 }, rows));
		expect(stopped.error?.message).toBe('Item 1: Current Bid is missing');
		expect(stopped.error?.description).toBe('Set "Current Bid" to the field that holds it, e.g. {{ $json.keywordBid }}, or check that every item has that field.');

		const continued = await runWorkflow(singleNode('bidOptimizer', { targetAcos: 30 }, rows, { continueOnFail: true }));
		const [changes, unchanged] = continued.outputs('Node');
		expect(json(changes).filter((c) => c.error)).toEqual([
			{ error: 'Item 1: Current Bid is missing', details: 'Set "Current Bid" to the field that holds it, e.g. {{ $json.keywordBid }}, or check that every item has that field.' },
			{ error: 'Item 2: Clicks is "many", not a number', details: 'Set "Clicks" to a field holding a plain number, e.g. {{ $json.clicks }}.' },
		]);
		expect([...changes, ...unchanged].map((item) => (item.pairedItem as { item: number }).item).sort()).toEqual([0, 1, 2]);
	});

	it('refuses a setting out of range before reading any item', async () => {
		const result = await runWorkflow(singleNode('bidOptimizer', { targetAcos: 30, options: { floorBid: 3, ceilingBid: 2 } }, reportRows));
		expect(result.error?.message).toBe('Setting out of range: Ceiling Bid 2.00 is below Floor Bid 3.00');
		expect(result.error?.description).toBe('Set a ceiling at or above the floor.');
	});

	it('takes its options: pause instead of lower, a step of 10%, no alert', async () => {
		const result = await runWorkflow(
			singleNode('bidOptimizer', { targetAcos: 30, options: { pauseAction: 'pause', maxStep: 10, alertAbove: 0 } }, reportRows),
		);
		const [changes, , alerts] = result.outputs('Node');
		expect(json(changes).find((c) => c.entityId === 'A3')).toMatchObject({ action: 'pause', after: { state: 'PAUSED' } });
		expect(json(changes).find((c) => c.entityId === 'A1')).toMatchObject({ after: { bid: 0.91 } });
		expect(json(changes).find((c) => c.entityId === 'A4')).toMatchObject({ after: { bid: 0.66 } });
		expect(alerts).toEqual([]);
	});

	it('harvests search terms from a search-term report', async () => {
		const rows = reference.searchTerms.rows.map((row) => ({
			searchTerm: row.searchTerm,
			campaignId: row.campaignId,
			adGroupId: row.adGroupId,
			keyword: row.keywordText ?? undefined,
			matchType: row.matchType,
			clicks: row.clicks,
			cost: row.spend,
			sales7d: row.sales,
			purchases7d: row.orders,
		}));
		const result = await runWorkflow(singleNode('bidOptimizer', { operation: 'amazonSearchTerms', targetAcos: 30 }, rows));
		expect(result.error).toBeUndefined();
		const [changes, unchanged, , [summary]] = result.outputs('Node');
		expect(json(changes).map((c) => [c.action, c.after])).toEqual([
			['createKeyword', { campaignId: 'C-1', adGroupId: 'AG-A', keywordText: 'dragon rider book', matchType: 'EXACT', state: 'ENABLED', bid: reference.searchTerms.harvestBid }],
			['createNegativeKeyword', { campaignId: 'C-1', adGroupId: 'AG-A', keywordText: 'free dragon pdf', matchType: 'NEGATIVE_EXACT', state: 'ENABLED' }],
		]);
		expect(paired(changes)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(unchanged).toHaveLength(5);
		expect(summary.json).toMatchObject({ summary: 'amazonSearchTerms', changes: { createKeyword: 1, createNegativeKeyword: 1 } });
	});

	it('reallocates Meta budgets and skips ad sets in learning', async () => {
		const ref = reference.meta.raiseTotal;
		const result = await runWorkflow(
			singleNode(
				'bidOptimizer',
				{ operation: 'metaBudgets', totalBudget: 330, metaOptions: { alertAbove: 0 } },
				ref.rows.map((row) => ({ adSetId: row.adSetId, campaignId: row.campaignId, dailyBudget: String(row.dailyBudget), spend: row.spend, purchaseValue: row.revenue, optimizationEvents: row.events })),
			),
		);
		expect(result.error).toBeUndefined();
		const [changes, unchanged, , [summary]] = result.outputs('Node');
		expect(json(changes).map((c) => [c.entityId, (c.after as IDataObject).dailyBudget])).toEqual(
			ref.rows.map((row, i) => [row.adSetId, ref.after[i]]).filter(([, after], i) => after !== ref.rows[i].dailyBudget),
		);
		expect(json(unchanged).map((c) => [c.entityId, c.rule])).toEqual([['S4', 'learningPhase']]);
		expect(summary.json).toMatchObject({ summary: 'metaBudgets', totalPreserved: true, projected: { spend: 330 } });
	});

	it('handles 20,000 report rows in one execution', async () => {
		const rows = Array.from({ length: 20_000 }, (_, i) => ({
			...reportRows[i % reportRows.length],
			keywordId: `kw-${i}`,
			adGroupId: `ag-${i % 200}`,
		}));
		const started = Date.now();
		const result = await runWorkflow(singleNode('bidOptimizer', { targetAcos: 30 }, rows));
		const [changes, unchanged] = result.outputs('Node');
		expect(changes.length + unchanged.length).toBe(20_000);
		expect(Date.now() - started).toBeLessThan(30_000);
	});
});
