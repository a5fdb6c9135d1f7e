/** How error messages show a value: NaN and Infinity as themselves, never more than 200 characters. */
import { SHOWN_LIMIT, shown } from '../../nodes/shared/show';

describe('shown', () => {
	it('prints non-finite numbers as themselves, not as JSON null', () => {
		expect(shown(NaN)).toBe('NaN');
		expect(shown(Infinity)).toBe('Infinity');
		expect(shown(-Infinity)).toBe('-Infinity');
		expect(shown({ bid: Infinity, list: [NaN, 1] })).toBe('{"bid":Infinity,"list":[NaN,1]}');
	});

	it('shows text quoted and other values as JSON would', () => {
		expect(shown('abc')).toBe('"abc"');
		expect(shown(true)).toBe('true');
		expect(shown(null)).toBe('null');
		expect(shown(undefined)).toBe('undefined');
		expect(shown({ id: 1 })).toBe('{"id":1}');
		expect(shown(1e308)).toBe('1e+308');
	});

	it('cuts a huge value to 200 characters without serialising all of it', () => {
		const huge = 'x'.repeat(1_000_000);
		expect(shown(huge)).toHaveLength(SHOWN_LIMIT);
		expect(shown(huge).endsWith('…')).toBe(true);
		expect(shown(Array.from({ length: 1_000_000 }, (_, k) => k))).toHaveLength(SHOWN_LIMIT);
		expect(shown({ a: huge, b: 1 })).toHaveLength(SHOWN_LIMIT);
		expect(shown('x'.repeat(SHOWN_LIMIT - 2))).toHaveLength(SHOWN_LIMIT);
	});

	it('shows a value nested 10,000 deep without running out of stack', () => {
		let deep: unknown = 1;
		for (let k = 0; k < 10_000; k++) deep = { a: deep };
		expect(shown(deep).length).toBeLessThanOrEqual(SHOWN_LIMIT);
	});
});
