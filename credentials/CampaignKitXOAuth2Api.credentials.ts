import type { ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { baseUrlField, oAuth2Fields } from './shared/fields';

/**
 * X (Twitter) API v2 through n8n's OAuth2 sign-in: Authorization Code with PKCE, the flow X
 * requires for posting on a user's behalf. `offline.access` gives a refresh token, which n8n uses
 * when the two-hour access token expires. Create an app in X's developer portal (type: Web App,
 * confidential client) and paste its Client ID and Client Secret.
 */
export class CampaignKitXOAuth2Api implements ICredentialType {
	name = 'campaignKitXOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Campaign Kit X OAuth2 API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-campaign-kit#x';

	icon = { light: 'file:icons/x.svg', dark: 'file:icons/x.dark.svg' } as const;

	properties: INodeProperties[] = [
		...oAuth2Fields({
			grantType: 'pkce',
			authUrl: 'https://x.com/i/oauth2/authorize',
			accessTokenUrl: 'https://api.x.com/2/oauth2/token',
			scope: 'tweet.read tweet.write users.read media.write offline.access',
		}),
		baseUrlField('https://api.x.com', 'Leave empty for X\'s API; set it for a proxy or a test server'),
	];

	test: ICredentialTestRequest = {
		request: { baseURL: '={{ $credentials.baseUrl || "https://api.x.com" }}', url: '/2/users/me', method: 'GET' },
	};
}
