import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { baseUrlField, bearerAccessToken, graphApiVersionField, secretField } from './shared/fields';

/**
 * Instagram content publishing (Graph API) for a professional (business or creator) account: an
 * access token with `instagram_content_publish` (and `instagram_basic`), and the account's ID.
 * Tokens from Facebook Login use graph.facebook.com; tokens from Instagram Login use
 * graph.instagram.com (set it as Base URL). A credential of its own, not Meta Ads': that one
 * holds an ad account and an ads token, neither of which publishes posts.
 */
export class CampaignKitInstagramApi implements ICredentialType {
	name = 'campaignKitInstagramApi';

	displayName = 'Campaign Kit Instagram API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-campaign-kit#instagram';

	icon = { light: 'file:icons/instagram.svg', dark: 'file:icons/instagram.dark.svg' } as const;

	properties: INodeProperties[] = [
		secretField('Access Token', 'accessToken', 'A long-lived user or system-user token with instagram_basic and instagram_content_publish'),
		{
			displayName: 'Instagram Account ID',
			name: 'accountId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '17841400000000000',
			description: 'The Instagram professional account\'s ID (GET /me/accounts?fields=instagram_business_account shows it)',
		},
		graphApiVersionField(),
		baseUrlField('https://graph.facebook.com', 'Leave empty for graph.facebook.com; https://graph.instagram.com for Instagram Login tokens; or a proxy or test server'),
	];

	authenticate: IAuthenticateGeneric = bearerAccessToken();

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ $credentials.baseUrl || "https://graph.facebook.com" }}',
			url: '={{ "/" + ($credentials.apiVersion || "v24.0") + "/" + $credentials.accountId }}',
			qs: { fields: 'username' },
			method: 'GET',
		},
	};
}
