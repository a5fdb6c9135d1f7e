/**
 * Fields and pieces several credentials share; each a function, so every credential gets its own
 * objects. Not a credential itself (the name does not end in .credentials.ts), so n8n does not
 * load it and package.json does not list it; tsc compiles it next to the credentials that import it.
 */
import type { IAuthenticateGeneric, IHttpRequestHelper, INodeProperties } from 'n8n-workflow';

/** The Base URL every credential has: empty for the provider's own API, set for a proxy or a test server. */
export const baseUrlField = (placeholder: string, description: string): INodeProperties => ({
	displayName: 'Base URL',
	name: 'baseUrl',
	type: 'string',
	default: '',
	placeholder,
	description,
});

/** A pasted-in secret the credential needs: an API key, an access token, a server token. */
export const secretField = (displayName: string, name: string, description: string): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	typeOptions: { password: true },
	default: '',
	required: true,
	description,
});

/** Meta's Graph API version, for the Facebook Page, Instagram and Meta Ads credentials. */
export const graphApiVersionField = (description = 'The Graph API version, e.g. v24.0'): INodeProperties => ({
	displayName: 'API Version',
	name: 'apiVersion',
	type: 'string',
	default: 'v24.0',
	description,
});

/** The access token field as a Bearer header. */
export const bearerAccessToken = (): IAuthenticateGeneric => ({
	type: 'generic',
	properties: { headers: { Authorization: '=Bearer {{ $credentials.accessToken }}' } },
});

/**
 * The hidden settings of a credential that extends n8n's oAuth2Api. Pinterest and X both want a
 * confidential client's ID and secret in a Basic header on the token request ('header').
 */
export const oAuth2Fields = ({ grantType, authUrl, accessTokenUrl, scope }: { grantType: 'authorizationCode' | 'pkce'; authUrl: string; accessTokenUrl: string; scope: string }): INodeProperties[] => [
	{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: grantType },
	{ displayName: 'Authorization URL', name: 'authUrl', type: 'hidden', default: authUrl },
	{ displayName: 'Access Token URL', name: 'accessTokenUrl', type: 'hidden', default: accessTokenUrl },
	{ displayName: 'Scope', name: 'scope', type: 'hidden', default: scope },
	{ displayName: 'Auth URI Query Parameters', name: 'authQueryParameters', type: 'hidden', default: '' },
	{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'header' },
];

/** The app's client secret, for credentials that exchange a refresh token themselves. */
export const clientSecretField = (): INodeProperties => ({
	displayName: 'Client Secret',
	name: 'clientSecret',
	type: 'string',
	typeOptions: { password: true },
	default: '',
	required: true,
});

/**
 * The short-lived access token n8n keeps for a credential whose `preAuthentication` makes it:
 * `expirable`, so n8n runs preAuthentication when it is empty and again after a 401, and saves
 * it with the credential (workers in queue mode share it).
 */
export const expirableAccessTokenField = (): INodeProperties => ({
	displayName: 'Access Token',
	name: 'accessToken',
	type: 'hidden',
	typeOptions: { expirable: true, password: true },
	default: '',
});

export interface TokenAnswer {
	access_token?: string;
	error?: string;
	error_description?: string;
}

/**
 * POSTs a refresh-token grant (form-encoded) to a token endpoint and reads its JSON answer. Asked
 * for as text (json: false) and parsed here, whatever content type the endpoint answers with.
 */
export async function postTokenForm(helper: IHttpRequestHelper, url: string, form: Record<string, string>, contentType: string): Promise<TokenAnswer> {
	const answer = (await helper.helpers.httpRequest({
		method: 'POST',
		url,
		headers: { 'Content-Type': contentType, Accept: 'application/json' },
		body: new URLSearchParams(form).toString(),
		json: false,
	})) as string | TokenAnswer;
	return typeof answer === 'string' ? (JSON.parse(answer) as TokenAnswer) : answer;
}
