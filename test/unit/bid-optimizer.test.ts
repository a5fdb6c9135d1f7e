/**
 * Bid Optimizer engine against numbers worked out by hand (in the comments, with the arithmetic
 * spelled out) and against test/reference/bid_optimizer_reference.py, which recomputes every case
 * in exact rational arithmetic and solves the budget reallocation by a different method.
 */
import fc from 'fast-check';

import {
	BidSettingsError,
	boundedBidCents,
	harvestSearchTerms,
	optimizeKeywords,
	reallocateBudgets,
	shrink,
	type AdSetRow,
	type KeywordRow,
	type SearchTermRow,
} from '../../nodes/BidOptimizer/engine';
import reference from '../reference/bid-optimizer-reference.json';

const kw = (over: Partial<KeywordRow> & Pick<KeywordRow, 'keywordId'>): KeywordRow => ({
	adGroupId: 'AG',
	campaignId: 'C',
	clicks: 0,
	impressions: 0,
	spend: 0,
	sales: 0,
	orders: 0,
	bid: 1,
	...over,
});

const clean = <T extends object>(row: T) => Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null)) as T;

describe('shrinkage', () => {
	it('is (successes + k·prior) / (trials + k): 3 clicks stay near the prior, 300 near their own rate', () => {
		// prior 5%, k = 50. 3 clicks, 1 order (33% raw): (1 + 2.5) / 53 = 0.0660377…
		expect(shrink(1, 3, 0.05, 50)).toBeCloseTo(3.5 / 53, 15);
		// 300 clicks, 100 orders (33% raw): (100 + 2.5) / 350 = 0.292857…
		expect(shrink(100, 300, 0.05, 50)).toBeCloseTo(102.5 / 350, 15);
		// k = 0: the raw rate; no data at all: the prior.
		expect(shrink(1, 3, 0.05, 0)).toBeCloseTo(1 / 3, 15);
		expect(shrink(0, 0, 0.05, 0)).toBe(0.05);
	});
});

describe('keyword bids toward a target ACoS', () => {
	it('matches a case worked by hand', () => {
		// One ad group, two keywords, 200 clicks and 10 orders in all, k = 50, target ACoS 40%.
		//   account CR pA = 10 / 200 = 0.05;  group CR pG = (10 + 50·0.05) / (200 + 50) = 12.5 / 250 = 0.05
		//   order value = 250 / 10 = 25
		//   K1: p = (10 + 2.5) / (100 + 50) = 1/12;  RPC = 25/12 = 2.0833;  bid = 0.4 · 2.0833 = 0.8333 → 0.83
		//   K2: p = (0 + 2.5) / 150 = 1/60;  RPC = 0.41667;  bid = 0.16667 → 0.17, below 1.00 − 20% → 0.80
		const { decisions } = optimizeKeywords(
			[kw({ keywordId: 'K1', clicks: 100, orders: 10, sales: 250, spend: 80 }), kw({ keywordId: 'K2', clicks: 100, spend: 5 })],
			{ targetAcos: 0.4, pauseRule: { enabled: false } },
		);
		expect(decisions[0]).toMatchObject({ action: 'setBid', rule: 'targetAcos', entityId: 'K1', before: { bid: 1 }, after: { bid: 0.83 } });
		expect(decisions[0].metrics.smoothedConversionRate).toBeCloseTo(1 / 12, 6);
		expect(decisions[0].metrics.revenuePerClick).toBeCloseTo(2.0833, 4);
		expect(decisions[0].metrics.targetBid).toBeCloseTo(0.8333, 4);
		expect(decisions[1]).toMatchObject({ action: 'setBid', after: { bid: 0.8 } });
		expect(decisions[1].metrics.targetBid).toBeCloseTo(0.1667, 4);
		expect(decisions[1].reason).toContain('(limited to a 20% step)');
		expect(decisions[0].reason).toBe(
			'keyword K1: 10 orders from 100 clicks; smoothed conversion 8.33% × order value 25.00 = 2.08 per click; at 40.0% ACoS the bid should be 0.83; bid changed from 1.00 to 0.83',
		);
	});

	it('judges 3 clicks differently from 300: the same raw rate, smoothed in proportion to data', () => {
		// Group rate about 10%; both keywords convert at 33% raw.
		const rows = [
			kw({ keywordId: 'few', clicks: 3, orders: 1, sales: 20 }),
			kw({ keywordId: 'many', clicks: 300, orders: 100, sales: 2000 }),
			kw({ keywordId: 'rest', clicks: 2000, orders: 130, sales: 2600 }),
		];
		const { decisions } = optimizeKeywords(rows, { targetAcos: 0.3, minClicks: 0, maxStep: 1, ceilingBid: 100 });
		const [few, many] = decisions.map((d) => d.metrics.smoothedConversionRate!);
		expect(few).toBeLessThan(0.12);
		expect(many).toBeGreaterThan(0.28);
	});

	it('matches the reference for every rule: bid, step, floor, ceiling, minimum clicks, not enabled, spend without orders', () => {
		const rows = reference.keywords.rows.map((row) => clean(row) as KeywordRow);
		const result = optimizeKeywords(rows, { targetAcos: 0.3 });
		reference.keywords.expected.forEach((expected, i) => {
			const decision = result.decisions[i];
			expect({ id: decision.entityId, action: decision.action, rule: decision.rule }).toEqual({ id: expected.id, action: expected.action, rule: expected.rule });
			if (expected.newBid !== undefined) expect(decision.after).toEqual({ bid: expected.newBid });
			else expect(decision.after).toBeNull();
			expect(decision.metrics.smoothedConversionRate).toBeCloseTo(expected.smoothedConversionRate, 6);
			expect(decision.metrics.groupConversionRate).toBeCloseTo(expected.groupConversionRate, 6);
			expect(decision.metrics.revenuePerClick).toBeCloseTo(expected.revenuePerClick, 4);
			expect(decision.metrics.targetBid).toBeCloseTo(expected.targetBid, 4);
		});
		expect(result.decisions.find((d) => d.entityId === 'B3')?.entityType).toBe('target');
		expect(result.decisions.find((d) => d.entityId === 'C1')?.reason).toContain('(held at the ceiling)');
		expect(result.decisions.find((d) => d.entityId === 'D1')?.reason).toContain('(held at the floor)');
		expect(result.decisions.find((d) => d.entityId === 'A3')?.reason).toContain('(limit 18.00)');
		expect(result.summary.current.spend).toBeCloseTo(reference.keywords.currentSpend, 2);
		expect(result.summary.projected.spend).toBeCloseTo(reference.keywords.projectedSpend, 2);
		expect(result.summary.projected.sales).toBeCloseTo(reference.keywords.sales, 2);
		expect(result.summary.changes).toEqual({ setBid: 6, lowerBid: 1 });
		expect(result.summary.unchanged).toBe(2);
		expect(result.alerts.map((alert) => alert.campaignId)).toEqual(reference.keywords.alerts);
	});

	it('pauses instead of lowering when asked, and takes an explicit spend limit', () => {
		const rows = [kw({ keywordId: 'waste', clicks: 12, spend: 14 }), kw({ keywordId: 'ok', clicks: 20, spend: 10 }), kw({ keywordId: 'x', clicks: 20, orders: 2, sales: 40 })];
		const { decisions, summary } = optimizeKeywords(rows, { targetAcos: 0.3, pauseRule: { action: 'pause', spendAbove: 12 } });
		expect(decisions[0]).toMatchObject({ action: 'pause', rule: 'pauseNoOrders', before: { state: 'ENABLED', bid: 1 }, after: { state: 'PAUSED' } });
		expect(decisions[1].rule).not.toBe('pauseNoOrders');
		// Paused keywords spend nothing in the projection.
		expect(summary.projected.spend).toBeLessThan(summary.current.spend - 13.99);
	});

	it('never moves a bid more than the step, nor outside floor and ceiling (property)', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 2, max: 2000 }),
				fc.double({ min: 0, max: 50, noNaN: true }),
				fc.integer({ min: 1, max: 100 }),
				(currentCents, target, stepPercent) => {
					const settings = { maxStep: stepPercent / 100, floorBid: 0.02, ceilingBid: 20 };
					const next = boundedBidCents(currentCents / 100, target, settings);
					expect(next).toBeGreaterThanOrEqual(2);
					expect(next).toBeLessThanOrEqual(2000);
					const inStep = Math.abs(next - currentCents) <= (currentCents * stepPercent) / 100 + 1e-9;
					expect(inStep || next === 2 || next === 2000).toBe(true);
				},
			),
			{ numRuns: 2000 },
		);
	});

	it('refuses settings out of range, naming the setting', () => {
		expect(() => optimizeKeywords([], { targetAcos: 0 })).toThrow(BidSettingsError);
		try {
			optimizeKeywords([], { targetAcos: 0.3, floorBid: 2, ceilingBid: 1 });
		} catch (error) {
			expect(error).toMatchObject({ setting: 'Ceiling Bid', message: 'Ceiling Bid 1.00 is below Floor Bid 2.00' });
		}
		expect(() => optimizeKeywords([], { targetAcos: 0.3, maxStep: 0 })).toThrow('Maximum Step (%) is 0, outside 1 to 100');
	});
});

describe('budget guard', () => {
	it('flags campaigns above 120% of their daily budget, not at exactly 120%, per day of data', () => {
		const rows = [
			kw({ keywordId: 'a', campaignId: 'at', spend: 84, campaignBudget: 10 }), // 7 days: 12/day = 120%
			kw({ keywordId: 'b', campaignId: 'over', spend: 60, campaignBudget: 7 }),
			kw({ keywordId: 'c', campaignId: 'over', spend: 0.01, campaignBudget: 7 }), // 60.01 / 7 = 8.573/day = 122.5%
			kw({ keywordId: 'd', campaignId: 'none', spend: 500 }),
		];
		const { alerts } = optimizeKeywords(rows, { targetAcos: 0.3, budgetGuard: { days: 7 } });
		expect(alerts).toEqual([
			{
				campaignId: 'over',
				dailySpend: 8.57,
				dailyBudget: 7,
				spendRatio: 1.2247,
				threshold: 1.2,
				rows: [1, 2],
				reason: 'Campaign over spends 8.57 a day, 122.5% of its 7.00 daily budget (alert above 120%)',
			},
		]);
		expect(optimizeKeywords(rows, { targetAcos: 0.3, budgetGuard: { days: 7, threshold: 0 } }).alerts).toEqual([]);
	});
});

describe('search-term harvesting', () => {
	it('harvests converting terms as exact keywords and negates non-converting ones, once per ad group', () => {
		const rows = reference.searchTerms.rows.map((row) => clean(row) as SearchTermRow);
		const { decisions, summary } = harvestSearchTerms(rows, { targetAcos: 0.3 });
		expect(decisions.map((d) => [d.action, d.rule])).toEqual([
			['createKeyword', 'harvestSearchTerm'],
			['none', 'searchTermKept'],
			['createNegativeKeyword', 'negativeSearchTerm'],
			['none', 'searchTermKept'],
			['none', 'searchTermKept'],
			['none', 'searchTermKept'],
			['none', 'searchTermKept'],
		]);
		expect(decisions[0].after).toEqual({
			campaignId: 'C-1',
			adGroupId: 'AG-A',
			keywordText: 'dragon rider book',
			matchType: 'EXACT',
			state: 'ENABLED',
			bid: reference.searchTerms.harvestBid,
		});
		expect(decisions[1].reason).toBe('Search term "dragon rider book" is already harvested into ad group AG-A by row 0');
		expect(decisions[2].after).toMatchObject({ keywordText: 'free dragon pdf', matchType: 'NEGATIVE_EXACT', adGroupId: 'AG-A' });
		expect(decisions[3].reason).toContain('is the exact keyword it came from');
		expect(decisions[4].reason).toContain('is an ASIN');
		expect(decisions[6].reason).toContain('ACoS 40.0%');
		expect(summary.changes).toEqual({ createKeyword: 1, createNegativeKeyword: 1 });
		expect(summary.projected.spend).toBe(summary.current.spend - 15);
	});

	it('sends harvested and negated terms to the destination ad groups, and each rule can be off', () => {
		const rows: SearchTermRow[] = [
			{ searchTerm: 'good', campaignId: 'C', adGroupId: 'AG', clicks: 10, impressions: 100, spend: 5, sales: 50, orders: 2 },
			{ searchTerm: 'bad', campaignId: 'C', adGroupId: 'AG', clicks: 30, impressions: 100, spend: 20, sales: 0, orders: 0 },
		];
		const moved = harvestSearchTerms(rows, {
			targetAcos: 0.3,
			harvest: { campaignId: 'EXACT-C', adGroupId: 'EXACT-AG' },
			negative: { adGroupId: 'NEG-AG' },
		}).decisions;
		expect(moved[0]).toMatchObject({ campaignId: 'EXACT-C', adGroupId: 'EXACT-AG', after: { campaignId: 'EXACT-C', adGroupId: 'EXACT-AG' } });
		expect(moved[1]).toMatchObject({ campaignId: 'C', adGroupId: 'NEG-AG' });
		const off = harvestSearchTerms(rows, { targetAcos: 0.3, harvest: { enabled: false }, negative: { enabled: false } }).decisions;
		expect(off.map((d) => d.action)).toEqual(['none', 'none']);
	});
});

describe('Meta budget reallocation by ROAS', () => {
	const cases = reference.meta;

	it.each([
		['keeping the total', cases.keepTotal, undefined, undefined, undefined],
		['raising the total to 330', cases.raiseTotal, 330, undefined, undefined],
		['with a floor above a current budget', cases.floor, undefined, 5, 100],
	] as const)('matches the exact reference solution %s', (_name, ref, totalBudget, floorBudget, smoothingSpend) => {
		const result = reallocateBudgets(ref.rows.map((row) => ({ ...row, dailyBudget: Number(row.dailyBudget) })) as AdSetRow[], {
			totalBudget,
			floorBudget,
			smoothingSpend,
		});
		expect(result.decisions.map((d) => (d.after ? d.after.dailyBudget : d.before!.dailyBudget))).toEqual(ref.after.map(Number));
		result.decisions.forEach((d, i) => expect(d.metrics.smoothedRoas).toBeCloseTo(ref.smoothedRoas[i], 4));
		expect(result.summary.totalPreserved).toBe(true);
	});

	it('skips ad sets in the learning phase and writes the reasons out', () => {
		const { decisions } = reallocateBudgets(cases.keepTotal.rows as AdSetRow[]);
		expect(decisions[3]).toMatchObject({ action: 'none', rule: 'learningPhase', entityId: 'S4', after: null });
		expect(decisions[3].reason).toBe('Ad set S4 had 30 optimisation events in 7 days, fewer than 50: still learning, budget left at 40.00');
		expect(decisions[0].reason).toBe(
			'Ad set S1: ROAS 4.00 (smoothed 3.77) vs 3.00 for all ad sets; daily budget changed from 100.00 to 120.00 (+20.0%, capped at +20%)',
		);
		expect(decisions[2].reason).toBe('Ad set S3: ROAS 2.00 (smoothed 2.37) vs 3.00 for all ad sets; daily budget changed from 50.00 to 48.00 (-4.0%)');
	});

	it('keeps its invariants on random accounts: total, ±20%, floor, learning, order (property)', () => {
		const adSet = fc.record({
			dailyBudget: fc.integer({ min: 100, max: 100_000 }).map((c) => c / 100),
			spend: fc.integer({ min: 0, max: 500_000 }).map((c) => c / 100),
			roas: fc.double({ min: 0, max: 8, noNaN: true }),
			events: fc.integer({ min: 0, max: 400 }),
		});
		fc.assert(
			fc.property(fc.array(adSet, { minLength: 1, maxLength: 25 }), fc.double({ min: 0.5, max: 1.5, noNaN: true }), fc.integer({ min: 0, max: 2000 }), (sets, scale, floorCents) => {
				const rows: AdSetRow[] = sets.map((s, i) => ({ adSetId: `S${i}`, dailyBudget: s.dailyBudget, spend: s.spend, revenue: Math.round(s.spend * s.roas * 100) / 100, events: s.events }));
				const current = rows.reduce((a, r) => a + Math.round(r.dailyBudget * 100), 0);
				const totalBudget = Math.max(1, Math.round(current * scale)) / 100;
				const floorBudget = floorCents / 100;
				const { decisions, summary } = reallocateBudgets(rows, { totalBudget, floorBudget });
				const after = decisions.map((d, i) => Math.round(Number(d.after?.dailyBudget ?? rows[i].dailyBudget) * 100));
				let lo = 0;
				let hi = 0;
				let share = Math.round(totalBudget * 100);
				const learning = rows.map((r) => r.events < 50);
				const anyRevenue = rows.some((r) => r.revenue > 0);
				if (!anyRevenue) {
					// Nothing to reallocate by: every budget stays as it is.
					expect(decisions.every((d) => d.action === 'none')).toBe(true);
					return;
				}
				rows.forEach((r, i) => {
					const b = Math.round(r.dailyBudget * 100);
					if (learning[i]) {
						expect(after[i]).toBe(b);
						share -= b;
						return;
					}
					const low = Math.max(floorCents, Math.ceil(b * 0.8 - 1e-9));
					const high = Math.max(low, Math.floor(b * 1.2 + 1e-9));
					lo += low;
					hi += high;
					expect(after[i]).toBeGreaterThanOrEqual(low);
					expect(after[i]).toBeLessThanOrEqual(high);
					expect(after[i]).toBeGreaterThanOrEqual(floorCents);
				});
				const eligibleTotal = after.reduce((a, x, i) => a + (learning[i] ? 0 : x), 0);
				if (lo <= share && share <= hi) {
					expect(eligibleTotal).toBe(share);
					expect(summary.totalPreserved).toBe(true);
				} else {
					expect(summary.totalPreserved).toBe(false);
				}
				// Order: away from the floor and the ±20% bounds, a better smoothed ROAS never gets a
				// smaller relative change than a worse one (one cent of rounding either way).
				const free = rows
					.map((r, i) => ({ i, b: Math.round(r.dailyBudget * 100), roas: decisions[i].metrics.smoothedRoas! }))
					.filter(({ i, b }) => !learning[i] && after[i] > Math.max(floorCents, Math.ceil(b * 0.8 - 1e-9)) && after[i] < Math.floor(b * 1.2 + 1e-9));
				for (const a of free) {
					for (const b of free) {
						if (a.roas > b.roas + 1e-3) expect((after[a.i] + 1) / a.b).toBeGreaterThanOrEqual((after[b.i] - 1) / b.b);
					}
				}
			}),
			{ numRuns: 500 },
		);
	});

	it('changes nothing when every ad set has the same ROAS and the total stays', () => {
		const rows: AdSetRow[] = [
			{ adSetId: 'a', dailyBudget: 50, spend: 350, revenue: 700, events: 80 },
			{ adSetId: 'b', dailyBudget: 20, spend: 140, revenue: 280, events: 80 },
		];
		const { decisions, summary } = reallocateBudgets(rows);
		expect(decisions.map((d) => d.action)).toEqual(['none', 'none']);
		expect(summary.projected).toEqual(summary.current);
	});

	it('says when the total cannot be kept within the limits', () => {
		const rows: AdSetRow[] = [{ adSetId: 'a', dailyBudget: 100, spend: 700, revenue: 2100, events: 80 }];
		const { decisions, summary } = reallocateBudgets(rows, { totalBudget: 500 });
		expect(decisions[0].after).toEqual({ dailyBudget: 120 });
		expect(summary.totalPreserved).toBe(false);
	});

	it('flags campaigns whose spend per day is above 120% of the summed ad set budgets', () => {
		const rows: AdSetRow[] = [
			{ adSetId: 'a', campaignId: 'M', dailyBudget: 10, spend: 100, revenue: 300, events: 80 },
			{ adSetId: 'b', campaignId: 'M', dailyBudget: 10, spend: 70, revenue: 100, events: 80 },
			{ adSetId: 'c', campaignId: 'N', dailyBudget: 10, spend: 70, revenue: 100, events: 80 },
		];
		const { alerts } = reallocateBudgets(rows, { budgetGuard: { days: 7 } });
		expect(alerts.map((a) => [a.campaignId, a.dailySpend, a.dailyBudget, a.rows])).toEqual([['M', 24.29, 20, [0, 1]]]);
	});
});
