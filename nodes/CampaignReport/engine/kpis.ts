/**
 * The metrics a report adds up and the KPIs it derives from them. Every KPI is a ratio of sums
 * (never an average of daily ratios), so a channel's CTR is its clicks over its impressions. A
 * ratio whose denominator is 0 is null, with a note saying which number was 0: never Infinity or NaN.
 */

export const METRICS = [
	'impressions',
	'clicks',
	'spend',
	'conversions',
	'revenue',
	'sent',
	'delivered',
	'opened',
	'clicked',
	'bounced',
	'unsubscribed',
] as const;
export type Metric = (typeof METRICS)[number];
export const M = METRICS.length;
export const METRIC_INDEX = Object.fromEntries(METRICS.map((m, i) => [m, i])) as Record<Metric, number>;

export type Sums = Record<Metric, number>;

export interface KpiDefinition {
	key: string;
	label: string;
	/** The numerator: a metric, or revenue − spend for ROI. */
	numerator: Metric | 'profit';
	denominator: Metric;
	/** Higher is better (colours the changes in the HTML report). */
	higherIsBetter: boolean;
	/** Shown as a percentage, a currency amount or a multiple. */
	format: 'percent' | 'money' | 'ratio';
}

export const KPIS: readonly KpiDefinition[] = [
	{ key: 'ctr', label: 'CTR', numerator: 'clicks', denominator: 'impressions', higherIsBetter: true, format: 'percent' },
	{ key: 'cpc', label: 'CPC', numerator: 'spend', denominator: 'clicks', higherIsBetter: false, format: 'money' },
	{ key: 'cpa', label: 'CPA', numerator: 'spend', denominator: 'conversions', higherIsBetter: false, format: 'money' },
	{ key: 'roas', label: 'ROAS', numerator: 'revenue', denominator: 'spend', higherIsBetter: true, format: 'ratio' },
	{ key: 'acos', label: 'ACoS', numerator: 'spend', denominator: 'revenue', higherIsBetter: false, format: 'percent' },
	{ key: 'roi', label: 'ROI', numerator: 'profit', denominator: 'spend', higherIsBetter: true, format: 'percent' },
	{ key: 'conversionRate', label: 'Conversion rate', numerator: 'conversions', denominator: 'clicks', higherIsBetter: true, format: 'percent' },
	{ key: 'openRate', label: 'Open rate', numerator: 'opened', denominator: 'delivered', higherIsBetter: true, format: 'percent' },
	{ key: 'clickRate', label: 'Click rate', numerator: 'clicked', denominator: 'delivered', higherIsBetter: true, format: 'percent' },
	{ key: 'bounceRate', label: 'Bounce rate', numerator: 'bounced', denominator: 'sent', higherIsBetter: false, format: 'percent' },
	{ key: 'unsubscribeRate', label: 'Unsubscribe rate', numerator: 'unsubscribed', denominator: 'delivered', higherIsBetter: false, format: 'percent' },
];

export type Kpis = Record<string, number | null>;

export function emptySums(): Sums {
	return Object.fromEntries(METRICS.map((m) => [m, 0])) as Sums;
}

/** The sums of a block of metrics laid out as [metric] at `offset` in a flat array. */
export function sumsAt(values: Float64Array, offset: number): Sums {
	const sums = {} as Sums;
	for (let m = 0; m < M; m++) sums[METRICS[m]] = values[offset + m];
	return sums;
}

/** The KPIs whose metrics the data has (a report of email events has no CTR or ROAS). */
export function kpisFor(present: ReadonlySet<Metric>): KpiDefinition[] {
	return KPIS.filter((k) => present.has(k.denominator) && (k.numerator === 'profit' ? present.has('revenue') && present.has('spend') : present.has(k.numerator)));
}

/** KPIs of some sums; `notes` gets one line per zero denominator ("clicks are 0: CPC, conversion rate are empty"). */
export function computeKpis(sums: Sums, kpis: readonly KpiDefinition[], notes?: string[]): Kpis {
	const out: Kpis = {};
	const emptyBy = new Map<Metric, string[]>();
	for (const k of kpis) {
		const den = sums[k.denominator];
		const num = k.numerator === 'profit' ? sums.revenue - sums.spend : sums[k.numerator];
		const value = den === 0 ? Number.NaN : num / den;
		// A denominator of 0, or one so small (5e-324) that the ratio overflows, leaves the KPI empty.
		if (!Number.isFinite(value)) {
			out[k.key] = null;
			const list = emptyBy.get(k.denominator) ?? [];
			list.push(k.label);
			emptyBy.set(k.denominator, list);
		} else {
			out[k.key] = value;
		}
	}
	if (notes) for (const [metric, labels] of emptyBy) notes.push(`${metric} are 0, so ${labels.join(', ')} ${labels.length > 1 ? 'are' : 'is'} empty (division by zero)`);
	return out;
}

export interface Change {
	absolute: number | null;
	/** (now − before) / |before|: 0.25 = 25% up. Null when before is 0 (or too near 0 to divide by) or either side is empty. */
	relative: number | null;
}

/** Null where the figure would not be finite (before 0, or so near 0 that the ratio overflows). */
const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

export function change(now: number | null, before: number | null): Change {
	if (now === null || before === null) return { absolute: null, relative: null };
	return { absolute: finiteOrNull(now - before), relative: before === 0 ? null : finiteOrNull((now - before) / Math.abs(before)) };
}
