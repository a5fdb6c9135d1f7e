/** List hygiene: delivery events in, one verdict per address out, paired to all its events. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { emailAddress } from '../../shared/channel/recipients';
import { itemError } from '../../shared/items';
import { shown } from '../../shared/show';
import { DEFAULT_HYGIENE, listHygiene, type HygieneEvent, type HygieneOptions } from '../engine/hygiene';
import { ItemResults } from './shared';

export function runHygiene(ctx: IExecuteFunctions): INodeExecutionData[] {
	const input = ctx.getInputData();
	const given = ctx.getNodeParameter('hygieneOptions', 0, {}) as IDataObject;
	const options: HygieneOptions = { ...DEFAULT_HYGIENE, ...(given as Partial<HygieneOptions>) };
	// NaN or 0 would silently suppress no one (or re-engage everyone): refuse them by name.
	for (const [key, label] of [
		['softBounceLimit', 'Soft Bounces Before Suppressing'],
		['reengageAfterDeliveries', 'Deliveries Without Opens Before Re-Engaging'],
	] as const) {
		const value: unknown = options[key];
		if (!(typeof value === 'number' && Number.isInteger(value) && value >= 1)) {
			throw new NodeOperationError(ctx.getNode(), `${label} is ${shown(value)}, not a whole number of 1 or more`, { description: `Set "${label}" to 1 or more, e.g. 3.` });
		}
	}
	const { verdicts, rejected } = listHygiene(
		input.map((entry) => entry.json as HygieneEvent),
		(recipient) => {
			const checked = emailAddress(recipient);
			return checked.ok ? { ok: true, key: checked.key } : checked;
		},
		options,
	);
	const results = new ItemResults(ctx);
	for (const { item, reason } of rejected) {
		results.fail(item, itemError(ctx, item, `the delivery event ${reason}`, 'Connect email delivery events (from the Delivery Events Trigger) with a recipient address.'));
	}
	const out: INodeExecutionData[] = verdicts.map(({ items, ...verdict }) => ({
		json: { ...verdict, events: items.length } as unknown as IDataObject,
		pairedItem: items.map((i) => ({ item: i })),
	}));
	// Error items first (input order), then one verdict per address in order of first appearance.
	return [...results.all(), ...out];
}
