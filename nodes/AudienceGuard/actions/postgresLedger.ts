/**
 * The Postgres send ledger: frequency caps that hold however many n8n workers decide at once.
 *
 * One row per send the guard let through (a reservation). For each contact that could go now:
 *   BEGIN;
 *   SELECT pg_advisory_xact_lock(<64-bit hash of the ledger and contact id>);
 *   SELECT id … WHERE contact_id = $1 AND channel = $2 AND message_id = $3;  -- only with a Message ID
 *   -- found: the same message again, Send now under that row's id, and nothing more
 *   SELECT channel, sent_at … WHERE contact_id = $1 AND sent_at > now − longest cap window;
 *   -- the engine decides on exactly those sends
 *   INSERT … RETURNING id;          -- only when the verdict is Send now
 *   COMMIT;
 * The lock serialises decisions for one contact across every connection (and so every worker)
 * until COMMIT, and under READ COMMITTED each statement sees what was committed before it began,
 * so the second decision always counts the first one's reservation: exact, without SERIALIZABLE
 * retries. Contacts do not wait for each other (different keys), and a lock is never held across
 * items. The lock key includes the table name, so two ledgers never contend.
 *
 * A reservation counts from the decision on, whether or not the send then succeeds: the guard
 * cannot know, and counting a failed send errs towards sending less. Each one's id goes out on the
 * item (guard.reservationId) so that a workflow can delete the reservations of failed sends.
 *
 * The repeat lookup has no time window (a replay may come days after the first pass) and, under
 * the same lock, makes concurrent replays of one message share one row.
 *
 * The table is created on first use (under an advisory lock of its own: two workers creating it at
 * once would otherwise collide in the catalogue); a table from before Message ID gets its
 * message_id column the same way. Only parameterised SQL; the table name, the one identifier, is
 * checked against a strict pattern and quoted.
 *
 * Plain TypeScript over a `pg` client, no n8n import: the tests drive it with many connections.
 */
import { createHash } from 'node:crypto';

import type { ClientConfig } from 'pg';

import { repeatOf, type Send, type Verdict } from '../engine';

/** What every query here needs from a pg Client. */
export interface Queryable {
	query<R extends Record<string, unknown> = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

export interface LedgerTable {
	/** As given: campaign_kit_send_ledger or marketing.campaign_kit_send_ledger. */
	name: string;
	/** Quoted for SQL: "marketing"."campaign_kit_send_ledger". */
	sql: string;
	/** Quoted index name (unqualified: an index lives in its table's schema). */
	index: string;
}

export const DEFAULT_LEDGER_TABLE = 'campaign_kit_send_ledger';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Checks and quotes a ledger table name; an Error with the fix when it is not a plain name. */
export function ledgerTable(name: string): LedgerTable {
	const trimmed = (name ?? '').trim();
	const parts = trimmed.split('.');
	if (!trimmed || parts.length > 2 || !parts.every((part) => IDENTIFIER.test(part))) {
		throw new Error(
			`The table name "${name}" is not a plain Postgres table name. Use lower-case letters, digits and underscores (at most 63), optionally after a schema name and a dot, e.g. ${DEFAULT_LEDGER_TABLE} or marketing.${DEFAULT_LEDGER_TABLE}.`,
		);
	}
	const table = parts[parts.length - 1];
	return {
		name: trimmed,
		sql: parts.map((part) => `"${part}"`).join('.'),
		index: `"${`${table}_contact_sent_at`.slice(0, 63)}"`,
	};
}

/** A signed 64-bit advisory-lock key (as text, for a bigint parameter) from SHA-256. */
export function lockKey(scope: string, id: string): string {
	const digest = createHash('sha256').update(`campaign-kit:${scope}\u0000${id}`).digest();
	return digest.readBigInt64BE(0).toString();
}

async function rollback(client: Queryable) {
	try {
		await client.query('ROLLBACK');
	} catch {
		// the connection is gone; the server has rolled back already
	}
}

/** Whether the table exists with the message_id column (one query: this runs on every execution). */
async function ledgerIsCurrent(client: Queryable, table: LedgerTable): Promise<boolean> {
	const { rows } = await client.query<{ current: boolean }>(
		`SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'message_id' AND NOT attisdropped) AS current`,
		[table.sql],
	);
	return rows[0]?.current === true;
}

/**
 * Creates the ledger table and its index unless they exist, and adds message_id to a table from
 * before Message ID. Safe to run from many workers at once.
 */
/**
 * Runs `work` in one transaction under a transaction-level advisory lock on (scope, id); rolls back
 * on any error. Table creation uses it: two workers creating a table at once would collide in the
 * catalogue.
 */
export async function inLockedTransaction(client: Queryable, scope: string, id: string, work: () => Promise<void>): Promise<void> {
	await client.query('BEGIN');
	let committed = false;
	try {
		await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockKey(scope, id)]);
		await work();
		await client.query('COMMIT');
		committed = true;
	} finally {
		if (!committed) await rollback(client);
	}
}

export async function ensureLedgerTable(client: Queryable, table: LedgerTable): Promise<void> {
	if (await ledgerIsCurrent(client, table)) return;
	await inLockedTransaction(client, 'ledger-ddl', table.name, async () => {
		// Another worker may have done it while this one waited; ALTER would then lock the table for nothing.
		if (!(await ledgerIsCurrent(client, table))) {
			await client.query(
				`CREATE TABLE IF NOT EXISTS ${table.sql} (
					id bigserial PRIMARY KEY,
					contact_id text NOT NULL,
					channel text NOT NULL,
					sent_at timestamptz NOT NULL,
					workflow_id text,
					execution_id text,
					item_key text,
					created_at timestamptz NOT NULL DEFAULT now(),
					message_id text
				)`,
			);
			// A nullable column without a default: only the catalogue changes, however many rows there are.
			await client.query(`ALTER TABLE ${table.sql} ADD COLUMN IF NOT EXISTS message_id text`);
			await client.query(`CREATE INDEX IF NOT EXISTS ${table.index} ON ${table.sql} (contact_id, sent_at)`);
		}
	});
}

export interface LedgerDecision {
	contactId: string;
	channel: string;
	/** The decision instant (epoch ms), also the reservation's sent_at. */
	now: number;
	/** How far back sends matter: the longest cap window (0: no caps, nothing is read). */
	lookbackMs: number;
	workflowId?: string;
	executionId?: string;
	/** Which item of which node run made the reservation: "<node>#<run>:<item>". */
	itemKey?: string;
	/** The Message ID: a row of this contact with it on this channel makes this the same message again. */
	message?: string;
	/** The engine's timing decision on the contact's sends (oldest first). */
	decide(sends: Send[]): Verdict;
}

export interface LedgerResult {
	verdict: Verdict;
	/** The reservation's row id when the verdict is Send now (a repeat's: the first pass's row). */
	reservationId?: number | string;
}

/** A bigserial id as a number while it is exact, as text beyond. */
function rowId(text: string): number | string {
	const id = Number(text);
	return Number.isSafeInteger(id) ? id : text;
}

/** The same message again: the first pass's row, whenever it was (no time window). */
async function findRepeat(client: Queryable, table: LedgerTable, d: LedgerDecision): Promise<LedgerResult | undefined> {
	if (!d.message) return undefined;
	const { rows } = await client.query<{ id: string; sent_at: Date }>(
		`SELECT id, sent_at FROM ${table.sql} WHERE contact_id = $1 AND channel = $2 AND message_id = $3 ORDER BY id LIMIT 1`,
		[d.contactId, d.channel, d.message],
	);
	const first = rows[0];
	return first ? { verdict: repeatOf({ at: new Date(first.sent_at).getTime(), channel: d.channel }), reservationId: rowId(first.id) } : undefined;
}

/** The engine's decision on the contact's sends in the lookback window, reserved when it is Send now. */
async function decideAndReserve(client: Queryable, table: LedgerTable, d: LedgerDecision): Promise<LedgerResult> {
	let sends: Send[] = [];
	if (d.lookbackMs > 0) {
		const { rows } = await client.query<{ channel: string; sent_at: Date; execution_id: string | null }>(
			`SELECT channel, sent_at, execution_id FROM ${table.sql} WHERE contact_id = $1 AND sent_at > $2 ORDER BY sent_at`,
			[d.contactId, new Date(d.now - d.lookbackMs)],
		);
		sends = rows.map((row) => ({
			at: new Date(row.sent_at).getTime(),
			channel: row.channel,
			thisRun: d.executionId !== undefined && row.execution_id === d.executionId ? true : undefined,
		}));
	}
	const verdict = d.decide(sends);
	if (verdict.decision !== 'send') return { verdict };
	const { rows } = await client.query<{ id: string }>(
		`INSERT INTO ${table.sql} (contact_id, channel, sent_at, workflow_id, execution_id, item_key, message_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		[d.contactId, d.channel, new Date(d.now), d.workflowId ?? null, d.executionId ?? null, d.itemKey ?? null, d.message || null],
	);
	return { verdict, reservationId: rowId(rows[0].id) };
}

/**
 * Decides one contact in one transaction under its advisory lock: the same message again when its
 * Message ID is in the ledger, else the engine's verdict, reserving the send when it is Send now.
 * Any error rolls back (no reservation) and reaches the caller.
 */
export async function decideInLedger(client: Queryable, table: LedgerTable, d: LedgerDecision): Promise<LedgerResult> {
	await client.query('BEGIN');
	let committed = false;
	try {
		await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockKey(`ledger:${table.name}`, d.contactId)]);
		const result = (await findRepeat(client, table, d)) ?? (await decideAndReserve(client, table, d));
		await client.query('COMMIT');
		committed = true;
		return result;
	} finally {
		if (!committed) await rollback(client);
	}
}

/** The fields of n8n's own `postgres` credential type that a direct connection uses. */
export interface PostgresCredential {
	host?: string;
	port?: number;
	database?: string;
	user?: string;
	password?: string;
	ssl?: 'allow' | 'disable' | 'require' | string;
	allowUnauthorizedCerts?: boolean;
	sshTunnel?: boolean;
}

/**
 * pg's connection settings from n8n's Postgres credential, read the way n8n's own Postgres node
 * reads it (SSL: "disable" is off, "allow" and "require" are on; "Ignore SSL Issues" turns
 * certificate checks off). Timeouts keep a stuck database from holding an execution forever.
 */
export function connectionConfig(credential: PostgresCredential): ClientConfig {
	const config: ClientConfig = {
		host: credential.host || 'localhost',
		port: Number(credential.port) || 5432,
		database: credential.database || 'postgres',
		user: credential.user || 'postgres',
		password: credential.password ?? '',
		application_name: 'n8n Campaign Kit Audience Guard',
		connectionTimeoutMillis: 20_000,
		statement_timeout: 30_000,
		lock_timeout: 30_000,
		idle_in_transaction_session_timeout: 60_000,
	};
	if (credential.allowUnauthorizedCerts === true) config.ssl = { rejectUnauthorized: false };
	else config.ssl = credential.ssl === 'allow' || credential.ssl === 'require';
	return config;
}
