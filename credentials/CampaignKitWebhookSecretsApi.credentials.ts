import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * What the Delivery Events Trigger checks incoming provider callbacks against. Each provider uses
 * one or two of the fields; the others stay empty.
 */
// These secrets verify requests made TO n8n; there is no provider API to test them against and no
// base URL to call.
// eslint-disable-next-line @n8n/community-nodes/credential-test-required
export class CampaignKitWebhookSecretsApi implements ICredentialType {
	name = 'campaignKitWebhookSecretsApi';

	displayName = 'Campaign Kit Delivery Webhook Secrets API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-campaign-kit#delivery-events-trigger';

	icon = { light: 'file:webhookSecrets.svg', dark: 'file:webhookSecrets.dark.svg' } as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Signing Secret',
			name: 'signingSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Twilio: your Auth Token. Kit: the webhook secret. Meta: your app secret. Mailchimp: the secret you put in the webhook URL as ?secret=…',
		},
		{
			displayName: 'Public Verification Key',
			name: 'publicKey',
			// A public key is not a secret: shown in clear (the older plugin hides anything named "key").
			// eslint-disable-next-line n8n-nodes-base/cred-class-field-type-options-password-missing
			type: 'string',
			default: '',
			description:
				'SendGrid: the verification key from Settings → Mail Settings → Signed Event Webhook. Telnyx: the public key from Mission Control → Keys & Credentials.',
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			description: 'Postmark: the user in the webhook URL (https://user:password@…)',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Postmark: the password in the webhook URL',
		},
		{
			displayName: 'Verify Token',
			name: 'verifyToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Meta: the verify token you entered when subscribing the webhook',
		},
	];
}
