/**
 * OneSignal: `POST /notifications` with the app's ID and up to 2,000 targets per call, either
 * subscription IDs (`include_subscription_ids`) or users by External ID (`include_aliases`).
 * Contacts whose notification reads the same share a call. Each call carries an
 * `idempotency_key` (a UUID derived from the idempotency keys of the messages in it): OneSignal
 * answers a repeat with the first call's result for 30 days and sends nothing, so a call whose
 * connection dropped is safely sent again.
 */
import { createHash } from 'node:crypto';

import { groupInBatches } from '../../shared/channel/batch';
import { canonicalJson } from '../../shared/channel/keys';
import type { HttpCall, Message, MessageResult, Provider, ProviderRequest } from '../../shared/channel/types';
import type { PushContent } from '../content';

export const ONESIGNAL_MAX_TARGETS = 2000;

export interface OneSignalSettings {
	/**
	 * Mixed into the idempotency keys. Empty normally (a re-run of the same messages is the same
	 * call, which OneSignal must drop); "Send Again" sets it per execution, or OneSignal would drop
	 * the repeat the marketer asked for.
	 */
	salt?: string;
}

type PushMessage = Message<PushContent>;

/**
 * The call's `idempotency_key`: SHA-256 over the messages' own keys, laid out as an RFC 9562
 * UUID with version 4 and variant bits set (OneSignal takes v3 or v4 UUIDs). The same messages
 * always give the same key, in whatever order they come.
 */
export function oneSignalIdempotencyKey(keys: readonly string[], salt = ''): string {
	const hash = createHash('sha256').update(['campaign-kit/onesignal/1', salt, ...[...keys].sort()].join('\n')).digest();
	hash[6] = (hash[6] & 0x0f) | 0x40;
	hash[8] = (hash[8] & 0x3f) | 0x80;
	const hex = hash.subarray(0, 16).toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const shareKey = ({ content }: PushMessage) =>
	canonicalJson({ target: content.target, title: content.title ?? null, body: content.body, data: content.data ?? null, url: content.url ?? null });

function request(batch: PushMessage[], appId: string, settings: OneSignalSettings): ProviderRequest<PushContent> {
	const first = batch[0].content;
	const idempotency = oneSignalIdempotencyKey(batch.map((message) => message.key), settings.salt);
	return {
		messages: batch,
		idempotencyKey: idempotency,
		http(only?: number): HttpCall {
			const ids = (only === undefined ? batch : [batch[only]]).map((message) => message.recipient);
			const body: Record<string, unknown> = { app_id: appId };
			if (first.target === 'externalId') {
				body.include_aliases = { external_id: ids };
				body.target_channel = 'push';
			} else body.include_subscription_ids = ids;
			if (first.title) body.headings = { en: first.title };
			body.contents = { en: first.body };
			if (first.data && Object.keys(first.data).length) body.data = first.data;
			if (first.url) body.url = first.url;
			body.idempotency_key = idempotency;
			return { method: 'POST', url: '/notifications', body };
		},
	};
}

/** Every identifier OneSignal listed as not (or no longer) subscribed, whatever the list is called. */
function invalidIds(errors: unknown): Set<string> {
	const found = new Set<string>();
	// `listed`: inside an invalid_* entry, every list counts (invalid_aliases: { external_id: [...] }).
	const collect = (value: unknown, listed: boolean, depth: number) => {
		if (depth > 3 || value === null || typeof value !== 'object' || Array.isArray(value)) return;
		for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
			const counts = listed || /^invalid_/.test(key);
			if (Array.isArray(entry)) {
				if (counts) entry.forEach((id) => typeof id === 'string' && found.add(id));
			} else collect(entry, counts, depth + 1);
		}
	};
	collect(errors, false, 0);
	return found;
}

function errorText(errors: unknown): string | undefined {
	if (Array.isArray(errors)) {
		const list = errors.filter((entry): entry is string => typeof entry === 'string' && entry.trim() !== '');
		return list.length ? list.join('; ') : undefined;
	}
	return typeof errors === 'string' && errors.trim() ? errors.trim() : undefined;
}

export function oneSignal(settings: OneSignalSettings = {}): Provider<PushContent> {
	return {
		id: 'oneSignal',
		name: 'OneSignal',
		credentialType: 'campaignKitOneSignalApi',
		maxPerRequest: ONESIGNAL_MAX_TARGETS,
		defaultBaseUrl: () => 'https://api.onesignal.com',
		simulatedAuth: { Authorization: 'Key **hidden**' },
		deduplicates: true,
		plan: (messages, credentials) => {
			const appId = typeof credentials?.appId === 'string' && credentials.appId.trim() ? credentials.appId.trim() : '{app_id}';
			return groupInBatches(messages, shareKey, ONESIGNAL_MAX_TARGETS).map((batch) => request(batch, appId, settings));
		},
		results: (req, answer) => {
			const { id, errors } = (answer.body ?? {}) as { id?: unknown; errors?: unknown };
			if (typeof id !== 'string' || !id) {
				const said = errorText(errors);
				const reason = `OneSignal created no notification${said ? `: ${said}` : ''}`;
				return req.messages.map((): MessageResult => ({ ok: false, reason, fallback: false }));
			}
			const invalid = invalidIds(errors);
			return req.messages.map(
				(message): MessageResult =>
					invalid.has(message.recipient)
						? { ok: false, reason: 'not a subscribed OneSignal recipient: OneSignal listed it as invalid', fallback: false }
						: { ok: true, messageId: id },
			);
		},
	};
}
