/**
 * Audience Guard in a real n8n.
 * - Postgres ledger against a real PostgreSQL: n8n's own `postgres` credential created through the
 *   public API, Webhook → Audience Guard (1 per day) → Respond, and 20 webhook calls at once for the
 *   same contact: exactly one Send now, in each of 50 repetitions. n8n runs webhook executions
 *   concurrently in its main process (regular mode), each with its own database connection, as
 *   queue-mode workers would.
 * - From Input ledger with templates/guard-ledger.json: the sub-workflow reads each contact's sends
 *   from a Data Table with n8n's Data Table node, the guard decides, a Data Table Insert records
 *   the sends, and the next run counts them.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { startPostgres, type PostgresCluster } from '../helpers/postgres';
import { client, connect, createCredential, deploy, PREFIX, respond, templateTables, webhook } from './n8n';

const PARALLEL = 20;
const REPETITIONS = 50;

let pg: PostgresCluster;

beforeAll(async () => {
	pg = await startPostgres();
}, 60_000);

afterAll(async () => {
	await pg?.stop();
});

describe('Audience Guard in a real n8n', () => {
	it(`Postgres ledger: ${PARALLEL} parallel executions for one contact under a 1-per-day cap let exactly one through (${REPETITIONS} repetitions)`, async () => {
		// The fields of n8n's Postgres credential (n8n-nodes-base/credentials/Postgres.credentials).
		const credential = await createCredential('postgres', {
			host: pg.host,
			port: pg.port,
			database: pg.database,
			user: pg.user,
			password: '',
			maxConnections: 100,
			allowUnauthorizedCerts: false,
			ssl: 'disable',
			sshTunnel: false,
		});
		const path = `guard-${Date.now()}`;
		const workflow = await deploy({
			name: `e2e: audience guard ${path}`,
			nodes: [
				webhook(path),
				{
					name: 'Audience Guard',
					type: `${PREFIX}.audienceGuard`,
					typeVersion: 1,
					parameters: {
						ledger: 'postgres',
						table: 'e2e_send_ledger',
						contactId: '={{ $json.body.contactId }}',
						consent: '={{ $json.body.consent }}',
						timezone: '={{ $json.body.timezone }}',
						quietHoursStart: '00:00',
						quietHoursEnd: '00:00', // no quiet hours: the test must not depend on the time of day
					},
					credentials: { postgres: credential },
				},
				respond(),
			],
			connections: connect(['Webhook', 'Audience Guard'], ['Audience Guard', 'Respond', 0], ['Audience Guard', 'Respond', 1], ['Audience Guard', 'Respond', 2]),
		});
		const started = Date.now();
		try {
			for (let repetition = 0; repetition < REPETITIONS; repetition++) {
				const contactId = `contact-${repetition}@example.com`;
				const answers = await Promise.all(
					Array.from({ length: PARALLEL }, (_, call) => workflow.post(path, { contactId, consent: 'opted_in', timezone: 'Europe/Berlin', call })),
				);
				const guards = answers.map((answer) => {
					expect(answer.status).toBe(200);
					const items = answer.body as IDataObject[];
					expect(items).toHaveLength(1);
					return items[0].guard as IDataObject;
				});
				const sent = guards.filter((guard) => guard.decision === 'send');
				const delayed = guards.filter((guard) => guard.decision === 'delay');
				expect(sent).toHaveLength(1);
				expect(delayed).toHaveLength(PARALLEL - 1);
				expect(typeof sent[0].reservationId).toBe('number');
				const resumeAt = Date.parse(sent[0].checkedAt as string) + 86_400_000;
				for (const guard of delayed) {
					expect(guard.reason).toMatch(/^capped: 1 per day on email, last sent \S+Z; resumes /);
					expect(Date.parse(guard.resumeAt as string)).toBeGreaterThanOrEqual(resumeAt);
					expect(Date.parse(guard.resumeAt as string)).toBeLessThan(resumeAt + 1000);
				}
			}
		} finally {
			await workflow.stop();
		}
		const elapsed = Date.now() - started;
		console.log(
			`[e2e] audience guard: ${REPETITIONS} × ${PARALLEL} parallel webhook executions in ${(elapsed / 1000).toFixed(1)} s (${Math.round(elapsed / REPETITIONS)} ms per burst)`,
		);

		const client = await pg.connect();
		try {
			const { rows } = await client.query('SELECT contact_id, count(*)::int AS n, min(workflow_id) AS workflow FROM e2e_send_ledger GROUP BY contact_id');
			expect(rows).toHaveLength(REPETITIONS);
			for (const row of rows) expect(row).toMatchObject({ n: 1, workflow: String(workflow.id) });
		} finally {
			await client.end();
		}
	});
});

describe('Audience Guard with the From Input ledger and the guard-ledger template', () => {
	it('reads sends from a Data Table, caps within and across runs, records what went out', async () => {
		const api = client();
		// The table as npm start creates it (templates/data-tables.json); other e2e files may have made it already.
		const table = { id: (await templateTables()).campaign_kit_send_ledger };
		const columns = [
			{ name: 'contactId', type: 'string' },
			{ name: 'channel', type: 'string' },
			{ name: 'sentAt', type: 'date' },
		];
		const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000).toISOString();
		const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000).toISOString();
		await api.api('POST', `/data-tables/${table.id}/rows`, {
			data: [
				{ contactId: 'ann@example.com', channel: 'email', sentAt: twoHoursAgo },
				{ contactId: 'ben@example.com', channel: 'sms', sentAt: twoHoursAgo },
				{ contactId: 'cat@example.com', channel: 'email', sentAt: tenDaysAgo },
			],
		});

		// The template as a user imports it; a parent can only be published once its sub-workflow is.
		const template = JSON.parse(readFileSync(path.join(__dirname, '../../templates/guard-ledger.json'), 'utf8'));
		const sub = await api.upsertWorkflow({ ...template, name: `${template.name} ${randomUUID().slice(0, 8)}` });
		await api.activate(sub.id);

		const hook = `guard-ledger-${randomUUID().slice(0, 8)}`;
		const c = (node: string, index = 0) => ({ node, type: 'main', index });
		const workflow = await deploy({
			name: `e2e: audience guard, data table ledger ${hook}`,
			nodes: [
				webhook(hook),
				{ name: 'Contacts', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'body.contacts', options: {} } },
				{
					name: 'Send history',
					type: 'n8n-nodes-base.executeWorkflow',
					typeVersion: 1.2,
					parameters: { source: 'database', workflowId: { __rl: true, mode: 'id', value: sub.id }, mode: 'once', options: { waitForSubWorkflow: true } },
				},
				{ name: 'Audience Guard', type: `${PREFIX}.audienceGuard`, typeVersion: 1, parameters: { quietHoursStart: '00:00', quietHoursEnd: '00:00' } },
				{
					name: 'Record the send',
					type: 'n8n-nodes-base.dataTable',
					typeVersion: 1.1,
					parameters: {
						resource: 'row',
						operation: 'insert',
						dataTableId: { __rl: true, mode: 'name', value: 'campaign_kit_send_ledger' },
						columns: {
							mappingMode: 'defineBelow',
							value: { contactId: '={{ $json.email }}', channel: '={{ $json.guard.channel }}', sentAt: '={{ $now.toISO() }}' },
							matchingColumns: [],
							schema: columns.map(({ name, type }) => ({ id: name, displayName: name, required: false, defaultMatch: false, display: true, type: type === 'date' ? 'dateTime' : type, canBeUsedToMatch: true })),
						},
						options: {},
					},
				},
				{ name: 'Merge', type: 'n8n-nodes-base.merge', typeVersion: 3.2, parameters: { numberInputs: 3 } },
				respond(),
			],
			connections: {
				Webhook: { main: [[c('Contacts')]] },
				Contacts: { main: [[c('Send history')]] },
				'Send history': { main: [[c('Audience Guard')]] },
				'Audience Guard': { main: [[c('Record the send')], [c('Merge', 1)], [c('Merge', 2)]] },
				'Record the send': { main: [[c('Merge', 0)]] },
				Merge: { main: [[c('Respond')]] },
			},
		});
		const contact = (email: string) => ({ email, consent: { email: 'opted_in' } });
		try {
			const first = await workflow.post(hook, { contacts: ['ann', 'ben', 'cat', 'cat'].map((name) => contact(`${name}@example.com`)) });
			expect(first.status).toBe(200);
			const items = first.body as IDataObject[];
			// Recorded rows for the contacts that went (ben: only an SMS today; cat: the first of two).
			const recorded = items.filter((item) => 'contactId' in item).map((item) => [item.contactId, item.channel]);
			expect(recorded).toEqual([
				['ben@example.com', 'email'],
				['cat@example.com', 'email'],
			]);
			const delayed = items.filter((item) => 'guard' in item).map((item) => [item.email, (item.guard as IDataObject).reason]);
			expect(delayed).toEqual([
				['ann@example.com', expect.stringMatching(/^capped: 1 per day on email, last sent \S+Z; resumes /)],
				['cat@example.com', expect.stringMatching(/^capped: 1 per day on email, last sent \S+Z \(earlier in this run\); resumes /)],
			]);

			// The next run reads the recorded sends: ben is capped now, dan (new) goes.
			const second = await workflow.post(hook, { contacts: [contact('ben@example.com'), contact('dan@example.com')] });
			const next = second.body as IDataObject[];
			expect(next.filter((item) => 'contactId' in item).map((item) => item.contactId)).toEqual(['dan@example.com']);
			expect(next.filter((item) => 'guard' in item).map((item) => [item.email, (item.guard as IDataObject).code])).toEqual([['ben@example.com', 'capped']]);
		} finally {
			await workflow.stop();
		}
	});
});
