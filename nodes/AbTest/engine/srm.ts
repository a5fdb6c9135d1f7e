/**
 * Sample ratio mismatch (Fabijan et al., "Diagnosing Sample Ratio Mismatch in Online Controlled
 * Experiments", KDD 2019): Pearson's chi-square goodness of fit of the visitors per arm against the
 * configured shares, df = k − 1 (scipy.stats.chisquare):
 *   Eᵢ = N · wᵢ / Σw,   χ² = Σ (Oᵢ − Eᵢ)² / Eᵢ,   p = P(χ²ₖ₋₁ ≥ χ²).
 * Shares are normalised, so 50/50, 0.5/0.5 and 1/1 mean the same; without shares the split is even.
 * A tiny p (default alert below 0.001) means the assignment or the tracking is broken and the
 * comparison cannot be trusted, however significant it looks.
 */
import { chiSquareSf } from './dist';

export interface SrmResult {
	chiSquare: number;
	degreesOfFreedom: number;
	pValue: number;
}

export function sampleRatioMismatch(visitors: ArrayLike<number>, shares?: ArrayLike<number> | null): SrmResult {
	const k = visitors.length;
	let total = 0;
	let shareTotal = 0;
	for (let i = 0; i < k; i++) {
		total += visitors[i];
		shareTotal += shares ? shares[i] : 1;
	}
	let chiSquare = 0;
	for (let i = 0; i < k; i++) {
		const expected = (total * (shares ? shares[i] : 1)) / shareTotal;
		const d = visitors[i] - expected;
		chiSquare += (d * d) / expected;
	}
	return { chiSquare, degreesOfFreedom: k - 1, pValue: chiSquareSf(chiSquare, k - 1) };
}
