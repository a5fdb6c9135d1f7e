import type { IExecuteFunctions, INodeCredentialDescription, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { KIT_CREDENTIAL } from './actions/kit';
import { MAILCHIMP_CREDENTIAL } from './actions/mailchimp';
import { router } from './actions/router';
import { SENDGRID_CREDENTIAL } from './actions/sendgrid';
import { properties } from './description';

const credential = (name: string, resource: string[]): INodeCredentialDescription => ({ name, required: true, displayOptions: { show: { resource } } });

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
			credential(MAILCHIMP_CREDENTIAL, ['mailchimpMember']),
			credential(KIT_CREDENTIAL, ['kitSubscriber']),
			credential(SENDGRID_CREDENTIAL, ['sendgridContact', 'sendgridSuppression']),
		],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await router(this)];
	}
}
