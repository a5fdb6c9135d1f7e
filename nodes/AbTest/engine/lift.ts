/**
 * Relative lift and its delta-method standard error (GrowthBook's frequentist engine; Casella &
 * Berger, "Statistical Inference", §5.5.4):
 *   lift = (μB − μA) / |μA|
 *   Var(lift) ≈ σA²·μB² / (μA⁴·nA) + σB² / (μA²·nB)
 * with σ² the per-visitor variance: p(1 − p) for a conversion rate, sd² for a continuous metric.
 * Dividing by |μA| (GrowthBook divides by μA) keeps the sign meaning "B is higher" when a metric's
 * control mean is negative; the variance is the same because only even powers of μA appear.
 * Undefined (null) when the control mean is 0, or so close to 0 that the lift or its error overflow.
 */
export interface RelativeLift {
	lift: number;
	standardError: number;
}

export function relativeLift(
	meanA: number,
	varianceA: number,
	visitorsA: number,
	meanB: number,
	varianceB: number,
	visitorsB: number,
): RelativeLift | null {
	if (meanA === 0) return null;
	const a2 = meanA * meanA;
	const variance = (varianceA * meanB * meanB) / (a2 * a2 * visitorsA) + varianceB / (a2 * visitorsB);
	const lift = (meanB - meanA) / Math.abs(meanA);
	const standardError = Math.sqrt(variance);
	return Number.isFinite(lift) && Number.isFinite(standardError) ? { lift, standardError } : null;
}
