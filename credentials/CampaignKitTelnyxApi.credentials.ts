import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { baseUrlField, secretField } from './shared/fields';

/** Telnyx API v2 with an API key (Bearer). Prefixed: credential names must be unique in n8n. */
export class CampaignKitTelnyxApi implements ICredentialType {
	name = 'campaignKitTelnyxApi';

	displayName = 'Campaign Kit Telnyx API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-campaign-kit#telnyx';

	icon = { light: 'file:icons/telnyx.svg', dark: 'file:icons/telnyx.dark.svg' } as const;

	properties: INodeProperties[] = [
		secretField('API Key', 'apiKey', 'A Telnyx API key (Mission Control Portal → Account Settings → Keys & Credentials), starting with KEY'),
		baseUrlField('https://api.telnyx.com', 'Leave empty for Telnyx\'s API; set it for a proxy or a test server (without /v2)'),
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.apiKey}}' } },
	};

	// Listing messaging profiles needs only a valid key, and sending needs one.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ $credentials.baseUrl || "https://api.telnyx.com" }}',
			url: '/v2/messaging_profiles',
			qs: { 'page[size]': 1 },
			method: 'GET',
		},
	};
}
