/** Reallocate Meta Budgets: one ad set per item in, one decision per item out. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { fieldReader, type Field, type FieldReader } from '../../shared/fields';
import { itemError } from '../../shared/items';
import { reallocateBudgets, resolveBudgetSettings, type AdSetRow, type BudgetSettingsInput } from '../engine';
import { emit, readAmount, readId, readOptionalText, readRows, runEngine } from './common';

const F = {
	adSetId: { parameter: 'adSetId', label: 'Ad Set ID', example: '{{ $json.adSetId }}' },
	campaignId: { parameter: 'metaCampaignId', label: 'Campaign ID', example: '{{ $json.campaignId }}' },
	dailyBudget: { parameter: 'dailyBudget', label: 'Daily Budget', example: '{{ $json.dailyBudget }}' },
	spend: { parameter: 'metaSpend', label: 'Spend', example: '{{ $json.spend }}' },
	revenue: { parameter: 'revenue', label: 'Revenue', example: '{{ $json.purchaseValue }}' },
	events: { parameter: 'events', label: 'Optimisation Events (7 Days)', example: '{{ $json.optimizationEvents }}' },
} satisfies Record<string, Field>;

function settingsOf(ctx: IExecuteFunctions): BudgetSettingsInput {
	const options = ctx.getNodeParameter('metaOptions', 0, {}) as IDataObject;
	const total = ctx.getNodeParameter('totalBudget', 0, 0) as number;
	const smoothing = options.smoothingSpend as number | undefined;
	return {
		totalBudget: total > 0 ? total : undefined,
		maxStep: options.maxStep === undefined ? undefined : (options.maxStep as number) / 100,
		floorBudget: options.floorBudget as number | undefined,
		smoothingSpend: smoothing ? smoothing : undefined,
		learningEvents: options.learningEvents as number | undefined,
		budgetGuard: {
			threshold: options.alertAbove === undefined ? undefined : (options.alertAbove as number) / 100,
			days: (options.days as number | undefined) ?? 7,
		},
	};
}

function readBudget(ctx: IExecuteFunctions, read: FieldReader, i: number): number {
	const budget = readAmount(ctx, read, F.dailyBudget, i);
	if (budget <= 0) {
		throw itemError(
			ctx,
			i,
			`Daily Budget is ${budget}`,
			`Map "Daily Budget" to the ad set's own daily budget in the account currency, e.g. ${F.dailyBudget.example}. Ad sets under a campaign budget (Advantage campaign budget) have none to reallocate.`,
		);
	}
	return budget;
}

export function reallocateBudgetItems(ctx: IExecuteFunctions): INodeExecutionData[][] {
	const settings = runEngine(ctx, () => resolveBudgetSettings(settingsOf(ctx)));
	const read = fieldReader(ctx);
	const rows = readRows<AdSetRow>(ctx, (i) => ({
		adSetId: readId(ctx, read, F.adSetId, i),
		campaignId: readOptionalText(ctx, read, F.campaignId, i),
		dailyBudget: readBudget(ctx, read, i),
		spend: readAmount(ctx, read, F.spend, i),
		revenue: readAmount(ctx, read, F.revenue, i),
		events: readAmount(ctx, read, F.events, i),
	}));
	const result = runEngine(ctx, () => reallocateBudgets(rows.rows, settings));
	return emit('metaBudgets', rows, result, () => undefined, settings);
}
