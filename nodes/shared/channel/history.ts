/**
 * The send history in Postgres: what a sending node has sent, exact however many executions and
 * workers send at once (queue mode), and when a worker dies or loses its database connection
 * mid-send.
 *
 * n8n's own de-duplication store keeps a node's keys in ONE row that every execution reads,
 * extends and writes back without a lock: executions that overlap overwrite each other's keys
 * (measured in queue mode with 2 workers: 1,611 of 2,047 sent emails were missing from it), so a
 * re-run sends those again. Here every key is its own row under a primary key.
 *
 * A row goes claimed → sending → sent:
 * 1. Claim: `INSERT … ON CONFLICT DO NOTHING RETURNING key`, owned by this run (a fresh random
 *    owner number). Of two runs claiming a key at once exactly one gets it.
 * 2. Lease and fence: the run holds a session advisory lock on its owner number; Postgres drops it
 *    the moment the run's connection dies, which ends the lease. Right before each request the run
 *    marks its keys `sending` in one UPDATE on that connection, only if every row still names it
 *    as owner (the owner number is the fencing token: a run that took a row over wrote its own).
 *    A run whose connection died cannot mark, so it does not call the provider.
 * 3. Confirm after the provider accepted (`sent = true`), on a new connection if the run's own one
 *    died meanwhile; a message that was refused is forgotten (row deleted), so a re-run sends it.
 * A run finding another's row that is not sent tries the owner's lock (shared: runs checking at
 * once do not block each other, only the owner's exclusive hold does): held means a live run has
 * it (skip: busy). Free means that run's lease ended: a row still `claimed` was never sent and is
 * taken over (one conditional UPDATE, so by one run only); a row `sending` may have reached the
 * provider, so it is never sent again blindly: it is reported unconfirmed with when and by which
 * execution it was claimed, unless it went out under a provider idempotency key (`provider_key`),
 * which the same request carries again (`resumeKeys`). Rows from before this protocol
 * (`claim_version` empty) count as `sending`.
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

/** Whether the table exists with this protocol's columns (one query: this runs on every execution). */
async function tableIsCurrent(client: Queryable): Promise<boolean> {
	const { rows } = await client.query<{ current: boolean }>(
		`SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'claim_version' AND NOT attisdropped) AS current`,
		[SEND_HISTORY_TABLE],
	);
	return rows[0]?.current === true;
}

/** Creates the table unless it exists, and adds the lease columns to one from before them. Safe to run from many workers at once. */
export async function ensureHistoryTable(client: Queryable): Promise<void> {
	if (await tableIsCurrent(client)) return;
	await inLockedTransaction(client, 'send-history-ddl', SEND_HISTORY_TABLE, async () => {
		if (await tableIsCurrent(client)) return;
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
		// Nullable columns without defaults: only the catalogue changes, however many rows there are.
		await client.query(
			`ALTER TABLE ${SEND_HISTORY_TABLE} ADD COLUMN IF NOT EXISTS sending_at timestamptz, ADD COLUMN IF NOT EXISTS provider_key text, ADD COLUMN IF NOT EXISTS claim_version smallint`,
		);
	});
}

/** One run's hold on the history: its owner number (the fencing token), locked on its connection until it ends. */
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

/** A key another run claimed, whose run is gone, and which may have reached the provider. */
export interface Unconfirmed {
	/** The execution that claimed it (null when it did not say). */
	executionId: string | null;
	/** When it was claimed (ISO 8601). */
	claimedAt: string;
	/** When that run marked it as being sent (null for rows from before the marking). */
	sendingAt: string | null;
	/** The provider idempotency key its request carried, if any. */
	providerKey: string | null;
	owner: string;
}

export interface Claimed {
	/** Sent before (confirmed): skip. */
	sent: Set<string>;
	/** Claimed by a run that is alive right now: skip. */
	busy: Set<string>;
	/** Claimed by a run that is gone, possibly after it called the provider: neither skip as sent nor send blindly. */
	unconfirmed: Map<string, Unconfirmed>;
}

interface Row {
	key: string;
	owner: string;
	sent: boolean;
	execution_id: string | null;
	recorded_at: Date;
	sending_at: Date | null;
	provider_key: string | null;
	claim_version: number | null;
}

const iso = (value: Date | null) => (value ? new Date(value).toISOString() : null);

/** Claims `keys` for `me`; answers those to skip or report. Never-sent keys of dead runs are taken over (and sent). */
export async function claimKeys(client: Queryable, me: Claimant, keys: string[]): Promise<Claimed> {
	const out: Claimed = { sent: new Set(), busy: new Set(), unconfirmed: new Map() };
	if (!keys.length) return out;
	const { rows } = await client.query<{ key: string }>(
		// In key order: two runs inserting overlapping keys in different orders would deadlock.
		`INSERT INTO ${SEND_HISTORY_TABLE} (key, owner, workflow_id, execution_id, claim_version)
		 SELECT k, $2, $3, $4, 2 FROM (SELECT DISTINCT k FROM unnest($1::text[]) AS t(k)) AS d ORDER BY k COLLATE "C"
		 ON CONFLICT (key) DO NOTHING RETURNING key`,
		[keys, me.owner, me.workflowId ?? null, me.executionId ?? null],
	);
	const mine = new Set(rows.map((row) => row.key));
	const others = [...new Set(keys.filter((key) => !mine.has(key)))];
	if (!others.length) return out;
	const existing = await client.query<Row & Record<string, unknown>>(
		`SELECT key, owner::text AS owner, sent, execution_id, recorded_at, sending_at, provider_key, claim_version FROM ${SEND_HISTORY_TABLE} WHERE key = ANY($1::text[])`,
		[others],
	);
	const byOwner = new Map<string, Row[]>();
	for (const row of existing.rows) {
		if (row.sent) out.sent.add(row.key);
		else byOwner.set(row.owner, [...(byOwner.get(row.owner) ?? []), row]);
	}
	// A key forgotten between the INSERT and the SELECT is absent from both: treat it as busy (a re-run sends it).
	const found = new Set(existing.rows.map((row) => row.key));
	for (const key of others) if (!found.has(key)) out.busy.add(key);
	for (const [owner, list] of byOwner) await judgeOwner(client, me, owner, list, out);
	return out;
}

/** One other run's unsent rows: busy while its lease lasts; after, taken over if never sent, else unconfirmed. */
async function judgeOwner(client: Queryable, me: Claimant, owner: string, list: Row[], out: Claimed): Promise<void> {
	const { rows: lock } = await client.query<{ free: boolean }>('SELECT pg_try_advisory_lock_shared($1::bigint) AS free', [owner]);
	if (!lock[0]?.free) {
		list.forEach((row) => out.busy.add(row.key));
		return;
	}
	try {
		const unsent = list.filter((row) => row.claim_version !== null && row.sending_at === null).map((row) => row.key);
		const taken = unsent.length
			? await client.query<{ key: string }>(
					`UPDATE ${SEND_HISTORY_TABLE} SET owner = $2, execution_id = $3, recorded_at = now() WHERE key = ANY($1::text[]) AND owner = $4 AND NOT sent AND sending_at IS NULL RETURNING key`,
					[unsent, me.owner, me.executionId ?? null, owner],
				)
			: { rows: [] };
		const takenKeys = new Set(taken.rows.map((row) => row.key));
		for (const row of list) {
			if (takenKeys.has(row.key)) continue;
			if (unsent.includes(row.key)) out.busy.add(row.key); // changed under us: another run took it
			else
				out.unconfirmed.set(row.key, {
					executionId: row.execution_id,
					claimedAt: iso(row.recorded_at) ?? '',
					sendingAt: iso(row.sending_at),
					providerKey: row.provider_key,
					owner,
				});
		}
	} finally {
		await client.query('SELECT pg_advisory_unlock_shared($1::bigint)', [owner]);
	}
}

/**
 * Right before a request: marks `keys` as being sent (with the provider idempotency key the
 * request carries), only if `me` still owns every one. False: do not call the provider.
 */
export async function fenceKeys(client: Queryable, me: Claimant, keys: string[], providerKey: string | null): Promise<boolean> {
	if (!keys.length) return true;
	const { rows } = await client.query<{ key: string }>(
		`WITH mine AS (SELECT key FROM ${SEND_HISTORY_TABLE} WHERE key = ANY($1::text[]) AND owner = $2 AND NOT sent FOR UPDATE)
		 UPDATE ${SEND_HISTORY_TABLE} AS h SET sending_at = now(), provider_key = $3
		 WHERE h.key IN (SELECT key FROM mine) AND (SELECT count(*) FROM mine) = $4::bigint RETURNING h.key`,
		[keys, me.owner, providerKey, new Set(keys).size],
	);
	return rows.length === new Set(keys).size;
}

/**
 * Takes over a dead run's `sending` rows to send their request again under the same provider
 * idempotency key (the provider drops a repeat). Only when every key went out under exactly
 * `providerKey`, all from one run whose lease has ended.
 */
export async function resumeKeys(client: Queryable, me: Claimant, keys: string[], providerKey: string, from: string): Promise<boolean> {
	if (!keys.length) return false;
	const { rows: lock } = await client.query<{ free: boolean }>('SELECT pg_try_advisory_lock_shared($1::bigint) AS free', [from]);
	if (!lock[0]?.free) return false;
	try {
		const { rows } = await client.query<{ key: string }>(
			`UPDATE ${SEND_HISTORY_TABLE} SET owner = $2, execution_id = $3, sending_at = now()
			 WHERE key = ANY($1::text[]) AND owner = $4 AND NOT sent AND sending_at IS NOT NULL AND provider_key = $5 RETURNING key`,
			[keys, me.owner, me.executionId ?? null, from, providerKey],
		);
		return rows.length === new Set(keys).size;
	} finally {
		await client.query('SELECT pg_advisory_unlock_shared($1::bigint)', [from]);
	}
}

/** Marks `keys` sent: the provider accepted them (whichever run's claim they are under). */
export async function confirmKeys(client: Queryable, keys: string[]): Promise<void> {
	if (!keys.length) return;
	await client.query(`UPDATE ${SEND_HISTORY_TABLE} SET sent = true WHERE key = ANY($1::text[]) AND NOT sent`, [keys]);
}

/** Takes this run's claims on `keys` off the history again (messages that were not sent). */
export async function forgetKeys(client: Queryable, me: Claimant, keys: string[]): Promise<void> {
	if (!keys.length) return;
	await client.query(`DELETE FROM ${SEND_HISTORY_TABLE} WHERE key = ANY($1::text[]) AND owner = $2 AND NOT sent`, [keys, me.owner]);
}
