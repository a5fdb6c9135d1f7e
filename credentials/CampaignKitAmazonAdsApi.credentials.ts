import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	INodeProperties,
} from 'n8n-workflow';

import { AMAZON_ADS_REGIONS, regionOf } from '../nodes/AmazonAds/engine/regions';
import { baseUrlField, clientSecretField, expirableAccessTokenField, postTokenForm } from './shared/fields';

/**
 * Amazon Ads with Login with Amazon (LWA): the refresh token an app gets once, when the advertiser
 * authorises it, is exchanged for a one-hour access token.
 *
 * The exchange is n8n's own mechanism for short-lived tokens: the hidden `accessToken` field is
 * `expirable`, and `preAuthentication` fills it. n8n runs it when the field is empty and again
 * when Amazon answers 401 (the token expired), saves the new token with the credential (so workers
 * in queue mode share it, and one token serves many executions), and resends the request once.
 * n8n's OAuth2 credential type would need the authorisation-code flow in the browser; advertisers
 * and agencies already hold a refresh token, which this takes directly.
 *
 * Prefixed name: n8n's own credential names must not clash with ours.
 */
export class CampaignKitAmazonAdsApi implements ICredentialType {
	name = 'campaignKitAmazonAdsApi';

	displayName = 'Campaign Kit Amazon Ads API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-campaign-kit#amazon-ads';

	icon = { light: 'file:icons/amazonAds.svg', dark: 'file:icons/amazonAds.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'amzn1.application-oa2-client.…',
			description: 'The client ID of your Login with Amazon security profile; also sent as Amazon-Advertising-API-ClientId',
		},
		clientSecretField(),
		{
			displayName: 'Refresh Token',
			name: 'refreshToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'Atzr|…',
			description: 'The refresh token from the advertiser\'s authorisation of your app',
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			options: [
				{ name: 'North America (NA)', value: 'NA' },
				{ name: 'Europe (EU)', value: 'EU' },
				{ name: 'Far East (FE)', value: 'FE' },
			],
			default: 'NA',
			description: 'The advertising region of the profile: it picks the API host and the Login with Amazon host',
		},
		{
			displayName: 'Profile ID',
			name: 'profileId',
			type: 'string',
			default: '',
			required: true,
			description: 'The advertiser profile (one marketplace of one account), sent as Amazon-Advertising-API-Scope. GET /v2/profiles lists them.',
		},
		baseUrlField('https://advertising-api.amazon.com', 'Leave empty for the region\'s API host; set it for a proxy or a test server'),
		{
			displayName: 'Login with Amazon URL',
			name: 'authUrl',
			type: 'string',
			default: '',
			placeholder: 'https://api.amazon.com/auth/o2/token',
			description: 'Leave empty for the region\'s Login with Amazon endpoint; set it for a proxy or a test server',
		},
		expirableAccessTokenField(),
	];

	/** Exchanges the refresh token for an access token (Login with Amazon, grant_type=refresh_token). */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		const url = String(credentials.authUrl ?? '').trim() || AMAZON_ADS_REGIONS[regionOf(credentials.region)].token;
		const parsed = await postTokenForm(
			this,
			url,
			{
				grant_type: 'refresh_token',
				refresh_token: String(credentials.refreshToken ?? ''),
				client_id: String(credentials.clientId ?? ''),
				client_secret: String(credentials.clientSecret ?? ''),
			},
			'application/x-www-form-urlencoded;charset=UTF-8',
		);
		if (!parsed?.access_token) throw new Error('Login with Amazon answered without an access token');
		return { accessToken: parsed.access_token };
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.accessToken}}',
				'Amazon-Advertising-API-ClientId': '={{$credentials.clientId}}',
				'Amazon-Advertising-API-Scope': '={{$credentials.profileId}}',
			},
		},
	};

	// Lists the profiles the token may use: checks the refresh token, the client and the region.
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ $credentials.baseUrl || ($credentials.region === "EU" ? "https://advertising-api-eu.amazon.com" : $credentials.region === "FE" ? "https://advertising-api-fe.amazon.com" : "https://advertising-api.amazon.com") }}',
			url: '/v2/profiles',
			method: 'GET',
		},
	};
}
