/**
 * Twilio Programmable Messaging: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, form
 * encoded, one message per request (201 with the message's `sid`). The sender is a number,
 * alphanumeric sender ID or short code (`From`), or a Messaging Service (`MessagingServiceSid`,
 * MG…) that picks one. Refusals come as 400 `{code, message, more_info, status}`; throttling as 429
 * with code 20429, which the transport waits out and which, past the retries, may go to the fallback.
 */
import type { HttpCall, Message, MessageResult, Provider, ProviderRequest } from '../../shared/channel/types';
import { callbackUrl, type SmsContent } from '../content';

export interface TwilioSettings {
	/** Where Twilio reports the message's status (queued, sent, delivered, failed…). */
	statusCallback?: string;
}

type SmsMessage = Message<SmsContent>;

const MESSAGING_SERVICE = /^MG[0-9a-fA-F]{32}$/;

/** The form fields Twilio receives, in the order the request carries them. */
export function twilioFields(message: SmsMessage, settings: TwilioSettings = {}): Array<[string, string]> {
	const from = (message.content.from.twilio ?? '').trim();
	const fields: Array<[string, string]> = [['To', message.recipient]];
	fields.push(MESSAGING_SERVICE.test(from) ? ['MessagingServiceSid', from] : ['From', from]);
	fields.push(['Body', message.content.text]);
	const callback = settings.statusCallback?.trim();
	if (callback) fields.push(['StatusCallback', callbackUrl(callback, message.key)]);
	return fields;
}

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

/** `accountSid` is undefined when Simulate runs without a credential: the path then shows where it goes. */
function request(message: SmsMessage, accountSid: string | undefined, settings: TwilioSettings): ProviderRequest<SmsContent> {
	return {
		messages: [message],
		http(): HttpCall {
			return {
				method: 'POST',
				url: `/2010-04-01/Accounts/${accountSid ? encodeURIComponent(accountSid) : '{AccountSid}'}/Messages.json`,
				headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams(twilioFields(message, settings)).toString(),
			};
		},
	};
}

export function twilio(settings: TwilioSettings = {}): Provider<SmsContent> {
	return {
		id: 'twilio',
		name: 'Twilio',
		credentialType: 'campaignKitTwilioApi',
		maxPerRequest: 1,
		defaultBaseUrl: () => 'https://api.twilio.com',
		simulatedAuth: { Authorization: 'Basic **hidden**' },
		plan: (messages, credentials) => messages.map((message) => request(message, text(credentials?.accountSid) || undefined, settings)),
		results: (_request, answer): MessageResult[] => {
			const sid = text((answer.body as { sid?: unknown } | undefined)?.sid);
			return [{ ok: true, messageId: sid || null }];
		},
		// 400 is about the message (invalid number, opted out, …); 401 / 403 / 404 are about the account.
		refusal: ({ statusCode, body }) => {
			const { code, message } = (body ?? {}) as { code?: unknown; message?: unknown };
			if (statusCode !== 400 || typeof message !== 'string' || !message.trim()) return undefined;
			return code === undefined || code === null ? message.trim() : `${message.trim()} (Twilio error ${String(code)})`;
		},
	};
}
