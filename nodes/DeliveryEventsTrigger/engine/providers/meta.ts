/**
 * Meta (WhatsApp Business) webhooks: JSON `{ object, entry: [{ changes: [{ value: { statuses } }] }] }`,
 * signed with X-Hub-Signature-256 "sha256=<hex HMAC-SHA256(app secret, raw body)>". Each message
 * status (sent, delivered, read, failed) becomes one event.
 */
import { eventIdOf, fieldOf, hmac, isoTime, listOf, lookup, missing, OK, parseJson, reject, sameSecret, text } from '../signatures';
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
		const body = parseJson(request.rawBody);
		const events: DeliveryEvent[] = [];
		// Read shape by shape: a body that is null or has text where a list belongs yields no events, not a crash.
		for (const entry of listOf(fieldOf(body, 'entry'))) {
			for (const change of listOf(fieldOf(entry, 'changes'))) {
				for (const item of listOf(fieldOf(fieldOf(change, 'value'), 'statuses'))) {
					if (item === null || typeof item !== 'object') continue;
					const status = item as Status;
					const kind = typeof status.status === 'string' ? status.status : '';
					events.push({
						provider: 'meta',
						channel: 'whatsapp',
						type: lookup(TYPES, kind) ?? 'other',
						providerType: kind,
						eventId: eventIdOf([status.id, kind], status),
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
