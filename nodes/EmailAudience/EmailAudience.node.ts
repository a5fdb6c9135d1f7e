import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { router } from './actions/router';
import { properties } from './description';

export class EmailAudience implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Email Audience',
		name: 'emailAudience',
		icon: { light: 'file:emailAudience.svg', dark: 'file:emailAudience.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Keep email lists in shape: Mailchimp members and tags, Kit subscribers, tags and sequences, SendGrid contacts and suppressions, and list hygiene from delivery events',
		defaults: { name: 'Email Audience' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [
			{ name: 'campaignKitMailchimpApi', required: true, displayOptions: { show: { resource: ['mailchimpMember'] } } },
			{ name: 'campaignKitKitApi', required: true, displayOptions: { show: { resource: ['kitSubscriber'] } } },
			{ name: 'campaignKitSendGridApi', required: true, displayOptions: { show: { resource: ['sendgridContact', 'sendgridSuppression'] } } },
		],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await router(this)];
	}
}
