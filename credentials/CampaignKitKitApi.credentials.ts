import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { baseUrlField, secretField } from './shared/fields';

/** Kit (formerly ConvertKit) API v4 with a v4 API key in the X-Kit-Api-Key header. */
export class CampaignKitKitApi implements ICredentialType {
	name = 'campaignKitKitApi';

	displayName = 'Campaign Kit Kit (ConvertKit) API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-campaign-kit#email-audience';

	icon = { light: 'file:icons/kit.svg', dark: 'file:icons/kit.dark.svg' } as const;

	properties: INodeProperties[] = [
		secretField('API Key (V4)', 'apiKey', 'Settings → Developer → API keys, a v4 key ("kit_…"). Kit allows 120 requests per minute per key.'),
		baseUrlField('https://api.kit.com', 'Leave empty for Kit\'s API; set it for a proxy or a test server'),
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { 'X-Kit-Api-Key': '={{$credentials.apiKey}}' } },
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{ $credentials.baseUrl || "https://api.kit.com" }}', url: '/v4/account', method: 'GET' },
	};
}
