/**
 * Where a sending node remembers its sends, in the same four steps whichever store keeps them:
 * `record` (before anything is sent: what was sent before, what a live run is sending, what a dead
 * run may have sent), `fence` (right before each request: this run's claim still holds, and it is
 * marked as being sent), `confirm` (right after the provider accepted) and `forget` (a message that
 * was not sent). A recorded key means "the provider accepted it"; a key marked but never confirmed
 * means "the run stopped between the request and the answer" and is reported, never skipped as sent
 * nor sent again blindly.
 *
 * n8n's de-duplication store only answers "was this entry there?" by recording it (the node API has
 * no read-only check), so every read here is guarded: `peek` records a guard entry first and
 * removes both afterwards; a guard left by a run that died mid-read makes the entry count as
 * unknown (reported), never as absent.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { Client } from 'pg';

import {
	becomeClaimant,
	claimKeys,
	confirmKeys,
	ensureHistoryTable,
	fenceKeys,
	forgetKeys,
	historyConnection,
	resumeKeys,
	type Claimant,
	type PostgresCredential,
} from './history';
import { oneAtATime } from './serial';

/** A message an earlier run may have sent: claimed, marked as being sent, never confirmed. */
export interface Unclear {
	/** The execution that claimed it, when the store keeps it. */
	claimedBy: string | null;
	/** When it was claimed (ISO 8601), when the store keeps it. */
	claimedAt: string | null;
	/** The provider idempotency key its request carried (Postgres keeps it). */
	providerKey?: string | null;
	/** The run that claimed it (Postgres). */
	owner?: string;
}

export interface History {
	/** Before sending: keys sent before (skip), being sent by a live run (skip), and unclear (report). */
	record(keys: string[]): Promise<{ sent: Set<string>; busy: Set<string>; unclear: Map<string, Unclear> }>;
	/**
	 * Right before a request carrying `keys` (under the provider idempotency key `requestKey`, if
	 * any): marks them as being sent. Returns why not when this run may not send them.
	 */
	fence(keys: string[], requestKey: string | undefined): Promise<string | undefined>;
	/** Whether unclear `keys` went out in exactly the request `requestKey` names, taken over to send it again. */
	resume(keys: string[], requestKey: string, unclear: Map<string, Unclear>): Promise<boolean>;
	/** Right after the provider accepted `keys`. Returns what went wrong if it could not record it. */
	confirm(keys: string[]): Promise<string | undefined>;
	/** Keys of messages that were not sent, so that the next run sends them. Returns what went wrong, if anything. */
	forget(keys: string[]): Promise<string | undefined>;
	close(): Promise<void>;
}

const NOT_FORGOTTEN = 'so a re-run reports it as unconfirmed: use "Send Again" for it';

/** n8n's store: the entry that says a message is being sent (tests plant it as a dead run leaves it). */
export const sendingMarker = (key: string) => `sending:${key}`;
/** n8n's store: the entry that says a request went out under a provider idempotency key. */
export const requestMarker = (requestKey: string) => `request:${requestKey}`;
const guardOf = (entry: string) => `peek:${entry}`;

/** n8n's store keeps one record per workflow node: its calls queue on that within this process (serial.ts). */
const storeKey = (ctx: IExecuteFunctions) => `${ctx.getWorkflow().id}\u0000${ctx.getNode().id}`;

/**
 * Keys executions in this process are sending right now (per workflow node): how a marker of a
 * live run is told from a dead run's. Entries live only while their request does.
 */
const sendingHere = new Map<string, number>();
const hold = (node: string, keys: Iterable<string>, by: number) => {
	for (const key of keys) {
		const id = `${node}\u0000${key}`;
		const n = (sendingHere.get(id) ?? 0) + by;
		if (n > 0) sendingHere.set(id, n);
		else sendingHere.delete(id);
	}
};

/**
 * n8n's de-duplication store: one row per node that each call reads, extends and writes back. Exact
 * on one n8n (calls queue in this process); executions on several queue-mode workers overlap and
 * lose each other's keys, which is what the Postgres history is for.
 */
export function n8nHistory(ctx: IExecuteFunctions, historySize: number): History {
	const node = storeKey(ctx);
	const scope = 'node' as const;
	const add = async (entries: string[], maxEntries?: number) => {
		if (!entries.length) return { new: [] as string[], processed: new Set<string>() };
		const call = async () => await ctx.helpers.checkProcessedAndRecord(entries, scope, { mode: 'entries', ...(maxEntries ? { maxEntries } : {}) });
		// Another n8n process may create the node's record between n8n's read and its insert: read again.
		const answer = await call().catch(async (error: Error) => (/unique|duplicate key/i.test(error.message) ? await call() : await Promise.reject(error)));
		return { new: answer.new.map(String), processed: new Set(answer.processed.map(String)) };
	};
	const remove = async (entries: string[]) => {
		if (entries.length) await ctx.helpers.removeProcessed(entries, scope, { mode: 'entries' });
	};
	/** Which `entries` were there, and which are unknown (a run died mid-read); leaves the store as it found it. */
	const peek = async (entries: string[]) => {
		const guards = await add(entries.map(guardOf));
		const found = await add(entries);
		await remove(found.new);
		await remove(guards.new);
		return { present: found.processed, unknown: new Set(entries.filter((entry) => guards.processed.has(guardOf(entry)))) };
	};
	const serial = async <T>(task: () => Promise<T>) => await oneAtATime(node, task);
	/** This run's markers: key → the request keys it went out under (the primary's, a fallback's). */
	const marked = new Map<string, string[]>();
	/** The entries this run wrote for `keys` (never another run's). */
	const markersOf = (keys: string[]) => {
		const own = keys.filter((key) => marked.has(key));
		return [...own.map(sendingMarker), ...new Set(own.flatMap((key) => marked.get(key) ?? []).map(requestMarker))];
	};
	const note = (keys: string[], requestKey: string | undefined) =>
		keys.forEach((key) => marked.set(key, [...(marked.get(key) ?? []), ...(requestKey ? [requestKey] : [])]));
	const release = (keys: string[]) => {
		hold(node, keys.filter((key) => marked.has(key)), -1);
		keys.forEach((key) => marked.delete(key));
	};

	return {
		async record(keys) {
			const out = { sent: new Set<string>(), busy: new Set<string>(), unclear: new Map<string, Unclear>() };
			if (!keys.length) return out;
			try {
				const { present, unknown } = await serial(async () => await peek([...keys, ...keys.map(sendingMarker)]));
				for (const key of keys) {
					const sending = present.has(sendingMarker(key)) || unknown.has(key) || unknown.has(sendingMarker(key));
					if (present.has(key) && !unknown.has(key)) out.sent.add(key);
					else if (sending && sendingHere.has(`${node}\u0000${key}`)) out.busy.add(key);
					else if (sending) out.unclear.set(key, { claimedBy: null, claimedAt: null });
				}
				return out;
			} catch (error) {
				throw new NodeOperationError(ctx.getNode(), `Could not read this node's send history from n8n: ${(error as Error).message}`, {
					description: 'Nothing was sent. The send history lives in n8n\'s database; check that n8n can write to it, then run again.',
				});
			}
		},
		async fence(keys, requestKey) {
			const fresh = keys.filter((key) => !marked.has(key));
			try {
				return await serial(async () => {
					const entries = [...fresh.map(sendingMarker), ...(requestKey ? [requestMarker(requestKey)] : [])];
					const answer = await add(entries);
					const taken = fresh.filter((key) => answer.processed.has(sendingMarker(key)));
					if (taken.length) {
						await remove(answer.new);
						return `another run of this node marked it as being sent after this run started, so this run did not send it`;
					}
					hold(node, fresh, 1);
					note(keys, requestKey);
					return undefined;
				});
			} catch (error) {
				return `n8n could not mark it as being sent in this node's send history (${(error as Error).message}), so this run did not send it`;
			}
		},
		async resume(keys, requestKey) {
			try {
				const { present, unknown } = await serial(async () => await peek([requestMarker(requestKey)]));
				if (!present.has(requestMarker(requestKey)) || unknown.size) return false;
				hold(node, keys, 1);
				note(keys, requestKey);
				return true;
			} catch {
				return false;
			}
		},
		async confirm(keys) {
			if (!keys.length) return undefined;
			try {
				// Sent first, markers after: a run dying in between leaves both, which reads as sent. Guards
				// a run left mid-read go too: the key's state is known again.
				await serial(async () => {
					await add(keys, historySize);
					await remove([...markersOf(keys), ...keys.flatMap((key) => [guardOf(key), guardOf(sendingMarker(key))])]);
				});
				return undefined;
			} catch (error) {
				return `n8n could not record it as sent in this node's send history (${(error as Error).message}), so a re-run reports it as unconfirmed`;
			} finally {
				release(keys);
			}
		},
		async forget(keys) {
			if (!keys.length) return undefined;
			try {
				await serial(async () => await remove(markersOf(keys)));
				return undefined;
			} catch (error) {
				return `n8n could not take it off this node's send history (${(error as Error).message}), ${NOT_FORGOTTEN}`;
			} finally {
				release(keys);
			}
		},
		async close() {
			// Markers of unconfirmed sends stay in the store; only this process's note of them goes.
			release([...marked.keys()]);
		},
	};
}

/** The send history in Postgres (history.ts): one connection, opened when there is something to record. */
export function postgresHistory(ctx: IExecuteFunctions): History {
	let client: Client | undefined;
	let config: ReturnType<typeof historyConnection> | undefined;
	let me: Claimant | undefined;
	let where = 'Postgres';
	return {
		async record(keys) {
			if (!keys.length) return { sent: new Set(), busy: new Set(), unclear: new Map() };
			try {
				const credential = await ctx.getCredentials<PostgresCredential & IDataObject>('postgres');
				if (credential.sshTunnel) throw new Error('the Postgres credential uses an SSH tunnel, which the send history does not support');
				config = historyConnection(credential);
				where = `Postgres at ${config.host}:${config.port}/${config.database}`;
				client = new Client(config);
				// A dropped connection must fail this execution, not crash n8n with an unhandled 'error' event.
				client.on('error', () => undefined);
				await client.connect();
				await ensureHistoryTable(client);
				me = await becomeClaimant(client, { workflowId: String(ctx.getWorkflow().id ?? ''), executionId: String(ctx.getExecutionId() ?? '') });
				const { sent, busy, unconfirmed } = await claimKeys(client, me, keys);
				const unclear = new Map<string, Unclear>();
				for (const [key, row] of unconfirmed) unclear.set(key, { claimedBy: row.executionId, claimedAt: row.claimedAt, providerKey: row.providerKey, owner: row.owner });
				return { sent, busy, unclear };
			} catch (error) {
				throw new NodeOperationError(ctx.getNode(), `Could not read this node's send history from ${where}: ${(error as Error).message}`, {
					description: 'Nothing was sent. Check the Postgres credential (host, port, database, user, password, SSL) and that its user may create and write the table campaign_kit_send_history, then run again.',
				});
			}
		},
		async fence(keys, requestKey) {
			if (!keys.length) return undefined;
			try {
				if (!client || !me) throw new Error('no connection');
				if (await fenceKeys(client, me, keys, requestKey ?? null)) return undefined;
				return `this run no longer holds its claim in the send history in ${where} (another run took it over), so it did not send it`;
			} catch (error) {
				return `this run lost its connection to the send history in ${where} (${(error as Error).message}) before sending, so it did not send it; a re-run sends it`;
			}
		},
		async resume(keys, requestKey, unclear) {
			const owners = new Set(keys.map((key) => unclear.get(key)?.owner));
			const [from] = owners;
			if (!client || !me || owners.size !== 1 || !from || !keys.every((key) => unclear.get(key)?.providerKey === requestKey)) return false;
			try {
				return await resumeKeys(client, me, keys, requestKey, from);
			} catch {
				return false;
			}
		},
		async confirm(keys) {
			if (!keys.length || !client || !me) return undefined;
			try {
				await confirmKeys(client, keys);
				return undefined;
			} catch (first) {
				// The run's connection died while the provider answered: record the fact over a new one.
				const again = new Client(config);
				again.on('error', () => undefined);
				try {
					await again.connect();
					await confirmKeys(again, keys);
					return undefined;
				} catch (error) {
					return `${where} could not mark it sent in this node's send history (${(first as Error).message}; ${(error as Error).message}), so a re-run reports it as unconfirmed`;
				} finally {
					await again.end().catch(() => undefined);
				}
			}
		},
		async forget(keys) {
			if (!keys.length || !client || !me) return undefined;
			try {
				await forgetKeys(client, me, keys);
				return undefined;
			} catch (error) {
				return `${where} could not take it off this node's send history (${(error as Error).message}), ${NOT_FORGOTTEN}`;
			}
		},
		async close() {
			// Ending the connection also releases this run's owner lock.
			await client?.end().catch(() => undefined);
		},
	};
}
