/**
 * Social Post in a real n8n: one post to each of the five platforms through their stand-ins, from
 * one webhook workflow with five Social Post nodes side by side. Credentials are created through
 * n8n's public API (access tokens; TikTok's refresh token exchanged by n8n's credential layer).
 * Instagram's container answers IN_PROGRESS twice and becomes FINISHED only on the third check.
 * A second run of the same workflow publishes nothing again (n8n's de-duplication store).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { MetaGraphStandIn } from '../stand-ins/meta-graph';
import { PinterestStandIn } from '../stand-ins/pinterest';
import { TikTokStandIn } from '../stand-ins/tiktok';
import { XStandIn } from '../stand-ins/x';
import { client, connect, createCredential, deploy, executions, n8nLog, PREFIX, respond, until, webhook, type WorkflowNode } from './n8n';

const X_TOKEN = 'e2e-x-user-token-9b8a';
const IG = { id: '17841400000000077', token: 'EAA-e2e-ig-token' };
const PAGE = { id: '104000000000077', token: 'EAA-e2e-page-token' };
const TIKTOK = { clientKey: 'e2eclientkey01', clientSecret: 'e2e-tk-secret', refreshToken: 'rft.e2e-refresh-77', username: 'campaignkit.shop', verifiedPrefixes: ['https://cdn.shop.example/'] };
const PINTEREST = { token: 'pina_e2e_token', boards: ['549755885199'] };

type Item = { post: { platform: string; id: string | null; url: string | null; [key: string]: unknown }; delivery: { status: string; provider: string; reason?: string; attempts: number } };

describe('Social Post in a real n8n', () => {
	const x = new XStandIn(X_TOKEN);
	const graph = new MetaGraphStandIn({ instagram: IG, page: PAGE });
	const tiktok = new TikTokStandIn(TIKTOK);
	const pinterest = new PinterestStandIn(PINTEREST);
	const created: string[] = [];
	const credentials: Record<string, { id: string; name: string }> = {};

	beforeAll(async () => {
		await Promise.all([x.start(), graph.start(), tiktok.start(), pinterest.start()]);
		const make = async (type: string, data: IDataObject) => {
			credentials[type] = await createCredential(type, data);
			created.push(credentials[type].id);
		};
		await make('campaignKitXApi', { accessToken: X_TOKEN, baseUrl: x.url });
		await make('campaignKitInstagramApi', { accessToken: IG.token, accountId: IG.id, apiVersion: 'v24.0', baseUrl: graph.url });
		await make('campaignKitFacebookPageApi', { accessToken: PAGE.token, pageId: PAGE.id, apiVersion: 'v24.0', baseUrl: graph.url });
		await make('campaignKitTikTokApi', { clientKey: TIKTOK.clientKey, clientSecret: TIKTOK.clientSecret, refreshToken: TIKTOK.refreshToken, baseUrl: tiktok.url });
		await make('campaignKitPinterestApi', { accessToken: PINTEREST.token, baseUrl: pinterest.url });
	});

	afterAll(async () => {
		for (const id of created) await client().api('DELETE', `/credentials/${id}`).catch(() => undefined);
		await Promise.all([x.stop(), graph.stop(), tiktok.stop(), pinterest.stop()]);
	});

	it('publishes one post to X, Instagram, a Facebook Page, TikTok and Pinterest, and a second run publishes nothing again', async () => {
		const path = `social-${Date.now()}`;
		const node = (name: string, platform: string, parameters: Record<string, unknown>, credential: string): WorkflowNode => ({
			name,
			type: `${PREFIX}.socialPost`,
			typeVersion: 1,
			parameters: { platform, ...(['x', 'pinterest'].includes(platform) ? { authentication: 'accessToken' } : {}), options: { maxRetryWait: 30 }, ...parameters },
			credentials: { [credential]: credentials[credential] },
		});
		const platforms = [
			node('X', 'x', { imageUrl: '={{ $json.xImageUrl }}' }, 'campaignKitXApi'),
			node('Instagram', 'instagram', { videoUrl: '' }, 'campaignKitInstagramApi'),
			node('Facebook Page', 'facebook', { imageUrl: '' }, 'campaignKitFacebookPageApi'),
			node('TikTok', 'tiktok', { privacyLevel: 'SELF_ONLY' }, 'campaignKitTikTokApi'),
			node('Pinterest', 'pinterest', { boardId: PINTEREST.boards[0], altText: 'Seedlings on a sunny balcony' }, 'campaignKitPinterestApi'),
		];
		const workflow = await deploy({
			name: 'e2e: Social Post to five platforms',
			nodes: [
				webhook(path),
				{ name: 'Posts', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'body.posts', options: {} } },
				...platforms,
				// Published and Skipped of every platform (Failed stops the run: Continue On Fail is off).
				{ name: 'Results', type: 'n8n-nodes-base.merge', typeVersion: 3.2, parameters: { numberInputs: 10 } },
				respond(),
			],
			connections: connect(
				['Webhook', 'Posts'],
				...platforms.map((p): [string, string] => ['Posts', p.name]),
				...platforms.flatMap((p, i) => [0, 1].map((output): [string, string, number, number] => [p.name, 'Results', output, i * 2 + output])),
				['Results', 'Respond'],
			),
		});
		const body = {
			posts: [
				{
					text: 'Spring seedlings are in: grow your own this season https://shop.example/spring #spring #garden',
					title: 'Spring seedlings',
					link: 'https://shop.example/spring',
					imageUrl: 'https://cdn.shop.example/seedlings.jpg',
					xImageUrl: `${x.url}/images/seedlings.jpg`,
					videoUrl: 'https://cdn.shop.example/seedlings.mp4',
				},
			],
		};
		try {
			const first = await workflow.post(path, body);
			if (first.status !== 200) console.error(n8nLog());
			expect(first.status).toBe(200);
			const items = first.body as Item[];
			const byPlatform = Object.fromEntries(items.map((item) => [item.post.platform, item]));
			expect(items).toHaveLength(5);
			for (const item of items) expect([item.post.platform, item.delivery.status, item.delivery.reason]).toEqual([item.post.platform, 'sent', undefined]);

			// X: the image downloaded and uploaded, the post carrying its media ID.
			expect(x.posts).toHaveLength(1);
			expect(x.posts[0]).toMatchObject({ text: body.posts[0].text, mediaIds: [expect.any(String)] });
			expect(x.media.has(x.posts[0].mediaIds[0])).toBe(true);
			expect(byPlatform.x.post).toEqual({ platform: 'x', id: x.posts[0].id, url: `https://x.com/i/web/status/${x.posts[0].id}` });

			// Instagram: FINISHED only on the third status check, published once after it.
			const [container] = [...graph.containers.values()];
			expect(container).toMatchObject({ imageUrl: body.posts[0].imageUrl, caption: body.posts[0].text, checks: 3 });
			expect(graph.media.size).toBe(1);
			const mediaId = [...graph.media.keys()][0];
			expect(byPlatform.instagram.post).toMatchObject({ platform: 'instagram', id: mediaId, url: `https://www.instagram.com/p/C${mediaId.slice(0, 9)}/`, containerId: container.id });

			// Facebook Page: a link post.
			expect(graph.pagePosts).toEqual([{ id: byPlatform.facebook.post.id, kind: 'feed', message: body.posts[0].text, link: 'https://shop.example/spring', published: true }]);

			// TikTok: one token exchange inside n8n's credential layer, then init and status.
			expect(tiktok.issued).toHaveLength(1);
			const [video] = [...tiktok.posts.values()];
			expect(video).toMatchObject({ title: body.posts[0].text, privacyLevel: 'SELF_ONLY', videoUrl: body.posts[0].videoUrl });
			expect(byPlatform.tiktok.post).toMatchObject({ platform: 'tiktok', id: video.publishId, status: 'PUBLISH_COMPLETE' });

			// Pinterest: the Pin on the board.
			expect(pinterest.pins).toEqual([
				{ id: byPlatform.pinterest.post.id, board_id: PINTEREST.boards[0], title: 'Spring seedlings', description: body.posts[0].text, link: 'https://shop.example/spring', alt_text: 'Seedlings on a sunny balcony', imageUrl: body.posts[0].imageUrl },
			]);

			// The same post again: every platform skips it, nothing new reaches any of them.
			const second = await workflow.post(path, body);
			const again = second.body as Item[];
			expect(again.map((item) => item.delivery.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
			for (const item of again) expect(item.delivery.reason).toMatch(/^already sent by this node/);
			expect([x.posts.length, graph.media.size, graph.pagePosts.length, tiktok.posts.size, pinterest.pins.length]).toEqual([1, 1, 1, 1, 1]);
		} finally {
			await workflow.stop();
		}
	});

	it("the template's Wait loop: a post due in a few seconds is Skipped, waits in n8n until its time, then is published", async () => {
		const template = JSON.parse(readFileSync(path.join(__dirname, '../../templates/social-calendar.json'), 'utf8')) as { nodes: WorkflowNode[]; connections: IDataObject };
		const pick = (name: string) => {
			const found = template.nodes.find((candidate) => candidate.name === name);
			if (!found) throw new Error(`templates/social-calendar.json has no node "${name}"`);
			return found;
		};
		const post = pick('Post on X');
		const loop = [
			{ ...post, parameters: { ...post.parameters, simulate: false, authentication: 'accessToken' }, credentials: { campaignKitXApi: credentials.campaignKitXApi } },
			pick('X: not due yet?'),
			pick('X: wait until due'),
		];
		const hook = `social-wait-${Date.now()}`;
		const workflow = await deploy({
			name: 'e2e: Social Post with the Wait loop of templates/social-calendar.json',
			nodes: [
				{ ...webhook(hook), parameters: { httpMethod: 'POST', path: hook, responseMode: 'onReceived', options: {} } },
				{ name: "Today's posts", type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'body.posts', options: {} } },
				...loop,
			],
			// The template's own wiring from the X node on.
			connections: {
				...connect(['Webhook', "Today's posts"], ["Today's posts", 'Post on X']),
				...Object.fromEntries(loop.map((node) => [node.name, template.connections[node.name]])),
			},
		});
		try {
			const publishAt = new Date(Date.now() + 6000).toISOString();
			const text = `Doors open at noon ${Date.now()}`;
			const answer = await workflow.post(hook, { posts: [{ text, publishAt }] });
			expect(answer.status).toBe(200);
			await until('the post on X', () => x.posts.some((p) => p.text === text), 60_000, workflow.id);
			const published = x.requestsTo('/2/tweets').find((request) => (request.body as { text?: string }).text === text);
			expect(published).toBeDefined();
			// Not before its time (the Wait node resumes at retryAt, whole seconds).
			expect(published?.time).toBeGreaterThanOrEqual(Date.parse(publishAt) - 1000);
			expect(x.requestsTo('/2/tweets').filter((request) => (request.body as { text?: string }).text === text)).toHaveLength(1);
			await until('the run to finish', async () => (await executions(workflow.id)).some((run) => run.status === 'success'), 10_000, workflow.id);
		} finally {
			await workflow.stop();
		}
	});
});
