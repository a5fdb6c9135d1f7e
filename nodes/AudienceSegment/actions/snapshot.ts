/**
 * Snapshot: the segment's members frozen as one list of contact IDs with a content hash (SHA-256
 * of the sorted IDs) and the time it was taken, so that a campaign that must not change its
 * audience mid-flight can store it and check against it later.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { fieldReader } from '../../shared/fields';
import { asNodeError, errorItem, itemError } from '../../shared/items';
import { shown } from '../../shared/show';
import { snapshotOf } from '../engine';
import { allInputs, evaluateItems, prepare } from './common';

export async function snapshotItems(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = ctx.getInputData();
	const prepared = prepare(ctx);
	const outcomes = await evaluateItems(ctx, prepared, false);
	const read = fieldReader(ctx);
	const continueOnFail = ctx.continueOnFail();
	const ids: string[] = [];
	const errors: INodeExecutionData[] = [];
	const fail = (error: Error, i: number) => {
		if (!continueOnFail) throw asNodeError(ctx, error, i);
		errors.push(errorItem(error, i));
	};
	for (let i = 0; i < items.length; i++) {
		const outcome = outcomes[i];
		if (outcome instanceof Error) {
			fail(outcome, i);
			continue;
		}
		if (!outcome.matched) continue;
		const raw = read('contactId', i);
		const id = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : '';
		if (!id) {
			fail(
				itemError(
					ctx,
					i,
					raw === undefined || raw === null || raw === '' ? 'the Contact ID is empty' : `the Contact ID is ${shown(raw)}, not text or a number`,
					'Set "Contact ID" to a field every contact has, e.g. {{ $json.id }} or {{ $json.email }}. A snapshot lists members by it.',
				),
				i,
			);
			continue;
		}
		ids.push(id);
	}
	const snapshot = snapshotOf(ids);
	const json: IDataObject = {
		snapshot: {
			segment: prepared.id,
			definitionHash: prepared.definition.hash,
			takenAt: new Date(prepared.settings.now).toISOString(),
			timeZone: prepared.settings.timeZone,
			considered: items.length - errors.length,
			count: snapshot.members.length,
			duplicates: snapshot.duplicates,
			hash: snapshot.hash,
			members: snapshot.members,
		},
	};
	return [{ json, pairedItem: allInputs(items) }, ...errors];
}
