/**
 * X API v2 as documented: a user's OAuth 2.0 token as `Authorization: Bearer`, `POST
 * /2/media/upload` (base64 `media` with `media_category`, answering `data.id`), `POST /2/tweets`
 * (201 with `data.id` and `data.text`), `GET /2/users/me`. Bodies are checked against X's OpenAPI
 * contract (../shared/contracts/x-api-v2.json: MediaUploadRequest, CreatePostsRequest) when it is
 * there. Errors come in X's problem shape (`title`, `detail`, `type`, `status`).
 *
 * Posting is limited as X limits it: 200 posts per 15-minute window per user, with
 * `x-rate-limit-limit`, `x-rate-limit-remaining` and `x-rate-limit-reset` (epoch seconds) on every
 * answer and 429 once the window is used up. A post with the same text as the user's previous one
 * is refused (403, duplicate content), as X does. Images for the node to download are served
 * from `/images/:name`.
 */
import { randomInt } from 'node:crypto';

import { operationBodyCheck } from './contracts';
import { StandInServer, type RecordedRequest, type Reply } from './server';

export const X_POSTS_PER_WINDOW = 200;
export const X_WINDOW_MS = 15 * 60_000;

/** The bytes of a 1 × 1 JPEG, enough for an upload to carry a real image. */
export const TINY_JPEG = Buffer.from(
	'/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAAA//EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AN//Z',
	'base64',
);

const problem = (status: number, title: string, detail: string, type = 'about:blank'): Reply => ({ status, body: { title, detail, type, status } });

export interface XPost {
	id: string;
	text?: string;
	mediaIds: string[];
}

export class XStandIn extends StandInServer {
	readonly posts: XPost[] = [];
	/** Uploaded media: id → bytes. */
	readonly media = new Map<string, Buffer>();
	readonly contractChecked: boolean;
	/** Posts left in the current window, and when it resets (epoch ms). */
	remaining = X_POSTS_PER_WINDOW;
	resetAt = Date.now() + X_WINDOW_MS;
	private readonly checkPost = operationBodyCheck('x-api-v2.json', '/2/tweets', 'POST');
	private readonly checkUpload = operationBodyCheck('x-api-v2.json', '/2/media/upload', 'POST');

	constructor(private readonly token: string) {
		super();
		this.contractChecked = this.checkPost !== undefined && this.checkUpload !== undefined;
		this.route('GET', '/images/:name', () => ({ headers: { 'content-type': 'image/jpeg' }, body: TINY_JPEG }));
		this.route('GET', '/2/users/me', (request) => this.guard(request) ?? { body: { data: { id: '2244994945', name: 'Campaign Kit', username: 'campaignkit' } } });
		this.route('POST', '/2/media/upload', (request) => this.guard(request) ?? this.upload(request));
		this.route('POST', '/2/tweets', (request) => this.guard(request) ?? this.post(request));
	}

	/** Sets what is left of the posting window (to test the quota), resetting `inMs` from now. */
	window(remaining: number, inMs = X_WINDOW_MS): this {
		this.remaining = remaining;
		this.resetAt = Date.now() + inMs;
		return this;
	}

	override reset(): void {
		super.reset();
		this.posts.length = 0;
		this.media.clear();
		this.window(X_POSTS_PER_WINDOW);
	}

	private rateHeaders(): Record<string, string> {
		return {
			'x-rate-limit-limit': String(X_POSTS_PER_WINDOW),
			'x-rate-limit-remaining': String(this.remaining),
			'x-rate-limit-reset': String(Math.ceil(this.resetAt / 1000)),
		};
	}

	private guard(request: RecordedRequest): Reply | undefined {
		if (request.headers.authorization !== `Bearer ${this.token}`) return problem(401, 'Unauthorized', 'Unauthorized');
		return undefined;
	}

	private upload(request: RecordedRequest): Reply {
		const body = request.body as Record<string, unknown> | undefined;
		const problems = body && typeof body === 'object' ? (this.checkUpload?.(body) ?? []) : [{ message: 'the body is not JSON' }];
		if (problems.length) return problem(400, 'Invalid Request', problems.map((p) => p.message).join('; '), 'https://api.twitter.com/2/problems/invalid-request');
		const bytes = Buffer.from(String(body?.media), 'base64');
		// A JPEG starts FF D8 FF.
		if (bytes.length < 3 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return problem(400, 'Invalid Request', 'media is not a supported image', 'https://api.twitter.com/2/problems/invalid-request');
		const id = `${randomInt(1e7, 9e7)}${randomInt(1e8, 9e8)}`;
		this.media.set(id, bytes);
		return { status: 200, body: { data: { id, media_key: `3_${id}`, size: bytes.length, expires_after_secs: 86400 } } };
	}

	private post(request: RecordedRequest): Reply {
		if (Date.now() >= this.resetAt) this.window(X_POSTS_PER_WINDOW);
		if (this.remaining <= 0) return { ...problem(429, 'Too Many Requests', 'Too Many Requests'), headers: this.rateHeaders() };
		const body = request.body as Record<string, unknown> | undefined;
		const problems = body && typeof body === 'object' ? (this.checkPost?.(body) ?? []) : [{ message: 'the body is not JSON' }];
		if (problems.length) return { ...problem(400, 'Invalid Request', problems.map((p) => p.message).join('; '), 'https://api.twitter.com/2/problems/invalid-request'), headers: this.rateHeaders() };
		const mediaIds = ((body?.media as { media_ids?: unknown[] } | undefined)?.media_ids ?? []).map(String);
		const unknown = mediaIds.find((id) => !this.media.has(id));
		if (unknown) return { ...problem(400, 'Invalid Request', `Your media IDs are invalid: ${unknown}`), headers: this.rateHeaders() };
		const text = typeof body?.text === 'string' ? body.text : undefined;
		if (!text && !mediaIds.length) return { ...problem(400, 'Invalid Request', 'One or more parameters to your request was invalid: text or media is required'), headers: this.rateHeaders() };
		if (text && this.posts.length && this.posts[this.posts.length - 1].text === text) {
			return { ...problem(403, 'Forbidden', 'You are not allowed to create a Tweet with duplicate content.'), headers: this.rateHeaders() };
		}
		this.remaining--;
		const id = `${randomInt(1e9, 9e9)}${randomInt(1e9, 9e9)}`;
		this.posts.push({ id, ...(text ? { text } : {}), mediaIds });
		return { status: 201, headers: this.rateHeaders(), body: { data: { id, text: text ?? '', edit_history_tweet_ids: [id] } } };
	}
}
