/**
 * A short forecast by a straight-line trend: ordinary least squares (simple-statistics'
 * linearRegression) of the daily values on the day number, over the last `window` days with data
 * (28 by default), extended `horizon` days ahead and summed. It is a trend, not a model of
 * seasonality or budgets, and the report labels it so.
 *
 * The prediction interval is for the horizon's total, the sum of h future days t₁ … t_h:
 *
 *   Ŝ = Σ ŷ(t_j),   s² = SSE / (n − 2),   Sxx = Σ (tᵢ − t̄)²
 *   Ŝ ± t(1 − α/2; n − 2) · s · √( h + h²/n + (Σ_j (t_j − t̄))² / Sxx )
 *
 * (h new days' own noise, plus the uncertainty of the fitted level and slope). Totals cannot be
 * negative: Ŝ and the low end are floored at 0.
 */
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { linearRegression } from 'simple-statistics';

export interface Forecast {
	horizonDays: number;
	/** The forecast total over the horizon. */
	value: number;
	low: number;
	high: number;
	level: number;
	/** The fitted change per day. */
	slopePerDay: number;
	/** Days the trend was fitted on. */
	basedOnDays: number;
}

/** `values[i]` is day `i` of the window; null when fewer than 3 days (no interval without n − 2 ≥ 1). */
export function trendForecast(values: ArrayLike<number>, horizon: number, level: number): Forecast | null {
	const n = values.length;
	if (n < 3) return null;
	const points: Array<[number, number]> = [];
	for (let i = 0; i < n; i++) points.push([i, values[i]]);
	const { m, b } = linearRegression(points);
	const mean = (n - 1) / 2;
	let sse = 0;
	let sxx = 0;
	for (let i = 0; i < n; i++) {
		const r = values[i] - (b + m * i);
		sse += r * r;
		sxx += (i - mean) ** 2;
	}
	let sum = 0;
	let offsets = 0;
	for (let j = n; j < n + horizon; j++) {
		sum += b + m * j;
		offsets += j - mean;
	}
	const s = Math.sqrt(sse / (n - 2));
	const t = tQuantile(1 - (1 - level) / 2, n - 2);
	const half = t * s * Math.sqrt(horizon + (horizon * horizon) / n + (offsets * offsets) / sxx);
	return {
		horizonDays: horizon,
		value: Math.max(0, sum),
		low: Math.max(0, sum - half),
		high: Math.max(0, sum + half),
		level,
		slopePerDay: m,
		basedOnDays: n,
	};
}
