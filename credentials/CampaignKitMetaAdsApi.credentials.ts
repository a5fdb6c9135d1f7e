import { createHmac } from 'node:crypto';

import type { ICredentialDataDecryptedObject, ICredentialTestRequest, ICredentialType, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

import { baseUrlField, graphApiVersionField, secretField } from './shared/fields';

/**
 * Meta Marketing API (Graph) with a user or system-user access token. With the app secret set,
 * every request also carries `appsecret_proof` = hex HMAC-SHA256(app secret, access token), which
 * apps that "require app secret" demand; a leaked token is then useless without the secret.
 * A function rather than a generic block, because the proof is a hash n8n's expressions cannot make.
 * Prefixed name: n8n's own `facebookGraphApi` must not clash with ours.
 */
export class CampaignKitMetaAdsApi implements ICredentialType {
	name = 'campaignKitMetaAdsApi';

	displayName = 'Campaign Kit Meta Ads API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-campaign-kit#meta-ads';

	icon = { light: 'file:icons/metaAds.svg', dark: 'file:icons/metaAds.dark.svg' } as const;

	properties: INodeProperties[] = [
		secretField('Access Token', 'accessToken', 'A system-user token (Business Settings → System Users) with ads_management and ads_read; a user token works too but expires'),
		{
			displayName: 'App Secret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Your app\'s secret, to sign every request with appsecret_proof; required when the app demands it',
		},
		{
			displayName: 'Ad Account ID',
			name: 'adAccountId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'act_1234567890',
			description: 'The ad account the node works in, with or without "act_"',
		},
		graphApiVersionField('The Graph API version, e.g. v24.0; Meta supports each for about two years'),
		baseUrlField('https://graph.facebook.com', 'Leave empty for graph.facebook.com; set it for a proxy or a test server'),
	];

	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const token = String(credentials.accessToken ?? '');
		const secret = String(credentials.appSecret ?? '');
		const options: IHttpRequestOptions = { ...requestOptions, headers: { ...requestOptions.headers, Authorization: `Bearer ${token}` } };
		if (secret) options.qs = { ...requestOptions.qs, appsecret_proof: createHmac('sha256', secret).update(token).digest('hex') };
		return options;
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ $credentials.baseUrl || "https://graph.facebook.com" }}',
			url: '={{ "/" + ($credentials.apiVersion || "v24.0") + "/" + ($credentials.adAccountId.startsWith("act_") ? $credentials.adAccountId : "act_" + $credentials.adAccountId) }}',
			qs: { fields: 'name,currency,account_status' },
			method: 'GET',
		},
	};
}
