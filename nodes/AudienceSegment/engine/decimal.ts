/**
 * Exact sums for event conditions (`sum`, `avg`).
 *
 * A sum of amounts is compared exactly as decimals, the way PostgreSQL's `numeric` adds them: 0.1 +
 * 0.2 is 0.3, so "spent at most 0.30" holds. Each number counts as the decimal JavaScript writes for
 * it (String(x), the shortest text that reads back as the same number) and numeric text as written.
 *
 * Fast path: the floating-point sum with a rigorous error bound decides whenever it is far enough
 * from the threshold (nearly always); only a sum within the bound is redone with BigInt decimals.
 */

const U = 2 ** -53;

/** value = m × 10^e */
interface Decimal {
	m: bigint;
	e: number;
}

const NUMBER_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

function toDecimal(x: number | string): Decimal {
	const text = typeof x === 'number' ? String(x) : x;
	const match = NUMBER_TEXT.exec(text);
	if (!match) throw new Error(`not a decimal: ${text}`);
	const [, sign, int = '', frac = '', exp = '0'] = match;
	const digits = (int + frac).replace(/^0+(?=\d)/, '') || '0';
	const m = BigInt(digits);
	return { m: sign === '-' ? -m : m, e: Number(exp) - frac.length };
}

function scale(d: Decimal, e: number): bigint {
	return d.e === e ? d.m : d.m * 10n ** BigInt(d.e - e);
}

/** Compares Σ values with threshold × factor exactly: -1, 0 or 1. */
export function compareExact(values: Array<number | string>, threshold: number, factor: number): number {
	const terms = values.map(toDecimal);
	const t = toDecimal(threshold);
	const e = Math.min(t.e, ...terms.map((d) => d.e));
	let sum = 0n;
	for (const d of terms) sum += scale(d, e);
	const target = scale(t, e) * BigInt(factor);
	return sum < target ? -1 : sum > target ? 1 : 0;
}

/**
 * Compares a floating-point sum (of `count` terms whose absolute values add up to `absSum`) with
 * threshold × factor. Returns -1, 0 or 1 when the floating-point result is certain, NaN when the
 * exact comparison is needed.
 */
export function compareFast(sum: number, absSum: number, count: number, threshold: number, factor: number): number {
	const target = threshold * factor;
	const bound = 2 * (count + 3) * U * (absSum + Math.abs(target)) + (count + 4) * Number.MIN_VALUE;
	const diff = sum - target;
	if (diff > bound) return 1;
	if (diff < -bound) return -1;
	return NaN;
}

/** Whether a comparison result satisfies every bound given (gt, gte, lt, lte, eq). */
export function satisfies(cmp: (threshold: number) => number, bounds: { eq?: number; gt?: number; gte?: number; lt?: number; lte?: number }): boolean {
	if (bounds.eq !== undefined && cmp(bounds.eq) !== 0) return false;
	if (bounds.gt !== undefined && !(cmp(bounds.gt) > 0)) return false;
	if (bounds.gte !== undefined && !(cmp(bounds.gte) >= 0)) return false;
	if (bounds.lt !== undefined && !(cmp(bounds.lt) < 0)) return false;
	if (bounds.lte !== undefined && !(cmp(bounds.lte) <= 0)) return false;
	return true;
}
