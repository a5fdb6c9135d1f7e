/** What a text message carries, as the SMS node builds it per contact and the provider adapters read it. */

/** The providers of the SMS channel, by parameter value. */
export type SmsProviderId = 'twilio' | 'telnyx';

export interface SmsContent {
	/** The finished text: merge tags filled in, links tagged. */
	text: string;
	/**
	 * Who it comes from, per provider: a number, alphanumeric sender ID or short code, or what the
	 * provider uses to pick one (Twilio's Messaging Service SID, Telnyx's messaging profile ID).
	 * Each provider has its own senders, so a fallback needs its own.
	 */
	from: Partial<Record<SmsProviderId, string>>;
}

/** Query parameter added to status callback URLs, so delivery events can be traced back to the send. */
export const KEY_FIELD = 'ck_idempotency_key';

/** `url` with the idempotency key added as a query parameter (before any #anchor). */
export function callbackUrl(url: string, key: string): string {
	const hashAt = url.indexOf('#');
	const base = hashAt === -1 ? url : url.slice(0, hashAt);
	const hash = hashAt === -1 ? '' : url.slice(hashAt);
	const separator = base.includes('?') ? (/[?&]$/.test(base) ? '' : '&') : '?';
	return `${base}${separator}${KEY_FIELD}=${encodeURIComponent(key)}${hash}`;
}
