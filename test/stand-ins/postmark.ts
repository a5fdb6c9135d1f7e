/**
 * Postmark's email API as documented: `X-Postmark-Server-Token`, `POST /email/batch` and
 * `POST /email/batchWithTemplates` with at most 500 messages, answering 200 with one result per
 * message in order (`ErrorCode` 0 = accepted; 406 = inactive recipient, 300 = invalid message),
 * request-level errors as `{"ErrorCode", "Message"}` with 401 / 422, and anything else on demand.
 */
import { randomUUID } from 'node:crypto';

import { StandInServer, type RecordedRequest, type Reply } from './server';

export const POSTMARK_BATCH_LIMIT = 500;

type Json = Record<string, unknown>;

export interface PostmarkDelivered {
	to: string;
	from: string;
	subject?: string;
	html?: string;
	text?: string;
	template?: string | number;
	model?: Json;
	metadata?: Record<string, string>;
	stream?: string;
	messageId: string;
}

const failure = (status: number, code: number, message: string): Reply => ({ status, body: { ErrorCode: code, Message: message } });

const ADDRESS = /^(?:"?[^"<]*"?\s*<)?([^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)>?$/;

export class PostmarkStandIn extends StandInServer {
	readonly delivered: PostmarkDelivered[] = [];
	/** Addresses Postmark has marked inactive (hard bounce, complaint): their messages get ErrorCode 406. */
	readonly inactive = new Set<string>();

	constructor(private readonly token: string) {
		super();
		this.route('POST', '/email/batch', (request) => this.batch(request, false));
		this.route('POST', '/email/batchWithTemplates', (request) => this.batch(request, true));
		this.route('GET', '/server', (request) => this.guard(request) ?? { body: { ID: 1, Name: 'Stand-in server', ApiTokens: ['hidden'] } });
	}

	override reset(): void {
		super.reset();
		this.delivered.length = 0;
		this.inactive.clear();
	}

	private guard(request: RecordedRequest): Reply | undefined {
		const given = request.headers['x-postmark-server-token'];
		if (!given) return failure(401, 10, 'No Account or Server API tokens were supplied in the HTTP headers. Please add a header for either X-Postmark-Server-Token or X-Postmark-Account-Token.');
		if (given !== this.token) return failure(401, 10, 'The Server Token you provided in the X-Postmark-Server-Token request header was invalid. Please verify that you are using a valid token.');
		return undefined;
	}

	private batch(request: RecordedRequest, templates: boolean): Reply {
		const refused = this.guard(request);
		if (refused) return refused;
		const list = templates ? (request.body as { Messages?: unknown } | undefined)?.Messages : request.body;
		if (!Array.isArray(list)) return failure(422, 402, templates ? 'The request body must have a Messages array.' : 'The request body must be a JSON array of messages.');
		if (list.length > POSTMARK_BATCH_LIMIT) return failure(422, 300, `Batch requests may contain no more than ${POSTMARK_BATCH_LIMIT} messages; this one has ${list.length}.`);
		return { status: 200, body: list.map((message: Json) => this.one(message, templates)) };
	}

	private one(message: Json, templates: boolean): Json {
		const to = typeof message.To === 'string' ? message.To : '';
		const address = ADDRESS.exec(to.trim())?.[1];
		const refuse = (code: number, text: string) => ({ ErrorCode: code, Message: text });
		if (!message.From) return refuse(300, "Invalid 'From' address: ''.");
		if (!address) return refuse(300, `Invalid 'To' address: '${to}'.`);
		if (templates) {
			if (message.TemplateId === undefined && message.TemplateAlias === undefined) return refuse(1101, 'The template ID or alias must be set.');
			if (message.TemplateModel === null || typeof message.TemplateModel !== 'object') return refuse(1109, 'The TemplateModel must be an object.');
		} else {
			if (!message.Subject) return refuse(300, 'Subject is required.');
			if (!message.HtmlBody && !message.TextBody) return refuse(300, 'Provide either email TextBody or HtmlBody or both.');
		}
		if (this.inactive.has(address.toLowerCase())) {
			return refuse(406, `You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: ${address}. Inactive recipients are ones that have generated a hard bounce, a spam complaint, or a manual suppression.`);
		}
		const messageId = randomUUID();
		this.delivered.push({
			to: address,
			from: String(message.From),
			subject: message.Subject as string | undefined,
			html: message.HtmlBody as string | undefined,
			text: message.TextBody as string | undefined,
			template: (message.TemplateId ?? message.TemplateAlias) as string | number | undefined,
			model: message.TemplateModel as Json | undefined,
			metadata: message.Metadata as Record<string, string> | undefined,
			stream: message.MessageStream as string | undefined,
			messageId,
		});
		return { To: to, SubmittedAt: new Date().toISOString(), MessageID: messageId, ErrorCode: 0, Message: 'OK' };
	}
}
