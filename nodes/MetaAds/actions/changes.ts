/** Apply Bid Optimizer budgets: each setDailyBudget change sets its ad set's daily budget. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { itemError } from '../../shared/items';
import { shown } from '../../shared/show';
import { item, minorUnits, perItem, type Graph } from './shared';

export async function applyBudgets(ctx: IExecuteFunctions, g: Graph): Promise<INodeExecutionData[]> {
	const items = ctx.getInputData();
	return await perItem(ctx, async (i) => {
		const json = items[i].json;
		if (!json.action) throw itemError(ctx, i, 'is not a Bid Optimizer change (it has no "action")', 'Connect the Bid Optimizer\'s Changes output to this node.');
		if (json.action === 'none') return [item({ ...json, applied: false, status: 'skipped' }, i)];
		if (json.platform !== 'meta' || json.action !== 'setDailyBudget') {
			throw itemError(ctx, i, `is a ${shown(json.platform)} ${shown(json.action)} change, not a Meta budget`, 'Send Amazon changes to the Amazon Ads node.');
		}
		const id = String(json.entityId ?? '').trim();
		if (!id) throw itemError(ctx, i, 'has no ad set', 'Connect the Bid Optimizer\'s Changes output unchanged.');
		const budget = await minorUnits(ctx, g, i, (json.after as IDataObject | null)?.dailyBudget, 'after.dailyBudget');
		await g.api.request({ method: 'POST', url: `${g.version}/${id}`, body: { daily_budget: budget }, itemIndex: i });
		return [item({ ...json, applied: true, status: 'applied' }, i)];
	});
}
