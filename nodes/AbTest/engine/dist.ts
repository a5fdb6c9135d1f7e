/**
 * The distribution functions every A/B Test method uses, from stdlib's small modules, which agree
 * with scipy to about 1e-12. Never simple-statistics' lookup-table
 * normal CDF or approximate probit: they are wrong in the third decimal.
 *
 * Two-sided p-values are computed from the lower tail (2·F(−|x|)) so small p-values keep their
 * relative precision instead of being lost in 1 − F(|x|); the chi-square tail is computed directly
 * for the same reason (1 − CDF is exactly 0 below 1e-16).
 */
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

/** ln Γ(a) for a whole or half-whole a > 0 (a chi-square's k/2), from Γ(1) = 1, Γ(½) = √π, Γ(a+1) = a·Γ(a). */
function lnGammaOfHalf(a: number): number {
	let sum = Number.isInteger(a) ? 0 : 0.5 * Math.log(Math.PI);
	for (let s = Number.isInteger(a) ? 1 : 0.5; s < a; s++) sum += Math.log(s);
	return sum;
}

const TINY = 1e-300;
const EPSILON = 1e-16;
const MAX_TERMS = 10_000;

/**
 * Q(a, x) = Γ(a, x)/Γ(a), the regularised upper incomplete gamma function, for a whole or half-whole
 * a (Numerical Recipes §6.2): below x = a + 1 as 1 − P(a, x) from P's series (Q is not small there);
 * above, Γ(a, x) directly from its continued fraction, evaluated by the modified Lentz method, so
 * that a tail of 1e-200 keeps its digits.
 */
export function upperGammaRegularized(a: number, x: number): number {
	if (!(x > 0)) return 1;
	if (x === Infinity) return 0;
	const logFront = a * Math.log(x) - x - lnGammaOfHalf(a);
	if (x < a + 1) {
		// P(a, x) = e^(−x) x^a / Γ(a+1) · Σ xⁿ / ((a+1)…(a+n))
		let term = 1 / a;
		let sum = term;
		for (let n = 1; n < MAX_TERMS; n++) {
			term *= x / (a + n);
			sum += term;
			if (term < sum * EPSILON) break;
		}
		return Math.min(1, Math.max(0, 1 - Math.exp(logFront) * sum));
	}
	// Γ(a, x) = e^(−x) x^a · 1/(x+1−a− 1·(1−a)/(x+3−a− 2·(2−a)/(x+5−a− …)))
	let b = x + 1 - a;
	let c = 1 / TINY;
	let d = 1 / b;
	let fraction = d;
	for (let i = 1; i < MAX_TERMS; i++) {
		const an = -i * (i - a);
		b += 2;
		d = an * d + b;
		if (Math.abs(d) < TINY) d = TINY;
		c = b + an / c;
		if (Math.abs(c) < TINY) c = TINY;
		d = 1 / d;
		const step = d * c;
		fraction *= step;
		if (Math.abs(step - 1) < EPSILON) break;
	}
	return Math.min(1, Math.exp(logFront) * fraction);
}

/** P(X ≥ x) for a chi-square X with k (whole) degrees of freedom: Q(k/2, x/2). */
export function chiSquareSf(x: number, k: number): number {
	if (!(x > 0)) return 1;
	return upperGammaRegularized(k / 2, x / 2);
}
