import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { baseUrlField } from './shared/fields';

/**
 * Twilio's REST API with HTTP Basic authentication: the Account SID and Auth Token, or an API
 * key's SID and secret (the Account SID still names the account in every path). Prefixed because
 * n8n already has a `twilioApi` credential (names must be unique in n8n).
 */
export class CampaignKitTwilioApi implements ICredentialType {
	name = 'campaignKitTwilioApi';

	displayName = 'Campaign Kit Twilio API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-campaign-kit#twilio';

	icon = { light: 'file:icons/twilio.svg', dark: 'file:icons/twilio.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Account SID',
			name: 'accountSid',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'AC0123456789abcdef0123456789abcdef',
			description: 'Starts with AC; on the Twilio Console\'s home page',
		},
		{
			displayName: 'Authenticate With',
			name: 'authType',
			type: 'options',
			options: [
				{ name: 'Auth Token', value: 'authToken' },
				{ name: 'API Key', value: 'apiKey' },
			],
			default: 'authToken',
		},
		{
			displayName: 'Auth Token',
			name: 'authToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authType: ['authToken'] } },
		},
		{
			displayName: 'API Key SID',
			name: 'apiSid',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'SK0123456789abcdef0123456789abcdef',
			displayOptions: { show: { authType: ['apiKey'] } },
			description: 'An API key of this account (Console → Account → API keys), starting with SK',
		},
		{
			displayName: 'API Key Secret',
			name: 'apiKeySecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authType: ['apiKey'] } },
		},
		baseUrlField('https://api.twilio.com', 'Leave empty for Twilio\'s API; set it for a regional edge, a proxy or a test server'),
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			auth: {
				username: '={{ $credentials.authType === "apiKey" ? $credentials.apiSid : $credentials.accountSid }}',
				password: '={{ $credentials.authType === "apiKey" ? $credentials.apiKeySecret : $credentials.authToken }}',
			},
		},
	};

	// Reading its own account is allowed to every key of the account.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ $credentials.baseUrl || "https://api.twilio.com" }}',
			url: '=/2010-04-01/Accounts/{{ $credentials.accountSid }}.json',
			method: 'GET',
		},
	};
}
