import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { properties } from './description';
import { router } from './actions/router';

export class AmazonAds implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Amazon Ads',
		name: 'amazonAds',
		icon: { light: 'file:amazonAds.svg', dark: 'file:amazonAds.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Sponsored Products campaigns, ad groups, keywords, negative keywords, product targets and reports, through the Amazon Ads API (v3)',
		defaults: { name: 'Amazon Ads' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: 'campaignKitAmazonAdsApi', required: true }],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await router(this)];
	}
}
