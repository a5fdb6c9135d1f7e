/**
 * Turns a parsed definition into one tree of closures, built once per execution and then run over
 * every contact: field paths become getters, values are converted to the compared type once,
 * regular expressions are built once (on the linear-time engine), dates become epoch milliseconds
 * relative to one execution time, and each group runs its cheapest children first (field conditions, then event conditions,
 * then JSONata, which is asynchronous and only evaluated when reached).
 */
import { linearPattern } from '../../shared/patterns';
import { shown } from '../../shared/show';

import { compareExact, compareFast, satisfies } from './decimal';
import { anniversaryDays, MIN_DATE_MS, monthDay, parseIsoDate, resolveDate, segmentZone, shift, toDateMs, type SegmentZone } from './dates';
import { describe } from './describe';
import { SegmentDefinitionError, SegmentEvaluationError } from './errors';
import { boundedExpression, expressionLimits, type ExpressionLimits } from './expression';
import type {
	Aggregate,
	Bounds,
	DateSpec,
	EventNode,
	Explained,
	FieldNode,
	FieldOp,
	JsonataNode,
	Reason,
	RegexSpec,
	Scalar,
	SegmentDefinition,
	SegmentNode,
} from './types';
import { asciiLower, asNumber, asText, compareText, isEmptyValue, isNumericText, pathGetter } from './values';

export interface CompileOptions {
	/** The execution time, epoch milliseconds: every relative date is measured from it. */
	now: number;
	/** IANA time zone for local times, date-only values, "today", calendar durations and anniversaries. */
	timeZone: string;
	/** Bounds on each JSONata evaluation; the defaults fill what is not given. */
	expressionLimits?: Partial<ExpressionLimits>;
}

type Maybe = boolean | Promise<boolean>;
type Events = readonly unknown[] | undefined;
type Test = (root: unknown, events: Events) => boolean;
type AsyncTest = (root: unknown, events: Events) => Maybe;
type Explain = (root: unknown, events: Events, out: Reason[]) => Maybe;

interface Unit {
	cost: number;
	async: boolean;
	test: AsyncTest;
	explain: Explain;
}

export interface CompiledSegment {
	definition: SegmentDefinition;
	/** True when the definition has JSONata: test and explain then return promises. */
	async: boolean;
	now: number;
	zone: SegmentZone;
	/** Whether a contact is in the segment. `events` is its event list (undefined: none). */
	test(contact: unknown, events?: unknown): Maybe;
	/** Membership with the conditions that decided it. */
	explain(contact: unknown, events?: unknown): Explained | Promise<Explained>;
}

const NEGATIONS: Partial<Record<FieldOp, FieldOp>> = {
	neq: 'eq',
	notIn: 'in',
	notContains: 'contains',
	notWithinLast: 'withinLast',
	isNotEmpty: 'isEmpty',
};

const isPromise = (v: Maybe): v is Promise<boolean> => typeof v !== 'boolean';

/** Each condition's place in the definition (depth first), to list reasons in the order they were written. */
const ORDER = new WeakMap<Reason, number>();
const byOrder = (a: Reason, b: Reason) => (ORDER.get(a) as number) - (ORDER.get(b) as number);

function inDefinitionOrder(reasons: Reason[]): Reason[] {
	for (let i = 1; i < reasons.length; i++) {
		if ((ORDER.get(reasons[i - 1]) as number) > (ORDER.get(reasons[i]) as number)) return reasons.sort(byOrder);
	}
	return reasons;
}

/** An amount for sum / avg: a finite number or numeric text; NaN when it is neither. */
const numericValue = (v: unknown): number =>
	typeof v === 'number' ? (Number.isFinite(v) ? v : NaN) : typeof v === 'string' && isNumericText(v) ? Number(v) : NaN;

class Compiler {
	private order = 0;

	constructor(
		readonly now: number,
		readonly zone: SegmentZone,
		readonly limits: ExpressionLimits,
	) {}

	instant(spec: DateSpec, path: string): number {
		const ms = resolveDate(spec, this.now, this.zone);
		if (Number.isNaN(ms)) {
			throw new SegmentDefinitionError(path, 'the date falls outside the years 0001–9999', 'Give a date between 0001-01-01 and 9999-12-31.');
		}
		return ms;
	}

	windowStart(duration: string, path: string): number {
		const from = shift(this.now, this.zone, duration, -1);
		if (!(from >= MIN_DATE_MS)) throw new SegmentDefinitionError(path, `${duration} reaches before the year 0001`, 'Give a shorter duration.');
		return from;
	}

	unit(node: SegmentNode): Unit {
		let unit: Unit;
		switch (node.kind) {
			case 'field':
				unit = this.leaf(node, this.field(node), 1 + (node.op === 'regex' ? 2 : node.op === 'anniversary' ? 4 : 0));
				break;
			case 'event':
				unit = this.event(node);
				break;
			case 'jsonata':
				unit = this.jsonata(node);
				break;
			case 'not': {
				// Reported as one reason ("not (…)" held or not): clearer than the inner conditions with the opposite outcome.
				const inner = this.not(this.unit(node.child));
				unit = this.leaf(node, inner.test, inner.cost, inner.async);
				break;
			}
			case 'all':
			case 'any':
				unit = this.group(node.kind, node.children.map((child) => this.unit(child)));
				break;
		}
		if (node.label !== undefined && (node.kind === 'all' || node.kind === 'any')) {
			return this.labelled(node, unit);
		}
		return unit;
	}

	/** A condition reported as one reason: its own text (or label) and whether it held. */
	leaf(node: SegmentNode, test: AsyncTest, cost: number, async = false): Unit {
		const condition = describe(node);
		const yes: Reason = Object.freeze({ path: node.path, condition, met: true });
		const no: Reason = Object.freeze({ path: node.path, condition, met: false });
		const order = this.order++;
		ORDER.set(yes, order);
		ORDER.set(no, order);
		const explain: Explain = async
			? (root, events, out) => {
					const result = test(root, events) as Promise<boolean>;
					const slot = out.length;
					out.push(no);
					return Promise.resolve(result).then((met) => {
						out[slot] = met ? yes : no;
						return met;
					});
				}
			: (root, events, out) => {
					const met = test(root, events) as boolean;
					out.push(met ? yes : no);
					return met;
				};
		return { cost, async, test, explain };
	}

	labelled(node: SegmentNode, unit: Unit): Unit {
		return this.leaf(node, unit.test, unit.cost, unit.async);
	}

	not(child: Unit): Unit {
		if (!child.async) {
			const test = child.test as Test;
			const explain = child.explain;
			return { cost: child.cost, async: false, test: (r, e) => !test(r, e), explain: (r, e, out) => !explain(r, e, out) };
		}
		return {
			cost: child.cost,
			async: true,
			test: async (r, e) => !(await child.test(r, e)),
			explain: async (r, e, out) => !(await child.explain(r, e, out)),
		};
	}

	group(kind: 'all' | 'any', children: Unit[]): Unit {
		// Cheapest first; a stable sort keeps the written order among equals.
		const kids = children.map((unit, i) => ({ unit, i })).sort((a, b) => a.unit.cost - b.unit.cost || a.i - b.i).map((k) => k.unit);
		const cost = kids.reduce((sum, k) => sum + k.cost, 0);
		const async = kids.some((k) => k.async);
		const all = kind === 'all';
		if (!async) {
			const tests = kids.map((k) => k.test as Test);
			let test: Test;
			if (tests.length === 0) test = () => all;
			else if (all) test = tests.reduceRight((rest, first) => (r, e) => first(r, e) && rest(r, e));
			else test = tests.reduceRight((rest, first) => (r, e) => first(r, e) || rest(r, e));
			const explains = kids.map((k) => k.explain);
			const explain: Explain = (r, e, out) => {
				const mark = out.length;
				for (let i = 0; i < explains.length; i++) {
					const before = out.length;
					if ((explains[i](r, e, out) as boolean) !== all) {
						// This child decided alone: keep its reasons only.
						const n = out.length - before;
						for (let j = 0; j < n; j++) out[mark + j] = out[before + j];
						out.length = mark + n;
						return !all;
					}
				}
				return all;
			};
			return { cost, async, test, explain };
		}
		const test: AsyncTest = async (r, e) => {
			for (const kid of kids) {
				const v = kid.test(r, e);
				if ((isPromise(v) ? await v : v) !== all) return !all;
			}
			return all;
		};
		const explain: Explain = async (r, e, out) => {
			const mark = out.length;
			for (const kid of kids) {
				const before = out.length;
				const v = kid.explain(r, e, out);
				if ((isPromise(v) ? await v : v) !== all) {
					const kept = out.slice(before);
					out.length = mark;
					out.push(...kept);
					return !all;
				}
			}
			return all;
		};
		return { cost, async, test, explain };
	}

	/** A field condition as a synchronous test of a root object (the contact, or an event's properties). */
	field(node: FieldNode): Test {
		const get = pathGetter(node.segments);
		const negated = NEGATIONS[node.op];
		const op = negated ?? node.op;
		if (op === 'isEmpty') {
			return negated ? (r) => !isEmptyValue(get(r)) : (r) => isEmptyValue(get(r));
		}
		if (op === 'exists') {
			return (r) => {
				const v = get(r);
				return v !== undefined && v !== null;
			};
		}
		// contains on a list asks for an element equal to the value; other ops ask any element to pass.
		// Only text contains text; a number, date or true/false is never "contained" in a single value.
		const scalar = op === 'contains' && node.type !== 'string' ? () => false : this.scalarTest(node, op);
		const element = op === 'contains' ? this.scalarTest(node, 'eq') : scalar;
		const positive: Test = (r) => {
			const v = get(r);
			if (Array.isArray(v)) {
				for (let i = 0; i < v.length; i++) if (element(v[i])) return true;
				return false;
			}
			return scalar(v);
		};
		return negated ? (r, e) => !positive(r, e) : positive;
	}

	/** The positive op on one (non-list) value. */
	scalarTest(node: FieldNode, op: FieldOp): (v: unknown) => boolean {
		const path = `${node.path}.value`;
		switch (node.type) {
			case 'string':
				return this.textTest(node, op);
			case 'number':
				return this.orderedTest(op, node.value as number | number[], asNumber, path);
			case 'boolean': {
				if (op === 'in') {
					const set = new Set(node.value as boolean[]);
					return (v) => typeof v === 'boolean' && set.has(v);
				}
				const target = node.value as boolean;
				return op === 'eq' ? (v) => v === target : () => false;
			}
			case 'date': {
				const zone = this.zone;
				const toMs = (v: unknown) => toDateMs(v, zone);
				if (op === 'withinLast') {
					const from = this.windowStart(node.value as string, path);
					const to = this.now;
					return (v) => {
						const ms = toMs(v);
						return ms >= from && ms <= to;
					};
				}
				if (op === 'anniversary') {
					const days = new Set(anniversaryDays(this.now, zone, node.value as string | undefined));
					return (v) => {
						const ms = toMs(v);
						return ms === ms && days.has(monthDay(ms, zone));
					};
				}
				const mapped = op === 'before' ? 'lt' : op === 'after' ? 'gt' : op;
				const resolve = (spec: Scalar, at: string) => this.instant(spec as DateSpec, at);
				const value = Array.isArray(node.value)
					? (node.value as Scalar[]).map((s, i) => resolve(s, `${path}[${i}]`))
					: resolve(node.value as Scalar, path);
				return this.orderedTest(mapped, value, toMs, path);
			}
			default:
				return () => false;
		}
	}

	/** eq, gt, gte, lt, lte, between, in (and contains as equality) on numbers or epoch milliseconds. */
	orderedTest(op: FieldOp, value: number | number[], read: (v: unknown) => number, path: string): (v: unknown) => boolean {
		const t = value as number;
		switch (op) {
			case 'eq':
				return (v) => read(v) === t;
			case 'gt':
				return (v) => read(v) > t;
			case 'gte':
				return (v) => read(v) >= t;
			case 'lt':
				return (v) => read(v) < t;
			case 'lte':
				return (v) => read(v) <= t;
			case 'between': {
				const [lo, hi] = value as number[];
				return (v) => {
					const x = read(v);
					return x >= lo && x <= hi;
				};
			}
			case 'in': {
				const list = value as number[];
				if (list.length <= 8) {
					return (v) => {
						const x = read(v);
						for (let i = 0; i < list.length; i++) if (list[i] === x) return true;
						return false;
					};
				}
				const set = new Set(list);
				return (v) => set.has(read(v));
			}
			default:
				throw new SegmentDefinitionError(path, `"${op}" cannot compare these values`, 'Use eq, neq, gt, gte, lt, lte, between, in or notIn.');
		}
	}

	textTest(node: FieldNode, op: FieldOp): (v: unknown) => boolean {
		const fold = node.ignoreCase ? asciiLower : (s: string) => s;
		const read = node.ignoreCase
			? (v: unknown) => {
					const s = typeof v === 'string' ? v : asText(v);
					return s === undefined ? undefined : asciiLower(s);
				}
			: (v: unknown) => (typeof v === 'string' ? v : asText(v));
		switch (op) {
			case 'eq': {
				const t = fold(node.value as string);
				return (v) => read(v) === t;
			}
			case 'gt':
			case 'gte':
			case 'lt':
			case 'lte': {
				const t = fold(node.value as string);
				const want = op === 'gt' ? (c: number) => c > 0 : op === 'gte' ? (c: number) => c >= 0 : op === 'lt' ? (c: number) => c < 0 : (c: number) => c <= 0;
				return (v) => {
					const s = read(v);
					return s !== undefined && want(compareText(s, t));
				};
			}
			case 'between': {
				const [lo, hi] = (node.value as string[]).map(fold);
				return (v) => {
					const s = read(v);
					return s !== undefined && compareText(s, lo) >= 0 && compareText(s, hi) <= 0;
				};
			}
			case 'in': {
				const set = new Set((node.value as string[]).map(fold));
				return (v) => {
					const s = read(v);
					return s !== undefined && set.has(s);
				};
			}
			case 'contains': {
				const t = fold(node.value as string);
				return (v) => {
					const s = read(v);
					return s !== undefined && s.includes(t);
				};
			}
			case 'startsWith': {
				const t = fold(node.value as string);
				return (v) => {
					const s = read(v);
					return s !== undefined && s.startsWith(t);
				};
			}
			case 'endsWith': {
				const t = fold(node.value as string);
				return (v) => {
					const s = read(v);
					return s !== undefined && s.endsWith(t);
				};
			}
			case 'regex': {
				// Linear in the text whatever the pattern: V8's backtracking engine could block n8n for minutes.
				const re = linearPattern((node.value as RegexSpec).re2, { dotAll: true });
				return (v) => {
					const s = read(v);
					return s !== undefined && re.test(s);
				};
			}
			default:
				throw new SegmentDefinitionError(`${node.path}.op`, `"${op}" does not apply to text`, 'Use a text operator such as eq, contains or startsWith.');
		}
	}

	event(node: EventNode): Unit {
		const zone = this.zone;
		const type = node.event;
		const windowed = node.within !== undefined;
		const from = windowed ? this.windowStart(node.within as string, `${node.path}.within`) : 0;
		const to = this.now;
		const whereUnit = node.where ? this.unit(node.where) : undefined;
		const sum = node.sum;
		const avg = node.avg;
		const count: Bounds | undefined = node.count ?? (!sum && !avg ? { gte: 1 } : undefined);
		// With only a lower bound on the count and nothing to add up, stop at the bound.
		const enough =
			!sum && !avg && count && count.eq === undefined && count.lt === undefined && count.lte === undefined
				? Math.max(count.gte ?? 0, count.gt === undefined ? 0 : count.gt + 1)
				: Infinity;
		const getSum = sum ? pathGetter(sum.segments) : undefined;
		const getAvg = avg ? pathGetter(avg.segments) : undefined;

		const inWindow = (e: Record<string, unknown>) => {
			const ts = e.timestamp;
			const ms = typeof ts === 'string' ? parseIsoDate(ts, zone) : toDateMs(ts, zone);
			return ms >= from && ms <= to;
		};
		const candidate = (e: unknown): e is Record<string, unknown> =>
			e !== null && typeof e === 'object' && (e as Record<string, unknown>).eventType === type && (!windowed || inWindow(e as Record<string, unknown>));

		const countHolds = (n: number) => count === undefined || satisfies((t) => (n < t ? -1 : n > t ? 1 : 0), count);
		/** Whether an aggregate's bounds hold, from its floating-point sum; `exact` lists the values when needed. */
		const aggregateHolds = (agg: Aggregate, total: number, absTotal: number, n: number, isAvg: boolean, exact: () => Array<number | string>) => {
			const factor = isAvg ? n : 1;
			if (isAvg && n === 0) return false;
			let values: Array<number | string> | undefined;
			return satisfies((t) => {
				const fast = compareFast(total, absTotal, n, t, factor);
				if (fast === fast) return fast;
				values ??= exact();
				return compareExact(values, t, factor);
			}, agg);
		};

		if (!whereUnit || !whereUnit.async) {
			const where = whereUnit?.test as Test | undefined;
			const passes = (e: unknown): e is Record<string, unknown> => candidate(e) && (where === undefined || where(e.properties, undefined));
			const valuesOf = (events: readonly unknown[], get: (root: unknown) => unknown) => () => {
				const list: Array<number | string> = [];
				for (const e of events) {
					if (!passes(e)) continue;
					const v = get(e.properties);
					if (numericValue(v) === numericValue(v)) list.push(v as number | string);
				}
				return list;
			};
			let test: Test;
			if (!sum && !avg) {
				const bounds = count as Bounds;
				test = (_root, events) => {
					let n = 0;
					if (events !== undefined) {
						for (let i = 0; i < events.length; i++) {
							if (passes(events[i]) && ++n >= enough) return true;
						}
					}
					return satisfies((t) => (n < t ? -1 : n > t ? 1 : 0), bounds);
				};
			} else {
				test = (_root, events) => {
					let n = 0;
					let sTotal = 0;
					let sAbs = 0;
					let sN = 0;
					let aTotal = 0;
					let aAbs = 0;
					let aN = 0;
					if (events !== undefined) {
						for (let i = 0; i < events.length; i++) {
							const e = events[i];
							if (!passes(e)) continue;
							n++;
							if (getSum !== undefined) {
								const x = numericValue(getSum(e.properties));
								if (x === x) {
									sTotal += x;
									sAbs += Math.abs(x);
									sN++;
								}
							}
							if (getAvg !== undefined) {
								const x = numericValue(getAvg(e.properties));
								if (x === x) {
									aTotal += x;
									aAbs += Math.abs(x);
									aN++;
								}
							}
						}
					}
					if (!countHolds(n)) return false;
					const list = events ?? [];
					if (sum && !aggregateHolds(sum, sTotal, sAbs, sN, false, valuesOf(list, getSum as (r: unknown) => unknown))) return false;
					if (avg && !aggregateHolds(avg, aTotal, aAbs, aN, true, valuesOf(list, getAvg as (r: unknown) => unknown))) return false;
					return true;
				};
			}
			return this.leaf(node, test, 10 + (whereUnit?.cost ?? 0));
		}

		// A where with JSONata: events are checked one after the other, asynchronously.
		const whereAsync = whereUnit.test;
		const test: AsyncTest = async (_root, events) => {
			const kept: Record<string, unknown>[] = [];
			for (const e of events ?? []) {
				if (!candidate(e)) continue;
				const v = whereAsync(e.properties, undefined);
				if (isPromise(v) ? await v : v) kept.push(e);
				if (kept.length >= enough) return true;
			}
			if (!countHolds(kept.length)) return false;
			const check = (agg: Aggregate | undefined, get: ((r: unknown) => unknown) | undefined, isAvg: boolean) => {
				if (!agg || !get) return true;
				const values: Array<number | string> = [];
				let total = 0;
				let absTotal = 0;
				for (const e of kept) {
					const v = get(e.properties);
					const x = numericValue(v);
					if (x !== x) continue;
					total += x;
					absTotal += Math.abs(x);
					values.push(v as number | string);
				}
				return aggregateHolds(agg, total, absTotal, values.length, isAvg, () => values);
			};
			return check(sum, getSum, false) && check(avg, getAvg, true);
		};
		return this.leaf(node, test, 1000 + whereUnit.cost, true);
	}

	jsonata(node: JsonataNode): Unit {
		const path = `${node.path}.jsonata`;
		const evaluate = boundedExpression(node.expression, path, this.limits);
		const test: AsyncTest = async (root) => {
			const result = await evaluate(root);
			if (result === true) return true;
			if (result === false || result === undefined || result === null) return false;
			throw new SegmentEvaluationError(
				path,
				`JSONata returned ${typeof result === 'function' ? typeof result : shown(result)}, not true or false`,
				'Make the expression return true or false, e.g. compare it ("… > 0") or wrap it in $boolean(…).',
			);
		};
		return this.leaf(node, test, 1000, true);
	}
}

/** Compiles a parsed definition for one execution (one `now`, one time zone). */
export function compileSegment(definition: SegmentDefinition, options: CompileOptions): CompiledSegment {
	let zone: SegmentZone;
	try {
		zone = segmentZone(options.timeZone);
	} catch (error) {
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the engine has no n8n import; the node wraps it
		throw new SegmentDefinitionError('$', (error as Error).message, 'Set the time zone to an IANA name, e.g. "Europe/Berlin".');
	}
	const compiler = new Compiler(options.now, zone, expressionLimits(options.expressionLimits));
	const root = compiler.unit(definition.root);
	const checkEvents = (events: unknown): Events => {
		if (events === undefined || events === null) return undefined;
		if (Array.isArray(events)) return events;
		throw new SegmentEvaluationError(
			'',
			`the events are ${typeof events === 'object' ? 'an object' : shown(events)}, not a list`,
			'Map "Events" to the list of this contact\'s events, e.g. {{ $json.events }}, each with eventType and timestamp.',
			'events',
		);
	};
	const needsEvents = definition.hasEvents;
	return {
		definition,
		async: root.async,
		now: options.now,
		zone,
		test(contact, events) {
			return root.test(contact, needsEvents ? checkEvents(events) : undefined);
		},
		explain(contact, events) {
			const reasons: Reason[] = [];
			const matched = root.explain(contact, needsEvents ? checkEvents(events) : undefined, reasons);
			if (!isPromise(matched)) return { matched, reasons: inDefinitionOrder(reasons) };
			return matched.then((m) => ({ matched: m, reasons: inDefinitionOrder(reasons) }));
		},
	};
}

