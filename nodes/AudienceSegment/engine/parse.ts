/**
 * Reads a segment definition (SEGMENTS.md) and checks every part of it once, before any contact is
 * looked at. A fault names its JSON path (`$.all[2].op`), what is wrong and what was expected; an
 * unknown operator lists the valid ones; regex and JSONata errors give their position.
 */
import { createHash } from 'node:crypto';

import { MAX_DEPTH, tooDeep } from '../../shared/limits';
import { shown } from '../../shared/show';
import { parseDuration, parseIsoDate, segmentZone } from './dates';
import { SegmentDefinitionError } from './errors';
import { checkExpression } from './expression';
import { RegexSyntaxError, translateRegex } from './regex';
import {
	FIELD_OPS,
	VALUE_TYPES,
	type Aggregate,
	type Bounds,
	type DateSpec,
	type FieldNode,
	type FieldOp,
	type Scalar,
	type SegmentDefinition,
	type SegmentNode,
	type ValueType,
} from './types';
import { INDEX_SEGMENT, isNumericText } from './values';

const KINDS = ['all', 'any', 'not', 'field', 'event', 'jsonata'] as const;

const KEYS: Record<(typeof KINDS)[number], string[]> = {
	all: ['all', 'label'],
	any: ['any', 'label'],
	not: ['not', 'label'],
	field: ['field', 'op', 'value', 'type', 'ignoreCase', 'label'],
	event: ['event', 'count', 'within', 'where', 'sum', 'avg', 'label'],
	jsonata: ['jsonata', 'label'],
};

const KIND_NAMES: Record<(typeof KINDS)[number], string> = {
	all: 'an "all" group',
	any: 'an "any" group',
	not: 'a "not" group',
	field: 'a field condition',
	event: 'an event condition',
	jsonata: 'a JSONata condition',
};

const NODE_SHAPES =
	'a group ({"all": […]}, {"any": […]} or {"not": …}), a field condition ({"field": "country", "op": "eq", "value": "DE"}), ' +
	'an event condition ({"event": "purchase", "within": "P30D"}) or {"jsonata": "<expression returning true or false>"}';

/** Ops that take no value. */
const NO_VALUE: FieldOp[] = ['isEmpty', 'isNotEmpty', 'exists'];
/** Ops that only make sense for dates. */
const DATE_OPS: FieldOp[] = ['before', 'after', 'withinLast', 'notWithinLast', 'anniversary'];
/** Ops that only make sense for text. */
const TEXT_OPS: FieldOp[] = ['startsWith', 'endsWith', 'regex'];
const ORDER_OPS: FieldOp[] = ['gt', 'gte', 'lt', 'lte', 'between'];
const BOUND_KEYS = ['eq', 'gt', 'gte', 'lt', 'lte'] as const;

const DATE_EXAMPLE = 'an ISO date such as "2024-05-01" or "2024-05-01T09:00:00Z", "now", "today", or a duration from now such as "-P30D"';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const show = shown;

function distance(a: string, b: string): number {
	const row = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		let prev = row[0];
		row[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const next = row[j];
			row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
			prev = next;
		}
	}
	return row[b.length];
}

function suggest(word: string, options: readonly string[]): string {
	let best = '';
	let bestDistance = Infinity;
	for (const option of options) {
		const d = distance(word, option);
		if (d < bestDistance) [best, bestDistance] = [option, d];
	}
	return bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? ` Did you mean "${best}"?` : '';
}

const fail = (path: string, problem: string, fix: string): never => {
	throw new SegmentDefinitionError(path, problem, fix);
};

const keyPath = (path: string, key: string) => (/^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`);

/** Splits and checks a dotted field path. */
function fieldPath(value: unknown, path: string, what: string): string[] {
	if (typeof value !== 'string' || value.trim() === '') {
		fail(path, `${what} is ${show(value)}`, `Give the field as a dotted path, e.g. "country" or "address.city".`);
	}
	const segments = (value as string).split('.');
	for (const segment of segments) {
		if (segment === '') fail(path, `the field path "${value}" has an empty part`, 'Write it without leading, trailing or double dots, e.g. "address.city".');
		if (/^[\s+-]*\d[\d\s]*$/.test(segment) && !INDEX_SEGMENT.test(segment)) {
			fail(path, `"${segment}" in "${value}" is not a plain list position`, 'Write list positions as 0, 1, 2, … without signs, spaces or leading zeros.');
		}
	}
	return segments;
}

function duration(value: unknown, path: string, what: string): string {
	if (typeof value !== 'string' || !parseDuration(value)) {
		fail(path, `${what} is ${show(value)}, not an ISO 8601 duration`, 'Write a duration such as "P30D" (30 days), "P6M" (6 months), "PT12H" (12 hours) or "P1Y".');
	}
	return value as string;
}

function dateSpec(value: unknown, path: string): DateSpec {
	if (typeof value === 'string') {
		const text = value.trim();
		if (text === 'now') return { kind: 'now' };
		if (text === 'today') return { kind: 'today' };
		const relative = /^([+-]?)(P.*)$/.exec(text);
		if (relative) {
			duration(relative[2], path, 'the value');
			return { kind: 'relative', sign: relative[1] === '-' ? -1 : 1, duration: relative[2] };
		}
		if (!Number.isNaN(parseIsoDate(text, segmentZone('UTC')))) return { kind: 'iso', text };
	}
	return fail(path, `the value ${show(value)} is not a date`, `Give ${DATE_EXAMPLE}.`);
}

function scalar(value: unknown, type: ValueType, path: string): Scalar {
	switch (type) {
		case 'string':
			if (typeof value === 'string') return value;
			if (typeof value === 'number' && Number.isFinite(value)) return String(value);
			return fail(path, `the value ${show(value)} is not text`, 'Give text in quotes, e.g. "DE".');
		case 'number':
			if (typeof value === 'number' && Number.isFinite(value)) return value;
			if (typeof value === 'string' && isNumericText(value.trim())) return Number(value.trim());
			return fail(path, `the value ${show(value)} is not a number`, 'Give a plain number, e.g. 18 or 49.90.');
		case 'boolean':
			if (typeof value === 'boolean') return value;
			if (value === 'true' || value === 'false') return value === 'true';
			return fail(path, `the value ${show(value)} is not true or false`, 'Give true or false (without quotes).');
		case 'date':
			return dateSpec(value, path);
	}
}

function inferType(value: unknown, path: string): ValueType {
	if (typeof value === 'string') return 'string';
	if (typeof value === 'number') return 'number';
	if (typeof value === 'boolean') return 'boolean';
	return fail(
		path,
		`cannot tell the type of ${show(value)}`,
		'Give text, a number or true/false, or say which type to compare as with "type": "string", "number", "boolean" or "date".',
	);
}

function listType(values: unknown[], path: string): ValueType {
	if (values.length === 0) return 'string';
	const types = new Set(values.map((v, i) => inferType(v, `${path}[${i}]`)));
	if (types.size > 1) {
		fail(path, `the list mixes ${[...types].join(' and ')} values`, 'Use one type for every value, or set "type" to say how to compare.');
	}
	return [...types][0];
}

function parseField(node: Record<string, unknown>, path: string): FieldNode {
	const segments = fieldPath(node.field, `${path}.field`, 'the field');
	if (typeof node.op !== 'string') {
		fail(`${path}.op`, node.op === undefined ? 'the operator is missing' : `the operator is ${show(node.op)}`, `Set "op" to one of: ${FIELD_OPS.join(', ')}.`);
	}
	const op = node.op as FieldOp;
	if (!FIELD_OPS.includes(op)) {
		fail(`${path}.op`, `unknown operator "${op}".${suggest(op, FIELD_OPS)}`, `Valid operators: ${FIELD_OPS.join(', ')}.`);
	}
	if (node.type !== undefined && !VALUE_TYPES.includes(node.type as ValueType)) {
		fail(`${path}.type`, `unknown type ${show(node.type)}`, `Valid types: ${VALUE_TYPES.join(', ')}.`);
	}
	if (node.ignoreCase !== undefined && typeof node.ignoreCase !== 'boolean') {
		fail(`${path}.ignoreCase`, `ignoreCase is ${show(node.ignoreCase)}`, 'Set it to true or false (without quotes).');
	}
	let type = (node.type as ValueType | undefined) ?? null;
	const valuePath = `${path}.value`;
	const raw = node.value;
	let value: FieldNode['value'];

	if (NO_VALUE.includes(op)) {
		if (raw !== undefined && raw !== null && raw !== '') fail(valuePath, `"${op}" takes no value`, 'Remove "value" from this condition.');
		type = null;
	} else if (DATE_OPS.includes(op)) {
		if (type !== null && type !== 'date') fail(`${path}.type`, `"${op}" compares dates, not ${type} values`, 'Remove "type" or set it to "date".');
		type = 'date';
		if (op === 'before' || op === 'after') {
			if (raw === undefined) fail(valuePath, `"${op}" needs a value`, `Give ${DATE_EXAMPLE}.`);
			value = dateSpec(raw, valuePath);
		} else if (op === 'anniversary') {
			value = raw === undefined || raw === null || raw === '' ? undefined : duration(raw, valuePath, 'the window');
		} else {
			value = duration(raw, valuePath, 'the value');
		}
	} else if (TEXT_OPS.includes(op)) {
		if (type !== null && type !== 'string') fail(`${path}.type`, `"${op}" works on text, not ${type} values`, 'Remove "type" or set it to "string".');
		type = 'string';
		if (typeof raw !== 'string') fail(valuePath, `"${op}" needs text, got ${show(raw)}`, op === 'regex' ? 'Give a pattern, e.g. "^\\\\+49".' : 'Give text in quotes.');
		if (op === 'regex') {
			if (node.ignoreCase) fail(`${path}.ignoreCase`, 'regex does not take ignoreCase', 'Write both cases in the pattern, e.g. "[Gg]mail".');
			try {
				value = { source: raw as string, ...translateRegex(raw as string) };
			} catch (error) {
				// A bug, not a bad pattern: let it surface. (The engine has no n8n import; the node wraps it.)
				// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
				if (!(error instanceof RegexSyntaxError)) throw error;
				fail(valuePath, `regex error: ${error.message}`, 'Use the portable subset: literals, ., [classes], \\d \\w \\s, ^ $, groups, |, * + ? {n,m}. Escape special characters with \\.');
			}
		} else {
			value = raw as string;
		}
	} else if (op === 'between' || op === 'in' || op === 'notIn') {
		if (!Array.isArray(raw)) {
			fail(valuePath, `"${op}" needs a list, got ${show(raw)}`, op === 'between' ? 'Give [low, high], e.g. [18, 65].' : 'Give a list, e.g. ["DE", "AT", "CH"].');
		}
		const list = raw as unknown[];
		if (op === 'between' && list.length !== 2) fail(valuePath, `"between" needs exactly two values, got ${list.length}`, 'Give [low, high], e.g. [18, 65]; both ends count.');
		type ??= listType(list, valuePath);
		if (type === 'boolean' && op === 'between') fail(valuePath, '"between" does not compare true/false values', 'Use eq for true/false.');
		value = list.map((v, i) => scalar(v, type as ValueType, `${valuePath}[${i}]`));
	} else {
		if (raw === undefined) fail(valuePath, `"${op}" needs a value`, 'Add "value" to this condition.');
		type ??= inferType(raw, valuePath);
		if (type === 'boolean' && ORDER_OPS.includes(op)) fail(`${path}.op`, `"${op}" does not compare true/false values`, 'Use eq or neq for true/false.');
		value = scalar(raw, type, valuePath);
	}
	if (node.ignoreCase && type !== 'string') {
		fail(`${path}.ignoreCase`, `ignoreCase only applies to text, and this condition compares ${type ?? 'presence'}`, 'Remove "ignoreCase".');
	}
	return {
		kind: 'field',
		path,
		field: node.field as string,
		segments,
		op,
		type,
		value,
		ignoreCase: node.ignoreCase === true,
	};
}

function bounds(value: unknown, path: string, what: string, integer: boolean): Bounds {
	if (!isObject(value)) fail(path, `${what} is ${show(value)}`, `Give an object with gte, lte, eq, gt or lt, e.g. {"gte": 2}.`);
	const out: Bounds = {};
	for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
		if (key === 'property') continue;
		if (!BOUND_KEYS.includes(key as (typeof BOUND_KEYS)[number])) {
			fail(keyPath(path, key), `unknown key "${key}".${suggest(key, BOUND_KEYS)}`, `${what} takes gte, lte, eq, gt and lt${integer ? '' : ' (and property)'}.`);
		}
		if (typeof v !== 'number' || !Number.isFinite(v) || (integer && (!Number.isInteger(v) || v < 0))) {
			fail(keyPath(path, key), `${show(v)} is not ${integer ? 'a whole number of events' : 'a number'}`, integer ? 'Give a whole number, e.g. 2.' : 'Give a number, e.g. 50.');
		}
		out[key as keyof Bounds] = v as number;
	}
	if (Object.keys(out).length === 0) fail(path, `${what} has no bound`, 'Give at least one of gte, lte, eq, gt, lt.');
	return out;
}

function aggregate(value: unknown, path: string, what: string): Aggregate {
	const b = bounds(value, path, what, false);
	const property = (value as Record<string, unknown>).property;
	const segments = fieldPath(property, `${path}.property`, 'the property');
	return { ...b, property: property as string, segments };
}

interface Context {
	inWhere: boolean;
	hasEvents: boolean;
	hasJsonata: boolean;
}

function parseNode(value: unknown, path: string, ctx: Context): SegmentNode {
	if (!isObject(value)) fail(path, `expected a condition or group, got ${show(value)}`, `Write ${NODE_SHAPES}.`);
	const node = value as Record<string, unknown>;
	const kinds = KINDS.filter((k) => k in node);
	if (kinds.length === 0) {
		const keys = Object.keys(node);
		const hint = keys.length ? ` (it has ${keys.map((k) => `"${k}"`).join(', ')}${suggest(keys[0], ['all', 'any', 'not', 'field', 'event', 'jsonata'])})` : '';
		fail(path, `this is not a condition or group${hint}`, `Write ${NODE_SHAPES}.`);
	}
	if (kinds.length > 1) {
		fail(path, `has both "${kinds[0]}" and "${kinds[1]}"`, 'Give each condition or group its own object, e.g. {"all": [{…}, {…}]}.');
	}
	const kind = kinds[0];
	for (const key of Object.keys(node)) {
		if (!KEYS[kind].includes(key)) {
			fail(keyPath(path, key), `unknown key "${key}".${suggest(key, KEYS[kind])}`, `${KIND_NAMES[kind]} takes ${KEYS[kind].map((k) => `"${k}"`).join(', ')}.`);
		}
	}
	let label: string | undefined;
	if (node.label !== undefined) {
		if (typeof node.label !== 'string' || node.label.trim() === '') fail(`${path}.label`, `the label is ${show(node.label)}`, 'Give a short name, e.g. "Recent buyers", or remove it.');
		label = (node.label as string).trim();
	}
	const withLabel = <T extends SegmentNode>(n: T): T => (label === undefined ? n : { ...n, label });

	switch (kind) {
		case 'all':
		case 'any': {
			const list = node[kind];
			if (!Array.isArray(list)) fail(`${path}.${kind}`, `"${kind}" must hold a list, got ${show(list)}`, `Write {"${kind}": [condition, …]}.`);
			const children = (list as unknown[]).map((child, i) => parseNode(child, `${path}.${kind}[${i}]`, ctx));
			return withLabel({ kind, path, children });
		}
		case 'not':
			return withLabel({ kind: 'not', path, child: parseNode(node.not, `${path}.not`, ctx) });
		case 'field':
			return withLabel(parseField(node, path));
		case 'jsonata': {
			const expression = node.jsonata;
			if (typeof expression !== 'string' || expression.trim() === '') {
				fail(`${path}.jsonata`, `the expression is ${show(expression)}`, 'Give a JSONata expression that returns true or false, e.g. "$count(orders[total > 100]) >= 2".');
			}
			checkExpression(expression as string, `${path}.jsonata`);
			ctx.hasJsonata = true;
			return withLabel({ kind: 'jsonata', path, expression: expression as string });
		}
		case 'event': {
			if (ctx.inWhere) fail(path, 'an event condition inside "where"', '"where" tests the properties of one event; put event conditions next to it, not inside it.');
			if (typeof node.event !== 'string' || node.event.trim() === '') {
				fail(`${path}.event`, `the event type is ${show(node.event)}`, 'Give the event type to look for, e.g. "purchase".');
			}
			ctx.hasEvents = true;
			const out: SegmentNode = { kind: 'event', path, event: node.event as string };
			if (node.count !== undefined) out.count = bounds(node.count, `${path}.count`, 'count', true);
			if (node.within !== undefined) out.within = duration(node.within, `${path}.within`, 'within');
			if (node.where !== undefined) out.where = parseNode(node.where, `${path}.where`, { ...ctx, inWhere: true });
			if (node.sum !== undefined) out.sum = aggregate(node.sum, `${path}.sum`, 'sum');
			if (node.avg !== undefined) out.avg = aggregate(node.avg, `${path}.avg`, 'avg');
			if (out.where) ctx.hasJsonata ||= containsJsonata(out.where);
			return withLabel(out);
		}
	}
}

function containsJsonata(node: SegmentNode): boolean {
	switch (node.kind) {
		case 'jsonata':
			return true;
		case 'all':
		case 'any':
			return node.children.some(containsJsonata);
		case 'not':
			return containsJsonata(node.child);
		default:
			return false;
	}
}

function canonical(value: unknown): Json {
	if (Array.isArray(value)) return value.map(canonical);
	if (isObject(value)) {
		const out: { [key: string]: Json } = {};
		for (const key of Object.keys(value).sort()) if (value[key] !== undefined) out[key] = canonical(value[key]);
		return out;
	}
	return value as Json;
}

/** Where in the text a JSON syntax error is, as "line L, column C". */
function jsonErrorPlace(text: string, message: string): string {
	const match = /position (\d+)/.exec(message);
	if (!match) return '';
	const position = Number(match[1]);
	const before = text.slice(0, position).split('\n');
	return ` (line ${before.length}, column ${before[before.length - 1].length + 1})`;
}

/** Parses a definition given as JSON text or as an already-parsed object. */
export function parseDefinition(input: unknown): SegmentDefinition {
	let value = input;
	if (typeof input === 'string') {
		if (input.trim() === '') fail('$', 'the definition is empty', 'Write a definition, e.g. {"all": [{"field": "email", "op": "isNotEmpty"}]}.');
		try {
			value = JSON.parse(input);
		} catch (error) {
			const message = (error as Error).message;
			fail('$', `the definition is not valid JSON: ${message}${jsonErrorPlace(input, message)}`, 'Check quotes, commas and brackets; keys need double quotes.');
		}
	}
	// Checked before the recursive steps below, so that deep nesting is an error, not a stack overflow.
	const deep = tooDeep(value);
	if (deep !== undefined) {
		fail(deep, `the definition nests objects and lists more than ${MAX_DEPTH} levels deep`, 'Flatten it: put conditions side by side in one "all" or "any" list instead of groups inside groups.');
	}
	const ctx: Context = { inWhere: false, hasEvents: false, hasJsonata: false };
	const root = parseNode(value, '$', ctx);
	const text = JSON.stringify(canonical(value));
	return {
		root,
		canonical: text,
		hash: createHash('sha256').update(text).digest('hex').slice(0, 16),
		hasEvents: ctx.hasEvents,
		hasJsonata: ctx.hasJsonata,
	};
}
