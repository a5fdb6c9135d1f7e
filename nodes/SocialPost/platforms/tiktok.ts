/**
 * TikTok Content Posting API, Direct Post of a video TikTok pulls from a URL:
 *   1. `POST /v2/post/publish/creator_info/query/` once per run: the account's name and the
 *      privacy levels it may post with (unaudited apps: SELF_ONLY only), checked before posting;
 *   2. `POST /v2/post/publish/video/init/` with `post_info` (`title`, `privacy_level`) and
 *      `source_info` (`source: PULL_FROM_URL`, `video_url`): answers a `publish_id`;
 *   3. `POST /v2/post/publish/status/fetch/` until `PUBLISH_COMPLETE` (or `FAILED`), 2, 4, 8 …
 *      seconds apart (TikTok allows 30 status checks a minute).
 * TikTok moderates public posts, sometimes for hours; a post still processing when "Give Up After"
 * runs out has been handed over and is reported Published with its `publish_id` and status, never
 * Failed (a re-run would post it twice).
 *
 * Quota: 6 video inits per minute per user, stated but not reported in headers: counted here
 * per run, and a post that would exceed it waits for the minute to roll over.
 */
import type { HttpCall, Message, MessageResult, Provider, PublishSteps } from '../../shared/channel/types';
import { json, pollDelayMs, published, refused, slidingWindow, unlessThrottled, waitForQuota, type SocialContent } from './common';

export const TIKTOK_INITS_PER_MINUTE = 6;
const QUOTA = "TikTok's limit of 6 video posts per minute for this account";

function initBody({ post, privacyLevel }: SocialContent): Record<string, unknown> {
	return {
		post_info: { title: post.text, privacy_level: privacyLevel ?? 'SELF_ONLY' },
		source_info: { source: 'PULL_FROM_URL', video_url: post.videoUrl },
	};
}

interface Creator {
	username: string | null;
	privacyLevels: string[];
}

export function tiktokPlatform(credentialType: string): Provider<SocialContent> {
	const window = slidingWindow(TIKTOK_INITS_PER_MINUTE, 60_000);
	let creator: Promise<Creator> | undefined;

	const readCreator = async (steps: PublishSteps): Promise<Creator> => {
		const answer = await steps.call({ method: 'POST', url: '/v2/post/publish/creator_info/query/', body: {} });
		const data = (json(answer).data ?? {}) as { creator_username?: unknown; privacy_level_options?: unknown };
		return {
			username: typeof data.creator_username === 'string' ? data.creator_username : null,
			privacyLevels: Array.isArray(data.privacy_level_options) ? data.privacy_level_options.map(String) : [],
		};
	};

	return {
		id: 'tiktok',
		name: 'TikTok',
		credentialType,
		maxPerRequest: 1,
		defaultBaseUrl: () => 'https://open.tiktokapis.com',
		simulatedAuth: { Authorization: 'Bearer **hidden**' },
		publicCredentialFields: ['clientKey'],
		plan: (messages) =>
			messages.map((message) => ({
				messages: [message],
				steps: [
					'POST /v2/post/publish/creator_info/query/ (privacy levels; once per run)',
					'POST /v2/post/publish/video/init/',
					'POST /v2/post/publish/status/fetch/ until PUBLISH_COMPLETE',
				],
				http: (): HttpCall => ({ method: 'POST', url: '/v2/post/publish/video/init/', body: initBody(message.content) }),
			})),
		results: () => [],
		async publish(message: Message<SocialContent>, steps: PublishSteps): Promise<MessageResult> {
			return await unlessThrottled(steps, QUOTA, async () => {
				creator ??= readCreator(steps);
				const account = await creator;
				const level = message.content.privacyLevel ?? 'SELF_ONLY';
				if (account.privacyLevels.length && !account.privacyLevels.includes(level)) {
					return refused(`this TikTok account may post as ${account.privacyLevels.join(', ')}, not ${level} (apps TikTok has not audited post privately, SELF_ONLY): change Who Can Watch`);
				}
				const wait = await waitForQuota(steps, window.nextFree(steps.now()), QUOTA);
				if (wait) return wait;
				window.record(steps.now());
				const init = await steps.call({ method: 'POST', url: '/v2/post/publish/video/init/', body: initBody(message.content) });
				const publishId = (json(init).data as { publish_id?: unknown } | undefined)?.publish_id;
				if (typeof publishId !== 'string' || !publishId) return refused('TikTok answered without a publish_id');

				const more: Record<string, unknown> = { publishId };
				const started = steps.now();
				let status = 'PROCESSING_DOWNLOAD';
				for (let check = 1; ; check++) {
					const wait = pollDelayMs(check);
					// Handed over and still in TikTok's hands: published as far as this run can tell.
					if (steps.now() - started + wait > steps.maxWaitMs) return published(message.content, publishId, null, { ...more, status });
					await steps.sleep(wait);
					const answer = await steps.call({ method: 'POST', url: '/v2/post/publish/status/fetch/', body: { publish_id: publishId } });
					const data = (json(answer).data ?? {}) as { status?: unknown; fail_reason?: unknown; publicaly_available_post_id?: unknown };
					status = String(data.status ?? status);
					if (status === 'FAILED') return refused(`TikTok could not post the video: ${String(data.fail_reason ?? 'no reason given')}`);
					if (status === 'PUBLISH_COMPLETE') {
						// TikTok's field name, misspelt as documented.
						const ids = Array.isArray(data.publicaly_available_post_id) ? data.publicaly_available_post_id.map(String) : [];
						const id = ids[0] ?? publishId;
						const url = ids[0] && account.username ? `https://www.tiktok.com/@${account.username}/video/${ids[0]}` : null;
						return published(message.content, id, url, { ...more, status });
					}
				}
			});
		},
	};
}
