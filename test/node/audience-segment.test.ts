import { createHash } from 'node:crypto';

import { runWorkflow, singleNode } from '../helpers/n8n';

const NOW = '2024-06-15T12:00:00Z';
const day = 86_400_000;
const ago = (days: number) => new Date(Date.parse(NOW) - days * day).toISOString();

/** Six contacts: ids, countries, emails, consent and purchase events. */
const contacts = () => [
	{ id: 'c1', email: 'ana@example.com', country: 'DE', consent: { email: true, sms: 'granted' }, events: [{ eventType: 'purchase', timestamp: ago(3), properties: { value: 40 } }] },
	{ id: 'c2', email: 'ben@example.com', country: 'FR', consent: { email: true }, events: [{ eventType: 'purchase', timestamp: ago(40), properties: { value: 90 } }] },
	{ id: 'c3', email: '', country: 'DE', consent: { email: 'no' }, events: [] },
	{ id: 'c4', email: 'cy@example.com', country: 'AT', consent: { email: 'subscribed', push: true }, events: [{ eventType: 'purchase', timestamp: ago(1), properties: { value: 5 } }, { eventType: 'purchase', timestamp: ago(2), properties: { value: 7 } }] },
	{ id: 'c5', email: 'dee@example.com', country: 'DE', unsubscribed: true, events: [{ eventType: 'purchase', timestamp: ago(5), properties: { value: 10 } }] },
	{ id: 'c6', email: 'eve@example.com', country: 'de', events: [{ eventType: 'page_view', timestamp: ago(1) }] },
];

const definition = {
	all: [
		{ field: 'email', op: 'isNotEmpty' },
		{ field: 'country', op: 'in', value: ['DE', 'AT'], ignoreCase: true },
		{ not: { field: 'unsubscribed', op: 'eq', value: true } },
		{ event: 'purchase', within: 'P30D' },
	],
};

const parameters = (extra: Record<string, unknown> = {}) => ({
	definition: JSON.stringify(definition),
	segmentId: 'recent-buyers-dach',
	options: { evaluateAt: NOW, timeZone: 'Europe/Berlin' },
	...extra,
});

const ids = (items: Array<{ json: Record<string, unknown> }>) => items.map((i) => i.json.id);

describe('Audience Segment node (in-process n8n)', () => {
	it('runs as dropped on the canvas: email present and not unsubscribed', async () => {
		const result = await runWorkflow(singleNode('audienceSegment', {}, contacts()));
		expect(result.error).toBeUndefined();
		const [members, others] = result.outputs('Node');
		expect(ids(members)).toEqual(['c1', 'c2', 'c4', 'c6']);
		expect(ids(others)).toEqual(['c3', 'c5']);
		expect((members[0].json.segment as { id: string }).id).toMatch(/^seg_[0-9a-f]{12}$/);
	});

	it('Filter: members on output 0, the others on output 1, each with the deciding reasons and paired to its input', async () => {
		const result = await runWorkflow(singleNode('audienceSegment', parameters(), contacts()));
		expect(result.error).toBeUndefined();
		const [members, others] = result.outputs('Node');
		expect(ids(members)).toEqual(['c1', 'c4']);
		expect(ids(others)).toEqual(['c2', 'c3', 'c5', 'c6']);
		const paired = [...members, ...others].map((i) => (i.pairedItem as { item: number }).item).sort();
		expect(paired).toEqual([0, 1, 2, 3, 4, 5]);
		for (const item of [...members, ...others]) {
			expect(contacts()[(item.pairedItem as { item: number }).item].id).toBe(item.json.id);
		}

		// A member: every condition held, all of them listed.
		const c1 = members[0].json.segment as { id: string; matched: boolean; reasons: Array<{ path: string; condition: string; met: boolean }> };
		expect(c1.id).toBe('recent-buyers-dach');
		expect(c1.matched).toBe(true);
		expect(c1.reasons.map((r) => [r.path, r.met])).toEqual([
			['$.all[0]', true],
			['$.all[1]', true],
			['$.all[2]', true],
			['$.all[3]', true],
		]);
		expect(c1.reasons.map((r) => r.condition)).toEqual([
			'email is not empty',
			'country in ["DE", "AT"] (ignoring case)',
			'not (unsubscribed = true)',
			'purchase, at least once, within P30D',
		]);
		// Non-members: the one condition that failed.
		const reasonsOf = (id: string) => (others.find((i) => i.json.id === id)!.json.segment as { reasons: Array<{ path: string; met: boolean }> }).reasons;
		expect(reasonsOf('c2')).toEqual([{ path: '$.all[1]', condition: 'country in ["DE", "AT"] (ignoring case)', met: false }]);
		expect(reasonsOf('c3')).toEqual([{ path: '$.all[0]', condition: 'email is not empty', met: false }]);
		expect(reasonsOf('c5')).toEqual([{ path: '$.all[2]', condition: 'not (unsubscribed = true)', met: false }]);
		expect(reasonsOf('c6')).toEqual([{ path: '$.all[3]', condition: 'purchase, at least once, within P30D', met: false }]);
		// The item's own fields are kept.
		expect(members[0].json.email).toBe('ana@example.com');
	});

	it('Filter with the simple builder, without reasons', async () => {
		const result = await runWorkflow(
			singleNode(
				'audienceSegment',
				{
					definitionMode: 'builder',
					match: 'any',
					conditions: {
						condition: [
							{ field: 'country', op: 'eq', value: 'AT', type: 'auto' },
							{ field: 'email', op: 'startsWith', value: 'BEN', type: 'string', ignoreCase: true },
						],
					},
					options: { includeReasons: false },
				},
				contacts(),
			),
		);
		expect(result.error).toBeUndefined();
		const [members] = result.outputs('Node');
		expect(ids(members)).toEqual(['c2', 'c4']);
		expect(members[0].json.segment).toEqual({ id: expect.stringMatching(/^seg_/), matched: true });
	});

	it('Filter: a malformed definition stops the run with its JSON path and what was expected', async () => {
		const broken = { all: [{ field: 'country', op: 'equals', value: 'DE' }] };
		const result = await runWorkflow(singleNode('audienceSegment', { definition: JSON.stringify(broken) }, contacts()));
		expect(result.error?.message).toBe('The segment definition has a problem at $.all[0].op: unknown operator "equals".');
		expect(result.error?.description).toMatch(/^Valid operators: eq, neq, gt, gte/);

		const builder = await runWorkflow(
			singleNode('audienceSegment', { definitionMode: 'builder', conditions: { condition: [{ field: 'age', op: 'gt', value: 'x', type: 'number' }] } }, contacts()),
		);
		expect(builder.error?.message).toBe('The segment definition has a problem in Condition 1 (Value): the value "x" is not a number');
	});

	it('Filter: an endless JSONata condition fails its items at the Expression Time Limit set in the options', async () => {
		const endless = { any: [{ field: 'country', op: 'eq', value: 'FR' }, { jsonata: '($f := function($x){ $f($x) }; $f(1))' }] };
		const started = Date.now();
		const result = await runWorkflow(
			singleNode('audienceSegment', { definition: JSON.stringify(endless), options: { expressionTimeLimit: 100 } }, contacts().slice(0, 3), { continueOnFail: true }),
		);
		expect(Date.now() - started).toBeLessThan(15_000);
		const [first] = result.outputs('Node');
		const failed = first.filter((i) => i.json.error);
		expect(failed.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(failed[0].json.error).toBe('Item 0: the condition at $.any[1].jsonata failed: the expression ran longer than the Expression Time Limit of 100 ms');
		expect(failed[0].json.details).toMatch(/^Expression Time Limit \(Milliseconds\): raise it in the node's options/);
	});

	it('Filter: the Expression Time Limit counts each contact\'s own time, not the whole batch\'s', async () => {
		const orders = Array.from({ length: 50 }, (_, i) => ({ total: i }));
		const items = Array.from({ length: 3000 }, (_, i) => ({ id: `c${i}`, orders }));
		const definition = { jsonata: '$count(orders[total > 10]) > 1 and $sum(orders.total) > 0' };
		const started = Date.now();
		const result = await runWorkflow(singleNode('audienceSegment', { definition: JSON.stringify(definition), options: { expressionTimeLimit: 400 } }, items));
		// The batch takes longer than the limit (0.3 to 3 ms a contact), each contact far less.
		expect(Date.now() - started).toBeGreaterThan(400);
		expect(result.error).toBeUndefined();
		expect(result.outputs('Node')[0]).toHaveLength(3000);
	});

	it('Filter: a JSONata error names the item and, with Continue On Fail, becomes an error item on output 0', async () => {
		const withJsonata = { any: [{ field: 'country', op: 'eq', value: 'FR' }, { jsonata: '$number(email) > 1' }] };
		const items = contacts().slice(0, 3);
		const stopped = await runWorkflow(singleNode('audienceSegment', { definition: JSON.stringify(withJsonata) }, items));
		expect(stopped.error?.message).toMatch(/^Item 0: the condition at \$\.any\[1\]\.jsonata failed: JSONata error at position \d+:/);

		const continued = await runWorkflow(singleNode('audienceSegment', { definition: JSON.stringify(withJsonata) }, items, { continueOnFail: true }));
		expect(continued.error).toBeUndefined();
		const [first, second] = continued.outputs('Node');
		// c2 (FR) is decided without reaching the JSONata; c1 and c3 fail on it.
		expect(first.filter((i) => i.json.error).map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(ids(first.filter((i) => !i.json.error))).toEqual(['c2']);
		expect(second).toEqual([]);
		expect(first.find((i) => i.json.error)?.json.details).toMatch(/Correct the expression/);
	});

	it('Filter: events that are not a list name the item and the Events field', async () => {
		const items = [{ id: 'x', email: 'x@example.com', country: 'DE', events: 'purchase' }];
		const result = await runWorkflow(singleNode('audienceSegment', parameters(), items));
		expect(result.error?.message).toBe('Item 0: the Events field: the events are "purchase", not a list');
		expect(result.error?.description).toMatch(/Map "Events" to the list/);
	});

	it('Count: total, members, reachable per channel by consent, and a stable sample', async () => {
		const run = () => runWorkflow(singleNode('audienceSegment', parameters({ operation: 'count', sampleSize: 2 }), contacts()));
		const result = await run();
		expect(result.error).toBeUndefined();
		const out = result.output('Node');
		expect(out).toHaveLength(1);
		expect(out[0].pairedItem).toEqual([0, 1, 2, 3, 4, 5].map((item) => ({ item })));
		const summary = out[0].json as Record<string, unknown>;
		expect(summary).toMatchObject({
			segment: { id: 'recent-buyers-dach' },
			total: 6,
			members: 2,
			nonMembers: 4,
			reachable: { email: 2, sms: 1, push: 1 },
			countedAt: '2024-06-15T12:00:00.000Z',
		});
		const sample = summary.sample as Array<{ id: string }>;
		expect(sample.map((c) => c.id).sort()).toEqual(['c1', 'c4']);
		// The same members give the same sample in any order.
		const reversed = await runWorkflow(singleNode('audienceSegment', parameters({ operation: 'count', sampleSize: 1 }), contacts().reverse()));
		const again = await runWorkflow(singleNode('audienceSegment', parameters({ operation: 'count', sampleSize: 1 }), contacts()));
		expect((reversed.output('Node')[0].json.sample as Array<{ id: string }>)[0].id).toBe((again.output('Node')[0].json.sample as Array<{ id: string }>)[0].id);
	});

	it('Snapshot: the member list with a content hash that does not depend on input order', async () => {
		const a = await runWorkflow(singleNode('audienceSegment', parameters({ operation: 'snapshot' }), contacts()));
		const b = await runWorkflow(singleNode('audienceSegment', parameters({ operation: 'snapshot' }), [...contacts()].reverse()));
		expect(a.error).toBeUndefined();
		const snapshot = a.output('Node')[0].json.snapshot as Record<string, unknown>;
		expect(snapshot).toMatchObject({
			segment: 'recent-buyers-dach',
			takenAt: '2024-06-15T12:00:00.000Z',
			timeZone: 'Europe/Berlin',
			considered: 6,
			count: 2,
			duplicates: 0,
			members: ['c1', 'c4'],
		});
		expect(snapshot.hash).toBe(createHash('sha256').update('c1\nc4').digest('hex'));
		expect((b.output('Node')[0].json.snapshot as Record<string, unknown>).hash).toBe(snapshot.hash);
		expect(a.output('Node')[0].pairedItem).toHaveLength(6);
	});

	it('Snapshot: a member without a contact ID is an error naming the item; Continue On Fail keeps the others', async () => {
		const items = contacts();
		delete (items[3] as { id?: string }).id;
		const stopped = await runWorkflow(singleNode('audienceSegment', parameters({ operation: 'snapshot' }), items));
		expect(stopped.error?.message).toBe('Item 3: the Contact ID is empty');
		const continued = await runWorkflow(singleNode('audienceSegment', parameters({ operation: 'snapshot' }), items, { continueOnFail: true }));
		const [summary, error] = continued.output('Node');
		expect((summary.json.snapshot as { members: string[] }).members).toEqual(['c1']);
		expect(error.json.error).toBe('Item 3: the Contact ID is empty');
		expect(error.pairedItem).toEqual({ item: 3 });
	});

	it('Compile to SQL: a WHERE clause, parameters and ready queries on each item', async () => {
		const result = await runWorkflow(
			singleNode(
				'audienceSegment',
				parameters({
					operation: 'compileSql',
					contactsTable: 'crm.contacts',
					columns: { column: [{ field: 'email', column: 'email', type: 'text' }] },
				}),
				[{ request: 1 }],
			),
		);
		expect(result.error).toBeUndefined();
		const [item] = result.output('Node');
		expect(item.json.request).toBe(1);
		expect(item.json.segment).toEqual({ id: 'recent-buyers-dach', definitionHash: expect.stringMatching(/^[0-9a-f]{16}$/) });
		const sql = item.json.sql as { where: string; parameters: unknown[]; query: string; countQuery: string; compiledAt: string };
		expect(sql.query).toBe(`SELECT * FROM "crm"."contacts" WHERE ${sql.where}`);
		expect(sql.countQuery).toBe(`SELECT count(*) AS total FROM "crm"."contacts" WHERE ${sql.where}`);
		expect(sql.where).toContain('"crm"."contacts"."email"');
		expect(sql.where).toContain('EXISTS (SELECT 1 FROM "events" AS e');
		expect(sql.where).not.toMatch(/\$(?!\d)/);
		const used = new Set([...sql.where.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
		expect([...used].sort((x, y) => x - y)).toEqual(sql.parameters.map((_, i) => i + 1));
		expect(sql.parameters).toEqual(expect.arrayContaining(['country', ['de', 'at'], 'unsubscribed', true, 'purchase', '2024-05-16T12:00:00.000Z', '2024-06-15T12:00:00.001Z']));
		expect(sql.compiledAt).toBe('2024-06-15T12:00:00.000Z');
	});

	it('Compile to SQL: a JSONata condition is refused with its path; Continue On Fail turns it into an error item', async () => {
		const def = { all: [{ field: 'country', op: 'eq', value: 'DE' }, { any: [{ jsonata: 'age > 3' }] }] };
		const stopped = await runWorkflow(singleNode('audienceSegment', { operation: 'compileSql', definition: JSON.stringify(def) }, [{}]));
		expect(stopped.error?.message).toBe('Item 0: The segment definition cannot be compiled to SQL at $.all[1].any[0].jsonata: a JSONata condition cannot be compiled to SQL');
		const continued = await runWorkflow(singleNode('audienceSegment', { operation: 'compileSql', definition: JSON.stringify(def) }, [{}, {}], { continueOnFail: true }));
		expect(continued.output('Node').map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(continued.output('Node')[0].json.error).toMatch(/JSONata condition cannot be compiled/);
	});

	it('Compile to SQL: a definition per item (from an expression), each compiled once', async () => {
		const items = [
			{ name: 'germans', def: { field: 'country', op: 'eq', value: 'DE' } },
			{ name: 'adults', def: { field: 'age', op: 'gte', value: 18 } },
		];
		const result = await runWorkflow(singleNode('audienceSegment', { operation: 'compileSql', definition: '={{ $json.def }}', segmentId: '={{ $json.name }}' }, items));
		expect(result.error).toBeUndefined();
		const out = result.output('Node');
		expect(out.map((i) => (i.json.segment as { id: string }).id)).toEqual(['germans', 'adults']);
		expect((out[1].json.sql as { parameters: unknown[] }).parameters).toEqual(['age', 18]);
	});
});
