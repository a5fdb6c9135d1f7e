import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { baseUrlField, secretField } from './shared/fields';

/**
 * A OneSignal app: its App ID and App API key. Current keys go in `Authorization: Key …`; keys
 * made before OneSignal's 2024 key change use `Basic …`. Prefixed: n8n names must be unique.
 */
export class CampaignKitOneSignalApi implements ICredentialType {
	name = 'campaignKitOneSignalApi';

	displayName = 'Campaign Kit OneSignal API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-campaign-kit#onesignal';

	icon = { light: 'file:icons/onesignal.svg', dark: 'file:icons/onesignal.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName: 'App ID',
			name: 'appId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '8250eaf6-1a58-489e-b136-7c74a864b434',
			description: 'Settings → Keys & IDs in the OneSignal dashboard',
		},
		secretField('App API Key', 'apiKey', 'An App API key of this app (Settings → Keys & IDs)'),
		{
			displayName: 'Key Type',
			name: 'keyType',
			type: 'options',
			options: [
				{ name: 'App API Key (Current)', value: 'key' },
				{ name: 'Legacy REST API Key', value: 'legacy' },
			],
			default: 'key',
			description: 'Keys made before late 2024 are legacy REST API keys, sent the older way',
		},
		baseUrlField('https://api.onesignal.com', 'Leave empty for OneSignal\'s API; set it for a proxy or a test server'),
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '={{ $credentials.keyType === "legacy" ? "Basic" : "Key" }} {{ $credentials.apiKey }}' } },
	};

	// Listing the app's latest message needs the app's key and nothing else.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ $credentials.baseUrl || "https://api.onesignal.com" }}',
			url: '/notifications',
			qs: { app_id: '={{ $credentials.appId }}', limit: 1 },
			method: 'GET',
		},
	};
}
