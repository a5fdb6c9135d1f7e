/**
 * Postmark: `POST /email/batch` (written emails) and `POST /email/batchWithTemplates` (stored
 * templates), up to 500 messages each. Postmark answers 200 for a batch and says per message
 * whether it took it (`ErrorCode` 0) or why not, in the order the messages were sent.
 */
import { groupInBatches } from '../../shared/channel/batch';
import type { HttpCall, Message, MessageResult, Provider, ProviderRequest } from '../../shared/channel/types';
import { KEY_FIELD, mailboxText, type EmailContent } from '../content';

export const POSTMARK_MAX_BATCH = 500;

export interface PostmarkSettings {
	/** The message stream to send through; Postmark's default transactional stream when empty. */
	messageStream?: string;
}

type EmailMessage = Message<EmailContent>;

function message({ recipient, key, content }: EmailMessage, settings: PostmarkSettings): Record<string, unknown> {
	const out: Record<string, unknown> = { From: mailboxText(content.from), To: mailboxText({ email: recipient, name: content.toName }) };
	if (content.kind === 'message') {
		out.Subject = content.subject;
		if (content.html?.text.trim()) out.HtmlBody = content.html.text;
		if (content.text.text.trim()) out.TextBody = content.text.text;
	} else if (/^\d+$/.test(content.templateId)) {
		out.TemplateId = Number(content.templateId);
		out.TemplateModel = content.data;
	} else {
		out.TemplateAlias = content.templateId;
		out.TemplateModel = content.data;
	}
	if (content.replyTo) out.ReplyTo = mailboxText(content.replyTo);
	out.Metadata = { [KEY_FIELD]: key };
	if (settings.messageStream?.trim()) out.MessageStream = settings.messageStream.trim();
	return out;
}

function request(batch: EmailMessage[], settings: PostmarkSettings): ProviderRequest<EmailContent> {
	const templates = batch[0].content.kind === 'template';
	return {
		messages: batch,
		http(only?: number): HttpCall {
			const list = (only === undefined ? batch : [batch[only]]).map((entry) => message(entry, settings));
			return templates
				? { method: 'POST', url: '/email/batchWithTemplates', body: { Messages: list } }
				: { method: 'POST', url: '/email/batch', body: list };
		},
	};
}

interface PostmarkResult {
	ErrorCode?: number;
	Message?: string;
	MessageID?: string;
}

export function postmark(settings: PostmarkSettings = {}): Provider<EmailContent> {
	return {
		id: 'postmark',
		name: 'Postmark',
		credentialType: 'campaignKitPostmarkApi',
		maxPerRequest: POSTMARK_MAX_BATCH,
		defaultBaseUrl: () => 'https://api.postmarkapp.com',
		simulatedAuth: { 'X-Postmark-Server-Token': '**hidden**' },
		plan: (messages) => groupInBatches(messages, (entry) => entry.content.kind, POSTMARK_MAX_BATCH).map((batch) => request(batch, settings)),
		results: (req, answer) => {
			const list = Array.isArray(answer.body) ? (answer.body as PostmarkResult[]) : [];
			return req.messages.map((_, position): MessageResult => {
				const result = list[position];
				if (!result) return { ok: false, reason: 'Postmark did not answer for this message', fallback: false };
				if (result.ErrorCode === 0) return { ok: true, messageId: result.MessageID ?? null };
				// Per-message refusals are about the message or recipient (inactive, invalid): another provider would not help.
				return { ok: false, reason: `${result.Message ?? 'refused'} (Postmark error ${result.ErrorCode})`, fallback: false };
			});
		},
	};
}
