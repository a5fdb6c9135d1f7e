/**
 * Instagram Graph API content publishing, in three steps:
 *   1. `POST /{ig-user-id}/media` makes a container (`image_url`, or `video_url` with
 *      `media_type: REELS`, and the `caption`);
 *   2. `GET /{container-id}?fields=status_code,status` until `FINISHED` (Instagram fetches and
 *      processes the media meanwhile: `IN_PROGRESS`; `ERROR` and `EXPIRED` end it), checked at
 *      once, then after 1, 2, 4 … seconds (at most 30 apart) within "Give Up After";
 *   3. `POST /{ig-user-id}/media_publish` with `creation_id`; then its `permalink` is read.
 *
 * Quota: an account publishes at most 50 posts in 24 hours (the number Instagram states in
 * `content_publishing_limit`'s `config.quota_total`). It is read once per execution, before the
 * first post, and counted down; a post beyond it is Skipped with the reason, unrecorded, so a later
 * run publishes it. Instagram does not say when a slot frees up (a rolling 24 hours), so `retryAt` is empty.
 */
import type { HttpCall, Message, MessageResult, Provider, PublishSteps } from '../../shared/channel/types';
import { classifyMetaAnswer } from '../../MetaAds/engine/throttle';
import { graphVersion, json, later, pollDelayMs, published, refused, type SocialContent } from './common';

const containerBody = ({ post }: SocialContent): Record<string, unknown> =>
	post.videoUrl ? { media_type: 'REELS', video_url: post.videoUrl, caption: post.text } : { image_url: post.imageUrl, caption: post.text };

const account = (credentials?: Record<string, unknown>) => String(credentials?.accountId ?? '').trim() || '{ig-user-id}';

export function instagramPlatform(): Provider<SocialContent> {
	// Posts left in the account's 24-hour quota, read before this execution's first post.
	let left: Promise<{ left: number; total: number }> | undefined;

	async function quota(steps: PublishSteps, base: string) {
		const answer = await steps.call({ method: 'GET', url: `${base}/content_publishing_limit`, qs: { fields: 'config,quota_usage' }, body: undefined });
		const entry = ((json(answer).data as unknown[] | undefined) ?? [])[0] as { quota_usage?: unknown; config?: { quota_total?: unknown } } | undefined;
		const total = Number(entry?.config?.quota_total ?? 50);
		const used = Number(entry?.quota_usage ?? 0);
		return { left: Math.max(0, total - used), total };
	}

	return {
		id: 'instagram',
		name: 'Instagram',
		credentialType: 'campaignKitInstagramApi',
		maxPerRequest: 1,
		defaultBaseUrl: () => 'https://graph.facebook.com',
		simulatedAuth: { Authorization: 'Bearer **hidden**' },
		publicCredentialFields: ['accountId', 'apiVersion'],
		classify: classifyMetaAnswer,
		plan: (messages, credentials) => {
			const base = `${graphVersion(credentials ?? {})}/${account(credentials)}`;
			return messages.map((message) => ({
				messages: [message],
				steps: [
					`GET ${base}/content_publishing_limit (posts left today; once per run)`,
					`POST ${base}/media (the container)`,
					'GET /{container-id}?fields=status_code,status until FINISHED',
					`POST ${base}/media_publish (creation_id)`,
					'GET /{media-id}?fields=permalink',
				],
				http: (): HttpCall => ({ method: 'POST', url: `${base}/media`, body: containerBody(message.content) }),
			}));
		},
		results: () => [],
		async publish(message: Message<SocialContent>, steps: PublishSteps): Promise<MessageResult> {
			const version = graphVersion(steps.credentials);
			const base = `${version}/${account(steps.credentials)}`;
			// Counted down synchronously, so posts published at once never overshoot.
			left ??= quota(steps, base);
			const state = await left;
			if (state.left <= 0) {
				return later(`not posted: Instagram's limit of ${state.total} posts in 24 hours for this account is used up; slots free up 24 hours after each earlier post`, null);
			}
			state.left--;
			const created = await steps.call({ method: 'POST', url: `${base}/media`, body: containerBody(message.content) });
			const container = json(created).id;
			if (typeof container !== 'string' || !container) return refused('Instagram made no media container');

			const started = steps.now();
			for (let check = 0; ; check++) {
				const answer = await steps.call({ method: 'GET', url: `${version}/${container}`, qs: { fields: 'status_code,status' }, body: undefined });
				const { status_code: code, status } = json(answer) as { status_code?: string; status?: string };
				if (code === 'FINISHED') break;
				if (code === 'ERROR' || code === 'EXPIRED') {
					state.left++;
					return refused(`Instagram could not process the media (${code}${status ? `: ${status}` : ''})`);
				}
				const wait = pollDelayMs(check);
				if (steps.now() - started + wait > steps.maxWaitMs) {
					state.left++;
					return refused(`Instagram was still processing the media after ${Math.round((steps.now() - started) / 1000)} s (status ${code ?? 'unknown'}); raise "Give Up After" for videos`);
				}
				await steps.sleep(wait);
			}

			const done = await steps.call({ method: 'POST', url: `${base}/media_publish`, body: { creation_id: container } });
			const id = json(done).id;
			if (typeof id !== 'string' || !id) return refused('Instagram answered without the new post\'s ID');
			// Published: nothing after this may fail the item (a re-run would post it twice).
			let url: string | null = null;
			try {
				const link = await steps.call({ method: 'GET', url: `${version}/${id}`, qs: { fields: 'permalink' }, body: undefined });
				url = typeof json(link).permalink === 'string' ? (json(link).permalink as string) : null;
			} catch {
				url = null;
			}
			return published(message.content, id, url, { containerId: container });
		},
	};
}
