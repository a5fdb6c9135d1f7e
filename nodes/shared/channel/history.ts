/**
 * The send history in Postgres: what a sending node has sent, exact however many executions and
 * workers send at once (queue mode).
 *
 * n8n's own de-duplication store keeps a node's keys in ONE row that every execution reads,
 * extends and writes back without a lock: executions that overlap overwrite each other's keys
 * (measured in queue mode with 2 workers: 1,611 of 2,047 sent emails were missing from it), so a
 * re-run sends those again. Here every key is its own row under a primary key, and recording is
 * one `INSERT … ON CONFLICT DO NOTHING RETURNING key`: of two executions recording the same key at
 * once, exactly one gets it back, and only that one sends.
 *
 * The key already names the workflow, the node, the recipient and the content (keys.ts). The
 * table is created on first use, under an advisory lock (two workers creating it at once would
 * collide in the catalogue). Plain TypeScript over a `pg` client, no n8n import.
 */
import { connectionConfig, lockKey, type PostgresCredential, type Queryable } from '../../AudienceGuard/actions/postgresLedger';

export const SEND_HISTORY_TABLE = 'campaign_kit_send_history';
export type { PostgresCredential };

/** pg's settings for the send history, from n8n's Postgres credential. */
export function historyConnection(credential: PostgresCredential) {
	return { ...connectionConfig(credential), application_name: 'n8n Campaign Kit send history' };
}

async function rollback(client: Queryable) {
	try {
		await client.query('ROLLBACK');
	} catch {
		// the connection is gone; the server has rolled back already
	}
}

/** Creates the table unless it exists. Safe to run from many workers at once. */
export async function ensureHistoryTable(client: Queryable): Promise<void> {
	const found = await client.query<{ table: string | null }>('SELECT to_regclass($1)::text AS "table"', [SEND_HISTORY_TABLE]);
	if (found.rows[0]?.table) return;
	await client.query('BEGIN');
	let committed = false;
	try {
		await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockKey('send-history-ddl', SEND_HISTORY_TABLE)]);
		await client.query(
			`CREATE TABLE IF NOT EXISTS ${SEND_HISTORY_TABLE} (
				key text PRIMARY KEY,
				workflow_id text,
				execution_id text,
				recorded_at timestamptz NOT NULL DEFAULT now()
			)`,
		);
		await client.query('COMMIT');
		committed = true;
	} finally {
		if (!committed) await rollback(client);
	}
}

/** Records `keys` (one statement); answers the ones that were recorded before. */
export async function recordKeys(client: Queryable, keys: string[], by: { workflowId?: string; executionId?: string } = {}): Promise<Set<string>> {
	if (!keys.length) return new Set();
	const { rows } = await client.query<{ key: string }>(
		// In key order: two runs inserting overlapping keys in different orders would deadlock.
		`INSERT INTO ${SEND_HISTORY_TABLE} (key, workflow_id, execution_id)
		 SELECT k, $2, $3 FROM (SELECT DISTINCT k FROM unnest($1::text[]) AS t(k)) AS d ORDER BY k COLLATE "C"
		 ON CONFLICT (key) DO NOTHING RETURNING key`,
		[keys, by.workflowId ?? null, by.executionId ?? null],
	);
	const fresh = new Set(rows.map((row) => row.key));
	return new Set(keys.filter((key) => !fresh.has(key)));
}

/** Takes `keys` off the history again (messages that were not sent). */
export async function forgetKeys(client: Queryable, keys: string[]): Promise<void> {
	if (!keys.length) return;
	await client.query(`DELETE FROM ${SEND_HISTORY_TABLE} WHERE key = ANY($1::text[])`, [keys]);
}
