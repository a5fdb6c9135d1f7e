/**
 * Money in whole cents (minor units), so that bounds hold exactly: a bid may move at most 20%
 * means at most 20% after rounding, never 20.8% because 0.33 × 1.2 = 0.396 was rounded to 0.40.
 */

/** Nearest whole cent of an amount in currency units (half away from zero). */
export const toCents = (amount: number): number => Math.round(amount * 100 + (amount >= 0 ? 1e-9 : -1e-9));

export const fromCents = (cents: number): number => cents / 100;

/** The most cents that is still at most `amount` (bounds that must not be exceeded upwards). */
export const centsAtMost = (amount: number): number => Math.floor(amount * 100 + 1e-9);

/** The fewest cents that is still at least `amount` (bounds that must not be undercut). */
export const centsAtLeast = (amount: number): number => Math.ceil(amount * 100 - 1e-9);

export const clamp = (value: number, low: number, high: number): number => Math.min(Math.max(value, low), high);

/** Rounds to `digits` decimals for output (ratios, rates); not for money decisions. */
export const round = (value: number, digits: number): number => {
	const f = 10 ** digits;
	const scaled = value * f;
	// A figure so large that scaling overflows has no decimals to round.
	return Number.isFinite(scaled) ? Math.round(scaled) / f : value;
};

/** A ratio for output, null when the denominator is zero or so small (5e-324) that the ratio overflows. */
export const ratio = (num: number, den: number, digits = 4): number | null => {
	const value = den > 0 ? round(num / den, digits) : Number.NaN;
	return Number.isFinite(value) ? value : null;
};

/** "12.30" style money text for reasons. */
export const money = (amount: number): string => amount.toFixed(2);

/** "18.5%" style percent text for reasons. */
export const percent = (fraction: number, digits = 1): string => `${(fraction * 100).toFixed(digits)}%`;

/** "1 order", "3 orders". */
export const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/**
 * Joins the parts of a sentence into one flat string. On 200,000 rows this took half the time of
 * a template literal, which builds a chain of intermediate strings the garbage collector then
 * has to walk.
 */
export const sentence = (...parts: Array<string | number>): string => parts.join('');

/** " order" / " orders" after a count, as a sentence part. */
export const noun = (count: number, word: string): string => (count === 1 ? ` ${word}` : ` ${word}s`);

/** `value` without its undefined entries, so that spreading it over defaults keeps the defaults. */
export function defined<T extends object>(value: T | undefined): Partial<T> {
	const out: Partial<T> = {};
	if (!value) return out;
	for (const key of Object.keys(value) as Array<keyof T>) if (value[key] !== undefined) out[key] = value[key];
	return out;
}
