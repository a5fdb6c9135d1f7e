import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { harvestSearchTermItems } from './actions/amazonSearchTerms';
import { optimizeKeywordItems } from './actions/amazonKeywords';
import { OUTPUTS } from './actions/common';
import { reallocateBudgetItems } from './actions/metaBudgets';
import { properties } from './description';

// Not usableAsTool: n8n's tool wrapper returns only the first output, so an agent would never see
// the keywords left alone, the budget alerts or the summary.
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool
export class BidOptimizer implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Bid Optimizer',
		name: 'bidOptimizer',
		icon: { light: 'file:bidOptimizer.svg', dark: 'file:bidOptimizer.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ { amazonKeywords: "Amazon keyword bids", amazonSearchTerms: "Amazon search terms", metaBudgets: "Meta budgets" }[$parameter["operation"]] }}',
		description:
			'Tune ads every day: Amazon keyword bids toward a target ACoS, search-term harvesting, Meta budgets by ROAS; changes ready for the Amazon Ads and Meta Ads nodes',
		defaults: { name: 'Bid Optimizer' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: [...OUTPUTS],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		if (operation === 'amazonSearchTerms') return harvestSearchTermItems(this);
		if (operation === 'metaBudgets') return reallocateBudgetItems(this);
		return optimizeKeywordItems(this);
	}
}
