/**
 * The correctness proof of the SQL compiler: whatever the in-memory engine decides, the compiled
 * WHERE clause decides the same on a real PostgreSQL (started by test/helpers/postgres.ts).
 *
 * 1. Differential checks of the parts where the two could part: date parsing (DST gaps and
 *    overlaps, offsets, fractions), text order (code points, not the database's collation), and
 *    regular expressions (translated from the portable subset).
 * 2. An operator sweep: every operator and type, over a table of awkward values (missing, null,
 *    mistyped, numeric text, lists, upper case, non-ASCII and astral text, dates in every form).
 * 3. The property test: fast-check generates random nested definitions (field and event conditions,
 *    counts, windows, sums that floating point gets wrong) and random contacts with events; the
 *    members must be exactly the rows the SQL selects.
 *
 * The database's default collation is ICU en-US (where 'a' < 'B'), and the session time zone is
 * Pacific/Kiritimati: the SQL must depend on neither.
 */
import fc from 'fast-check';
import { Client } from 'pg';

import { snapshotOf } from '../../nodes/AudienceSegment/engine/audience';
import { compileSegment } from '../../nodes/AudienceSegment/engine/compile';
import { DAY, HOUR, MINUTE, parseIsoDate, segmentZone, shift } from '../../nodes/AudienceSegment/engine/dates';
import { parseDefinition } from '../../nodes/AudienceSegment/engine/parse';
import { translateRegex } from '../../nodes/AudienceSegment/engine/regex';
import { linearPattern } from '../../nodes/shared/patterns';
import { compileSql, sqlDateFromText, type SqlMapping, type SqlParameter } from '../../nodes/AudienceSegment/engine/sql';
import { compareText } from '../../nodes/AudienceSegment/engine/values';
import { startPostgres, type PostgresCluster } from '../helpers/postgres';

const RUNS = Number(process.env.CK_SEGMENT_RUNS ?? 300);
const DEFINITIONS_PER_RUN = 6;

const MAPPING: SqlMapping = {
	contactsTable: 'crm.contacts',
	contactId: 'id',
	columns: [
		{ field: 'email', column: 'email', type: 'text' },
		{ field: 'age', column: 'age', type: 'number' },
		{ field: 'vip', column: 'vip', type: 'boolean' },
		{ field: 'signedUp', column: 'signed_up', type: 'timestamp' },
		{ field: 'tags', column: 'tags', type: 'jsonb' },
	],
	jsonColumn: 'attributes',
	eventsTable: 'crm.events',
	eventContactId: 'contact_id',
	eventType: 'event_type',
	eventTimestamp: 'occurred_at',
	eventProperties: 'properties',
};

const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/Sao_Paulo', 'Pacific/Chatham'];
const NOWS = [
	'2024-03-31T00:30:00.000Z', // Berlin springs forward at 01:00 UTC
	'2024-10-27T12:00:00.000Z', // Berlin falls back
	'2023-02-28T12:00:00.000Z', // no Feb 29 this year: leap-day anniversaries fall on the 28th
	'2024-02-29T12:00:00.000Z',
	'2024-11-03T06:30:00.000Z', // New York falls back
	'2025-06-15T09:15:30.123Z',
].map((t) => Date.parse(t));

// ---------- shared value pools: contacts and definitions draw from the same ones ----------

const TEXTS = [
	'', 'a', 'A', 'ab', 'AB', 'Ab', 'abc', 'b', 'B', 'z', 'é', 'É', 'ß', 'İ', '😀', 'a😀', '\uE000', '\uFFFD', 'x\ny', ' ', 'a b',
	'DE', 'de', 'gmail.com', 'user@gmail.com', 'User@GMAIL.COM', 'vip', 'VIP', '12', '1.50', '-3', '.5', '+7', '1.', '1e3', ' 7',
	'0', '007', 'true', 'null', '[]', 'a.b', '%', '_', '\\', "'", '"', '$1', "$'",
];
const NUMBERS = [0, -0, 1, -1, 2, 3, 7, 10, 12, 18, 42, 100, 0.1, 0.2, 0.3, 1.5, 2.5, -3.75, 1e21, 1e-7, 123456.789, 0.30000000000000004];
const DATE_TEXTS = [
	'2024-02-29', '2023-02-28', '2023-02-29', '2024-02-30', '2024-13-01', '2024-00-10', '0000-01-01', '2024-3-1', '2024-03-31T02:30:00',
	'2024-03-31T02:30', '2024-10-27T02:30:00', '2024-03-31 02:30:00', '2024-11-03T01:30:00', '2024-03-10T02:30:00', '2024-01-01T24:00:00',
	'2024-01-01T23:59:60', '2024-01-01T10:00:00+15:00', '2024-01-01T10:00:00+14:59', '2024-01-01T10:00:00z', '2024-01-01t10:00:00Z',
	'1990-02-14', '1992-02-29', '1990-10-27', '2000-03-31', '9999-12-31T23:59:59.999Z', '0001-01-01T00:00:00Z', '2024-06-01T12:00:00.9999999Z',
	'2024-03-30T23:59:59.9995Z', '2024-03-31T01:30:00Z', '2024-10-27T01:30:00+01:00', '2024-10-27T02:30:00+02:00',
];
/** Thresholds between the two readings of the DST gap / overlap local times above. */
const DATE_VALUES = [
	'now', 'today', '-P30D', 'P1D', '-PT12H', '-P1Y', '2024-03-31T02:30:00', '2024-01-01', '2024-03-31T00:30:00Z', '2024-03-31T01:00:00Z',
	'2024-03-31T01:30:00Z', '2024-10-27T00:30:00Z', '2024-10-27T01:00:00Z', '2024-10-27T01:30:00Z', '2024-03-10T07:00:00Z',
	'2024-11-03T05:30:00Z', '2024-11-03T06:00:00Z', '2023-02-28T12:00:00+05:30', '1990-02-14',
];
const DURATIONS = ['P30D', 'PT12H', 'P1M', 'P1Y', 'P0D', 'P1D', 'P7D', 'P2W'];
const PATTERNS = [
	'^a', 'a$', '^$', '', 'b', '.', '^.$', '[a-z]+', '^[^a-z]*$', '\\d', '\\d+\\.\\d{2}$', '\\w@\\w', '\\s', '\\S', '\\D', '\\W', '^(ab|cd)?$',
	'é', '[à-ÿ]', '😀', '[😀-😂]', '\\u{1F600}', '\\u00e9', 'a{2,}', 'a{0}b', '(?:a|b){1,3}', '^\\+\\d', 'x.y', '[\\-.]', '[.]', 'gmail\\.com$',
	'^[A-Z]{2}$', '[^\\n]', 'A|', '[\\uE000]', '\\.', '^.{2}$', '[^😀]', '^\\u{E000}',
];

const text = fc.oneof(
	{ weight: 3, arbitrary: fc.constantFrom(...TEXTS) },
	{ weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('a', 'A', 'b', 'B', '1', '.', '-', 'é', '😀', '\uE000', ' ', '@', 'x'), maxLength: 5 }) },
);
const number = fc.oneof(
	{ weight: 3, arbitrary: fc.constantFrom(...NUMBERS) },
	{ weight: 1, arbitrary: fc.integer({ min: -50, max: 150 }) },
	{ weight: 1, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }) },
);

function instantArb(now: number, zone: string): fc.Arbitrary<number> {
	const z = segmentZone(zone);
	const offsets = [0, 1, -1, 1000, -1000, HOUR, -HOUR, DAY, -DAY, -30 * DAY, -400 * DAY, 200 * DAY];
	const boundaries = DURATIONS.flatMap((d) => {
		const t = shift(now, z, d, -1);
		return [t, t - 1, t + 1, shift(now, z, d, 1)];
	});
	return fc.oneof(
		fc.constantFrom(...offsets.map((o) => now + o), ...boundaries),
		fc.integer({ min: Date.parse('1970-01-01'), max: Date.parse('2100-01-01') }),
		fc.integer({ min: -800, max: 800 }).map((d) => now + d * DAY),
	);
}

/** Dates near `now` and at window boundaries, in every accepted form (and a few refused ones). */
function dateText(now: number, zone: string): fc.Arbitrary<string> {
	const z = segmentZone(zone);
	const format = fc.constantFrom('iso', 'offset', 'local', 'date', 'micro', 'space', 'minutes', 'compactOffset', 'hourOffset');
	return fc.oneof(
		{
			weight: 4,
			arbitrary: fc.tuple(instantArb(now, zone), format, fc.constantFrom(0, 330, -300, 840, -600, 45)).map(([ms, f, offsetMinutes]) => {
				const iso = new Date(ms).toISOString();
				const wall = (minutes: number) => new Date(ms + minutes * MINUTE).toISOString().slice(0, 23);
				const local = wall(z.offset(ms));
				const sign = offsetMinutes < 0 ? '-' : '+';
				const hh = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0');
				const mm = String(Math.abs(offsetMinutes) % 60).padStart(2, '0');
				switch (f) {
					case 'iso':
						return iso;
					case 'offset':
						return `${wall(offsetMinutes)}${sign}${hh}:${mm}`;
					case 'compactOffset':
						return `${wall(offsetMinutes).slice(0, 19)}${sign}${hh}${mm}`;
					case 'hourOffset':
						return `${wall(offsetMinutes - (offsetMinutes % 60)).slice(0, 19)}${sign}${hh}`;
					case 'local':
						return local.slice(0, 19);
					case 'date':
						return local.slice(0, 10);
					case 'micro':
						return `${iso.slice(0, 23)}${String(ms % 997).padStart(3, '0')}Z`;
					case 'space':
						return `${local.slice(0, 10)} ${local.slice(11, 23)}`;
					default:
						return local.slice(0, 16);
				}
			}),
		},
		{ weight: 1, arbitrary: fc.constantFrom(...DATE_TEXTS) },
	);
}

const validDate = (t: string) => !Number.isNaN(parseIsoDate(t, segmentZone('UTC')));

function scalarValue(now: number, zone: string): fc.Arbitrary<unknown> {
	return fc.oneof(
		{ weight: 3, arbitrary: text },
		{ weight: 3, arbitrary: number },
		{ weight: 1, arbitrary: fc.boolean() },
		{ weight: 1, arbitrary: fc.constant(null) },
		{ weight: 3, arbitrary: dateText(now, zone) },
	);
}

function jsonValue(now: number, zone: string): fc.Arbitrary<unknown> {
	const scalar = scalarValue(now, zone);
	return fc.oneof(
		{ weight: 6, arbitrary: scalar },
		{ weight: 2, arbitrary: fc.array(scalar, { maxLength: 4 }) },
		{ weight: 1, arbitrary: fc.array(fc.array(scalar, { maxLength: 2 }), { maxLength: 2 }) },
		{ weight: 1, arbitrary: fc.dictionary(fc.constantFrom('city', 'zip', 'a', '0'), scalar, { maxKeys: 3 }) },
	);
}

// ---------- contacts and events ----------

const EVENT_TYPES = ['purchase', 'email_open', 'visit', 'Purchase'];
const AMOUNTS = [0.1, 0.2, 0.3, 10, 19.99, 0.7, 50, -5, '12.50', '0.10', '1e2', 'x', null, 1e21, 0.6, 10.2, 0.05];

function eventArb(now: number, zone: string) {
	const amount = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...AMOUNTS) }, { weight: 1, arbitrary: number });
	const properties = fc.oneof(
		{ weight: 8, arbitrary: fc.record({ value: amount, qty: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant('2')), category: text, tags: jsonValue(now, zone) }, { requiredKeys: [] }) },
		{ weight: 1, arbitrary: fc.constant(null) },
		{ weight: 1, arbitrary: fc.array(number, { maxLength: 2 }) },
	);
	// The events table holds instants (timestamptz): times carry an offset, as n8n's Postgres node returns them.
	const timestamp = fc.oneof(
		{ weight: 8, arbitrary: dateText(now, zone).filter((t) => t.length > 10 && /(Z|[+-]\d\d(:?\d\d)?)$/.test(t) && !/\.\d{7,}/.test(t) && validDate(t)) },
		{ weight: 1, arbitrary: fc.constant(undefined) },
	);
	return fc.record({ eventType: fc.constantFrom(...EVENT_TYPES), timestamp, properties }, { requiredKeys: ['eventType'] });
}

function contactArb(now: number, zone: string) {
	const json = jsonValue(now, zone);
	return fc.record(
		{
			email: fc.option(text, { nil: null }),
			age: fc.option(number, { nil: null }),
			vip: fc.option(fc.boolean(), { nil: null }),
			// A timestamptz column comes out of n8n's Postgres node as UTC text with milliseconds.
			signedUp: fc.option(instantArb(now, zone).map((ms) => new Date(ms).toISOString()), { nil: null }),
			tags: json,
			country: json,
			score: json,
			birthday: json,
			name: json,
			profile: fc.oneof(fc.record({ city: json, zip: json }, { requiredKeys: [] }), json),
			items: json,
			events: fc.array(eventArb(now, zone), { maxLength: 5 }),
		},
		{ requiredKeys: ['events'] },
	);
}

// ---------- definitions ----------

const FIELDS = ['email', 'age', 'vip', 'signedUp', 'tags', 'tags.0', 'country', 'score', 'birthday', 'name', 'profile', 'profile.city', 'profile.zip', 'items.0', 'items.1', 'missing', 'profile.0'];
const PROPERTY_FIELDS = ['value', 'qty', 'category', 'tags', 'tags.0', 'missing'];

function leafArb(now: number, zone: string, fields: string[]): fc.Arbitrary<Record<string, unknown>> {
	const scalarOf = (type: string): fc.Arbitrary<unknown> =>
		type === 'string'
			? text
			: type === 'number'
				? number
				: type === 'boolean'
					? fc.boolean()
					: fc.oneof(fc.constantFrom(...DATE_VALUES), dateText(now, zone).filter(validDate));
	const typed = fc
		.constantFrom('string', 'number', 'boolean', 'date')
		.chain((type) => {
			const ops =
				type === 'boolean'
					? fc.constantFrom('eq', 'neq', 'in', 'notIn', 'contains', 'notContains')
					: fc.constantFrom('eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'notIn', 'contains', 'notContains');
			return fc.record({
				type: fc.constant(type),
				op: ops,
				one: scalarOf(type),
				list: fc.array(scalarOf(type), { maxLength: 3 }),
				pair: fc.tuple(scalarOf(type), scalarOf(type)),
				explicitType: fc.boolean(),
				ignoreCase: type === 'string' ? fc.boolean() : fc.constant(false),
			});
		})
		.map(({ type, op, one, list, pair, explicitType, ignoreCase }) => {
			const node: Record<string, unknown> = { op, value: op === 'between' ? pair : op === 'in' || op === 'notIn' ? list : one };
			if (explicitType || type === 'date') node.type = type;
			if (ignoreCase) node.ignoreCase = true;
			return node;
		});
	const textOps = fc.record({ op: fc.constantFrom('startsWith', 'endsWith'), value: text, ignoreCase: fc.boolean() });
	const regex = fc.record({ op: fc.constant('regex'), value: fc.constantFrom(...PATTERNS) });
	const presence = fc.record({ op: fc.constantFrom('isEmpty', 'isNotEmpty', 'exists') });
	const dates = fc.oneof(
		fc.record({ op: fc.constantFrom('before', 'after'), value: fc.oneof(fc.constantFrom(...DATE_VALUES), dateText(now, zone).filter(validDate)) }),
		fc.record({ op: fc.constantFrom('withinLast', 'notWithinLast'), value: fc.constantFrom(...DURATIONS) }),
		fc.record({ op: fc.constant('anniversary'), value: fc.constantFrom(undefined, 'P7D', 'P1M', 'P0D') }, { requiredKeys: ['op'] }),
	);
	return fc
		.tuple(
			fc.constantFrom(...fields),
			fc.oneof({ weight: 6, arbitrary: typed }, { weight: 1, arbitrary: textOps }, { weight: 1, arbitrary: regex }, { weight: 1, arbitrary: presence }, { weight: 2, arbitrary: dates }),
		)
		.map(([field, rest]) => {
			const node: Record<string, unknown> = { field, ...rest };
			if (node.ignoreCase === false) delete node.ignoreCase;
			if (node.value === undefined) delete node.value;
			return node;
		});
}

function groupOf(leaf: fc.Arbitrary<Record<string, unknown>>, depth: number): fc.Arbitrary<Record<string, unknown>> {
	if (depth === 0) return leaf;
	const child = groupOf(leaf, depth - 1);
	return fc.oneof(
		{ weight: 3, arbitrary: leaf },
		{ weight: 2, arbitrary: fc.array(child, { maxLength: 3 }).map((all) => ({ all })) },
		{ weight: 2, arbitrary: fc.array(child, { maxLength: 3 }).map((any) => ({ any })) },
		{ weight: 1, arbitrary: child.map((not) => ({ not })) },
	);
}

function eventConditionArb(now: number, zone: string): fc.Arbitrary<Record<string, unknown>> {
	const bounds = (values: fc.Arbitrary<number>) =>
		fc.record({ gte: values, lte: values, eq: values, gt: values, lt: values }, { requiredKeys: [] }).filter((b) => Object.keys(b).length > 0);
	const amounts = fc.constantFrom(0, 0.1, 0.3, 0.6, 0.7, 10, 10.3, 19.99, 20, 50, 100, -5, 1e21, 0.35);
	return fc.record(
		{
			event: fc.constantFrom(...EVENT_TYPES.slice(0, 3)),
			count: bounds(fc.integer({ min: 0, max: 3 })),
			within: fc.constantFrom(...DURATIONS),
			where: groupOf(leafArb(now, zone, PROPERTY_FIELDS), 1),
			sum: fc.record({ property: fc.constantFrom('value', 'qty', 'category'), b: bounds(amounts) }).map(({ property, b }) => ({ property, ...b })),
			avg: fc.record({ property: fc.constantFrom('value', 'qty'), b: bounds(amounts) }).map(({ property, b }) => ({ property, ...b })),
		},
		{ requiredKeys: ['event'] },
	);
}

function definitionArb(now: number, zone: string) {
	const leaf = fc.oneof({ weight: 3, arbitrary: leafArb(now, zone, FIELDS) }, { weight: 1, arbitrary: eventConditionArb(now, zone) });
	return groupOf(leaf, 2);
}

// ---------- running definitions on both sides ----------

interface Case {
	definition: unknown;
	now: number;
	zone: string;
}

type Item = Record<string, unknown> & { id: string; events?: unknown };

/**
 * Evaluates many definitions over the loaded contacts: in memory, and as one SELECT with a column
 * per definition. Returns a description of every disagreement.
 */
async function compare(db: Client, items: Item[], cases: Case[]): Promise<string[]> {
	const columns: string[] = [];
	const parameters: SqlParameter[] = [];
	const compiled = cases.map((c, k) => {
		const parsed = parseDefinition(JSON.stringify(c.definition));
		const options = { now: c.now, timeZone: c.zone };
		const sql = compileSql(parsed, MAPPING, options);
		expect(sql.where).not.toMatch(/\$(?!\d)/);
		const offset = parameters.length;
		parameters.push(...sql.parameters);
		columns.push(`(${sql.where.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`)}) AS r${k}`);
		return { segment: compileSegment(parsed, options), sql };
	});
	let rows: Array<Record<string, unknown>>;
	try {
		rows = (await db.query(`SELECT id, ${columns.join(', ')} FROM crm.contacts`, parameters)).rows;
	} catch (error) {
		throw new Error(`PostgreSQL refused the compiled SQL: ${(error as Error).message}\n${compiled.map((c) => c.sql.where).join('\n')}`);
	}
	const byId = new Map(rows.map((r) => [r.id as string, r]));
	const problems: string[] = [];
	for (const item of items) {
		const row = byId.get(item.id);
		compiled.forEach(({ segment, sql }, k) => {
			const memory = segment.test(item, item.events);
			const explained = segment.explain(item, item.events) as { matched: boolean };
			if (explained.matched !== memory) problems.push(`explain and test differ for ${item.id}`);
			if (row?.[`r${k}`] !== memory) {
				const { now, zone, definition } = cases[k];
				problems.push(
					`${item.id}: in memory ${memory}, SQL ${row?.[`r${k}`]}; zone ${zone}, now ${new Date(now).toISOString()}\n` +
						`  definition ${JSON.stringify(definition)}\n  contact ${JSON.stringify(item)}\n  where ${sql.where}\n  parameters ${JSON.stringify(sql.parameters)}`,
				);
			}
		});
	}
	return problems;
}

async function load(db: Client, contacts: Array<Record<string, unknown>>): Promise<Item[]> {
	const items = contacts.map((c, i) => ({ id: `c${String(i).padStart(4, '0')}`, ...(JSON.parse(JSON.stringify(c)) as Record<string, unknown>) }) as Item);
	const rows = items.map((c) => ({
		id: c.id,
		email: c.email ?? null,
		age: c.age ?? null,
		vip: c.vip ?? null,
		signed_up: c.signedUp ?? null,
		tags: c.tags === undefined ? null : c.tags,
		attributes: { ...c, events: undefined },
	}));
	const events = items.flatMap((c) =>
		((c.events as Array<Record<string, unknown>> | undefined) ?? []).map((e) => ({
			contact_id: c.id,
			event_type: e.eventType,
			occurred_at: e.timestamp ?? null,
			properties: e.properties === undefined ? null : e.properties,
		})),
	);
	await db.query('TRUNCATE crm.contacts, crm.events');
	await db.query('INSERT INTO crm.contacts SELECT * FROM jsonb_populate_recordset(NULL::crm.contacts, $1)', [JSON.stringify(rows)]);
	await db.query('INSERT INTO crm.events SELECT * FROM jsonb_populate_recordset(NULL::crm.events, $1)', [JSON.stringify(events)]);
	return items;
}

/** Local wall-clock times every 15 minutes around each DST transition of 2023–2025 in a zone. */
function transitionWallTimes(zone: string): string[] {
	const z = segmentZone(zone);
	const out: string[] = [];
	const step = 6 * HOUR;
	for (let t = Date.parse('2023-01-01T00:00:00Z'); t < Date.parse('2026-01-01T00:00:00Z'); t += step) {
		const before = z.offset(t);
		const after = z.offset(t + step);
		if (before === after) continue;
		// Find the transition to the minute, then list wall times around it.
		let lo = t;
		let hi = t + step;
		while (hi - lo > MINUTE) {
			const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE || lo + MINUTE;
			if (z.offset(mid) === before) lo = mid;
			else hi = mid;
		}
		const wall = hi + before * MINUTE;
		for (let k = -12; k <= 12; k++) {
			const w = new Date(wall + k * 15 * MINUTE).toISOString();
			out.push(w.slice(0, 19), w.slice(0, 16), w.slice(0, 10), `${w.slice(0, 10)} ${w.slice(11, 23)}`);
		}
	}
	return [...new Set(out)];
}

// ---------- the tests ----------

describe('Audience Segment: the compiled SQL selects exactly what the engine selects (real PostgreSQL)', () => {
	let pg: PostgresCluster;
	let admin: Client;
	let db: Client;

	beforeAll(async () => {
		pg = await startPostgres();
		admin = await pg.connect();
		// A collation where 'a' < 'B' (unlike the engine's code-point order): the SQL must not rely on the default.
		await admin.query("CREATE DATABASE segments TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'");
		db = new Client({ ...pg.config, database: 'segments' });
		await db.connect();
		await db.query("SET TimeZone = 'Pacific/Kiritimati'");
		await db.query('CREATE SCHEMA crm');
		await db.query('CREATE TABLE crm.contacts (id text PRIMARY KEY, email text, age float8, vip boolean, signed_up timestamptz, tags jsonb, attributes jsonb)');
		await db.query('CREATE TABLE crm.events (contact_id text, event_type text, occurred_at timestamptz, properties jsonb)');
		// The index a real events table has; the compiled subqueries use it.
		await db.query('CREATE INDEX ON crm.events (contact_id, event_type, occurred_at)');
	}, 60_000);

	afterAll(async () => {
		await db?.end();
		await admin?.end();
		await pg?.stop();
	});

	it('parses dates as the engine does: DST gaps and overlaps, offsets, fractions, invalid days', async () => {
		const samples = fc.sample(fc.tuple(fc.constantFrom(...NOWS), fc.constantFrom(...ZONES)).chain(([now, zone]) => dateText(now, zone)), { numRuns: 400, seed: 7 });
		let compared = 0;
		for (const zone of ZONES) {
			const texts = [...new Set([...transitionWallTimes(zone), ...DATE_TEXTS, ...samples])];
			const { rows } = await db.query(
				`SELECT u.i, ${sqlDateFromText('u.s', 'CAST($1 AS text)')} AS t FROM unnest(CAST($2 AS text[])) WITH ORDINALITY AS u(s, i) ORDER BY u.i`,
				[zone, texts],
			);
			const z = segmentZone(zone);
			const wrong = texts.filter((s, i) => {
				const memory = parseIsoDate(s, z);
				const sql = rows[i].t === null ? NaN : (rows[i].t as Date).getTime();
				return !(memory === sql || (Number.isNaN(memory) && Number.isNaN(sql)));
			});
			expect({ zone, wrong: wrong.map((s) => `${s} → ${new Date(parseIsoDate(s, z)).toISOString?.() ?? 'NaN'}`) }).toEqual({ zone, wrong: [] });
			compared += texts.length;
		}
		expect(compared).toBeGreaterThan(3000);
	});

	it('orders text by code point whatever the database collation', async () => {
		const pool = [...TEXTS, 'a\uE000', 'a😀b', '\u{10FFFF}', '\uD7FF', 'Z', 'á', 'ä'];
		const pairs = pool.flatMap((a) => pool.map((b) => [a, b]));
		const { rows } = await db.query(
			`SELECT (a COLLATE "C" < b) AS lt, (a = b) AS eq FROM unnest(CAST($1 AS text[]), CAST($2 AS text[])) AS p(a, b)`,
			[pairs.map((p) => p[0]), pairs.map((p) => p[1])],
		);
		const wrong = pairs.filter(([a, b], i) => (compareText(a, b) < 0) !== rows[i].lt || (compareText(a, b) === 0) !== rows[i].eq);
		expect(wrong).toEqual([]);
	});

	it('matches regular expressions of the portable subset as the linear-time engine does', async () => {
		const pieces = ['a', 'b', 'A', '.', '\\.', 'é', '😀', '\\d', '\\w', '\\s', '\\D', '\\W', '\\S', '[a-c]', '[^a]', '[😀-😂]', '[\\-x]', '^', '$', '\\n', ' '];
		const atom = fc.constantFrom(...pieces);
		const quantified = fc.tuple(atom, fc.constantFrom('', '', '*', '+', '?', '{2}', '{0,1}', '{1,}')).map(([a, q]) => (a === '^' || a === '$' ? a : a + q));
		const sequence = fc.array(quantified, { minLength: 0, maxLength: 4 }).map((xs) => xs.join(''));
		const generated = fc.sample(
			fc.oneof(sequence, fc.tuple(sequence, sequence).map(([x, y]) => `${x}|${y}`), fc.tuple(sequence, fc.constantFrom('*', '?', '{1,2}', '')).map(([x, q]) => `(${x})${q}`)),
			{ numRuns: 300, seed: 11 },
		);
		const patterns = [...new Set([...PATTERNS, ...generated])].map((source) => ({ source, ...translateRegex(source) }));
		const subjects = [...new Set([...TEXTS, 'aa', 'aaa', 'ab\n', '\nab', 'x😀y', 'é😀', 'cd', 'a-b', '😀😀', 'A1 b', ...fc.sample(text, { numRuns: 40, seed: 3 })])];
		const { rows } = await db.query(
			`SELECT s ~ p AS m FROM unnest(CAST($1 AS text[])) WITH ORDINALITY AS pp(p, i), unnest(CAST($2 AS text[])) WITH ORDINALITY AS ss(s, j) ORDER BY pp.i, ss.j`,
			[patterns.map((p) => p.pg), subjects],
		);
		const wrong: string[] = [];
		patterns.forEach((p, i) => {
			const re = linearPattern(p.re2, { dotAll: true });
			subjects.forEach((s, j) => {
				if (re.test(s) !== rows[i * subjects.length + j].m) wrong.push(`/${p.source}/ on ${JSON.stringify(s)}`);
			});
		});
		expect(wrong).toEqual([]);
	});

	it('computes the snapshot hash in SQL as SEGMENTS.md says', async () => {
		const ids = ['c2', 'c10', 'B', 'a', '😀', '\uE000', 'é', 'c2'];
		const { rows } = await db.query(
			`SELECT encode(sha256(convert_to(string_agg(id, E'\\n' ORDER BY id COLLATE "C"), 'UTF8')), 'hex') AS hash FROM (SELECT DISTINCT id FROM unnest(CAST($1 AS text[])) AS t(id)) AS m`,
			[ids],
		);
		expect(rows[0].hash).toBe(snapshotOf(ids).hash);
	});

	it('passes a 70,000-value list as one array parameter, which PostgreSQL accepts (its limit is 65,535 parameters)', async () => {
		const items = await load(db, [
			{ email: 'v69999', age: 69_999, nickname: "v1'", signedUp: '2024-01-01T00:00:00Z' },
			{ email: 'nope', age: -1, nickname: 'v7', signedUp: '2024-01-02T00:00:00Z' },
			{ email: 'v5', age: 5.5, nickname: 'x', signedUp: '2024-01-03T00:00:00.001Z' },
			{ age: 12 },
		]);
		const texts = Array.from({ length: 70_000 }, (_, i) => `v${i}`);
		const numbers = Array.from({ length: 70_000 }, (_, i) => i);
		const days = Array.from({ length: 70_000 }, (_, i) => new Date(Date.parse('2024-01-01T00:00:00Z') + i * DAY).toISOString().slice(0, 10));
		const definitions = [
			{ field: 'email', op: 'in', value: texts },
			{ field: 'age', op: 'notIn', value: numbers },
			{ field: 'nickname', op: 'in', value: [...texts, "v1'"] },
			{ field: 'email', op: 'in', value: texts.map((t) => t.toUpperCase()), ignoreCase: true },
			{ field: 'signedUp', op: 'in', type: 'date', value: days },
		];
		const options = { now: NOWS[0], timeZone: 'Europe/Berlin' };
		for (const definition of definitions) {
			const sql = compileSql(parseDefinition(definition), MAPPING, options);
			expect(sql.parameters.length).toBeLessThanOrEqual(2);
			expect(sql.where).toMatch(/= ANY\(CAST\(\$\d AS (text|float8|timestamptz)\[\]\)\)/);
		}
		expect(await compare(db, items, definitions.map((definition) => ({ definition, now: options.now, zone: options.timeZone })))).toEqual([]);
	});

	it('never mixes parameters and names: a column called "price$5" or "$1" stays as it is', async () => {
		await db.query('CREATE TABLE crm."shop$1" (id text PRIMARY KEY, "price$5" float8, "$1" text, "a""$2" text, "$3 ""x""" jsonb)');
		await db.query(`INSERT INTO crm."shop$1" VALUES ('p1', 9, 'x', 'y', '{"k": "$4"}'), ('p2', 2, 'x', 'y', '{}'), ('p3', 9, 'z', 'y', NULL)`);
		const mapping: SqlMapping = {
			contactsTable: 'crm.shop$1',
			contactId: 'id',
			columns: [
				{ field: 'price', column: 'price$5', type: 'number' },
				{ field: 'code', column: '$1', type: 'text' },
				{ field: 'q', column: 'a"$2', type: 'text' },
				{ field: 'extra', column: '$3 "x"', type: 'jsonb' },
			],
			jsonColumn: '',
		};
		const definition = {
			all: [
				{ field: 'price', op: 'gt', value: 3 },
				{ field: 'code', op: 'eq', value: 'x' },
				{ field: 'q', op: 'neq', value: '$2' },
				{ field: 'extra.k', op: 'neq', value: 'z' },
			],
		};
		const sql = compileSql(parseDefinition(definition), mapping, { now: NOWS[0], timeZone: 'UTC' });
		// Names with "$" are written with a Unicode escape: the text holds no "$" but the references.
		expect(sql.query.replace(/\$\d+ AS /g, '')).not.toContain('$');
		const { rows } = await db.query(sql.query, sql.parameters);
		expect(rows.map((r) => r.id)).toEqual(['p1']);
		// n8n's Postgres node (pg-promise) writes the values into the text, replacing every $n it finds.
		const literal = (v: SqlParameter) => (typeof v === 'string' ? `'${v.replace(/'/g, "''")}'` : String(v));
		const formatted = sql.query.replace(/\$(\d+)/g, (_, n: string) => literal(sql.parameters[Number(n) - 1]));
		expect((await db.query(formatted)).rows.map((r) => r.id)).toEqual(['p1']);
		expect(() => compileSql(parseDefinition(definition), { ...mapping, contactId: 'i\u0000d' }, { now: NOWS[0], timeZone: 'UTC' })).toThrow(/NUL/);
	});

	it('sweeps every operator and type over a table of awkward values', async () => {
		const now = NOWS[0];
		const zone = 'Europe/Berlin';
		const values: unknown[] = [
			...TEXTS, ...NUMBERS, true, false, null, ...DATE_TEXTS, ...DATE_VALUES.filter(validDate),
			['a', 'B'], ['vip', 'new'], [1, 2.5], [], {}, { city: 'Berlin' }, [['a']], [null], ['2024-03-31T02:30:00', 'x'], [true],
			...fc.sample(dateText(now, zone), { numRuns: 40, seed: 5 }),
		];
		const texts = TEXTS.filter((t) => typeof t === 'string');
		const contacts = values.map((v, i) => ({
			v,
			email: texts[i % texts.length],
			age: NUMBERS[i % NUMBERS.length],
			vip: i % 3 === 0 ? null : i % 2 === 0,
			signedUp: new Date(now + ((i * 7919) % 1600 - 800) * HOUR).toISOString(),
			tags: values[(i * 31) % values.length],
			events: [],
		}));
		contacts.push({ events: [] } as never);
		const items = await load(db, contacts);
		const cases: Case[] = [];
		const add = (definition: unknown, at = now, tz = zone) => cases.push({ definition, now: at, zone: tz });
		const fields = ['v', 'email', 'age', 'vip', 'signedUp', 'tags', 'v.0', 'v.city'];
		for (const field of fields) {
			for (const op of ['isEmpty', 'isNotEmpty', 'exists']) add({ field, op });
			for (const op of ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'notContains', 'startsWith', 'endsWith']) {
				for (const value of ['', 'a', 'A', 'é', '😀', '\uE000', 'ab', '1.50', 'vip', 'B']) {
					add({ field, op, value });
					if (op !== 'gt' && op !== 'lt') add({ field, op, value, ignoreCase: true });
				}
			}
			for (const value of [[], ['a', 'VIP'], ['😀', '\uE000', '1.50']]) {
				add({ field, op: 'in', value, type: 'string' });
				add({ field, op: 'notIn', value, type: 'string', ignoreCase: true });
			}
			add({ field, op: 'between', value: ['B', 'b'] });
			add({ field, op: 'between', value: ['a', 'z'], ignoreCase: true });
			for (const op of ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains']) for (const value of [0, -1, 1.5, 12, 0.3, 1e21, 7]) add({ field, op, value });
			add({ field, op: 'between', value: [0, 12] });
			add({ field, op: 'in', value: [1, 2.5, -3.75] });
			for (const op of ['eq', 'neq', 'contains', 'notContains']) for (const value of [true, false]) add({ field, op, value });
			add({ field, op: 'in', value: [true] });
			for (const pattern of PATTERNS) add({ field, op: 'regex', value: pattern });
			for (const [at, tz] of [
				[NOWS[0], 'Europe/Berlin'],
				[NOWS[4], 'America/New_York'],
				[NOWS[2], 'Asia/Kolkata'],
			] as const) {
				for (const op of ['eq', 'before', 'after', 'gte', 'lte']) for (const value of DATE_VALUES) add({ field, op, value, type: 'date' }, at, tz);
				add({ field, op: 'between', value: ['-P30D', 'now'], type: 'date' }, at, tz);
				add({ field, op: 'in', value: ['2024-03-31T02:30:00', '1990-02-14'], type: 'date' }, at, tz);
				for (const d of DURATIONS) {
					add({ field, op: 'withinLast', value: d }, at, tz);
					add({ field, op: 'notWithinLast', value: d }, at, tz);
				}
				for (const w of [undefined, 'P7D', 'P1M']) add({ field, op: 'anniversary', ...(w ? { value: w } : {}) }, at, tz);
			}
		}
		const problems: string[] = [];
		for (let k = 0; k < cases.length; k += 60) problems.push(...(await compare(db, items, cases.slice(k, k + 60))));
		expect(problems.slice(0, 5)).toEqual([]);
		expect(cases.length).toBeGreaterThan(1500);
	}, 120_000);

	it('sweeps event conditions: exact sums and averages, window edges to the millisecond, counts', async () => {
		const cases: Case[] = [];
		const problems: string[] = [];
		for (const [now, zone] of [
			[NOWS[1], 'Europe/Berlin'],
			[NOWS[4], 'America/New_York'],
		] as const) {
			const z = segmentZone(zone);
			const amounts: unknown[][] = [
				[0.1, 0.2], [0.1, 0.2, 0.3], [0.3], [0.7, 0.1, -0.5], ['12.50', '0.10'], [1e21, 1, -1e21], Array(10).fill(0.1), [19.99, 0.01],
				[], ['x', 5], [null], [2.675, 0.005], [0.1, '0.2'], [1e-7, 0.3], [0.35, 0.25], [10.3, 0.3], [6, 6.6],
			];
			const edges = ['P30D', 'PT1H', 'P1M'].flatMap((d) => {
				const t = shift(now, z, d, -1);
				return [t, t - 1, t + 1];
			});
			const instants = [now, now - 1, now + 1, now - 1000, ...edges];
			const contacts = amounts.flatMap((list, a) =>
				instants.map((at, k) => ({
					events: [
						...list.map((value, j) => ({ eventType: 'purchase', timestamp: new Date(at - j * 1000 * (k % 2)).toISOString(), properties: { value, category: j % 2 ? 'shoes' : 'hats' } })),
						{ eventType: 'Purchase', timestamp: new Date(now).toISOString(), properties: { value: 1 } },
						...(a % 3 === 0 ? [{ eventType: 'purchase', properties: { value: 0.2 } }] : []),
						...(a % 4 === 0 ? [{ eventType: 'purchase', timestamp: `${new Date(at).toISOString().slice(0, 23)}456Z`, properties: { value: 0.1 } }] : []),
					],
				})),
			);
			const items = await load(db, contacts);
			await db.query('ANALYZE crm.events');
			const local: Case[] = [];
			const add = (definition: unknown) => local.push({ definition, now, zone });
			const thresholds = [0, 0.3, 0.6, 1, 12.6, 20, 0.15, 0.2, 6.3, 1e21, 0.30000000000000004];
			for (const within of [undefined, 'P30D', 'PT1H', 'P1M']) {
				const w = within ? { within } : {};
				add({ event: 'purchase', ...w });
				for (const count of [{ gte: 2 }, { eq: 0 }, { lte: 1 }, { gt: 2, lt: 10 }, { eq: 3 }]) add({ event: 'purchase', count, ...w });
				for (const t of thresholds) {
					for (const key of ['eq', 'gte', 'lte', 'gt', 'lt']) {
						add({ event: 'purchase', sum: { property: 'value', [key]: t }, ...w });
						add({ event: 'purchase', avg: { property: 'value', [key]: t }, ...w });
					}
				}
				add({ event: 'purchase', where: { field: 'category', op: 'eq', value: 'shoes' }, sum: { property: 'value', gte: 0.2 }, ...w });
				add({ event: 'purchase', where: { not: { field: 'category', op: 'eq', value: 'shoes' } }, count: { gte: 2 }, avg: { property: 'value', lte: 0.3 }, ...w });
			}
			for (let k = 0; k < local.length; k += 60) problems.push(...(await compare(db, items, local.slice(k, k + 60))));
			cases.push(...local);
		}
		expect(problems.slice(0, 3)).toEqual([]);
		expect(cases.length).toBeGreaterThan(400);
	}, 120_000);

	it(`agrees on ${RUNS} × ${DEFINITIONS_PER_RUN} random definitions over random contacts and events (fast-check)`, async () => {
		const started = Date.now();
		let members = 0;
		let nonMembers = 0;
		const scenario = fc
			.record({ now: fc.constantFrom(...NOWS), zone: fc.constantFrom(...ZONES) })
			.chain(({ now, zone }) =>
				fc.record({
					now: fc.constant(now),
					zone: fc.constant(zone),
					definitions: fc.array(definitionArb(now, zone), { minLength: DEFINITIONS_PER_RUN, maxLength: DEFINITIONS_PER_RUN }),
					contacts: fc.array(contactArb(now, zone), { minLength: 1, maxLength: 20 }),
				}),
			);
		await fc.assert(
			fc.asyncProperty(scenario, async ({ now, zone, definitions, contacts }) => {
				const items = await load(db, contacts);
				const cases = definitions.map((definition) => ({ definition, now, zone }));
				const problems = await compare(db, items, cases);
				if (problems.length) throw new Error(problems[0]);
				for (const c of cases) {
					const segment = compileSegment(parseDefinition(c.definition), { now, timeZone: zone });
					for (const item of items) {
						if (segment.test(item, item.events)) members++;
						else nonMembers++;
					}
				}
			}),
			{ numRuns: RUNS, seed: process.env.CK_SEGMENT_SEED ? Number(process.env.CK_SEGMENT_SEED) : undefined, endOnFailure: !!process.env.CK_SEGMENT_NO_SHRINK },
		);
		console.log(
			`[segment property] ${RUNS} runs × ${DEFINITIONS_PER_RUN} definitions: ${members} member and ${nonMembers} non-member decisions agreed, ${((Date.now() - started) / 1000).toFixed(1)} s`,
		);
		// Both outcomes must be common, or the comparison proves little.
		expect(members).toBeGreaterThan(RUNS * 5);
		expect(nonMembers).toBeGreaterThan(RUNS * 5);
	}, Math.max(120_000, RUNS * 400));
});
