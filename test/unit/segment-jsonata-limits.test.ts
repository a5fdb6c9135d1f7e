/**
 * JSONata conditions are bounded in time, depth and the size of the lists they build, and their
 * regular expressions run on the linear-time engine. Each endless or explosive case is preceded by
 * a finite one that a bound-less engine survives (slowly), so the test fails instead of hanging or
 * killing the suite when the bounds are missing.
 */
import { compileSegment, type CompileOptions } from '../../nodes/AudienceSegment/engine/compile';
import { SegmentDefinitionError, SegmentEvaluationError } from '../../nodes/AudienceSegment/engine/errors';
import { parseDefinition } from '../../nodes/AudienceSegment/engine/parse';

const options = (limits: CompileOptions['expressionLimits'] = {}): CompileOptions => ({ now: 0, timeZone: 'UTC', expressionLimits: limits });

/** The condition's error for one contact, and how long it took. */
async function failure(definition: unknown, contact: unknown, compile: CompileOptions): Promise<{ error: SegmentEvaluationError; ms: number }> {
	const segment = compileSegment(parseDefinition(definition), compile);
	const start = Date.now();
	let thrown: unknown;
	try {
		await segment.test(contact);
	} catch (error) {
		thrown = error;
	}
	const ms = Date.now() - start;
	if (!(thrown instanceof SegmentEvaluationError)) throw new Error(`expected a bounded failure after ${ms} ms, got ${String(thrown ?? 'a result')}`);
	return { error: thrown, ms };
}

describe('JSONata conditions are bounded', () => {
	it('time: a long loop, then the issue\'s endless tail call, end in an error naming the path and the limit', async () => {
		// Finite (about a second without a bound): proves the bound exists before the endless one runs.
		const slow = await failure({ all: [{ jsonata: '($f := function($n){ $n > 0 ? $f($n - 1) : true }; $f(100000))' }] }, {}, options({ timeMs: 100 }));
		expect(slow.error.path).toBe('$.all[0].jsonata');
		expect(slow.error.problem).toBe('the expression ran longer than the Expression Time Limit of 100 ms');
		expect(slow.ms).toBeLessThan(3000);
		const endless = await failure({ jsonata: '($f := function($x){ $f($x) }; $f(1))' }, {}, options());
		expect(endless.error.problem).toBe('the expression ran longer than the Expression Time Limit of 1000 ms');
		expect(endless.error.fix).toMatch(/Expression Time Limit \(Milliseconds\)/);
		expect(endless.ms).toBeLessThan(6000);
	}, 20_000);

	it('list size: the issue\'s [1..10000000].([1..10000000]) fails at once with bounded memory', async () => {
		const finite = await failure({ jsonata: '$count([1..2000000]) > 0' }, {}, options());
		expect(finite.error.problem).toBe('the expression builds lists of more than 1000000 entries in all (the Expression List Size Limit)');
		const before = process.memoryUsage().heapUsed;
		const huge = await failure({ not: { jsonata: '$count([1..10000000].([1..10000000])) > 0' } }, {}, options());
		expect(huge.error.path).toBe('$.not.jsonata');
		expect(huge.error.problem).toMatch(/Expression List Size Limit/);
		expect(huge.ms).toBeLessThan(3000);
		// Lists built one after the other count together: $map cannot pile up a million small lists.
		const piled = await failure({ jsonata: '$count($map([1..100000], function($v){ [1..1000] })) > 0' }, {}, options({ listSize: 50_000 }));
		expect(piled.error.problem).toBe('the expression builds lists of more than 50000 entries in all (the Expression List Size Limit)');
		expect(process.memoryUsage().heapUsed - before).toBeLessThan(200 * 2 ** 20);
	}, 20_000);

	it('time: 50 slow contacts in one run do not cost 50 time limits: after 3, each gets 20 ms, and quick contacts still pass', async () => {
		// The expression loops 100 times per entry of the contact's list: 1,000,000 steps for the hostile contact.
		const segment = compileSegment(parseDefinition({ jsonata: '($f := function($n){ $n > 0 ? $f($n - 1) : true }; $f($count(items) * 100))' }), options({ timeMs: 300 }));
		const hostile = { items: Array.from({ length: 10_000 }, (_, i) => i) };
		const start = Date.now();
		const problems: string[] = [];
		for (let i = 0; i < 50; i++) {
			try {
				await segment.test(hostile);
			} catch (error) {
				problems.push((error as SegmentEvaluationError).problem);
			}
		}
		const ms = Date.now() - start;
		expect(problems).toHaveLength(50);
		expect(problems.slice(0, 3)).toEqual(Array(3).fill('the expression ran longer than the Expression Time Limit of 300 ms'));
		expect(problems[3]).toMatch(/longer than 20 ms, the limit for each contact once 3 contacts of this run had run out/);
		// Without the run-wide step down: 50 × 300 ms = 15 s. With it: 3 × 300 ms + 47 × ~20 ms.
		expect(ms).toBeLessThan(6000);
		await expect(segment.test({ items: [1] })).resolves.toBe(true);
	});

	it('depth: endless recursion that is not a tail call ends at the Expression Depth Limit', async () => {
		const finite = await failure({ jsonata: '($f := function($n){ $n > 0 ? 1 + $f($n - 1) : 0 }; $f(2000)) > 0' }, {}, options({ depth: 300 }));
		expect(finite.error.problem).toBe('the expression went deeper than the Expression Depth Limit of 300 levels');
		const { error } = await failure({ jsonata: '($f := function($n){ 1 + $f($n + 1) }; $f(1)) > 0' }, {}, options());
		expect(error.problem).toBe('the expression went deeper than the Expression Depth Limit of 1000 levels');
	}, 20_000);

	it('ordinary expressions are untouched by the defaults', async () => {
		const orders = Array.from({ length: 5000 }, (_, i) => ({ total: i }));
		const segment = compileSegment(parseDefinition({ jsonata: '$count(orders[total > 100]) >= 2 and $sum(orders.total) > 0' }), options());
		expect(await segment.test({ orders })).toBe(true);
		const recursive = compileSegment(parseDefinition({ jsonata: '($f := function($n){ $n <= 1 ? 1 : $n * $f($n - 1) }; $f(20)) > 1000' }), options());
		expect(await recursive.test({})).toBe(true);
	});

	it('regular expressions inside JSONata run on the linear-time engine', async () => {
		const segment = compileSegment(parseDefinition({ jsonata: '$contains(email, /^(a+)+$/)' }), options());
		for (let n = 20; n <= 40; n += 2) {
			const start = Date.now();
			expect(await segment.test({ email: 'a'.repeat(n) + '!' })).toBe(false);
			if (Date.now() - start > 250) throw new Error(`${n + 1} characters took ${Date.now() - start} ms: the engine backtracks`);
		}
		const start = Date.now();
		expect(await segment.test({ email: 'a'.repeat(100_000) + '!' })).toBe(false);
		expect(Date.now() - start).toBeLessThan(1000);
		expect(await segment.test({ email: 'aaa' })).toBe(true);
		const replace = compileSegment(parseDefinition({ jsonata: '$replace("a-b-c", /(\\w)-/, "$1+") = "a+b+c" and $match("xAy", /a/i).index = 1' }), options());
		expect(await replace.test({})).toBe(true);
	}, 20_000);

	it('refuses a JSONata regular expression RE2 cannot run when the definition is read', () => {
		let thrown: unknown;
		try {
			parseDefinition({ all: [{ field: 'a', op: 'exists' }, { jsonata: '$contains(email, /(?=a)b/)' }] });
		} catch (error) {
			thrown = error;
		}
		expect(thrown).toBeInstanceOf(SegmentDefinitionError);
		expect((thrown as SegmentDefinitionError).path).toBe('$.all[1].jsonata');
		expect((thrown as SegmentDefinitionError).problem).toMatch(/^the regular expression \/\(\?=a\)b\/ cannot run on the linear-time engine: .*lookaround/);
	});
});
