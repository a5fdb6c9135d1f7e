/**
 * Markov removal-effect attribution, solved exactly rather than simulated.
 *
 * A first-order chain over start, the groups (channels, campaigns, …), conversion and null is
 * estimated from ALL journeys: each journey start → g1 → … → gn → conversion (or null) adds one
 * to each of its transitions, and a state's transition probabilities are its counts over its total.
 * With Q the transient part (start and groups) and r the one-step probabilities into conversion,
 * the conversion probability from every transient state is x = (I − Q)⁻¹ r, a linear solve, and
 * P = x[start].
 *
 * Removing group c sends every transition into c to null: column c of Q moves into the null
 * column. P₋c is the new x[start]; RE_c = 1 − P₋c / P; credit_c = total × RE_c / Σ RE (the same
 * shares for conversions and for value).
 *
 * Up to 64 groups each removal is solved as defined. Beyond that (one group per campaign can be
 * hundreds) the same number comes from one inverse N = (I − Q)⁻¹: the conversions lost by removing
 * c are those that pass through c, P − P₋c = h_c · x_c with h_c = N[start][c] / N[c][c] the
 * probability of ever reaching c. The unit tests check that both ways agree.
 */
import type { Credit, Journeys } from './types';

export interface MarkovResult extends Credit {
	/** P: the chance of reaching conversion from start. */
	conversionProbability: number;
	/** RE per group (0 for a group that no journey visits). */
	removalEffects: Float64Array;
	/** P₋c per group. */
	conversionProbabilityWithout: Float64Array;
}

/** The transition counts: (k + 1) rows (start, groups) × (k + 3) columns (start, groups, conversion, null). */
export function transitionCounts(journeys: Journeys): Float64Array {
	const k = journeys.groups.length;
	const width = k + 3;
	const counts = new Float64Array((k + 1) * width);
	const { start, touchGroup, converted } = journeys;
	for (let j = 0; j < journeys.count; j++) {
		const from = start[j];
		const to = start[j + 1];
		if (to === from) continue;
		let state = 0;
		for (let t = from; t < to; t++) {
			const next = touchGroup[t] + 1;
			counts[state * width + next]++;
			state = next;
		}
		counts[state * width + (converted[j] ? k + 1 : k + 2)]++;
	}
	return counts;
}

/** Solves A x = b in place by Gaussian elimination with partial pivoting (A is m × m, row-major). */
export function solve(a: Float64Array, b: Float64Array, m: number): Float64Array {
	for (let col = 0; col < m; col++) {
		let pivot = col;
		let best = Math.abs(a[col * m + col]);
		for (let r = col + 1; r < m; r++) {
			const v = Math.abs(a[r * m + col]);
			if (v > best) {
				best = v;
				pivot = r;
			}
		}
		if (best === 0) throw new Error('singular transition system');
		if (pivot !== col) {
			for (let c = col; c < m; c++) {
				const tmp = a[col * m + c];
				a[col * m + c] = a[pivot * m + c];
				a[pivot * m + c] = tmp;
			}
			const tmp = b[col];
			b[col] = b[pivot];
			b[pivot] = tmp;
		}
		const d = a[col * m + col];
		for (let r = col + 1; r < m; r++) {
			const f = a[r * m + col] / d;
			if (f === 0) continue;
			for (let c = col; c < m; c++) a[r * m + c] -= f * a[col * m + c];
			b[r] -= f * b[col];
		}
	}
	const x = new Float64Array(m);
	for (let r = m - 1; r >= 0; r--) {
		let s = b[r];
		for (let c = r + 1; c < m; c++) s -= a[r * m + c] * x[c];
		x[r] = s / a[r * m + r];
	}
	return x;
}

/** The inverse of an m × m matrix by Gauss–Jordan elimination with partial pivoting. */
export function invert(source: Float64Array, m: number): Float64Array {
	const a = Float64Array.from(source);
	const inv = new Float64Array(m * m);
	for (let i = 0; i < m; i++) inv[i * m + i] = 1;
	for (let col = 0; col < m; col++) {
		let pivot = col;
		for (let r = col + 1; r < m; r++) if (Math.abs(a[r * m + col]) > Math.abs(a[pivot * m + col])) pivot = r;
		if (a[pivot * m + col] === 0) throw new Error('singular transition system');
		if (pivot !== col) {
			for (let c = 0; c < m; c++) {
				let tmp = a[col * m + c];
				a[col * m + c] = a[pivot * m + c];
				a[pivot * m + c] = tmp;
				tmp = inv[col * m + c];
				inv[col * m + c] = inv[pivot * m + c];
				inv[pivot * m + c] = tmp;
			}
		}
		const d = a[col * m + col];
		for (let c = 0; c < m; c++) {
			a[col * m + c] /= d;
			inv[col * m + c] /= d;
		}
		for (let r = 0; r < m; r++) {
			if (r === col) continue;
			const f = a[r * m + col];
			if (f === 0) continue;
			for (let c = 0; c < m; c++) {
				a[r * m + c] -= f * a[col * m + c];
				inv[r * m + c] -= f * inv[col * m + c];
			}
		}
	}
	return inv;
}

/** I − Q and r from the counts; `removed` (a group number) redirects transitions into it to null. */
function system(counts: Float64Array, k: number, removed = -1): { a: Float64Array; r: Float64Array } {
	const m = k + 1;
	const width = k + 3;
	const a = new Float64Array(m * m);
	const r = new Float64Array(m);
	for (let i = 0; i < m; i++) {
		let total = 0;
		for (let c = 0; c < width; c++) total += counts[i * width + c];
		a[i * m + i] = 1;
		if (total === 0) continue; // a state no journey visits: x = 0
		for (let c = 0; c < m; c++) {
			if (c === removed + 1) continue; // into the removed group: now into null, outside Q
			a[i * m + c] -= counts[i * width + c] / total;
		}
		r[i] = counts[i * width + k + 1] / total;
	}
	return { a, r };
}

/** Conversion probability from every transient state: x = (I − Q)⁻¹ r. */
export function absorption(counts: Float64Array, k: number, removed = -1): Float64Array {
	const { a, r } = system(counts, k, removed);
	return solve(a, r, k + 1);
}

/** Groups above which removal effects come from one inverse instead of one solve per group. */
export const DIRECT_REMOVAL_LIMIT = 64;

export function removalEffects(
	counts: Float64Array,
	k: number,
	method: 'auto' | 'solve' | 'inverse' = 'auto',
): { p: number; without: Float64Array; effects: Float64Array } {
	const x = absorption(counts, k);
	const p = x[0];
	const without = new Float64Array(k);
	const effects = new Float64Array(k);
	if (!(p > 0)) {
		without.fill(p);
		return { p, without, effects };
	}
	const useInverse = method === 'inverse' || (method === 'auto' && k > DIRECT_REMOVAL_LIMIT);
	if (useInverse) {
		const { a } = system(counts, k);
		const n = invert(a, k + 1);
		const m = k + 1;
		for (let g = 0; g < k; g++) {
			const c = g + 1;
			const reach = n[c * m + c] > 0 ? n[0 * m + c] / n[c * m + c] : 0;
			const lost = reach * x[c];
			without[g] = p - lost;
			effects[g] = lost / p;
		}
	} else {
		for (let g = 0; g < k; g++) {
			without[g] = absorption(counts, k, g)[0];
			// Removing a group can only lose conversions; a rounding-level negative is zero.
			effects[g] = Math.max(0, 1 - without[g] / p);
		}
	}
	return { p, without, effects };
}

export function markovCredits(journeys: Journeys, method: 'auto' | 'solve' | 'inverse' = 'auto'): MarkovResult {
	const k = journeys.groups.length;
	const counts = transitionCounts(journeys);
	const { p, without, effects } = removalEffects(counts, k, method);
	let conversionsTotal = 0;
	let valueTotal = 0;
	for (let j = 0; j < journeys.count; j++) {
		if (!journeys.converted[j]) continue;
		conversionsTotal++;
		valueTotal += journeys.value[j];
	}
	let sum = 0;
	for (let g = 0; g < k; g++) sum += effects[g];
	const conversions = new Float64Array(k);
	const value = new Float64Array(k);
	if (sum > 0) {
		for (let g = 0; g < k; g++) {
			conversions[g] = (conversionsTotal * effects[g]) / sum;
			value[g] = (valueTotal * effects[g]) / sum;
		}
	}
	return { conversions, value, conversionProbability: p, removalEffects: effects, conversionProbabilityWithout: without };
}
