/**
 * Facebook Pages through the Graph API, with a Page access token: a text or link post is
 * `POST /{page-id}/feed` (`message`, `link`), a photo post `POST /{page-id}/photos` (`url`,
 * `caption`). A post due 10 minutes to 30 days ahead is handed to Facebook's own scheduling
 * (`published: false` with `scheduled_publish_time`, epoch seconds). Meta's throttling (error codes
 * 4, 17, 32, 613 with usage headers) is waited out by the transport as for Meta Ads.
 */
import type { HttpCall, Message, MessageResult, Provider, PublishSteps } from '../../shared/channel/types';
import { classifyMetaAnswer } from '../../MetaAds/engine/throttle';
import { graphVersion, json, published, refused, type SocialContent } from './common';

const page = (credentials?: Record<string, unknown>) => String(credentials?.pageId ?? '').trim() || '{page-id}';

function request(content: SocialContent, credentials?: Record<string, unknown>): HttpCall {
	const base = `${graphVersion(credentials ?? {})}/${page(credentials)}`;
	const { post, scheduledAt } = content;
	const timing = scheduledAt ? { published: false, scheduled_publish_time: scheduledAt } : {};
	if (post.imageUrl) return { method: 'POST', url: `${base}/photos`, body: { url: post.imageUrl, ...(post.text ? { caption: post.text } : {}), ...timing } };
	return { method: 'POST', url: `${base}/feed`, body: { ...(post.text ? { message: post.text } : {}), ...(post.link ? { link: post.link } : {}), ...timing } };
}

export function facebookPlatform(): Provider<SocialContent> {
	return {
		id: 'facebook',
		name: 'Facebook Page',
		credentialType: 'campaignKitFacebookPageApi',
		maxPerRequest: 1,
		defaultBaseUrl: () => 'https://graph.facebook.com',
		simulatedAuth: { Authorization: 'Bearer **hidden**' },
		publicCredentialFields: ['pageId', 'apiVersion'],
		classify: classifyMetaAnswer,
		plan: (messages, credentials) => messages.map((message) => ({ messages: [message], http: () => request(message.content, credentials) })),
		results: () => [],
		async publish(message: Message<SocialContent>, steps: PublishSteps): Promise<MessageResult> {
			const answer = await steps.call(request(message.content, steps.credentials));
			const body = json(answer);
			// A photo answers its own id and the post's; a feed post only the post's ("{page}_{post}").
			const id = typeof body.post_id === 'string' ? body.post_id : body.id;
			if (typeof id !== 'string' || !id) return refused('Facebook answered without the new post\'s ID');
			const more: Record<string, unknown> = {};
			if (message.content.scheduledAt) more.scheduledFor = new Date(message.content.scheduledAt * 1000).toISOString();
			return published(message.content, id, `https://www.facebook.com/${id}`, more);
		},
	};
}
