import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { router } from './actions/router';
import { properties } from './description';

export class MetaAds implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Meta Ads',
		name: 'metaAds',
		icon: { light: 'file:metaAds.svg', dark: 'file:metaAds.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Campaigns, ad sets, ads, insights and custom audiences through the Meta Marketing API',
		defaults: { name: 'Meta Ads' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: 'campaignKitMetaAdsApi', required: true }],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await router(this)];
	}
}
