/**
 * The Audience Guard's Postgres ledger against a real, throwaway PostgreSQL (Debian's server
 * binaries, started by test/helpers/postgres.ts): the table created on first use, reservations
 * with the workflow, execution and item, caps read back from the ledger by later runs, and the
 * decision exact under concurrency: 20 decisions at once for one contact under a 1-per-day cap,
 * each on its own connection as separate n8n workers would be, let exactly one through, in 50
 * repetitions; and the same through 20 concurrent in-process n8n executions.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import type { Client } from 'pg';

import { decideInLedger, ensureLedgerTable, ledgerTable, lockKey } from '../../nodes/AudienceGuard/actions/postgresLedger';
import { decideTiming, resolveSettings } from '../../nodes/AudienceGuard/engine';
import { runWorkflow, singleNode } from '../helpers/n8n';
import { startPostgres, type PostgresCluster } from '../helpers/postgres';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const DAY = 86_400_000;

let pg: PostgresCluster;
let admin: Client;

beforeAll(async () => {
	pg = await startPostgres();
	admin = await pg.connect();
}, 60_000);

afterAll(async () => {
	await admin?.end();
	await pg?.stop();
});

afterEach(() => jest.restoreAllMocks());

const credential = () => ({ host: pg.host, port: pg.port, database: pg.database, user: pg.user, password: '', ssl: 'disable' });
const PG_NODE = { credentials: { postgres: { id: 'pg-1', name: 'Throwaway Postgres' } } };
const guardOf = (item: INodeExecutionData) => item.json.guard as IDataObject;
const paired = (items: INodeExecutionData[]) => items.map((item) => (item.pairedItem as { item: number }).item);

function guardRun(items: IDataObject[], parameters: IDataObject = {}, workflowId?: string) {
	return runWorkflow(
		singleNode('audienceGuard', { ledger: 'postgres', contactId: '={{ $json.id }}', defaultTimezone: 'Europe/Berlin', ...parameters }, items, PG_NODE),
		{ credentials: { postgres: credential() }, workflowId },
	);
}

const optedIn = (id: string, extra: IDataObject = {}): IDataObject => ({ id, consent: { email: 'opted_in' }, ...extra });

describe('Audience Guard, Postgres ledger', () => {
	it('creates the table on first use, reserves each send, and counts reservations in later runs', async () => {
		jest.spyOn(Date, 'now').mockReturnValue(NOW);
		const table = 'ledger_basic';
		const first = await guardRun(
			[optedIn('ann'), optedIn('ben'), optedIn('ann'), optedIn('cat', { consent: { email: 'opted_out' } })],
			{ table },
			'wf-basic',
		);
		expect(first.error).toBeUndefined();
		const [send, delay, blocked] = first.outputs('Node');
		expect(paired(send)).toEqual([0, 1]);
		expect(paired(delay)).toEqual([2]);
		expect(paired(blocked)).toEqual([3]);
		expect(guardOf(send[0])).toEqual({ decision: 'send', channel: 'email', checkedAt: '2026-11-22T12:00:00Z', reservationId: 1 });
		expect(guardOf(delay[0])).toMatchObject({
			resumeAt: '2026-11-23T12:00:00Z',
			reason: 'capped: 1 per day on email, last sent 2026-11-22T12:00:00Z (earlier in this run); resumes 13:00 local',
		});

		const rows = await admin.query(`SELECT id, contact_id, channel, sent_at, workflow_id, execution_id, item_key FROM ${table} ORDER BY id`);
		expect(rows.rows).toEqual([
			{ id: '1', contact_id: 'ann', channel: 'email', sent_at: new Date(NOW), workflow_id: 'wf-basic', execution_id: expect.any(String), item_key: 'Node#0' },
			{ id: '2', contact_id: 'ben', channel: 'email', sent_at: new Date(NOW), workflow_id: 'wf-basic', execution_id: expect.any(String), item_key: 'Node#1' },
		]);
		const index = await admin.query(`SELECT indexdef FROM pg_indexes WHERE tablename = $1 AND indexname LIKE '%contact%'`, [table]);
		expect(index.rows[0].indexdef).toMatch(/\(contact_id, sent_at\)/);

		// Two hours later, another workflow: the ledger holds both back until tomorrow.
		jest.spyOn(Date, 'now').mockReturnValue(NOW + 2 * 3_600_000);
		const later = await guardRun([optedIn('ann'), optedIn('ben'), optedIn('dan')], { table }, 'wf-other');
		const [sendLater, delayLater] = later.outputs('Node');
		expect(paired(sendLater)).toEqual([2]);
		expect(delayLater.map((item) => guardOf(item).reason)).toEqual([
			'capped: 1 per day on email, last sent 2026-11-22T12:00:00Z; resumes 13:00 local',
			'capped: 1 per day on email, last sent 2026-11-22T12:00:00Z; resumes 13:00 local',
		]);
	});

	it('decides consent and quiet hours before touching the database', async () => {
		jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-11-22T22:00:00Z')); // 23:00 in Berlin
		const table = 'ledger_untouched';
		const result = await guardRun([optedIn('ann'), optedIn('ben', { unsubscribed: true })], { table });
		expect(result.error).toBeUndefined();
		const [send, delay, blocked] = result.outputs('Node');
		expect(send).toEqual([]);
		expect(guardOf(delay[0])).toMatchObject({ resumeAt: '2026-11-23T07:00:00Z', code: 'quiet_hours' });
		expect(guardOf(blocked[0])).toMatchObject({ code: 'unsubscribed' });
		expect((await admin.query('SELECT to_regclass($1) AS t', [table])).rows[0].t).toBeNull();
	});

	it('errors: a bad table name stops the run; an unreachable database fails the contacts (Blocked under Continue On Fail)', async () => {
		const bad = await guardRun([optedIn('ann')], { table: 'ledger; DROP TABLE x' });
		expect(bad.error?.message).toBe('Ledger Table is not a plain table name');
		expect(bad.error?.description).toMatch(/lower-case letters, digits and underscores/);

		const down = await runWorkflow(
			singleNode('audienceGuard', { ledger: 'postgres', contactId: '={{ $json.id }}', quietHoursStart: '00:00', quietHoursEnd: '00:00' }, [optedIn('ann'), optedIn('ben', { consent: {} })], {
				...PG_NODE,
				continueOnFail: true,
			}),
			{ credentials: { postgres: { ...credential(), port: 1 } } },
		);
		expect(down.error).toBeUndefined();
		const [send, , blocked] = down.outputs('Node');
		expect(send).toEqual([]);
		expect(paired(blocked)).toEqual([0, 1]);
		expect(blocked[0].json.error).toBe(
			'Could not use the send ledger in Postgres at 127.0.0.1:1/postgres: nothing accepted the connection (is the server running, and are the host and port right?)',
		);
		expect(blocked[0].json.details).toMatch(/Check the Postgres credential/);
		expect(guardOf(blocked[1])).toMatchObject({ code: 'consent_unknown' });
	});

	it('is exact under concurrency: 20 connections decide for one contact at once, exactly one goes (50 repetitions)', async () => {
		const table = ledgerTable('ledger_concurrency');
		const settings = resolveSettings({ channel: 'email', quietHoursStart: '00:00', quietHoursEnd: '00:00', caps: [{ limit: 1, amount: 1, unit: 'days' }] });
		const workers = await Promise.all(Array.from({ length: 19 }, () => pg.connect()));
		const clients = [admin, ...workers]; // 20 connections, as 20 workers would hold
		try {
			await Promise.all(clients.map((client) => ensureLedgerTable(client, table))); // all at once: the DDL lock holds
			const started = Date.now();
			for (let repetition = 0; repetition < 50; repetition++) {
				const contactId = `contact-${repetition}`;
				const results = await Promise.all(
					clients.map((client, worker) =>
						decideInLedger(client, table, {
							contactId,
							channel: 'email',
							now: NOW + repetition,
							lookbackMs: settings.lookbackMs,
							executionId: `worker-${worker}`,
							decide: (sends) => decideTiming({ consent: 'opted_in', zone: null }, settings, NOW + repetition, sends),
						}),
					),
				);
				const sent = results.filter((r) => r.verdict.decision === 'send');
				expect(sent).toHaveLength(1);
				expect(results.filter((r) => r.verdict.decision === 'delay')).toHaveLength(19);
			}
			const elapsed = Date.now() - started;
			const counts = await admin.query(`SELECT contact_id, count(*)::int AS n FROM ${table.sql} GROUP BY contact_id`);
			expect(counts.rows).toHaveLength(50);
			expect(counts.rows.every((row) => row.n === 1)).toBe(true);
			console.log(`[audience-guard] 50 × 20 concurrent ledger decisions: ${elapsed} ms (${(elapsed / 50).toFixed(1)} ms per repetition)`);
		} finally {
			await Promise.all(workers.map((client) => client.end()));
		}
	});

	it('without the advisory lock the same race lets several through (the lock is what makes it exact)', async () => {
		const table = ledgerTable('ledger_unlocked');
		const workers = await Promise.all(Array.from({ length: 19 }, () => pg.connect()));
		const clients = [admin, ...workers];
		try {
			await ensureLedgerTable(admin, table);
			// A client whose advisory lock is a no-op: everything else as in decideInLedger.
			const unlocked = (client: Client) => ({
				query: (text: string, values?: unknown[]) =>
					text.includes('pg_advisory_xact_lock') ? client.query('SELECT pg_sleep(0.005)') : client.query(text, values),
			});
			let most = 0;
			for (let repetition = 0; repetition < 5; repetition++) {
				const settings = resolveSettings({ channel: 'email', quietHoursStart: '00:00', quietHoursEnd: '00:00', caps: [{ limit: 1, amount: 1, unit: 'days' }] });
				const results = await Promise.all(
					clients.map((client) =>
						decideInLedger(unlocked(client) as never, table, {
							contactId: `racer-${repetition}`,
							channel: 'email',
							now: NOW,
							lookbackMs: DAY,
							decide: (sends) => decideTiming({ consent: 'opted_in', zone: null }, settings, NOW, sends),
						}),
					),
				);
				most = Math.max(most, results.filter((r) => r.verdict.decision === 'send').length);
			}
			expect(most).toBeGreaterThan(1);
		} finally {
			await Promise.all(workers.map((client) => client.end()));
		}
	});

	it('20 concurrent n8n executions for one contact: exactly one Send now', async () => {
		jest.spyOn(Date, 'now').mockReturnValue(NOW);
		await admin.end(); // the executions need all 20 connections the throwaway server allows
		try {
			for (let repetition = 0; repetition < 3; repetition++) {
				const runs = await Promise.all(
					Array.from({ length: 20 }, (_, i) => guardRun([optedIn(`parallel-${repetition}`, { run: i })], { table: 'ledger_executions' })),
				);
				for (const run of runs) expect(run.error).toBeUndefined();
				const outcomes = runs.map((run) => run.outputs('Node').map((items) => items.length));
				expect(outcomes.filter(([send]) => send === 1)).toHaveLength(1);
				expect(outcomes.filter(([, delay]) => delay === 1)).toHaveLength(19);
			}
		} finally {
			admin = await pg.connect();
		}
		const rows = await admin.query('SELECT contact_id, count(*)::int AS n FROM ledger_executions GROUP BY contact_id ORDER BY contact_id');
		expect(rows.rows).toEqual([0, 1, 2].map((r) => ({ contact_id: `parallel-${r}`, n: 1 })));
	});

	it('lock keys: 64-bit, stable, different per ledger and contact', () => {
		expect(lockKey('ledger:a', 'ann')).toBe(lockKey('ledger:a', 'ann'));
		expect(lockKey('ledger:a', 'ann')).not.toBe(lockKey('ledger:b', 'ann'));
		expect(lockKey('ledger:a', 'ann')).not.toBe(lockKey('ledger:a', 'ben'));
		const key = BigInt(lockKey('ledger:a', 'ann'));
		expect(key >= -(2n ** 63n) && key < 2n ** 63n).toBe(true);
		expect(ledgerTable('marketing.send_ledger')).toEqual({
			name: 'marketing.send_ledger',
			sql: '"marketing"."send_ledger"',
			index: '"send_ledger_contact_sent_at"',
		});
		for (const bad of ['', 'Ledger', 'a.b.c', 'x"y', '1table', 'a'.repeat(64)]) expect(() => ledgerTable(bad)).toThrow(/not a plain Postgres table name/);
	});
});
