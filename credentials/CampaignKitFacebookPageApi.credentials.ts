import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { baseUrlField, bearerAccessToken, graphApiVersionField, secretField } from './shared/fields';

/**
 * Posting to a Facebook Page (Graph API): a Page access token with `pages_manage_posts` and
 * `pages_read_engagement`, and the Page's ID. A credential of its own, not Meta Ads': a Page
 * token belongs to one Page and publishes; an ads token manages an ad account.
 */
export class CampaignKitFacebookPageApi implements ICredentialType {
	name = 'campaignKitFacebookPageApi';

	displayName = 'Campaign Kit Facebook Page API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-campaign-kit#facebook-page';

	icon = { light: 'file:icons/facebook.svg', dark: 'file:icons/facebook.dark.svg' } as const;

	properties: INodeProperties[] = [
		secretField('Page Access Token', 'accessToken', 'A Page access token (GET /me/accounts with a user token lists them); long-lived Page tokens do not expire'),
		{
			displayName: 'Page ID',
			name: 'pageId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '104000000000000',
		},
		graphApiVersionField(),
		baseUrlField('https://graph.facebook.com', 'Leave empty for graph.facebook.com; set it for a proxy or a test server'),
	];

	authenticate: IAuthenticateGeneric = bearerAccessToken();

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ $credentials.baseUrl || "https://graph.facebook.com" }}',
			url: '={{ "/" + ($credentials.apiVersion || "v24.0") + "/" + $credentials.pageId }}',
			qs: { fields: 'name' },
			method: 'GET',
		},
	};
}
