/**
 * Anomalies: is a day's value outside the robust band of the days before it?
 *
 *   band = median ± k · MAD          over the trailing `window` days (28), k = 3 by default
 *   MAD  = 1.4826 · median(|x − median|)   (scaled so that it estimates σ for normal data)
 *
 * When the absolute deviations' median is 0 (more than half the days identical) the scaled mean
 * absolute deviation, 1.2533 · mean(|x − median|), stands in (Iglewicz and Hoaglin's rule), so one
 * odd day among flat ones still gets a band instead of every other day being flagged.
 *
 * Day-of-week seasonality (Seasonality "Auto"): when at least 8 weeks of history precede the day,
 * each weekday gets a factor, the median of that weekday over those 8 weeks divided by the median
 * of all 56 days. The trailing days are divided by their weekday's factor, the band is computed on
 * those adjusted values, and multiplied back by the checked day's factor: Saturdays are compared
 * with what a Saturday usually is. No factors when the 56-day median is 0 or a weekday's median is 0.
 * A day needs `minHistory` (14) days of history in its window; days before the series' first day
 * with data are not history.
 */
export interface BandSettings {
	k: number;
	window: number;
	minHistory: number;
	seasonality: 'auto' | 'off';
}

export interface Band {
	median: number;
	mad: number;
	low: number;
	high: number;
	/** The checked day's weekday factor (1 without seasonality). */
	factor: number;
	seasonal: boolean;
	history: number;
}

export const MAD_SCALE = 1.4826;
export const MEAN_AD_SCALE = 1.2533;
const SEASON_DAYS = 56;

function medianOf(values: number[]): number {
	const sorted = values.slice().sort((a, b) => a - b);
	const n = sorted.length;
	return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/** Weekday factors from the 56 days before `day`, or undefined when they cannot be had. */
function weekdayFactors(series: Float64Array, day: number, first: number, weekdayOf: (i: number) => number): number[] | undefined {
	if (day - SEASON_DAYS < first) return undefined;
	const all: number[] = [];
	const byWeekday: number[][] = [[], [], [], [], [], [], []];
	for (let i = day - SEASON_DAYS; i < day; i++) {
		all.push(series[i]);
		byWeekday[weekdayOf(i)].push(series[i]);
	}
	const overall = medianOf(all);
	if (!(overall > 0)) return undefined;
	const factors = byWeekday.map((values) => medianOf(values) / overall);
	return factors.every((f) => f > 0) ? factors : undefined;
}

/**
 * The band for `series[day]`, from `series[day − window … day − 1]` (indices into the series, one
 * per day; `first` is the series' first day with data). Undefined when there is too little history.
 */
export function robustBand(series: Float64Array, day: number, first: number, weekdayOf: (i: number) => number, settings: BandSettings): Band | undefined {
	const from = Math.max(first, day - settings.window);
	const history = day - from;
	if (history < settings.minHistory || history <= 0) return undefined;
	const factors = settings.seasonality === 'auto' ? weekdayFactors(series, day, first, weekdayOf) : undefined;
	const adjusted: number[] = [];
	for (let i = from; i < day; i++) adjusted.push(factors ? series[i] / factors[weekdayOf(i)] : series[i]);
	const median = medianOf(adjusted);
	const deviations = adjusted.map((x) => Math.abs(x - median));
	let mad = MAD_SCALE * medianOf(deviations);
	if (mad === 0) mad = (MEAN_AD_SCALE * deviations.reduce((a, b) => a + b, 0)) / deviations.length;
	const factor = factors ? factors[weekdayOf(day)] : 1;
	return {
		median: median * factor,
		mad: mad * factor,
		low: (median - settings.k * mad) * factor,
		high: (median + settings.k * mad) * factor,
		factor,
		seasonal: factors !== undefined,
		history,
	};
}
