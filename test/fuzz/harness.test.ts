/**
 * The fuzz suite's own checks, on executions made up here: each rule catches what it is for, and a
 * good run (or a run stopped with an error naming the item and the field) passes.
 */
import fc from 'fast-check';
import type { INodeExecutionData } from 'n8n-workflow';

import type { RunResult } from '../helpers/n8n';
import { errorProblems, kindOf, runProblems, secretFragments, stopWatchdog, type CheckContext } from './harness';
import { nested, toJson } from './hostile';

afterAll(async () => await stopWatchdog());

const SECRET = 'sk-live-0123456789abcdef';
const input = [{ email: 'a@example.com', value: 1 }, { email: 'b@example.com', value: NaN }];
const context = (): CheckContext => ({
	input,
	fragments: secretFragments([SECRET]),
	fieldNames: ['email', 'value', 'contact id'],
	longInputs: ['x'.repeat(300)],
	inputObjects: new Set(),
});

function result(outputs: INodeExecutionData[][], error?: { message: string; description?: string }): RunResult {
	return { run: {} as never, outputs: () => outputs, output: (_n, i = 0) => outputs[i] ?? [], error: error as RunResult['error'] };
}

const out = (json: object, item: number | number[]): INodeExecutionData => ({ json: json as never, pairedItem: Array.isArray(item) ? item.map((i) => ({ item: i })) : { item } });

describe('fuzz checks', () => {
	it('pass a run where every item leaves once, passing its own NaN through untouched', () => {
		expect(runProblems(result([[out(input[0], 0)], [out({ ...input[1], arm: 'B' }, 1)]]), 'stop', 'partition', context())).toEqual([]);
	});

	it('pass a run stopped with an error naming the item and the field', () => {
		expect(runProblems(result([], { message: 'Item 1: the Contact ID is empty', description: 'Set "Contact ID" to a field' }), 'stop', 'partition', context())).toEqual([]);
	});

	it('catch a lost, a doubled and an unpaired item', () => {
		expect(runProblems(result([[out(input[0], 0)], []]), 'stop', 'partition', context())).toEqual(['input item 1 left on 0 outputs (none)']);
		expect(runProblems(result([[out(input[0], 0), out(input[1], 1)], [out(input[1], 1)]]), 'stop', 'partition', context())).toEqual([
			'input item 1 left on 2 outputs (output 0 item 1, output 1 item 0)',
		]);
		expect(runProblems(result([[out(input[0], 0), { json: {} }]]), 'stop', 'partition', context())).toContain('output 0 item 1: no pairedItem');
		// An aggregate (summary) output may hold every item once more, and pair with nothing.
		expect(runProblems(result([[out(input[0], 0), out(input[1], 1)], [out({ total: 2 }, [0, 1]), { json: {} }]]), 'stop', { partition: [0] }, context())).toEqual([]);
	});

	it('catch NaN and Infinity the node made, at any depth', () => {
		const problems = runProblems(result([[out({ ...input[0], stats: { rate: Infinity } }, 0), out({ ...input[1], p: [NaN] }, 1)]]), 'stop', 'partition', context());
		expect(problems).toEqual(['output 0 item 0: $.stats.rate is Infinity', 'output 0 item 1: $.p[0] is NaN']);
		expect(problems.map(kindOf)).toEqual(['NaN or Infinity in an output', 'NaN or Infinity in an output']);
	});

	it('catch a secret fragment in an output or an error', () => {
		expect(runProblems(result([[out({ ...input[0], reason: 'key sk-live-01234… refused' }, 0), out(input[1], 1)]]), 'stop', 'partition', context())).toEqual([
			'output 0 item 0: $.reason holds a secret fragment "sk-live-"',
		]);
		expect(errorProblems('e', 'Item 0: email refused (key 6789abcd)', '', context())).toEqual(['e: the error shows a secret fragment "6789abcd"']);
	});

	it('catch errors that name no item or field, JavaScript failures and huge values echoed whole', () => {
		expect(errorProblems('e', 'Something went wrong', '', context())).toEqual(['e: the error names no item: "Something went wrong"', 'e: the error names no field: "Something went wrong"']);
		expect(errorProblems('e', "Item 0: Cannot read properties of undefined (reading 'email')", '', context()).map(kindOf)).toEqual(['JavaScript failure shown']);
		expect(errorProblems('e', `Item 0: email is ${'x'.repeat(300)}`, '', context()).map(kindOf)).toEqual(['huge value echoed']);
		expect(errorProblems('e', `Item 0: email is "${'x'.repeat(200)}…" (300 characters)`, '', context())).toEqual([]);
		expect(errorProblems('e', 'Item 5: email is empty', '', context())).toEqual(['e: the error names item 5 of 2: "Item 5: email is empty"']);
	});

	it('in "continue" modes, check error items like errors and count them as the item leaving', () => {
		const errorItem = { json: { error: 'Item 1: value is NaN, not a number' }, pairedItem: { item: 1 } };
		expect(runProblems(result([[out(input[0], 0)], [], [errorItem]]), 'continueErrorOutput', { partition: [0, 1] }, context())).toEqual([]);
		expect(runProblems(result([[out(input[0], 0), { json: { error: 'oops' }, pairedItem: { item: 1 } }]]), 'continueRegularOutput', 'partition', context())).toEqual([
			'output 0 item 1 (error item): the error names no item: "oops"',
			'output 0 item 1 (error item): the error names no field: "oops"',
		]);
	});

	it('write JSON as JSON.stringify does, also nested deeper than JSON.stringify can go', () => {
		fc.assert(
			fc.property(fc.anything({ withDate: true, withSparseArray: true, withNullPrototype: true }), (value) => {
				expect(toJson(value)).toBe(JSON.stringify(value) ?? 'null');
			}),
			{ seed: 42, numRuns: 1000 },
		);
		expect(toJson(nested(3, NaN, 'mixed'))).toBe('{"a":[{"a":null}]}');
		expect(() => JSON.parse(toJson(nested(10_000, 1, 'mixed')))).not.toThrow();
	});
});
