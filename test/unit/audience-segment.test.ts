import { createHash } from 'node:crypto';

import { compileSegment, type CompileOptions } from '../../nodes/AudienceSegment/engine/compile';
import { anniversaryDays, parseIsoDate, segmentZone } from '../../nodes/AudienceSegment/engine/dates';
import { SegmentDefinitionError, SegmentEvaluationError, SegmentSqlError } from '../../nodes/AudienceSegment/engine/errors';
import { isConsented, pickSample, snapshotOf } from '../../nodes/AudienceSegment/engine/audience';
import { parseDefinition } from '../../nodes/AudienceSegment/engine/parse';
import { RegexSyntaxError, translateRegex } from '../../nodes/AudienceSegment/engine/regex';
import { compileSql } from '../../nodes/AudienceSegment/engine/sql';

const NOW = Date.parse('2024-06-15T12:00:00Z');
const BERLIN: CompileOptions = { now: NOW, timeZone: 'Europe/Berlin' };

/** Whether a contact matches a definition (synchronous definitions). */
function matches(definition: unknown, contact: Record<string, unknown>, options: CompileOptions = BERLIN): boolean {
	const segment = compileSegment(parseDefinition(definition), options);
	return segment.test(contact, contact.events) as boolean;
}

/** Which of the values of field `v` match a single condition. */
function which(condition: Record<string, unknown>, values: unknown[], options: CompileOptions = BERLIN): unknown[] {
	const segment = compileSegment(parseDefinition({ field: 'v', ...condition }), options);
	return values.filter((v) => segment.test(v === undefined ? {} : { v }) as boolean);
}

function definitionError(definition: unknown): SegmentDefinitionError {
	try {
		parseDefinition(definition);
	} catch (error) {
		if (error instanceof SegmentDefinitionError) return error;
		throw error;
	}
	throw new Error('expected a definition error');
}

describe('Audience Segment engine: reading definitions', () => {
	it('names the JSON path of a fault and what was expected', () => {
		const unknownOp = definitionError({ all: [{ field: 'a', op: 'eq', value: 1 }, { any: [{ field: 'b', op: 'notin', value: [1] }] }] });
		expect(unknownOp.path).toBe('$.all[1].any[0].op');
		expect(unknownOp.message).toBe('$.all[1].any[0].op: unknown operator "notin". Did you mean "notIn"?');
		expect(unknownOp.fix).toBe(
			'Valid operators: eq, neq, gt, gte, lt, lte, between, in, notIn, contains, notContains, startsWith, endsWith, regex, isEmpty, isNotEmpty, exists, before, after, withinLast, notWithinLast, anniversary.',
		);
		expect(definitionError({ all: [{ field: 'a', op: 'eq', vale: 1 }] }).message).toBe('$.all[0].vale: unknown key "vale". Did you mean "value"?');
		expect(definitionError({ all: [{ field: 'a', value: 1 }] }).message).toBe('$.all[0].op: the operator is missing');
		expect(definitionError({ all: [{ field: 'a', op: 'gt', value: true }] }).message).toBe('$.all[0].op: "gt" does not compare true/false values');
		expect(definitionError({ all: [{ field: 'a', op: 'in', value: [1, 'x'] }] }).message).toBe('$.all[0].value: the list mixes number and string values');
		expect(definitionError({ all: [{ field: 'a', op: 'between', value: [1] }] }).message).toBe('$.all[0].value: "between" needs exactly two values, got 1');
		expect(definitionError({ all: [{ field: 'a', op: 'eq', value: 'x', type: 'number' }] }).message).toBe('$.all[0].value: the value "x" is not a number');
		expect(definitionError({ all: [{ field: 'a', op: 'before', value: '2024-02-30' }] }).message).toBe('$.all[0].value: the value "2024-02-30" is not a date');
		expect(definitionError({ all: [{ field: 'a', op: 'withinLast', value: '30 days' }] }).message).toBe('$.all[0].value: the value is "30 days", not an ISO 8601 duration');
		expect(definitionError({ all: [{ field: 'a', op: 'isEmpty', value: 3 }] }).message).toBe('$.all[0].value: "isEmpty" takes no value');
		expect(definitionError({ all: [{ field: 'a..b', op: 'exists' }] }).message).toBe('$.all[0].field: the field path "a..b" has an empty part');
		expect(definitionError({ all: [{ field: 'items.01', op: 'exists' }] }).message).toBe('$.all[0].field: "01" in "items.01" is not a plain list position');
		expect(definitionError({ all: [{ field: 'a', op: 'eq', value: 1, ignoreCase: true }] }).message).toBe(
			'$.all[0].ignoreCase: ignoreCase only applies to text, and this condition compares number',
		);
		expect(definitionError({ all: [{ field: 'a', op: 'eq', value: 1 }, 'x'] }).message).toBe('$.all[1]: expected a condition or group, got "x"');
		expect(definitionError({ all: [{ all: [], any: [] }] }).message).toBe('$.all[0]: has both "all" and "any"');
		expect(definitionError({ alll: [] }).message).toBe('$: this is not a condition or group (it has "alll" Did you mean "all"?)');
		expect(definitionError({ not: { all: {} } }).message).toBe('$.not.all: "all" must hold a list, got {}');
	});

	it('checks event conditions: counts, windows, where and aggregates', () => {
		expect(definitionError({ event: 'purchase', count: { gte: 1.5 } }).message).toBe('$.count.gte: 1.5 is not a whole number of events');
		expect(definitionError({ event: 'purchase', count: { atLeast: 1 } }).message).toBe('$.count.atLeast: unknown key "atLeast".');
		expect(definitionError({ event: 'purchase', within: '30d' }).message).toBe('$.within: within is "30d", not an ISO 8601 duration');
		expect(definitionError({ event: 'purchase', sum: { gte: 5 } }).message).toBe('$.sum.property: the property is undefined');
		expect(definitionError({ event: 'purchase', avg: { property: 'value' } }).message).toBe('$.avg: avg has no bound');
		expect(definitionError({ event: 'purchase', where: { event: 'refund' } }).message).toBe('$.where: an event condition inside "where"');
		expect(definitionError({ event: '' }).message).toBe('$.event: the event type is ""');
	});

	it('reports invalid JSON with its line and column', () => {
		const error = definitionError('{\n  "all": [\n    { "field": "a" "op": "eq" }\n  ]\n}');
		expect(error.path).toBe('$');
		expect(error.message).toMatch(/^\$: the definition is not valid JSON: .*\(line 3, column 20\)$/);
		expect(definitionError('  ').message).toBe('$: the definition is empty');
	});

	it('gives the position of a regex error', () => {
		const error = definitionError({ all: [{ field: 'phone', op: 'regex', value: '^\\+49(\\d+' }] });
		expect(error.message).toBe('$.all[0].value: regex error: a "(" without its ")" at character 6');
		expect(definitionError({ field: 'a', op: 'regex', value: 'ab\\1' }).message).toBe('$.value: regex error: backreferences are not supported at character 3');
		expect(definitionError({ field: 'a', op: 'regex', value: '(?=a)' }).message).toMatch(/lookaround .* at character 2$/);
		expect(definitionError({ field: 'a', op: 'regex', value: 'a{2,300}' }).message).toBe('$.value: regex error: a repetition count above 255 at character 2');
		expect(definitionError({ field: 'a', op: 'regex', value: '[z-a]' }).message).toBe('$.value: regex error: a range that counts down at character 2');
		expect(() => translateRegex('**')).toThrow(new RegexSyntaxError('nothing to repeat', 1));
	});

	it('gives the position of a JSONata syntax error', () => {
		const error = definitionError({ any: [{ field: 'a', op: 'exists' }, { jsonata: 'orders[total > 100' }] });
		expect(error.path).toBe('$.any[1].jsonata');
		expect(error.message).toMatch(/^\$\.any\[1\]\.jsonata: JSONata syntax error at position \d+: /);
	});

	it('takes nesting up to the limit of 256 levels of objects and lists (150 groups here)', () => {
		let definition: Record<string, unknown> = { field: 'a', op: 'eq', value: 1 };
		for (let i = 0; i < 150; i++) definition = i % 3 === 0 ? { not: definition } : { [i % 2 ? 'all' : 'any']: [definition] };
		const segment = compileSegment(parseDefinition(JSON.stringify(definition)), BERLIN);
		const expected = Math.floor((150 + 2) / 3) % 2 === 0;
		expect(segment.test({ a: 1 }, undefined)).toBe(expected);
		expect(segment.test({ a: 2 }, undefined)).toBe(!expected);
	});

	it('hashes the definition independently of key order', () => {
		const a = parseDefinition({ all: [{ field: 'x', op: 'eq', value: 1 }] });
		const b = parseDefinition('{"all":[{"value":1,"op":"eq","field":"x"}]}');
		expect(a.hash).toBe(b.hash);
		expect(a.hash).toMatch(/^[0-9a-f]{16}$/);
	});
});

describe('Audience Segment engine: field operators', () => {
	const values = ['DE', 'de', 'AT', '', 'Dé', 12, '12', '12.0', true, null, undefined, ['AT', 'FR'], ['x'], [], {}];

	it('eq / neq: exact, typed by the value; neq holds for missing values (it is "not eq")', () => {
		expect(which({ op: 'eq', value: 'DE' }, values)).toEqual(['DE']);
		expect(which({ op: 'eq', value: 'de', ignoreCase: true }, values)).toEqual(['DE', 'de']);
		expect(which({ op: 'eq', value: 12 }, values)).toEqual([12, '12', '12.0']);
		expect(which({ op: 'eq', value: '12' }, values)).toEqual(['12']);
		expect(which({ op: 'eq', value: 12, type: 'string' }, values)).toEqual(['12']);
		expect(which({ op: 'eq', value: true }, values)).toEqual([true]);
		expect(which({ op: 'eq', value: 'AT' }, values)).toEqual(['AT', ['AT', 'FR']]);
		expect(which({ op: 'neq', value: 'DE' }, values)).toEqual(values.filter((v) => v !== 'DE'));
	});

	it('gt / gte / lt / lte / between: numbers as numbers (numeric text too), text by code point', () => {
		expect(which({ op: 'gt', value: 11.5 }, [11, 12, '12', '1e2', '  13', 'x', null, [1, 20]])).toEqual([12, '12', [1, 20]]);
		expect(which({ op: 'gte', value: 12 }, [11.999, 12, 12.001])).toEqual([12, 12.001]);
		expect(which({ op: 'lt', value: 0 }, [-0, -1e-9, '-.5', '+1'])).toEqual([-1e-9, '-.5']);
		expect(which({ op: 'between', value: [18, 65] }, [17, 18, 65, 65.5, '40'])).toEqual([18, 65, '40']);
		expect(which({ op: 'between', value: [65, 18] }, [40])).toEqual([]);
		// Code points: 'B' < 'a' (upper case first), U+E000 < 😀 (U+1F600) although UTF-16 says otherwise.
		expect(which({ op: 'lt', value: 'a' }, ['B', 'a', 'b', 'Z'])).toEqual(['B', 'Z']);
		expect(which({ op: 'gt', value: '\uE000' }, ['😀', '\uFFFF', 'z'])).toEqual(['😀', '\uFFFF']);
		expect(which({ op: 'lte', value: 'b', ignoreCase: true }, ['A', 'B', 'C', 'é'])).toEqual(['A', 'B']);
	});

	it('in / notIn', () => {
		expect(which({ op: 'in', value: ['DE', 'AT'] }, values)).toEqual(['DE', 'AT', ['AT', 'FR']]);
		expect(which({ op: 'notIn', value: ['DE', 'AT'] }, ['DE', 'FR', null, undefined, ['AT']])).toEqual(['FR', null, undefined]);
		expect(which({ op: 'in', value: [] }, ['DE'])).toEqual([]);
		expect(which({ op: 'in', value: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }, [10, '3', 11])).toEqual([10, '3']);
	});

	it('contains: text within text, or a list element equal to the value', () => {
		expect(which({ op: 'contains', value: 'vip' }, ['vip', 'a-vip-b', 'VIP', ['vip'], ['a-vip-b'], 'x'])).toEqual(['vip', 'a-vip-b', ['vip']]);
		expect(which({ op: 'contains', value: 'VIP', ignoreCase: true }, ['vip', ['Vip']])).toEqual(['vip', ['Vip']]);
		expect(which({ op: 'contains', value: 3 }, [[1, 3], [1, '3'], 3, '3'])).toEqual([[1, 3], [1, '3']]);
		expect(which({ op: 'notContains', value: 'vip' }, ['vip', 'x', undefined, ['vip']])).toEqual(['x', undefined]);
		expect(which({ op: 'contains', value: '' }, ['', 'x', 5])).toEqual(['', 'x']);
	});

	it('startsWith / endsWith / ignoreCase folds A–Z only', () => {
		expect(which({ op: 'startsWith', value: '+49' }, ['+4930', '004930', ['+49', 'x']])).toEqual(['+4930', ['+49', 'x']]);
		expect(which({ op: 'endsWith', value: '@GMAIL.com', ignoreCase: true }, ['a@gmail.com', 'a@Gmail.COM', 'a@gmail.co'])).toEqual(['a@gmail.com', 'a@Gmail.COM']);
		// Non-ASCII letters compare as written (PostgreSQL's lower() differs by locale; A–Z folds the same everywhere).
		expect(which({ op: 'eq', value: 'é', ignoreCase: true }, ['é', 'É'])).toEqual(['é']);
		expect(which({ op: 'eq', value: 'STRASSE', ignoreCase: true }, ['straße', 'strasse'])).toEqual(['strasse']);
	});

	it('regex: the portable subset, dot matching newlines, \\d and \\w ASCII only', () => {
		expect(which({ op: 'regex', value: '^\\+49\\d{6,}$' }, ['+49301234', '+4930', '+49３０1234567'])).toEqual(['+49301234']);
		expect(which({ op: 'regex', value: '^a.b$' }, ['a\nb', 'a😀b', 'ab'])).toEqual(['a\nb', 'a😀b']);
		expect(which({ op: 'regex', value: '^\\w+$' }, ['abc_1', 'ébc'])).toEqual(['abc_1']);
		expect(which({ op: 'regex', value: 'b' }, [['a', 'b'], 'a'])).toEqual([['a', 'b']]);
		const { re2, pg } = translateRegex('^[a-z😀]\\.(x|y)*\\u00e9$');
		expect(re2).toBe('^[a-z\\x{1f600}]\\x{2e}(?:x|y)*\\x{e9}$');
		expect(pg).toBe('^[a-z\\U0001f600]\\u002e(?:x|y)*\\u00e9$');
	});

	it('isEmpty / isNotEmpty / exists', () => {
		const all = ['', ' ', 0, false, null, undefined, [], [null], {}, { a: 1 }, 'x'];
		expect(which({ op: 'isEmpty' }, all)).toEqual(['', null, undefined, [], {}]);
		expect(which({ op: 'isNotEmpty' }, all)).toEqual([' ', 0, false, [null], { a: 1 }, 'x']);
		expect(which({ op: 'exists' }, all)).toEqual(['', ' ', 0, false, [], [null], {}, { a: 1 }, 'x']);
	});

	it('reads dotted paths through objects and list positions, never inherited members', () => {
		const segment = (field: string) => compileSegment(parseDefinition({ field, op: 'exists' }), BERLIN);
		const contact = { address: { city: 'Berlin' }, items: [{ sku: 'A' }, { sku: 'B' }], name: 'x' };
		expect(segment('address.city').test(contact)).toBe(true);
		expect(segment('items.1.sku').test(contact)).toBe(true);
		expect(segment('items.2.sku').test(contact)).toBe(false);
		expect(segment('items.length').test(contact)).toBe(false);
		expect(segment('name.length').test(contact)).toBe(false);
		expect(segment('constructor').test(contact)).toBe(false);
		expect(segment('address.toString').test(contact)).toBe(false);
		expect(segment('__proto__').test(contact)).toBe(false);
	});
});

describe('Audience Segment engine: dates, time zones and anniversaries', () => {
	it('parses the strict ISO subset; local times and date-only values in the segment zone', () => {
		const berlin = segmentZone('Europe/Berlin');
		expect(parseIsoDate('2024-06-15', berlin)).toBe(Date.parse('2024-06-14T22:00:00Z'));
		expect(parseIsoDate('2024-01-15T09:30', berlin)).toBe(Date.parse('2024-01-15T08:30:00Z'));
		expect(parseIsoDate('2024-01-15 09:30:00.1239', berlin)).toBe(Date.parse('2024-01-15T08:30:00.123Z'));
		expect(parseIsoDate('2024-01-15T09:30:00+0530', berlin)).toBe(Date.parse('2024-01-15T04:00:00Z'));
		expect(parseIsoDate('2024-01-15T09:30:00-03', berlin)).toBe(Date.parse('2024-01-15T12:30:00Z'));
		for (const bad of ['2024-02-30', '2023-02-29', '2024-1-5', '2024-01-15T24:00', '2024-01-15T10:00:60', '2024-01-15T10:00Z ', '2024-01-15T10:00:00+15:00', '0000-01-01', '15.01.2024', '2024-01-15T10:00:00.Z', '2024-01-15t10:00Z']) {
			expect([bad, parseIsoDate(bad, berlin)]).toEqual([bad, NaN]);
		}
	});

	it('resolves DST gaps and overlaps as PostgreSQL does: the later instant', () => {
		const berlin = segmentZone('Europe/Berlin');
		// 02:30 does not exist on 2024-03-31: read with the winter offset, 01:30 UTC (03:30 summer time).
		expect(new Date(parseIsoDate('2024-03-31T02:30:00', berlin)).toISOString()).toBe('2024-03-31T01:30:00.000Z');
		// 02:30 exists twice on 2024-10-27: the second one (winter time), 01:30 UTC.
		expect(new Date(parseIsoDate('2024-10-27T02:30:00', berlin)).toISOString()).toBe('2024-10-27T01:30:00.000Z');
		const newYork = segmentZone('America/New_York');
		expect(new Date(parseIsoDate('2024-03-10T02:30:00', newYork)).toISOString()).toBe('2024-03-10T07:30:00.000Z');
		expect(new Date(parseIsoDate('2024-11-03T01:30:00', newYork)).toISOString()).toBe('2024-11-03T06:30:00.000Z');
	});

	it('before / after / withinLast: relative to the execution time, calendar-aware in the zone', () => {
		// 2024-03-31T12:00Z is 14:00 in Berlin, the day clocks went forward: P1D back is 23 hours.
		const options = { now: Date.parse('2024-03-31T12:00:00Z'), timeZone: 'Europe/Berlin' };
		const oneDay = ['2024-03-30T13:00:00Z', '2024-03-30T12:59:59.999Z', '2024-03-30T12:00:00Z'];
		expect(which({ op: 'withinLast', value: 'P1D' }, oneDay, options)).toEqual(['2024-03-30T13:00:00Z']);
		expect(which({ op: 'withinLast', value: 'P1D' }, oneDay, { ...options, timeZone: 'UTC' })).toEqual(oneDay.slice(0, 3));
		expect(which({ op: 'withinLast', value: 'PT24H' }, oneDay, options)).toEqual(['2024-03-30T13:00:00Z', '2024-03-30T12:59:59.999Z', '2024-03-30T12:00:00Z']);
		// Future dates are not "within the last"; notWithinLast is its complement, missing dates included.
		expect(which({ op: 'withinLast', value: 'P30D' }, ['2024-04-01', '2024-03-31T11:59:59Z', 'x', undefined], options)).toEqual(['2024-03-31T11:59:59Z']);
		expect(which({ op: 'notWithinLast', value: 'P30D' }, ['2024-04-01', '2024-03-31T11:59:59Z', 'x', undefined], options)).toEqual(['2024-04-01', 'x', undefined]);
		expect(which({ op: 'before', value: '-P30D' }, ['2024-03-01T12:59:59Z', '2024-03-01T13:00:00Z'], options)).toEqual(['2024-03-01T12:59:59Z']);
		// Today began at midnight Berlin time (23:00 UTC, still winter time then); "after" is strict.
		expect(which({ op: 'after', value: 'today' }, ['2024-03-30T23:00:00.001Z', '2024-03-30T23:00:00Z'], options)).toEqual(['2024-03-30T23:00:00.001Z']);
		expect(which({ op: 'before', value: '2024-03-31' }, ['2024-03-30T22:59:59Z', '2024-03-30T23:00:00Z'], options)).toEqual(['2024-03-30T22:59:59Z']);
		expect(which({ op: 'eq', value: 'now', type: 'date' }, [new Date(options.now), '2024-03-31T14:00:00+02:00'], options)).toHaveLength(2);
		expect(which({ op: 'gt', value: '2024-01-01', type: 'date' }, ['2024-01-02', 'tomorrow', 20240102], options)).toEqual(['2024-01-02']);
	});

	it('anniversary: month and day in the zone, today or within a window; Feb 29 counts on Feb 28 in other years', () => {
		const on = (iso: string, timeZone = 'Europe/Berlin') => ({ now: Date.parse(iso), timeZone });
		const birthdays = ['1990-06-15', '1992-02-29', '1985-02-28', '2000-03-01', '1990-06-16T00:30:00+02:00'];
		expect(which({ op: 'anniversary' }, birthdays, on('2024-06-15T12:00:00Z'))).toEqual(['1990-06-15']);
		// 2023 has no Feb 29: leap-day birthdays are celebrated on the 28th.
		expect(which({ op: 'anniversary' }, birthdays, on('2023-02-28T12:00:00Z'))).toEqual(['1992-02-29', '1985-02-28']);
		expect(which({ op: 'anniversary' }, birthdays, on('2024-02-28T12:00:00Z'))).toEqual(['1985-02-28']);
		expect(which({ op: 'anniversary' }, birthdays, on('2024-02-29T12:00:00Z'))).toEqual(['1992-02-29']);
		expect(which({ op: 'anniversary' }, birthdays, on('2023-03-01T12:00:00Z'))).toEqual(['2000-03-01']);
		expect(which({ op: 'anniversary', value: 'P2D' }, birthdays, on('2023-02-27T12:00:00Z'))).toEqual(['1992-02-29', '1985-02-28', '2000-03-01']);
		// "Today" is the zone's today: at 23:30 UTC on June 15 it is already June 16 in Berlin.
		expect(which({ op: 'anniversary' }, birthdays, on('2024-06-15T23:30:00Z'))).toEqual(['1990-06-16T00:30:00+02:00']);
		// In UTC both are June 15 (00:30 at +02:00 is 22:30 UTC the day before).
		expect(which({ op: 'anniversary' }, birthdays, on('2024-06-15T23:30:00Z', 'UTC'))).toEqual(['1990-06-15', '1990-06-16T00:30:00+02:00']);
		expect(anniversaryDays(Date.parse('2023-02-27T12:00:00Z'), segmentZone('UTC'), 'P1D')).toEqual(['02-27', '02-28', '02-29']);
	});

	it('refuses time zones PostgreSQL would read differently', () => {
		expect(() => compileSegment(parseDefinition({ field: 'a', op: 'exists' }), { now: NOW, timeZone: 'UTC+2' })).toThrow(/not an IANA time zone name/);
		expect(() => compileSegment(parseDefinition({ field: 'a', op: 'exists' }), { now: NOW, timeZone: 'Mars/Olympus' })).toThrow(SegmentDefinitionError);
	});
});

describe('Audience Segment engine: event conditions', () => {
	const ago = (days: number) => new Date(NOW - days * 86_400_000).toISOString();
	const contact = {
		events: [
			{ eventType: 'purchase', timestamp: ago(1), properties: { value: 0.1, category: 'shoes' } },
			{ eventType: 'purchase', timestamp: ago(10), properties: { value: 0.2, category: 'hats' } },
			{ eventType: 'purchase', timestamp: ago(40), properties: { value: '12.50', category: 'shoes' } },
			{ eventType: 'Purchase', timestamp: ago(1), properties: { value: 100 } },
			{ eventType: 'email_open', timestamp: ago(2) },
			{ eventType: 'purchase', properties: { value: 1 } },
			null,
		],
	};

	it('counts matching events (at least one by default), by exact type and within a window', () => {
		expect(matches({ event: 'purchase' }, contact)).toBe(true);
		expect(matches({ event: 'refund' }, contact)).toBe(false);
		expect(matches({ event: 'purchase', count: { eq: 4 } }, contact)).toBe(true);
		expect(matches({ event: 'purchase', within: 'P30D', count: { eq: 2 } }, contact)).toBe(true);
		expect(matches({ event: 'purchase', within: 'P10D', count: { eq: 2 } }, contact)).toBe(true);
		expect(matches({ event: 'purchase', within: 'PT240H', count: { eq: 2 } }, contact)).toBe(true);
		expect(matches({ event: 'purchase', within: 'P9D', count: { eq: 1 } }, contact)).toBe(true);
		expect(matches({ event: 'purchase', count: { eq: 0 } }, { events: [] })).toBe(true);
		expect(matches({ event: 'purchase', count: { lte: 0 } }, {})).toBe(true);
	});

	it('filters events with where (on their properties) and adds amounts exactly', () => {
		expect(matches({ event: 'purchase', where: { field: 'category', op: 'eq', value: 'shoes' }, count: { eq: 2 } }, contact)).toBe(true);
		// 0.1 + 0.2 is 0.3 here (floating point says 0.30000000000000004).
		expect(matches({ event: 'purchase', within: 'P30D', sum: { property: 'value', eq: 0.3 } }, contact)).toBe(true);
		expect(matches({ event: 'purchase', within: 'P30D', sum: { property: 'value', lte: 0.3 } }, contact)).toBe(true);
		expect(matches({ event: 'purchase', within: 'P30D', avg: { property: 'value', eq: 0.15 } }, contact)).toBe(true);
		expect(matches({ event: 'purchase', sum: { property: 'value', eq: 13.8 } }, contact)).toBe(true);
		// No purchases: the sum is 0 (a condition on it can hold), the average does not exist (never holds).
		expect(matches({ event: 'refund', sum: { property: 'value', lte: 10 } }, contact)).toBe(true);
		expect(matches({ event: 'refund', avg: { property: 'value', lte: 10 } }, contact)).toBe(false);
		expect(matches({ not: { event: 'refund', avg: { property: 'value', lte: 10 } } }, contact)).toBe(true);
	});

	it('raises a clear error when the events are not a list', () => {
		const segment = compileSegment(parseDefinition({ event: 'purchase' }), BERLIN);
		expect(() => segment.test({}, { eventType: 'purchase' })).toThrow(new SegmentEvaluationError('', 'the events are an object, not a list', ''));
		expect(segment.test({}, null)).toBe(false);
	});
});

describe('Audience Segment engine: reasons and JSONata', () => {
	it('names the conditions that decided: all of a passed "all", the failing one of a failed "all"', () => {
		const segment = compileSegment(
			parseDefinition({
				all: [
					{ field: 'country', op: 'eq', value: 'DE' },
					{ any: [{ field: 'plan', op: 'eq', value: 'pro' }, { field: 'vip', op: 'eq', value: true }] },
					{ not: { field: 'unsubscribed', op: 'eq', value: true } },
					{ label: 'Adults', all: [{ field: 'age', op: 'gte', value: 18 }, { field: 'age', op: 'lt', value: 120 }] },
				],
			}),
			BERLIN,
		);
		expect(segment.explain({ country: 'DE', plan: 'free', vip: true, age: 30 })).toEqual({
			matched: true,
			reasons: [
				{ path: '$.all[0]', condition: 'country = "DE"', met: true },
				{ path: '$.all[1].any[1]', condition: 'vip = true', met: true },
				{ path: '$.all[2]', condition: 'not (unsubscribed = true)', met: true },
				{ path: '$.all[3]', condition: 'Adults', met: true },
			],
		});
		expect(segment.explain({ country: 'DE', plan: 'free', age: 30 })).toEqual({
			matched: false,
			reasons: [
				{ path: '$.all[1].any[0]', condition: 'plan = "pro"', met: false },
				{ path: '$.all[1].any[1]', condition: 'vip = true', met: false },
			],
		});
		expect((segment.explain({ country: 'FR' }) as { reasons: unknown }).reasons).toEqual([{ path: '$.all[0]', condition: 'country = "DE"', met: false }]);
	});

	it('evaluates JSONata only when reached, once compiled, and insists on true or false', async () => {
		const segment = compileSegment(
			parseDefinition({ all: [{ jsonata: '$count(orders[total > 100]) >= 2' }, { field: 'country', op: 'eq', value: 'DE' }] }),
			BERLIN,
		);
		expect(segment.async).toBe(true);
		// The field condition runs first and decides: the JSONata is never evaluated.
		await expect(segment.test({ country: 'FR', orders: 'not a list' })).resolves.toBe(false);
		await expect(segment.test({ country: 'DE', orders: [{ total: 150 }, { total: 101 }] })).resolves.toBe(true);
		await expect(segment.test({ country: 'DE', orders: [{ total: 150 }] })).resolves.toBe(false);
		await expect(segment.explain({ country: 'DE', orders: [{ total: 150 }, { total: 200 }] })).resolves.toEqual({
			matched: true,
			// In the order they are written, though the field condition ran first.
			reasons: [
				{ path: '$.all[0]', condition: 'JSONata $count(orders[total > 100]) >= 2', met: true },
				{ path: '$.all[1]', condition: 'country = "DE"', met: true },
			],
		});
		const notBoolean = compileSegment(parseDefinition({ jsonata: 'name' }), BERLIN);
		await expect(notBoolean.test({ name: 'Ann' })).rejects.toThrow('$.jsonata: JSONata returned "Ann", not true or false');
		await expect(notBoolean.test({})).resolves.toBe(false);
		const runtime = compileSegment(parseDefinition({ jsonata: '$number(name) > 1' }), BERLIN);
		await expect(runtime.test({ name: 'Ann' })).rejects.toThrow(/^\$\.jsonata: JSONata error at position \d+: /);
		const inWhere = compileSegment(parseDefinition({ event: 'purchase', where: { jsonata: 'value > 10' }, count: { gte: 1 } }), BERLIN);
		await expect(inWhere.test({}, [{ eventType: 'purchase', properties: { value: 5 } }, { eventType: 'purchase', properties: { value: 50 } }])).resolves.toBe(true);
	});
});

describe('Audience Segment engine: SQL', () => {
	const mapping = { contactsTable: 'contacts', contactId: 'id', jsonColumn: 'attributes', columns: [{ field: 'email', column: 'email', type: 'text' as const }, { field: 'profile', column: 'profile', type: 'jsonb' as const }] };

	it('refuses JSONata with the path of the condition', () => {
		const definition = parseDefinition({ all: [{ field: 'a', op: 'exists' }, { not: { jsonata: 'a > 1' } }] });
		expect(() => compileSql(definition, mapping, BERLIN)).toThrow(new SegmentSqlError('$.all[1].not.jsonata', 'a JSONata condition cannot be compiled to SQL', ''));
	});

	it('reads fields from mapped columns, inside mapped JSONB columns, or from the JSON column', () => {
		const sql = compileSql(parseDefinition({ all: [{ field: 'email', op: 'eq', value: 'a' }, { field: 'profile.city', op: 'eq', value: 'b' }, { field: 'x.y', op: 'eq', value: 'c' }] }), mapping, BERLIN);
		expect(sql.where).toContain('"contacts"."email" = CAST($1 AS text)');
		expect(sql.where).toContain('jsonb_extract_path("contacts"."profile", CAST($2 AS text))');
		expect(sql.where).toContain('jsonb_extract_path("contacts"."attributes", CAST($4 AS text), CAST($5 AS text))');
		expect(sql.parameters).toEqual(expect.arrayContaining(['a', 'b', 'c', 'city', 'x', 'y']));
		expect(() => compileSql(parseDefinition({ field: 'email.domain', op: 'exists' }), mapping, BERLIN)).toThrow(/reads inside "email", which is mapped to the text column "email"/);
		expect(() => compileSql(parseDefinition({ field: 'x', op: 'exists' }), { ...mapping, jsonColumn: '' }, BERLIN)).toThrow(/the field "x" has no column/);
		expect(() => compileSql(parseDefinition({ event: 'purchase' }), mapping, BERLIN)).toThrow(/the events table is not set/);
	});

	it('keeps every value in parameters and no other $ in the text', () => {
		const sql = compileSql(parseDefinition({ any: [{ field: "it's", op: 'regex', value: "^\\$'" }, { field: 'a', op: 'contains', value: "$1 ' $&" }] }), mapping, BERLIN);
		expect(sql.where).not.toMatch(/\$(?!\d)/);
		expect(sql.where).not.toContain("it's");
		expect(sql.parameters).toEqual(expect.arrayContaining(["it's", "$1 ' $&"]));
	});
});

describe('Audience Segment engine: count and snapshot helpers', () => {
	it('hashes the sorted, unique member ids', () => {
		const snapshot = snapshotOf(['b', 'a', '😀', '\uE000', 'a']);
		expect(snapshot.members).toEqual(['a', 'b', '\uE000', '😀']);
		expect(snapshot.duplicates).toBe(1);
		expect(snapshot.hash).toBe(createHash('sha256').update('a\nb\n\uE000\n😀').digest('hex'));
		expect(snapshotOf(['a', 'b']).hash).toBe(snapshotOf(['b', 'a']).hash);
		expect(snapshotOf([]).hash).toBe(createHash('sha256').update('').digest('hex'));
	});

	it('samples the same members in any order', () => {
		const members = Array.from({ length: 100 }, (_, i) => ({ key: `c${i}`, value: i }));
		const a = pickSample(members, 5, 'seg');
		expect(a).toHaveLength(5);
		expect(pickSample([...members].reverse(), 5, 'seg')).toEqual(a);
		expect(pickSample(members, 5, 'other')).not.toEqual(a);
		expect(pickSample(members, 0, 'seg')).toEqual([]);
	});

	it('reads consent values', () => {
		for (const yes of [true, 1, 'yes', 'Granted', 'subscribed', 'opted_in', 'opt-in', { status: 'granted' }, { granted: true }]) expect([yes, isConsented(yes)]).toEqual([yes, true]);
		for (const no of [false, 0, 'no', 'unsubscribed', '', null, undefined, { status: 'revoked' }, ['yes']]) expect([no, isConsented(no)]).toEqual([no, false]);
	});
});
