/**
 * The channel runner: how every sending node (Email, SMS, Push) sends, whatever the provider.
 *
 * 1. Every item becomes a message or a reason: an invalid recipient or an empty message is
 *    Skipped with the reason; a setting the marketer must fix stops the run (or, with Continue
 *    On Fail, leaves on Failed). Nothing is sent until every item has been read.
 * 2. Each message gets an idempotency key (workflow, node, recipient, content). The send history
 *    answers which keys this node has sent before and records the rest, in one call; those are
 *    Skipped as already sent unless "Send Again" is on. The history is n8n's de-duplication store,
 *    or (Send History: In Postgres) a table that stays exact when executions overlap (history.ts).
 * 3. The provider adapter batches the messages into requests; the one transport sends them
 *    (retries, waits, provider messages). Messages whose provider failed after its retries for a
 *    reason another provider would not share (an outage, throttling) go to the fallback provider.
 * 4. Keys of messages that were not sent are removed from the store again, so a re-run sends them.
 *
 * Simulate stops after batching: every item carries the exact request it would go out in.
 *
 * Providers may add a short-lived token (`session`: fetched once per execution, never kept
 * between executions), read a refusal more precisely than its message (`refusal`), or let a
 * dropped connection be retried because they drop repeats themselves (`deduplicates`).
 * Providers that need several requests per message (Social Post's container → status → publish)
 * implement `publish` and get the same keys, store, Simulate and outputs; one whose quota is used
 * up answers `later`, and the item is Skipped with the time it frees up, to be sent by a later run.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';
import { Client } from 'pg';

import { asNodeError } from '../items';
import { createTransport, type Transport } from '../transport';
import { becomeClaimant, claimKeys, confirmKeys, ensureHistoryTable, forgetKeys, historyConnection, type Claimant, type PostgresCredential } from './history';
import { contentHash, idempotencyKey } from './keys';
import { oneAtATime } from './serial';
import { grantCache } from './session';
import type { Delivery, HttpCall, Message, MessageResult, Provider, ProviderAnswer, ProviderRequest, PublishSteps } from './types';
import { now } from '../clock';

/** Output positions, in the order the node declares them. */
export const SENT = 0;
export const SKIPPED = 1;
export const FAILED = 2;
export const CHANNEL_OUTPUT_NAMES = ['Sent', 'Skipped', 'Failed'];

/** One item read into a message: where to, what, and what makes it "the same message" again. */
export type Draft<C> =
	| {
			skip: string;
			/** Not now rather than never (a post not due yet): when to try again. */
			retryAt?: string;
			/** Fields added to the item beside `delivery` (Social Post's adapted version). */
			output?: Record<string, unknown>;
	  }
	| {
			recipient: { address: string; key: string };
			content: C;
			/** What the recipient would read (rendered text, template and data), for the content hash. */
			fingerprint: unknown;
			output?: Record<string, unknown>;
	  };

export interface ChannelSend<C> {
	primary: Provider<C>;
	/** Takes over messages the primary could not send after its retries (not those it refused). */
	fallback?: Provider<C>;
	/**
	 * Reads the node's settings once (throwing for one the marketer must fix) and returns the
	 * per-item reader: item → message or reason to skip, throwing (itemError) for an item's settings.
	 */
	drafts(): (itemIndex: number) => Draft<C>;
	/** Build and check everything, send nothing, show the requests. */
	simulate: boolean;
	/** Send even what this node has sent before. */
	sendAgain: boolean;
	/** Sends this node remembers in n8n's de-duplication store; the oldest are forgotten first. */
	historySize: number;
	/** Longest one request may spend waiting between retries before its messages fail (or fall back). */
	maxWaitMs: number;
	/** Requests in flight at once per provider (the transport's default when absent). */
	concurrency?: number;
}

interface Outcome {
	result: MessageResult;
	attempts: number;
	/** The error n8n shows if the run stops here. */
	error?: Error;
}

/** A delivery record, fields in the order people read them. */
function decided(
	status: Delivery['status'],
	provider: string,
	idempotencyKey: string | null,
	attempts = 0,
	more: { messageId?: string | null; reason?: string } = {},
): Delivery {
	return { status, provider, messageId: more.messageId ?? null, idempotencyKey, attempts, ...(more.reason ? { reason: more.reason } : {}) };
}

const ALREADY_SENT =
	'already sent by this node in an earlier execution (same recipient and content); turn on "Send Again" to send it anyway';

const SENDING_NOW = 'another run of this node is sending the same message to this recipient right now';

export async function sendThroughChannel<C>(ctx: IExecuteFunctions, send: ChannelSend<C>): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const continueOnFail = ctx.continueOnFail();
	const deliveries: Delivery[] = new Array(items.length);
	// Fields the drafts and the provider add beside `delivery`, per item.
	const extras: Array<Record<string, unknown> | undefined> = new Array(items.length);

	try {
		const messages = readItems(ctx, send, deliveries, continueOnFail, extras);
		if (send.simulate) await simulate(ctx, send.primary, messages, deliveries);
		else await deliver(ctx, send, messages, deliveries, continueOnFail, extras);
	} catch (error) {
		if (!continueOnFail) throw asNodeError(ctx, error);
		// A setting or connection problem concerns every item not yet decided: each leaves on
		// Failed with it (n8n's own error item would land on Sent).
		for (let i = 0; i < items.length; i++) {
			deliveries[i] ??= decided('failed', send.primary.name, null, 0, { reason: (error as Error).message });
		}
	}

	const outputs: INodeExecutionData[][] = [[], [], []];
	items.forEach((item, i) => {
		const delivery = deliveries[i];
		const output = delivery.status === 'skipped' ? SKIPPED : delivery.status === 'failed' ? FAILED : SENT;
		const routed: INodeExecutionData = { json: { ...item.json, ...(extras[i] as IDataObject | undefined), delivery: delivery as unknown as IDataObject }, pairedItem: { item: i } };
		if (item.binary) routed.binary = item.binary;
		outputs[output].push(routed);
	});
	return outputs;
}

/** Every item into a message, or its delivery decided already (skipped, or failed under Continue On Fail). */
function readItems<C>(
	ctx: IExecuteFunctions,
	send: ChannelSend<C>,
	deliveries: Delivery[],
	continueOnFail: boolean,
	extras: Array<Record<string, unknown> | undefined>,
): Array<Message<C>> {
	const draft = send.drafts();
	const workflowId = String(ctx.getWorkflow().id ?? '');
	const nodeId = ctx.getNode().id;
	const provider = send.primary.name;
	const messages: Array<Message<C>> = [];
	const firstWithKey = new Map<string, number>();
	for (let i = 0; i < deliveries.length; i++) {
		let read: Draft<C>;
		try {
			read = draft(i);
		} catch (error) {
			if (!continueOnFail) throw asNodeError(ctx, error, i);
			deliveries[i] = decided('failed', provider, null, 0, { reason: (error as Error).message });
			continue;
		}
		if (read.output) extras[i] = read.output;
		if ('skip' in read) {
			deliveries[i] = decided('skipped', provider, null, 0, { reason: read.skip });
			if (read.retryAt) deliveries[i].retryAt = read.retryAt;
			continue;
		}
		const key = idempotencyKey({ workflowId, nodeId, recipient: read.recipient.key, contentHash: contentHash(read.fingerprint) });
		const earlier = firstWithKey.get(key);
		if (earlier !== undefined) {
			deliveries[i] = decided('skipped', provider, key, 0, { reason: `the same message to the same recipient as item ${earlier}` });
			continue;
		}
		firstWithKey.set(key, i);
		messages.push({ itemIndex: i, recipient: read.recipient.address, key, content: read.content });
	}
	return messages;
}

async function simulate<C>(ctx: IExecuteFunctions, provider: Provider<C>, messages: Array<Message<C>>, deliveries: Delivery[]) {
	// A connected credential decides the address (its base URL, an AWS region); none is needed.
	let credentials: Record<string, unknown> | undefined;
	try {
		credentials = (await ctx.getCredentials(provider.credentialType)) as Record<string, unknown>;
	} catch {
		credentials = undefined;
	}
	const custom = typeof credentials?.baseUrl === 'string' ? credentials.baseUrl.trim() : '';
	const baseUrl = (custom || provider.defaultBaseUrl(credentials)).replace(/\/+$/, '');
	const requests = provider.plan(messages, credentials);
	requests.forEach((request, number) =>
		request.messages.forEach((message, position) => {
			const http = request.http(position);
			deliveries[message.itemIndex] = {
				status: 'simulated',
				provider: provider.name,
				messageId: null,
				idempotencyKey: message.key,
				attempts: 0,
				request: {
					method: http.method,
					url: `${baseUrl}${http.url}`,
					headers: { Accept: 'application/json', 'Content-Type': 'application/json', ...provider.simulatedAuth, ...http.headers },
					body: http.body,
					// The body above holds this contact's part; the real request carries the whole batch.
					batch: { number: number + 1, of: requests.length, messages: request.messages.length },
					...(request.steps ? { steps: request.steps } : {}),
				},
			};
		}),
	);
}

/** A provider ready to send to: its transport, credential fields and (for session providers) token headers. */
interface Connection {
	api: Transport;
	credentials: Record<string, unknown>;
	/** Headers every request carries besides the credential's own: a session token, or none. */
	headers(): Promise<Record<string, string>>;
	/** n8n's sleep, stopped when the execution is cancelled. */
	sleep(ms: number): Promise<void>;
}

async function connect<C>(ctx: IExecuteFunctions, provider: Provider<C>, send: ChannelSend<C>): Promise<Connection> {
	let credentials: Record<string, unknown>;
	try {
		credentials = await ctx.getCredentials(provider.credentialType);
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), `No ${provider.name} credential is connected to this node`, {
			description: `Choose or create a ${provider.name} credential in this node, or turn on Simulate to see the requests without sending anything. (n8n said: ${(error as Error).message})`,
		});
	}
	const api = createTransport(ctx, {
		credentialType: provider.credentialType,
		defaultBaseUrl: provider.defaultBaseUrl(credentials),
		provider: provider.name,
		maxWaitMs: send.maxWaitMs,
		concurrency: send.concurrency,
		...(provider.classify ? { classify: provider.classify } : {}),
		...(provider.publicCredentialFields ? { publicCredentialFields: provider.publicCredentialFields } : {}),
	});
	const { session } = provider;
	const wait = async (ms: number) => await sleep(ms, ctx.getExecutionCancelSignal());
	if (!session) return { api, credentials, headers: async () => ({}), sleep: wait };
	const headers = grantCache(async () => {
		let call: HttpCall;
		try {
			call = session.request(credentials);
		} catch (error) {
			throw new NodeOperationError(ctx.getNode(), `The ${provider.name} credential cannot be used: ${(error as Error).message}`, {
				description: `Nothing was sent through ${provider.name}. Open the credential and correct it.`,
			});
		}
		const answer = await api.request({
			method: call.method,
			url: call.url,
			headers: call.headers,
			body: call.body as IDataObject,
			// Asking for a token again changes nothing at the provider.
			retryNetworkErrors: true,
		});
		try {
			return session.read(answer, now());
		} catch (error) {
			throw new NodeOperationError(ctx.getNode(), `${provider.name} gave no access token: ${(error as Error).message}`);
		}
	});
	return { api, credentials, headers, sleep: wait };
}

/** Where a node remembers its sends; closed when the node is done. */
interface History {
	/** Records `keys`; answers those to skip: sent before, or being sent by another run right now (Postgres). */
	record(keys: string[]): Promise<{ sent: Set<string>; busy: Set<string> }>;
	/** Marks keys sent once the provider accepted them (Postgres; n8n's store recorded them already). */
	confirm(keys: string[]): Promise<string | undefined>;
	/**
	 * Forgets keys of messages that were not sent, so that the next run sends them. Returns what
	 * went wrong if it could not (the items say so: a re-run would skip them).
	 */
	forget(keys: string[]): Promise<string | undefined>;
	close(): Promise<void>;
}

const NOT_FORGOTTEN = 'so a re-run skips it: use "Send Again" for it';

/** n8n's store keeps one record per workflow node: its calls queue on that within this process (serial.ts). */
const storeKey = (ctx: IExecuteFunctions) => `${ctx.getWorkflow().id}\u0000${ctx.getNode().id}`;

/**
 * n8n's de-duplication store: one row per node that each call reads, extends and writes back. Exact
 * on one n8n (calls queue in this process); executions on several queue-mode workers overlap and
 * lose each other's keys, which is what the Postgres history is for.
 */
function n8nHistory(ctx: IExecuteFunctions, historySize: number): History {
	return {
		async record(keys) {
			if (!keys.length) return { sent: new Set(), busy: new Set() };
			try {
				const record = async () => await ctx.helpers.checkProcessedAndRecord(keys, 'node', { mode: 'entries', maxEntries: historySize });
				// Another n8n process may create the node's record between n8n's read and its insert: read again.
				const { processed } = await oneAtATime(storeKey(ctx), async () =>
					await record().catch(async (error: Error) => (/unique|duplicate key/i.test(error.message) ? await record() : await Promise.reject(error))),
				);
				return { sent: new Set(processed.map(String)), busy: new Set() };
			} catch (error) {
				throw new NodeOperationError(ctx.getNode(), `Could not read this node's send history from n8n: ${(error as Error).message}`, {
					description: 'Nothing was sent. The send history lives in n8n\'s database; check that n8n can write to it, then run again.',
				});
			}
		},
		confirm: async () => undefined,
		async forget(keys) {
			if (!keys.length) return undefined;
			try {
				await oneAtATime(storeKey(ctx), async () => await ctx.helpers.removeProcessed(keys, 'node', { mode: 'entries' }));
				return undefined;
			} catch (error) {
				return `n8n could not take it off this node's send history (${(error as Error).message}), ${NOT_FORGOTTEN}`;
			}
		},
		close: async () => undefined,
	};
}

/** The send history in Postgres (history.ts): one connection, opened when there is something to record. */
function postgresHistory(ctx: IExecuteFunctions): History {
	let client: Client | undefined;
	let me: Claimant | undefined;
	let where = 'Postgres';
	return {
		async record(keys) {
			if (!keys.length) return { sent: new Set(), busy: new Set() };
			try {
				const credential = await ctx.getCredentials<PostgresCredential & IDataObject>('postgres');
				if (credential.sshTunnel) throw new Error('the Postgres credential uses an SSH tunnel, which the send history does not support');
				const config = historyConnection(credential);
				where = `Postgres at ${config.host}:${config.port}/${config.database}`;
				client = new Client(config);
				// A dropped connection must fail this execution, not crash n8n with an unhandled 'error' event.
				client.on('error', () => undefined);
				await client.connect();
				await ensureHistoryTable(client);
				me = await becomeClaimant(client, { workflowId: String(ctx.getWorkflow().id ?? ''), executionId: String(ctx.getExecutionId() ?? '') });
				return await claimKeys(client, me, keys);
			} catch (error) {
				throw new NodeOperationError(ctx.getNode(), `Could not read this node's send history from ${where}: ${(error as Error).message}`, {
					description: 'Nothing was sent. Check the Postgres credential (host, port, database, user, password, SSL) and that its user may create and write the table campaign_kit_send_history, then run again.',
				});
			}
		},
		async confirm(keys) {
			if (!keys.length || !client || !me) return undefined;
			try {
				await confirmKeys(client, me, keys);
				return undefined;
			} catch (error) {
				return `${where} could not mark it sent in this node's send history (${(error as Error).message}), so a re-run may send it again`;
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

/** Another provider may succeed where this one failed after its retries: 429, 5xx, no connection. */
function canFallBack(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return false; // n8n refused the request itself: a setup problem
	const status = Number(error.httpCode);
	return !status || status === 429 || status >= 500;
}

const attemptsOf = (error: unknown) => Number((error as { errorResponse?: { attempts?: unknown } }).errorResponse?.attempts) || 1;

/** The provider's answer inside a transport error (redacted), for the provider's own reading of it. */
function refusedAnswer(error: unknown): { statusCode: number; body: unknown } | undefined {
	if (!(error instanceof NodeApiError)) return undefined;
	const statusCode = Number(error.httpCode);
	if (!statusCode) return undefined;
	return { statusCode, body: (error.errorResponse as { body?: unknown } | undefined)?.body };
}

/**
 * Sends `messages` through one provider. Requests run concurrently (the transport's limit);
 * `stopOn` says which failure stops new requests from starting (the run will stop anyway).
 */
async function attempt<C>(
	connection: Connection,
	provider: Provider<C>,
	messages: Array<Message<C>>,
	stopOn: (result: MessageResult) => boolean,
	maxWaitMs: number,
): Promise<Map<number, Outcome>> {
	const { api } = connection;
	const outcomes = new Map<number, Outcome>();
	let stopped = false;
	if (provider.publish) return await publishEach(connection, provider, provider.publish, messages, stopOn, maxWaitMs);
	const record = (request: ProviderRequest<C>, outcome: (position: number) => Outcome) =>
		request.messages.forEach((message, position) => outcomes.set(message.itemIndex, outcome(position)));
	await api.mapConcurrent(provider.plan(messages, connection.credentials), async (request) => {
		if (stopped) return;
		const http = request.http();
		try {
			const session = await connection.headers();
			const answer = await api.request({
				method: http.method,
				url: http.url,
				headers: { ...http.headers, ...session },
				body: http.body as IDataObject,
				itemIndex: request.messages[0].itemIndex,
				// A dropped connection may have delivered the batch already: sending it again could
				// reach up to a whole batch of people twice. It fails (or falls back) instead, unless
				// the provider itself drops a request it has seen.
				retryNetworkErrors: provider.deduplicates ?? false,
			});
			const results = provider.results(request, answer);
			record(request, (position) => ({
				result: results[position] ?? { ok: false, reason: `${provider.name} did not say whether it took this message`, fallback: false },
				attempts: answer.attempts,
			}));
		} catch (error) {
			const outcome = failedOutcome(provider, error);
			record(request, () => outcome);
			if (stopOn(outcome.result)) stopped = true;
		}
	});
	return outcomes;
}

/** A request that failed after its retries, as the provider reads it. */
function failedOutcome<C>(provider: Provider<C>, error: unknown, attempts = attemptsOf(error)): Outcome {
	const fallback = canFallBack(error);
	const answer = fallback ? undefined : refusedAnswer(error);
	const said = answer ? provider.refusal?.(answer) : undefined;
	const result: MessageResult = { ok: false, reason: said ?? (error as Error).message, fallback };
	// With the provider's own reading, the run stops (if it does) with an error naming the item and that reason.
	return { result, attempts, error: said ? undefined : (error as Error) };
}

/** Multi-step providers: each message through `publish`, its requests counted together. */
async function publishEach<C>(
	connection: Connection,
	provider: Provider<C>,
	publish: NonNullable<Provider<C>['publish']>,
	messages: Array<Message<C>>,
	stopOn: (result: MessageResult) => boolean,
	maxWaitMs: number,
): Promise<Map<number, Outcome>> {
	const { api } = connection;
	const outcomes = new Map<number, Outcome>();
	let stopped = false;
	await api.mapConcurrent(messages, async (message) => {
		if (stopped) return;
		let attempts = 0;
		const steps: PublishSteps = {
			call: async ({ method, url, headers, body, qs, download }) => {
				const answer = await api.request({
					method,
					url,
					headers: { ...headers, ...(download ? {} : await connection.headers()) },
					...(body === undefined ? {} : { body: body as IDataObject }),
					...(qs ? { qs } : {}),
					...(download ? { withoutCredential: true, json: false, encoding: 'arraybuffer' as const } : {}),
					itemIndex: message.itemIndex,
					// Reading is safe to repeat; a create only where the provider drops repeats.
					retryNetworkErrors: method === 'GET' || (provider.deduplicates ?? false),
				});
				attempts += answer.attempts;
				return answer as ProviderAnswer;
			},
			sleep: connection.sleep,
			now,
			maxWaitMs,
			credentials: connection.credentials,
		};
		let outcome: Outcome;
		try {
			outcome = { result: await publish(message, steps), attempts };
		} catch (error) {
			outcome = failedOutcome(provider, error, attempts + attemptsOf(error));
		}
		outcomes.set(message.itemIndex, outcome);
		if (stopOn(outcome.result)) stopped = true;
	});
	return outcomes;
}

async function deliver<C>(
	ctx: IExecuteFunctions,
	send: ChannelSend<C>,
	messages: Array<Message<C>>,
	deliveries: Delivery[],
	continueOnFail: boolean,
	extras: Array<Record<string, unknown> | undefined>,
): Promise<void> {
	const { primary, fallback } = send;
	const primaryApi = await connect(ctx, primary, send);
	const fallbackApi = fallback ? await connect(ctx, fallback, send) : undefined;

	const history = ctx.getNodeParameter('sendHistory', 0, 'n8n') === 'postgres' ? postgresHistory(ctx) : n8nHistory(ctx, send.historySize);
	try {
		await deliverWith(ctx, send, messages, deliveries, continueOnFail, extras, history, primaryApi, fallbackApi);
	} finally {
		await history.close();
	}
}

async function deliverWith<C>(
	ctx: IExecuteFunctions,
	send: ChannelSend<C>,
	messages: Array<Message<C>>,
	deliveries: Delivery[],
	continueOnFail: boolean,
	extras: Array<Record<string, unknown> | undefined>,
	history: History,
	primaryApi: Connection,
	fallbackApi: Connection | undefined,
): Promise<void> {
	const { primary, fallback } = send;
	const { sent: seen, busy } = await history.record(messages.map((message) => message.key));
	const toSend = send.sendAgain ? messages : messages.filter((message) => !seen.has(message.key) && !busy.has(message.key));
	for (const message of messages) {
		if (!send.sendAgain && (seen.has(message.key) || busy.has(message.key))) {
			deliveries[message.itemIndex] = decided('skipped', primary.name, message.key, 0, { reason: seen.has(message.key) ? ALREADY_SENT : SENDING_NOW });
		}
	}

	// Without Continue On Fail the run stops at the first failure nothing can rescue.
	const stopOn = (result: MessageResult) => !continueOnFail && !result.ok && !result.later && !(fallback && result.fallback);
	const first = await attempt(primaryApi, primary, toSend, stopOn, send.maxWaitMs);
	const retry = toSend.filter((message) => {
		const outcome = first.get(message.itemIndex);
		return fallback && outcome && !outcome.result.ok && outcome.result.fallback;
	});
	const second =
		fallback && fallbackApi && retry.length
			? await attempt(fallbackApi, fallback, retry, (result) => !continueOnFail && !result.ok && !result.later, send.maxWaitMs)
			: new Map<number, Outcome>();

	const unsent: string[] = [];
	let stop: Error | undefined;
	let failures = 0;
	for (const message of toSend) {
		const i = message.itemIndex;
		const own = first.get(i);
		const rescue = second.get(i);
		const key = message.key;
		let delivery: Delivery;
		let error: Error | undefined;
		if (!own) {
			delivery = decided('failed', primary.name, key, 0, { reason: 'not sent: the run stopped at an earlier failure' });
		} else if (rescue && fallback) {
			const why = own.result.ok ? '' : own.result.reason;
			const attempts = own.attempts + rescue.attempts;
			delivery = rescue.result.ok
				? decided('sent', fallback.name, key, attempts, { messageId: rescue.result.messageId, reason: `${primary.name} failed (${why}); sent through ${fallback.name}` })
				: decided('failed', fallback.name, key, attempts, { reason: `${fallback.name}: ${rescue.result.reason} (after ${primary.name}: ${why})` });
			error = rescue.result.ok ? undefined : (rescue.error ?? refusal(ctx, fallback, message, rescue.result.reason));
		} else if (own.result.ok) {
			delivery = decided('sent', primary.name, key, own.attempts, { messageId: own.result.messageId });
		} else if (own.result.later) {
			// Not sent and nothing wrong: Skipped with the time, and forgotten so a later run sends it.
			delivery = { ...decided('skipped', primary.name, key, own.attempts, { reason: own.result.reason }), retryAt: own.result.later.retryAt };
			if (!seen.has(message.key)) unsent.push(message.key);
		} else {
			delivery = decided('failed', primary.name, key, own.attempts, { reason: own.result.reason });
			error = own.error ?? refusal(ctx, primary, message, own.result.reason);
		}
		deliveries[i] = delivery;
		const output = (rescue ?? own)?.result.output;
		if (output) extras[i] = { ...extras[i], ...output };
		if (delivery.status === 'failed') {
			failures++;
			// Forget only what this run recorded: with "Send Again", an earlier successful send stays remembered.
			if (!seen.has(message.key)) unsent.push(message.key);
			stop ??= error;
		}
	}
	const unconfirmed = await history.confirm(toSend.filter((message) => deliveries[message.itemIndex].status === 'sent').map((message) => message.key));
	const stuck = await history.forget(unsent);
	for (const message of toSend) {
		const delivery = deliveries[message.itemIndex];
		if (unconfirmed && delivery.status === 'sent') delivery.reason = unconfirmed;
		if (stuck && delivery.status === 'failed' && unsent.includes(message.key)) delivery.reason = `${delivery.reason}; ${stuck}`;
	}
	if (failures && !continueOnFail) {
		throw stop ?? new NodeOperationError(ctx.getNode(), 'The run stopped before every message was sent');
	}
}

/** A provider refused one message: in its answer (Postmark, SES per-message results) or as it read its own error (`refusal`). */
function refusal<C>(ctx: IExecuteFunctions, provider: Provider<C>, message: Message<C>, reason: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `Item ${message.itemIndex}: ${provider.name} did not send to ${message.recipient}: ${reason}`, {
		itemIndex: message.itemIndex,
		description: 'Turn on Continue On Fail (Settings) to send the rest and collect refused messages on the Failed output.',
	});
}
