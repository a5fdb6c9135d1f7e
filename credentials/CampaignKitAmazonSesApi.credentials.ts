import type { ICredentialDataDecryptedObject, ICredentialTestRequest, ICredentialType, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

import { baseUrlField } from './shared/fields';
import { encodeRfc3986, signRequest } from '../nodes/shared/channel/sigv4';

/**
 * Amazon SES v2 with an access key. Every request is signed (AWS Signature Version 4) here, in
 * the credential, because n8n calls `authenticate` for every attempt and for the credential
 * test: each retry gets a fresh signature, and the signature covers the exact body sent.
 * Prefixed name: n8n's own `aws` credential must not clash with ours.
 */
export class CampaignKitAmazonSesApi implements ICredentialType {
	name = 'campaignKitAmazonSesApi';

	displayName = 'Campaign Kit Amazon SES API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-campaign-kit#amazon-ses';

	icon = { light: 'file:icons/ses.svg', dark: 'file:icons/ses.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Region',
			name: 'region',
			type: 'string',
			default: 'us-east-1',
			required: true,
			placeholder: 'eu-west-1',
			description: 'The AWS region your SES identities are verified in',
		},
		{
			displayName: 'Access Key ID',
			name: 'accessKeyId',
			type: 'string',
			default: '',
			required: true,
			description: 'An IAM access key allowed to call ses:SendBulkEmail (and ses:GetAccount for the credential test)',
		},
		{
			displayName: 'Secret Access Key',
			name: 'secretAccessKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Session Token',
			name: 'sessionToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Only for temporary credentials (AWS STS)',
		},
		baseUrlField('https://email.us-east-1.amazonaws.com', 'Leave empty for the region\'s SES endpoint; set it for a VPC endpoint, a proxy or a test server'),
	];

	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const url = new URL(requestOptions.url, requestOptions.baseURL);
		// Query parameters go into the URL here, in the encoding the signature covers.
		const extra = Object.entries(requestOptions.qs ?? {}).filter(([, value]) => value !== undefined && value !== null);
		if (extra.length) {
			const pairs = [...url.searchParams, ...extra.map(([name, value]) => [name, String(value)])];
			url.search = pairs.map(([name, value]) => `${encodeRfc3986(name)}=${encodeRfc3986(value as string)}`).join('&');
		}
		const body = requestOptions.body === undefined || requestOptions.body === null || requestOptions.body === '' ? '' : typeof requestOptions.body === 'string' ? requestOptions.body : JSON.stringify(requestOptions.body);
		const signed = signRequest(
			{ method: requestOptions.method ?? 'GET', url: url.toString(), body },
			{
				accessKeyId: String(credentials.accessKeyId ?? '').trim(),
				secretAccessKey: String(credentials.secretAccessKey ?? '').trim(),
				sessionToken: String(credentials.sessionToken ?? '').trim() || undefined,
				region: String(credentials.region ?? '').trim(),
				service: 'ses',
			},
		);
		const signedRequest: IHttpRequestOptions = { ...requestOptions, url: url.toString(), headers: { ...requestOptions.headers, ...signed } };
		delete signedRequest.baseURL;
		delete signedRequest.qs;
		if (body) {
			signedRequest.body = body;
			signedRequest.headers = { 'Content-Type': 'application/json', ...signedRequest.headers };
		}
		return signedRequest;
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ $credentials.baseUrl || "https://email." + $credentials.region + ".amazonaws.com" }}',
			url: '/v2/email/account',
			method: 'GET',
		},
	};
}
