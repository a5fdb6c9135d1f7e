/**
 * Meta ad set budgets: a total daily budget reallocated across ad sets by ROAS.
 *
 * Inputs per ad set i: current daily budget b_i, spend s_i, revenue v_i (purchase value) and
 * optimisation events in the last 7 days e_i, over the same period for every ad set.
 *
 *   1. Learning phase: ad sets with e_i < 50 (configurable) keep their budget and are not counted
 *      in the reallocation; the budget to share is B = T − Σ b_learning, where T is the total daily
 *      budget (default: the current total, Σ b_i, so money only moves between ad sets).
 *   2. Smoothed ROAS: R = Σv / Σs over all rows; ρ_i = (v_i + m·R) / (s_i + m), with m pseudo-spend
 *      (default half the average spend per ad set, so an ad set spending the average is 2/3 its
 *      own ROAS and 1/3 the account's); relative performance r_i = ρ_i / R.
 *   3. Bounds in whole cents: lo_i = max(floor, ⌈b_i·(1 − step)⌉), hi_i = max(lo_i, ⌊b_i·(1 + step)⌋)
 *      with step 20%; the floor wins over the step (an ad set below the floor is raised to it).
 *   4. Allocation: x_i(λ) = clamp(λ · b_i · r_i, lo_i, hi_i), with λ found by bisection so that
 *      Σ x_i(λ) = B. Each ad set moves from its current budget in proportion to how its ROAS
 *      compares with the account's; equal ROAS everywhere means no change at all.
 *   5. Whole cents: each x_i rounded down, then the cents left over go one each to the largest
 *      remainders (within hi_i), so Σ x_i = B exactly.
 *
 * Invariants (tested): every x_i within [lo_i, hi_i] (so never beyond ±20% unless the floor
 * demands it, and never below the floor); learning ad sets unchanged; Σ x_i = B whenever
 * Σ lo_i ≤ B ≤ Σ hi_i, otherwise every x_i at its lower (or upper) bound and `totalPreserved`
 * false; a better smoothed ROAS never gets a smaller relative change (up to one cent of rounding).
 * Without any revenue in the rows there is nothing to reallocate by, and nothing changes.
 *
 * Projection (summary): each ad set spends its daily budget at its smoothed ROAS.
 */
import { budgetAlerts, resolveBudgetGuard, type CampaignSpend } from './budgetGuard';
import { checkRange } from './errors';
import { centsAtLeast, centsAtMost, clamp, fromCents, money, percent, ratio, round, toCents } from './money';
import { decision, type BudgetGuardSettings, type Decision, type OptimizerResult, type Summary } from './types';

export interface AdSetRow {
	adSetId: string;
	campaignId?: string;
	dailyBudget: number;
	spend: number;
	revenue: number;
	/** Optimisation events (results) in the last 7 days. */
	events: number;
	/** A campaign budget (Advantage campaign budget) for the guard; otherwise its ad sets' budgets add up. */
	campaignBudget?: number;
}

export interface BudgetSettings {
	/** Total daily budget to share; undefined keeps the current total. */
	totalBudget: number | undefined;
	maxStep: number;
	floorBudget: number;
	/** m, in currency; undefined = half the average spend per ad set. */
	smoothingSpend: number | undefined;
	learningEvents: number;
	budgetGuard: BudgetGuardSettings;
}

export type BudgetSettingsInput = Partial<Omit<BudgetSettings, 'budgetGuard'>> & { budgetGuard?: Partial<BudgetGuardSettings> };

export function resolveBudgetSettings(input: BudgetSettingsInput = {}): BudgetSettings {
	const settings: BudgetSettings = {
		totalBudget: input.totalBudget,
		maxStep: input.maxStep ?? 0.2,
		floorBudget: input.floorBudget ?? 1,
		smoothingSpend: input.smoothingSpend,
		learningEvents: input.learningEvents ?? 50,
		budgetGuard: resolveBudgetGuard(input.budgetGuard),
	};
	if (settings.totalBudget !== undefined) {
		checkRange('Total Daily Budget', settings.totalBudget, 0.01, 1e12, 'Use the daily total to share across the ad sets, or leave it empty to keep the current total.');
	}
	checkRange('Maximum Step (%)', settings.maxStep * 100, 1, 100, 'Use a percentage between 1 and 100, e.g. 20.');
	checkRange('Floor Budget', settings.floorBudget, 0, 1e12, 'Use the lowest daily budget an ad set may have, e.g. 1.00.');
	if (settings.smoothingSpend !== undefined) {
		checkRange('Smoothing Spend', settings.smoothingSpend, 0, 1e12, 'Use an amount in the account currency, 0 for no smoothing, or leave it empty.');
	}
	checkRange('Learning Phase Events', settings.learningEvents, 0, 1e9, 'Use the optimisation events an ad set needs in 7 days to leave learning (Meta: 50).');
	return settings;
}

/**
 * λ with Σ clamp(λ·w_i, lo_i, hi_i) = target, by bisection (the sum is continuous and
 * non-decreasing in λ). Assumes Σ lo < target < Σ hi.
 */
function solveLambda(weights: number[], lo: number[], hi: number[], target: number): number {
	const sum = (lambda: number) => {
		let total = 0;
		for (let i = 0; i < weights.length; i++) total += clamp(lambda * weights[i], lo[i], hi[i]);
		return total;
	};
	let low = 0;
	let high = 1;
	while (sum(high) < target && high < 1e15) high *= 2;
	for (let iteration = 0; iteration < 200 && high - low > 1e-15 * high; iteration++) {
		const mid = (low + high) / 2;
		if (sum(mid) < target) low = mid;
		else high = mid;
	}
	return high;
}

/** Whole cents summing to `target`: floors, then one cent each to the largest remainders that fit. */
function toWholeCents(values: number[], hi: number[], target: number): number[] {
	const out = values.map((value) => Math.floor(value + 1e-9));
	let left = target - out.reduce((a, b) => a + b, 0);
	const order = values.map((_, i) => i).sort((a, b) => values[b] - Math.floor(values[b] + 1e-9) - (values[a] - Math.floor(values[a] + 1e-9)) || a - b);
	while (left > 0) {
		let moved = false;
		for (const i of order) {
			if (left === 0) break;
			if (out[i] < hi[i]) {
				out[i]++;
				left--;
				moved = true;
			}
		}
		if (!moved) break;
	}
	return out;
}

export function reallocateBudgets(rows: readonly AdSetRow[], input: BudgetSettingsInput = {}): OptimizerResult {
	const settings = resolveBudgetSettings(input);
	const { maxStep, learningEvents } = settings;
	let totalSpend = 0;
	let totalRevenue = 0;
	let totalBudgetCents = 0;
	const campaigns = new Map<string, CampaignSpend & { adSetBudgets: number }>();
	for (let i = 0; i < rows.length; i++) {
		const row = rows[i];
		totalSpend += row.spend;
		totalRevenue += row.revenue;
		totalBudgetCents += toCents(row.dailyBudget);
		const key = row.campaignId || row.adSetId;
		let campaign = campaigns.get(key);
		if (!campaign) campaigns.set(key, (campaign = { spend: 0, budget: undefined, rows: [], adSetBudgets: 0 }));
		campaign.spend += row.spend;
		campaign.adSetBudgets += row.dailyBudget;
		campaign.budget = row.campaignBudget ?? campaign.budget;
		campaign.rows.push(i);
	}
	for (const campaign of campaigns.values()) campaign.budget ??= campaign.adSetBudgets;
	const alerts = budgetAlerts(campaigns, settings.budgetGuard);

	const accountRoas = totalSpend > 0 ? totalRevenue / totalSpend : 0;
	const m = settings.smoothingSpend ?? (rows.length > 0 ? (0.5 * totalSpend) / rows.length : 0);
	const smoothed = rows.map((row) => (row.spend + m > 0 ? (row.revenue + m * accountRoas) / (row.spend + m) : accountRoas));
	const target = settings.totalBudget === undefined ? totalBudgetCents : toCents(settings.totalBudget);

	const eligible: number[] = [];
	let learningCents = 0;
	for (let i = 0; i < rows.length; i++) {
		if (rows[i].events >= learningEvents) eligible.push(i);
		else learningCents += toCents(rows[i].dailyBudget);
	}
	const share = target - learningCents;
	const floorCents = centsAtLeast(settings.floorBudget);
	const current = eligible.map((i) => toCents(rows[i].dailyBudget));
	const lo = current.map((b) => Math.max(floorCents, centsAtLeast(fromCents(b) * (1 - maxStep))));
	const hi = current.map((b, j) => Math.max(lo[j], centsAtMost(fromCents(b) * (1 + maxStep))));
	const weights = eligible.map((i, j) => current[j] * (accountRoas > 0 ? smoothed[i] / accountRoas : 1));
	const sumLo = lo.reduce((a, b) => a + b, 0);
	const sumHi = hi.reduce((a, b) => a + b, 0);
	let ideal: number[];
	let allocated: number[];
	let lambda = 1;
	if (accountRoas <= 0) {
		ideal = current.slice();
		allocated = current.slice();
	} else if (sumLo >= share) {
		ideal = weights.slice();
		allocated = lo.slice();
	} else if (sumHi <= share) {
		ideal = weights.slice();
		allocated = hi.slice();
	} else {
		lambda = solveLambda(weights, lo, hi, share);
		ideal = weights.map((w) => lambda * w);
		allocated = toWholeCents(ideal.map((x, j) => clamp(x, lo[j], hi[j])), hi, share);
	}
	const totalPreserved = accountRoas <= 0 ? share === current.reduce((a, b) => a + b, 0) : sumLo <= share && share <= sumHi;

	const decisions = new Array<Decision>(rows.length);
	const newBudget = rows.map((row) => row.dailyBudget);
	const changes: Summary['changes'] = {};
	const position = new Map(eligible.map((i, j) => [i, j]));
	for (let i = 0; i < rows.length; i++) {
		const row = rows[i];
		const metrics: Decision['metrics'] = {
			spend: row.spend,
			revenue: row.revenue,
			events: row.events,
			roas: row.spend > 0 ? round(row.revenue / row.spend, 4) : null,
			smoothedRoas: round(smoothed[i], 4),
			accountRoas: round(accountRoas, 4),
		};
		const make = (action: Decision['action'], rule: Decision['rule'], after: Decision['after'], reason: string) =>
			decision('meta', 'adSet', row.adSetId, action, rule, { dailyBudget: row.dailyBudget }, after, reason, row.campaignId ?? null, null, metrics);
		const label = `Ad set ${row.adSetId}`;
		const j = position.get(i);
		let result: Decision;
		if (j === undefined) {
			result = make(
				'none',
				'learningPhase',
				null,
				`${label} had ${row.events} optimisation events in 7 days, fewer than ${learningEvents}: still learning, budget left at ${money(row.dailyBudget)}`,
			);
		} else if (accountRoas <= 0) {
			result = make('none', 'noRevenueData', null, `No revenue in any ad set: nothing to reallocate ${label}'s ${money(row.dailyBudget)} by`);
		} else {
			const x = allocated[j];
			const roasText = `ROAS ${metrics.roas === null ? 'n/a' : metrics.roas.toFixed(2)} (smoothed ${smoothed[i].toFixed(2)}) vs ${accountRoas.toFixed(2)} for all ad sets`;
			if (x === current[j]) {
				result = make('none', 'roasReallocation', null, `${label}: ${roasText}; budget stays at ${money(row.dailyBudget)}`);
			} else {
				const after = fromCents(x);
				newBudget[i] = after;
				const change = (x - current[j]) / current[j];
				const limit =
					x === floorCents && ideal[j] < x
						? ', held at the floor'
						: x === hi[j] && ideal[j] > x
							? `, capped at +${percent(maxStep, 0)}`
							: x === lo[j] && ideal[j] < x
								? `, capped at -${percent(maxStep, 0)}`
								: '';
				result = make(
					'setDailyBudget',
					'roasReallocation',
					{ dailyBudget: after },
					`${label}: ${roasText}; daily budget changed from ${money(row.dailyBudget)} to ${money(after)} (${change >= 0 ? '+' : ''}${percent(change)}${limit})`,
				);
				changes.setDailyBudget = (changes.setDailyBudget ?? 0) + 1;
			}
		}
		decisions[i] = result;
	}
	let currentSales = 0;
	let projectedSales = 0;
	let projectedSpend = 0;
	for (let i = 0; i < rows.length; i++) {
		currentSales += rows[i].dailyBudget * smoothed[i];
		projectedSales += newBudget[i] * smoothed[i];
		projectedSpend += newBudget[i];
	}
	const changed = changes.setDailyBudget ?? 0;
	return {
		decisions,
		alerts,
		summary: {
			rows: rows.length,
			changes,
			unchanged: rows.length - changed,
			alerts: alerts.length,
			current: daily(fromCents(totalBudgetCents), currentSales),
			projected: daily(projectedSpend, projectedSales),
			model: 'Per day: each ad set spends its daily budget at its smoothed ROAS.',
			totalPreserved,
		},
	};
}

const daily = (spend: number, sales: number) => ({
	spend: round(spend, 2),
	sales: round(sales, 2),
	acos: ratio(spend, sales),
	roas: ratio(sales, spend),
});
