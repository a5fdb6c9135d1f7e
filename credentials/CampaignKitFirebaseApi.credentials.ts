import type { ICredentialDataDecryptedObject, ICredentialTestRequest, ICredentialType, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

import { baseUrlField } from './shared/fields';
import {
	FIREBASE_MESSAGING_SCOPE,
	GOOGLE_TOKEN_URL,
	requestTarget,
	sameEndpoint,
	serviceAccount,
	tokenAssertion,
	tokenRequestBody,
} from '../nodes/shared/channel/jwt';

/**
 * Firebase Cloud Messaging (HTTP v1) with a Google service account. Sending needs an OAuth2
 * access token, which the service account buys at Google's token endpoint with a JWT signed by
 * its private key (RS256). The signing happens here, for requests to the token endpoint only, so
 * the key never leaves the credential: the Push node asks for a token once per execution and
 * sends it as a Bearer token itself. The credential test asks for a token, which proves the
 * key, the address and that the key is still active.
 */
export class CampaignKitFirebaseApi implements ICredentialType {
	name = 'campaignKitFirebaseApi';

	displayName = 'Campaign Kit Firebase Cloud Messaging API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-campaign-kit#firebase-cloud-messaging';

	icon = { light: 'file:icons/fcm.svg', dark: 'file:icons/fcm.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Service Account Key',
			name: 'format',
			type: 'options',
			options: [
				{ name: 'Paste the JSON Key File', value: 'json' },
				{ name: 'Enter Its Fields', value: 'fields' },
			],
			default: 'json',
			description: 'Firebase console → Project settings → Service accounts → Generate new private key downloads the JSON file',
		},
		// The key file holds the private key: hidden like any secret.
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'Service Account JSON',
			name: 'serviceAccountJson',
			type: 'string',
			typeOptions: { password: true, rows: 6 },
			default: '',
			required: true,
			displayOptions: { show: { format: ['json'] } },
			placeholder: '{ "type": "service_account", "project_id": "…", "private_key": "…", "client_email": "…" }',
			description: 'The whole key file, from { to }',
		},
		{
			displayName: 'Project ID',
			name: 'projectId',
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { format: ['fields'] } },
			placeholder: 'my-app-12345',
			description: 'Firebase console → Project settings → General',
		},
		{
			displayName: 'Client Email',
			name: 'clientEmail',
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { format: ['fields'] } },
			placeholder: 'firebase-adminsdk-abc12@my-app-12345.iam.gserviceaccount.com',
		},
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			required: true,
			displayOptions: { show: { format: ['fields'] } },
			placeholder: '-----BEGIN PRIVATE KEY-----…',
			description: 'The private_key value of the key file; \\n as typed in the file is fine',
		},
		baseUrlField('https://fcm.googleapis.com', 'Leave empty for Firebase\'s API; set it for a proxy or a test server'),
		{
			displayName: 'Token URL',
			name: 'oauthUrl',
			type: 'string',
			default: '',
			placeholder: GOOGLE_TOKEN_URL,
			description: 'Leave empty for Google\'s token endpoint; set it for a proxy or a test server',
		},
	];

	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const target = requestTarget(requestOptions.url, requestOptions.baseURL);
		const tokenUrl = String(credentials.oauthUrl ?? '').trim() || GOOGLE_TOKEN_URL;
		// Requests to Firebase carry the access token the node put there.
		if ((requestOptions.method ?? 'GET').toUpperCase() !== 'POST' || !sameEndpoint(target, tokenUrl)) return requestOptions;
		const assertion = tokenAssertion(serviceAccount(credentials), FIREBASE_MESSAGING_SCOPE, Date.now());
		const signed: IHttpRequestOptions = {
			...requestOptions,
			url: target,
			headers: { ...requestOptions.headers, 'Content-Type': 'application/x-www-form-urlencoded' },
			body: tokenRequestBody(assertion),
		};
		delete signed.baseURL;
		return signed;
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{ $credentials.oauthUrl || "${GOOGLE_TOKEN_URL}" }}`,
			url: '',
			method: 'POST',
		},
	};
}
