import type { ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { baseUrlField, oAuth2Fields } from './shared/fields';

/**
 * Pinterest API v5 through n8n's OAuth2 sign-in (Authorization Code; Pinterest wants the app's ID
 * and secret in a Basic header on the token request). n8n refreshes the 30-day access token with
 * the refresh token Pinterest gives.
 */
export class CampaignKitPinterestOAuth2Api implements ICredentialType {
	name = 'campaignKitPinterestOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Campaign Kit Pinterest OAuth2 API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-campaign-kit#pinterest';

	icon = { light: 'file:icons/pinterest.svg', dark: 'file:icons/pinterest.dark.svg' } as const;

	properties: INodeProperties[] = [
		...oAuth2Fields({
			grantType: 'authorizationCode',
			authUrl: 'https://www.pinterest.com/oauth/',
			accessTokenUrl: 'https://api.pinterest.com/v5/oauth/token',
			scope: 'boards:read,pins:read,pins:write,user_accounts:read',
		}),
		baseUrlField('https://api.pinterest.com', 'Leave empty for Pinterest\'s API; set it for a proxy or a test server'),
	];

	test: ICredentialTestRequest = {
		request: { baseURL: '={{ $credentials.baseUrl || "https://api.pinterest.com" }}', url: '/v5/user_account', method: 'GET' },
	};
}
