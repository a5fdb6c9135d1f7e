/**
 * The channel runner: how every sending node (Email, SMS, Push) sends, whatever the provider.
 *
 * 1. Every item becomes a message or a reason: an invalid recipient or an empty message is
 *    Skipped with the reason; a setting the marketer must fix stops the run (or, with Continue
 *    On Fail, leaves on Failed). Nothing is sent until every item has been read.
 * 2. Each message gets an idempotency key (workflow, node, recipient, content). The send history
 *    (histories.ts: n8n's de-duplication store, or a Postgres table that stays exact when executions
 *    overlap) answers which keys were sent before (Skipped as already sent unless "Send Again" is
 *    on), which a live run is sending (Skipped), and which an earlier run may have sent: marked as
 *    being sent, never confirmed. Those leave on Failed with `delivery.status: 'unconfirmed'`, when,
 *    and by which execution (where the store keeps it), and are not sent again, unless the provider
 *    drops repeats by an idempotency key and the message went out in a request with that key:
 *    then exactly that request goes out again.
 * 3. The provider adapter batches the messages into requests; right before each request the
 *    history marks its messages as being sent (a run that no longer holds them does not send:
 *    unconfirmed), right after the provider accepted it records them as sent. The one transport
 *    sends them (retries, waits, provider messages). Messages whose provider failed after its
 *    retries for a reason another provider would not share (an outage, throttling) go to the
 *    fallback provider; a connection that broke after the request went out is unconfirmed, not
 *    failed, and falls back to nothing.
 * 4. Keys of messages that were not sent are forgotten again, so a re-run sends them.
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

import { asNodeError } from '../items';
import { createTransport, type Transport } from '../transport';
import { n8nHistory, postgresHistory, type History, type Unclear } from './histories';
import { contentHash, idempotencyKey } from './keys';
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
	/** Why nobody knows whether the message went out (or this run did not send it after all). */
	unconfirmed?: string;
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
		const output = delivery.status === 'skipped' ? SKIPPED : delivery.status === 'failed' || delivery.status === 'unconfirmed' ? FAILED : SENT;
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

/**
 * Connection errors after which the request may have reached the provider (the connection broke
 * or timed out once it was open): nobody knows whether the message went out. Refused or
 * unresolved connections (ECONNREFUSED, EAI_AGAIN, …) never carried it.
 */
const UNANSWERED = new Set(['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'UND_ERR_SOCKET']);

function unanswered(error: unknown): boolean {
	if (!(error instanceof NodeApiError) || Number(error.httpCode)) return false;
	return UNANSWERED.has(String((error.errorResponse as { code?: unknown } | undefined)?.code));
}

/** Another provider may succeed where this one failed after its retries: 429, 5xx, no connection. */
function canFallBack(error: unknown): boolean {
	if (!(error instanceof NodeApiError) || unanswered(error)) return false; // n8n refused the request itself (a setup problem), or it may have gone out
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

/** The send history around each request: checked and marked right before, confirmed right after. */
interface Guard<C> {
	/** Why this run may not send these (it no longer holds them), or undefined to go ahead. */
	before(messages: Array<Message<C>>, requestKey: string | undefined): Promise<string | undefined>;
	/** The provider accepted these. */
	after(messages: Array<Message<C>>): Promise<void>;
}

/** Not sent, or sent without an answer: the outcome of the message is not known for sure. */
const unsure = (reason: string, attempts: number): Outcome => ({ result: { ok: false, reason, fallback: false }, attempts, unconfirmed: reason });

/**
 * Sends `messages` (and `resumed` requests, sent again as they were) through one provider.
 * Requests run concurrently (the transport's limit); `stopOn` says which failure stops new
 * requests from starting (the run will stop anyway).
 */
async function attempt<C>(
	connection: Connection,
	provider: Provider<C>,
	work: { messages: Array<Message<C>>; resumed: Array<ProviderRequest<C>>; guard: Guard<C> },
	stopOn: (result: MessageResult) => boolean,
	maxWaitMs: number,
): Promise<Map<number, Outcome>> {
	const { api } = connection;
	const { guard } = work;
	const outcomes = new Map<number, Outcome>();
	let stopped = false;
	if (provider.publish) return await publishEach(connection, provider, provider.publish, work.messages, guard, stopOn, maxWaitMs);
	const record = (request: ProviderRequest<C>, outcome: (position: number) => Outcome) =>
		request.messages.forEach((message, position) => outcomes.set(message.itemIndex, outcome(position)));
	const requests = [...work.resumed, ...(work.messages.length ? provider.plan(work.messages, connection.credentials) : [])];
	await api.mapConcurrent(requests, async (request) => {
		if (stopped) return;
		const held = await guard.before(request.messages, request.idempotencyKey);
		if (held) return record(request, () => unsure(held, 0));
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
				// reach up to a whole batch of people twice. It is reported unconfirmed instead,
				// unless the provider itself drops a request it has seen.
				retryNetworkErrors: provider.deduplicates ?? false,
			});
			const results = provider.results(request, answer);
			record(request, (position) => ({
				result: results[position] ?? { ok: false, reason: `${provider.name} did not say whether it took this message`, fallback: false },
				attempts: answer.attempts,
			}));
			await guard.after(request.messages.filter((_, position) => results[position]?.ok));
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
	if (unanswered(error)) {
		return unsure(`the connection to ${provider.name} broke before it answered (${(error as Error).message}), so it may or may not have sent it; not sent again`, attempts);
	}
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
	guard: Guard<C>,
	stopOn: (result: MessageResult) => boolean,
	maxWaitMs: number,
): Promise<Map<number, Outcome>> {
	const { api } = connection;
	const outcomes = new Map<number, Outcome>();
	let stopped = false;
	await api.mapConcurrent(messages, async (message) => {
		if (stopped) return;
		const held = await guard.before([message], undefined);
		if (held) return void outcomes.set(message.itemIndex, unsure(held, 0));
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
			if (outcome.result.ok) await guard.after([message]);
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

/** Why an unclear message is not sent again, and what to do about it. */
function unclearReason(provider: string, unclear: Unclear): string {
	const who = unclear.claimedBy ? `execution ${unclear.claimedBy}${unclear.claimedAt ? ` (claimed at ${unclear.claimedAt})` : ''}` : 'an earlier execution of this node';
	const where = unclear.claimedBy ? '' : ' n8n\'s send history does not keep which execution: look for one that crashed or was stopped.';
	return `unconfirmed: ${who} started sending it and stopped before recording ${provider}'s answer, so it may have reached ${provider}; not sent again, so it is not sent twice.${where} Check ${provider}'s log for this idempotency key; to send it anyway, turn on "Send Again"`;
}

/**
 * Unclear messages a provider that drops repeats can take again: grouped as their earlier request
 * (its idempotency key matches), taken over, and sent again as that request. The rest stay unclear.
 */
async function resumable<C>(
	provider: Provider<C>,
	credentials: Record<string, unknown>,
	messages: Array<Message<C>>,
	unclear: Map<string, Unclear>,
	history: History,
): Promise<Array<ProviderRequest<C>>> {
	if (!provider.deduplicates || !messages.length) return [];
	const resumed: Array<ProviderRequest<C>> = [];
	for (const request of provider.plan(messages, credentials)) {
		const keys = request.messages.map((message) => message.key);
		if (request.idempotencyKey && (await history.resume(keys, request.idempotencyKey, unclear))) resumed.push(request);
	}
	return resumed;
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
	const { sent: seen, busy, unclear } = await history.record(messages.map((message) => message.key));
	// The keys this run claimed: nobody sent them before and no other run holds them.
	const own = new Set(messages.filter(({ key }) => !seen.has(key) && !busy.has(key) && !unclear.has(key)).map(({ key }) => key));
	const resumed = send.sendAgain ? [] : await resumable(primary, primaryApi.credentials, messages.filter(({ key }) => unclear.has(key)), unclear, history);
	const resumedKeys = new Set(resumed.flatMap((request) => request.messages.map(({ key }) => key)));
	const fresh = send.sendAgain ? messages : messages.filter(({ key }) => own.has(key));
	if (!send.sendAgain) {
		for (const { key, itemIndex } of messages) {
			const earlier = unclear.get(key);
			if (seen.has(key) || busy.has(key)) deliveries[itemIndex] = decided('skipped', primary.name, key, 0, { reason: seen.has(key) ? ALREADY_SENT : SENDING_NOW });
			else if (earlier && !resumedKeys.has(key)) {
				deliveries[itemIndex] = { ...decided('unconfirmed', primary.name, key, 0, { reason: unclearReason(primary.name, earlier) }), claimedBy: earlier.claimedBy, claimedAt: earlier.claimedAt };
			}
		}
	}
	const notRecorded = new Map<string, string>();
	const guard: Guard<C> = {
		before: async (batch, requestKey) => await history.fence(batch.map(({ key }) => key).filter((key) => own.has(key)), requestKey),
		async after(batch) {
			const problem = await history.confirm(batch.map(({ key }) => key));
			if (problem) batch.forEach(({ key }) => notRecorded.set(key, problem));
		},
	};

	// Without Continue On Fail the run stops at the first failure nothing can rescue.
	const stopOn = (result: MessageResult) => !continueOnFail && !result.ok && !result.later && !(fallback && result.fallback);
	const first = await attempt(primaryApi, primary, { messages: fresh, resumed, guard }, stopOn, send.maxWaitMs);
	const retry = fresh.filter((message) => {
		const outcome = first.get(message.itemIndex);
		return fallback && outcome && !outcome.unconfirmed && !outcome.result.ok && outcome.result.fallback;
	});
	const second =
		fallback && fallbackApi && retry.length
			? await attempt(fallbackApi, fallback, { messages: retry, resumed: [], guard }, (result) => !continueOnFail && !result.ok && !result.later, send.maxWaitMs)
			: new Map<number, Outcome>();

	const toSend = [...fresh, ...resumed.flatMap((request) => request.messages)];
	const unsent: string[] = [];
	let stop: Error | undefined;
	let failures = 0;
	for (const message of toSend) {
		const i = message.itemIndex;
		const outcome = first.get(i);
		const rescue = second.get(i);
		const { delivery, error } = settle(ctx, send, message, outcome, rescue, resumedKeys.has(message.key));
		deliveries[i] = delivery;
		const output = (rescue ?? outcome)?.result.output;
		if (output) extras[i] = { ...extras[i], ...output };
		// Forget only what this run claimed: with "Send Again", an earlier successful send stays remembered.
		if ((delivery.status === 'failed' || (delivery.status === 'skipped' && delivery.retryAt !== undefined)) && own.has(message.key)) unsent.push(message.key);
		if (delivery.status === 'failed') {
			failures++;
			stop ??= error;
		}
	}
	const stuck = await history.forget(unsent);
	for (const message of toSend) {
		const delivery = deliveries[message.itemIndex];
		const problem = notRecorded.get(message.key);
		if (problem && delivery.status === 'sent') delivery.reason = problem;
		if (stuck && delivery.status === 'failed' && unsent.includes(message.key)) delivery.reason = `${delivery.reason}; ${stuck}`;
	}
	if (failures && !continueOnFail) {
		throw stop ?? new NodeOperationError(ctx.getNode(), 'The run stopped before every message was sent');
	}
}

/** One message's delivery from its outcomes: through the primary, the fallback, or unknown. */
function settle<C>(
	ctx: IExecuteFunctions,
	send: ChannelSend<C>,
	message: Message<C>,
	own: Outcome | undefined,
	rescue: Outcome | undefined,
	resumed: boolean,
): { delivery: Delivery; error?: Error } {
	const { primary, fallback } = send;
	const key = message.key;
	if (!own) return { delivery: decided('failed', primary.name, key, 0, { reason: 'not sent: the run stopped at an earlier failure' }) };
	const last = rescue ?? own;
	const by = rescue && fallback ? fallback.name : primary.name;
	if (last.unconfirmed) return { delivery: decided('unconfirmed', by, key, own.attempts + (rescue?.attempts ?? 0), { reason: `unconfirmed: ${last.unconfirmed}` }) };
	if (rescue && fallback) {
		const why = own.result.ok ? '' : own.result.reason;
		const attempts = own.attempts + rescue.attempts;
		if (rescue.result.ok) {
			return { delivery: decided('sent', fallback.name, key, attempts, { messageId: rescue.result.messageId, reason: `${primary.name} failed (${why}); sent through ${fallback.name}` }) };
		}
		return {
			delivery: decided('failed', fallback.name, key, attempts, { reason: `${fallback.name}: ${rescue.result.reason} (after ${primary.name}: ${why})` }),
			error: rescue.error ?? refusal(ctx, fallback, message, rescue.result.reason),
		};
	}
	if (own.result.ok) return { delivery: decided('sent', primary.name, key, own.attempts, { messageId: own.result.messageId }) };
	// Sent again under its earlier idempotency key: a failure now says nothing about the first request.
	if (resumed) return { delivery: decided('unconfirmed', primary.name, key, own.attempts, { reason: `unconfirmed: sent again under its earlier idempotency key, and ${primary.name} answered: ${own.result.reason}` }) };
	if (own.result.later) {
		// Not sent and nothing wrong: Skipped with the time, and forgotten so a later run sends it.
		return { delivery: { ...decided('skipped', primary.name, key, own.attempts, { reason: own.result.reason }), retryAt: own.result.later.retryAt } };
	}
	return { delivery: decided('failed', primary.name, key, own.attempts, { reason: own.result.reason }), error: own.error ?? refusal(ctx, primary, message, own.result.reason) };
}

/** A provider refused one message: in its answer (Postmark, SES per-message results) or as it read its own error (`refusal`). */
function refusal<C>(ctx: IExecuteFunctions, provider: Provider<C>, message: Message<C>, reason: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `Item ${message.itemIndex}: ${provider.name} did not send to ${message.recipient}: ${reason}`, {
		itemIndex: message.itemIndex,
		description: 'Turn on Continue On Fail (Settings) to send the rest and collect refused messages on the Failed output.',
	});
}
