/**
 * Count: one item with the segment's size, how many members each channel can reach (by their
 * consent), and a deterministic sample of members. Items that fail (with Continue On Fail) follow
 * as error items.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { fieldReader } from '../../shared/fields';
import { asNodeError, errorItem } from '../../shared/items';
import { isConsented, pickSample } from '../engine';
import { allInputs, evaluateItems, prepare } from './common';

export async function countItems(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = ctx.getInputData();
	const prepared = prepare(ctx);
	const outcomes = await evaluateItems(ctx, prepared, false);
	const channels = ctx.getNodeParameter('channels', 0, []) as string[];
	const sampleSize = ctx.getNodeParameter('sampleSize', 0, 10) as number;
	const read = fieldReader(ctx);
	const continueOnFail = ctx.continueOnFail();

	const reachable: Record<string, number> = Object.fromEntries(channels.map((c) => [c, 0]));
	const members: Array<{ key: string; value: IDataObject }> = [];
	const errors: INodeExecutionData[] = [];
	let nonMembers = 0;
	for (let i = 0; i < items.length; i++) {
		const outcome = outcomes[i];
		if (outcome instanceof Error) {
			if (!continueOnFail) throw asNodeError(ctx, outcome, i);
			errors.push(errorItem(outcome, i));
			continue;
		}
		if (!outcome.matched) {
			nonMembers++;
			continue;
		}
		const id = sampleSize > 0 ? read('contactId', i) : undefined;
		members.push({ key: id === undefined || id === null || id === '' ? `#${i}` : String(id), value: items[i].json });
		if (channels.length === 0) continue;
		const consent = read('consent', i);
		for (const channel of channels) {
			// An object holds one consent per channel; a single value applies to every channel.
			const value = consent !== null && typeof consent === 'object' && !Array.isArray(consent) ? (consent as IDataObject)[channel] : consent;
			if (isConsented(value)) reachable[channel]++;
		}
	}
	const summary: IDataObject = {
		segment: { id: prepared.id, definitionHash: prepared.definition.hash },
		total: items.length - errors.length,
		members: members.length,
		nonMembers,
		reachable,
		sample: pickSample(members, sampleSize, prepared.id),
		countedAt: new Date(prepared.settings.now).toISOString(),
	};
	if (errors.length) summary.errors = errors.length;
	return [{ json: summary, pairedItem: allInputs(items) }, ...errors];
}
