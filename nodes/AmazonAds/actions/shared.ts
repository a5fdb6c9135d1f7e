/**
 * What the Amazon Ads operations share: the transport for the credential's region, writes of up to
 * 1,000 entities per request with Amazon's 207 answer unpacked per item, and items out.
 */
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { asNodeError, errorItem, itemError } from '../../shared/items';
import { chunk, createTransport, type Transport } from '../../shared/transport';
import { unpackMultiStatus, type EntityOutcome } from '../engine/multiStatus';
import { AMAZON_ADS_REGIONS, regionOf } from '../engine/regions';
import { MAX_PER_REQUEST, type Resource } from '../engine/resources';

export const CREDENTIAL = 'campaignKitAmazonAdsApi';

/** One transport per execution, at the credential's regional host (or its base URL). */
export async function amazonApi(ctx: IExecuteFunctions): Promise<Transport> {
	const credentials = await ctx.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL);
	return createTransport(ctx, {
		credentialType: CREDENTIAL,
		defaultBaseUrl: AMAZON_ADS_REGIONS[regionOf(credentials.region)].api,
		provider: 'Amazon Ads',
		// Amazon throttles per profile; a few requests at once keep well inside it.
		concurrency: 3,
		// A 401 means the one-hour access token expired: n8n gets a new one (preAuthentication) and resends.
		refreshOn401: true,
		publicCredentialFields: ['profileId', 'region'],
	});
}

/** Headers of every Sponsored Products request: the resource's versioned media type, full entities back. */
export const headersFor = (resource: Resource) => ({
	'Content-Type': resource.mediaType,
	Accept: resource.mediaType,
	Prefer: 'return=representation',
});

export interface Entry {
	/** The input item this entity came from. */
	item: number;
	body: IDataObject;
}

/** The outcome of one entity: Amazon's per-entity answer, or the error that failed its whole request. */
export type Outcome = EntityOutcome | { ok: false; thrown: NodeApiError | NodeOperationError };

/**
 * Sends `entries` in requests of at most 1,000 (`wrap` builds one request body from a chunk),
 * and returns one outcome per entry, in order.
 */
export async function sendInChunks(
	ctx: IExecuteFunctions,
	api: Transport,
	resource: Resource,
	method: 'POST' | 'PUT',
	url: string,
	entries: Entry[],
	wrap: (bodies: IDataObject[]) => IDataObject,
): Promise<Outcome[]> {
	const chunks = chunk(entries, MAX_PER_REQUEST);
	const results = await api.mapConcurrent(chunks, async (part): Promise<Outcome[]> => {
		try {
			const { body } = await api.request({
				method,
				url,
				headers: headersFor(resource),
				body: wrap(part.map((entry) => entry.body)),
				itemIndex: part[0].item,
			});
			return unpackMultiStatus(body, resource, part.length);
		} catch (error) {
			const thrown = asNodeError(ctx, error, part[0].item);
			return part.map(() => ({ ok: false as const, thrown }));
		}
	});
	return results.flat();
}

/**
 * Items out, one per entry, paired: a success as `success(outcome, entry)`; a refusal stops the
 * run with an error naming the item, the entity and Amazon's reason, or (Continue On Fail) leaves
 * as an error item with Amazon's codes. The message says how many others Amazon did apply.
 */
export function outcomeItems(
	ctx: IExecuteFunctions,
	resource: Resource,
	verb: string,
	entries: Entry[],
	outcomes: Outcome[],
	success: (outcome: EntityOutcome, entry: Entry) => IDataObject,
	describe: (entry: Entry) => string,
): INodeExecutionData[] {
	const continueOnFail = ctx.continueOnFail();
	const applied = outcomes.filter((outcome) => outcome.ok).length;
	const out: INodeExecutionData[] = [];
	entries.forEach((entry, n) => {
		const outcome = outcomes[n];
		if (outcome.ok) {
			out.push({ json: success(outcome, entry), pairedItem: { item: entry.item } });
			return;
		}
		const others = applied > 0 ? ` Amazon did ${verb} ${applied} of the ${entries.length} ${resource.label}s in this run.` : '';
		const error =
			'thrown' in outcome
				? outcome.thrown
				: itemError(
						ctx,
						entry.item,
						`Amazon did not ${verb} ${resource.label} ${describe(entry)}: ${outcome.message}`,
						`Amazon's error: ${(outcome.codes ?? []).join(', ')}. Fix the value it names and run the item again.${others}`,
					);
		if (!continueOnFail) throw error;
		const item = errorItem(error, entry.item);
		if (!('thrown' in outcome)) Object.assign(item.json, { success: false, codes: outcome.codes ?? [], amazonErrors: outcome.errors ?? [] } as IDataObject);
		out.push(item);
	});
	return out;
}

/** Comma- or newline-separated IDs from a filter field. */
export const idList = (value: unknown): string[] =>
	String(value ?? '')
		.split(/[\s,]+/)
		.map((id) => id.trim())
		.filter(Boolean);
