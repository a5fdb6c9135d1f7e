/**
 * The distribution functions every A/B Test method uses, from stdlib's small modules, which agree
 * with scipy to about 1e-12 (STATISTICS.md, "Numerics"). Never simple-statistics' lookup-table
 * normal CDF or approximate probit: they are wrong in the third decimal.
 *
 * Two-sided p-values are computed from the lower tail (2·F(−|x|)) so small p-values keep their
 * relative precision instead of being lost in 1 − F(|x|).
 */
import chiSquareCdfFn from '@stdlib/stats-base-dists-chisquare-cdf';
import normalCdfFn from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantileFn from '@stdlib/stats-base-dists-normal-quantile';
import tCdfFn from '@stdlib/stats-base-dists-t-cdf';
import tQuantileFn from '@stdlib/stats-base-dists-t-quantile';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Φ(x), the standard normal CDF. */
export const normalCdf: (x: number) => number = normalCdfFn.factory(0, 1);

/** Φ⁻¹(p), the standard normal quantile. */
export const normalQuantile: (p: number) => number = normalQuantileFn.factory(0, 1);

/** φ(x), the standard normal density. */
export function normalPdf(x: number): number {
	return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/** Student's t quantile with (possibly fractional) degrees of freedom. */
export function tQuantile(p: number, degreesOfFreedom: number): number {
	return tQuantileFn(p, degreesOfFreedom);
}

/** P(|Z| ≥ |z|) for a standard normal Z. */
export function twoSidedNormalP(z: number): number {
	return Math.min(1, 2 * normalCdf(-Math.abs(z)));
}

/** P(|T| ≥ |t|) for Student's t with `degreesOfFreedom`. */
export function twoSidedTP(t: number, degreesOfFreedom: number): number {
	return Math.min(1, 2 * tCdfFn(-Math.abs(t), degreesOfFreedom));
}

/** P(X ≥ x) for a chi-square X with k degrees of freedom. */
export function chiSquareSf(x: number, k: number): number {
	if (!(x > 0)) return 1;
	return Math.max(0, 1 - chiSquareCdfFn(x, k));
}
