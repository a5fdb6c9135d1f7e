/**
 * Bid Optimizer engine: 200,000 keyword rows (2,000 ad groups of 100 keywords, clicks from a
 * long-tailed distribution as real accounts have) optimised toward a target ACoS in one
 * optimizeKeywords call, every rule on; plus 200,000 search terms harvested and 5,000 Meta ad sets
 * reallocated. The target: 200,000 keyword rows in under 1 s.
 * `npm run bench -- bid-optimizer` runs it alone.
 */
import { harvestSearchTerms, optimizeKeywords, reallocateBudgets, type AdSetRow, type KeywordRow, type SearchTermRow } from '../nodes/BidOptimizer/engine';
import { random, time } from './shared';
import type { BenchRow } from './types';

const KEYWORDS = 200_000;
const PER_GROUP = 100;

/** Clicks ~ long tail (most keywords a handful, a few hundreds); conversion 2–20%, order value 8–40, CPC 0.2–2. */
function keywordRows(seed: number): KeywordRow[] {
	const next = random(seed);
	return Array.from({ length: KEYWORDS }, (_, i) => {
		const group = Math.floor(i / PER_GROUP);
		const clicks = Math.floor(Math.exp(next() * 6.5)) - 1;
		const cr = 0.02 + 0.18 * next();
		const orders = Math.round(clicks * cr * (0.5 + next()));
		const aov = 8 + 32 * ((group % 17) / 17);
		const cpc = 0.2 + 1.8 * next();
		return {
			keywordId: `kw-${i}`,
			adGroupId: `ag-${group}`,
			campaignId: `c-${Math.floor(group / 10)}`,
			keywordText: `keyword ${i}`,
			matchType: i % 3 === 0 ? 'EXACT' : i % 3 === 1 ? 'PHRASE' : 'BROAD',
			state: 'ENABLED',
			clicks,
			impressions: clicks * 40,
			spend: Math.round(clicks * cpc * 100) / 100,
			sales: Math.round(orders * aov * 100) / 100,
			orders,
			bid: Math.round(cpc * 120) / 100,
			campaignBudget: 50 + (group % 7) * 25,
		};
	});
}

function searchTermRows(seed: number): SearchTermRow[] {
	const next = random(seed);
	return Array.from({ length: KEYWORDS }, (_, i) => {
		const clicks = Math.floor(Math.exp(next() * 4.5)) - 1;
		const orders = Math.round(clicks * 0.1 * next() * 2);
		return {
			searchTerm: `search term ${i % 150_000}`,
			campaignId: `c-${Math.floor(i / 1000)}`,
			adGroupId: `ag-${Math.floor(i / 100)}`,
			keywordText: `keyword ${i}`,
			matchType: 'BROAD',
			clicks,
			impressions: clicks * 40,
			spend: Math.round(clicks * 0.8 * 100) / 100,
			sales: orders * 15,
			orders,
		};
	});
}

function adSetRows(seed: number, n: number): AdSetRow[] {
	const next = random(seed);
	return Array.from({ length: n }, (_, i) => {
		const budget = Math.round((10 + 490 * next()) * 100) / 100;
		const spend = Math.round(budget * 7 * (0.6 + 0.5 * next()) * 100) / 100;
		return { adSetId: `as-${i}`, campaignId: `m-${Math.floor(i / 5)}`, dailyBudget: budget, spend, revenue: Math.round(spend * 4 * next() * 100) / 100, events: Math.floor(200 * next()) };
	});
}

export async function run(): Promise<BenchRow[]> {
	const keywords = keywordRows(7);
	const settings = { targetAcos: 0.3, budgetGuard: { days: 7 } };
	optimizeKeywords(keywords.slice(0, 20_000), settings); // warm-up: let V8 optimise the hot paths
	const bids = time(() => optimizeKeywords(keywords, settings));
	const changed = bids.result.decisions.filter((d) => d.action !== 'none').length;

	const terms = searchTermRows(8);
	harvestSearchTerms(terms.slice(0, 20_000), settings);
	const harvest = time(() => harvestSearchTerms(terms, settings));

	const adSets = adSetRows(9, 5000);
	reallocateBudgets(adSets.slice(0, 500));
	const budgets = time(() => reallocateBudgets(adSets, { budgetGuard: { days: 7 } }));
	return [
		{ name: `Bid Optimizer: ${KEYWORDS.toLocaleString('en-US')} keyword rows toward a target ACoS`, value: bids.seconds, unit: 's', target: '< 1 s', pass: bids.seconds < 1 },
		// On a busy machine wall time includes waiting for a core; CPU time says what the work costs.
		{ name: 'Bid Optimizer: the same, CPU time', value: bids.cpuSeconds, unit: 's', target: 'no target', pass: true },
		{ name: 'Bid Optimizer: keyword rows changed (of 200,000)', value: changed, unit: 'rows', target: 'no target', pass: true },
		{ name: `Bid Optimizer: ${KEYWORDS.toLocaleString('en-US')} search terms harvested / negated`, value: harvest.seconds, unit: 's', target: 'no target', pass: true },
		{ name: 'Bid Optimizer: 5,000 Meta ad sets reallocated', value: budgets.seconds, unit: 's', target: 'no target', pass: true },
	];
}

// Alone: npx tsc -p tsconfig.bench.json && node .bench/bench/bid-optimizer.bench.js
if (require.main === module) {
	run().then((rows) => console.table(rows), (error) => {
		console.error(error);
		process.exitCode = 1;
	});
}
