/**
 * Compiles a segment definition to a parameterised PostgreSQL WHERE clause over a contacts table and
 * an events table, with the same results as the in-memory engine (SEGMENTS.md, "SQL"; the property
 * test in test/unit/audience-segment-sql.test.ts checks it on a real PostgreSQL).
 *
 * Every value travels as a parameter ($1, $2, …, each with a CAST; a list as one array parameter,
 * `= ANY(…)`, since PostgreSQL takes at most 65,535 parameters), never inside the SQL text; the SQL
 * text holds no `$` but the parameter references (names with `$` are Unicode-escaped), so n8n's
 * Postgres node (which substitutes expressions with String.replace) and pg-promise leave it intact. While the
 * clause is built, references are marked with NUL characters, which no PostgreSQL name can hold:
 * renumbering them can never touch a quoted name such as "price$5". Relative dates are
 * resolved at compile time (the execution time) and passed as instants; the session's TimeZone and
 * collation do not matter.
 */
import { anniversaryDays, isoUtc, MIN_DATE_MS, resolveDate, segmentZone, shift, type SegmentZone } from './dates';
import { SegmentDefinitionError, SegmentSqlError } from './errors';
import type { CompileOptions } from './compile';
import type { Bounds, DateSpec, EventNode, FieldNode, FieldOp, RegexSpec, Scalar, SegmentDefinition, SegmentNode } from './types';
import { asciiLower, MAX_NUMERIC_TEXT } from './values';

export const COLUMN_TYPES = ['text', 'number', 'boolean', 'timestamp', 'jsonb'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface ColumnMapping {
	/** The contact field (dotted path) this column holds. */
	field: string;
	column: string;
	/** text, number (float8/int/real: a JSON number), boolean, timestamp (timestamptz), jsonb (a JSON value; deeper paths read inside it). */
	type: ColumnType;
}

export interface SqlMapping {
	/** The contacts table, optionally schema-qualified: "contacts" or "crm.contacts". */
	contactsTable: string;
	/** The contacts table's id column, which the events table refers to. */
	contactId: string;
	columns?: ColumnMapping[];
	/** A JSONB column holding the contact's other fields (its whole JSON is fine); '' for none. */
	jsonColumn?: string;
	eventsTable?: string;
	/** The events table's column referring to the contact's id. */
	eventContactId?: string;
	/** The events table's event type column (text). */
	eventType?: string;
	/** The events table's time column (timestamptz). */
	eventTimestamp?: string;
	/** The events table's properties column (jsonb). */
	eventProperties?: string;
}

export const DEFAULT_MAPPING: Required<Omit<SqlMapping, 'columns'>> = {
	contactsTable: 'contacts',
	contactId: 'id',
	jsonColumn: 'attributes',
	eventsTable: 'events',
	eventContactId: 'contact_id',
	eventType: 'event_type',
	eventTimestamp: 'occurred_at',
	eventProperties: 'properties',
};

export type SqlParameter = string | number | boolean | string[] | number[] | boolean[];

export interface CompiledSql {
	/** The condition, for `SELECT … FROM <contacts table> WHERE <where>`. */
	where: string;
	/** Values for $1, $2, … in order. */
	parameters: SqlParameter[];
	/** SELECT * FROM <contacts table> WHERE <where> */
	query: string;
	/** SELECT count(*) AS total FROM <contacts table> WHERE <where> */
	countQuery: string;
}

/** Numeric text, as values.ts isNumericText: no exponent, at most MAX_NUMERIC_TEXT characters. */
const NUMERIC_RE = "E'^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)\\\\Z'";
/** The accepted ISO dates (dates.ts); the day of the month is checked against the month separately. */
const DATE_RE =
	"E'^(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])" +
	'([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,9})?)?(Z|[+-](0[0-9]|1[0-4])(:?[0-5][0-9])?)?)?' +
	"\\\\Z'";
const OFFSET_RE = "E'(Z|[+-][0-9]{2}(:?[0-9]{2})?)\\\\Z'";
const FRACTION_RE = "E'([.][0-9]{3})[0-9]+'";
const UPPER = "'ABCDEFGHIJKLMNOPQRSTUVWXYZ'";
const LOWER = "'abcdefghijklmnopqrstuvwxyz'";

const NEGATIONS: Partial<Record<FieldOp, FieldOp>> = {
	neq: 'eq',
	notIn: 'in',
	notContains: 'contains',
	notWithinLast: 'withinLast',
	isNotEmpty: 'isEmpty',
};

/**
 * SQL turning the text `s` into a timestamptz by the rules of dates.ts (local times in the zone
 * named by the SQL text `tz`); NULL for anything else, never an error. Nested CASEs, because only
 * CASE guarantees PostgreSQL evaluates the casts after the checks.
 */
export function sqlDateFromText(s: string, tz: string): string {
	const int = (from: number, length: number) => `CAST(substr(${s}, ${from}, ${length}) AS int)`;
	const y = int(1, 4);
	const m = int(6, 2);
	const daysInMonth =
		`(CASE ${m} WHEN 2 THEN (CASE WHEN (${y} % 4 = 0 AND ${y} % 100 <> 0) OR ${y} % 400 = 0 THEN 29 ELSE 28 END) ` +
		'WHEN 4 THEN 30 WHEN 6 THEN 30 WHEN 9 THEN 30 WHEN 11 THEN 30 ELSE 31 END)';
	const trimmed = `regexp_replace(${s}, ${FRACTION_RE}, E'\\\\1')`;
	return (
		`(CASE WHEN ${s} ~ ${DATE_RE} THEN (CASE WHEN ${int(9, 2)} <= ${daysInMonth} THEN ` +
		`(CASE WHEN char_length(${s}) > 10 AND ${s} ~ ${OFFSET_RE} THEN CAST(${trimmed} AS timestamptz) ` +
		`ELSE (CAST(${trimmed} AS timestamp) AT TIME ZONE ${tz}) END) END) END)`
	);
}

/** Quotes an identifier; a table name may be schema-qualified with one dot. */
export function quoteIdent(name: string, qualified = false): string {
	// NUL marks parameter references while the clause is built (renumber); PostgreSQL names never hold it.
	if (name.includes('\u0000')) throw new SegmentSqlError('$', `the name ${JSON.stringify(name.slice(0, 60))} holds a NUL character`, 'Remove it: PostgreSQL names cannot hold NUL.');
	const parts = qualified ? name.split('.') : [name];
	// A name with "$" is written with a Unicode escape (price$5 as U&"price\00245"): tools that replace every $n in
	// the text (n8n's Postgres node formats values with pg-promise) then cannot touch it.
	return parts
		.map((part) => (part.includes('$') ? `U&"${part.replace(/\\/g, '\\\\').replace(/"/g, '""').replace(/\$/g, '\\0024')}"` : `"${part.replace(/"/g, '""')}"`))
		.join('.');
}

type Source = { kind: 'json'; sql: string } | { kind: 'column'; type: Exclude<ColumnType, 'jsonb'>; sql: string };

type Cast = 'text' | 'float8' | 'numeric' | 'boolean' | 'timestamptz' | 'bigint' | 'text[]' | 'float8[]' | 'boolean[]' | 'timestamptz[]';

class SqlCompiler {
	readonly parameters: SqlParameter[] = [];
	private readonly index = new Map<string, number>();
	private aliases = 0;
	private readonly table: string;
	private readonly id: string;
	private readonly columns: Array<ColumnMapping & { segments: string[] }>;

	constructor(
		private readonly mapping: SqlMapping,
		private readonly now: number,
		private readonly zone: SegmentZone,
	) {
		this.table = quoteIdent(mapping.contactsTable, true);
		this.id = `${this.table}.${quoteIdent(mapping.contactId)}`;
		this.columns = (mapping.columns ?? []).map((c) => ({ ...c, segments: c.field.split('.') }));
	}

	param(value: SqlParameter, cast: Cast): string {
		const key = `${cast}|${typeof value}|${Array.isArray(value) ? JSON.stringify(value) : String(value)}`;
		let n = this.index.get(key);
		if (n === undefined) {
			this.parameters.push(value);
			n = this.parameters.length;
			this.index.set(key, n);
		}
		return `CAST(\u0000${n}\u0000 AS ${cast})`;
	}

	/** `x` equals one of the list: one array parameter, whatever the list's length. */
	oneOf(x: string, list: SqlParameter, cast: 'text[]' | 'float8[]' | 'boolean[]' | 'timestamptz[]'): string {
		return `${x} = ANY(${this.param(list, cast)})`;
	}

	alias(prefix: string): string {
		return `${prefix}${++this.aliases}`;
	}

	tz(): string {
		return this.param(this.zone.name, 'text');
	}

	// ---- where a field's value comes from ----

	jsonPath(base: string, segments: readonly string[]): string {
		if (segments.length === 0) return base;
		return `jsonb_extract_path(${base}, ${segments.map((s) => this.param(s, 'text')).join(', ')})`;
	}

	contactSource(node: FieldNode): Source {
		let best: (typeof this.columns)[number] | undefined;
		for (const column of this.columns) {
			const n = column.segments.length;
			if (n > node.segments.length || (best && best.segments.length >= n)) continue;
			if (column.segments.every((s, i) => node.segments[i] === s)) best = column;
		}
		if (best) {
			const sql = `${this.table}.${quoteIdent(best.column)}`;
			const rest = node.segments.slice(best.segments.length);
			if (best.type === 'jsonb') return { kind: 'json', sql: this.jsonPath(sql, rest) };
			if (rest.length === 0) return { kind: 'column', type: best.type, sql };
			throw new SegmentSqlError(
				`${node.path}.field`,
				`"${node.field}" reads inside "${best.field}", which is mapped to the ${best.type} column "${best.column}"`,
				`Map "${best.field}" as a jsonb column, or map "${node.field}" to a column of its own.`,
			);
		}
		if (this.mapping.jsonColumn) {
			return { kind: 'json', sql: this.jsonPath(`${this.table}.${quoteIdent(this.mapping.jsonColumn)}`, node.segments) };
		}
		throw new SegmentSqlError(
			`${node.path}.field`,
			`the field "${node.field}" has no column`,
			'Add it under Column Mapping, or set "JSON Column" to a JSONB column that holds the contact\'s other fields.',
		);
	}

	// ---- a field's value as the compared type (NULL when it is not of that type) ----

	text(src: Source): string | null {
		if (src.kind === 'json') return `(CASE WHEN jsonb_typeof(${src.sql}) = 'string' THEN ${src.sql} #>> '{}' END)`;
		if (src.type === 'text') return src.sql;
		if (src.type === 'timestamp') return `to_char(${src.sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
		return null;
	}

	number(src: Source, cast: 'float8' | 'numeric' = 'float8'): string | null {
		const fromText = (t: string) => `(CASE WHEN char_length(${t}) <= ${MAX_NUMERIC_TEXT} AND ${t} ~ ${NUMERIC_RE} THEN CAST(${t} AS ${cast}) END)`;
		if (src.kind === 'json') {
			return `(CASE jsonb_typeof(${src.sql}) WHEN 'number' THEN CAST(${src.sql} AS ${cast}) WHEN 'string' THEN ${fromText(`(${src.sql} #>> '{}')`)} END)`;
		}
		if (src.type === 'number') return `CAST(${src.sql} AS ${cast})`;
		if (src.type === 'text') return fromText(src.sql);
		return null;
	}

	boolean(src: Source): string | null {
		if (src.kind === 'json') return `(CASE WHEN jsonb_typeof(${src.sql}) = 'boolean' THEN CAST(${src.sql} AS boolean) END)`;
		return src.type === 'boolean' ? src.sql : null;
	}

	date(src: Source): string | null {
		if (src.kind === 'json') return `(CASE WHEN jsonb_typeof(${src.sql}) = 'string' THEN ${this.parseDate(`(${src.sql} #>> '{}')`)} END)`;
		if (src.type === 'text') return this.parseDate(src.sql);
		if (src.type === 'timestamp') return `(date_trunc('milliseconds', ${src.sql} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')`;
		return null;
	}

	parseDate(s: string): string {
		return sqlDateFromText(s, this.tz());
	}

	// ---- conditions ----

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

	/** The positive op on one value read from `src`, as SQL that may be NULL; null when it never holds. */
	scalar(node: FieldNode, op: FieldOp, src: Source): string | null {
		const path = `${node.path}.value`;
		switch (node.type) {
			case 'string': {
				let x = this.text(src);
				if (x === null) return null;
				const fold = node.ignoreCase ? asciiLower : (t: string) => t;
				if (node.ignoreCase) x = `translate(${x}, ${UPPER}, ${LOWER})`;
				const p = (v: Scalar) => this.param(fold(v as string), 'text');
				switch (op) {
					case 'eq':
						return `${x} = ${p(node.value as string)}`;
					case 'gt':
					case 'gte':
					case 'lt':
					case 'lte':
						return `${x} COLLATE "C" ${{ gt: '>', gte: '>=', lt: '<', lte: '<=' }[op]} ${p(node.value as string)}`;
					case 'between': {
						const [lo, hi] = node.value as string[];
						return `(${x} COLLATE "C" >= ${p(lo)} AND ${x} COLLATE "C" <= ${p(hi)})`;
					}
					case 'in': {
						const list = node.value as string[];
						return list.length === 0 ? null : this.oneOf(x, list.map(fold), 'text[]');
					}
					case 'contains':
						return `strpos(${x}, ${p(node.value as string)}) > 0`;
					case 'startsWith': {
						const v = p(node.value as string);
						return `left(${x}, char_length(${v})) = ${v}`;
					}
					case 'endsWith': {
						const v = p(node.value as string);
						return `right(${x}, char_length(${v})) = ${v}`;
					}
					case 'regex':
						return `${x} ~ ${this.param((node.value as RegexSpec).pg, 'text')}`;
					default:
						return null;
				}
			}
			case 'number':
				return this.ordered(op, node.value as number | number[], this.number(src), (v) => this.param(v, 'float8'), (list) => this.param(list, 'float8[]'));
			case 'boolean': {
				const x = this.boolean(src);
				if (x === null) return null;
				if (op === 'eq') return `${x} = ${this.param(node.value as boolean, 'boolean')}`;
				if (op === 'in') {
					const list = node.value as boolean[];
					return list.length === 0 ? null : this.oneOf(x, list, 'boolean[]');
				}
				return null;
			}
			case 'date': {
				const x = this.date(src);
				if (x === null) return null;
				const at = (ms: number) => this.param(isoUtc(ms), 'timestamptz');
				if (op === 'withinLast') {
					const from = this.windowStart(node.value as string, path);
					return `(${x} >= ${at(from)} AND ${x} <= ${at(this.now)})`;
				}
				if (op === 'anniversary') {
					const days = anniversaryDays(this.now, this.zone, node.value as string | undefined);
					return this.oneOf(`to_char(${x} AT TIME ZONE ${this.tz()}, 'MM-DD')`, days, 'text[]');
				}
				const mapped = op === 'before' ? 'lt' : op === 'after' ? 'gt' : op;
				const resolve = (s: Scalar, p: string) => this.instant(s as DateSpec, p);
				const value = Array.isArray(node.value) ? (node.value as Scalar[]).map((s, i) => resolve(s, `${path}[${i}]`)) : resolve(node.value as Scalar, path);
				return this.ordered(mapped, value, x, at, (list) => this.param(list.map(isoUtc), 'timestamptz[]'));
			}
			default:
				return null;
		}
	}

	ordered(op: FieldOp, value: number | number[], x: string | null, p: (v: number) => string, pList: (list: number[]) => string): string | null {
		if (x === null) return null;
		switch (op) {
			case 'eq':
				return `${x} = ${p(value as number)}`;
			case 'gt':
				return `${x} > ${p(value as number)}`;
			case 'gte':
				return `${x} >= ${p(value as number)}`;
			case 'lt':
				return `${x} < ${p(value as number)}`;
			case 'lte':
				return `${x} <= ${p(value as number)}`;
			case 'between': {
				const [lo, hi] = value as number[];
				return `(${x} >= ${p(lo)} AND ${x} <= ${p(hi)})`;
			}
			case 'in': {
				const list = value as number[];
				return list.length === 0 ? null : `${x} = ANY(${pList(list)})`;
			}
			default:
				return null;
		}
	}

	field(node: FieldNode, src: Source): string {
		const negated = NEGATIONS[node.op];
		const op = negated ?? node.op;
		let positive: string;
		if (op === 'isEmpty') {
			positive =
				src.kind === 'json'
					? `(${src.sql} IS NULL OR ${src.sql} IN (CAST('null' AS jsonb), CAST('""' AS jsonb), CAST('[]' AS jsonb), CAST('{}' AS jsonb)))`
					: src.type === 'text'
						? `(${src.sql} IS NULL OR ${src.sql} = '')`
						: `(${src.sql} IS NULL)`;
		} else if (op === 'exists') {
			positive = src.kind === 'json' ? `(${src.sql} IS NOT NULL AND jsonb_typeof(${src.sql}) <> 'null')` : `(${src.sql} IS NOT NULL)`;
		} else {
			const scalar = op === 'contains' && node.type !== 'string' ? null : this.scalar(node, op, src);
			if (src.kind === 'json') {
				const a = this.alias('x');
				const elementSource: Source = { kind: 'json', sql: `${a}.el` };
				const element = this.scalar(node, op === 'contains' ? 'eq' : op, elementSource);
				const elementTest = element === null ? 'FALSE' : element;
				positive =
					`COALESCE(CASE WHEN jsonb_typeof(${src.sql}) = 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements(${src.sql}) AS ${a}(el) WHERE ${elementTest}) ` +
					`ELSE ${scalar ?? 'FALSE'} END, FALSE)`;
			} else {
				positive = scalar === null ? 'FALSE' : `COALESCE(${scalar}, FALSE)`;
			}
		}
		return negated ? `(NOT ${positive})` : positive;
	}

	bounds(b: Bounds, x: string, p: (v: number) => string): string[] {
		const out: string[] = [];
		if (b.eq !== undefined) out.push(`${x} = ${p(b.eq)}`);
		if (b.gt !== undefined) out.push(`${x} > ${p(b.gt)}`);
		if (b.gte !== undefined) out.push(`${x} >= ${p(b.gte)}`);
		if (b.lt !== undefined) out.push(`${x} < ${p(b.lt)}`);
		if (b.lte !== undefined) out.push(`${x} <= ${p(b.lte)}`);
		return out;
	}

	event(node: EventNode): string {
		const m = this.mapping as Required<SqlMapping>;
		if (!m.eventsTable || !m.eventContactId || !m.eventType || !m.eventTimestamp || !m.eventProperties) {
			throw new SegmentSqlError(node.path, 'the definition has an event condition, but the events table is not set', 'Fill in the Events Table settings (table, contact ID, type, time and properties columns).');
		}
		const e = this.alias('e');
		const col = (name: string) => `${e}.${quoteIdent(name)}`;
		const filters = [`${col(m.eventContactId)} = ${this.id}`, `${col(m.eventType)} = ${this.param(node.event, 'text')}`];
		if (node.within !== undefined) {
			const from = this.windowStart(node.within, `${node.path}.within`);
			// The engine keeps whole milliseconds, so "at most now" is "before now + 1 ms" for a microsecond column.
			filters.push(`${col(m.eventTimestamp)} >= ${this.param(isoUtc(from), 'timestamptz')}`);
			filters.push(`${col(m.eventTimestamp)} < ${this.param(isoUtc(this.now + 1), 'timestamptz')}`);
		}
		if (node.where) filters.push(this.node(node.where, { kind: 'event', properties: col(m.eventProperties) }));
		const from = `FROM ${quoteIdent(m.eventsTable, true)} AS ${e} WHERE ${filters.join(' AND ')}`;
		if (!node.count && !node.sum && !node.avg) return `EXISTS (SELECT 1 ${from})`;
		const checks: string[] = [];
		if (node.count) checks.push(...this.bounds(node.count, 'count(*)', (v) => this.param(v, 'bigint')));
		const amount = (segments: string[]) => this.number({ kind: 'json', sql: this.jsonPath(col(m.eventProperties), segments) }, 'numeric') as string;
		const decimal = (v: number) => this.param(String(v), 'numeric');
		if (node.sum) checks.push(...this.bounds(node.sum, `COALESCE(sum(${amount(node.sum.segments)}), 0)`, decimal));
		if (node.avg) {
			const x = amount(node.avg.segments);
			// avg ⋛ t  ⇔  sum ⋛ t × n, exact in numeric; no amounts at all: NULL, so false.
			const b = node.avg;
			const parts: string[] = [];
			const cmp = (sign: string, t: number) => parts.push(`sum(${x}) ${sign} ${decimal(t)} * count(${x})`);
			if (b.eq !== undefined) cmp('=', b.eq);
			if (b.gt !== undefined) cmp('>', b.gt);
			if (b.gte !== undefined) cmp('>=', b.gte);
			if (b.lt !== undefined) cmp('<', b.lt);
			if (b.lte !== undefined) cmp('<=', b.lte);
			checks.push(...parts);
		}
		return `(SELECT COALESCE(${checks.join(' AND ')}, FALSE) ${from})`;
	}

	node(node: SegmentNode, ctx: { kind: 'contact' } | { kind: 'event'; properties: string }): string {
		switch (node.kind) {
			case 'all':
				return node.children.length === 0 ? 'TRUE' : `(${node.children.map((c) => this.node(c, ctx)).join(' AND ')})`;
			case 'any':
				return node.children.length === 0 ? 'FALSE' : `(${node.children.map((c) => this.node(c, ctx)).join(' OR ')})`;
			case 'not':
				return `(NOT ${this.node(node.child, ctx)})`;
			case 'jsonata':
				throw new SegmentSqlError(
					`${node.path}.jsonata`,
					'a JSONata condition cannot be compiled to SQL',
					'Express it with field and event conditions, or evaluate this definition with the Filter operation instead.',
				);
			case 'event':
				return this.event(node);
			case 'field': {
				const src: Source = ctx.kind === 'contact' ? this.contactSource(node) : { kind: 'json', sql: this.jsonPath(ctx.properties, node.segments) };
				return this.field(node, src);
			}
		}
	}
}

/**
 * Keeps only the parameters the SQL uses, numbered in order of first use (a condition that can
 * never hold, such as a number compared with a text column, leaves its values unused), and turns
 * the NUL-marked references into $1, $2, …: a `$5` inside a quoted name is never a reference.
 */
function renumber(sql: string, parameters: SqlParameter[]): { where: string; parameters: SqlParameter[] } {
	const order = new Map<number, number>();
	const kept: SqlParameter[] = [];
	const where = sql.replace(/\u0000(\d+)\u0000/g, (_, n: string) => {
		let to = order.get(Number(n));
		if (to === undefined) {
			kept.push(parameters[Number(n) - 1]);
			to = kept.length;
			order.set(Number(n), to);
		}
		return `$${to}`;
	});
	return { where, parameters: kept };
}

/** Compiles a parsed definition to SQL for one execution (relative dates resolved against `now`). */
export function compileSql(definition: SegmentDefinition, mapping: SqlMapping, options: CompileOptions): CompiledSql {
	let zone: SegmentZone;
	try {
		zone = segmentZone(options.timeZone);
	} catch (error) {
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the engine has no n8n import; the node wraps it
		throw new SegmentDefinitionError('$', (error as Error).message, 'Set the time zone to an IANA name, e.g. "Europe/Berlin".');
	}
	for (const [key, label] of [
		['contactsTable', 'Contacts Table'],
		['contactId', 'Contact ID Column'],
	] as const) {
		if (!mapping[key]?.trim()) throw new SegmentSqlError('$', `the ${label} is empty`, `Set "${label}", e.g. "${DEFAULT_MAPPING[key]}".`);
	}
	for (const [i, column] of (mapping.columns ?? []).entries()) {
		if (!column.field?.trim() || !column.column?.trim()) {
			throw new SegmentSqlError('$', `column mapping ${i + 1} needs both a field and a column`, 'Fill in both, or remove the mapping.');
		}
		if (!(COLUMN_TYPES as readonly string[]).includes(column.type)) {
			throw new SegmentSqlError('$', `column mapping ${i + 1} has the unknown type "${column.type}"`, `Use one of ${COLUMN_TYPES.join(', ')}.`);
		}
	}
	const compiler = new SqlCompiler(mapping, options.now, zone);
	const { where, parameters } = renumber(compiler.node(definition.root, { kind: 'contact' }), compiler.parameters);
	const table = quoteIdent(mapping.contactsTable, true);
	return {
		where,
		parameters,
		query: `SELECT * FROM ${table} WHERE ${where}`,
		countQuery: `SELECT count(*) AS total FROM ${table} WHERE ${where}`,
	};
}
