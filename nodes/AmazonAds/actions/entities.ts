/**
 * Campaigns, ad groups, keywords, negative keywords and product targets: create, update and
 * archive one entity per item (batched, up to 1,000 per request), list with filters.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { idParameter, readMoney, textParameter } from '../../shared/fields';
import { asNodeError, errorItem, itemError } from '../../shared/items';
import type { Transport } from '../../shared/transport';
import { MAX_PARENT_IDS, MAX_PER_REQUEST, RESOURCES, type Resource, type ResourceName } from '../engine/resources';
import { headersFor, idList, outcomeItems, sendInChunks, type Entry } from './shared';

type Json = IDataObject;

const param = (ctx: IExecuteFunctions, name: string, i: number) => ctx.getNodeParameter(name, i) as never;

const requiredText = (ctx: IExecuteFunctions, name: string, label: string, i: number): string => {
	const value = textParameter(ctx, name, i, label);
	if (!value) throw itemError(ctx, i, `${label} is empty`, `Set "${label}", e.g. to {{ $json.${name} }}, or check that the item has that field.`);
	return value;
};


/** The body of one entity to create, from the item's parameters. */
function createBody(ctx: IExecuteFunctions, resource: ResourceName, i: number): Json {
	const state = param(ctx, 'state', i);
	switch (resource) {
		case 'campaigns': {
			const extra = ctx.getNodeParameter('additionalFields', i, {}) as Json;
			const body: Json = {
				name: requiredText(ctx, 'name', 'Name', i),
				targetingType: param(ctx, 'targetingType', i),
				state,
				budget: { budgetType: 'DAILY', budget: readMoney(ctx, i, param(ctx, 'dailyBudget', i), 'Daily Budget', '20') },
			};
			if (extra.startDate) body.startDate = extra.startDate;
			if (extra.endDate) body.endDate = extra.endDate;
			if (extra.portfolioId) body.portfolioId = extra.portfolioId;
			if (extra.biddingStrategy) body.dynamicBidding = { strategy: extra.biddingStrategy };
			return body;
		}
		case 'adGroups':
			return { campaignId: requiredText(ctx, 'campaignId', 'Campaign ID', i), name: requiredText(ctx, 'name', 'Name', i), defaultBid: readMoney(ctx, i, param(ctx, 'defaultBid', i), 'Default Bid', '0.75'), state };
		case 'keywords': {
			const body: Json = {
				campaignId: requiredText(ctx, 'campaignId', 'Campaign ID', i),
				adGroupId: requiredText(ctx, 'adGroupId', 'Ad Group ID', i),
				keywordText: requiredText(ctx, 'keywordText', 'Keyword Text', i),
				matchType: param(ctx, 'matchType', i),
				state,
			};
			const bid = ctx.getNodeParameter('bid', i, 0) as unknown;
			if (bid !== 0 && bid !== '' && bid !== undefined && bid !== null) body.bid = readMoney(ctx, i, bid, 'Bid', '0.75');
			return body;
		}
		case 'negativeKeywords':
			return {
				campaignId: requiredText(ctx, 'campaignId', 'Campaign ID', i),
				adGroupId: requiredText(ctx, 'adGroupId', 'Ad Group ID', i),
				keywordText: requiredText(ctx, 'keywordText', 'Keyword Text', i),
				matchType: param(ctx, 'negativeMatchType', i),
				state,
			};
		case 'targets': {
			let expression = ctx.getNodeParameter('expression', i) as unknown;
			if (typeof expression === 'string') {
				try {
					expression = JSON.parse(expression);
				} catch {
					throw itemError(ctx, i, 'Expression is not valid JSON', 'Write a list such as [{ "type": "ASIN_SAME_AS", "value": "B0EXAMPLE1" }].');
				}
			}
			if (!Array.isArray(expression) || expression.length === 0) {
				throw itemError(ctx, i, 'Expression is not a list of predicates', 'Write a list such as [{ "type": "ASIN_SAME_AS", "value": "B0EXAMPLE1" }].');
			}
			const body: Json = {
				campaignId: requiredText(ctx, 'campaignId', 'Campaign ID', i),
				adGroupId: requiredText(ctx, 'adGroupId', 'Ad Group ID', i),
				expression: expression as Json[],
				expressionType: 'MANUAL',
				state,
			};
			const bid = ctx.getNodeParameter('bid', i, 0) as unknown;
			if (bid !== 0 && bid !== '' && bid !== undefined && bid !== null) body.bid = readMoney(ctx, i, bid, 'Bid', '0.75');
			return body;
		}
	}
}

/** The body of one update, from the item's ID and Update Fields. */
function updateBody(ctx: IExecuteFunctions, resource: Resource, name: ResourceName, i: number): Json {
	const body: Json = { [resource.idField]: idParameter(ctx, 'id', i, `${resource.label[0].toUpperCase()}${resource.label.slice(1)} ID`) };
	const fields = ctx.getNodeParameter('updateFields', i, {}) as Json;
	const given = (key: string) => fields[key] !== undefined && fields[key] !== null && fields[key] !== '';
	if (given('state')) body.state = fields.state;
	if (given('bid') && (name === 'keywords' || name === 'targets')) body.bid = readMoney(ctx, i, fields.bid, 'Bid', '0.75');
	if (given('name') && (name === 'campaigns' || name === 'adGroups')) body.name = fields.name;
	if (given('defaultBid') && name === 'adGroups') body.defaultBid = readMoney(ctx, i, fields.defaultBid, 'Default Bid', '0.75');
	if (given('dailyBudget') && name === 'campaigns') body.budget = { budgetType: 'DAILY', budget: readMoney(ctx, i, fields.dailyBudget, 'Daily Budget', '20') };
	if (given('biddingStrategy') && name === 'campaigns') body.dynamicBidding = { strategy: fields.biddingStrategy };
	if (Object.keys(body).length === 1) {
		throw itemError(ctx, i, 'nothing to update', 'Add at least one Update Field (a bid, a state, …).');
	}
	return body;
}

/** Reads one body per item; a bad item stops the run or (Continue On Fail) becomes an error item. */
function readEntries(ctx: IExecuteFunctions, build: (i: number) => Json): { entries: Entry[]; failed: INodeExecutionData[] } {
	const entries: Entry[] = [];
	const failed: INodeExecutionData[] = [];
	const count = ctx.getInputData().length;
	for (let i = 0; i < count; i++) {
		try {
			entries.push({ item: i, body: build(i) });
		} catch (error) {
			const nodeError = asNodeError(ctx, error, i);
			if (!ctx.continueOnFail()) throw nodeError;
			failed.push(errorItem(nodeError, i));
		}
	}
	return { entries, failed };
}

/** Items in input order, whatever order they were produced in. */
const inOrder = (items: INodeExecutionData[]) =>
	items.sort((a, b) => (a.pairedItem as { item: number }).item - (b.pairedItem as { item: number }).item);

export async function writeEntities(ctx: IExecuteFunctions, api: Transport, name: ResourceName, operation: 'create' | 'update' | 'archive'): Promise<INodeExecutionData[]> {
	const resource = RESOURCES[name];
	const { entries, failed } = readEntries(ctx, (i) =>
		operation === 'create'
			? createBody(ctx, name, i)
			: operation === 'update'
				? updateBody(ctx, resource, name, i)
				: { [resource.idField]: idParameter(ctx, 'id', i, `${resource.label[0].toUpperCase()}${resource.label.slice(1)} ID`) },
	);
	if (entries.length === 0) return failed;
	const outcomes =
		operation === 'archive'
			? await sendInChunks(ctx, api, resource, 'POST', `${resource.path}/delete`, entries, (bodies) => ({
					[resource.idFilter]: { include: bodies.map((body) => String(body[resource.idField])) },
				}))
			: await sendInChunks(ctx, api, resource, operation === 'create' ? 'POST' : 'PUT', resource.path, entries, (bodies) => ({ [resource.key]: bodies }));
	const verb = operation === 'create' ? 'create' : operation === 'update' ? 'update' : 'archive';
	const items = outcomeItems(
		ctx,
		resource,
		verb,
		entries,
		outcomes,
		(outcome, entry) => ({
			success: true,
			...(outcome.entity ?? entry.body),
			[resource.answerIdField]: outcome.id ?? entry.body[resource.idField] ?? null,
			...(operation === 'archive' ? { state: 'ARCHIVED' } : {}),
		}),
		(entry) => {
			const label = entry.body[resource.idField] ?? (entry.body.keywordText !== undefined ? `"${String(entry.body.keywordText)}"` : entry.body.name !== undefined ? `"${String(entry.body.name)}"` : undefined);
			return label === undefined ? `of item ${entry.item}` : String(label);
		},
	);
	return inOrder([...failed, ...items]);
}

/** List: one request series per input item, filters from that item's parameters. */
export async function listEntities(ctx: IExecuteFunctions, api: Transport, name: ResourceName): Promise<INodeExecutionData[]> {
	const resource = RESOURCES[name];
	const out: INodeExecutionData[] = [];
	const count = ctx.getInputData().length;
	for (let i = 0; i < count; i++) {
		try {
			const returnAll = ctx.getNodeParameter('returnAll', i) as boolean;
			const limit = returnAll ? Infinity : (ctx.getNodeParameter('limit', i) as number);
			const filters = ctx.getNodeParameter('filters', i, {}) as Json;
			// Amazon's own page size unless a small limit asks for less.
			const body: Json = Number.isFinite(limit) ? { maxResults: Math.min(limit, MAX_PER_REQUEST) } : {};
			const states = filters.states as string[] | undefined;
			if (states && states.length > 0) body.stateFilter = { include: states };
			const idFilter = (key: string, field: string, label: string, max: number) => {
				const ids = idList(filters[field]);
				if (ids.length === 0) return;
				if (ids.length > max) throw itemError(ctx, i, `${label} holds ${ids.length} IDs, more than ${max}`, `Split the list over several items, ${max} at most each.`);
				body[key] = { include: ids };
			};
			idFilter('campaignIdFilter', 'campaignIds', 'Campaign IDs', name === 'campaigns' ? MAX_PER_REQUEST : MAX_PARENT_IDS);
			if (name !== 'campaigns') idFilter('adGroupIdFilter', 'adGroupIds', 'Ad Group IDs', name === 'adGroups' ? MAX_PER_REQUEST : MAX_PARENT_IDS);
			idFilter(resource.idFilter, 'ids', 'IDs', MAX_PER_REQUEST);
			if (filters.name && (name === 'campaigns' || name === 'adGroups')) body.nameFilter = { queryTermMatchType: 'BROAD_MATCH', include: [String(filters.name)] };
			const entities = await api.paginate<Json>(
				{ method: 'POST', url: `${resource.path}/list`, headers: headersFor(resource), body, itemIndex: i },
				{
					style: 'cursor',
					items: (page) => page?.[resource.key],
					next: (page) => page?.nextToken,
					setCursor: (request, cursor) => ({ ...request, body: { ...(request.body as Json), nextToken: cursor } }),
					max: limit,
				},
			);
			for (const entity of entities.slice(0, limit)) out.push({ json: entity, pairedItem: { item: i } });
		} catch (error) {
			const nodeError = asNodeError(ctx, error, i);
			if (!ctx.continueOnFail()) throw nodeError;
			out.push(errorItem(nodeError, i));
		}
	}
	return out;
}
