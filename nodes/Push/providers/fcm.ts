/**
 * Firebase Cloud Messaging HTTP v1: `POST /v1/projects/{project}/messages:send`, one message per
 * request (a device token or a topic), answering `{name}`. Requests carry an OAuth2 access token
 * that the credential's service account buys at Google's token endpoint with a signed JWT (the
 * credential signs it; this adapter only asks, once per execution). A token Firebase no longer
 * knows answers 404 UNREGISTERED: that contact fails with "token no longer registered", is not
 * retried, and the app should forget the token.
 */
import { serviceAccount, serviceAccountProject } from '../../shared/channel/jwt';
import type { HttpCall, Message, MessageResult, Provider, ProviderRequest } from '../../shared/channel/types';
import { KEY_FIELD, type PushContent } from '../content';

type PushMessage = Message<PushContent>;

/** Firebase wants every data value as a string. */
const asString = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value) ?? '');

export function fcmBody(message: PushMessage): Record<string, unknown> {
	const { content } = message;
	const data: Record<string, string> = {};
	for (const [key, value] of Object.entries(content.data ?? {})) if (value !== undefined && value !== null) data[key] = asString(value);
	if (content.url && data.link === undefined) data.link = content.url;
	data[KEY_FIELD] = message.key;
	const body: Record<string, unknown> = {
		[content.target === 'topic' ? 'topic' : 'token']: message.recipient,
		notification: { ...(content.title ? { title: content.title } : {}), body: content.body },
		data,
	};
	// Web push opens the link itself (Firebase takes only https links there); apps read data.link.
	if (content.url && /^https:\/\//i.test(content.url)) body.webpush = { fcm_options: { link: content.url } };
	return { message: body };
}

/** `project` is undefined when Simulate runs without a credential: the path then shows where it goes. */
function request(message: PushMessage, project: string | undefined): ProviderRequest<PushContent> {
	const path = `/v1/projects/${project ? encodeURIComponent(project) : '{project_id}'}/messages:send`;
	return { messages: [message], http: (): HttpCall => ({ method: 'POST', url: path, body: fcmBody(message) }) };
}

interface GoogleError {
	error?: { code?: number; message?: string; status?: string; details?: Array<{ '@type'?: string; errorCode?: string }> };
}

/** Firebase's own error code (UNREGISTERED, SENDER_ID_MISMATCH, …), else the API's status. */
export function fcmErrorCode(body: unknown): string | undefined {
	const error = (body as GoogleError | undefined)?.error;
	if (!error) return undefined;
	const detail = error.details?.find((entry) => typeof entry.errorCode === 'string' && entry.errorCode);
	return detail?.errorCode ?? error.status;
}

export const UNREGISTERED_REASON = 'token no longer registered: remove it';

/** What each of Firebase's per-token refusals means for that contact. */
const REFUSALS: Record<string, string> = {
	UNREGISTERED: UNREGISTERED_REASON,
	SENDER_ID_MISMATCH: 'the token belongs to another Firebase project: it cannot be used with this credential',
	THIRD_PARTY_AUTH_ERROR: 'Apple (APNs) or the browser\'s push service refused the project\'s push credentials: check Cloud Messaging in the Firebase project settings',
};

export function fcm(): Provider<PushContent> {
	return {
		id: 'fcm',
		name: 'Firebase Cloud Messaging',
		credentialType: 'campaignKitFirebaseApi',
		maxPerRequest: 1,
		defaultBaseUrl: () => 'https://fcm.googleapis.com',
		simulatedAuth: { Authorization: 'Bearer **hidden** (an access token for the service account, asked for when sending)' },
		plan: (messages, credentials) => messages.map((message) => request(message, serviceAccountProject(credentials))),
		results: (_request, answer): MessageResult[] => {
			const name = (answer.body as { name?: unknown } | undefined)?.name;
			return [{ ok: true, messageId: typeof name === 'string' && name ? name : null }];
		},
		// Per-token refusals (400, 403, 404) and Apple's or the browser's refusal of the project (401 with
		// THIRD_PARTY_AUTH_ERROR); a 401 without it is our access token, and stays n8n's error.
		refusal: ({ statusCode, body }) => {
			const code = fcmErrorCode(body);
			if (!code || (statusCode === 401 && code !== 'THIRD_PARTY_AUTH_ERROR')) return undefined;
			if (REFUSALS[code]) return REFUSALS[code];
			const message = (body as GoogleError).error?.message;
			return message ? `${message} (Firebase ${code})` : undefined;
		},
		session: {
			request(credentials) {
				// Checks the key before anything leaves; the credential signs the assertion into the body.
				const { tokenUrl } = serviceAccount(credentials);
				return { method: 'POST', url: tokenUrl, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: undefined };
			},
			read(answer, now) {
				const { access_token: token, expires_in: expiresIn } = (answer.body ?? {}) as Record<string, unknown>;
				if (typeof token !== 'string' || !token) throw new Error('the token endpoint answered without an access_token');
				const seconds = Number(expiresIn);
				return {
					headers: { Authorization: `Bearer ${token}` },
					// Google's tokens live an hour; without a lifetime, assume five minutes.
					expiresAt: now + (Number.isFinite(seconds) && seconds > 0 ? seconds : 300) * 1000,
				};
			},
		},
	};
}
