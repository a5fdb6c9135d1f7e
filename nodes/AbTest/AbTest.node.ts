import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { analyzeItems } from './actions/analyze';
import { sampleSizeItems } from './actions/sampleSize';
import { properties } from './description';

export class AbTest implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'A/B Test',
		name: 'abTest',
		icon: { light: 'file:abTest.svg', dark: 'file:abTest.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] === "sampleSize" ? "Sample size" : "Analyze " + $parameter["metricType"] }}',
		description:
			'Find out whether a variant really beats the control: significance, lift, chance to win, sample size and a plain-English verdict',
		defaults: { name: 'A/B Test' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		if (operation === 'sampleSize') return [sampleSizeItems(this)];
		return [analyzeItems(this)];
	}
}
