/**
 * Twilio status callbacks: form-encoded, signed with X-Twilio-Signature = base64 HMAC-SHA1(auth
 * token, the full URL + every form parameter sorted by name as name+value). A JSON body is signed
 * over the URL alone, whose bodySHA256 parameter must then match the body.
 */
import { createHash } from 'node:crypto';

import { eventIdOf, formPairs, hmac, isoTime, lookup, missing, OK, parseJson, reject, sameSecret, text } from '../signatures';
import type { DeliveryEventType, ProviderAdapter, WebhookRequest } from '../types';

const TYPES: Record<string, DeliveryEventType> = {
	sent: 'sent',
	delivered: 'delivered',
	read: 'opened',
	undelivered: 'failed',
	failed: 'failed',
};

const isJson = (request: WebhookRequest) => (request.headers['content-type'] ?? '').includes('json');

/** Twilio may sign the URL with or without the port; accept either, as its own helper does. */
function urlVariants(url: string): string[] {
	const parsed = new URL(url);
	const origin = `${parsed.protocol}//${parsed.hostname}`;
	const rest = `${parsed.pathname}${parsed.search}`;
	const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
	return [...new Set([url, `${origin}${rest}`, `${origin}:${port}${rest}`])];
}

export function twilioSignature(authToken: string, url: string, pairs: Array<[string, string]>): string {
	const sorted = [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	return hmac('sha1', authToken, url + sorted.map(([name, value]) => name + value).join('')).toString('base64');
}

export const twilio: ProviderAdapter = {
	channel: 'sms',
	verify(request, secrets) {
		if (!secrets.signingSecret) return missing('Signing Secret (your Twilio Auth Token)', 'Twilio');
		const signature = request.headers['x-twilio-signature'];
		if (!signature) return reject('the X-Twilio-Signature header is missing');
		const pairs = isJson(request) ? [] : formPairs(request.rawBody);
		const signed = urlVariants(request.url).some((url) => sameSecret(twilioSignature(secrets.signingSecret!, url, pairs), signature));
		if (!signed) {
			return reject(
				`the Twilio signature does not match ${request.url} and its parameters (behind a proxy, set the trigger's Public URL to the URL Twilio calls)`,
			);
		}
		if (isJson(request)) {
			const expected = new URL(request.url).searchParams.get('bodySHA256');
			const actual = createHash('sha256').update(request.rawBody).digest('hex');
			if (!expected || !sameSecret(expected, actual)) return reject('the body does not match the signed bodySHA256');
		}
		return OK;
	},
	normalise(request) {
		const fields: Record<string, string> = isJson(request)
			? (parseJson(request.rawBody) as Record<string, string>)
			: Object.fromEntries(formPairs(request.rawBody));
		const status = fields.MessageStatus ?? fields.SmsStatus ?? '';
		return [
			{
				provider: 'twilio',
				channel: 'sms',
				type: lookup(TYPES, status) ?? 'other',
				providerType: status,
				eventId: eventIdOf([fields.MessageSid ?? fields.SmsSid, status], fields),
				messageId: text(fields.MessageSid ?? fields.SmsSid),
				recipient: text(fields.To),
				// Status callbacks carry no event time: the time of receipt is the best there is.
				timestamp: isoTime(fields.Timestamp),
				raw: fields,
			},
		];
	},
};
