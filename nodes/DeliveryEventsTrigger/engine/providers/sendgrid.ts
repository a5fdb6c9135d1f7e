/**
 * SendGrid Event Webhook: an array of events, signed with ECDSA P-256 over timestamp + raw body.
 * Headers X-Twilio-Email-Event-Webhook-Signature (base64 DER) and -Timestamp; the public key is the
 * base64 DER key shown in SendGrid's signed-webhook settings.
 */
import { createPublicKey, verify } from 'node:crypto';

import { eventIdOf, fresh, isoTime, lookup, missing, objectOf, OK, parseJson, reject, text } from '../signatures';
import type { DeliveryEvent, DeliveryEventType, ProviderAdapter } from '../types';

const TYPES: Record<string, DeliveryEventType> = {
	processed: 'sent',
	delivered: 'delivered',
	open: 'opened',
	click: 'clicked',
	bounce: 'bounced',
	dropped: 'failed',
	spamreport: 'complained',
	unsubscribe: 'unsubscribed',
	group_unsubscribe: 'unsubscribed',
};

export const sendgrid: ProviderAdapter = {
	channel: 'email',
	verify(request, secrets, options) {
		if (!secrets.publicKey) return missing('Public Verification Key', 'SendGrid');
		const signature = request.headers['x-twilio-email-event-webhook-signature'];
		const timestamp = request.headers['x-twilio-email-event-webhook-timestamp'];
		if (!signature) return reject('the X-Twilio-Email-Event-Webhook-Signature header is missing');
		const age = fresh(timestamp, options);
		if (!age.ok) return age;
		try {
			const key = createPublicKey({ key: Buffer.from(secrets.publicKey.trim(), 'base64'), format: 'der', type: 'spki' });
			const payload = Buffer.concat([Buffer.from(timestamp as string), request.rawBody]);
			return verify('sha256', payload, { key, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'))
				? OK
				: reject('the SendGrid signature does not match the body');
		} catch {
			return reject('the SendGrid signature or public key cannot be read');
		}
	},
	normalise(request) {
		const body = parseJson(request.rawBody);
		const events = (Array.isArray(body) ? body : [body]).map(objectOf);
		return events.map((event): DeliveryEvent => {
			const name = text(event.event) ?? '';
			// sg_message_id is "<x-message-id>.filter…": the part before the first dot is the id the send returned.
			const id = text(event.sg_message_id);
			return {
				provider: 'sendgrid',
				channel: 'email',
				type: lookup(TYPES, name) ?? 'other',
				providerType: name,
				eventId: eventIdOf([event.sg_event_id], event),
				messageId: id ? id.split('.')[0] : null,
				recipient: text(event.email),
				timestamp: isoTime(event.timestamp),
				raw: event,
			};
		});
	},
};
