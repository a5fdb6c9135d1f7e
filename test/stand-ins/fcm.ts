/**
 * Google's OAuth2 token endpoint and Firebase Cloud Messaging HTTP v1 as documented, on one local
 * server (there is no published OpenAPI for either).
 *
 * - `POST /token`: the JWT bearer grant (RFC 7523). The assertion's RS256 signature is verified
 *   with the public key of the key pair the test made, and its claims as Google checks them (issuer
 *   = the service account, audience = Google's token URL, the messaging scope, at most an hour,
 *   not expired). Answers `{access_token, expires_in, token_type}` or 400 `invalid_grant`.
 * - `POST /v1/projects/{project}/messages:send`: a Bearer token this server issued and that has not
 *   expired, the project, and the message (exactly one of token / topic / condition, string data
 *   values, no reserved keys). Answers `{name}`; a token marked unregistered answers 404 with
 *   Firebase's UNREGISTERED error, as Firebase does for an app that was uninstalled.
 */
import { createVerify, randomBytes, type KeyObject } from 'node:crypto';

import { StandInServer, type RecordedRequest, type Reply } from './server';

export const GOOGLE_AUDIENCE = 'https://oauth2.googleapis.com/token';
const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';

export interface FcmDelivered {
	name: string;
	token?: string;
	topic?: string;
	title?: string;
	body?: string;
	data?: Record<string, string>;
	link?: string;
}

export const googleError = (status: number, statusText: string, message: string, errorCode?: string): Reply => ({
	status,
	body: {
		error: {
			code: status,
			message,
			status: statusText,
			...(errorCode ? { details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }] } : {}),
		},
	},
});

const RESERVED = /^(from|notification|message_type)$|^(google|gcm)/i;

export interface FcmAccount {
	projectId: string;
	clientEmail: string;
	/** The public half of the service account's key pair. */
	publicKey: KeyObject | string;
}

export class FcmStandIn extends StandInServer {
	readonly delivered: FcmDelivered[] = [];
	/** Registration tokens Firebase no longer knows (the app was uninstalled): 404 UNREGISTERED. */
	readonly unregistered = new Set<string>();
	/** Claims of every assertion accepted, in order. */
	readonly assertions: Array<Record<string, unknown>> = [];
	/** Lifetime of the access tokens it gives out. */
	tokenLifetimeSeconds = 3599;
	/** Hold every send this long (to see requests overlap). */
	latencyMs = 0;
	private readonly issued = new Map<string, number>();

	constructor(private readonly account: FcmAccount) {
		super();
		this.route('POST', '/token', (request) => this.token(request));
		this.route('POST', '/v1/projects/:project/messages:send', (request) => this.send(request));
	}

	/** Requests to the token endpoint so far. */
	get tokenRequests(): RecordedRequest[] {
		return this.requestsTo('/token', 'POST');
	}

	override reset(): void {
		super.reset();
		this.delivered.length = 0;
		this.unregistered.clear();
		this.assertions.length = 0;
		this.issued.clear();
		this.tokenLifetimeSeconds = 3599;
		this.latencyMs = 0;
	}

	private token(request: RecordedRequest): Reply {
		const invalid = (description: string): Reply => ({ status: 400, body: { error: 'invalid_grant', error_description: description } });
		if (!String(request.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
			return { status: 400, body: { error: 'invalid_request', error_description: 'Bad Request' } };
		}
		const form = (request.body ?? {}) as Record<string, string>;
		if (form.grant_type !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
			return { status: 400, body: { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${form.grant_type ?? ''}` } };
		}
		const parts = String(form.assertion ?? '').split('.');
		if (parts.length !== 3) return invalid('Invalid JWT: Token must be a short-lived token and in a reasonable timeframe');
		let header: Record<string, unknown>;
		let claims: Record<string, unknown>;
		try {
			header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
			claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
		} catch {
			return invalid('Invalid JWT: could not be decoded');
		}
		if (header.alg !== 'RS256') return invalid(`Invalid JWT: unsupported algorithm ${String(header.alg)}`);
		const signed = createVerify('RSA-SHA256').update(`${parts[0]}.${parts[1]}`).verify(this.account.publicKey, Buffer.from(parts[2], 'base64url'));
		if (!signed) return invalid('Invalid JWT Signature.');
		const now = Math.floor(Date.now() / 1000);
		const iat = Number(claims.iat);
		const exp = Number(claims.exp);
		if (claims.iss !== this.account.clientEmail) return invalid('Invalid email or User ID');
		if (claims.aud !== GOOGLE_AUDIENCE) return invalid(`Invalid JWT: audience must be ${GOOGLE_AUDIENCE}`);
		if (!String(claims.scope ?? '').split(' ').includes(SCOPE)) return { status: 400, body: { error: 'invalid_scope', error_description: 'The messaging scope is missing.' } };
		if (!Number.isFinite(iat) || !Number.isFinite(exp) || exp - iat > 3600 || iat > now + 60 || exp <= now) {
			return invalid('Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
		}
		this.assertions.push(claims);
		const accessToken = `ya29.${randomBytes(24).toString('base64url')}`;
		this.issued.set(accessToken, Date.now() + this.tokenLifetimeSeconds * 1000);
		return { body: { access_token: accessToken, expires_in: this.tokenLifetimeSeconds, token_type: 'Bearer' } };
	}

	private async send(request: RecordedRequest): Promise<Reply> {
		if (this.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
		const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
		const expires = bearer ? this.issued.get(bearer) : undefined;
		if (!expires || expires <= Date.now()) {
			return googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
		}
		if (request.params.project !== this.account.projectId) {
			return googleError(403, 'PERMISSION_DENIED', `Permission 'cloudmessaging.messages.create' denied on resource '//cloudresourcemanager.googleapis.com/projects/${request.params.project}' (or it may not exist).`, 'SENDER_ID_MISMATCH');
		}
		const message = (request.body as { message?: Record<string, unknown> } | undefined)?.message;
		const bad = (text: string) => googleError(400, 'INVALID_ARGUMENT', text, 'INVALID_ARGUMENT');
		if (!message || typeof message !== 'object') return bad('Invalid JSON payload received. Unknown name "": message is required.');
		const targets = ['token', 'topic', 'condition'].filter((key) => message[key] !== undefined);
		if (targets.length !== 1) return bad('Exactly one of token, topic or condition must be set.');
		const notification = (message.notification ?? {}) as Record<string, unknown>;
		for (const key of ['title', 'body']) {
			if (notification[key] !== undefined && typeof notification[key] !== 'string') return bad(`Invalid value at 'message.notification.${key}' (TYPE_STRING)`);
		}
		const data = (message.data ?? {}) as Record<string, unknown>;
		for (const [key, value] of Object.entries(data)) {
			if (typeof value !== 'string') return bad(`Invalid value at 'message.data[${key}].value' (TYPE_STRING)`);
			if (RESERVED.test(key)) return bad(`Invalid data payload key: ${key}`);
		}
		const token = typeof message.token === 'string' ? message.token : undefined;
		if (token !== undefined && (!token || /\s/.test(token))) return bad('The registration token is not a valid FCM registration token');
		if (token && this.unregistered.has(token)) return googleError(404, 'NOT_FOUND', 'Requested entity was not found.', 'UNREGISTERED');

		const name = `projects/${this.account.projectId}/messages/${randomBytes(8).toString('hex')}`;
		const link = ((message.webpush as { fcm_options?: { link?: string } } | undefined)?.fcm_options?.link) ?? undefined;
		this.delivered.push({
			name,
			...(token ? { token } : {}),
			...(typeof message.topic === 'string' ? { topic: message.topic } : {}),
			...(typeof notification.title === 'string' ? { title: notification.title } : {}),
			...(typeof notification.body === 'string' ? { body: notification.body } : {}),
			...(Object.keys(data).length ? { data: data as Record<string, string> } : {}),
			...(link ? { link } : {}),
		});
		return { body: { name } };
	}
}
