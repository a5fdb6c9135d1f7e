/** What a push notification carries, as the Push node builds it per contact and the provider adapters read it. */

/**
 * Who it goes to: a device (Firebase registration token), everyone subscribed to a Firebase topic,
 * a OneSignal subscription, or every push subscription of a OneSignal user (their External ID).
 */
export type PushTarget = 'token' | 'topic' | 'subscription' | 'externalId';

export interface PushContent {
	target: PushTarget;
	/** Absent: the notification shows the app's name. */
	title?: string;
	body: string;
	/** Key-value data for the app (Firebase wants string values: the adapter converts). */
	data?: Record<string, unknown>;
	/** Opened when the notification is tapped (UTM-tagged). */
	url?: string;
}

/** Data key every provider gets, so the app (and OneSignal's events) can trace the send. */
export const KEY_FIELD = 'ck_idempotency_key';
