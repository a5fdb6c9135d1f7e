/** What an email carries, as the Email node builds it per contact and the provider adapters read it. */
import type { Rendered } from '../shared/channel/merge';

export interface Mailbox {
	email: string;
	name?: string;
}

interface Common {
	from: Mailbox;
	replyTo?: Mailbox;
	/** The recipient's name for the To header; not part of "the same message". */
	toName?: string;
}

/** Subject and body written in the node, rendered for this contact. */
export interface WrittenEmail extends Common {
	kind: 'message';
	subject: string;
	/** Absent for a text-only email. */
	html?: Rendered;
	text: Rendered;
}

/** A template stored at the provider, filled with this contact's data. */
export interface TemplateEmail extends Common {
	kind: 'template';
	templateId: string;
	data: Record<string, unknown>;
}

export type EmailContent = WrittenEmail | TemplateEmail;

/**
 * `"Name" <email>` for providers that take one header string (Postmark, SES). `encode` writes a
 * name with non-ASCII characters as an RFC 2047 encoded word, which SES requires.
 */
export function mailboxText(mailbox: Mailbox, encode = false): string {
	const name = mailbox.name?.trim();
	if (!name) return mailbox.email;
	if (encode && /[^\x20-\x7e]/.test(name)) return `=?UTF-8?B?${Buffer.from(name, 'utf8').toString('base64')}?= <${mailbox.email}>`;
	return `"${name.replace(/["\\]/g, '\\$&')}" <${mailbox.email}>`;
}

/** Metadata field every provider gets, so delivery events can be traced back to the send. */
export const KEY_FIELD = 'ck_idempotency_key';
