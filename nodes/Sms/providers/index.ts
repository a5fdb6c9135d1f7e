/** The SMS channel's providers, in the order the Provider parameter lists them. */
import type { ProviderInfo } from '../../shared/channel/description';
import type { Provider } from '../../shared/channel/types';
import type { SmsContent } from '../content';
import { telnyx, type TelnyxSettings } from './telnyx';
import { twilio, type TwilioSettings } from './twilio';

export type SmsProviderSettings = TwilioSettings & TelnyxSettings;

export const SMS_PROVIDERS: readonly ProviderInfo[] = [
	{ id: 'twilio', name: 'Twilio', credentialType: 'campaignKitTwilioApi' },
	{ id: 'telnyx', name: 'Telnyx', credentialType: 'campaignKitTelnyxApi' },
];

export function smsProvider(id: string, settings: SmsProviderSettings = {}): Provider<SmsContent> {
	if (id === 'twilio') return twilio(settings);
	if (id === 'telnyx') return telnyx(settings);
	throw new Error(`Unknown SMS provider "${id}"`);
}
