/**
 * Meta (WhatsApp Business) webhooks: JSON `{ object, entry: [{ changes: [{ value: { statuses } }] }] }`,
 * signed with X-Hub-Signature-256 "sha256=<hex HMAC-SHA256(app secret, raw body)>". Each message
 * status (sent, delivered, read, failed) becomes one event.
 */
import { eventIdOf, hmac, isoTime, missing, OK, parseJson, reject, sameSecret, text } from '../signatures';
import type { DeliveryEvent, DeliveryEventType, ProviderAdapter } from '../types';

const TYPES: Record<string, DeliveryEventType> = { sent: 'sent', delivered: 'delivered', read: 'opened', failed: 'failed' };

interface Status {
	id?: string;
	status?: string;
	timestamp?: string;
	recipient_id?: string;
}

export const meta: ProviderAdapter = {
	channel: 'whatsapp',
	verify(request, secrets) {
		if (!secrets.signingSecret) return missing('Signing Secret (your Meta app secret)', 'Meta');
		const header = request.headers['x-hub-signature-256'] ?? '';
		if (!header.startsWith('sha256=')) return reject('the X-Hub-Signature-256 header is missing');
		const expected = hmac('sha256', secrets.signingSecret, request.rawBody).toString('hex');
		return sameSecret(header.slice('sha256='.length), expected) ? OK : reject('the Meta signature does not match the body');
	},
	normalise(request) {
		const body = parseJson(request.rawBody) as { entry?: Array<{ changes?: Array<{ value?: { statuses?: Status[] } }> }> };
		const events: DeliveryEvent[] = [];
		for (const entry of body.entry ?? []) {
			for (const change of entry.changes ?? []) {
				for (const status of change.value?.statuses ?? []) {
					events.push({
						provider: 'meta',
						channel: 'whatsapp',
						type: TYPES[status.status ?? ''] ?? 'other',
						providerType: status.status ?? '',
						eventId: eventIdOf([status.id, status.status], status),
						messageId: text(status.id),
						recipient: text(status.recipient_id),
						timestamp: isoTime(status.timestamp),
						raw: status,
					});
				}
			}
		}
		return events;
	},
};
