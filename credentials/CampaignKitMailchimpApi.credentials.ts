import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { baseUrlField, secretField } from './shared/fields';

/**
 * Mailchimp Marketing API v3 with an API key: HTTP Basic with any user name and the key as the
 * password. The key ends in its data center ("…-us21"), which names the host
 * (https://us21.api.mailchimp.com/3.0). Prefixed name: n8n's own `mailchimpApi` must not clash.
 */
export class CampaignKitMailchimpApi implements ICredentialType {
	name = 'campaignKitMailchimpApi';

	displayName = 'Campaign Kit Mailchimp API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-campaign-kit#email-audience';

	icon = { light: 'file:icons/mailchimp.svg', dark: 'file:icons/mailchimp.dark.svg' } as const;

	properties: INodeProperties[] = [
		secretField('API Key', 'apiKey', 'Profile → Extras → API keys. It ends in your data center, e.g. "-us21".'),
		baseUrlField('https://us21.api.mailchimp.com/3.0', 'Leave empty to use the data center in the API key. Set it for a proxy or a test server (include /3.0).'),
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { auth: { username: 'campaign-kit', password: '={{$credentials.apiKey}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ $credentials.baseUrl || "https://" + String($credentials.apiKey).split("-").pop() + ".api.mailchimp.com/3.0" }}',
			url: '/ping',
			method: 'GET',
		},
	};
}
