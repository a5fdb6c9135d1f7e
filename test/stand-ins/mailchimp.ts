/**
 * Mailchimp Marketing API v3 as documented: HTTP Basic with any user and the API key, routes under
 * /3.0, members named by MD5 of the lower-cased address, errors as problem JSON
 * (`{type, title, status, detail, instance}`), at most 10 connections at once per key (the 11th
 * answers 429 without rate headers), batch subscribe of at most 500 members with `new_members`,
 * `updated_members` and per-member `errors`, and member lists paged by `offset` / `count` (≤1,000).
 * Mailchimp publishes no OpenAPI contract in ../shared/contracts; the rules here follow its docs.
 */
import { createHash, randomUUID } from 'node:crypto';

import { StandInServer, type Handler, type RecordedRequest, type Reply } from './server';

type Json = Record<string, unknown>;

export interface Member {
	id: string;
	email_address: string;
	unique_email_id: string;
	status: string;
	merge_fields: Json;
	language: string;
	tags: Array<{ id: number; name: string }>;
	list_id: string;
	last_changed: string;
	[key: string]: unknown;
}

const STATUSES = new Set(['subscribed', 'unsubscribed', 'cleaned', 'pending', 'transactional']);
const EMAIL = /^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i;
/** Mailchimp refuses addresses it judges fake, such as disposable-mail domains. */
const FAKE_DOMAINS = /@(mailinator\.com|example\.invalid)$/i;

export const md5 = (email: string) => createHash('md5').update(email.toLowerCase()).digest('hex');

const problem = (status: number, title: string, detail: string, errors?: Array<{ field: string; message: string }>): Reply => ({
	status,
	headers: { 'content-type': 'application/problem+json' },
	body: { type: 'https://mailchimp.com/developer/marketing/docs/errors/', title, status, detail, instance: randomUUID(), ...(errors ? { errors } : {}) },
});

export class MailchimpStandIn extends StandInServer {
	/** Audiences by ID, each a map of members by subscriber hash. */
	readonly lists = new Map<string, Map<string, Member>>();
	/** Most connections the key had open at once. */
	peakConnections = 0;
	/** Requests refused with 429 for too many connections. */
	throttled = 0;
	/** How long each answer takes, so concurrent requests overlap as they would over the internet. */
	latencyMs = 5;
	private open = 0;
	private tagIds = new Map<string, number>();

	constructor(private readonly apiKey: string, readonly maxConnections = 10) {
		super();
		const r = (method: string, path: string, handler: Handler) => this.route(method, `/3.0${path}`, this.guard(handler));
		r('GET', '/ping', () => ({ body: { health_status: "Everything's Chimpy!" } }));
		r('PUT', '/lists/:list/members/:hash', (q) => this.upsert(q));
		r('PATCH', '/lists/:list/members/:hash', (q) => this.patch(q));
		r('DELETE', '/lists/:list/members/:hash', (q) => this.archive(q));
		r('POST', '/lists/:list/members/:hash/tags', (q) => this.tags(q));
		r('POST', '/lists/:list', (q) => this.batch(q));
		r('GET', '/lists/:list/members', (q) => this.listMembers(q));
	}

	addList(id: string): this {
		this.lists.set(id, new Map());
		return this;
	}

	member(listId: string, email: string): Member | undefined {
		return this.lists.get(listId)?.get(md5(email));
	}

	override reset(): void {
		super.reset();
		this.lists.clear();
		this.peakConnections = 0;
		this.throttled = 0;
	}

	/** Authentication, the connection limit and latency around every handler. */
	private guard(handler: Handler): Handler {
		return async (request) => {
			const auth = request.headers.authorization ?? '';
			const password = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':').slice(1).join(':') : '';
			if (password !== this.apiKey) return problem(401, 'API Key Invalid', "Your API key may be invalid, or you've attempted to access the wrong datacenter.");
			if (this.open >= this.maxConnections) {
				this.throttled++;
				return problem(429, 'Too Many Requests', `You have exceeded the limit of ${this.maxConnections} simultaneous connections.`);
			}
			this.open++;
			this.peakConnections = Math.max(this.peakConnections, this.open);
			try {
				await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
				return await handler(request);
			} finally {
				this.open--;
			}
		};
	}

	private list(request: RecordedRequest): Map<string, Member> | Reply {
		return this.lists.get(request.params.list) ?? problem(404, 'Resource Not Found', 'The requested resource could not be found.');
	}

	/** Validates a member body; returns the problems as Mailchimp names them. */
	private check(body: Json, needStatus: boolean): Array<{ field: string; message: string }> {
		const errors: Array<{ field: string; message: string }> = [];
		const email = body.email_address;
		if (typeof email !== 'string' || !EMAIL.test(email) || FAKE_DOMAINS.test(email)) errors.push({ field: 'email_address', message: `${String(email)} looks fake or invalid, please enter a real email address.` });
		for (const field of ['status', 'status_if_new']) {
			if (body[field] !== undefined && !STATUSES.has(String(body[field]))) errors.push({ field, message: 'Schema describes enum, value is not a valid option' });
		}
		if (needStatus && body.status === undefined && body.status_if_new === undefined) errors.push({ field: 'status', message: 'Schema describes enum, NULL found instead' });
		if (body.merge_fields !== undefined && (typeof body.merge_fields !== 'object' || Array.isArray(body.merge_fields))) errors.push({ field: 'merge_fields', message: 'Schema describes object' });
		return errors;
	}

	/** A member who is on the audience already (test setup: the account as it was before the run). */
	addMember(listId: string, email: string, status = 'subscribed'): Member {
		const member = this.create(listId, { email_address: email }, status);
		if (!this.lists.has(listId)) this.lists.set(listId, new Map());
		this.lists.get(listId)!.set(member.id, member);
		return member;
	}

	private create(listId: string, body: Json, status: string): Member {
		const email = String(body.email_address);
		return {
			id: md5(email),
			email_address: email,
			unique_email_id: randomUUID().slice(0, 10),
			status,
			merge_fields: { FNAME: '', LNAME: '', ...(body.merge_fields as Json | undefined) },
			language: String(body.language ?? ''),
			tags: ((body.tags as string[] | undefined) ?? []).map((name) => ({ id: this.tagId(name), name })),
			list_id: listId,
			last_changed: new Date().toISOString(),
		};
	}

	private update(member: Member, body: Json): void {
		if (body.merge_fields) member.merge_fields = { ...member.merge_fields, ...(body.merge_fields as Json) };
		if (body.status) member.status = String(body.status);
		if (body.language) member.language = String(body.language);
		member.last_changed = new Date().toISOString();
	}

	private tagId(name: string): number {
		let id = this.tagIds.get(name);
		if (id === undefined) this.tagIds.set(name, (id = this.tagIds.size + 1));
		return id;
	}

	private upsert(request: RecordedRequest): Reply {
		const list = this.list(request);
		if (!(list instanceof Map)) return list;
		const body = (request.body ?? {}) as Json;
		const existing = list.get(request.params.hash);
		const errors = this.check(body, !existing);
		if (errors.length) return problem(400, 'Invalid Resource', "The resource submitted could not be validated. For field-specific details, see the 'errors' array.", errors);
		if (md5(String(body.email_address)) !== request.params.hash) return problem(400, 'Invalid Resource', 'The subscriber hash does not match the email address.');
		if (existing && existing.status !== 'archived') {
			this.update(existing, body);
			return { body: existing };
		}
		const member = this.create(request.params.list, body, String(body.status ?? body.status_if_new));
		list.set(member.id, member);
		return { body: member };
	}

	private patch(request: RecordedRequest): Reply {
		const list = this.list(request);
		if (!(list instanceof Map)) return list;
		const member = list.get(request.params.hash);
		if (!member) return problem(404, 'Resource Not Found', 'The requested resource could not be found.');
		const body = (request.body ?? {}) as Json;
		if (body.status !== undefined && !STATUSES.has(String(body.status))) return problem(400, 'Invalid Resource', 'The resource submitted could not be validated.', [{ field: 'status', message: 'Schema describes enum, value is not a valid option' }]);
		this.update(member, body);
		return { body: member };
	}

	private archive(request: RecordedRequest): Reply {
		const list = this.list(request);
		if (!(list instanceof Map)) return list;
		const member = list.get(request.params.hash);
		if (!member || member.status === 'archived') return problem(404, 'Resource Not Found', 'The requested resource could not be found.');
		member.status = 'archived';
		return { status: 204 };
	}

	private tags(request: RecordedRequest): Reply {
		const list = this.list(request);
		if (!(list instanceof Map)) return list;
		const member = list.get(request.params.hash);
		if (!member) return problem(404, 'Resource Not Found', 'The requested resource could not be found.');
		const tags = (request.body as { tags?: Array<{ name?: string; status?: string }> } | undefined)?.tags;
		if (!Array.isArray(tags) || tags.some((tag) => !tag.name || (tag.status !== 'active' && tag.status !== 'inactive'))) {
			return problem(400, 'Invalid Resource', 'The resource submitted could not be validated.', [{ field: 'tags', message: 'Each tag needs a name and a status of active or inactive' }]);
		}
		for (const tag of tags) {
			member.tags = member.tags.filter((t) => t.name !== tag.name);
			if (tag.status === 'active') member.tags.push({ id: this.tagId(String(tag.name)), name: String(tag.name) });
		}
		return { status: 204 };
	}

	private batch(request: RecordedRequest): Reply {
		const list = this.list(request);
		if (!(list instanceof Map)) return list;
		const body = (request.body ?? {}) as { members?: Json[]; update_existing?: boolean };
		if (!Array.isArray(body.members)) return problem(400, 'Invalid Resource', 'The resource submitted could not be validated.', [{ field: 'members', message: 'Schema describes array, NULL found instead' }]);
		if (body.members.length > 500) {
			return problem(400, 'Invalid Resource', 'The resource submitted could not be validated.', [{ field: 'members', message: `Schema describes array with at most 500 items, ${body.members.length} found` }]);
		}
		const out = { new_members: [] as Member[], updated_members: [] as Member[], errors: [] as Json[] };
		for (const entry of body.members) {
			const errors = this.check(entry, true);
			if (errors.length) {
				out.errors.push({ email_address: entry.email_address, error: errors[0].message, error_code: 'ERROR_GENERIC', field: errors[0].field, field_message: errors[0].message });
				continue;
			}
			const hash = md5(String(entry.email_address));
			const existing = list.get(hash);
			if (existing && existing.status !== 'archived') {
				if (!body.update_existing) {
					out.errors.push({ email_address: entry.email_address, error: `${String(entry.email_address)} is already a list member. Use PUT to insert or update list members.`, error_code: 'ERROR_CONTACT_EXISTS', field: '', field_message: '' });
					continue;
				}
				this.update(existing, entry);
				out.updated_members.push(existing);
			} else {
				const member = this.create(request.params.list, entry, String(entry.status));
				list.set(hash, member);
				out.new_members.push(member);
			}
		}
		return { body: { ...out, total_created: out.new_members.length, total_updated: out.updated_members.length, error_count: out.errors.length, _links: [] } };
	}

	private listMembers(request: RecordedRequest): Reply {
		const list = this.list(request);
		if (!(list instanceof Map)) return list;
		const count = request.query.count === undefined ? 10 : Number(request.query.count);
		const offset = Number(request.query.offset ?? 0);
		if (!Number.isInteger(count) || count < 1 || count > 1000) return problem(400, 'Invalid Resource', 'count must be between 1 and 1000.');
		const status = request.query.status as string | undefined;
		const members = [...list.values()].filter((m) => (status ? m.status === status : m.status !== 'archived'));
		return { body: { members: members.slice(offset, offset + count), list_id: request.params.list, total_items: members.length, _links: [] } };
	}
}
