/**
 * Kit (ConvertKit v4) subscribers: create or update, tag, add to a sequence, unsubscribe. Every
 * request waits its turn in the key's budget (120 requests in any 60 seconds) so a normal run
 * never meets a 429. The budget is counted per execution: nothing survives between executions
 * (queue mode), so two executions using one key at once can still exceed it; then Kit answers 429
 * "Retry later" and the transport waits and tries again.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { itemError } from '../../shared/items';
import { shown } from '../../shared/show';
import { createTransport, type Transport, type TransportRequest, type TransportResponse } from '../../shared/transport';
import { createPacer } from '../engine/pacing';
import { emailOf, jsonObject, perItem } from './shared';
import { now } from '../../shared/clock';

export const KIT_CREDENTIAL = 'campaignKitKitApi';

/** Kit's documented budget for API-key requests. */
export const KIT_REQUESTS_PER_WINDOW = 120;
export const KIT_WINDOW_SECONDS = 60;
/** Kit counts arrivals, we count starts, and requests overtake each other on the way: a little slack keeps us inside. */
const SLACK_MS = 250;

type Json = IDataObject;

export interface PacedKit extends Transport {
	/** Milliseconds the pacing made requests wait, in total. */
	pacedMs(): number;
}

export function kitApi(ctx: IExecuteFunctions): PacedKit {
	const options = ctx.getNodeParameter('kitOptions', 0, {}) as Json;
	const limit = Math.max(1, Math.floor(Number(options.requestsPerMinute ?? KIT_REQUESTS_PER_WINDOW)));
	const windowMs = Number(options.windowSeconds ?? KIT_WINDOW_SECONDS) * 1000;
	const api = createTransport(ctx, { credentialType: KIT_CREDENTIAL, defaultBaseUrl: 'https://api.kit.com', provider: 'Kit', concurrency: 4 });
	const signal = ctx.getExecutionCancelSignal();
	const pacer = createPacer(limit, windowMs + SLACK_MS, { now, sleep: async (ms) => await sleep(ms, signal) });
	return {
		...api,
		async request<T>(request: TransportRequest): Promise<TransportResponse<T>> {
			await pacer.take();
			return await api.request<T>(request);
		},
		pacedMs: () => pacer.waitedMs,
	};
}

interface Subscriber {
	id: number;
	email_address: string;
	state?: string;
	first_name?: string | null;
	[key: string]: unknown;
}

const subscriberJson = (subscriber: Subscriber, extra: Json = {}): Json => ({
	email: subscriber.email_address,
	subscriberId: subscriber.id,
	state: subscriber.state ?? null,
	...extra,
	subscriber: subscriber as unknown as Json,
});

function idOf(ctx: IExecuteFunctions, parameter: string, label: string, i: number): string {
	const id = String(ctx.getNodeParameter(parameter, i, '')).trim();
	if (!/^\d+$/.test(id)) throw itemError(ctx, i, `${label} is ${shown(id)}, not a number`, `Set "${label}" to the number in its page address in Kit.`);
	return id;
}

export async function runKit(ctx: IExecuteFunctions, api: PacedKit, operation: string): Promise<INodeExecutionData[]> {
	switch (operation) {
		case 'upsert':
			return await perItem(ctx, api, async (i) => {
				const email = emailOf(ctx, i);
				const fields = ctx.getNodeParameter('subscriberFields', i, {}) as Json;
				const body: Json = { email_address: email };
				if (fields.firstName) body.first_name = String(fields.firstName);
				const custom = jsonObject(ctx, fields.fields, 'Custom Fields (JSON)', i);
				if (Object.keys(custom).length) body.fields = custom;
				const response = await api.request<{ subscriber: Subscriber }>({ method: 'POST', url: '/v4/subscribers', body, itemIndex: i });
				// Kit answers 201 for a new subscriber and 200 for one it updated.
				return subscriberJson(response.body.subscriber, { operation: response.statusCode === 201 ? 'created' : 'updated' });
			});
		case 'tag':
			return await perItem(ctx, api, async (i) => {
				const email = emailOf(ctx, i);
				const tagId = idOf(ctx, 'tagId', 'Tag ID', i);
				const { body } = await api.request<{ subscriber: Subscriber }>({ method: 'POST', url: `/v4/tags/${tagId}/subscribers`, body: { email_address: email }, itemIndex: i });
				return subscriberJson(body.subscriber, { operation: 'tagged', tagId: Number(tagId) });
			});
		case 'addToSequence':
			return await perItem(ctx, api, async (i) => {
				const email = emailOf(ctx, i);
				const sequenceId = idOf(ctx, 'sequenceId', 'Sequence ID', i);
				const { body } = await api.request<{ subscriber: Subscriber }>({ method: 'POST', url: `/v4/sequences/${sequenceId}/subscribers`, body: { email_address: email }, itemIndex: i });
				return subscriberJson(body.subscriber, { operation: 'addedToSequence', sequenceId: Number(sequenceId) });
			});
		case 'unsubscribe':
			return await perItem(ctx, api, async (i) => {
				const email = emailOf(ctx, i);
				// Kit unsubscribes by subscriber ID: find it by address first.
				const { body } = await api.request<{ subscribers: Subscriber[] }>({ method: 'GET', url: '/v4/subscribers', qs: { email_address: email, status: 'all' }, itemIndex: i });
				const found = body.subscribers?.find((s) => s.email_address.toLowerCase() === email.toLowerCase());
				if (!found) throw itemError(ctx, i, `Kit has no subscriber ${email}`, 'Check the address; nothing was changed.');
				await api.request({ method: 'POST', url: `/v4/subscribers/${found.id}/unsubscribe`, body: {}, itemIndex: i });
				return subscriberJson({ ...found, state: 'cancelled' }, { operation: 'unsubscribed' });
			});
		default:
			throw new NodeOperationError(ctx.getNode(), `The operation "${operation}" is not known for Kit subscribers`);
	}
}
