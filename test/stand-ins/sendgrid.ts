/**
 * SendGrid's Mail Send v3 as documented: Bearer API key, `POST /v3/mail/send` answering 202 with
 * `X-Message-Id`, errors as `{"errors": [{"message", "field", "help"}]}`, `X-RateLimit-*` headers
 * on every answer and a 429 on demand. Bodies are checked against SendGrid's own OpenAPI contract
 * (../shared/contracts/sendgrid-mail-v3.json) when it is there, and always against the documented
 * rules the contract does not carry (at most 1,000 recipients per request, a subject and content
 * or a template).
 */
import { randomBytes } from 'node:crypto';

import { requestBodyCheck } from './contracts';
import { StandInServer, type RecordedRequest, type Reply } from './server';

const LIMIT = 600;

type Json = Record<string, unknown>;

interface Personalization {
	to?: Array<{ email: string; name?: string }>;
	cc?: unknown[];
	bcc?: unknown[];
	subject?: string;
	substitutions?: Record<string, string>;
	dynamic_template_data?: Json;
	custom_args?: Record<string, string>;
}

export interface MailSendBody {
	personalizations: Personalization[];
	from: { email: string; name?: string };
	subject?: string;
	content?: Array<{ type: string; value: string }>;
	template_id?: string;
	[key: string]: unknown;
}

/** One email SendGrid would deliver, with substitutions applied as SendGrid applies them. */
export interface DeliveredEmail {
	to: string;
	name?: string;
	subject?: string;
	text?: string;
	html?: string;
	templateId?: string;
	data?: Json;
	customArgs?: Record<string, string>;
	messageId: string;
}

const errors = (status: number, ...list: Array<{ message: string; field?: string | null }>): Reply => ({
	status,
	body: { errors: list.map((entry) => ({ message: entry.message, field: entry.field ?? null, help: null })) },
});

export class SendGridStandIn extends StandInServer {
	/** Requests answered 202, in order. */
	readonly accepted: RecordedRequest[] = [];
	/** Every email the accepted requests asked for. */
	readonly delivered: DeliveredEmail[] = [];
	/** Whether bodies are checked against SendGrid's published contract (false when ../shared/contracts is absent). */
	readonly contractChecked: boolean;
	private readonly check = requestBodyCheck('sendgrid-mail-v3.json', '/v3/mail/send', 'POST');
	private remaining = LIMIT;

	constructor(private readonly apiKey: string) {
		super();
		this.contractChecked = this.check !== undefined;
		this.route('POST', '/v3/mail/send', (request) => this.mailSend(request));
		this.route('GET', '/v3/scopes', (request) => (this.authorised(request) ? { body: { scopes: ['mail.send'] } } : this.unauthorised()));
	}

	/** The next `count` sends answer 429 as SendGrid does; `retryAfter` (seconds) adds a Retry-After header. */
	rateLimitNext(count = 1, { retryAfter, resetInSeconds = 1 }: { retryAfter?: number; resetInSeconds?: number } = {}): this {
		const headers = { ...this.rateHeaders(0, resetInSeconds), ...(retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) }) };
		return this.failNext('POST', '/v3/mail/send', count, { status: 429, headers, body: { errors: [{ message: 'too many requests', field: null, help: null }] } });
	}

	override reset(): void {
		super.reset();
		this.accepted.length = 0;
		this.delivered.length = 0;
		this.remaining = LIMIT;
	}

	private rateHeaders(remaining: number, resetInSeconds = 60): Record<string, string> {
		return {
			'X-RateLimit-Limit': String(LIMIT),
			'X-RateLimit-Remaining': String(remaining),
			'X-RateLimit-Reset': String(Math.ceil(Date.now() / 1000) + resetInSeconds),
		};
	}

	private authorised(request: RecordedRequest): boolean {
		return request.headers.authorization === `Bearer ${this.apiKey}`;
	}

	private unauthorised(): Reply {
		return errors(401, { message: 'The provided authorization grant is invalid, expired, or revoked' });
	}

	private mailSend(request: RecordedRequest): Reply {
		if (!this.authorised(request)) return this.unauthorised();
		const body = request.body as MailSendBody;
		if (!body || typeof body !== 'object' || Array.isArray(body)) return errors(400, { message: 'Bad Request', field: null });
		const problems = this.check?.(body) ?? [];
		problems.push(...documentedRules(body));
		if (problems.length) return { ...errors(400, ...problems), headers: this.rateHeaders(this.remaining) };

		const messageId = randomBytes(16).toString('base64url').slice(0, 22);
		for (const personalization of body.personalizations) {
			const substitute = (text?: string) =>
				text === undefined ? undefined : Object.entries(personalization.substitutions ?? {}).reduce((out, [key, value]) => out.split(key).join(value), text);
			for (const to of personalization.to ?? []) {
				this.delivered.push({
					to: to.email,
					name: to.name,
					subject: personalization.subject ?? body.subject,
					text: substitute(body.content?.find((part) => part.type === 'text/plain')?.value),
					html: substitute(body.content?.find((part) => part.type === 'text/html')?.value),
					templateId: body.template_id,
					data: personalization.dynamic_template_data,
					customArgs: personalization.custom_args,
					messageId,
				});
			}
		}
		this.accepted.push(request);
		this.remaining = Math.max(0, this.remaining - 1);
		return { status: 202, headers: { 'X-Message-Id': messageId, ...this.rateHeaders(this.remaining) } };
	}
}

/** Rules from SendGrid's documentation that its OpenAPI file does not express. */
function documentedRules(body: MailSendBody): Array<{ message: string; field: string }> {
	const out: Array<{ message: string; field: string }> = [];
	const list = Array.isArray(body.personalizations) ? body.personalizations : [];
	if (!list.length) out.push({ message: 'The personalizations field is required and must have at least one personalization.', field: 'personalizations' });
	if (list.length > 1000) out.push({ message: 'The personalizations field must have no more than 1000 items.', field: 'personalizations' });
	const recipients = list.reduce((sum, p) => sum + (p.to?.length ?? 0) + (p.cc?.length ?? 0) + (p.bcc?.length ?? 0), 0);
	if (recipients > 1000) out.push({ message: 'The total number of recipients must be no more than 1000.', field: 'personalizations' });
	if (!body.template_id) {
		if (!body.content?.length) out.push({ message: 'Unless a valid template_id is provided, the content parameter is required.', field: 'content' });
		if (!body.subject && list.some((p) => !p.subject)) out.push({ message: 'The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.', field: 'subject' });
	}
	const types = (body.content ?? []).map((part) => part.type);
	if (types.includes('text/html') && types.includes('text/plain') && types.indexOf('text/plain') > types.indexOf('text/html')) {
		out.push({ message: 'If present, text/plain and text/html may only be provided in this order: text/plain, text/html.', field: 'content' });
	}
	list.forEach((p, i) => {
		if (!p.to?.length) out.push({ message: 'The to array is required for all personalization objects, and must have at least one email object with a valid email address.', field: `personalizations.${i}.to` });
		const bytes = Object.entries(p.substitutions ?? {}).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
		if (bytes > 10_000) out.push({ message: 'The total size of your substitutions may not exceed 10,000 bytes per personalization object.', field: `personalizations.${i}.substitutions` });
	});
	return out;
}
