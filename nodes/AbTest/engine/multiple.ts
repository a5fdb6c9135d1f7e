/**
 * Multiple-comparison corrections for k treatment-vs-control p-values.
 *
 * Holm–Bonferroni (Holm, "A simple sequentially rejective multiple test procedure", Scand. J.
 * Statist. 1979), family-wise error: sort ascending p₍₁₎ ≤ … ≤ p₍ₖ₎;
 *   adj₍ᵢ₎ = min(1, max_{j ≤ i} (k − j + 1)·p₍ⱼ₎).
 * Benjamini–Hochberg (J. R. Statist. Soc. B 1995), false discovery rate:
 *   adj₍ᵢ₎ = min(1, min_{j ≥ i} k·p₍ⱼ₎ / j).
 * Both equal R's p.adjust(p, "holm" | "BH") and statsmodels' multipletests. Ties keep input order.
 */
export type Correction = 'holm' | 'benjaminiHochberg' | 'none';

function ascendingOrder(p: readonly number[]): number[] {
	return p.map((_, i) => i).sort((x, y) => p[x] - p[y] || x - y);
}

export function holm(p: readonly number[]): number[] {
	const k = p.length;
	const order = ascendingOrder(p);
	const adjusted = new Array<number>(k);
	let running = 0;
	for (let rank = 0; rank < k; rank++) {
		const i = order[rank];
		running = Math.max(running, Math.min(1, (k - rank) * p[i]));
		adjusted[i] = running;
	}
	return adjusted;
}

export function benjaminiHochberg(p: readonly number[]): number[] {
	const k = p.length;
	const order = ascendingOrder(p);
	const adjusted = new Array<number>(k);
	let running = 1;
	for (let rank = k - 1; rank >= 0; rank--) {
		const i = order[rank];
		running = Math.min(running, (k * p[i]) / (rank + 1));
		adjusted[i] = running;
	}
	return adjusted;
}

export function adjustPValues(p: readonly number[], correction: Correction): number[] {
	if (p.length < 2 || correction === 'none') return p.slice();
	return correction === 'holm' ? holm(p) : benjaminiHochberg(p);
}
