/** The Email channel's providers, in the order the Provider parameter lists them. */
import type { ProviderInfo } from '../../shared/channel/description';
import type { Provider } from '../../shared/channel/types';
import type { EmailContent } from '../content';
import { postmark, type PostmarkSettings } from './postmark';
import { sendGrid } from './sendgrid';
import { ses, type SesSettings } from './ses';

export type EmailProviderSettings = PostmarkSettings & SesSettings;

export const EMAIL_PROVIDERS: readonly ProviderInfo[] = [
	{ id: 'sendGrid', name: 'SendGrid', credentialType: 'campaignKitSendGridApi' },
	{ id: 'ses', name: 'Amazon SES', credentialType: 'campaignKitAmazonSesApi' },
	{ id: 'postmark', name: 'Postmark', credentialType: 'campaignKitPostmarkApi' },
];

export function emailProvider(id: string, settings: EmailProviderSettings = {}): Provider<EmailContent> {
	if (id === 'sendGrid') return sendGrid();
	if (id === 'ses') return ses(settings);
	if (id === 'postmark') return postmark(settings);
	throw new Error(`Unknown email provider "${id}"`);
}
