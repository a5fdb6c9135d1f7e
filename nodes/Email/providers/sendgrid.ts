/**
 * SendGrid Mail Send v3 (`POST /v3/mail/send`, 202 Accepted). One request carries up to 1,000
 * personalizations (one per recipient) that share their content. Personalised content still
 * shares a request: the fixed text goes once, with a placeholder per merge tag, and each
 * personalization carries its own values as `substitutions` (SendGrid caps those at 10,000
 * bytes per personalization; a contact above that gets a request of their own).
 */
import { groupInBatches } from '../../shared/channel/batch';
import { fill, type Rendered } from '../../shared/channel/merge';
import type { HttpCall, Message, Provider, ProviderRequest } from '../../shared/channel/types';
import { KEY_FIELD, type EmailContent, type Mailbox } from '../content';

export const SENDGRID_MAX_PERSONALIZATIONS = 1000;
export const SENDGRID_MAX_SUBSTITUTION_BYTES = 10_000;

type EmailMessage = Message<EmailContent>;

const placeholder = (part: 'h' | 't', slot: number) => `%ck_${part}${slot}%`;

const mailbox = (m: Mailbox) => (m.name?.trim() ? { email: m.email, name: m.name.trim() } : { email: m.email });

function substitutions(content: EmailContent): Record<string, string> {
	if (content.kind !== 'message') return {};
	const out: Record<string, string> = {};
	content.html?.values.forEach((value, slot) => (out[placeholder('h', slot)] = value));
	content.text.values.forEach((value, slot) => (out[placeholder('t', slot)] = value));
	return out;
}

const bytes = (record: Record<string, string>) =>
	Object.entries(record).reduce((sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(value), 0);

/** Messages with equal keys can share one request. */
function shareKey(message: EmailMessage): string {
	const { content } = message;
	const envelope = [content.from.email, content.from.name ?? '', content.replyTo?.email ?? '', content.replyTo?.name ?? ''].join('\n');
	if (content.kind === 'template') return `template\n${content.templateId}\n${envelope}`;
	if (bytes(substitutions(content)) > SENDGRID_MAX_SUBSTITUTION_BYTES) return `alone\n${message.key}`;
	return `message\n${content.html?.template.id ?? ''}\n${content.text.template.id}\n${envelope}`;
}

/** The part as sent: rendered when the request has one recipient, else fixed text with placeholders. */
function part(rendered: Rendered, kind: 'h' | 't', shared: boolean): string {
	if (!shared) return rendered.text;
	return fill(rendered.template.literals, rendered.values.map((_, slot) => placeholder(kind, slot)));
}

function request(batch: EmailMessage[]): ProviderRequest<EmailContent> {
	const first = batch[0].content;
	// Placeholders only pay off when several recipients share a template that has merge tags.
	const shared = batch.length > 1 && first.kind === 'message' && (first.text.values.length > 0 || (first.html?.values.length ?? 0) > 0);
	const personalization = ({ recipient, key, content }: EmailMessage) => {
		const subs = shared ? substitutions(content) : {};
		return {
			to: [mailbox({ email: recipient, name: content.toName })],
			...(content.kind === 'message' ? { subject: content.subject } : { dynamic_template_data: content.data }),
			...(Object.keys(subs).length ? { substitutions: subs } : {}),
			custom_args: { [KEY_FIELD]: key },
		};
	};
	return {
		messages: batch,
		http(only?: number): HttpCall {
			const list = only === undefined ? batch : [batch[only]];
			const body: Record<string, unknown> = { personalizations: list.map(personalization), from: mailbox(first.from) };
			if (first.replyTo) body.reply_to = mailbox(first.replyTo);
			if (first.kind === 'template') body.template_id = first.templateId;
			else {
				// SendGrid wants text/plain before text/html, and no empty part.
				const parts = [
					{ type: 'text/plain', value: part(first.text, 't', shared) },
					...(first.html ? [{ type: 'text/html', value: part(first.html, 'h', shared) }] : []),
				];
				body.content = parts.filter((entry) => entry.value.trim());
			}
			return { method: 'POST', url: '/v3/mail/send', body };
		},
	};
}

export function sendGrid(): Provider<EmailContent> {
	return {
		id: 'sendGrid',
		name: 'SendGrid',
		credentialType: 'campaignKitSendGridApi',
		maxPerRequest: SENDGRID_MAX_PERSONALIZATIONS,
		defaultBaseUrl: () => 'https://api.sendgrid.com',
		simulatedAuth: { Authorization: 'Bearer **hidden**' },
		plan: (messages) => groupInBatches(messages, shareKey, SENDGRID_MAX_PERSONALIZATIONS).map(request),
		// 202 with one X-Message-Id for the whole request; SendGrid's events add a suffix per recipient.
		results: (req, answer) => req.messages.map(() => ({ ok: true, messageId: answer.headers['x-message-id'] ?? null })),
	};
}
