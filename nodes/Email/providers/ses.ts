/**
 * Amazon SES v2 `SendBulkEmail` (`POST /v2/email/outbound-bulk-emails`): up to 50 destinations
 * per call sharing one content, written inline (`TemplateContent`) or a stored template with each
 * destination's data. Messages whose rendered content differs go in separate calls; SES limits
 * sending per message, not per call, so this costs requests, not throughput. Requests are signed
 * (SigV4) by the credential, afresh for every attempt.
 */
import { groupInBatches } from '../../shared/channel/batch';
import { canonicalJson } from '../../shared/channel/keys';
import type { HttpCall, Message, MessageResult, Provider, ProviderRequest } from '../../shared/channel/types';
import { KEY_FIELD, mailboxText, type EmailContent } from '../content';

export const SES_MAX_DESTINATIONS = 50;

export interface SesSettings {
	/** Configuration set for event publishing (opens, clicks, bounces); none when empty. */
	configurationSet?: string;
}

type EmailMessage = Message<EmailContent>;

/** Statuses where another provider may succeed: the account is throttled, paused or out of quota, or SES failed. */
const FALLBACK_STATUSES = new Set(['ACCOUNT_THROTTLED', 'ACCOUNT_DAILY_QUOTA_EXCEEDED', 'ACCOUNT_SENDING_PAUSED', 'ACCOUNT_SUSPENDED', 'TRANSIENT_FAILURE', 'FAILED']);

function shareKey({ content }: EmailMessage): string {
	const envelope = { from: content.from, replyTo: content.replyTo ?? null };
	if (content.kind === 'template') return canonicalJson({ template: content.templateId, ...envelope });
	return canonicalJson({ subject: content.subject, html: content.html?.text ?? null, text: content.text.text, ...envelope });
}

function request(batch: EmailMessage[], settings: SesSettings): ProviderRequest<EmailContent> {
	const first = batch[0].content;
	const template =
		first.kind === 'template'
			? { TemplateName: first.templateId, TemplateData: '{}' }
			: {
					TemplateContent: {
						Subject: first.subject,
						...(first.html?.text.trim() ? { Html: first.html.text } : {}),
						...(first.text.text.trim() ? { Text: first.text.text } : {}),
					},
					TemplateData: '{}',
				};
	const entry = ({ recipient, key, content }: EmailMessage) => ({
		Destination: { ToAddresses: [mailboxText({ email: recipient, name: content.toName }, true)] },
		ReplacementTags: [{ Name: KEY_FIELD, Value: key }],
		...(content.kind === 'template'
			? { ReplacementEmailContent: { ReplacementTemplate: { ReplacementTemplateData: JSON.stringify(content.data) } } }
			: {}),
	});
	return {
		messages: batch,
		http(only?: number): HttpCall {
			const body: Record<string, unknown> = { FromEmailAddress: mailboxText(first.from, true) };
			if (first.replyTo) body.ReplyToAddresses = [mailboxText(first.replyTo, true)];
			body.DefaultContent = { Template: template };
			body.BulkEmailEntries = (only === undefined ? batch : [batch[only]]).map(entry);
			if (settings.configurationSet?.trim()) body.ConfigurationSetName = settings.configurationSet.trim();
			return { method: 'POST', url: '/v2/email/outbound-bulk-emails', headers: { 'Content-Type': 'application/json' }, body };
		},
	};
}

interface SesEntryResult {
	Status?: string;
	Error?: string;
	MessageId?: string;
}

export function ses(settings: SesSettings = {}): Provider<EmailContent> {
	return {
		id: 'ses',
		name: 'Amazon SES',
		credentialType: 'campaignKitAmazonSesApi',
		maxPerRequest: SES_MAX_DESTINATIONS,
		defaultBaseUrl: (credentials) => {
			const region = typeof credentials?.region === 'string' && credentials.region.trim() ? credentials.region.trim() : 'us-east-1';
			return `https://email.${region}.amazonaws.com`;
		},
		simulatedAuth: { Authorization: 'AWS4-HMAC-SHA256 Credential=**hidden**, SignedHeaders=host;x-amz-date, Signature=**hidden** (signed when sent)' },
		plan: (messages) => groupInBatches(messages, shareKey, SES_MAX_DESTINATIONS).map((batch) => request(batch, settings)),
		results: (req, answer) => {
			const list = ((answer.body as { BulkEmailEntryResults?: SesEntryResult[] } | undefined)?.BulkEmailEntryResults ?? []) as SesEntryResult[];
			return req.messages.map((_, position): MessageResult => {
				const result = list[position];
				if (!result) return { ok: false, reason: 'Amazon SES did not answer for this message', fallback: false };
				if (result.Status === 'SUCCESS') return { ok: true, messageId: result.MessageId ?? null };
				const status = result.Status ?? 'FAILED';
				return { ok: false, reason: `${result.Error ?? status} (Amazon SES ${status})`, fallback: FALLBACK_STATUSES.has(status) };
			});
		},
	};
}
