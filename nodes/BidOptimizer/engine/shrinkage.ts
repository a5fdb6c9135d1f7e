/**
 * Bayesian shrinkage of rates toward a prior, in proportion to data.
 *
 * A rate observed as `successes / trials` is replaced by
 *
 *     smoothed = (successes + k · prior) / (trials + k)
 *
 * the posterior mean of a Beta prior with mean `prior` and strength `k` pseudo-trials (Beta(k·prior,
 * k·(1 − prior))) after the observed data. With few trials the result stays near the prior; with
 * many it approaches the observed rate: the observed rate gets weight trials / (trials + k).
 * With k = 50, a keyword with 3 clicks is 6% its own data and 94% its ad group's, one with 300
 * clicks 86% its own. k = 0 turns smoothing off (the raw rate; the prior when there are no trials).
 *
 * The same form smooths ROAS: (revenue + m · prior ROAS) / (spend + m), with m pseudo-spend.
 */
export function shrink(successes: number, trials: number, prior: number, k: number): number {
	const den = trials + k;
	return den > 0 ? (successes + k * prior) / den : prior;
}

/** Sums per group: clicks, orders, sales (or spend, revenue for ROAS), keyed by group id. */
export interface Totals {
	clicks: number;
	orders: number;
	sales: number;
	spend: number;
}

export const emptyTotals = (): Totals => ({ clicks: 0, orders: 0, sales: 0, spend: 0 });

export function addTo(totals: Totals, row: { clicks: number; orders: number; sales: number; spend: number }): void {
	totals.clicks += row.clicks;
	totals.orders += row.orders;
	totals.sales += row.sales;
	totals.spend += row.spend;
}

/**
 * The conversion-rate and order-value priors of one ad group, from its rows and the account's:
 *
 *     account CR   pA   = ΣO / ΣC over every row (0 without clicks)
 *     group CR     pG   = (O_g + k · pA) / (C_g + k)     the group's own rate, itself shrunk toward the account's
 *     account AOV  AOVa = ΣS / ΣO over every row (undefined without orders)
 *     group AOV    AOVg = S_g / O_g, or AOVa when the group has no orders
 *
 * Order value is pooled per ad group rather than smoothed per keyword: an ad group advertises the
 * same product(s), so its keywords sell at the same price, and one keyword's two orders say less
 * about that price than the group's fifty.
 */
export interface GroupPrior {
	conversionRate: number;
	orderValue: number | undefined;
}

export function groupPriors(groups: Map<string, Totals>, account: Totals, k: number): Map<string, GroupPrior> {
	const accountRate = account.clicks > 0 ? account.orders / account.clicks : 0;
	const accountValue = account.orders > 0 ? account.sales / account.orders : undefined;
	const priors = new Map<string, GroupPrior>();
	for (const [id, group] of groups) {
		priors.set(id, {
			conversionRate: shrink(group.orders, group.clicks, accountRate, k),
			orderValue: group.orders > 0 ? group.sales / group.orders : accountValue,
		});
	}
	return priors;
}
