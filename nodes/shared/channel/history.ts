/**
 * The send history in Postgres: what a sending node has sent, exact however many executions and
 * workers send at once (queue mode), and right after a worker is killed mid-send.
 *
 * n8n's own de-duplication store keeps a node's keys in ONE row that every execution reads,
 * extends and writes back without a lock: executions that overlap overwrite each other's keys
 * (measured in queue mode with 2 workers: 1,611 of 2,047 sent emails were missing from it), so a
 * re-run sends those again. Here every key is its own row under a primary key.
 *
 * Two steps per message, so that a killed worker loses nothing:
 * 1. Claim: `INSERT … ON CONFLICT DO NOTHING RETURNING key`, owned by this run. Of two runs
 *    claiming a key at once exactly one gets it. Each run holds a session advisory lock on its
 *    owner number while it sends; Postgres drops it the moment the run's connection dies.
 * 2. Confirm after the provider accepted the message (`sent = true`); a message that failed is
 *    forgotten (row deleted), so a re-run sends it.
 * A re-run finding a claimed, unconfirmed key tries the owner's lock: held means a live run is
 * sending it now (skip); free means that run died before confirming, and the re-run takes the key
 * over (one atomic UPDATE) and sends it. So the only message that can reach a contact twice is one
 * the provider accepted in the instant between its answer and the confirm (a provider without
 * idempotency keys cannot tell), never one that was lost.
 *
 * The key already names the workflow, the node, the recipient and the content (keys.ts). The
 * table is created on first use, under an advisory lock (two workers creating it at once would
 * collide in the catalogue). Plain TypeScript over a `pg` client, no n8n import.
 */
import { randomBytes } from 'node:crypto';

import { connectionConfig, inLockedTransaction, type PostgresCredential, type Queryable } from '../../AudienceGuard/actions/postgresLedger';

export const SEND_HISTORY_TABLE = 'campaign_kit_send_history';
export type { PostgresCredential };

/** pg's settings for the send history, from n8n's Postgres credential. */
export function historyConnection(credential: PostgresCredential) {
	return { ...connectionConfig(credential), application_name: 'n8n Campaign Kit send history' };
}

/** Creates the table unless it exists. Safe to run from many workers at once. */
export async function ensureHistoryTable(client: Queryable): Promise<void> {
	const found = await client.query<{ table: string | null }>('SELECT to_regclass($1)::text AS "table"', [SEND_HISTORY_TABLE]);
	if (found.rows[0]?.table) return;
	await inLockedTransaction(client, 'send-history-ddl', SEND_HISTORY_TABLE, async () => {
		await client.query(
			`CREATE TABLE IF NOT EXISTS ${SEND_HISTORY_TABLE} (
				key text PRIMARY KEY,
				owner bigint NOT NULL,
				sent boolean NOT NULL DEFAULT false,
				workflow_id text,
				execution_id text,
				recorded_at timestamptz NOT NULL DEFAULT now()
			)`,
		);
	});
}

/** One run's hold on the history: its owner number, locked on its connection until it ends. */
export interface Claimant {
	owner: string;
	workflowId?: string;
	executionId?: string;
}

/** Takes a fresh owner number and holds its lock (released when the connection ends). */
export async function becomeClaimant(client: Queryable, by: { workflowId?: string; executionId?: string } = {}): Promise<Claimant> {
	const owner = randomBytes(8).readBigInt64BE(0).toString();
	await client.query('SELECT pg_advisory_lock($1::bigint)', [owner]);
	return { owner, ...by };
}

export interface Claimed {
	/** Sent before (confirmed): skip. */
	sent: Set<string>;
	/** Claimed by a run that is sending it right now: skip. */
	busy: Set<string>;
}

/** Claims `keys` for `me`; answers those to skip. Keys of dead runs are taken over (and sent). */
export async function claimKeys(client: Queryable, me: Claimant, keys: string[]): Promise<Claimed> {
	const out: Claimed = { sent: new Set(), busy: new Set() };
	if (!keys.length) return out;
	const { rows } = await client.query<{ key: string }>(
		// In key order: two runs inserting overlapping keys in different orders would deadlock.
		`INSERT INTO ${SEND_HISTORY_TABLE} (key, owner, workflow_id, execution_id)
		 SELECT k, $2, $3, $4 FROM (SELECT DISTINCT k FROM unnest($1::text[]) AS t(k)) AS d ORDER BY k COLLATE "C"
		 ON CONFLICT (key) DO NOTHING RETURNING key`,
		[keys, me.owner, me.workflowId ?? null, me.executionId ?? null],
	);
	const mine = new Set(rows.map((row) => row.key));
	const others = [...new Set(keys.filter((key) => !mine.has(key)))];
	if (!others.length) return out;
	const existing = await client.query<{ key: string; owner: string; sent: boolean }>(
		`SELECT key, owner::text AS owner, sent FROM ${SEND_HISTORY_TABLE} WHERE key = ANY($1::text[])`,
		[others],
	);
	const byOwner = new Map<string, string[]>();
	for (const row of existing.rows) {
		if (row.sent) out.sent.add(row.key);
		else byOwner.set(row.owner, [...(byOwner.get(row.owner) ?? []), row.key]);
	}
	// A key forgotten between the INSERT and the SELECT is absent from both: treat it as busy (a re-run sends it).
	for (const key of others) if (!out.sent.has(key) && ![...byOwner.values()].some((list) => list.includes(key))) out.busy.add(key);
	for (const [owner, list] of byOwner) {
		const { rows: lock } = await client.query<{ free: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS free', [owner]);
		if (!lock[0]?.free) {
			list.forEach((key) => out.busy.add(key));
			continue;
		}
		try {
			// The owner's connection is gone: it never confirmed these. Exactly one run takes each over.
			const taken = await client.query<{ key: string }>(
				`UPDATE ${SEND_HISTORY_TABLE} SET owner = $2, execution_id = $3, recorded_at = now() WHERE key = ANY($1::text[]) AND owner = $4 AND NOT sent RETURNING key`,
				[list, me.owner, me.executionId ?? null, owner],
			);
			const takenKeys = new Set(taken.rows.map((row) => row.key));
			list.filter((key) => !takenKeys.has(key)).forEach((key) => out.busy.add(key));
		} finally {
			await client.query('SELECT pg_advisory_unlock($1::bigint)', [owner]);
		}
	}
	return out;
}

/** Marks `keys` sent: the provider accepted them. */
export async function confirmKeys(client: Queryable, me: Claimant, keys: string[]): Promise<void> {
	if (!keys.length) return;
	await client.query(`UPDATE ${SEND_HISTORY_TABLE} SET sent = true WHERE key = ANY($1::text[]) AND owner = $2`, [keys, me.owner]);
}

/** Takes this run's claims on `keys` off the history again (messages that were not sent). */
export async function forgetKeys(client: Queryable, me: Claimant, keys: string[]): Promise<void> {
	if (!keys.length) return;
	await client.query(`DELETE FROM ${SEND_HISTORY_TABLE} WHERE key = ANY($1::text[]) AND owner = $2 AND NOT sent`, [keys, me.owner]);
}
