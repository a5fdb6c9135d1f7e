/**
 * TikTok's Content Posting API (Direct Post, PULL_FROM_URL) and its token endpoint, as
 * documented: `POST /v2/oauth/token/` (form: client_key, client_secret, grant_type=refresh_token,
 * refresh_token) answers a 24-hour access token; every API call needs it as `Authorization:
 * Bearer`. `POST /v2/post/publish/creator_info/query/` names the account and the privacy levels it
 * may use; `POST /v2/post/publish/video/init/` (6 per minute per token, then 429
 * rate_limit_exceeded) takes `post_info` and `source_info`, refuses a privacy level the creator
 * cannot use (privacy_level_option_mismatch) and a video from an unverified URL prefix
 * (url_ownership_unverified), and answers a `publish_id`; `POST /v2/post/publish/status/fetch/`
 * answers PROCESSING_DOWNLOAD for the first `processingChecks` checks, then PUBLISH_COMPLETE (with
 * `publicaly_available_post_id` for public posts, TikTok's spelling). Every answer carries TikTok's
 * `error` object (`code: ok` on success).
 */
import { randomInt } from 'node:crypto';

import { StandInServer, type RecordedRequest, type Reply } from './server';

export const TIKTOK_INITS_PER_MINUTE = 6;

const logId = () => `2024${randomInt(1e9, 9e9)}`;
const ok = (data: Record<string, unknown>): Reply => ({ body: { data, error: { code: 'ok', message: '', log_id: logId() } } });
const fail = (status: number, code: string, message: string): Reply => ({ status, body: { error: { code, message, log_id: logId() } } });

export interface TikTokPost {
	publishId: string;
	title: string;
	privacyLevel: string;
	videoUrl: string;
	checks: number;
	postId?: string;
}

export class TikTokStandIn extends StandInServer {
	readonly posts = new Map<string, TikTokPost>();
	/** Access tokens handed out. */
	readonly issued: string[] = [];
	processingChecks = 1;
	privacyLevels = ['FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'];
	private initTimes: number[] = [];

	constructor(
		private readonly app: { clientKey: string; clientSecret: string; refreshToken: string; username: string; verifiedPrefixes: string[] },
	) {
		super();
		this.route('POST', '/v2/oauth/token/', (request) => this.token(request));
		this.route('POST', '/v2/post/publish/creator_info/query/', (request) =>
			this.guard(request) ??
			ok({ creator_avatar_url: 'https://p16.tiktokcdn.com/avatar.jpeg', creator_username: this.app.username, creator_nickname: 'Campaign Kit', privacy_level_options: this.privacyLevels, comment_disabled: false, duet_disabled: false, stitch_disabled: true, max_video_post_duration_sec: 600 }),
		);
		this.route('POST', '/v2/post/publish/video/init/', (request) => this.guard(request) ?? this.init(request));
		this.route('POST', '/v2/post/publish/status/fetch/', (request) => this.guard(request) ?? this.status(request));
	}

	override reset(): void {
		super.reset();
		this.posts.clear();
		this.issued.length = 0;
		this.initTimes = [];
		this.processingChecks = 1;
		this.privacyLevels = ['FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'];
	}

	private token(request: RecordedRequest): Reply {
		const form = (request.body ?? {}) as Record<string, string>;
		if (!String(request.headers['content-type']).includes('application/x-www-form-urlencoded')) return { status: 400, body: { error: 'invalid_request', error_description: 'Content-Type must be application/x-www-form-urlencoded', log_id: logId() } };
		if (form.client_key !== this.app.clientKey || form.client_secret !== this.app.clientSecret) return { status: 401, body: { error: 'invalid_client', error_description: 'Client key or secret is incorrect.', log_id: logId() } };
		if (form.grant_type !== 'refresh_token' || form.refresh_token !== this.app.refreshToken) return { status: 400, body: { error: 'invalid_grant', error_description: 'Refresh token is invalid or expired.', log_id: logId() } };
		const token = `act.${randomInt(1e9, 9e9)}${randomInt(1e9, 9e9)}`;
		this.issued.push(token);
		return { body: { access_token: token, expires_in: 86400, open_id: '_000Hqnyyz5UYe39Z', refresh_expires_in: 31536000, refresh_token: this.app.refreshToken, scope: 'user.info.basic,video.publish', token_type: 'Bearer' } };
	}

	private guard(request: RecordedRequest): Reply | undefined {
		const auth = String(request.headers.authorization ?? '');
		if (!auth.startsWith('Bearer ') || !this.issued.includes(auth.slice(7))) return fail(401, 'access_token_invalid', 'The access token is invalid or not found in the request.');
		return undefined;
	}

	private init(request: RecordedRequest): Reply {
		const now = Date.now();
		this.initTimes = this.initTimes.filter((time) => time > now - 60_000);
		if (this.initTimes.length >= TIKTOK_INITS_PER_MINUTE) return fail(429, 'rate_limit_exceeded', 'API rate limit was exceeded, only 6 requests are allowed per minute.');
		this.initTimes.push(now);
		const body = (request.body ?? {}) as { post_info?: Record<string, unknown>; source_info?: Record<string, unknown> };
		const level = String(body.post_info?.privacy_level ?? '');
		if (!level) return fail(400, 'invalid_params', 'post_info.privacy_level is required.');
		if (!this.privacyLevels.includes(level)) return fail(400, 'privacy_level_option_mismatch', 'privacy_level is not one of the options the creator_info query returned.');
		if (body.source_info?.source !== 'PULL_FROM_URL') return fail(400, 'invalid_params', 'Only PULL_FROM_URL is implemented by this stand-in.');
		const url = String(body.source_info?.video_url ?? '');
		if (!this.app.verifiedPrefixes.some((prefix) => url.startsWith(prefix))) return fail(403, 'url_ownership_unverified', 'Please review our URL ownership verification rules.');
		const title = String(body.post_info?.title ?? '');
		if (title.length > 2200) return fail(400, 'invalid_params', 'The title is longer than 2200 UTF-16 runes.');
		const publishId = `v_pub_url~v2-1.${randomInt(1e9, 9e9)}`;
		this.posts.set(publishId, { publishId, title, privacyLevel: level, videoUrl: url, checks: 0 });
		return ok({ publish_id: publishId });
	}

	private status(request: RecordedRequest): Reply {
		const id = String(((request.body ?? {}) as Record<string, unknown>).publish_id ?? '');
		const post = this.posts.get(id);
		if (!post) return fail(400, 'invalid_publish_id', 'The publish_id does not exist.');
		post.checks++;
		if (post.checks <= this.processingChecks) return ok({ status: 'PROCESSING_DOWNLOAD', uploaded_bytes: 0, downloaded_bytes: 1024 });
		if (post.privacyLevel === 'PUBLIC_TO_EVERYONE') post.postId ??= `7${randomInt(1e9, 9e9)}${randomInt(1e8, 9e8)}`;
		return ok({ status: 'PUBLISH_COMPLETE', publicaly_available_post_id: post.postId ? [post.postId] : [], uploaded_bytes: 0, downloaded_bytes: 2048 });
	}
}
