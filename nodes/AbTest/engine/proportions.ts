/**
 * Conversion rates: the two-proportion z-test and the chi-square test of independence.
 *
 * z-test (Fleiss, Levin & Paik, "Statistical Methods for Rates and Proportions", 3rd ed. 2003, §4):
 * with rates p̂A = cA/nA, p̂B = cB/nB and the pooled rate
 * p̄ = (cA + cB)/(nA + nB),
 *   z = (p̂B − p̂A) / √(p̄(1 − p̄)(1/nA + 1/nB))              (pooled SE: the test under H₀)
 *   two-sided p = 2Φ(−|z|)
 *   CI = (p̂B − p̂A) ± z₁₋α/₂ · √(p̂A(1 − p̂A)/nA + p̂B(1 − p̂B)/nB)   (unpooled SE: the interval)
 * This matches scipy/statsmodels' proportions_ztest (pooled) and the Wald interval.
 * When both rates are 0 (or both 1) the pooled SE is 0 and there is nothing to test: z = 0, p = 1.
 *
 * Chi-square test of independence (Pearson 1900) of arm × {converted, not converted} over all arms,
 * df = k − 1, no continuity correction; for two arms its statistic equals z².
 */
import { chiSquareSf, twoSidedNormalP } from './dist';

export interface ProportionTest {
	rateA: number;
	rateB: number;
	difference: number;
	pooledStandardError: number;
	standardError: number;
	zScore: number;
	pValue: number;
	ciLow: number;
	ciHigh: number;
}

/** `zCritical` is z₁₋α/₂ for the interval, computed once per analysis rather than per arm. */
export function twoProportionTest(
	visitorsA: number,
	conversionsA: number,
	visitorsB: number,
	conversionsB: number,
	zCritical: number,
): ProportionTest {
	const rateA = conversionsA / visitorsA;
	const rateB = conversionsB / visitorsB;
	const difference = rateB - rateA;
	const pooled = (conversionsA + conversionsB) / (visitorsA + visitorsB);
	const pooledStandardError = Math.sqrt(pooled * (1 - pooled) * (1 / visitorsA + 1 / visitorsB));
	const standardError = Math.sqrt((rateA * (1 - rateA)) / visitorsA + (rateB * (1 - rateB)) / visitorsB);
	const zScore = pooledStandardError > 0 ? difference / pooledStandardError : 0;
	const halfWidth = zCritical * standardError;
	return {
		rateA,
		rateB,
		difference,
		pooledStandardError,
		standardError,
		zScore,
		pValue: twoSidedNormalP(zScore),
		ciLow: difference - halfWidth,
		ciHigh: difference + halfWidth,
	};
}

export interface ChiSquareResult {
	chiSquare: number;
	degreesOfFreedom: number;
	pValue: number;
}

/** Pearson's chi-square test that all arms share one conversion rate. */
export function chiSquareIndependence(visitors: ArrayLike<number>, conversions: ArrayLike<number>): ChiSquareResult {
	const k = visitors.length;
	let totalVisitors = 0;
	let totalConversions = 0;
	for (let i = 0; i < k; i++) {
		totalVisitors += visitors[i];
		totalConversions += conversions[i];
	}
	const rate = totalConversions / totalVisitors;
	let chiSquare = 0;
	if (rate > 0 && rate < 1) {
		for (let i = 0; i < k; i++) {
			const expectedYes = visitors[i] * rate;
			const expectedNo = visitors[i] - expectedYes;
			const dYes = conversions[i] - expectedYes;
			chiSquare += (dYes * dYes) / expectedYes + (dYes * dYes) / expectedNo;
		}
	}
	return { chiSquare, degreesOfFreedom: k - 1, pValue: chiSquareSf(chiSquare, k - 1) };
}
