/**
 * Kit (ConvertKit v4) webhooks: JSON `{ subscriber: {…} }`, signed with X-Kit-Signature
 * "t=<epoch seconds>,v1=<hex HMAC-SHA256(secret, "{t}.{raw body}")>". Kit sends one event type per
 * registered webhook and neither the body nor the signature names it, so the type is the node's
 * Kit Event setting: a `?event=` in the URL is not signed, and one that differs is refused (a
 * captured click replayed as an unsubscribe).
 */
import { shortened } from '../../../shared/show';
import { eventIdOf, fieldOf, fresh, hmac, isoTime, lookup, missing, objectOf, OK, parseJson, reject, sameSecret, text } from '../signatures';
import type { DeliveryEventType, ProviderAdapter, WebhookRequest } from '../types';

export const KIT_EVENTS: Record<string, DeliveryEventType> = {
	'subscriber.subscriber_unsubscribe': 'unsubscribed',
	'subscriber.subscriber_bounce': 'bounced',
	'subscriber.subscriber_complain': 'complained',
	'subscriber.link_click': 'clicked',
};

export const DEFAULT_KIT_EVENT = 'subscriber.subscriber_unsubscribe';

const signatureParts = (request: WebhookRequest): Record<string, string | undefined> =>
	Object.fromEntries((request.headers['x-kit-signature'] ?? '').split(',').map((part) => part.trim().split('=') as [string, string]));

export const kit: ProviderAdapter = {
	channel: 'email',
	verify(request, secrets, options) {
		if (!secrets.signingSecret) return missing('Signing Secret', 'Kit');
		if (!request.headers['x-kit-signature']) return reject('the X-Kit-Signature header is missing');
		const parts = signatureParts(request);
		const age = fresh(parts.t, options);
		if (!age.ok) return age;
		if (!parts.v1) return reject('the X-Kit-Signature header has no v1 signature');
		const expected = hmac('sha256', secrets.signingSecret, Buffer.concat([Buffer.from(`${parts.t}.`), request.rawBody])).toString('hex');
		if (!sameSecret(parts.v1, expected)) return reject('the Kit signature does not match the body');
		const asked = request.query.event;
		const allowed = options.eventType ?? DEFAULT_KIT_EVENT;
		if (asked !== undefined && asked !== allowed) {
			return reject(
				`the URL asks for event ${JSON.stringify(shortened(asked, 80))}, which Kit's signature does not cover and the node's Kit Event (${allowed}) does not allow`,
			);
		}
		return OK;
	},
	normalise(request, settings = {}) {
		const body = parseJson(request.rawBody);
		const subscriber = objectOf(fieldOf(body, 'subscriber'));
		const event = settings.eventType ?? DEFAULT_KIT_EVENT;
		return [
			{
				provider: 'kit',
				channel: 'email',
				type: lookup(KIT_EVENTS, event) ?? 'other',
				providerType: event,
				// Kit has no event id: the subscriber, the event and the signed time name it.
				eventId: eventIdOf([subscriber.id, event, signatureParts(request).t], body),
				messageId: null,
				recipient: text(subscriber.email_address),
				timestamp: isoTime(undefined),
				raw: body,
			},
		];
	},
};
