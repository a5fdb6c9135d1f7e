/**
 * Postmark webhooks: one JSON event per request (RecordType Delivery, Bounce, SpamComplaint, Open,
 * Click, SubscriptionChange). Postmark signs nothing; it sends the Basic-auth user and password you
 * put in the webhook URL, which are checked here.
 */
import { eventIdOf, isoTime, lookup, missing, objectOf, OK, parseJson, reject, sameSecret, text } from '../signatures';
import type { DeliveryEventType, ProviderAdapter } from '../types';

const TYPES: Record<string, DeliveryEventType> = {
	Delivery: 'delivered',
	Bounce: 'bounced',
	SpamComplaint: 'complained',
	Open: 'opened',
	Click: 'clicked',
};

export const postmark: ProviderAdapter = {
	channel: 'email',
	verify(request, secrets) {
		if (!secrets.username || !secrets.password) return missing('Username and Password', 'Postmark');
		const header = request.headers.authorization ?? '';
		if (!header.startsWith('Basic ')) return reject('the request has no Basic authorization');
		const expected = Buffer.from(`${secrets.username}:${secrets.password}`).toString('base64');
		return sameSecret(header.slice(6).trim(), expected) ? OK : reject('the Basic-auth user or password is wrong');
	},
	normalise(request) {
		const event = objectOf(parseJson(request.rawBody));
		const recordType = text(event.RecordType) ?? '';
		let type = lookup(TYPES, recordType) ?? 'other';
		// A suppression change that turns sending off is Postmark's unsubscribe (or a manual suppression).
		if (recordType === 'SubscriptionChange' && event.SuppressSending === true) type = 'unsubscribed';
		const at = event.DeliveredAt ?? event.BouncedAt ?? event.ReceivedAt ?? event.ChangedAt;
		// Bounces carry Postmark's own id; an open or click is its message, kind and time.
		const eventId = eventIdOf(event.ID !== undefined ? [recordType, event.ID] : [recordType, event.MessageID, at], event);
		return [
			{
				provider: 'postmark',
				channel: 'email',
				type,
				providerType: recordType,
				eventId,
				messageId: text(event.MessageID),
				recipient: text(event.Recipient ?? event.Email),
				timestamp: isoTime(at),
				raw: event,
			},
		];
	},
};
