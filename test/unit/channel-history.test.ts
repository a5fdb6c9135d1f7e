/**
 * The send history in Postgres (nodes/shared/channel/history.ts) against a real PostgreSQL: many
 * connections claiming overlapping keys at once, each key goes to exactly one of them; a live
 * run's unconfirmed keys are busy; a dead run's keys it never marked as being sent are taken over
 * by exactly one re-run, those it marked are reported (who, when) and never taken over blindly;
 * a run whose connection was cut cannot mark its claims; forgotten keys can be claimed again.
 */
import type { Client } from 'pg';

import { becomeClaimant, claimKeys, confirmKeys, ensureHistoryTable, fenceKeys, forgetKeys, resumeKeys, SEND_HISTORY_TABLE, type Claimant } from '../../nodes/shared/channel/history';
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
		await confirmKeys(dead, ['a']);
		// While the run lives, its unconfirmed keys are busy.
		const alive = await becomeClaimant(clients[0]);
		expect(await claimKeys(clients[0], alive, ['a', 'b', 'c'])).toEqual({ sent: new Set(['a']), busy: new Set(['b', 'c']), unconfirmed: new Map() });
		const { rows: backend } = await dead.query('SELECT pg_backend_pid() AS pid');
		await dead.end(); // the worker is killed: Postgres drops its connection and its lock
		await gone(backend[0].pid);
		const rerun = await Promise.all(clients.slice(1, 7).map(async (c) => claimKeys(c, await becomeClaimant(c), ['a', 'b', 'c'])));
		for (const answer of rerun) expect(answer.sent).toEqual(new Set(['a']));
		const takers = rerun.map((answer) => ['b', 'c'].filter((key) => !answer.busy.has(key)));
		expect(takers.flat().sort()).toEqual(['b', 'c']);
		// The one that took 'b' could not send it: forgotten, the next run claims it afresh.
		const taker = clients[1 + takers.findIndex((keys) => keys.includes('b'))];
		const { rows } = await taker.query(`SELECT owner::text AS owner FROM ${SEND_HISTORY_TABLE} WHERE key = 'b'`);
		await forgetKeys(taker, { owner: rows[0].owner }, ['b']);
		const next = await becomeClaimant(clients[8]);
		expect(await claimKeys(clients[8], next, ['b'])).toEqual({ sent: new Set(), busy: new Set(), unconfirmed: new Map() });
		expect(await claimKeys(clients[8], next, [])).toEqual({ sent: new Set(), busy: new Set(), unconfirmed: new Map() });
	});

	/** Waits until the server has ended backend `pid` (and so freed its locks). */
	async function gone(pid: number) {
		for (;;) {
			const { rows } = await clients[11].query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1', [pid]);
			if (rows[0].n === 0) return;
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
	}

	/** A run on its own connection, and how to cut that connection from the server side. */
	async function run(executionId: string) {
		const client = await pg.connect();
		client.on('error', () => undefined);
		const me = await becomeClaimant(client, { workflowId: 'w2', executionId });
		const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
		const cut = async () => {
			await clients[11].query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
			await gone(rows[0].pid);
		};
		return { client, me, cut };
	}

	it('a run whose connection was cut cannot mark its claims as being sent; one other run takes them over and sends them', async () => {
		const a = await run('A');
		expect((await claimKeys(a.client, a.me, ['cut-1', 'cut-2'])).busy.size).toBe(0);
		// While A's connection lives its lease holds: nobody else may send them.
		const b = await becomeClaimant(clients[1], { executionId: 'B' });
		expect(await claimKeys(clients[1], b, ['cut-1', 'cut-2'])).toEqual({ sent: new Set(), busy: new Set(['cut-1', 'cut-2']), unconfirmed: new Map() });
		await a.cut();
		await expect(fenceKeys(a.client, a.me, ['cut-1', 'cut-2'], null)).rejects.toThrow();
		// A never marked them: not sent, taken over by exactly one of 5 runs, which may send them.
		const runs = await Promise.all(clients.slice(2, 7).map(async (c, i) => ({ c, me: await becomeClaimant(c, { executionId: `R${i}` }) })));
		const answers = await Promise.all(runs.map(async ({ c, me }) => await claimKeys(c, me, ['cut-1', 'cut-2'])));
		const takers = answers.map((answer, i) => ({ i, keys: ['cut-1', 'cut-2'].filter((key) => !answer.busy.has(key)) })).filter((t) => t.keys.length);
		expect(takers.flatMap((t) => t.keys).sort()).toEqual(['cut-1', 'cut-2']);
		for (const answer of answers) expect(answer.unconfirmed.size).toBe(0);
		const taker = runs[takers[0].i];
		expect(await fenceKeys(taker.c, taker.me, takers[0].keys, null)).toBe(true);
		await a.client.end().catch(() => undefined);
	});

	it('a claim can only be marked by its owner, all keys of a request or none (the owner number is the fencing token)', async () => {
		const mine = await becomeClaimant(clients[7], { executionId: 'F' });
		await claimKeys(clients[7], mine, ['fence-1', 'fence-2']);
		// Another claimant number (a run that took them over wrote its own) marks nothing.
		expect(await fenceKeys(clients[7], { owner: '12345' }, ['fence-1'], null)).toBe(false);
		// A request with a key this run does not hold marks none of its keys.
		expect(await fenceKeys(clients[7], mine, ['fence-1', 'fence-2', 'not-claimed'], null)).toBe(false);
		const { rows } = await clients[7].query(`SELECT count(*)::int AS n FROM ${SEND_HISTORY_TABLE} WHERE key IN ('fence-1', 'fence-2') AND sending_at IS NOT NULL`);
		expect(rows[0].n).toBe(0);
		expect(await fenceKeys(clients[7], mine, ['fence-1', 'fence-2'], null)).toBe(true);
	});

	it('a dead run\'s claims marked as being sent are reported unconfirmed with the execution and time, never taken over; with the same provider key one run sends them again', async () => {
		const a = await run('exec-41');
		// claimedAt is the database's clock, not this process's (they differ under faketime).
		const before = Number((await a.client.query('SELECT (extract(epoch FROM now()) * 1000)::bigint AS ms')).rows[0].ms);
		await claimKeys(a.client, a.me, ['sent-1', 'sent-2', 'sent-3']);
		expect(await fenceKeys(a.client, a.me, ['sent-1', 'sent-2'], 'R-1')).toBe(true);
		expect(await fenceKeys(a.client, a.me, ['sent-3'], null)).toBe(true);
		await a.cut(); // while the provider holds A's requests
		const runs = await Promise.all(clients.slice(1, 7).map(async (c, i) => ({ c, me: await becomeClaimant(c, { executionId: `S${i}` }) })));
		const answers = await Promise.all(runs.map(async ({ c, me }) => await claimKeys(c, me, ['sent-1', 'sent-2', 'sent-3'])));
		for (const answer of answers) {
			expect(answer.sent.size + answer.busy.size).toBe(0);
			expect([...answer.unconfirmed.keys()].sort()).toEqual(['sent-1', 'sent-2', 'sent-3']);
			const one = answer.unconfirmed.get('sent-1');
			expect(one).toMatchObject({ executionId: 'exec-41', providerKey: 'R-1', owner: a.me.owner });
			expect(Date.parse(String(one?.claimedAt))).toBeGreaterThanOrEqual(before - 1000);
			expect(answer.unconfirmed.get('sent-3')?.providerKey).toBeNull();
		}
		// Another provider key is another request: not sent again. The same key: exactly one run resumes it.
		expect(await resumeKeys(runs[0].c, runs[0].me, ['sent-1', 'sent-2'], 'R-2', a.me.owner)).toBe(false);
		expect(await resumeKeys(runs[0].c, runs[0].me, ['sent-1'], 'R-1', a.me.owner)).toBe(true);
		const resumed = await Promise.all(runs.slice(1).map(async ({ c, me }) => await resumeKeys(c, me, ['sent-2'], 'R-1', a.me.owner)));
		expect(resumed.filter(Boolean)).toHaveLength(1);
		// A's answer arrives after all: confirming records the fact whoever holds the claim now.
		await confirmKeys(clients[8], ['sent-1', 'sent-2', 'sent-3']);
		const next = await becomeClaimant(clients[8]);
		expect((await claimKeys(clients[8], next, ['sent-1', 'sent-2', 'sent-3'])).sent).toEqual(new Set(['sent-1', 'sent-2', 'sent-3']));
		await a.client.end().catch(() => undefined);
	});

	it('a dead run\'s claim from before the marking (no claim version) counts as possibly sent', async () => {
		const a = await run('old');
		await a.client.query(`INSERT INTO ${SEND_HISTORY_TABLE} (key, owner, execution_id) VALUES ('legacy-1', $1, 'old')`, [a.me.owner]);
		await a.cut();
		const me = await becomeClaimant(clients[9]);
		const answer = await claimKeys(clients[9], me, ['legacy-1']);
		expect([...answer.unconfirmed.keys()]).toEqual(['legacy-1']);
		expect(answer.unconfirmed.get('legacy-1')?.sendingAt).toBeNull();
		await a.client.end().catch(() => undefined);
	});
});
