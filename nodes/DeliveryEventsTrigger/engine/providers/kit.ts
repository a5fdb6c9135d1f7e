/**
 * Kit (ConvertKit v4) webhooks: JSON `{ subscriber: {…} }`, signed with X-Kit-Signature
 * "t=<epoch seconds>,v1=<hex HMAC-SHA256(secret, "{t}.{raw body}")>". Kit sends one event type per
 * registered webhook and the body does not name it: register the URL with `?event=<Kit event>`.
 */
import { fresh, hmac, isoTime, missing, OK, parseJson, reject, sameSecret, text } from '../signatures';
import type { DeliveryEventType, ProviderAdapter } from '../types';

const TYPES: Record<string, DeliveryEventType> = {
	'subscriber.subscriber_unsubscribe': 'unsubscribed',
	'subscriber.subscriber_bounce': 'bounced',
	'subscriber.subscriber_complain': 'complained',
	'subscriber.link_click': 'clicked',
};

export const kit: ProviderAdapter = {
	channel: 'email',
	verify(request, secrets, options) {
		if (!secrets.signingSecret) return missing('Signing Secret', 'Kit');
		const header = request.headers['x-kit-signature'];
		if (!header) return reject('the X-Kit-Signature header is missing');
		const parts = Object.fromEntries(header.split(',').map((part) => part.trim().split('=') as [string, string]));
		const age = fresh(parts.t, options);
		if (!age.ok) return age;
		if (!parts.v1) return reject('the X-Kit-Signature header has no v1 signature');
		const expected = hmac('sha256', secrets.signingSecret, Buffer.concat([Buffer.from(`${parts.t}.`), request.rawBody])).toString('hex');
		return sameSecret(parts.v1, expected) ? OK : reject('the Kit signature does not match the body');
	},
	normalise(request) {
		const body = parseJson(request.rawBody) as { subscriber?: Record<string, unknown> };
		const subscriber = body.subscriber ?? {};
		const event = request.query.event ?? '';
		return [
			{
				provider: 'kit',
				channel: 'email',
				type: TYPES[event] ?? 'other',
				providerType: event,
				messageId: null,
				recipient: text(subscriber.email_address),
				timestamp: isoTime(undefined),
				raw: body,
			},
		];
	},
};
