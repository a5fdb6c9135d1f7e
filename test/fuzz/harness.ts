/**
 * The hostile-input suite's runner: feeds generated items through one node in an in-process n8n
 * (test/helpers/n8n.ts) and checks what every node promises, whatever the input:
 *
 * - every input item leaves on exactly one output (pairedItem across all outputs, n8n's error
 *   output included), or the run stops with an error whose message names the item and the field;
 * - no NaN or Infinity in any output (a value passed through untouched from the input excepted);
 * - no run longer than CK_FUZZ_RUN_SECONDS (5 s); a run that blocks the event loop for longer than
 *   CK_FUZZ_HANG_SECONDS (20 s) is reported by a watchdog thread, which then ends the process;
 * - no 8-character fragment of a test credential's secret in any output, error or answer, and no
 *   input value over 200 characters echoed whole in an error.
 *
 * Seeded: the same search every run by default (DEFAULT_SEED, at most CK_FUZZ_RUNS cases per spec,
 * 300 by default); CK_FUZZ_SEED=random starts a new one and CK_FUZZ_SEED=<n> replays one; the seed
 * is printed with the counts. CK_FUZZ_SECONDS caps the suite's time (60 s by default, shared by the
 * 16 nodes); CK_FUZZ_REPLAY="<label>@<path>" replays one counterexample.
 */
import './quiet';

import { appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

import fc from 'fast-check';
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, INodeType } from 'n8n-workflow';

import { deduplicationStore, PACKAGE, runWorkflow, singleNode, TestNodeTypes, type RunResult } from '../helpers/n8n';

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);

/** The search `npm test` runs; a fault it finds fails the suite until fixed. */
export const DEFAULT_SEED = 20261208;

/** The 16 nodes share the suite's time equally. */
export const NODES = 16;
export const CONFIG = {
	seconds: env('CK_FUZZ_SECONDS', 60),
	runMs: env('CK_FUZZ_RUN_SECONDS', 5) * 1000,
	hangMs: env('CK_FUZZ_HANG_SECONDS', 20) * 1000,
	shrinkMs: env('CK_FUZZ_SHRINK_SECONDS', 3) * 1000,
	// One fixed search by default, so `npm test` (and CI) runs the same cases every time;
	// CK_FUZZ_SEED=random starts a new search (with CK_FUZZ_SECONDS and CK_FUZZ_RUNS for a longer one).
	seed:
		process.env.CK_FUZZ_SEED === 'random'
			? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0
			: process.env.CK_FUZZ_SEED
				? Number(process.env.CK_FUZZ_SEED)
				: DEFAULT_SEED,
	replay: process.env.CK_FUZZ_REPLAY,
};

/** Milliseconds for one spec that gets `share` of a node's part of the suite's time. */
export const budgetMs = (share = 1) => Math.max(500, Math.round(((CONFIG.seconds * 1000) / NODES) * share));

// ---------------------------------------------------------------------------------------------
// Walking values without recursion (outputs may be nested thousands deep).

interface Visit {
	path: string;
	value: unknown;
}

function* walk(root: unknown, rootPath = '$', limit = 2_000_000, skip?: Set<object>): Generator<Visit> {
	const seen = new Set<object>(skip);
	const stack: Visit[] = [{ path: rootPath, value: root }];
	let count = 0;
	while (stack.length && count++ < limit) {
		const visit = stack.pop()!;
		yield visit;
		const { value } = visit;
		if (value === null || typeof value !== 'object' || seen.has(value)) continue;
		seen.add(value);
		if (Array.isArray(value)) for (let i = value.length - 1; i >= 0; i--) stack.push({ path: `${visit.path}[${i}]`, value: value[i] });
		else
			for (const [key, child] of Object.entries(value)) {
				stack.push({ path: `${visit.path}.${key}`, value: child });
				// Keys are visited too (a secret may hide in one); the marker lets keysOf find them.
				stack.push({ path: `${visit.path}{key}`, value: key });
			}
	}
}

/** A short, safe rendering of any value for a report (long strings and deep nesting abbreviated). */
export function preview(value: unknown, budget = 600): string {
	const render = (v: unknown, depth: number): string => {
		if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
		if (typeof v === 'string') {
			if (v.length <= 40) return JSON.stringify(v);
			const runOf = v[0].repeat(v.length - 1) === v.slice(0, -1);
			return runOf ? `${JSON.stringify(v[0])}×${v.length - 1}+${JSON.stringify(v.slice(-1))}` : `${JSON.stringify(v.slice(0, 30))}…(${v.length} chars)`;
		}
		if (v === undefined) return 'undefined';
		if (v instanceof Date) return `Date(${Number.isNaN(v.getTime()) ? 'Invalid' : v.toISOString()})`;
		if (v === null || typeof v !== 'object') return String(v);
		let depthOf = 0;
		for (let cursor: unknown = v; cursor && typeof cursor === 'object' && depthOf < 100_000; depthOf++) {
			const values = Object.values(cursor);
			if (values.length !== 1) break;
			cursor = values[0];
		}
		if (depthOf >= 50) return `<${Array.isArray(v) ? 'array' : 'object'} nested ${depthOf} deep>`;
		if (depth > 4) return Array.isArray(v) ? '[…]' : '{…}';
		if (Array.isArray(v)) return `[${v.map((x) => render(x, depth + 1)).join(', ')}]`;
		return `{${Object.entries(v)
			.map(([k, x]) => `${JSON.stringify(k)}: ${render(x, depth + 1)}`)
			.join(', ')}}`;
	};
	const text = render(value, 0);
	return text.length > budget ? `${text.slice(0, budget)}…` : text;
}

// ---------------------------------------------------------------------------------------------
// The checks.

/** Every 8-character piece of every secret: finding one in an output is a leak. */
export function secretFragments(secrets: string[]): Set<string> {
	const fragments = new Set<string>();
	for (const secret of secrets) for (let i = 0; i + 8 <= secret.length; i++) fragments.add(secret.slice(i, i + 8));
	return fragments;
}

function leakIn(text: string, fragments: Set<string>): string | undefined {
	if (fragments.size === 0) return undefined;
	for (let i = 0; i + 8 <= text.length; i++) {
		const piece = text.slice(i, i + 8);
		if (fragments.has(piece)) return piece;
	}
	return undefined;
}

/** Messages of JavaScript's own failures: a node that lets one through named nothing for the marketer. */
const CRASH = /Cannot read propert|Cannot convert|is not a function|is not iterable|is not defined|Maximum call stack|Invalid array length|Invalid time value|Invalid string length|out of memory|\[object Object\]|toFixed\(\) digits|Converting circular/;
/** The transport's line under a provider's refusal: "POST /v24.0/S404 answered HTTP 400 Bad Request". */
const PROVIDER_ANSWER = /\banswered HTTP \d{3}\b/;
const NAMES_ITEM = /\b(?:item|row|event|contact|entry)\s*#?\s*(\d+)\b/i;

export interface CheckContext {
	input: IDataObject[];
	fragments: Set<string>;
	/** Names a message may use for a field: the items' keys and the node's parameter names. */
	fieldNames: string[];
	/** Input strings over 200 characters: an error may quote at most 200 of them. */
	longInputs: string[];
	/** Every object and array inside the input items (a node may pass them on as they are). */
	inputObjects: Set<object>;
}

/** What is wrong with an error a marketer sees (message and description). */
export function errorProblems(where: string, message: unknown, description: unknown, context: CheckContext, requireNames = true): string[] {
	const problems: string[] = [];
	const text = `${typeof message === 'string' ? message : preview(message)}\n${typeof description === 'string' ? description : ''}`.trim();
	const shown = JSON.stringify(text.length > 400 ? `${text.slice(0, 400)}…` : text);
	if (typeof message !== 'string' || !message.trim()) problems.push(`${where}: the error has no message (${preview(message)})`);
	const crash = CRASH.exec(text);
	if (crash) problems.push(`${where}: a JavaScript failure reached the marketer: ${shown}`);
	if (requireNames) {
		const named = NAMES_ITEM.exec(text);
		if (!named) problems.push(`${where}: the error names no item: ${shown}`);
		else if (Number(named[1]) > context.input.length) problems.push(`${where}: the error names item ${named[1]} of ${context.input.length}: ${shown}`);
		const lower = text.toLowerCase();
		if (!context.fieldNames.some((name) => lower.includes(name))) problems.push(`${where}: the error names no field: ${shown}`);
	}
	const leak = leakIn(text, context.fragments);
	if (leak) problems.push(`${where}: the error shows a secret fragment "${leak}"`);
	const echoed = context.longInputs.find((long) => text.includes(long.slice(0, 201)));
	if (echoed) problems.push(`${where}: the error echoes a ${echoed.length}-character input value whole (over 200 characters)`);
	return problems;
}

/**
 * Non-finite numbers in a value, except those the node passed through untouched: at the same path
 * as in `exempt` (the paired input), or inside an object or array that is the input's own.
 */
export function nonFinite(where: string, value: unknown, exempt: unknown, inputObjects: Set<object>): string[] {
	const allowed = new Set<string>();
	if (exempt !== undefined) for (const visit of walk(exempt)) if (typeof visit.value === 'number' && !Number.isFinite(visit.value)) allowed.add(visit.path);
	const problems: string[] = [];
	for (const visit of walk(value, '$', 2_000_000, inputObjects)) {
		if (typeof visit.value === 'number' && !Number.isFinite(visit.value) && !allowed.has(visit.path)) problems.push(`${where}: ${visit.path} is ${visit.value}`);
		if (problems.length >= 3) break;
	}
	return problems;
}

export function leaks(where: string, value: unknown, fragments: Set<string>): string[] {
	for (const visit of walk(value)) {
		if (typeof visit.value !== 'string') continue;
		const leak = leakIn(visit.value, fragments);
		if (leak) return [`${where}: ${visit.path} holds a secret fragment "${leak}"`];
	}
	return [];
}

export const pairsOf = (item: INodeExecutionData): number[] => {
	const paired = item.pairedItem as unknown;
	if (paired === undefined || paired === null) return [];
	if (typeof paired === 'number') return [paired];
	return (Array.isArray(paired) ? paired : [paired]).map((p: { item: number }) => p.item);
};

export type Pairing = 'partition' | 'covered' | { partition: number[] };
export type Mode = 'stop' | 'continueRegularOutput' | 'continueErrorOutput';

/** Money that is not a plain finite number (true, null, an object, NaN, ±Infinity). */
const notMoney = (value: unknown) => typeof value === 'boolean' || value === null || typeof value === 'object' || (typeof value === 'number' && !Number.isFinite(value));

/**
 * Items a platform accepted (`success: true`) although their input's `field` was not money: what
 * the node sent in its place (`sentAs`, the answer's field) is named, so the fault reads plainly.
 */
export function badMoneyAccepted(input: IDataObject[], result: RunResult, field: string, sentAs: string, what: string): string[] {
	const problems: string[] = [];
	for (const out of result.outputs('Node'))
		for (const answer of out) {
			const [index] = pairsOf(answer);
			const value = input[index]?.[field];
			if (answer.json.success === true && field in (input[index] ?? {}) && notMoney(value)) problems.push(`item ${index}: a ${what} of ${preview(value, 80)} was sent and accepted as ${preview(answer.json[sentAs], 80)}`);
		}
	return problems;
}

/** Everything wrong with one execution. */
export function runProblems(result: RunResult, mode: Mode, pairing: Pairing, context: CheckContext): string[] {
	const { input } = context;
	if (result.error) {
		// A provider's refusal of one item (an HTTP answer, n8n's itemIndex set): the editor shows the
		// item, and the provider's own words are the best account of what it refused.
		const error = result.error as RunResult['error'] & { httpCode?: string };
		const itemIndex = error?.context?.itemIndex;
		const providerRefusal = error?.httpCode !== undefined && typeof itemIndex === 'number' && itemIndex < input.length;
		return errorProblems('the run stopped', error?.message, error?.description, context, !providerRefusal).concat(leaks('the error context', error?.context, context.fragments));
	}
	const problems: string[] = [];
	const outputs = result.outputs('Node');
	const errorOutput = mode === 'continueErrorOutput' ? outputs.length - 1 : -1;
	const partition = pairing === 'partition' || pairing === 'covered' ? outputs.map((_, i) => i) : [...pairing.partition, errorOutput].filter((i) => i >= 0);
	const seen = new Map<number, string[]>();
	outputs.forEach((items, output) => {
		items.forEach((item, at) => {
			const where = `output ${output} item ${at}`;
			const pairs = pairsOf(item);
			// Aggregates (a summary, a channel with spend and no events) may pair with nothing.
			if (pairs.length === 0 && pairing !== 'covered' && partition.includes(output)) problems.push(`${where}: no pairedItem`);
			for (const index of pairs) {
				if (!(index >= 0 && index < input.length)) problems.push(`${where}: pairedItem ${index} is not an input item`);
				if (partition.includes(output)) seen.set(index, [...(seen.get(index) ?? []), where]);
			}
			const isError = output === errorOutput || (mode === 'continueRegularOutput' && typeof item.json.error === 'string' && !('error' in (input[pairs[0]] ?? {})));
			// An error item is paired to its one input item; a provider's refusal in it (the transport's
			// "… answered HTTP 400" line) speaks in the provider's words, as in the stopped-run case.
			const providerRefusal = PROVIDER_ANSWER.test(`${String(item.json.error)}\n${String(item.json.details ?? '')}`) && pairs.length === 1;
			if (isError) problems.push(...errorProblems(`${where} (error item)`, item.json.error, item.json.details ?? item.json.description, context, !providerRefusal));
			problems.push(...nonFinite(where, item.json, pairs.length === 1 ? input[pairs[0]] : undefined, context.inputObjects));
			problems.push(...leaks(where, item.json, context.fragments));
		});
	});
	for (let index = 0; index < input.length; index++) {
		const places = seen.get(index) ?? [];
		if (pairing === 'covered') {
			const anywhere = outputs.some((items) => items.some((item) => pairsOf(item).includes(index)));
			if (!anywhere) problems.push(`input item ${index} left on no output`);
		} else if (places.length !== 1) problems.push(`input item ${index} left on ${places.length} outputs (${places.join(', ') || 'none'})`);
	}
	return problems;
}

// ---------------------------------------------------------------------------------------------
// The watchdog: a thread that notices when the event loop is blocked (a backtracking pattern, an
// endless expression) and reports the case before ending the process; nothing else can stop it.

const WATCHDOG = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const clock = new Float64Array(workerData.shared, 0, 1);
const length = new Int32Array(workerData.shared, 8, 1);
const text = new Uint8Array(workerData.shared, 16);
setInterval(() => {
	const started = clock[0];
	if (!started || Date.now() - started < workerData.limit) return;
	const report = 'FUZZ HANG: a run blocked the event loop for over ' + workerData.limit / 1000 + ' s; ending the process.\\n' + Buffer.from(text.slice(0, length[0])).toString() + '\\n';
	fs.writeSync(2, report);
	try { fs.appendFileSync(workerData.file, report); } catch {}
	process.kill(process.pid, 'SIGKILL');
}, 250);
`;

const SHARED_BYTES = 16 + 16_384;
let watchdog: { worker: Worker; clock: Float64Array; length: Int32Array; text: Uint8Array } | undefined;

/** Where hang reports go besides stderr (the process ends right after). */
export const HANG_FILE = path.join(tmpdir(), 'campaign-kit-fuzz-hangs.txt');

function watch(report: string): void {
	if (!watchdog) {
		const shared = new SharedArrayBuffer(SHARED_BYTES);
		const worker = new Worker(WATCHDOG, { eval: true, workerData: { shared, limit: CONFIG.hangMs, file: HANG_FILE } });
		worker.unref();
		watchdog = { worker, clock: new Float64Array(shared, 0, 1), length: new Int32Array(shared, 8, 1), text: new Uint8Array(shared, 16) };
	}
	const bytes = Buffer.from(report).subarray(0, SHARED_BYTES - 16);
	watchdog.text.set(bytes);
	watchdog.length[0] = bytes.length;
	watchdog.clock[0] = Date.now();
}

const unwatch = () => {
	if (watchdog) watchdog.clock[0] = 0;
};

export async function stopWatchdog(): Promise<void> {
	await watchdog?.worker.terminate();
	watchdog = undefined;
}

// ---------------------------------------------------------------------------------------------
// Feeding items: a source node that emits the generated items as they are (NaN, -0, undefined,
// lone surrogates and all), not through JSON as the shared fixture node does.

let pending: INodeExecutionData[] = [];

class HostileInput implements INodeType {
	description = {
		displayName: 'Hostile input',
		name: 'hostileInput',
		group: ['input'],
		version: 1,
		description: 'Generated items',
		defaults: { name: 'Hostile input' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [pending];
	}
}

/** Parameter names and display names anywhere in a node's description, lower case. */
function parameterNames(type: string): string[] {
	const node = new TestNodeTypes().getByNameAndVersion(`${PACKAGE}.${type}`);
	const names = new Set<string>();
	const visit = (properties: unknown[]) => {
		for (const property of properties as Array<INodeProperties & { values?: unknown[] }>) {
			if (property.name) names.add(property.name.toLowerCase());
			if (property.displayName) names.add(property.displayName.toLowerCase());
			if (Array.isArray(property.options)) visit(property.options);
			if (Array.isArray(property.values)) visit(property.values);
		}
	};
	visit(node.description.properties);
	return [...names].filter((name) => name.length >= 2);
}

export function keysOf(values: unknown[]): string[] {
	const keys = new Set<string>();
	for (const value of values) for (const visit of walk(value, '$', 20_000)) if (/\{key\}$/.test(visit.path) && typeof visit.value === 'string' && visit.value.length >= 2) keys.add(visit.value.toLowerCase());
	return [...keys];
}

export function objectsIn(values: unknown[]): Set<object> {
	const found = new Set<object>();
	for (const value of values) for (const visit of walk(value, '$', 200_000)) if (visit.value !== null && typeof visit.value === 'object' && visit.value !== value) found.add(visit.value);
	return found;
}

export function longStrings(values: unknown[]): string[] {
	const out: string[] = [];
	for (const value of values) for (const visit of walk(value, '$', 200_000)) if (typeof visit.value === 'string' && visit.value.length > 200) out.push(visit.value);
	return out;
}

// ---------------------------------------------------------------------------------------------
// Counting, for the summary the README reports.

interface Tally {
	label: string;
	runs: number;
	items: number;
	stopped: number;
	/** Items that left on each output (the error output last), over all runs that finished. */
	outputs: number[];
	seconds: number;
	failed: boolean;
}

const tallies: Tally[] = [];
/** Items are counted while searching, not while shrinking a failure. */
let counting = true;

export function printSummary(): void {
	const lines = tallies.map(
		(t) => `fuzz ${t.label}: ${t.runs} runs, ${t.items} items, ${t.stopped} runs stopped with an error, items per output [${t.outputs.join(', ')}], ${t.seconds.toFixed(1)} s${t.failed ? ', FAILED' : ''}`,
	);
	process.stdout.write(`\nfuzz seed ${CONFIG.seed} (replay with CK_FUZZ_SEED=${CONFIG.seed}); ${CONFIG.seconds} s for ${NODES} nodes\n${lines.join('\n')}\n`);
}

export function tally(label: string): Tally {
	const entry: Tally = { label, runs: 0, items: 0, stopped: 0, outputs: [], seconds: 0, failed: false };
	tallies.push(entry);
	return entry;
}

/** A seed of its own for each spec, derived from the suite's seed. */
export function seedFor(label: string): number {
	let hash = CONFIG.seed | 0;
	for (const char of label) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
	return hash;
}

/** Problems sorted into kinds, so that one frequent fault does not hide the others. */
const KINDS: Array<[string, RegExp]> = [
	['took too long', /^the run took/],
	['webhook threw (answered 500)', /^webhook\(\) threw/],
	['secret fragment', /secret fragment/],
	['JavaScript failure shown', /JavaScript failure/],
	['error names no item', /names no item|names item \d+ of/],
	['error names no field', /names no field/],
	['error has no message', /no message/],
	['huge value echoed', /echoes a/],
	['NaN or Infinity in an output', / is (NaN|Infinity|-Infinity)$/],
	['item lost, doubled or unpaired', /left on|pairedItem/],
];

export const kindOf = (problem: string) => KINDS.find(([, pattern]) => pattern.test(problem))?.[0] ?? 'node-specific check';

/**
 * Runs a property for the spec's share of the time, collecting the first case of each kind of
 * problem; then shrinks each (CK_FUZZ_SHRINK_SECONDS in all) and throws one report with the seed,
 * and per kind the replay path, the smallest counterexample found and what went wrong.
 */
export async function fuzz<T>(
	label: string,
	share: number,
	arbitrary: fc.Arbitrary<T>,
	problemsOf: (value: T) => Promise<string[]>,
	describeCase: (value: T) => string,
	itemsOf?: (value: T) => number,
): Promise<void> {
	const seed = seedFor(label);
	const entry = tally(label);
	const started = Date.now();
	let run = 0;
	const watched = async (value: T) => {
		watch(`${label}, after ${run} runs: ${describeCase(value)}\nreplay the search: CK_FUZZ_SEED=${CONFIG.seed} npx jest --selectProjects fuzz (the file of ${label})`);
		try {
			return await problemsOf(value);
		} finally {
			unwatch();
		}
	};
	const [replayLabel, replayPath] = CONFIG.replay?.split('@') ?? [];
	const found = new Map<string, number>();
	const firstSeen = new Map<string, string>();
	counting = true;
	if (replayLabel === label) {
		const details = await fc.check(fc.asyncProperty(arbitrary, async (value) => (await watched(value)).length === 0), { seed, path: replayPath, endOnFailure: true });
		entry.runs = details.numRuns;
		if (details.failed) found.set('replayed', Number(replayPath.split(':')[0]));
	} else {
		const searching = fc.asyncProperty(arbitrary, async (value) => {
			const index = run++;
			if (itemsOf) entry.items += itemsOf(value);
			for (const problem of await watched(value))
				if (!found.has(kindOf(problem))) {
					found.set(kindOf(problem), index);
					firstSeen.set(kindOf(problem), `${problem}\n  case: ${describeCase(value)}`);
				}
		});
		const details = await fc.check(searching, { seed, numRuns: env('CK_FUZZ_RUNS', 300), interruptAfterTimeLimit: budgetMs(share), markInterruptAsFailure: false });
		entry.runs = details.numRuns;
	}
	entry.seconds = (Date.now() - started) / 1000;
	if (found.size === 0) return;
	entry.failed = true;
	counting = false;
	const reports: string[] = [];
	for (const [kind, index] of found) {
		let seen: string[] = [];
		const failing = fc.asyncProperty(arbitrary, async (value) => {
			const matching = (await watched(value)).filter((problem) => kind === 'replayed' || kindOf(problem) === kind);
			// The last failure fast-check sees is the counterexample it reports (a stack overflow may not repeat on a re-run).
			if (matching.length) seen = matching;
			return matching.length === 0;
		});
		const shrunk = await fc.check(failing, { seed, path: String(index), interruptAfterTimeLimit: Math.max(1000, CONFIG.shrinkMs / found.size), markInterruptAsFailure: false });
		if (!shrunk.failed || !shrunk.counterexample) {
			const note = `[${kind}] seen at run ${index}, not reproduced on replay (timing or state between runs): ${firstSeen.get(kind) ?? ''}`;
			// A slow run that is fast on replay was the machine (start-up, a busy core), not the input.
			if (kind === 'took too long') process.stdout.write(`fuzz ${label}: not counted: ${note}\n`);
			else reports.push(note);
			continue;
		}
		const [smallest] = shrunk.counterexample;
		reports.push(
			[
				`[${kind}] ${seen.slice(0, 4).join('; ')}`,
				`  counterexample: ${describeCase(smallest)}`,
				`  replay: CK_FUZZ_SEED=${CONFIG.seed} CK_FUZZ_REPLAY='${label}@${shrunk.counterexamplePath}'`,
			].join('\n'),
		);
	}
	if (reports.length === 0) {
		entry.failed = false;
		return;
	}
	const message = `${label} (seed ${seed}, suite seed ${CONFIG.seed}): ${reports.length} kind(s) of problem\n${reports.join('\n')}`;
	appendFileSync(path.join(tmpdir(), 'campaign-kit-fuzz-failures.txt'), `${new Date().toISOString()}\n${message}\n\n`);
	throw new Error(message);
}

// ---------------------------------------------------------------------------------------------
// One node under test.

export interface NodeSpec {
	/** Shown in reports and used for the replay path. */
	label: string;
	/** The node's type name, e.g. "email". */
	node: string;
	parameters: IDataObject;
	items: fc.Arbitrary<IDataObject[]>;
	pairing: Pairing;
	/** This spec's share of its node's time. */
	share?: number;
	credentials?: () => { ids: Record<string, { id: string; name: string }>; data: Record<string, ICredentialDataDecryptedObject> };
	secrets?: string[];
	/** Called before each run, e.g. to reset a stand-in. */
	before?: () => void;
	/** Node-specific problems (e.g. a bad number a stand-in accepted). */
	check?: (input: IDataObject[], result: RunResult) => string[];
	/** Modes of "On Error" to try; all three by default. */
	modes?: Mode[];
}

export function fuzzNode(spec: NodeSpec): Promise<void> {
	const fragments = secretFragments(spec.secrets ?? []);
	const names = parameterNames(spec.node);
	const modes = spec.modes ?? ['stop', 'stop', 'continueRegularOutput', 'continueErrorOutput'];
	const entry = { items: 0, stopped: 0, outputs: [] as number[] };
	const arbitrary = fc.tuple(spec.items, fc.constantFrom(...modes));
	const problemsOf = async ([input, mode]: [IDataObject[], Mode]): Promise<string[]> => {
		spec.before?.();
		deduplicationStore.clear();
		if (counting) entry.items += input.length;
		pending = input.map((json, i) => ({ json, pairedItem: { item: i } }));
		const credentials = spec.credentials?.();
		const workflow = singleNode(spec.node, spec.parameters, [], {
			...(credentials ? { credentials: credentials.ids } : {}),
			...(mode === 'stop' ? {} : { onError: mode }),
		});
		workflow.nodes[0].type = 'test.hostileInput';
		const started = Date.now();
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), CONFIG.runMs)));
		const outcome = await Promise.race([runWorkflow(workflow, { credentials: credentials?.data, nodeTypes: { 'test.hostileInput': new HostileInput() } }), timeout]);
		clearTimeout(timer);
		const ms = Date.now() - started;
		if (outcome === 'timeout') return [`the run took over ${CONFIG.runMs / 1000} s (mode ${mode})`];
		if (outcome.error && counting) entry.stopped++;
		if (counting) outcome.outputs('Node').forEach((out, i) => (entry.outputs[i] = (entry.outputs[i] ?? 0) + out.length));
		const context: CheckContext = { input, fragments, fieldNames: [...names, ...keysOf(input)], longInputs: longStrings(input), inputObjects: objectsIn(input) };
		const problems = [...(ms > CONFIG.runMs ? [`the run took ${ms} ms (bound ${CONFIG.runMs} ms)`] : []), ...runProblems(outcome, mode, spec.pairing, context), ...(spec.check?.(input, outcome) ?? [])];
		return [...new Set(problems)];
	};
	// One untimed run first: the first execution in a test file loads and compiles the node's modules.
	const warmUp = async () => {
		pending = [{ json: {}, pairedItem: { item: 0 } }];
		spec.before?.();
		const credentials = spec.credentials?.();
		const workflow = singleNode(spec.node, spec.parameters, [], credentials ? { credentials: credentials.ids } : {});
		workflow.nodes[0].type = 'test.hostileInput';
		await runWorkflow(workflow, { credentials: credentials?.data, nodeTypes: { 'test.hostileInput': new HostileInput() } });
	};
	const describeCase = ([input, mode]: [IDataObject[], Mode]) => `mode ${mode}, ${input.length} items: ${preview(input, 1500)}`;
	const search = async () => {
		await warmUp();
		await fuzz(spec.label, spec.share ?? 1, arbitrary, problemsOf, describeCase);
	};
	return search().finally(() => {
		const mine = tallies.find((t) => t.label === spec.label);
		if (mine) Object.assign(mine, { items: entry.items, stopped: entry.stopped, outputs: Array.from(entry.outputs, (n) => n ?? 0) });
	});
}
