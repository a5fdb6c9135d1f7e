/**
 * Welch's t-test from summary statistics (Welch 1947; Satterthwaite 1946), for continuous metrics
 * such as revenue per visitor, given each arm's n, mean and sample standard deviation:
 *   SE = √(sA²/nA + sB²/nB),   t = (x̄B − x̄A) / SE
 *   ν = (sA²/nA + sB²/nB)² / ((sA²/nA)²/(nA − 1) + (sB²/nB)²/(nB − 1))
 *   two-sided p = 2·F_t(−|t|; ν),   CI = (x̄B − x̄A) ± t₁₋α/₂,ν · SE
 * Same as scipy.stats.ttest_ind_from_stats(..., equal_var=False) and GrowthBook's absolute test.
 * Needs SE > 0; a zero SE with equal means is "no difference" (t = 0, p = 1, ν = nA + nB − 2).
 */
import { tQuantile, twoSidedTP } from './dist';

export interface WelchTest {
	difference: number;
	standardError: number;
	tStatistic: number;
	degreesOfFreedom: number;
	pValue: number;
	ciLow: number;
	ciHigh: number;
}

/** `alpha` is two-sided: the interval covers 1 − alpha. Returns null when SE = 0 and the means differ. */
export function welchTest(
	visitorsA: number,
	meanA: number,
	sdA: number,
	visitorsB: number,
	meanB: number,
	sdB: number,
	alpha: number,
): WelchTest | null {
	const vA = (sdA * sdA) / visitorsA;
	const vB = (sdB * sdB) / visitorsB;
	const difference = meanB - meanA;
	const variance = vA + vB;
	if (!(variance > 0)) {
		if (difference !== 0) return null;
		return {
			difference,
			standardError: 0,
			tStatistic: 0,
			degreesOfFreedom: visitorsA + visitorsB - 2,
			pValue: 1,
			ciLow: 0,
			ciHigh: 0,
		};
	}
	const standardError = Math.sqrt(variance);
	const degreesOfFreedom = welchDegreesOfFreedom(vA, visitorsA, vB, visitorsB);
	const tStatistic = difference / standardError;
	const halfWidth = tQuantile(1 - alpha / 2, degreesOfFreedom) * standardError;
	return {
		difference,
		standardError,
		tStatistic,
		degreesOfFreedom,
		pValue: twoSidedTP(tStatistic, degreesOfFreedom),
		ciLow: difference - halfWidth,
		ciHigh: difference + halfWidth,
	};
}

/** Welch–Satterthwaite degrees of freedom for two variances of the mean, v = s²/n. */
export function welchDegreesOfFreedom(vA: number, visitorsA: number, vB: number, visitorsB: number): number {
	// ν does not change when both variances are scaled; scaling by the larger keeps the squares finite.
	const scale = Math.max(vA, vB);
	const a = vA / scale;
	const b = vB / scale;
	return ((a + b) * (a + b)) / ((a * a) / (visitorsA - 1) + (b * b) / (visitorsB - 1));
}
