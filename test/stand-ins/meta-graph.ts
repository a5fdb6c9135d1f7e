/**
 * The two Graph API surfaces Social Post publishes through, as Meta documents them, on one
 * server (both live on graph.facebook.com): tokens as `Authorization: Bearer`, errors in Graph's
 * shape (`{error: {message, type, code, error_subcode, fbtrace_id}}`).
 *
 * Instagram content publishing: `POST /{version}/{ig-user-id}/media` makes a container (an
 * `image_url` that must be a JPEG, or a `video_url` with `media_type` REELS; caption at most 2,200
 * characters and 30 hashtags); `GET /{version}/{container-id}?fields=status_code` answers
 * IN_PROGRESS for the first `inProgressChecks` checks (2 by default), then FINISHED;
 * `POST /{version}/{ig-user-id}/media_publish` publishes a FINISHED container once (an unfinished
 * one is refused with code 9007, subcode 2207027); `GET /{version}/{ig-user-id}/content_publishing_limit`
 * reports the 24-hour quota (`quota_total` 50), and a publish beyond it is refused (code 9,
 * subcode 2207042); `GET /{version}/{media-id}?fields=permalink`.
 *
 * Facebook Pages: `POST /{version}/{page-id}/feed` (`message`, `link`, `published`,
 * `scheduled_publish_time` between 10 minutes and 30 days ahead, else code 100) and
 * `POST /{version}/{page-id}/photos` (`url`, `caption`), answering `{id}` and, for photos,
 * `{id, post_id}`.
 */
import { randomInt } from 'node:crypto';

import { StandInServer, type RecordedRequest, type Reply } from './server';

const graphError = (status: number, code: number, message: string, subcode?: number, type = 'OAuthException'): Reply => ({
	status,
	body: { error: { message, type, code, ...(subcode ? { error_subcode: subcode } : {}), fbtrace_id: `A${randomInt(1e9, 9e9)}` } },
});

const newId = () => `${randomInt(1e8, 9e8)}${randomInt(1e8, 9e8)}`;

export interface Container {
	id: string;
	imageUrl?: string;
	videoUrl?: string;
	caption?: string;
	checks: number;
	published?: string;
}

export interface PagePost {
	id: string;
	kind: 'feed' | 'photo';
	message?: string;
	link?: string;
	url?: string;
	scheduledPublishTime?: number;
	published: boolean;
}

export class MetaGraphStandIn extends StandInServer {
	readonly containers = new Map<string, Container>();
	/** Instagram media published: media id → container id. */
	readonly media = new Map<string, string>();
	readonly pagePosts: PagePost[] = [];
	/** How many status checks a new container answers IN_PROGRESS before FINISHED. */
	inProgressChecks = 2;
	/** Instagram posts already published in the last 24 hours (before this test), and the quota. */
	quotaUsage = 0;
	quotaTotal = 50;

	constructor(private readonly accounts: { instagram: { id: string; token: string }; page: { id: string; token: string } }) {
		super();
		const { instagram, page } = accounts;
		this.route('GET', '/:version/:id', (request) => this.read(request));
		this.route('GET', `/:version/${instagram.id}/content_publishing_limit`, (request) =>
			this.as(request, instagram.token) ?? { body: { data: [{ config: { quota_total: this.quotaTotal, quota_duration: 86400 }, quota_usage: this.quotaUsage }] } },
		);
		this.route('POST', `/:version/${instagram.id}/media`, (request) => this.as(request, instagram.token) ?? this.container(request));
		this.route('POST', `/:version/${instagram.id}/media_publish`, (request) => this.as(request, instagram.token) ?? this.publish(request));
		this.route('POST', `/:version/${page.id}/feed`, (request) => this.as(request, page.token) ?? this.pagePost(request, 'feed'));
		this.route('POST', `/:version/${page.id}/photos`, (request) => this.as(request, page.token) ?? this.pagePost(request, 'photo'));
	}

	override reset(): void {
		super.reset();
		this.containers.clear();
		this.media.clear();
		this.pagePosts.length = 0;
		this.inProgressChecks = 2;
		this.quotaUsage = 0;
		this.quotaTotal = 50;
	}

	/** Graph reads the token from the Authorization header (or access_token, not used here). */
	private as(request: RecordedRequest, token: string): Reply | undefined {
		const auth = request.headers.authorization;
		if (!auth) return graphError(400, 2500, 'An active access token must be used to query information about the current user.');
		if (auth !== `Bearer ${token}`) return graphError(400, 190, 'Invalid OAuth access token - Cannot parse access token');
		return undefined;
	}

	private read(request: RecordedRequest): Reply {
		const tokens = [this.accounts.instagram.token, this.accounts.page.token].map((token) => `Bearer ${token}`);
		if (!tokens.includes(String(request.headers.authorization))) return graphError(400, 190, 'Invalid OAuth access token - Cannot parse access token');
		const id = request.params.id;
		const fields = String(request.query.fields ?? '').split(',');
		const container = this.containers.get(id);
		if (container) {
			container.checks++;
			const status = container.published ? 'PUBLISHED' : container.checks > this.inProgressChecks ? 'FINISHED' : 'IN_PROGRESS';
			return { body: { ...(fields.includes('status_code') ? { status_code: status } : {}), ...(fields.includes('status') ? { status: status === 'IN_PROGRESS' ? 'In Progress' : 'Finished' } : {}), id } };
		}
		if (this.media.has(id)) return { body: { ...(fields.includes('permalink') ? { permalink: `https://www.instagram.com/p/C${id.slice(0, 9)}/` } : {}), id } };
		if (id === this.accounts.instagram.id) return { body: { id, username: 'campaignkit.shop' } };
		if (id === this.accounts.page.id) return { body: { id, name: 'Campaign Kit Shop' } };
		return graphError(400, 100, `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 33, 'GraphMethodException');
	}

	private container(request: RecordedRequest): Reply {
		const body = (request.body ?? {}) as Record<string, unknown>;
		const caption = typeof body.caption === 'string' ? body.caption : undefined;
		if (caption && [...caption].length > 2200) return graphError(400, 100, 'The caption is too long.', 2207010);
		if (caption && (caption.match(/(^|\s)#\w/g) ?? []).length > 30) return graphError(400, 100, 'The caption has too many hashtags.', 2207010);
		let container: Container;
		if (typeof body.video_url === 'string') {
			if (body.media_type !== 'REELS' && body.media_type !== 'VIDEO') return graphError(400, 100, 'The parameter media_type is required for video_url.');
			container = { id: newId(), videoUrl: body.video_url, caption, checks: 0 };
		} else if (typeof body.image_url === 'string') {
			if (!/\.jpe?g(\?|$)/i.test(body.image_url)) return graphError(400, 9004, 'Only photo or video can be accepted as media type.', 2207052);
			container = { id: newId(), imageUrl: body.image_url, caption, checks: 0 };
		} else return graphError(400, 100, 'The parameter image_url is required.');
		this.containers.set(container.id, container);
		return { body: { id: container.id } };
	}

	private publish(request: RecordedRequest): Reply {
		const creation = String(((request.body ?? {}) as Record<string, unknown>).creation_id ?? '');
		const container = this.containers.get(creation);
		if (!container) return graphError(400, 100, `Unsupported post request. Object with ID '${creation}' does not exist.`, 33, 'GraphMethodException');
		if (container.published) return graphError(400, 9007, 'Media has already been published.', 2207001);
		if (container.checks <= this.inProgressChecks) return graphError(400, 9007, 'Media ID is not available', 2207027);
		if (this.quotaUsage >= this.quotaTotal) return graphError(400, 9, 'Application request limit reached', 2207042);
		const id = newId();
		container.published = id;
		this.media.set(id, container.id);
		this.quotaUsage++;
		return { body: { id } };
	}

	private pagePost(request: RecordedRequest, kind: 'feed' | 'photo'): Reply {
		const body = (request.body ?? {}) as Record<string, unknown>;
		const when = body.scheduled_publish_time;
		if (when !== undefined) {
			const ahead = Number(when) * 1000 - Date.now();
			if (body.published !== false && body.published !== 'false') return graphError(400, 100, 'Cannot specify a scheduled publish time on a published post');
			if (!(ahead >= 10 * 60_000 && ahead <= 30 * 86_400_000)) return graphError(400, 100, 'The specified scheduled publish time is invalid.');
		}
		if (kind === 'photo' && typeof body.url !== 'string') return graphError(400, 324, 'Requires upload file');
		if (kind === 'feed' && !body.message && !body.link) return graphError(400, 100, 'The parameter message or link is required');
		const id = `${this.accounts.page.id}_${newId()}`;
		this.pagePosts.push({
			id,
			kind,
			...(typeof body.message === 'string' ? { message: body.message } : {}),
			...(typeof body.caption === 'string' ? { message: body.caption } : {}),
			...(typeof body.link === 'string' ? { link: body.link } : {}),
			...(typeof body.url === 'string' ? { url: body.url } : {}),
			...(when !== undefined ? { scheduledPublishTime: Number(when) } : {}),
			published: when === undefined,
		});
		return { body: kind === 'photo' ? { id: id.split('_')[1], post_id: id } : { id } };
	}
}
