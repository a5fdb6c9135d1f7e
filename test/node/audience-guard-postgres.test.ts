/**
 * The Audience Guard's Postgres ledger against a real, throwaway PostgreSQL (Debian's server
 * binaries, started by test/helpers/postgres.ts): the table created on first use, reservations
 * with the workflow, execution and item, caps read back from the ledger by later runs, and the
 * decision exact under concurrency: 20 decisions at once for one contact under a 1-per-day cap,
 * each on its own connection as separate n8n workers would be, let exactly one through, in 50
 * repetitions; and the same through 20 concurrent in-process n8n executions. Message ID: a repeat
 * finds the first pass's row whenever it was, in quiet hours too, and adds none (20 concurrent
 * replays make one row); a table from before Message ID is upgraded once.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import type { Client } from 'pg';

import { decideInLedger, ensureLedgerTable, ledgerTable, lockKey } from '../../nodes/AudienceGuard/actions/postgresLedger';
import { decideTiming, resolveSettings, type Send } from '../../nodes/AudienceGuard/engine';
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

	it('Message ID through the node: a repeat goes now under the first reservation, in quiet hours too; other messages count', async () => {
		jest.spyOn(Date, 'now').mockReturnValue(NOW);
		const table = 'ledger_message_node';
		const parameters = { table, messageId: '={{ $json.message }}' };
		const first = await guardRun(
			[
				optedIn('ann', { message: 'welcome' }),
				optedIn('ann', { message: 'welcome' }), // the same message twice in one batch
				optedIn('ben', { message: 'tips' }),
				optedIn('cat', { message: 'welcome', unsubscribed: true }),
			],
			parameters,
		);
		expect(first.error).toBeUndefined();
		const [send, delay, blocked] = first.outputs('Node');
		expect(delay).toEqual([]);
		expect(send.map(guardOf)).toEqual([
			{ decision: 'send', channel: 'email', checkedAt: '2026-11-22T12:00:00Z', messageId: 'welcome', reservationId: 1 },
			{ decision: 'send', channel: 'email', checkedAt: '2026-11-22T12:00:00Z', messageId: 'welcome', repeat: true, firstSentAt: '2026-11-22T12:00:00Z', reservationId: 1 },
			{ decision: 'send', channel: 'email', checkedAt: '2026-11-22T12:00:00Z', messageId: 'tips', reservationId: 2 },
		]);
		expect(guardOf(blocked[0])).toMatchObject({ code: 'unsubscribed', messageId: 'welcome' });
		const rowsOf = async () => (await admin.query(`SELECT id::int, contact_id, message_id FROM ${table} ORDER BY id`)).rows;
		const rows = await rowsOf();
		expect(rows).toEqual([
			{ id: 1, contact_id: 'ann', message_id: 'welcome' },
			{ id: 2, contact_id: 'ben', message_id: 'tips' },
		]);

		// Three days later at 23:00 in Berlin (quiet hours), outside the 1-day lookback: the replay goes.
		jest.spyOn(Date, 'now').mockReturnValue(NOW + 3 * DAY + 10 * 3_600_000);
		const replay = await guardRun([optedIn('ann', { message: 'welcome' }), optedIn('ann', { message: 'tips' }), optedIn('dan')], parameters);
		expect(replay.error).toBeUndefined();
		const [sendAgain, delayAgain] = replay.outputs('Node');
		expect(sendAgain.map(guardOf)).toEqual([
			{ decision: 'send', channel: 'email', checkedAt: '2026-11-25T22:00:00Z', messageId: 'welcome', repeat: true, firstSentAt: '2026-11-22T12:00:00Z', reservationId: 1 },
		]);
		expect(delayAgain.map(guardOf)).toEqual([
			expect.objectContaining({ messageId: 'tips', code: 'quiet_hours', resumeAt: '2026-11-26T07:00:00Z' }),
			expect.objectContaining({ code: 'quiet_hours', resumeAt: '2026-11-26T07:00:00Z' }),
		]);
		expect(await rowsOf()).toEqual(rows);
	});

	it('Message ID in quiet hours with the database down: the contact fails closed (Blocked under Continue On Fail)', async () => {
		jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-11-22T22:00:00Z')); // 23:00 in Berlin
		const down = await runWorkflow(
			singleNode(
				'audienceGuard',
				{ ledger: 'postgres', contactId: '={{ $json.id }}', defaultTimezone: 'Europe/Berlin', messageId: '={{ $json.message }}' },
				[optedIn('ann', { message: 'welcome' }), optedIn('ben')],
				{ ...PG_NODE, continueOnFail: true },
			),
			{ credentials: { postgres: { ...credential(), port: 1 } } },
		);
		expect(down.error).toBeUndefined();
		const [send, delay, blocked] = down.outputs('Node');
		expect(send).toEqual([]);
		expect(paired(delay)).toEqual([1]); // no Message ID: quiet hours decide without the database
		expect(paired(blocked)).toEqual([0]);
		expect(blocked[0].json.error).toMatch(/^Could not use the send ledger in Postgres/);
	});

	it('Message ID in the ledger: matched on contact, channel and message, with no time window', async () => {
		const table = ledgerTable('ledger_messages');
		await ensureLedgerTable(admin, table);
		const berlin = { consent: 'opted_in' as const, zone: 'Europe/Berlin' };
		const pass = (now: number, message: string | undefined, channel = 'email', contactId = 'ann') => {
			const settings = resolveSettings({ channel, caps: [{ limit: 1, amount: 1, unit: 'days' }] });
			const decide = jest.fn((sends: Send[]) => decideTiming(berlin, settings, now, sends));
			const decided = decideInLedger(admin, table, { contactId, channel, now, lookbackMs: settings.lookbackMs, message, decide });
			return decided.then((result) => ({ ...result, decided: decide.mock.calls.length }));
		};
		const first = await pass(NOW, 'welcome');
		expect(first).toEqual({ verdict: { decision: 'send' }, reservationId: expect.any(Number), decided: 1 });
		// Another message, or none, two hours later: the cap counts the welcome.
		expect(await pass(NOW + 2 * 3_600_000, 'tips')).toMatchObject({ verdict: { decision: 'delay', code: 'capped' }, decided: 1 });
		expect(await pass(NOW + 2 * 3_600_000, undefined)).toMatchObject({ verdict: { decision: 'delay', code: 'capped' } });
		// The same Message ID on SMS is another message (its own channel's cap lets it go); on email still the first row.
		const sms = await pass(NOW + 2 * 3_600_000, 'welcome', 'sms');
		expect(sms).toMatchObject({ verdict: { decision: 'send' }, decided: 1 });
		expect(sms.verdict).not.toHaveProperty('repeat');
		expect(await pass(NOW + 2 * 3_600_000, 'welcome', 'email', 'ben')).toMatchObject({ verdict: { decision: 'send' }, decided: 1 });
		// Ten days later at 23:00 in Berlin: the same message again, without asking the engine.
		const replay = await pass(NOW + 10 * DAY + 11 * 3_600_000, 'welcome');
		// It carries when the welcome first went (the journey's clock for the next steps).
		expect(replay).toEqual({ verdict: { decision: 'send', repeat: true, firstSentAt: NOW }, reservationId: first.reservationId, decided: 0 });
		const { rows } = await admin.query(`SELECT contact_id, channel, message_id FROM ${table.sql} ORDER BY id`);
		expect(rows).toEqual([
			{ contact_id: 'ann', channel: 'email', message_id: 'welcome' },
			{ contact_id: 'ann', channel: 'sms', message_id: 'welcome' },
			{ contact_id: 'ben', channel: 'email', message_id: 'welcome' },
		]);
	});

	it('a ledger table from before Message ID gets message_id once, from many workers at once; a current one costs one query', async () => {
		const table = ledgerTable('ledger_before_message_id');
		// The table and index exactly as the guard created them before Message ID.
		await admin.query(
			`CREATE TABLE ${table.sql} (id bigserial PRIMARY KEY, contact_id text NOT NULL, channel text NOT NULL, sent_at timestamptz NOT NULL,
				workflow_id text, execution_id text, item_key text, created_at timestamptz NOT NULL DEFAULT now())`,
		);
		await admin.query(`CREATE INDEX ${table.index} ON ${table.sql} (contact_id, sent_at)`);
		await admin.query(`INSERT INTO ${table.sql} (contact_id, channel, sent_at) VALUES ('ann', 'email', $1)`, [new Date(NOW - 3_600_000)]);
		const counted = (client: Client) => {
			const texts: string[] = [];
			return { texts, client: { query: (text: string, values?: unknown[]) => (texts.push(text), client.query(text, values)) } };
		};
		const workers = await Promise.all(Array.from({ length: 9 }, () => pg.connect()));
		try {
			const spies = [admin, ...workers].map(counted);
			await Promise.all(spies.map((spy) => ensureLedgerTable(spy.client as never, table)));
			// One worker altered the table; the others found it done once they had the DDL lock.
			expect(spies.filter((spy) => spy.texts.some((text) => text.includes('ADD COLUMN'))).length).toBe(1);
		} finally {
			await Promise.all(workers.map((client) => client.end()));
		}
		const columns = await admin.query(
			`SELECT column_name, is_nullable FROM information_schema.columns WHERE table_name = $1 AND column_name = 'message_id'`,
			[table.name],
		);
		expect(columns.rows).toEqual([{ column_name: 'message_id', is_nullable: 'YES' }]);
		expect((await admin.query(`SELECT contact_id, message_id FROM ${table.sql}`)).rows).toEqual([{ contact_id: 'ann', message_id: null }]);

		const again = counted(admin);
		await ensureLedgerTable(again.client as never, table);
		expect(again.texts).toHaveLength(1);

		// The old row still counts against the cap; a message decided now is stored with its Message ID.
		const settings = resolveSettings({ channel: 'email', quietHoursStart: '00:00', quietHoursEnd: '00:00', caps: [{ limit: 1, amount: 1, unit: 'days' }] });
		const decide = (sends: Send[]) => decideTiming({ consent: 'opted_in', zone: null }, settings, NOW, sends);
		expect((await decideInLedger(admin, table, { contactId: 'ann', channel: 'email', now: NOW, lookbackMs: DAY, message: 'welcome', decide })).verdict).toMatchObject({
			decision: 'delay',
			code: 'capped',
		});
		const ben = await decideInLedger(admin, table, { contactId: 'ben', channel: 'email', now: NOW, lookbackMs: DAY, message: 'welcome', decide });
		expect((await admin.query(`SELECT message_id FROM ${table.sql} WHERE id = $1`, [ben.reservationId])).rows).toEqual([{ message_id: 'welcome' }]);
	});

	it('concurrent replays of one message from 20 connections make one row, and every one goes under its id (20 repetitions)', async () => {
		const table = ledgerTable('ledger_replays');
		const settings = resolveSettings({ channel: 'email', quietHoursStart: '00:00', quietHoursEnd: '00:00', caps: [{ limit: 1, amount: 1, unit: 'days' }] });
		const workers = await Promise.all(Array.from({ length: 19 }, () => pg.connect()));
		const clients = [admin, ...workers];
		try {
			await ensureLedgerTable(admin, table);
			for (let repetition = 0; repetition < 20; repetition++) {
				const results = await Promise.all(
					clients.map((client, worker) =>
						decideInLedger(client, table, {
							contactId: `replayed-${repetition}`,
							channel: 'email',
							now: NOW + repetition,
							lookbackMs: settings.lookbackMs,
							executionId: `worker-${worker}`,
							message: 'welcome',
							decide: (sends) => decideTiming({ consent: 'opted_in', zone: null }, settings, NOW + repetition, sends),
						}),
					),
				);
				expect(results.every((r) => r.verdict.decision === 'send')).toBe(true);
				expect(results.filter((r) => r.verdict.decision === 'send' && r.verdict.repeat)).toHaveLength(19);
				expect(new Set(results.map((r) => r.reservationId)).size).toBe(1);
			}
			const counts = await admin.query(`SELECT contact_id, count(*)::int AS n FROM ${table.sql} GROUP BY contact_id`);
			expect(counts.rows).toHaveLength(20);
			expect(counts.rows.every((row) => row.n === 1)).toBe(true);
		} finally {
			await Promise.all(workers.map((client) => client.end()));
		}
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
