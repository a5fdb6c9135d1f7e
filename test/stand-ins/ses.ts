/**
 * Amazon SES v2 as documented: every request signed with AWS Signature Version 4 (checked here:
 * key, scope, date within 15 minutes, signature over the raw body), `SendBulkEmail` at
 * `POST /v2/email/outbound-bulk-emails` with 1 to 50 entries answering one result per entry,
 * errors as `{"message"}` with `x-amzn-ErrorType`, and `GET /v2/email/account` for the
 * credential test. Throttling on demand with failNext (429 TooManyRequestsException).
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';

import { canonicalRequest, signingKey } from '../../nodes/shared/channel/sigv4';
import { StandInServer, type RecordedRequest, type Reply } from './server';

export const SES_BULK_LIMIT = 50;

type Json = Record<string, unknown>;

export interface SesKeys {
	accessKeyId: string;
	secretAccessKey: string;
	region: string;
	sessionToken?: string;
}

export interface SesDelivered {
	to: string;
	from: string;
	subject?: string;
	html?: string;
	text?: string;
	template?: string;
	data?: Json;
	tags?: Record<string, string>;
	messageId: string;
}

export const sesError = (status: number, type: string, message: string): Reply => ({
	status,
	headers: { 'x-amzn-ErrorType': type },
	body: { message },
});

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/;

export class SesStandIn extends StandInServer {
	readonly delivered: SesDelivered[] = [];
	/** Recipients whose entry gets this status instead of SUCCESS (e.g. MESSAGE_REJECTED, ACCOUNT_THROTTLED). */
	readonly refuse = new Map<string, string>();

	constructor(private readonly keys: SesKeys) {
		super();
		this.route('POST', '/v2/email/outbound-bulk-emails', (request) => this.verify(request) ?? this.bulk(request));
		this.route('GET', '/v2/email/account', (request) => this.verify(request) ?? { body: { SendingEnabled: true, ProductionAccessEnabled: true, SendQuota: { Max24HourSend: 50000, MaxSendRate: 14, SentLast24Hours: 0 } } });
	}

	override reset(): void {
		super.reset();
		this.delivered.length = 0;
		this.refuse.clear();
	}

	/** A refusal if the request is not signed by our keys, or undefined. */
	private verify(request: RecordedRequest): Reply | undefined {
		const header = String(request.headers.authorization ?? '');
		const match = AUTH.exec(header);
		if (!match) return sesError(403, 'IncompleteSignatureException', `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=${header.split(' ')[0]}`);
		const [, keyId, date, region, service, signedHeaders, signature] = match;
		if (keyId !== this.keys.accessKeyId) return sesError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
		if (region !== this.keys.region || service !== 'ses') return sesError(403, 'InvalidSignatureException', `Credential should be scoped to a valid region and service ('${this.keys.region}', 'ses'), not '${region}', '${service}'.`);
		const stamp = String(request.headers['x-amz-date'] ?? '');
		const time = Date.parse(stamp.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
		if (Number.isNaN(time) || stamp.slice(0, 8) !== date) return sesError(403, 'IncompleteSignatureException', 'X-Amz-Date is missing or does not match the credential scope.');
		if (Math.abs(Date.now() - time) > 15 * 60_000) return sesError(403, 'InvalidSignatureException', 'Signature expired: the request time is more than 15 minutes from now.');
		if (this.keys.sessionToken && request.headers['x-amz-security-token'] !== this.keys.sessionToken) {
			return sesError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
		}
		const names = signedHeaders.split(';');
		if (!names.includes('host') || !names.includes('x-amz-date')) return sesError(403, 'InvalidSignatureException', 'The host and x-amz-date headers must be signed.');
		const headers = Object.fromEntries(names.map((name) => [name, String(request.headers[name] ?? '')]));
		const { text } = canonicalRequest({ method: request.method, url: `http://${request.headers.host}${request.path}${queryOf(request)}`, body: request.rawBody }, headers);
		const stringToSign = ['AWS4-HMAC-SHA256', stamp, `${date}/${region}/${service}/aws4_request`, createHash('sha256').update(text).digest('hex')].join('\n');
		const expected = createHmac('sha256', signingKey(this.keys.secretAccessKey, date, region, service)).update(stringToSign).digest('hex');
		if (expected !== signature) {
			return sesError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.');
		}
		return undefined;
	}

	private bulk(request: RecordedRequest): Reply {
		const body = request.body as Json | undefined;
		if (!body || typeof body !== 'object') return sesError(400, 'BadRequestException', 'The request body is not valid JSON.');
		if (!body.FromEmailAddress) return sesError(400, 'BadRequestException', 'FromEmailAddress is required.');
		const template = (body.DefaultContent as { Template?: Json } | undefined)?.Template;
		if (!template || !(template.TemplateName || template.TemplateArn || template.TemplateContent)) {
			return sesError(400, 'BadRequestException', 'DefaultContent must contain a Template with TemplateName, TemplateArn or TemplateContent.');
		}
		const entries = body.BulkEmailEntries;
		if (!Array.isArray(entries) || !entries.length) return sesError(400, 'BadRequestException', 'BulkEmailEntries must contain at least 1 entry.');
		if (entries.length > SES_BULK_LIMIT) return sesError(400, 'BadRequestException', `1 validation error detected: Value at 'bulkEmailEntries' failed to satisfy constraint: Member must have length less than or equal to ${SES_BULK_LIMIT}`);
		const content = template.TemplateContent as { Subject?: string; Html?: string; Text?: string } | undefined;
		const results = entries.map((entry: Json) => {
			const to = ((entry.Destination as { ToAddresses?: string[] } | undefined)?.ToAddresses ?? [])[0];
			if (!to) return { Status: 'INVALID_PARAMETER', Error: 'Destination must contain at least one address.' };
			const address = /<([^>]+)>$/.exec(to)?.[1] ?? to;
			const status = this.refuse.get(address.toLowerCase());
			if (status) return { Status: status, Error: `Refused by the stand-in with ${status}.` };
			const messageId = `0100${randomUUID().replace(/-/g, '')}-000000`;
			const replacement = (entry.ReplacementEmailContent as { ReplacementTemplate?: { ReplacementTemplateData?: string } } | undefined)?.ReplacementTemplate?.ReplacementTemplateData;
			this.delivered.push({
				to: address,
				from: String(body.FromEmailAddress),
				subject: content?.Subject,
				html: content?.Html,
				text: content?.Text,
				template: template.TemplateName as string | undefined,
				data: replacement ? (JSON.parse(replacement) as Json) : undefined,
				tags: Object.fromEntries(((entry.ReplacementTags as Array<{ Name: string; Value: string }>) ?? []).map((tag) => [tag.Name, tag.Value])),
				messageId,
			});
			return { Status: 'SUCCESS', MessageId: messageId };
		});
		return { status: 200, body: { BulkEmailEntryResults: results } };
	}
}

function queryOf(request: RecordedRequest): string {
	const pairs = Object.entries(request.query).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v): [string, string] => [name, v]));
	return pairs.length ? `?${new URLSearchParams(pairs).toString()}` : '';
}
