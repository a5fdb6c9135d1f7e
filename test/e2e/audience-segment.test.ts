/**
 * Audience Segment in a real n8n: contacts posted to a webhook are split into members and
 * non-members (with reasons), counted, and the same segment compiled to SQL runs through n8n's own
 * Postgres node against a real PostgreSQL holding the same contacts, selecting the same members.
 */
import type { Client } from 'pg';

import { compileSegment } from '../../nodes/AudienceSegment/engine/compile';
import { parseDefinition } from '../../nodes/AudienceSegment/engine/parse';
import { startPostgres, type PostgresCluster } from '../helpers/postgres';
import { client, connect, deploy, PREFIX, respond, webhook, type WorkflowNode } from './n8n';

const NOW = '2024-06-15T12:00:00.000Z';
const ago = (days: number) => new Date(Date.parse(NOW) - days * 86_400_000).toISOString();

const DEFINITION = {
	all: [
		{ field: 'email', op: 'endsWith', value: '@example.com', ignoreCase: true },
		{ any: [{ field: 'country', op: 'in', value: ['DE', 'AT'] }, { field: 'tags', op: 'contains', value: 'vip' }] },
		{ not: { field: 'unsubscribed', op: 'eq', value: true } },
		{ event: 'purchase', within: 'P30D', sum: { property: 'value', gte: 0.3 } },
	],
};

/** 300 contacts with a spread of countries, tags, consent and purchases (some of 0.1 + 0.2). */
function contacts() {
	return Array.from({ length: 300 }, (_, i) => ({
		id: `c${i}`,
		email: i % 7 === 0 ? `c${i}@other.org` : `C${i}@Example.com`,
		country: ['DE', 'AT', 'FR', 'US', "O'Land"][i % 5],
		tags: i % 4 === 0 ? ['vip'] : ['newsletter'],
		unsubscribed: i % 11 === 0,
		consent: { email: i % 3 !== 0, sms: i % 2 === 0 ? 'granted' : 'no' },
		events: [
			{ eventType: 'purchase', timestamp: ago(i % 45), properties: { value: 0.1 } },
			...(i % 2 === 0 ? [{ eventType: 'purchase', timestamp: ago(3), properties: { value: 0.2 } }] : []),
			{ eventType: 'page_view', timestamp: ago(1) },
		],
	}));
}

const segmentNode = (name: string, parameters: Record<string, unknown>): WorkflowNode => ({
	name,
	type: `${PREFIX}.audienceSegment`,
	typeVersion: 1,
	parameters: {
		definition: JSON.stringify(DEFINITION),
		segmentId: 'dach-or-vip-buyers',
		options: { evaluateAt: NOW, timeZone: 'Europe/Berlin' },
		...parameters,
	},
});

const tag = (name: string, value: string): WorkflowNode => ({
	name,
	type: 'n8n-nodes-base.set',
	typeVersion: 3.4,
	parameters: { mode: 'manual', includeOtherFields: true, assignments: { assignments: [{ id: name, name: 'routedBy', value, type: 'string' }] }, options: {} },
});

const splitContacts: WorkflowNode = {
	name: 'Contacts',
	type: 'n8n-nodes-base.splitOut',
	typeVersion: 1,
	parameters: { fieldToSplitOut: 'body.contacts', options: {} },
};

describe('Audience Segment in a real n8n', () => {
	const expected = new Set(
		contacts()
			.filter((c) => compileSegment(parseDefinition(DEFINITION), { now: Date.parse(NOW), timeZone: 'Europe/Berlin' }).test(c, c.events))
			.map((c) => c.id),
	);

	it('Filter: 300 contacts from a webhook, members and non-members each on their output, with reasons', async () => {
		const path = `audience-segment-${Date.now()}`;
		const workflow = await deploy({
			name: 'e2e: Audience Segment filter',
			nodes: [
				webhook(path),
				splitContacts,
				segmentNode('Audience Segment', {}),
				tag('Tag In', 'in'),
				tag('Tag Out', 'out'),
				{ name: 'Merge', type: 'n8n-nodes-base.merge', typeVersion: 3.2, parameters: { numberInputs: 2 } },
				respond(),
			],
			connections: connect(
				['Webhook', 'Contacts'],
				['Contacts', 'Audience Segment'],
				['Audience Segment', 'Tag In', 0],
				['Audience Segment', 'Tag Out', 1],
				['Tag In', 'Merge', 0, 0],
				['Tag Out', 'Merge', 0, 1],
				['Merge', 'Respond'],
			),
		});
		try {
			const { status, body } = await workflow.post(path, { contacts: contacts() });
			expect(status).toBe(200);
			const items = body as Array<{ id: string; routedBy: string; segment: { id: string; matched: boolean; reasons: Array<{ path: string; condition: string; met: boolean }> } }>;
			expect(items).toHaveLength(300);
			expect(new Set(items.map((i) => i.id)).size).toBe(300);
			expect(expected.size).toBeGreaterThan(30);
			expect(expected.size).toBeLessThan(270);
			for (const item of items) {
				expect(item.segment.id).toBe('dach-or-vip-buyers');
				expect(item.segment.matched).toBe(expected.has(item.id));
				expect(item.routedBy).toBe(item.segment.matched ? 'in' : 'out');
				expect(item.segment.reasons.length).toBeGreaterThan(0);
				expect(item.segment.reasons.every((r) => r.met === item.segment.matched)).toBe(true);
			}
			// c2: FR, no vip tag: the "any" group decided, both of its conditions listed as unmet.
			expect(items.find((i) => i.id === 'c2')?.segment.reasons).toEqual([
				{ path: '$.all[1].any[0]', condition: 'country in ["DE", "AT"]', met: false },
				{ path: '$.all[1].any[1]', condition: 'tags contains "vip"', met: false },
			]);
		} finally {
			await workflow.stop();
		}
	});

	it('Count: members and reachable per channel in one item', async () => {
		const path = `audience-segment-count-${Date.now()}`;
		const workflow = await deploy({
			name: 'e2e: Audience Segment count',
			nodes: [webhook(path), splitContacts, segmentNode('Audience Segment', { operation: 'count', sampleSize: 3 }), respond()],
			connections: connect(['Webhook', 'Contacts'], ['Contacts', 'Audience Segment'], ['Audience Segment', 'Respond']),
		});
		try {
			const { status, body } = await workflow.post(path, { contacts: contacts() });
			expect(status).toBe(200);
			const [summary] = body as Array<Record<string, unknown>>;
			const members = contacts().filter((c) => expected.has(c.id));
			expect(summary).toMatchObject({
				segment: { id: 'dach-or-vip-buyers' },
				total: 300,
				members: expected.size,
				nonMembers: 300 - expected.size,
				reachable: {
					email: members.filter((c) => c.consent.email).length,
					sms: members.filter((c) => c.consent.sms === 'granted').length,
					push: 0,
				},
				countedAt: NOW,
			});
			expect((summary.sample as Array<{ id: string }>).every((c) => expected.has(c.id))).toBe(true);
		} finally {
			await workflow.stop();
		}
	});

	describe('Compile to SQL through n8n\'s Postgres node', () => {
		let pg: PostgresCluster;
		let db: Client;

		beforeAll(async () => {
			pg = await startPostgres();
			db = await pg.connect();
			await db.query('CREATE TABLE contacts (id text PRIMARY KEY, email text, attributes jsonb)');
			await db.query('CREATE TABLE events (contact_id text, event_type text, occurred_at timestamptz, properties jsonb)');
			const list = contacts();
			await db.query('INSERT INTO contacts SELECT * FROM jsonb_populate_recordset(NULL::contacts, $1)', [
				JSON.stringify(list.map((c) => ({ id: c.id, email: c.email, attributes: { ...c, events: undefined } }))),
			]);
			await db.query('INSERT INTO events SELECT * FROM jsonb_populate_recordset(NULL::events, $1)', [
				JSON.stringify(list.flatMap((c) => c.events.map((e) => ({ contact_id: c.id, event_type: e.eventType, occurred_at: e.timestamp, properties: e.properties ?? null })))),
			]);
		}, 60_000);

		afterAll(async () => {
			await db?.end();
			await pg?.stop();
		});

		it('selects the same members in PostgreSQL as the Filter does in n8n', async () => {
			const credential = (await client().api('POST', '/credentials', {
				name: `e2e segment postgres ${Date.now()}`,
				type: 'postgres',
				data: { host: pg.host, port: pg.port, database: pg.database, user: pg.user, password: '', ssl: 'disable', allowUnauthorizedCerts: false, maxConnections: 10, sshTunnel: false },
			})) as unknown as { id: string; name: string };
			const path = `audience-segment-sql-${Date.now()}`;
			const workflow = await deploy({
				name: 'e2e: Audience Segment SQL',
				nodes: [
					webhook(path),
					segmentNode('Audience Segment', {
						operation: 'compileSql',
						columns: { column: [{ field: 'email', column: 'email', type: 'text' }] },
					}),
					{
						name: 'Postgres',
						type: 'n8n-nodes-base.postgres',
						typeVersion: 2.6,
						credentials: { postgres: { id: credential.id, name: credential.name } },
						parameters: {
							operation: 'executeQuery',
							query: '={{ $json.sql.query }}',
							options: { queryReplacement: '={{ $json.sql.parameters }}' },
						},
					},
					respond(),
				],
				connections: connect(['Webhook', 'Audience Segment'], ['Audience Segment', 'Postgres'], ['Postgres', 'Respond']),
			});
			try {
				const { status, body } = await workflow.post(path, {});
				expect(status).toBe(200);
				const rows = body as Array<{ id: string }>;
				expect(rows.map((r) => r.id).sort()).toEqual([...expected].sort());
			} finally {
				await workflow.stop();
				await client().api('DELETE', `/credentials/${credential.id}`);
			}
		});
	});
});
