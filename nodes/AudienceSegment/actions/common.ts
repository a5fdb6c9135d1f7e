/**
 * What every Audience Segment operation does first: read the definition (JSON or the simple
 * builder), compile it once for this execution (one "now", one time zone), and evaluate it over the
 * items, turning engine errors into messages that name the item, the field and the fix.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { fieldReader } from '../../shared/fields';
import { asNodeError, itemError } from '../../shared/items';
import { shown } from '../../shared/show';
import { parseIsoDate, segmentZone } from '../engine/dates';
import {
	compileSegment,
	parseDefinition,
	SegmentDefinitionError,
	SegmentEvaluationError,
	SegmentSqlError,
	type CompiledSegment,
	type Explained,
	type SegmentDefinition,
	DEFAULT_EXPRESSION_LIMITS,
	type ExpressionLimits,
} from '../engine';
import { now as clockNow } from '../../shared/clock';

interface BuilderCondition {
	field?: string;
	op?: string;
	value?: string;
	type?: string;
	ignoreCase?: boolean;
}

const LIST_OPS = new Set(['in', 'notIn', 'between']);
const NO_VALUE_OPS = new Set(['isEmpty', 'isNotEmpty', 'exists']);

/** A builder value as JSON: lists split at commas; "Automatic" reads numbers and true/false. */
function builderValue(text: string, type: string, op: string): unknown {
	const one = (raw: string): unknown => {
		const v = raw.trim();
		if (type !== 'auto') return v;
		if (v === 'true' || v === 'false') return v === 'true';
		if (/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(v)) return Number(v);
		return v;
	};
	if (LIST_OPS.has(op)) return text.trim() === '' ? [] : text.split(',').map(one);
	if (op === 'anniversary' && text.trim() === '') return undefined;
	return one(text);
}

/** The builder's conditions in the public JSON form. */
export function builderDefinition(match: string, conditions: BuilderCondition[]): IDataObject {
	const list = conditions.map((c) => {
		const op = c.op ?? 'eq';
		const node: IDataObject = { field: (c.field ?? '').trim(), op };
		if (!NO_VALUE_OPS.has(op)) {
			const value = builderValue(String(c.value ?? ''), c.type ?? 'auto', op);
			if (value !== undefined) node.value = value as IDataObject;
		}
		if (c.type && c.type !== 'auto') node.type = c.type;
		if (c.ignoreCase) node.ignoreCase = true;
		return node;
	});
	return { [match === 'any' ? 'any' : 'all']: list };
}

/** "$.all[2].value" as the builder shows it: "Condition 3 (Value)". */
function builderPlace(path: string): string {
	const match = /^\$\.(?:all|any)\[(\d+)\](?:\.(\w+))?/.exec(path);
	if (!match) return 'Conditions';
	const labels: Record<string, string> = { field: 'Field', op: 'Operator', value: 'Value', type: 'Compare As', ignoreCase: 'Ignore Case' };
	return `Condition ${Number(match[1]) + 1}${match[2] ? ` (${labels[match[2]] ?? match[2]})` : ''}`;
}

/** A definition fault as the node reports it. */
export function definitionError(ctx: IExecuteFunctions, error: unknown, itemIndex?: number): Error {
	const mode = ctx.getNodeParameter('definitionMode', itemIndex ?? 0, 'json') as string;
	if (error instanceof SegmentDefinitionError || error instanceof SegmentSqlError) {
		const where = mode === 'builder' ? `in ${builderPlace(error.path)}` : `at ${error.path}`;
		const kind = error instanceof SegmentSqlError ? 'cannot be compiled to SQL' : 'has a problem';
		const message = `The segment definition ${kind} ${where}: ${error.problem}`;
		return new NodeOperationError(ctx.getNode(), itemIndex === undefined ? message : `Item ${itemIndex}: ${message}`, {
			description: error.fix,
			itemIndex,
		});
	}
	return asNodeError(ctx, error, itemIndex);
}

/** Reads and parses the definition as set for one item. */
export function readDefinition(ctx: IExecuteFunctions, itemIndex: number, cache?: Map<string, SegmentDefinition>): SegmentDefinition {
	const mode = ctx.getNodeParameter('definitionMode', itemIndex, 'json') as string;
	const raw =
		mode === 'builder'
			? builderDefinition(
					ctx.getNodeParameter('match', itemIndex, 'all') as string,
					ctx.getNodeParameter('conditions.condition', itemIndex, []) as BuilderCondition[],
				)
			: ctx.getNodeParameter('definition', itemIndex);
	const key = typeof raw === 'string' ? raw : JSON.stringify(raw);
	const cached = cache?.get(key);
	if (cached) return cached;
	const definition = parseDefinition(raw);
	cache?.set(key, definition);
	return definition;
}

export interface RunSettings {
	now: number;
	timeZone: string;
	expressionLimits: Partial<ExpressionLimits>;
}

const LIMIT_OPTIONS: Array<[name: string, label: string, key: keyof ExpressionLimits]> = [
	['expressionTimeLimit', 'Expression Time Limit (Milliseconds)', 'timeMs'],
	['expressionDepthLimit', 'Expression Depth Limit', 'depth'],
	['expressionListSizeLimit', 'Expression List Size Limit', 'listSize'],
];

/** The JSONata bounds set in the options (the engine's defaults for the rest). */
function limitsOf(ctx: IExecuteFunctions, options: IDataObject): Partial<ExpressionLimits> {
	const limits: Partial<ExpressionLimits> = {};
	for (const [name, label, key] of LIMIT_OPTIONS) {
		const v = options[name];
		if (v === undefined || v === null || v === '') continue;
		if (typeof v !== 'number' || !Number.isFinite(v) || v < 1) {
			throw new NodeOperationError(ctx.getNode(), `${label} is ${String(v).slice(0, 50)}, not a number of at least 1`, {
				description: `Set ${label} to a whole number such as ${DEFAULT_EXPRESSION_LIMITS[key]}, or remove the option for that default.`,
			});
		}
		limits[key] = v;
	}
	return limits;
}

/** The execution time and time zone every relative date is measured in. */
export function runSettings(ctx: IExecuteFunctions): RunSettings {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const timeZone = String(options.timeZone || ctx.getTimezone() || 'UTC').trim();
	let zone;
	try {
		zone = segmentZone(timeZone);
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), `Time Zone: ${(error as Error).message}`, {
			description: 'Set the Time Zone option to an IANA name such as "Europe/Berlin", or leave it empty for the workflow\'s time zone.',
		});
	}
	let now = clockNow();
	if (options.evaluateAt) {
		const value = options.evaluateAt as unknown;
		const text = (value instanceof Date ? value.toISOString() : String(value)).trim();
		// A time without an offset is in the segment's time zone, as in the definition.
		now = parseIsoDate(text, zone);
		if (Number.isNaN(now)) now = Date.parse(text);
		if (Number.isNaN(now)) {
			throw new NodeOperationError(ctx.getNode(), `Evaluate At is ${shown(text)}, not a date`, {
				description: 'Give a date and time such as 2024-05-01T09:00:00, or leave it empty for the time of the run.',
			});
		}
	}
	return { now, timeZone, expressionLimits: limitsOf(ctx, options) };
}

export interface Prepared {
	definition: SegmentDefinition;
	segment: CompiledSegment;
	settings: RunSettings;
	/** The id shown on outputs: the Segment ID setting, or a hash of the definition. */
	id: string;
}

/** Reads the definition once (from the first item) and compiles it for this execution. */
export function prepare(ctx: IExecuteFunctions): Prepared {
	let definition: SegmentDefinition;
	let segment: CompiledSegment;
	const settings = runSettings(ctx);
	try {
		definition = readDefinition(ctx, 0);
		segment = compileSegment(definition, settings);
	} catch (error) {
		throw definitionError(ctx, error);
	}
	return { definition, segment, settings, id: segmentId(ctx, definition, 0) };
}

export function segmentId(ctx: IExecuteFunctions, definition: SegmentDefinition, itemIndex: number): string {
	const configured = String(ctx.getNodeParameter('segmentId', itemIndex, '') ?? '').trim();
	return configured || `seg_${definition.hash.slice(0, 12)}`;
}

/** One item's outcome: membership (with reasons when asked) or the error it raised. */
export type Outcome = Explained | Error;

function evaluationError(ctx: IExecuteFunctions, error: unknown, i: number): Error {
	if (error instanceof SegmentEvaluationError) {
		if (error.field === 'events') return itemError(ctx, i, `the Events field: ${error.problem}`, error.fix);
		return itemError(ctx, i, `the condition at ${error.path} failed: ${error.problem}`, error.fix);
	}
	return asNodeError(ctx, error, i);
}

/**
 * Evaluates the segment for every item. Synchronous definitions run in one tight loop; with
 * JSONata, items whose decision needs it are awaited one after the other. `explain` adds the reasons.
 */
export async function evaluateItems(ctx: IExecuteFunctions, prepared: Prepared, explain: boolean): Promise<Outcome[]> {
	const items = ctx.getInputData();
	const read = fieldReader(ctx);
	const needsEvents = prepared.definition.hasEvents;
	const { segment } = prepared;
	const out = new Array<Outcome>(items.length);
	for (let i = 0; i < items.length; i++) {
		try {
			const events = needsEvents ? read('events', i) : undefined;
			// With JSONata, one contact at a time: each evaluation's time limit then counts its own time only.
			if (explain) {
				const result = segment.explain(items[i].json, events);
				out[i] = result instanceof Promise ? await result : result;
			} else {
				const result = segment.test(items[i].json, events);
				out[i] = { matched: typeof result === 'boolean' ? result : await result, reasons: [] };
			}
		} catch (error) {
			out[i] = evaluationError(ctx, error, i);
		}
	}
	return out;
}

/** pairedItem for an item that sums up all inputs. */
export const allInputs = (items: INodeExecutionData[]) => items.map((_, i) => ({ item: i }));
