/**
 * Hostile values for the fuzz suite: what a sign-up form, a CSV import, a provider webhook or a
 * Code node can put in an item. Missing fields, wrong types, huge and non-finite numbers, very long
 * strings, lone surrogates and other awkward unicode, objects and arrays nested hundreds deep.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

/** A field this value replaces is left out of the item altogether. */
export const MISSING = Symbol('missing');
export type Maybe<T> = T | typeof MISSING;

const NUMBERS = [NaN, Infinity, -Infinity, 1e308, -1e308, -0, 0, 5e-324, Number.MAX_SAFE_INTEGER + 2, -1, 1.5, 2 ** 31, -(2 ** 53)];
const NUMERIC_TEXT = ['NaN', 'Infinity', '-Infinity', '1e308', '-1e309', '0x10', ' 42 ', '1,5', '', ' ', '-0', '1e-400', '٣', '12abc', 'null', 'true'];
const AWKWARD_TEXT = [
	'\uD800',
	'\uDFFF',
	'a\uD83D',
	'\uDE00b',
	'\u202Egnp.exe',
	'\u200B',
	'\u0000',
	'é',
	'e\u0301',
	'👩‍👩‍👧‍👦',
	'🇩🇪',
	'Ω≈ç√∫',
	'<script>alert(1)</script>',
	"'; DROP TABLE contacts; --",
	'{{ $json }}',
	'={{ $env }}',
	'__proto__',
	'constructor',
	'%s%n%x',
	'\r\n\r\nInjected: header',
	'𝓤𝓷𝓲𝓬𝓸𝓭𝓮',
	'ﷺ',
	'\uFEFF',
];
const DATES = ['2024-05-01T10:00:00Z', '2024-13-45T99:99:99Z', '+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '1970-01-01', 'yesterday', '0', '2024-02-30'];

/** A string of `length` characters: one repeated character then a breaker, the shape that hurts backtracking patterns. */
export const longString = (length: number, char = 'a', end = '!') => char.repeat(Math.max(0, length - end.length)) + end;

/** Objects or arrays nested `depth` deep around a leaf, built without recursion. */
export function nested(depth: number, leaf: unknown, kind: 'object' | 'array' | 'mixed', key = 'a'): unknown {
	let value = leaf;
	for (let i = 0; i < depth; i++) {
		const asArray = kind === 'array' || (kind === 'mixed' && i % 2 === 1);
		value = asArray ? [value] : { [key]: value };
	}
	return value;
}

export const hostileNumber = (): fc.Arbitrary<number> =>
	fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...NUMBERS) }, fc.double(), fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.double({ min: -1e308, max: 1e308, noNaN: true }));

export const hostileString = (): fc.Arbitrary<string> =>
	fc.oneof(
		{ weight: 3, arbitrary: fc.constantFrom(...AWKWARD_TEXT, ...NUMERIC_TEXT, ...DATES) },
		{ weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
		fc.string({ unit: 'grapheme', maxLength: 40 }),
		fc.string({ maxLength: 20 }),
		// Huge: the 1 MB field that must never be echoed whole.
		fc.tuple(fc.constantFrom(38, 64, 300, 5_000, 100_000, 1_000_000), fc.constantFrom('a', 'é', '\uD83D')).map(([n, c]) => longString(n, c)),
	);

/**
 * How deep nested values go. Node runs pass items through n8n-core's own copying, so 1,500 by
 * default; a trigger's body reaches the node's code directly and may go deeper (10,000).
 */
let maxDepth = 1_500;
export const allowDepth = (depth: number) => {
	maxDepth = depth;
};

export const deepValue = (): fc.Arbitrary<unknown> =>
	fc
		.tuple(fc.oneof(fc.integer({ min: 300, max: 1_500 }), fc.integer({ min: 300, max: maxDepth })), fc.constantFrom<'object' | 'array' | 'mixed'>('object', 'array', 'mixed'), fc.constantFrom<unknown>(1, 'x', null, NaN, {}))
		.map(([depth, kind, leaf]) => nested(depth, leaf, kind));

/** Any value at all, biased to the ones that break code. */
export const hostileValue = (): fc.Arbitrary<unknown> =>
	fc.oneof(
		{ weight: 4, arbitrary: hostileNumber() },
		{ weight: 4, arbitrary: hostileString() },
		{ weight: 2, arbitrary: fc.constantFrom<unknown>(null, true, false, undefined, [], {}, [null], { valueOf: 1 }, { toString: 'x' }) },
		{ weight: 1, arbitrary: deepValue() },
		{ weight: 2, arbitrary: fc.anything({ maxDepth: 3, maxKeys: 4, withNullPrototype: false, withBigInt: false, withDate: true, withMap: false, withSet: false, withTypedArray: false, withSparseArray: true, withBoxedValues: false }) },
		{ weight: 1, arbitrary: fc.array(hostileNumber(), { maxLength: 4 }) },
		{ weight: 1, arbitrary: fc.dictionary(fc.constantFrom('id', 'value', 'email', 'x', '__proto__', 'constructor'), hostileNumber(), { maxKeys: 3, noNullPrototype: true }) },
	);

/** A field: mostly plausible (so runs get past the first check), often hostile, sometimes missing. */
export const field = <T>(plausible: fc.Arbitrary<T>): fc.Arbitrary<Maybe<T | unknown>> =>
	fc.oneof({ weight: 5, arbitrary: plausible }, { weight: 4, arbitrary: hostileValue() }, { weight: 1, arbitrary: fc.constant(MISSING) });

/**
 * An item with the given fields (each plausible, hostile or missing) plus a few random extra keys.
 * Never a top-level `error` key: n8n itself routes items with one to the error output.
 */
export function item(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<IDataObject> {
	const shaped = fc.record(Object.fromEntries(Object.entries(fields).map(([key, plausible]) => [key, field(plausible)])));
	const extra = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).filter((key) => key !== 'error' && !(key in fields)), hostileValue(), { maxKeys: 2, noNullPrototype: true });
	return fc.tuple(shaped, extra).map(([values, more]) => {
		const out: Record<string, unknown> = { ...more };
		for (const [key, value] of Object.entries(values)) if (value !== MISSING) out[key] = value;
		// Items hold anything a Code node can put in them; n8n's type says JSON.
		return out as IDataObject;
	});
}

/** 1–`max` items. */
export const items = (one: fc.Arbitrary<IDataObject>, max = 6) => fc.array(one, { minLength: 1, maxLength: max });

// Plausible values shared by several nodes.
export const plausible = {
	email: () => fc.oneof(fc.constantFrom('ana@example.com', 'Ben.Smith+news@Example.COM', 'bob.example.com', 'ann@@example.com', 'x@y', `${'a'.repeat(38)}!`), fc.emailAddress()),
	phone: () => fc.constantFrom('+14155550101', '+1 (415) 555-0102', '004915112345678', '+4915112345678', '12', '+999999999999999999', '+1415555010１'),
	id: () => fc.oneof(fc.constantFrom('u1', 'u2', 'c-3', 'ümlaut', '0'), fc.string({ minLength: 1, maxLength: 12 }), fc.integer()),
	money: () => fc.oneof(fc.double({ min: 0, max: 10_000, noNaN: true }), fc.constantFrom(0.02, 1, 12.5, 999.99)),
	count: () => fc.nat({ max: 100_000 }),
	date: () => fc.oneof(fc.constantFrom(...DATES), fc.date({ min: new Date('2000-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString())),
	text: () => fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('Spring sale 🌷 https://shop.example/spring', 'Hi there')),
};

/**
 * JSON text of a value, without recursion: JSON.stringify overflows the stack on the deepest
 * bodies an attacker can send (JSON.parse, as n8n reads a body, does not). As JSON.stringify
 * does, NaN and ±Infinity become null and undefined members are left out.
 */
class Raw {
	constructor(readonly text: string) {}
}

export function toJson(value: unknown): string {
	const out: string[] = [];
	const stack: unknown[] = [value];
	while (stack.length) {
		const next = stack.pop();
		if (next instanceof Raw) out.push(next.text);
		else if (next === null || next === undefined || typeof next === 'function' || typeof next === 'symbol') out.push('null');
		else if (typeof next === 'number') out.push(Number.isFinite(next) ? String(next) : 'null');
		else if (typeof next === 'boolean') out.push(String(next));
		else if (typeof next === 'string') out.push(JSON.stringify(next));
		else if (next instanceof Date) out.push(JSON.stringify(next));
		else if (Array.isArray(next)) {
			const parts: unknown[] = [new Raw('[')];
			for (let i = 0; i < next.length; i++) parts.push(...(i ? [new Raw(',')] : []), next[i]);
			parts.push(new Raw(']'));
			stack.push(...parts.reverse());
		} else if (typeof next === 'object') {
			const parts: unknown[] = [new Raw('{')];
			Object.entries(next)
				.filter(([, member]) => member !== undefined && typeof member !== 'function')
				.forEach(([key, member], i) => parts.push(new Raw(`${i ? ',' : ''}${JSON.stringify(key)}:`), member));
			parts.push(new Raw('}'));
			stack.push(...parts.reverse());
		} else out.push('null');
	}
	return out.join('');
}
