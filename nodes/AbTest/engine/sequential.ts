/**
 * Always-valid ("peeking-safe") p-values: GrowthBook's asymptotic confidence sequences, a normal
 * mixture SPRT in the sense of Johari, Pekelis & Walsh, "Always Valid Inference" (2015, Operations
 * Research 2022). From Waudby-Smith, Arbour, Sinha, Kennedy & Ramdas, "Time-uniform central limit
 * theory and asymptotic confidence sequences" (arXiv:2103.06476v7), with n the visitors of both arms,
 * θ̂ the estimate and SE its standard error, so that n·SE² estimates the per-visitor variance σ²:
 *   ρ² = (−2 ln α + ln(1 − 2 ln α)) / N*                       (eq. 161; N* tunes where it is tightest)
 *   half-width = √(n·SE²) · √( 2(nρ² + 1) / (n²ρ²) · ln(√(nρ² + 1) / α) )        (eq. 9)
 *   p = min(1, √(nρ² + 1) · exp(−ρ²·n·z² / (2(nρ² + 1)))),  z = θ̂/SE             (eq. 155, inverted)
 * The p-value is the smallest α whose confidence sequence excludes 0. Because
 * √(1 + nρ²) ≥ 1 and nρ²/(nρ² + 1) < 1, it is never below e^(−z²/2) ≥ 2Φ(−|z|): never smaller
 * than the fixed-horizon p-value of the same z. It may be checked after every visitor without
 * inflating false positives. GrowthBook's default N* is 5,000.
 */

/** ρ for a two-sided level α and tuning N* (the total sample where the sequence is tightest). */
export function sequentialRho(alpha: number, tuning: number): number {
	const logAlpha = Math.log(alpha);
	return Math.sqrt((-2 * logAlpha + Math.log(1 - 2 * logAlpha)) / tuning);
}

/** Always-valid two-sided p-value for a z statistic after n visitors in total. */
export function alwaysValidPValue(z: number, visitors: number, rho: number): number {
	const r2n1 = visitors * rho * rho + 1;
	const logP = 0.5 * Math.log(r2n1) - (rho * rho * visitors * z * z) / (2 * r2n1);
	return logP >= 0 ? 1 : Math.exp(logP);
}

/** Half-width of the (1 − α) asymptotic confidence sequence for an estimate with standard error `standardError`. */
export function confidenceSequenceHalfWidth(standardError: number, visitors: number, alpha: number, rho: number): number {
	const r2n1 = visitors * rho * rho + 1;
	const nRho = visitors * rho;
	return standardError * Math.sqrt(visitors) * Math.sqrt(((2 * r2n1) / (nRho * nRho)) * Math.log(Math.sqrt(r2n1) / alpha));
}
