/**
 * Reading a contact's field and taking it as the type a condition compares (SEGMENTS.md, "Values"):
 * the in-memory half of the rules the SQL compiler writes in PostgreSQL.
 */
import { MAX_DATE_MS, MIN_DATE_MS, toDateMs, type SegmentZone } from './dates';

/**
 * Numeric text counts as a number: optional sign, digits with an optional fraction, no exponent,
 * no spaces, at most 300 characters (so reading it as a double never overflows or underflows).
 */
const NUMERIC_SHAPE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
export const MAX_NUMERIC_TEXT = 300;
export const isNumericText = (text: string) => text.length <= MAX_NUMERIC_TEXT && NUMERIC_SHAPE.test(text);

/** Path segments that are list positions: 0, 1, 2, … written plainly. */
export const INDEX_SEGMENT = /^(?:0|[1-9]\d{0,8})$/;

const hasOwn = Object.prototype.hasOwnProperty;

/** Whether a path segment names something every object inherits (toString, constructor, __proto__, …). */
const inherited = (segment: string) => segment in Object.prototype;

/**
 * A getter for a dotted path. Only plain objects and lists are entered; lists only at list
 * positions; inherited members never count (`constructor` is no field). Built once per condition.
 */
export function pathGetter(segments: readonly string[]): (root: unknown) => unknown {
	const steps = segments.map((segment) => ({ segment, index: INDEX_SEGMENT.test(segment), own: inherited(segment) }));
	const step = (value: unknown, s: (typeof steps)[number]): unknown => {
		if (value === null || typeof value !== 'object') return undefined;
		if (Array.isArray(value)) return s.index ? value[Number(s.segment)] : undefined;
		if (value instanceof Date) return undefined;
		if (s.own && !hasOwn.call(value, s.segment)) return undefined;
		return (value as Record<string, unknown>)[s.segment];
	};
	if (steps.length === 0) return (root) => root;
	if (steps.length === 1 && !steps[0].index && !steps[0].own) {
		const key = steps[0].segment;
		return (root) => {
			if (root === null || typeof root !== 'object' || Array.isArray(root)) return undefined;
			return (root as Record<string, unknown>)[key];
		};
	}
	if (steps.length === 2 && !steps[0].index && !steps[0].own && !steps[1].index && !steps[1].own) {
		const [a, b] = [steps[0].segment, steps[1].segment];
		return (root) => {
			if (root === null || typeof root !== 'object' || Array.isArray(root)) return undefined;
			const mid = (root as Record<string, unknown>)[a];
			if (mid === null || typeof mid !== 'object' || Array.isArray(mid) || mid instanceof Date) return undefined;
			return (mid as Record<string, unknown>)[b];
		};
	}
	return (root) => {
		let value = root;
		for (let i = 0; i < steps.length; i++) {
			value = step(value, steps[i]);
			if (value === undefined) return undefined;
		}
		return value;
	};
}

/** The value as text for string conditions: strings, and Date objects as their JSON text. */
export function asText(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (value instanceof Date) {
		const ms = value.getTime();
		return ms >= MIN_DATE_MS && ms <= MAX_DATE_MS ? value.toISOString() : undefined;
	}
	return undefined;
}

/** The value as a number for number conditions: finite numbers and numeric text; NaN otherwise. */
export function asNumber(value: unknown): number {
	if (typeof value === 'number') return Number.isFinite(value) ? value : NaN;
	if (typeof value === 'string' && isNumericText(value)) return Number(value);
	return NaN;
}

/** The value as epoch milliseconds for date conditions; NaN when it is not a date. */
export function asDate(value: unknown, zone: SegmentZone): number {
	return toDateMs(value, zone);
}

/** Empty: missing, null, "", [] or {} (a plain object without keys). */
export function isEmptyValue(value: unknown): boolean {
	if (value === undefined || value === null || value === '') return true;
	if (typeof value !== 'object') return false;
	if (Array.isArray(value)) return value.length === 0;
	if (value instanceof Date) return false;
	for (const key in value) if (hasOwn.call(value, key)) return false;
	return true;
}

/** Lower-cases A–Z only, as PostgreSQL's translate() does in the compiled SQL. */
export function asciiLower(text: string): string {
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c >= 65 && c <= 90) return text.replace(/[A-Z]+/g, (run) => run.toLowerCase());
	}
	return text;
}

/**
 * Compares two strings by Unicode code point, as PostgreSQL's "C" collation does (JavaScript's `<`
 * compares UTF-16 units, which orders U+E000–U+FFFF after the astral characters).
 */
export function compareText(a: string, b: string): number {
	if (a === b) return 0;
	const n = Math.min(a.length, b.length);
	for (let i = 0; i < n; i++) {
		let x = a.charCodeAt(i);
		let y = b.charCodeAt(i);
		if (x === y) continue;
		if (x >= 0xd800 && y >= 0xd800) {
			x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
			y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
		}
		return x < y ? -1 : 1;
	}
	return a.length < b.length ? -1 : 1;
}
