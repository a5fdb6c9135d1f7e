/**
 * Telnyx Messaging v2: `POST /v2/messages` with JSON, one message per request (200 with
 * `data.id`). The sender is a number, alphanumeric sender ID or short code (`from`), or a
 * messaging profile's number pool (`messaging_profile_id`, a UUID); an alphanumeric sender also
 * needs the profile. Refusals come as `{errors: [{code, title, detail}]}`.
 */
import type { HttpCall, Message, MessageResult, Provider, ProviderRequest } from '../../shared/channel/types';
import { callbackUrl, type SmsContent } from '../content';

export interface TelnyxSettings {
	/** Where Telnyx reports the message's status (`webhook_url`); the messaging profile's webhook when empty. */
	statusCallback?: string;
	/** The messaging profile to send with (needed for alphanumeric senders). */
	messagingProfileId?: string;
}

type SmsMessage = Message<SmsContent>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function telnyxBody(message: SmsMessage, settings: TelnyxSettings = {}): Record<string, unknown> {
	const from = (message.content.from.telnyx ?? '').trim();
	const profile = settings.messagingProfileId?.trim();
	const body: Record<string, unknown> = {};
	// A messaging profile ID as the sender means "a number from the profile's pool".
	if (UUID.test(from)) body.messaging_profile_id = from;
	else {
		body.from = from;
		if (profile) body.messaging_profile_id = profile;
	}
	body.to = message.recipient;
	body.text = message.content.text;
	const webhook = settings.statusCallback?.trim();
	if (webhook) body.webhook_url = callbackUrl(webhook, message.key);
	return body;
}

function request(message: SmsMessage, settings: TelnyxSettings): ProviderRequest<SmsContent> {
	return {
		messages: [message],
		http: (): HttpCall => ({ method: 'POST', url: '/v2/messages', body: telnyxBody(message, settings) }),
	};
}

export function telnyx(settings: TelnyxSettings = {}): Provider<SmsContent> {
	return {
		id: 'telnyx',
		name: 'Telnyx',
		credentialType: 'campaignKitTelnyxApi',
		maxPerRequest: 1,
		defaultBaseUrl: () => 'https://api.telnyx.com',
		simulatedAuth: { Authorization: 'Bearer **hidden**' },
		plan: (messages) => messages.map((message) => request(message, settings)),
		results: (_request, answer): MessageResult[] => {
			const id = (answer.body as { data?: { id?: unknown } } | undefined)?.data?.id;
			return [{ ok: true, messageId: typeof id === 'string' && id ? id : null }];
		},
		// 400 / 422 are about the message; 401 / 403 about the key.
		refusal: ({ statusCode, body }) => {
			if (statusCode !== 400 && statusCode !== 422) return undefined;
			const first = ((body ?? {}) as { errors?: Array<{ code?: unknown; title?: unknown; detail?: unknown }> }).errors?.[0];
			const said = [first?.detail, first?.title].find((value) => typeof value === 'string' && value.trim()) as string | undefined;
			if (!said) return undefined;
			return first?.code === undefined ? said.trim() : `${said.trim()} (Telnyx error ${String(first.code)})`;
		},
	};
}
