/**
 * The segment definition after parsing: the public JSON form (SEGMENTS.md in the engine folder
 * describes it and its semantics) turned into a checked tree whose every node knows its JSON path
 * in the definition (`$.all[2].any[0]`), so that errors and reasons can point at it.
 */

export const FIELD_OPS = [
	'eq',
	'neq',
	'gt',
	'gte',
	'lt',
	'lte',
	'between',
	'in',
	'notIn',
	'contains',
	'notContains',
	'startsWith',
	'endsWith',
	'regex',
	'isEmpty',
	'isNotEmpty',
	'exists',
	'before',
	'after',
	'withinLast',
	'notWithinLast',
	'anniversary',
] as const;
export type FieldOp = (typeof FIELD_OPS)[number];

export const VALUE_TYPES = ['string', 'number', 'boolean', 'date'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

/** A point in time as the definition states it; resolved against the execution time and zone. */
export type DateSpec =
	| { kind: 'iso'; text: string }
	| { kind: 'now' }
	| { kind: 'today' }
	| { kind: 'relative'; sign: 1 | -1; duration: string };

/** A comparison value of the condition's type: text, number, boolean or date. */
export type Scalar = string | number | boolean | DateSpec;

/** A regular expression in the portable subset, translated for both engines. */
export interface RegexSpec {
	source: string;
	/** For the linear-time engine (RE2 syntax, `.` matching newlines): shared/patterns.ts. */
	re2: string;
	/** For PostgreSQL's `~` operator (advanced regular expressions). */
	pg: string;
}

export interface Base {
	/** Where this node sits in the definition, e.g. `$.all[2]`. */
	path: string;
	/** An optional name that reasons show instead of the node's conditions. */
	label?: string;
}

export interface AllNode extends Base {
	kind: 'all';
	children: SegmentNode[];
}

export interface AnyNode extends Base {
	kind: 'any';
	children: SegmentNode[];
}

export interface NotNode extends Base {
	kind: 'not';
	child: SegmentNode;
}

export interface FieldNode extends Base {
	kind: 'field';
	field: string;
	/** The field path split at dots. */
	segments: string[];
	op: FieldOp;
	/** The type values are compared as; null for isEmpty, isNotEmpty and exists. */
	type: ValueType | null;
	/** Per op: one Scalar; [low, high] for between; a list for in / notIn; a duration for the relative date ops. */
	value: Scalar | Scalar[] | RegexSpec | string | undefined;
	ignoreCase: boolean;
}

/** A numeric test: every given bound must hold. */
export interface Bounds {
	eq?: number;
	gt?: number;
	gte?: number;
	lt?: number;
	lte?: number;
}

export interface Aggregate extends Bounds {
	/** A path inside the event's properties, e.g. `value` or `order.total`. */
	property: string;
	segments: string[];
}

export interface EventNode extends Base {
	kind: 'event';
	event: string;
	/** How many matching events; absent: at least one (unless sum or avg is given). */
	count?: Bounds;
	/** ISO duration: only events from (now - within) to now count. */
	within?: string;
	/** Conditions on the event's properties. */
	where?: SegmentNode;
	sum?: Aggregate;
	avg?: Aggregate;
}

export interface JsonataNode extends Base {
	kind: 'jsonata';
	/** Checked when the definition is read; compiled with its bounds for each execution (expression.ts). */
	expression: string;
}

export type SegmentNode = AllNode | AnyNode | NotNode | FieldNode | EventNode | JsonataNode;

export interface SegmentDefinition {
	root: SegmentNode;
	/** The definition in canonical JSON (keys sorted), the input of the definition hash. */
	canonical: string;
	/** First 16 hex digits of SHA-256 of the canonical JSON. */
	hash: string;
	hasEvents: boolean;
	hasJsonata: boolean;
}

/** One condition that decided an item's membership, and whether it held for that item. */
export interface Reason {
	path: string;
	condition: string;
	met: boolean;
}

export interface Explained {
	matched: boolean;
	reasons: Reason[];
}
