import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { baseUrlField, bearerAccessToken, secretField } from './shared/fields';

/**
 * Pinterest API v5 with an access token that is pasted in (the developer portal makes one for
 * your own account, valid 30 days). The alternative is CampaignKitPinterestOAuth2Api, where n8n
 * runs the sign-in and refreshes the token.
 */
export class CampaignKitPinterestApi implements ICredentialType {
	name = 'campaignKitPinterestApi';

	displayName = 'Campaign Kit Pinterest Access Token API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-campaign-kit#pinterest';

	icon = { light: 'file:icons/pinterest.svg', dark: 'file:icons/pinterest.dark.svg' } as const;

	properties: INodeProperties[] = [
		secretField('Access Token', 'accessToken', 'A user access token with the scopes boards:read, pins:read and pins:write'),
		baseUrlField('https://api.pinterest.com', 'Leave empty for Pinterest\'s API (https://api-sandbox.pinterest.com for the sandbox); set it for a proxy or a test server'),
	];

	authenticate: IAuthenticateGeneric = bearerAccessToken();

	test: ICredentialTestRequest = {
		request: { baseURL: '={{ $credentials.baseUrl || "https://api.pinterest.com" }}', url: '/v5/user_account', method: 'GET' },
	};
}
