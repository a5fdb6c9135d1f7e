/**
 * Mailchimp Marketing v3, the parts that are plain data: the subscriber hash that names a member,
 * the data center in the API key, and the batch subscribe answer read back per member.
 */
import { createHash } from 'node:crypto';

/** `POST /lists/{list_id}` takes at most 500 members per call. */
export const MAILCHIMP_BATCH_LIMIT = 500;

/** `GET /lists/{list_id}/members` returns at most 1,000 members per page. */
export const MAILCHIMP_PAGE_LIMIT = 1000;

/** Mailchimp names a member by the MD5 of the lower-cased address ("subscriber hash"). */
export function subscriberHash(email: string): string {
	return createHash('md5').update(email.trim().toLowerCase()).digest('hex');
}

/** The data center after the key's last dash ("…-us21" → "us21"), or undefined when the key has none. */
export function dataCenterOf(apiKey: string): string | undefined {
	const match = /-([a-z]{2,4}\d{1,3})\s*$/i.exec(apiKey);
	return match ? match[1].toLowerCase() : undefined;
}

/** The API root for a key: https://us21.api.mailchimp.com/3.0 */
export function mailchimpBaseUrl(apiKey: string): string | undefined {
	const dc = dataCenterOf(apiKey);
	return dc ? `https://${dc}.api.mailchimp.com/3.0` : undefined;
}

export type MemberStatus = 'subscribed' | 'unsubscribed' | 'cleaned' | 'pending' | 'transactional' | 'archived';

export interface BatchMember {
	id?: string;
	email_address?: string;
	status?: string;
	[key: string]: unknown;
}

interface BatchError {
	email_address?: string;
	error?: string;
	error_code?: string;
	field?: string;
	field_message?: string;
}

/** What Mailchimp's batch subscribe answered: `new_members`, `updated_members`, `errors`. */
export interface BatchAnswer {
	new_members?: BatchMember[];
	updated_members?: BatchMember[];
	errors?: BatchError[];
}

export type BatchOutcome =
	| { ok: true; result: 'created' | 'updated'; member: BatchMember }
	| { ok: false; message: string; code?: string }
	/** Sent, but Mailchimp's answer names the address nowhere (an existing member without update_existing). */
	| { ok: true; result: 'unchanged'; member?: undefined };

/**
 * One outcome per address sent, in the order sent. Mailchimp lists members and errors by address,
 * not by position, so addresses are matched case-insensitively; an address Mailchimp leaves out of
 * every list was an existing member it did not touch (update_existing off).
 */
export function batchOutcomes(sent: readonly string[], answer: BatchAnswer): BatchOutcome[] {
	const byEmail = new Map<string, BatchOutcome>();
	const key = (email: unknown) => String(email ?? '').trim().toLowerCase();
	for (const member of answer.new_members ?? []) byEmail.set(key(member.email_address), { ok: true, result: 'created', member });
	for (const member of answer.updated_members ?? []) byEmail.set(key(member.email_address), { ok: true, result: 'updated', member });
	for (const error of answer.errors ?? []) {
		const detail = error.field && error.field_message ? ` (${error.field}: ${error.field_message})` : '';
		byEmail.set(key(error.email_address), { ok: false, message: `${error.error ?? 'Mailchimp refused this member'}${detail}`, code: error.error_code });
	}
	return sent.map((email) => byEmail.get(key(email)) ?? { ok: true, result: 'unchanged' });
}
