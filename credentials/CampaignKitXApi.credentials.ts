import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { baseUrlField, bearerAccessToken, secretField } from './shared/fields';

/**
 * X (Twitter) API v2 with a user access token (OAuth 2.0 user context) that is pasted in, for
 * tokens made outside n8n. The alternative is CampaignKitXOAuth2Api, where n8n runs the sign-in.
 * Prefixed: n8n's own twitterOAuth2Api must not clash with ours.
 */
export class CampaignKitXApi implements ICredentialType {
	name = 'campaignKitXApi';

	displayName = 'Campaign Kit X Access Token API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-campaign-kit#x';

	icon = { light: 'file:icons/x.svg', dark: 'file:icons/x.dark.svg' } as const;

	properties: INodeProperties[] = [
		secretField('Access Token', 'accessToken', 'An OAuth 2.0 user access token with the scopes tweet.read, tweet.write, users.read and media.write'),
		baseUrlField('https://api.x.com', 'Leave empty for X\'s API; set it for a proxy or a test server'),
	];

	authenticate: IAuthenticateGeneric = bearerAccessToken();

	test: ICredentialTestRequest = {
		request: { baseURL: '={{ $credentials.baseUrl || "https://api.x.com" }}', url: '/2/users/me', method: 'GET' },
	};
}
