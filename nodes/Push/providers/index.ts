/** The Push channel's providers, in the order the Provider parameter lists them. */
import type { ProviderInfo } from '../../shared/channel/description';
import type { Provider } from '../../shared/channel/types';
import type { PushContent } from '../content';
import { fcm } from './fcm';
import { oneSignal, type OneSignalSettings } from './onesignal';

export type PushProviderSettings = OneSignalSettings;

export const PUSH_PROVIDERS: readonly ProviderInfo[] = [
	{ id: 'fcm', name: 'Firebase Cloud Messaging', credentialType: 'campaignKitFirebaseApi' },
	{ id: 'oneSignal', name: 'OneSignal', credentialType: 'campaignKitOneSignalApi' },
];

/** A device token belongs to one push service, so Push offers no fallback between providers. */
export const PUSH_CHOICE = { fallback: false } as const;

export function pushProvider(id: string, settings: PushProviderSettings = {}): Provider<PushContent> {
	if (id === 'fcm') return fcm();
	if (id === 'oneSignal') return oneSignal(settings);
	throw new Error(`Unknown push provider "${id}"`);
}
