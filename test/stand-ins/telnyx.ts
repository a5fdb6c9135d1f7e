/**
 * Telnyx Messaging v2 as documented: Bearer API key, `POST /v2/messages` with JSON answering 200
 * `{data: {id, to, from, text, parts, …}}`, errors as `{errors: [{code, title, detail}]}`. Bodies
 * are checked against Telnyx's own OpenAPI contract (../shared/contracts/telnyx-v2.json,
 * CreateMessageRequest) when it is there, and always against the documented rules it does not
 * carry (a sender, a text, E.164 numbers, at most 10 parts). `GET /v2/messaging_profiles` answers
 * the credential test.
 */
import { randomUUID } from 'node:crypto';

import { countSegments } from '../../nodes/Sms/segments';
import { operationBodyCheck } from './contracts';
import { StandInServer, type RecordedRequest, type Reply } from './server';

export interface TelnyxDelivered {
	id: string;
	to: string;
	from?: string;
	messagingProfileId?: string;
	text: string;
	webhookUrl?: string;
	parts: number;
}

export const telnyxError = (status: number, code: string, title: string, detail?: string, pointer?: string): Reply => ({
	status,
	body: { errors: [{ code, title, ...(detail ? { detail } : {}), ...(pointer ? { source: { pointer } } : {}) }] },
});

const E164 = /^\+[1-9]\d{6,14}$/;

export class TelnyxStandIn extends StandInServer {
	readonly delivered: TelnyxDelivered[] = [];
	readonly contractChecked: boolean;
	private readonly check = operationBodyCheck('telnyx-v2.json', '/messages', 'POST');

	constructor(private readonly apiKey: string) {
		super();
		this.contractChecked = this.check !== undefined;
		this.route('POST', '/v2/messages', (request) => this.guard(request) ?? this.send(request));
		this.route('GET', '/v2/messaging_profiles', (request) => this.guard(request) ?? { body: { data: [], meta: { page_number: 1, page_size: 1, total_pages: 0, total_results: 0 } } });
	}

	override reset(): void {
		super.reset();
		this.delivered.length = 0;
	}

	private guard(request: RecordedRequest): Reply | undefined {
		if (request.headers.authorization !== `Bearer ${this.apiKey}`) {
			return telnyxError(401, '10009', 'Authentication failed', 'The API key provided is invalid or missing.');
		}
		return undefined;
	}

	private send(request: RecordedRequest): Reply {
		const body = request.body as Record<string, unknown> | undefined;
		if (!body || typeof body !== 'object') return telnyxError(400, '10015', 'Bad Request', 'The request body must be JSON.');
		const problems = this.check?.(body) ?? [];
		if (problems.length) return telnyxError(422, '10015', 'Invalid request', problems.map((problem) => problem.message).join('; '), problems[0].field || '/');
		const to = String(body.to ?? '');
		if (!E164.test(to)) return telnyxError(400, '40310', "Invalid 'to' address", `The 'to' address ${to} is not a valid E.164 phone number.`, '/to');
		if (!body.from && !body.messaging_profile_id) return telnyxError(400, '40305', "Invalid 'from' address", "A 'from' address or a 'messaging_profile_id' is required.", '/from');
		const text = typeof body.text === 'string' ? body.text : '';
		if (!text && !Array.isArray(body.media_urls)) return telnyxError(400, '40007', 'Missing text', 'An SMS needs a non-empty text.', '/text');
		const { segments: parts, encoding } = countSegments(text);
		if (parts > 10) return telnyxError(400, '40313', 'Message too long', `The message would take ${parts} parts; at most 10 are allowed.`, '/text');

		const id = randomUUID();
		this.delivered.push({
			id,
			to,
			...(typeof body.from === 'string' ? { from: body.from } : {}),
			...(typeof body.messaging_profile_id === 'string' ? { messagingProfileId: body.messaging_profile_id } : {}),
			text,
			...(typeof body.webhook_url === 'string' ? { webhookUrl: body.webhook_url } : {}),
			parts,
		});
		return {
			status: 200,
			body: {
				data: {
					record_type: 'message',
					direction: 'outbound',
					id,
					type: 'SMS',
					messaging_profile_id: body.messaging_profile_id ?? null,
					from: { phone_number: body.from ?? '+15550000000', carrier: 'Stand-in', line_type: 'Wireless' },
					to: [{ phone_number: to, status: 'queued', carrier: 'Stand-in', line_type: 'Wireless' }],
					text,
					encoding: encoding === 'GSM-7' ? 'GSM-7' : 'UCS-2',
					parts,
					webhook_url: body.webhook_url ?? null,
				},
			},
		};
	}
}
