/**
 * Pinterest API v5: `POST /v5/pins` with the `board_id`, `media_source` (`source_type:
 * image_url`), `title`, `description`, `link` and `alt_text`; 201 with the Pin's `id`. A 429 is
 * waited out by the transport; one it cannot wait out within "Give Up After" leaves the Pin on
 * Skipped with the time Pinterest named.
 */
import type { HttpCall, Message, MessageResult, Provider, PublishSteps } from '../../shared/channel/types';
import { json, published, refused, unlessThrottled, type SocialContent } from './common';

function request({ post, boardId, altText }: SocialContent): HttpCall {
	const body: Record<string, unknown> = { board_id: boardId, media_source: { source_type: 'image_url', url: post.imageUrl } };
	if (post.title) body.title = post.title;
	if (post.text) body.description = post.text;
	if (post.link) body.link = post.link;
	if (altText) body.alt_text = altText;
	return { method: 'POST', url: '/v5/pins', body };
}

export function pinterestPlatform(credentialType: string): Provider<SocialContent> {
	return {
		id: 'pinterest',
		name: 'Pinterest',
		credentialType,
		maxPerRequest: 1,
		defaultBaseUrl: () => 'https://api.pinterest.com',
		simulatedAuth: { Authorization: 'Bearer **hidden**' },
		plan: (messages) => messages.map((message) => ({ messages: [message], http: () => request(message.content) })),
		results: () => [],
		async publish(message: Message<SocialContent>, steps: PublishSteps): Promise<MessageResult> {
			return await unlessThrottled(steps, "Pinterest's rate limit for this account", async () => {
				const answer = await steps.call(request(message.content));
				const id = json(answer).id;
				if (typeof id !== 'string' || !id) return refused('Pinterest answered without the new Pin\'s ID');
				return published(message.content, id, `https://www.pinterest.com/pin/${id}/`);
			});
		},
	};
}
