/**
 * Apply Bid Optimizer changes: each change item goes to the endpoint its action needs, grouped
 * into requests of up to 1,000 entities:
 *
 *   setBid, lowerBid on a keyword / target  → PUT /sp/keywords / PUT /sp/targets  { id, bid }
 *   pause on a keyword / target             → the same, { id, state: PAUSED }
 *   createKeyword                           → POST /sp/keywords          (after: campaign, ad group, text, EXACT, bid)
 *   createNegativeKeyword                   → POST /sp/negativeKeywords  (after: campaign, ad group, text, NEGATIVE_EXACT)
 *
 * Items with action "none" pass through marked as skipped. Every item comes out once, paired,
 * with its own result.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { readMoney } from '../../shared/fields';
import { asNodeError, errorItem, itemError } from '../../shared/items';
import { shown } from '../../shared/show';
import type { Transport } from '../../shared/transport';
import { RESOURCES, type ResourceName } from '../engine/resources';
import { outcomeItems, sendInChunks, type Entry } from './shared';

type Json = IDataObject;

interface Planned {
	resource: ResourceName;
	method: 'POST' | 'PUT';
	entry: Entry;
}

const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '');

function plan(ctx: IExecuteFunctions, json: Json, i: number): Planned | 'skip' {
	const action = text(json.action);
	if (!action) {
		throw itemError(ctx, i, 'is not a Bid Optimizer change (it has no "action")', 'Connect the Bid Optimizer\'s Changes output to this node.');
	}
	if (action === 'none') return 'skip';
	if (json.platform !== undefined && json.platform !== 'amazon') {
		throw itemError(ctx, i, `is a ${shown(json.platform)} change, not an Amazon one`, 'Send Meta changes to the Meta Ads node.');
	}
	const after = (json.after ?? {}) as Json;
	const id = text(json.entityId);
	switch (action) {
		case 'setBid':
		case 'lowerBid':
		case 'pause': {
			const resource: ResourceName = json.entityType === 'target' ? 'targets' : 'keywords';
			if (!id) throw itemError(ctx, i, 'has no entityId', 'Connect the Bid Optimizer\'s Changes output unchanged.');
			const body: Json = { [RESOURCES[resource].idField]: id };
			if (action === 'pause') body.state = 'PAUSED';
			else body.bid = readMoney(ctx, i, after.bid, 'after.bid', '0.75');
			return { resource, method: 'PUT', entry: { item: i, body } };
		}
		case 'createKeyword':
		case 'createNegativeKeyword': {
			const negative = action === 'createNegativeKeyword';
			const body: Json = {
				campaignId: text(after.campaignId ?? json.campaignId),
				adGroupId: text(after.adGroupId ?? json.adGroupId),
				keywordText: text(after.keywordText),
				matchType: text(after.matchType) || (negative ? 'NEGATIVE_EXACT' : 'EXACT'),
				state: text(after.state) || 'ENABLED',
			};
			for (const field of ['campaignId', 'adGroupId', 'keywordText'] as const) {
				if (!body[field]) throw itemError(ctx, i, `has no ${field}`, 'Connect the Bid Optimizer\'s Changes output unchanged.');
			}
			if (!negative && after.bid !== undefined && after.bid !== null) body.bid = readMoney(ctx, i, after.bid, 'after.bid', '0.75');
			return { resource: negative ? 'negativeKeywords' : 'keywords', method: 'POST', entry: { item: i, body } };
		}
		default:
			throw itemError(ctx, i, `has action ${shown(action)}, which Amazon Ads does not apply`, 'Send only Amazon keyword, target and search-term changes here.');
	}
}

export async function applyChanges(ctx: IExecuteFunctions, api: Transport): Promise<INodeExecutionData[]> {
	const items = ctx.getInputData();
	const out: INodeExecutionData[] = [];
	const groups = new Map<string, Planned[]>();
	for (let i = 0; i < items.length; i++) {
		try {
			const planned = plan(ctx, items[i].json, i);
			if (planned === 'skip') {
				out.push({ json: { ...items[i].json, applied: false, status: 'skipped' }, pairedItem: { item: i } });
				continue;
			}
			const key = `${planned.method} ${planned.resource}`;
			let group = groups.get(key);
			if (!group) groups.set(key, (group = []));
			group.push(planned);
		} catch (error) {
			const nodeError = asNodeError(ctx, error, i);
			if (!ctx.continueOnFail()) throw nodeError;
			out.push(errorItem(nodeError, i));
		}
	}
	for (const group of groups.values()) {
		const { resource: name, method } = group[0];
		const resource = RESOURCES[name];
		const entries = group.map((planned) => planned.entry);
		const outcomes = await sendInChunks(ctx, api, resource, method, resource.path, entries, (bodies) => ({ [resource.key]: bodies }));
		out.push(
			...outcomeItems(
				ctx,
				resource,
				method === 'POST' ? 'create' : 'update',
				entries,
				outcomes,
				(outcome, entry) => ({ ...items[entry.item].json, applied: true, status: 'applied', amazonId: outcome.id ?? null }),
				(entry) => text(entry.body[resource.idField]) || `"${text(entry.body.keywordText)}"`,
			),
		);
	}
	return out.sort((a, b) => (a.pairedItem as { item: number }).item - (b.pairedItem as { item: number }).item);
}
