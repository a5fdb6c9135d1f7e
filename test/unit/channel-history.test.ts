/**
 * The send history in Postgres (nodes/shared/channel/history.ts) against a real PostgreSQL: many
 * connections claiming overlapping keys at once, each key goes to exactly one of them; a live
 * run's unconfirmed keys are busy, a dead run's are taken over by exactly one re-run; forgotten
 * keys can be claimed again.
 */
import type { Client } from 'pg';

import { becomeClaimant, claimKeys, confirmKeys, ensureHistoryTable, forgetKeys, SEND_HISTORY_TABLE, type Claimant } from '../../nodes/shared/channel/history';
import { startPostgres, type PostgresCluster } from '../helpers/postgres';

describe('send history in Postgres', () => {
	let pg: PostgresCluster;
	const clients: Client[] = [];

	beforeAll(async () => {
		pg = await startPostgres();
		for (let i = 0; i < 12; i++) clients.push(await pg.connect());
	}, 60_000);

	afterAll(async () => {
		await Promise.all(clients.map((c) => c.end()));
		await pg.stop();
	});

	it('creates its table once when many connections start at the same moment', async () => {
		await Promise.all(clients.map((c) => ensureHistoryTable(c)));
		const { rows } = await clients[0].query(`SELECT count(*)::int AS n FROM ${SEND_HISTORY_TABLE}`);
		expect(rows[0].n).toBe(0);
	});

	it('gives every key to exactly one of 12 connections claiming overlapping batches at once', async () => {
		const runs: Claimant[] = await Promise.all(clients.map((c, i) => becomeClaimant(c, { workflowId: 'w1', executionId: String(i) })));
		// Connection c claims keys c*50 … c*50+149: every key but the first and last 100 is asked for by 2 or 3 connections.
		const batches = clients.map((_, c) => Array.from({ length: 150 }, (_, k) => `key-${c * 50 + k}`));
		const answers = await Promise.all(clients.map((c, i) => claimKeys(c, runs[i], batches[i])));
		const owners = new Map<string, number>();
		batches.forEach((batch, i) => batch.filter((key) => !answers[i].sent.has(key) && !answers[i].busy.has(key)).forEach((key) => owners.set(key, (owners.get(key) ?? 0) + 1)));
		const asked = new Set(batches.flat());
		expect(asked.size).toBe(11 * 50 + 150);
		expect([...asked].filter((key) => owners.get(key) !== 1)).toEqual([]);
		// Nothing is confirmed yet and every owner is alive: the losers see the keys as busy, none as sent.
		expect(answers.reduce((n, a) => n + a.sent.size, 0)).toBe(0);
		expect(answers.reduce((n, a) => n + a.busy.size, 0)).toBe(12 * 150 - asked.size);
		const { rows } = await clients[0].query(`SELECT count(*)::int AS n FROM ${SEND_HISTORY_TABLE}`);
		expect(rows[0].n).toBe(asked.size);
	});

	it('skips confirmed keys, takes over a dead run\'s unconfirmed ones exactly once, and re-sends forgotten ones', async () => {
		const dead = await pg.connect();
		const ghost = await becomeClaimant(dead, { executionId: 'killed' });
		await claimKeys(dead, ghost, ['a', 'b', 'c']);
		await confirmKeys(dead, ghost, ['a']);
		// While the run lives, its unconfirmed keys are busy.
		const alive = await becomeClaimant(clients[0]);
		expect(await claimKeys(clients[0], alive, ['a', 'b', 'c'])).toEqual({ sent: new Set(['a']), busy: new Set(['b', 'c']) });
		const { rows: backend } = await dead.query('SELECT pg_backend_pid() AS pid');
		await dead.end(); // the worker is killed: Postgres drops its connection and its lock
		for (;;) {
			// The server ends the backend (and frees the lock) a moment after the socket closes.
			const { rows: left } = await clients[11].query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1', [backend[0].pid]);
			if (left[0].n === 0) break;
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
		const rerun = await Promise.all(clients.slice(1, 7).map(async (c) => claimKeys(c, await becomeClaimant(c), ['a', 'b', 'c'])));
		for (const answer of rerun) expect(answer.sent).toEqual(new Set(['a']));
		const takers = rerun.map((answer) => ['b', 'c'].filter((key) => !answer.busy.has(key)));
		expect(takers.flat().sort()).toEqual(['b', 'c']);
		// The one that took 'b' could not send it: forgotten, the next run claims it afresh.
		const taker = clients[1 + takers.findIndex((keys) => keys.includes('b'))];
		const { rows } = await taker.query(`SELECT owner::text AS owner FROM ${SEND_HISTORY_TABLE} WHERE key = 'b'`);
		await forgetKeys(taker, { owner: rows[0].owner }, ['b']);
		const next = await becomeClaimant(clients[8]);
		expect(await claimKeys(clients[8], next, ['b'])).toEqual({ sent: new Set(), busy: new Set() });
		expect(await claimKeys(clients[8], next, [])).toEqual({ sent: new Set(), busy: new Set() });
	});
});
