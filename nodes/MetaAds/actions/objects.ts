/**
 * Campaigns, ad sets and ads: create (POST /act_{id}/{edge}), update (POST /{id}), list with
 * cursor paging. Budgets and bid amounts are in currency units on items, in the currency's
 * smallest unit at Meta.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { idParameter } from '../../shared/fields';
import { itemError } from '../../shared/items';
import { fromMinorUnits } from '../engine/money';
import { item, minorUnits, perItem, type Graph } from './shared';

type Json = IDataObject;

export type ObjectResource = 'campaigns' | 'adSets' | 'ads';

const EDGES: Record<ObjectResource, string> = { campaigns: 'campaigns', adSets: 'adsets', ads: 'ads' };

const DEFAULT_FIELDS: Record<ObjectResource, string> = {
	campaigns: 'id,name,objective,status,effective_status,daily_budget,lifetime_budget,bid_strategy',
	adSets: 'id,name,campaign_id,status,effective_status,daily_budget,lifetime_budget,bid_strategy,bid_amount,optimization_goal,billing_event,learning_stage_info',
	ads: 'id,name,adset_id,campaign_id,status,effective_status,creative',
};

const ID_FIELDS: Record<ObjectResource, string> = { campaigns: 'campaignId', adSets: 'adSetId', ads: 'adId' };

/** Meta's object with its ID and budgets also in camelCase and currency units, as the Bid Optimizer reads them. */
function withBudgets(object: Json, offset: number, resource: ObjectResource): Json {
	const out: Json = { ...object };
	if (object.daily_budget !== undefined) out.dailyBudget = fromMinorUnits(object.daily_budget, offset);
	if (object.lifetime_budget !== undefined) out.lifetimeBudget = fromMinorUnits(object.lifetime_budget, offset);
	if (object.bid_amount !== undefined) out.bidAmount = fromMinorUnits(object.bid_amount, offset);
	if (object.id !== undefined) out[ID_FIELDS[resource]] = object.id;
	return out;
}

function parseJson(ctx: IExecuteFunctions, name: string, label: string, i: number): Json {
	const raw = ctx.getNodeParameter(name, i, '{}') as unknown;
	if (typeof raw !== 'string') return raw as Json;
	try {
		return JSON.parse(raw) as Json;
	} catch {
		throw itemError(ctx, i, `${label} is not valid JSON`, `Write ${label} as a JSON object, e.g. { "geo_locations": { "countries": ["US"] } }.`);
	}
}

/** A money field the marketer filled in: 0 and empty mean 'not set' in the optional fields. */
const given = (value: unknown) => value !== undefined && value !== null && value !== '' && value !== 0;

async function createBody(ctx: IExecuteFunctions, g: Graph, resource: ObjectResource, i: number): Promise<Json> {
	const body: Json = { name: ctx.getNodeParameter('name', i), status: ctx.getNodeParameter('status', i) };
	const extra = resource === 'ads' ? {} : (ctx.getNodeParameter('additionalFields', i, {}) as Json);
	if (resource === 'campaigns') {
		body.objective = ctx.getNodeParameter('objective', i);
		body.special_ad_categories = String(extra.specialAdCategories ?? '')
			.split(',')
			.map((c) => c.trim())
			.filter(Boolean);
		if (given(extra.dailyBudget)) body.daily_budget = await minorUnits(ctx, g, i, extra.dailyBudget, 'Daily Budget');
	}
	if (resource === 'adSets') {
		body.campaign_id = ctx.getNodeParameter('campaignId', i);
		body.daily_budget = await minorUnits(ctx, g, i, ctx.getNodeParameter('dailyBudget', i), 'Daily Budget');
		body.optimization_goal = ctx.getNodeParameter('optimizationGoal', i);
		body.billing_event = ctx.getNodeParameter('billingEvent', i);
		body.targeting = parseJson(ctx, 'targeting', 'Targeting', i);
		if (extra.startTime) body.start_time = extra.startTime;
		if (given(extra.bidAmount)) body.bid_amount = await minorUnits(ctx, g, i, extra.bidAmount, 'Bid Amount');
	}
	if (resource !== 'ads' && extra.bidStrategy) body.bid_strategy = extra.bidStrategy;
	if (resource === 'ads') {
		body.adset_id = ctx.getNodeParameter('adSetId', i);
		body.creative = { creative_id: ctx.getNodeParameter('creativeId', i) };
	}
	return body;
}

async function updateBody(ctx: IExecuteFunctions, g: Graph, i: number): Promise<Json> {
	const fields = ctx.getNodeParameter('updateFields', i, {}) as Json;
	const body: Json = {};
	if (fields.status) body.status = fields.status;
	if (fields.name) body.name = fields.name;
	if (fields.bidStrategy) body.bid_strategy = fields.bidStrategy;
	for (const [key, field, label] of [['daily_budget', 'dailyBudget', 'Daily Budget'], ['lifetime_budget', 'lifetimeBudget', 'Lifetime Budget'], ['bid_amount', 'bidAmount', 'Bid Amount']] as const) {
		if (fields[field] !== undefined && fields[field] !== '') body[key] = await minorUnits(ctx, g, i, fields[field], label);
	}
	if (Object.keys(body).length === 0) throw itemError(ctx, i, 'nothing to update', 'Add at least one Update Field (status, budget, bid strategy, …).');
	return body;
}

export async function runObjects(ctx: IExecuteFunctions, g: Graph, resource: ObjectResource, operation: string): Promise<INodeExecutionData[]> {
	const { api, version, account } = g;
	return await perItem(ctx, async (i) => {
		if (operation === 'create') {
			const body = await createBody(ctx, g, resource, i);
			const { body: created } = await api.request<{ id: string }>({ method: 'POST', url: `${version}/${account}/${EDGES[resource]}`, body, itemIndex: i });
			return [item(withBudgets({ id: created.id, ...body }, await g.offset(i), resource), i)];
		}
		if (operation === 'update') {
			const id = idParameter(ctx, 'id', i, 'ID');
			const body = await updateBody(ctx, g, i);
			const { body: answer } = await api.request<{ success?: boolean }>({ method: 'POST', url: `${version}/${id}`, body, itemIndex: i });
			return [item(withBudgets({ id, success: answer.success !== false, ...body }, await g.offset(i), resource), i)];
		}
		const returnAll = ctx.getNodeParameter('returnAll', i) as boolean;
		const limit = returnAll ? Infinity : (ctx.getNodeParameter('limit', i) as number);
		const filters = ctx.getNodeParameter('filters', i, {}) as Json;
		const parent = resource !== 'campaigns' && filters.campaignId ? String(filters.campaignId).trim() : account;
		const qs: Json = { fields: String(filters.fields || DEFAULT_FIELDS[resource]), limit: Number.isFinite(limit) ? Math.min(limit, 500) : 500 };
		const statuses = filters.effectiveStatus as string[] | undefined;
		if (statuses?.length) qs.effective_status = JSON.stringify(statuses);
		const objects = await api.paginate<Json>(
			{ method: 'GET', url: `${version}/${parent}/${EDGES[resource]}`, qs, itemIndex: i },
			{
				style: 'cursor',
				cursorParam: 'after',
				items: (page) => page?.data,
				// Meta gives `paging.next` only when there is another page; its cursor is `after`.
				next: (page) => (page?.paging?.next ? page.paging.cursors?.after : undefined),
				max: limit,
			},
		);
		const offset = objects.some((o) => o.daily_budget !== undefined || o.lifetime_budget !== undefined || o.bid_amount !== undefined) ? await g.offset(i) : 100;
		return objects.slice(0, limit).map((object) => item(withBudgets(object, offset, resource), i));
	});
}
