/** Harvest Amazon Search Terms: one search-term row per item in; new keywords and negatives out. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { fieldReader, readText, type Field } from '../../shared/fields';
import { itemError } from '../../shared/items';
import { harvestSearchTerms, resolveSearchTermSettings, type SearchTermRow, type SearchTermSettingsInput } from '../engine';
import { emit, readAmount, readId, readOptionalText, readRows, runEngine } from './common';

const F = {
	searchTerm: { parameter: 'searchTerm', label: 'Search Term', example: '{{ $json.searchTerm }}' },
	adGroupId: { parameter: 'adGroupId', label: 'Ad Group ID', example: '{{ $json.adGroupId }}' },
	campaignId: { parameter: 'campaignId', label: 'Campaign ID', example: '{{ $json.campaignId }}' },
	clicks: { parameter: 'clicks', label: 'Clicks', example: '{{ $json.clicks }}' },
	spend: { parameter: 'spend', label: 'Spend', example: '{{ $json.cost }}' },
	sales: { parameter: 'sales', label: 'Sales', example: '{{ $json.sales7d }}' },
	orders: { parameter: 'orders', label: 'Orders', example: '{{ $json.purchases7d }}' },
	keywordText: { parameter: 'keywordText', label: 'Keyword Text', example: '{{ $json.keyword }}' },
	matchType: { parameter: 'matchType', label: 'Match Type', example: '{{ $json.matchType }}' },
} satisfies Record<string, Field>;

function settingsOf(ctx: IExecuteFunctions): SearchTermSettingsInput {
	const options = ctx.getNodeParameter('searchTermOptions', 0, {}) as IDataObject;
	const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
	return {
		targetAcos: (ctx.getNodeParameter('targetAcos', 0) as number) / 100,
		priorClicks: options.priorClicks as number | undefined,
		floorBid: options.floorBid as number | undefined,
		ceilingBid: options.ceilingBid as number | undefined,
		harvest: {
			enabled: options.harvest !== false,
			minOrders: options.harvestMinOrders as number | undefined,
			campaignId: text(options.harvestCampaignId),
			adGroupId: text(options.harvestAdGroupId),
		} as SearchTermSettingsInput['harvest'],
		negative: { enabled: options.negative !== false, minClicks: options.negativeMinClicks as number | undefined } as SearchTermSettingsInput['negative'],
	};
}

export function harvestSearchTermItems(ctx: IExecuteFunctions): INodeExecutionData[][] {
	const settings = runEngine(ctx, () => resolveSearchTermSettings(settingsOf(ctx)));
	const read = fieldReader(ctx);
	const rows = readRows<SearchTermRow>(ctx, (i) => {
		const searchTerm = readText(ctx, read, F.searchTerm, i);
		if (!searchTerm) throw itemError(ctx, i, 'Search Term is missing', `Set "Search Term" to the field that holds it, e.g. ${F.searchTerm.example}.`);
		return {
			searchTerm,
			adGroupId: readId(ctx, read, F.adGroupId, i),
			campaignId: readId(ctx, read, F.campaignId, i),
			keywordText: readOptionalText(ctx, read, F.keywordText, i),
			matchType: readOptionalText(ctx, read, F.matchType, i),
			clicks: readAmount(ctx, read, F.clicks, i),
			impressions: 0,
			spend: readAmount(ctx, read, F.spend, i),
			sales: readAmount(ctx, read, F.sales, i),
			orders: readAmount(ctx, read, F.orders, i),
		};
	});
	const result = runEngine(ctx, () => harvestSearchTerms(rows.rows, settings));
	return emit('amazonSearchTerms', rows, result, (row) => ({ searchTerm: row.searchTerm }), settings);
}
