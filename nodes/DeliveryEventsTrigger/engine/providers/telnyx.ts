/**
 * Telnyx v2 webhooks: JSON `{ data: { event_type, occurred_at, payload } }`, signed with Ed25519
 * over "{telnyx-timestamp}|{raw body}"; the public key is the base64 32-byte key from Mission
 * Control. Timestamps older than the tolerance (Telnyx says 300 s) are refused.
 */
import { createPublicKey, verify } from 'node:crypto';

import { eventIdOf, fieldOf, fresh, isoTime, listOf, lookup, missing, objectOf, OK, parseJson, reject, text } from '../signatures';
import type { DeliveryEventType, ProviderAdapter } from '../types';

// An Ed25519 public key as SPKI DER is this fixed prefix followed by the 32 raw key bytes.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

const FINAL: Record<string, DeliveryEventType> = {
	delivered: 'delivered',
	delivery_failed: 'failed',
	sending_failed: 'failed',
	delivery_unconfirmed: 'other',
};

export const telnyx: ProviderAdapter = {
	channel: 'sms',
	verify(request, secrets, options) {
		if (!secrets.publicKey) return missing('Public Verification Key', 'Telnyx');
		const signature = request.headers['telnyx-signature-ed25519'];
		const timestamp = request.headers['telnyx-timestamp'];
		if (!signature) return reject('the Telnyx-Signature-Ed25519 header is missing');
		const age = fresh(timestamp, options);
		if (!age.ok) return age;
		try {
			const raw = Buffer.from(secrets.publicKey.trim(), 'base64');
			if (raw.length !== 32) return reject('the Telnyx public key is not 32 bytes of base64');
			const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
			const payload = Buffer.concat([Buffer.from(`${timestamp}|`), request.rawBody]);
			return verify(null, payload, key, Buffer.from(signature, 'base64')) ? OK : reject('the Telnyx signature does not match the body');
		} catch {
			return reject('the Telnyx signature or public key cannot be read');
		}
	},
	normalise(request) {
		const body = parseJson(request.rawBody);
		const data = objectOf(fieldOf(body, 'data'));
		const payload = objectOf(data.payload);
		const eventType = text(data.event_type) ?? '';
		const to = listOf(payload.to).map(objectOf);
		const recipients = to.length ? to : [{} as Record<string, unknown>];
		return recipients.map((recipient) => ({
			provider: 'telnyx',
			channel: 'sms',
			type:
				eventType === 'message.sent'
					? 'sent'
					: eventType === 'message.finalized'
						? (lookup(FINAL, text(recipient.status) ?? '') ?? 'other')
						: 'other',
			providerType: text(recipient.status) ? `${eventType}:${text(recipient.status)}` : eventType,
			// Telnyx's event id; a finalized event has one entry per recipient.
			eventId: eventIdOf(to.length ? [data.id, recipient.phone_number] : [data.id], { data, recipient }),
			messageId: text(payload.id),
			recipient: text(recipient.phone_number),
			timestamp: isoTime(data.occurred_at),
			raw: body,
		}));
	},
};
