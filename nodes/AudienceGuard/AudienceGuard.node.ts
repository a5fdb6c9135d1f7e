import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { guardItems } from './actions/guard';
import { OUTPUT_NAMES, properties } from './description';

// Not usableAsTool: n8n's tool wrapper returns only the first output, so an agent would never
// learn which contacts were delayed or blocked, nor why.
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool
export class AudienceGuard implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Audience Guard',
		name: 'audienceGuard',
		icon: { light: 'file:audienceGuard.svg', dark: 'file:audienceGuard.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["channel"] + ($parameter["ledger"] === "postgres" ? " · Postgres ledger" : "") }}',
		description:
			'Decide per contact whether a message may go now: consent, unsubscribes, suppressions, frequency caps and quiet hours in the contact\'s time zone',
		defaults: { name: 'Audience Guard' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: OUTPUT_NAMES,
		credentials: [
			{
				// n8n's own Postgres credential, on purpose: users and queue-mode setups already have one
				// for n8n's Postgres node, and a second credential type for the same database would only
				// duplicate the password.
				// eslint-disable-next-line n8n-nodes-base/node-class-description-credentials-name-unsuffixed, @n8n/community-nodes/no-credential-reuse, @n8n/community-nodes/valid-credential-references
				name: 'postgres',
				required: true,
				displayOptions: { show: { ledger: ['postgres'] } },
			},
		],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await guardItems(this);
	}
}
