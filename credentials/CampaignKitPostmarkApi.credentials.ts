import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { baseUrlField, secretField } from './shared/fields';

/** Prefixed because n8n already has a `postmarkApi` credential (names must be unique in n8n). */
export class CampaignKitPostmarkApi implements ICredentialType {
	name = 'campaignKitPostmarkApi';

	displayName = 'Campaign Kit Postmark API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-campaign-kit#postmark';

	icon = { light: 'file:icons/postmark.svg', dark: 'file:icons/postmark.dark.svg' } as const;

	properties: INodeProperties[] = [
		secretField('Server Token', 'serverToken', 'The API token of the Postmark server to send from (Servers → your server → API Tokens)'),
		baseUrlField('https://api.postmarkapp.com', 'Leave empty for Postmark\'s API; set it for a proxy or a test server'),
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { 'X-Postmark-Server-Token': '={{$credentials.serverToken}}' } },
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{ $credentials.baseUrl || "https://api.postmarkapp.com" }}', url: '/server', method: 'GET' },
	};
}
