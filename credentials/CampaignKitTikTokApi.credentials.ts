import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	INodeProperties,
} from 'n8n-workflow';

import { baseUrlField, clientSecretField, expirableAccessTokenField, postTokenForm, secretField } from './shared/fields';

/**
 * TikTok Content Posting API with OAuth2 user tokens, the only kind TikTok accepts for posting
 * (scope `video.publish`). TikTok's sign-in names the app `client_key` where n8n's OAuth2 flow
 * sends `client_id`, so n8n's flow cannot sign in to TikTok; instead the credential takes the
 * refresh token TikTok gave when the creator authorised the app (valid a year) and exchanges it
 * with TikTok's token endpoint (`grant_type=refresh_token`) for the 24-hour access token.
 *
 * n8n's own mechanism for short-lived tokens does the exchange: the hidden `accessToken` field is
 * `expirable`, and `preAuthentication` fills it when it is empty and again when TikTok answers 401;
 * n8n saves it with the credential, so workers in queue mode share it.
 */
export class CampaignKitTikTokApi implements ICredentialType {
	name = 'campaignKitTikTokApi';

	displayName = 'Campaign Kit TikTok API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-campaign-kit#tiktok';

	icon = { light: 'file:icons/tiktok.svg', dark: 'file:icons/tiktok.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Client Key',
			name: 'clientKey',
			// TikTok's name for the client ID: public, not a secret.
			// eslint-disable-next-line n8n-nodes-base/cred-class-field-type-options-password-missing
			type: 'string',
			default: '',
			required: true,
			description: 'Your app\'s client key (TikTok for Developers → your app → App details)',
		},
		clientSecretField(),
		secretField('Refresh Token', 'refreshToken', 'The refresh token from the creator\'s authorisation of your app, with the scope video.publish'),
		baseUrlField('https://open.tiktokapis.com', 'Leave empty for TikTok\'s API (the token endpoint is on the same host); set it for a proxy or a test server'),
		expirableAccessTokenField(),
	];

	/** Exchanges the refresh token for an access token (POST /v2/oauth/token/, form-encoded). */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		const base = (String(credentials.baseUrl ?? '').trim() || 'https://open.tiktokapis.com').replace(/\/+$/, '');
		const parsed = await postTokenForm(
			this,
			`${base}/v2/oauth/token/`,
			{
				client_key: String(credentials.clientKey ?? ''),
				client_secret: String(credentials.clientSecret ?? ''),
				grant_type: 'refresh_token',
				refresh_token: String(credentials.refreshToken ?? ''),
			},
			'application/x-www-form-urlencoded',
		);
		if (!parsed?.access_token) {
			throw new Error(`TikTok gave no access token${parsed?.error ? `: ${parsed.error}${parsed.error_description ? ` (${parsed.error_description})` : ''}` : ''}`);
		}
		return { accessToken: parsed.access_token };
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
	};

	// The creator's posting settings: checks the token and the video.publish scope.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ $credentials.baseUrl || "https://open.tiktokapis.com" }}',
			url: '/v2/post/publish/creator_info/query/',
			method: 'POST',
		},
	};
}
