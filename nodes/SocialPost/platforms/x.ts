/**
 * X API v2. An image is read from its URL and uploaded first (`POST /2/media/upload`, base64,
 * `media_category: tweet_image`, at most 5 MB), then the post is created (`POST /2/tweets` with
 * `text` and `media.media_ids`; 201 with `data.id`).
 *
 * Quota: 200 posts per 15 minutes per user. Every answer carries `x-rate-limit-remaining` and
 * `x-rate-limit-reset` (epoch seconds); once remaining is 0 the next post waits for the reset, or
 * leaves on Skipped with it when that is longer than "Give Up After". The first post of an
 * execution knows nothing yet (nothing is kept between executions): if X refuses it with 429, the
 * transport waits the reset out within the same budget, and past it the post is Skipped the same way.
 */
import type { HttpCall, Message, MessageResult, Provider, PublishSteps } from '../../shared/channel/types';
import { json, published, refused, unlessThrottled, waitForQuota, type SocialContent } from './common';

export const X_MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const QUOTA = "X's limit of 200 posts per 15 minutes for this account";

function tweetBody(content: SocialContent, mediaId?: string): Record<string, unknown> {
	const body: Record<string, unknown> = {};
	if (content.post.text) body.text = content.post.text;
	if (mediaId) body.media = { media_ids: [mediaId] };
	return body;
}

export function xPlatform(credentialType: string): Provider<SocialContent> {
	// What X last said about the quota, this execution only.
	let remaining: number | undefined;
	let resetAt: number | undefined;
	const learn = (headers: Record<string, string>) => {
		const left = Number(headers['x-rate-limit-remaining']);
		const reset = Number(headers['x-rate-limit-reset']);
		if (headers['x-rate-limit-remaining'] !== undefined && Number.isFinite(left)) remaining = left;
		if (headers['x-rate-limit-reset'] !== undefined && Number.isFinite(reset)) resetAt = reset * 1000;
	};

	async function upload(steps: PublishSteps, url: string): Promise<string | MessageResult> {
		const image = await steps.call({ method: 'GET', url, body: undefined, download: true });
		const bytes = Buffer.isBuffer(image.body) ? image.body : Buffer.from(image.body as ArrayBuffer);
		if (bytes.length > X_MAX_IMAGE_BYTES) return refused(`the image is ${(bytes.length / 1048576).toFixed(1)} MB; X takes images up to 5 MB`);
		const answer = await steps.call({ method: 'POST', url: '/2/media/upload', body: { media: bytes.toString('base64'), media_category: 'tweet_image' } });
		const id = (json(answer).data as { id?: unknown } | undefined)?.id;
		return typeof id === 'string' && id ? id : refused('X accepted the image but gave no media ID');
	}

	return {
		id: 'x',
		name: 'X',
		credentialType,
		maxPerRequest: 1,
		defaultBaseUrl: () => 'https://api.x.com',
		simulatedAuth: { Authorization: 'Bearer **hidden**' },
		plan: (messages) =>
			messages.map((message) => ({
				messages: [message],
				steps: [
					...(message.content.post.imageUrl ? [`GET ${message.content.post.imageUrl} (the image)`, 'POST /2/media/upload (the image, base64) → media ID'] : []),
					'POST /2/tweets',
				],
				http: (): HttpCall => ({ method: 'POST', url: '/2/tweets', body: tweetBody(message.content, message.content.post.imageUrl ? '{media ID}' : undefined) }),
			})),
		results: () => [],
		async publish(message: Message<SocialContent>, steps: PublishSteps): Promise<MessageResult> {
			return await unlessThrottled(steps, QUOTA, async () => {
				if (remaining === 0 && resetAt !== undefined) {
					const wait = await waitForQuota(steps, resetAt, QUOTA);
					if (wait) return wait;
				}
				let mediaId: string | undefined;
				if (message.content.post.imageUrl) {
					const uploaded = await upload(steps, message.content.post.imageUrl);
					if (typeof uploaded !== 'string') return uploaded;
					mediaId = uploaded;
				}
				const answer = await steps.call({ method: 'POST', url: '/2/tweets', body: tweetBody(message.content, mediaId) });
				learn(answer.headers);
				const id = (json(answer).data as { id?: unknown } | undefined)?.id;
				if (typeof id !== 'string' || !id) return refused('X answered without the new post\'s ID');
				return published(message.content, id, `https://x.com/i/web/status/${id}`);
			});
		},
	};
}
