/**
 * The send history in Postgres (nodes/shared/channel/history.ts) against a real PostgreSQL: many
 * connections recording overlapping keys at once, each key is recorded by exactly one of them;
 * forgotten keys can be recorded again.
 */
import type { Client } from 'pg';

import { ensureHistoryTable, forgetKeys, recordKeys, SEND_HISTORY_TABLE } from '../../nodes/shared/channel/history';
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

	it('gives every key to exactly one of 12 connections recording overlapping batches at once', async () => {
		// Connection c records keys c*50 … c*50+149: every key but the first and last 100 is asked for by 2 or 3 connections.
		const batches = clients.map((_, c) => Array.from({ length: 150 }, (_, k) => `key-${c * 50 + k}`));
		const answers = await Promise.all(clients.map((c, i) => recordKeys(c, batches[i], { workflowId: 'w1', executionId: String(i) })));
		const firstTime = new Map<string, number>();
		batches.forEach((batch, i) => batch.filter((key) => !answers[i].has(key)).forEach((key) => firstTime.set(key, (firstTime.get(key) ?? 0) + 1)));
		const asked = new Set(batches.flat());
		expect(asked.size).toBe(11 * 50 + 150);
		expect([...asked].filter((key) => firstTime.get(key) !== 1)).toEqual([]);
		const { rows } = await clients[0].query(`SELECT count(*)::int AS n FROM ${SEND_HISTORY_TABLE}`);
		expect(rows[0].n).toBe(asked.size);
	});

	it('answers a key recorded before as sent, and records it again once forgotten', async () => {
		expect([...(await recordKeys(clients[0], ['key-0', 'new-1']))]).toEqual(['key-0']);
		await forgetKeys(clients[1], ['key-0']);
		expect([...(await recordKeys(clients[2], ['key-0', 'new-1']))]).toEqual(['new-1']);
		expect(await recordKeys(clients[2], [])).toEqual(new Set());
	});
});
