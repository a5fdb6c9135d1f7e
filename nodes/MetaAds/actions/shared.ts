/** What the Meta Ads operations share: the Graph transport, the ad account, its currency, item errors. */
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { readMoney } from '../../shared/fields';
import { asNodeError, errorItem, itemError } from '../../shared/items';
import { createTransport, type Transport } from '../../shared/transport';
import { currencyOffset, toMinorUnits } from '../engine/money';
import { classifyMetaAnswer } from '../engine/throttle';

export const CREDENTIAL = 'campaignKitMetaAdsApi';

export interface Graph {
	api: Transport;
	/** "/v24.0" */
	version: string;
	/** "act_1234567890" */
	account: string;
	/** The account currency's offset to its smallest unit (100 for cents), read once. */
	offset(itemIndex?: number): Promise<number>;
}

export async function graph(ctx: IExecuteFunctions): Promise<Graph> {
	const credentials = await ctx.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL);
	const rawVersion = String(credentials.apiVersion || 'v24.0').trim();
	const version = `/${rawVersion.startsWith('v') ? rawVersion : `v${rawVersion}`}`;
	const id = String(credentials.adAccountId ?? '').trim();
	const account = id.startsWith('act_') ? id : `act_${id}`;
	const api = createTransport(ctx, {
		credentialType: CREDENTIAL,
		defaultBaseUrl: 'https://graph.facebook.com',
		provider: 'Meta',
		concurrency: 3,
		// Meta throttles with error codes in the body and usage headers, not with 429 alone.
		classify: classifyMetaAnswer,
		publicCredentialFields: ['adAccountId', 'apiVersion'],
	});
	let offset: Promise<number> | undefined;
	return {
		api,
		version,
		account,
		offset: async (itemIndex) =>
			await (offset ??= api
				.request<{ currency?: string }>({ method: 'GET', url: `${version}/${account}`, qs: { fields: 'currency' }, itemIndex })
				.then(({ body }) => currencyOffset(body.currency))),
	};
}

/** Runs `fn` for each input item; a failure stops the run or (Continue On Fail) becomes an error item. */
export async function perItem(ctx: IExecuteFunctions, fn: (i: number) => Promise<INodeExecutionData[]>): Promise<INodeExecutionData[]> {
	const out: INodeExecutionData[] = [];
	const count = ctx.getInputData().length;
	for (let i = 0; i < count; i++) {
		try {
			out.push(...(await fn(i)));
		} catch (error) {
			const nodeError = asNodeError(ctx, error, i);
			if (!ctx.continueOnFail()) throw nodeError;
			out.push(errorItem(nodeError, i));
		}
	}
	return out;
}

export const item = (json: IDataObject, i: number): INodeExecutionData => ({ json, pairedItem: { item: i } });

/** An item's budget or bid in the account currency's smallest unit, refused unless it is sane money. */
export async function minorUnits(ctx: IExecuteFunctions, g: Graph, i: number, raw: unknown, label: string): Promise<number> {
	const amount = readMoney(ctx, i, raw, label, '25.50');
	const minor = toMinorUnits(amount, await g.offset(i));
	if (minor < 1) throw itemError(ctx, i, `${label} is ${amount}, less than the currency's smallest unit`, 'Use at least one cent (or one unit of a currency without cents).');
	return minor;
}
