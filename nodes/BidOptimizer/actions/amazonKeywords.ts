/** Optimize Amazon Keyword Bids: one keyword row per item in, one decision per item out. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { fieldReader, type Field } from '../../shared/fields';
import { itemError } from '../../shared/items';
import { optimizeKeywords, resolveKeywordSettings, type KeywordRow, type KeywordSettingsInput } from '../engine';
import { emit, readAmount, readId, readOptionalAmount, readOptionalText, readRows, runEngine } from './common';

/** The per-item mappings, with the example each error suggests (Amazon's report column names). */
export const KEYWORD_FIELDS = {
	keywordId: { parameter: 'keywordId', label: 'Keyword ID', example: '{{ $json.keywordId }}' },
	adGroupId: { parameter: 'adGroupId', label: 'Ad Group ID', example: '{{ $json.adGroupId }}' },
	campaignId: { parameter: 'campaignId', label: 'Campaign ID', example: '{{ $json.campaignId }}' },
	bid: { parameter: 'bid', label: 'Current Bid', example: '{{ $json.keywordBid }}' },
	clicks: { parameter: 'clicks', label: 'Clicks', example: '{{ $json.clicks }}' },
	spend: { parameter: 'spend', label: 'Spend', example: '{{ $json.cost }}' },
	sales: { parameter: 'sales', label: 'Sales', example: '{{ $json.sales7d }}' },
	orders: { parameter: 'orders', label: 'Orders', example: '{{ $json.purchases7d }}' },
	keywordText: { parameter: 'keywordText', label: 'Keyword Text', example: '{{ $json.keyword }}' },
	matchType: { parameter: 'matchType', label: 'Match Type', example: '{{ $json.matchType }}' },
	state: { parameter: 'state', label: 'State', example: '{{ $json.adKeywordStatus }}' },
	campaignBudget: { parameter: 'campaignBudget', label: 'Campaign Daily Budget', example: '{{ $json.campaignBudgetAmount }}' },
} satisfies Record<string, Field>;

const F = KEYWORD_FIELDS;

export function keywordSettings(ctx: IExecuteFunctions): KeywordSettingsInput {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const pauseAction = (options.pauseAction as string | undefined) ?? 'lower';
	return {
		targetAcos: (ctx.getNodeParameter('targetAcos', 0) as number) / 100,
		priorClicks: options.priorClicks as number | undefined,
		minClicks: options.minClicks as number | undefined,
		maxStep: options.maxStep === undefined ? undefined : (options.maxStep as number) / 100,
		floorBid: options.floorBid as number | undefined,
		ceilingBid: options.ceilingBid as number | undefined,
		pauseRule: {
			enabled: pauseAction !== 'off',
			action: pauseAction === 'pause' ? 'pause' : 'lower',
			spendAbove: (options.pauseSpendAbove as number | undefined) ?? 0,
		},
		budgetGuard: {
			threshold: options.alertAbove === undefined ? undefined : (options.alertAbove as number) / 100,
			days: options.days as number | undefined,
		},
	};
}

export function optimizeKeywordItems(ctx: IExecuteFunctions): INodeExecutionData[][] {
	// Settings first: a setting out of range stops the run before any item is read.
	const settings = runEngine(ctx, () => resolveKeywordSettings(keywordSettings(ctx)));
	const read = fieldReader(ctx);
	const rows = readRows<KeywordRow>(ctx, (i) => {
		const bid = readAmount(ctx, read, F.bid, i);
		if (bid <= 0) {
			throw itemError(ctx, i, `Current Bid is ${bid}`, `Map "Current Bid" to the keyword's bid now (above 0), e.g. ${F.bid.example}.`);
		}
		return {
			keywordId: readId(ctx, read, F.keywordId, i),
			adGroupId: readId(ctx, read, F.adGroupId, i),
			campaignId: readId(ctx, read, F.campaignId, i),
			keywordText: readOptionalText(ctx, read, F.keywordText, i),
			matchType: readOptionalText(ctx, read, F.matchType, i),
			state: readOptionalText(ctx, read, F.state, i),
			clicks: readAmount(ctx, read, F.clicks, i),
			impressions: 0,
			spend: readAmount(ctx, read, F.spend, i),
			sales: readAmount(ctx, read, F.sales, i),
			orders: readAmount(ctx, read, F.orders, i),
			bid,
			campaignBudget: readOptionalAmount(ctx, read, F.campaignBudget, i),
		};
	});
	const result = runEngine(ctx, () => optimizeKeywords(rows.rows, settings));
	return emit('amazonKeywords', rows, result, (row) => ({ keywordText: row.keywordText ?? null, matchType: row.matchType ?? null }), settings);
}
