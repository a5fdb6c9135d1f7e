import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { baseUrlField, secretField } from './shared/fields';

/**
 * Named with the package's prefix: n8n already has a `sendGridApi` credential, and credential
 * type names must be unique across everything installed in n8n.
 */
export class CampaignKitSendGridApi implements ICredentialType {
	name = 'campaignKitSendGridApi';

	displayName = 'Campaign Kit SendGrid API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-campaign-kit#sendgrid';

	icon = { light: 'file:icons/sendgrid.svg', dark: 'file:icons/sendgrid.dark.svg' } as const;

	properties: INodeProperties[] = [
		secretField('API Key', 'apiKey', 'A SendGrid API key with the Mail Send permission (Settings → API Keys)'),
		baseUrlField('https://api.sendgrid.com', 'Leave empty for SendGrid\'s global API. EU subusers: https://api.eu.sendgrid.com. Also for a proxy or a test server.'),
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.apiKey}}' } },
	};

	// Every key may read its own scopes, whatever else it is allowed to do.
	test: ICredentialTestRequest = {
		request: { baseURL: '={{ $credentials.baseUrl || "https://api.sendgrid.com" }}', url: '/v3/scopes', method: 'GET' },
	};
}
