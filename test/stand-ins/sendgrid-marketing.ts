/**
 * SendGrid Marketing Campaigns and suppressions as documented: Bearer API key; contacts upserted
 * with `PUT /v3/marketing/contacts` (202 and a `job_id`, at most 30,000 contacts), the import job
 * pending for a few checks and then `completed` with its counts; contacts found with
 * `POST /v3/marketing/contacts/search/emails` (404 when none is found); global and group
 * suppressions added, removed and listed. Request bodies are checked against SendGrid's own
 * contracts in ../shared/contracts (marketing contacts, suppressions) when they are there.
 */
import { randomUUID } from 'node:crypto';

import { operationBodyCheck, type BodyCheck } from './contracts';
import { StandInServer, type Handler, type RecordedRequest, type Reply } from './server';

type Json = Record<string, unknown>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i;
const errors = (status: number, ...list: Array<{ message: string; field?: string }>): Reply => ({ status, body: { errors: list.map((e) => ({ field: e.field ?? null, message: e.message })) } });

interface Job {
	id: string;
	status: 'pending' | 'completed' | 'errored' | 'failed';
	checks: number;
	requested: number;
	created: number;
	updated: number;
	errored: number;
	started_at: string;
	finished_at?: string;
}

export class SendGridMarketingStandIn extends StandInServer {
	readonly contacts = new Map<string, Json>();
	readonly lists = new Set<string>();
	readonly globalSuppressions = new Map<string, number>();
	readonly groups = new Map<number, Set<string>>();
	readonly jobs = new Map<string, Job>();
	/** Checks of a job that still answer `pending` before it completes. */
	pendingChecks = 2;
	/** Request bodies that broke SendGrid's contract or documented rules. */
	readonly contractErrors: Array<{ route: string; message: string }> = [];
	readonly contractChecked: boolean;
	private readonly checks: Record<string, BodyCheck | undefined>;

	constructor(private readonly apiKey: string) {
		super();
		this.checks = {
			upsert: operationBodyCheck('sendgrid-marketing-contacts-v3.json', '/v3/marketing/contacts', 'PUT'),
			search: operationBodyCheck('sendgrid-marketing-contacts-v3.json', '/v3/marketing/contacts/search/emails', 'POST'),
			global: operationBodyCheck('sendgrid-suppressions-v3.json', '/v3/asm/suppressions/global', 'POST'),
			group: operationBodyCheck('sendgrid-suppressions-v3.json', '/v3/asm/groups/{group_id}/suppressions', 'POST'),
		};
		this.contractChecked = Object.values(this.checks).every(Boolean);
		const r = (method: string, path: string, handler: Handler) => this.route(method, path, this.guard(handler));
		r('GET', '/v3/scopes', () => ({ body: { scopes: ['marketing.read', 'marketing.write', 'asm.groups.suppressions.create'] } }));
		r('PUT', '/v3/marketing/contacts', (q) => this.upsert(q));
		r('GET', '/v3/marketing/contacts/imports/:id', (q) => this.job(q));
		r('POST', '/v3/marketing/contacts/search/emails', (q) => this.search(q));
		r('POST', '/v3/asm/suppressions/global', (q) => this.addGlobal(q));
		r('DELETE', '/v3/asm/suppressions/global/:email', (q) => this.removeGlobal(q));
		r('GET', '/v3/suppression/unsubscribes', (q) => this.listGlobal(q));
		r('POST', '/v3/asm/groups/:group/suppressions', (q) => this.addGroup(q));
		r('GET', '/v3/asm/groups/:group/suppressions', (q) => this.listGroup(q));
		r('DELETE', '/v3/asm/groups/:group/suppressions/:email', (q) => this.removeGroup(q));
	}

	override reset(): void {
		super.reset();
		this.contacts.clear();
		this.globalSuppressions.clear();
		for (const set of this.groups.values()) set.clear();
		this.jobs.clear();
		this.contractErrors.length = 0;
	}

	/** The next `count` requests to a route answer 429 as SendGrid does, with its rate headers. */
	rateLimitNext(method: string, path: string, count = 1, resetInSeconds = 1): this {
		const headers = { 'X-RateLimit-Limit': '600', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(Math.ceil(Date.now() / 1000) + resetInSeconds) };
		return this.failNext(method, path, count, { status: 429, headers, body: { errors: [{ field: null, message: 'too many requests' }] } });
	}

	private guard(handler: Handler): Handler {
		return (request) =>
			request.headers.authorization === `Bearer ${this.apiKey}` ? handler(request) : errors(401, { message: 'The provided authorization grant is invalid, expired, or revoked' });
	}

	private contract(name: string, request: RecordedRequest): Reply | undefined {
		const problems = this.checks[name]?.(request.body) ?? [];
		if (!problems.length) return undefined;
		for (const p of problems) this.contractErrors.push({ route: `${request.method} ${request.path}`, message: p.message });
		return errors(400, ...problems);
	}

	private upsert(request: RecordedRequest): Reply {
		const refused = this.contract('upsert', request);
		if (refused) return refused;
		const body = request.body as { contacts: Json[]; list_ids?: string[] };
		// Documented rules the contract does not carry: 30,000 contacts at most (also in the contract), known lists, 6 MB.
		if (Buffer.byteLength(request.rawBody) > 6 * 1024 * 1024) return errors(413, { message: 'request body is larger than 6 MB' });
		const unknown = (body.list_ids ?? []).filter((id) => !this.lists.has(id));
		if (unknown.length) return errors(404, { field: 'list_ids', message: `list ids do not exist: ${unknown.join(', ')}` });
		const job: Job = { id: randomUUID(), status: 'pending', checks: 0, requested: body.contacts.length, created: 0, updated: 0, errored: 0, started_at: new Date().toISOString() };
		for (const contact of body.contacts) {
			const email = String(contact.email ?? '').toLowerCase();
			if (!EMAIL.test(email)) {
				job.errored++;
				continue;
			}
			const existing = this.contacts.get(email);
			if (existing) job.updated++;
			else job.created++;
			const lists = new Set([...((existing?.list_ids as string[]) ?? []), ...(body.list_ids ?? [])]);
			this.contacts.set(email, { ...(existing ?? { id: randomUUID(), created_at: new Date().toISOString() }), ...contact, email, list_ids: [...lists], segment_ids: [], updated_at: new Date().toISOString() });
		}
		this.jobs.set(job.id, job);
		return { status: 202, body: { job_id: job.id } };
	}

	private job(request: RecordedRequest): Reply {
		const job = this.jobs.get(request.params.id);
		if (!job) return errors(404, { message: 'job not found' });
		job.checks++;
		if (job.status === 'pending' && job.checks > this.pendingChecks) {
			job.status = job.errored ? 'errored' : 'completed';
			job.finished_at = new Date().toISOString();
		}
		const results: Json = { requested_count: job.requested, created_count: job.created, updated_count: job.updated, errored_count: job.errored };
		if (job.errored) results.errors_url = `${this.url}/errors/${job.id}.csv`;
		return { body: { id: job.id, status: job.status, job_type: 'upsert', results, started_at: job.started_at, ...(job.finished_at ? { finished_at: job.finished_at } : {}) } };
	}

	private search(request: RecordedRequest): Reply {
		const refused = this.contract('search', request);
		if (refused) return refused;
		const emails = (request.body as { emails: string[] }).emails;
		const result: Record<string, Json> = {};
		for (const email of emails) {
			const contact = this.contacts.get(email.toLowerCase());
			result[email] = contact ? { contact } : { error: 'contact not found' };
		}
		if (!Object.values(result).some((entry) => entry.contact)) return errors(404, { message: 'No contacts found' });
		return { body: { result } };
	}

	private addresses(request: RecordedRequest, check: string): string[] | Reply {
		const refused = this.contract(check, request);
		if (refused) return refused;
		const emails = (request.body as { recipient_emails: string[] }).recipient_emails;
		const bad = emails.filter((email) => !EMAIL.test(email));
		return bad.length ? errors(400, { field: 'recipient_emails', message: `invalid email addresses: ${bad.join(', ')}` }) : emails;
	}

	private addGlobal(request: RecordedRequest): Reply {
		const emails = this.addresses(request, 'global');
		if (!Array.isArray(emails)) return emails;
		for (const email of emails) this.globalSuppressions.set(email.toLowerCase(), Math.floor(Date.now() / 1000));
		return { status: 201, body: { recipient_emails: emails } };
	}

	private removeGlobal(request: RecordedRequest): Reply {
		this.globalSuppressions.delete(request.params.email.toLowerCase());
		return { status: 204 };
	}

	private listGlobal(request: RecordedRequest): Reply {
		const limit = request.query.limit === undefined ? 500 : Number(request.query.limit);
		const offset = Number(request.query.offset ?? 0);
		if (!Number.isInteger(limit) || limit < 1 || limit > 500) return errors(400, { field: 'limit', message: 'limit must be between 1 and 500' });
		const rows = [...this.globalSuppressions].map(([email, created]) => ({ created, email }));
		return { body: rows.slice(offset, offset + limit) };
	}

	private group(request: RecordedRequest): Set<string> | Reply {
		return this.groups.get(Number(request.params.group)) ?? errors(404, { message: 'Unsubscribe group not found' });
	}

	private addGroup(request: RecordedRequest): Reply {
		const group = this.group(request);
		if (!(group instanceof Set)) return group;
		const emails = this.addresses(request, 'group');
		if (!Array.isArray(emails)) return emails;
		for (const email of emails) group.add(email.toLowerCase());
		return { status: 201, body: { recipient_emails: emails } };
	}

	private listGroup(request: RecordedRequest): Reply {
		const group = this.group(request);
		return group instanceof Set ? { body: [...group] } : group;
	}

	private removeGroup(request: RecordedRequest): Reply {
		const group = this.group(request);
		if (!(group instanceof Set)) return group;
		group.delete(request.params.email.toLowerCase());
		return { status: 204 };
	}
}
