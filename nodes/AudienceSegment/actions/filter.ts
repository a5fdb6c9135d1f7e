/** Filter: members leave on "In Segment", the others on "Not in Segment", each with segment {id, matched, reasons}. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeItems } from '../../shared/items';
import { evaluateItems, prepare } from './common';

export async function filterItems(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const prepared = prepare(ctx);
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const withReasons = options.includeReasons !== false;
	const outcomes = await evaluateItems(ctx, prepared, withReasons);
	const id = prepared.id;
	return routeItems(ctx, 2, (item, i) => {
		const outcome = outcomes[i];
		if (outcome instanceof Error) throw outcome;
		const segment: IDataObject = { id, matched: outcome.matched };
		// Copies: the engine shares one reason object between items.
		if (withReasons) segment.reasons = outcome.reasons.map((r) => ({ condition: r.condition, met: r.met, path: r.path }));
		return { output: outcome.matched ? 0 : 1, json: { ...item.json, segment } };
	});
}
