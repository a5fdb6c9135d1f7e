/**
 * Bayesian chance to win and expected loss.
 *
 * Conversions: exact Beta-binomial, Beta(1, 1) priors, so pA ~ Beta(αA, βA) with αA = 1 + cA and
 * βA = 1 + nA − cA (likewise B). Evan Miller, "Formulas for Bayesian A/B Testing" (2015):
 *   P(pB > pA) = Σ_{i=0}^{αB−1} B(αA+i, βA+βB) / ((βB+i) · B(1+i, βB) · B(αA, βA))
 * No Monte Carlo. Consecutive terms have the ratio
 *   term_{i+1}/term_i = (αA+i)(βB+i) / ((αA+βA+βB+i)(1+i)),
 * which is above 1 exactly while i < (αA·βB − αA − βB − βA)/(βA + 1): the terms rise to one peak
 * and fall. So the sum starts at the peak (one betaln evaluation), walks outward with the ratio
 * (no special functions, no allocation) and stops when the terms left, each no larger than the last
 * one added, cannot change the sum by 2⁻⁵⁶ of itself. Of the four equivalent forms (sum over αB,
 * or 1 − the sum over αA, or the same on 1 − p with the β's) the direct one with fewer terms is summed for
 * each direction, P(B > A) and P(A > B), and the smaller chance kept, so that it keeps its digits.
 *
 * Expected loss (Chris Stucchio, "Bayesian A/B Testing at VWO", 2015): the conversion rate given up,
 * on average, by choosing an arm: loss(B) = E[max(pA − pB, 0)], loss(A) = E[max(pB − pA, 0)].
 * Exactly, with p = P(pB > pA), mX = αX/(αX+βX) and
 *   K = B(αA+αB, βA+βB) / (B(αA, βA) · B(αB, βB)):
 *   loss(B) = (mA − mB)(1 − p) + K · (1/(αA+βA) + 1/(αB+βB))
 *   loss(A) = (mB − mA) · p     + K · (1/(αA+βA) + 1/(αB+βB))
 * (from E[pA·1{pA>pB}] = mA·P(Beta(αA+1, βA) > pB) and the sum's recurrence in its upper limit).
 *
 * Continuous metrics: no conjugate model from summary statistics, so the difference D = x̄B − x̄A is
 * taken as normal with the Welch standard error s (flat prior, normal approximation):
 *   P(B > A) = Φ(d/s),  loss(B) = s·φ(d/s) − d·Φ(−d/s),  loss(A) = s·φ(d/s) + d·Φ(d/s).
 */
import betaln from '@stdlib/math-base-special-betaln';

import { normalCdf, normalPdf } from './dist';

export interface BayesResult {
	/** P(B's true value > A's). */
	probabilityBHigher: number;
	/** P(A's true value > B's), computed on its own so that a tiny one is not 1 − (nearly 1). */
	probabilityAHigher: number;
	/** E[max(A − B, 0)]: what choosing B gives up when higher is better. */
	lossChoosingB: number;
	/** E[max(B − A, 0)]: what keeping A gives up when higher is better. */
	lossChoosingA: number;
}

const STOP = 2 ** -56;

/** Σ_{i=0}^{a−1} B(c+i, b+d) / ((b+i)·B(1+i, b)·B(c, d)) = P(Beta(a, b) > Beta(c, d)), a integer. */
function peakSum(a: number, b: number, c: number, d: number): number {
	const last = a - 1;
	const cbd = c + b + d;
	let peak = Math.ceil((c * b - c - b - d) / (d + 1));
	if (!(peak > 0)) peak = 0;
	else if (peak > last) peak = last;
	const logPeak = betaln(c + peak, b + d) - Math.log(b + peak) - betaln(1 + peak, b) - betaln(c, d);
	let sum = 1;
	let t = 1;
	for (let i = peak; i < last; i++) {
		t *= ((c + i) * (b + i)) / ((cbd + i) * (1 + i));
		sum += t;
		if (t * (last - i) < sum * STOP) break;
	}
	t = 1;
	for (let i = peak - 1; i >= 0; i--) {
		t *= ((cbd + i) * (1 + i)) / ((c + i) * (b + i));
		sum += t;
		if (t * i < sum * STOP) break;
	}
	return Math.exp(logPeak + Math.log(sum));
}

/**
 * P(X > Y) and P(Y > X) for X ~ Beta(a, b), Y ~ Beta(c, d), all four whole numbers ≥ 1. Each is
 * summed directly (X > Y over a or d terms, Y > X over c or b), the smaller is kept and the larger
 * is 1 − it: a chance of 1e-19 keeps its digits instead of being lost in 1 − 0.99999….
 */
export function betaTails(a: number, b: number, c: number, d: number): { greater: number; less: number } {
	// X > Y ⇔ 1 − Y > 1 − X, and 1 − X ~ Beta(b, a): two direct sums for each direction.
	const greater = Math.min(1, Math.max(0, a <= d ? peakSum(a, b, c, d) : peakSum(d, c, b, a)));
	const less = Math.min(1, Math.max(0, c <= b ? peakSum(c, d, a, b) : peakSum(b, a, d, c)));
	return greater <= less ? { greater, less: 1 - greater } : { greater: 1 - less, less };
}

/** P(X > Y) for X ~ Beta(a, b), Y ~ Beta(c, d), all four whole numbers ≥ 1. */
export function probabilityGreater(a: number, b: number, c: number, d: number): number {
	return betaTails(a, b, c, d).greater;
}

/** Exact Beta-binomial comparison of B against A with uniform Beta(1, 1) priors. */
export function betaBinomialComparison(
	conversionsA: number,
	visitorsA: number,
	conversionsB: number,
	visitorsB: number,
): BayesResult {
	const alphaA = 1 + conversionsA;
	const betaA = 1 + visitorsA - conversionsA;
	const alphaB = 1 + conversionsB;
	const betaB = 1 + visitorsB - conversionsB;
	const tails = betaTails(alphaB, betaB, alphaA, betaA);
	const p = tails.greater;
	const meanA = alphaA / (alphaA + betaA);
	const meanB = alphaB / (alphaB + betaB);
	const k = Math.exp(betaln(alphaA + alphaB, betaA + betaB) - betaln(alphaA, betaA) - betaln(alphaB, betaB));
	const overlap = k * (1 / (alphaA + betaA) + 1 / (alphaB + betaB));
	return {
		probabilityBHigher: p,
		probabilityAHigher: tails.less,
		lossChoosingB: Math.max(0, (meanA - meanB) * tails.less + overlap),
		lossChoosingA: Math.max(0, (meanB - meanA) * p + overlap),
	};
}

/** Normal approximation for a difference d with standard error s (continuous metrics). */
export function normalComparison(difference: number, standardError: number): BayesResult {
	if (!(standardError > 0)) {
		return {
			probabilityBHigher: difference > 0 ? 1 : difference < 0 ? 0 : 0.5,
			probabilityAHigher: difference < 0 ? 1 : difference > 0 ? 0 : 0.5,
			lossChoosingB: Math.max(0, -difference),
			lossChoosingA: Math.max(0, difference),
		};
	}
	const z = difference / standardError;
	const density = standardError * normalPdf(z);
	return {
		probabilityBHigher: normalCdf(z),
		probabilityAHigher: normalCdf(-z),
		lossChoosingB: Math.max(0, density - difference * normalCdf(-z)),
		lossChoosingA: Math.max(0, density + difference * normalCdf(z)),
	};
}
