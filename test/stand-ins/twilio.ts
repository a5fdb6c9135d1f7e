/**
 * Twilio's Messages API as documented: HTTP Basic with the Account SID and Auth Token (or an API
 * key's SID and secret), `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` form encoded,
 * answering 201 with the message resource. Form bodies are checked against Twilio's own OpenAPI
 * contract (../shared/contracts/twilio-api-v2010.json, CreateMessageRequest) when it is there, and
 * always against the documented rules the contract does not carry: a sender, a body, E.164
 * numbers, 1,600 characters. Refusals come in Twilio's shape, `{code, message, more_info, status}`
 * (the contract defines only the 201); throttling as 429 with code 20429 on demand.
 */
import { randomBytes } from 'node:crypto';

import { operationBodyCheck } from './contracts';
import { StandInServer, type RecordedRequest, type Reply } from './server';

const MESSAGES = '/2010-04-01/Accounts/:accountSid/Messages.json';

export interface TwilioDelivered {
	sid: string;
	to: string;
	from?: string;
	messagingServiceSid?: string;
	body: string;
	statusCallback?: string;
}

export const twilioError = (status: number, code: number, message: string): Reply => ({
	status,
	body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
});

const E164 = /^\+[1-9]\d{6,14}$/;
// What Twilio's `phone-number` format covers: E.164, short codes, alphanumeric sender IDs, channel addresses.
const PHONE_NUMBER_FORMAT = /^(\+[1-9]\d{6,14}|\d{3,8}|(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}|[a-z]+:.+)$/;

export interface TwilioKeys {
	accountSid: string;
	authToken: string;
	/** An API key of the account, accepted besides the Auth Token. */
	apiKey?: { sid: string; secret: string };
}

export class TwilioStandIn extends StandInServer {
	readonly delivered: TwilioDelivered[] = [];
	/** Numbers Twilio refuses, with the error it answers (e.g. 21610 for a number that replied STOP). */
	readonly refuse = new Map<string, { code: number; message: string }>();
	/** Numbers whose sends answer 503, as when the route to their carrier is down. */
	readonly outageFor = new Set<string>();
	/** Whether bodies are checked against Twilio's published contract (false when ../shared/contracts is absent). */
	readonly contractChecked: boolean;
	/** Hold every answer this long (to see requests overlap). */
	latencyMs = 0;
	private readonly check = operationBodyCheck('twilio-api-v2010.json', '/2010-04-01/Accounts/{AccountSid}/Messages.json', 'POST', {
		mediaType: 'application/x-www-form-urlencoded',
		form: true,
		formats: { 'phone-number': PHONE_NUMBER_FORMAT },
	});

	constructor(private readonly keys: TwilioKeys) {
		super();
		this.contractChecked = this.check !== undefined;
		this.route('POST', MESSAGES, (request) => this.guard(request) ?? this.create(request));
		this.route('GET', '/2010-04-01/Accounts/:account', (request) => {
			const refused = this.guard(request, request.params.account.replace(/\.json$/, ''));
			return refused ?? { body: { sid: this.keys.accountSid, friendly_name: 'Stand-in account', status: 'active', type: 'Full' } };
		});
	}

	/** The next `count` sends answer 429 with Twilio's code 20429. */
	rateLimitNext(count = 1, retryAfter?: number): this {
		const reply = twilioError(429, 20429, 'Too Many Requests');
		return this.failNext('POST', MESSAGES, count, retryAfter === undefined ? reply : { ...reply, headers: { 'Retry-After': String(retryAfter) } });
	}

	/** The next `count` sends answer 503 as Twilio does during an outage. */
	outageNext(count: number): this {
		return this.failNext('POST', MESSAGES, count, twilioError(503, 20503, 'Service Unavailable'));
	}

	override reset(): void {
		super.reset();
		this.delivered.length = 0;
		this.refuse.clear();
		this.outageFor.clear();
		this.latencyMs = 0;
	}

	private guard(request: RecordedRequest, account = request.params.accountSid): Reply | undefined {
		const header = request.headers.authorization ?? '';
		const [user, password] = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8').split(':') : [];
		const { accountSid, authToken, apiKey } = this.keys;
		const known = (user === accountSid && password === authToken) || (apiKey !== undefined && user === apiKey.sid && password === apiKey.secret);
		if (!known) return twilioError(401, 20003, 'Authenticate');
		if (account !== accountSid) return twilioError(404, 20404, `The requested resource /2010-04-01/Accounts/${account} was not found`);
		return undefined;
	}

	private async create(request: RecordedRequest): Promise<Reply> {
		if (this.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
		if (!String(request.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
			return twilioError(400, 21620, 'The request body must be form encoded (application/x-www-form-urlencoded)');
		}
		const form = (request.body ?? {}) as Record<string, string>;
		const problems = this.check?.(form) ?? [];
		if (problems.length) return twilioError(400, 21600, `The request does not match Twilio's contract: ${problems.map((problem) => problem.message).join('; ')}`);
		if (!form.To) return twilioError(400, 21604, "A 'To' phone number is required.");
		if (!E164.test(form.To)) return twilioError(400, 21211, `The 'To' number ${form.To} is not a valid phone number.`);
		if (!form.From && !form.MessagingServiceSid) return twilioError(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message.");
		if (form.MessagingServiceSid && !/^MG[0-9a-fA-F]{32}$/.test(form.MessagingServiceSid)) return twilioError(400, 21701, 'The Messaging Service Sid is invalid.');
		if (!form.Body && !form.MediaUrl && !form.ContentSid) return twilioError(400, 21602, 'Message body is required.');
		if ((form.Body ?? '').length > 1600) return twilioError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
		if (this.outageFor.has(form.To)) return twilioError(503, 20503, 'Service Unavailable');
		const refusal = this.refuse.get(form.To);
		if (refusal) return twilioError(400, refusal.code, refusal.message);

		const sid = `SM${randomBytes(16).toString('hex')}`;
		this.delivered.push({
			sid,
			to: form.To,
			...(form.From ? { from: form.From } : {}),
			...(form.MessagingServiceSid ? { messagingServiceSid: form.MessagingServiceSid } : {}),
			body: form.Body,
			...(form.StatusCallback ? { statusCallback: form.StatusCallback } : {}),
		});
		const now = new Date().toUTCString().replace('GMT', '+0000');
		return {
			status: 201,
			body: {
				account_sid: this.keys.accountSid,
				api_version: '2010-04-01',
				body: form.Body,
				date_created: now,
				date_sent: null,
				date_updated: now,
				direction: 'outbound-api',
				error_code: null,
				error_message: null,
				from: form.From ?? null,
				messaging_service_sid: form.MessagingServiceSid ?? null,
				num_media: '0',
				num_segments: '1',
				price: null,
				price_unit: 'USD',
				sid,
				status: form.MessagingServiceSid && !form.From ? 'accepted' : 'queued',
				to: form.To,
				uri: `/2010-04-01/Accounts/${this.keys.accountSid}/Messages/${sid}.json`,
			},
		};
	}
}
