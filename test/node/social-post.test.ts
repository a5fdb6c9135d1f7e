/**
 * The Social Post node in real n8n-core executions, against stand-ins of X, Instagram and Facebook
 * (Graph), TikTok and Pinterest: one post to each platform, Instagram's container polled until
 * FINISHED, content checked before any request, no double posts, quotas respected before a
 * request is refused, Simulate, and the credentials' own test requests.
 */
import { existsSync } from 'node:fs';

import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { CampaignKitFacebookPageApi } from '../../credentials/CampaignKitFacebookPageApi.credentials';
import { CampaignKitInstagramApi } from '../../credentials/CampaignKitInstagramApi.credentials';
import { CampaignKitPinterestApi } from '../../credentials/CampaignKitPinterestApi.credentials';
import { CampaignKitPinterestOAuth2Api } from '../../credentials/CampaignKitPinterestOAuth2Api.credentials';
import { CampaignKitTikTokApi } from '../../credentials/CampaignKitTikTokApi.credentials';
import { CampaignKitXApi } from '../../credentials/CampaignKitXApi.credentials';
import { CampaignKitXOAuth2Api } from '../../credentials/CampaignKitXOAuth2Api.credentials';
import { xLength } from '../../nodes/SocialPost/engine/text';
import { deduplicationStore, runWorkflow, singleNode, testCredential } from '../helpers/n8n';
import { CONTRACTS_DIR } from '../stand-ins/contracts';
import { MetaGraphStandIn } from '../stand-ins/meta-graph';
import { PinterestStandIn } from '../stand-ins/pinterest';
import { TikTokStandIn } from '../stand-ins/tiktok';
import { XStandIn } from '../stand-ins/x';

const X_TOKEN = 'x-user-token-3f9a1c';
const IG = { id: '17841400000000001', token: 'EAAig-token-stand-in' };
const PAGE = { id: '104000000000001', token: 'EAApage-token-stand-in' };
const TIKTOK = { clientKey: 'awx8tk2client', clientSecret: 'tk-secret-8812', refreshToken: 'rft.tk-refresh-5521', username: 'campaignkit.shop', verifiedPrefixes: ['https://cdn.shop.example/'] };
const PINTEREST = { token: 'pina_stand_in_token', boards: ['549755885175'] };

const x = new XStandIn(X_TOKEN);
const graph = new MetaGraphStandIn({ instagram: IG, page: PAGE });
const tiktok = new TikTokStandIn(TIKTOK);
const pinterest = new PinterestStandIn(PINTEREST);

const CREDENTIAL_IDS = {
	campaignKitXApi: { id: 'x1', name: 'X' },
	campaignKitInstagramApi: { id: 'ig1', name: 'Instagram' },
	campaignKitFacebookPageApi: { id: 'fb1', name: 'Page' },
	campaignKitTikTokApi: { id: 'tk1', name: 'TikTok' },
	campaignKitPinterestApi: { id: 'pin1', name: 'Pinterest' },
};

const credentialData = () => ({
	campaignKitXApi: { accessToken: X_TOKEN, baseUrl: x.url },
	campaignKitInstagramApi: { accessToken: IG.token, accountId: IG.id, apiVersion: 'v24.0', baseUrl: graph.url },
	campaignKitFacebookPageApi: { accessToken: PAGE.token, pageId: PAGE.id, apiVersion: 'v24.0', baseUrl: graph.url },
	campaignKitTikTokApi: { clientKey: TIKTOK.clientKey, clientSecret: TIKTOK.clientSecret, refreshToken: TIKTOK.refreshToken, baseUrl: tiktok.url, accessToken: '' },
	campaignKitPinterestApi: { accessToken: PINTEREST.token, baseUrl: pinterest.url },
});

interface PublishOptions {
	workflowId?: string;
	continueOnFail?: boolean;
	credentials?: boolean;
}

async function publish(platform: string, items: IDataObject[], parameters: IDataObject = {}, options: PublishOptions = {}) {
	const started = Date.now();
	const result = await runWorkflow(
		singleNode('socialPost', { platform, authentication: 'accessToken', ...parameters }, items, {
			...(options.credentials === false ? {} : { credentials: CREDENTIAL_IDS }),
			...(options.continueOnFail ? { continueOnFail: true } : {}),
		}),
		{ workflowId: options.workflowId, credentials: options.credentials === false ? {} : credentialData() },
	);
	const [published = [], skipped = [], failed = []] = result.outputs('Node');
	return { result, published, skipped, failed, ms: Date.now() - started };
}

const post = (item: INodeExecutionData) => item.json.post as IDataObject;
const delivery = (item: INodeExecutionData) => item.json.delivery as IDataObject;
const image = () => `${x.url}/images/spring.jpg`;

beforeAll(async () => {
	await Promise.all([x.start(), graph.start(), tiktok.start(), pinterest.start()]);
});
afterAll(async () => {
	await Promise.all([x.stop(), graph.stop(), tiktok.stop(), pinterest.stop()]);
});
beforeEach(() => {
	for (const server of [x, graph, tiktok, pinterest]) server.reset();
	deduplicationStore.clear();
});

describe('Social Post: one post to each platform', () => {
	it('X: downloads the image, uploads it, posts text with its media ID', async () => {
		const { result, published, skipped, failed } = await publish('x', [{ text: 'Spring is here 🌷 https://shop.example/spring #spring', imageUrl: image() }]);
		expect(result.error).toBeUndefined();
		expect([skipped.length, failed.length]).toEqual([0, 0]);
		expect(x.posts).toHaveLength(1);
		const [sent] = x.posts;
		expect(sent.text).toBe('Spring is here 🌷 https://shop.example/spring #spring');
		expect(sent.mediaIds).toHaveLength(1);
		// The bytes X got are the bytes the image URL served.
		expect(x.media.get(sent.mediaIds[0])?.equals(Buffer.from((await (await fetch(image())).arrayBuffer())))).toBe(true);
		expect(post(published[0])).toEqual({ platform: 'x', id: sent.id, url: `https://x.com/i/web/status/${sent.id}` });
		expect(delivery(published[0])).toMatchObject({ status: 'sent', provider: 'X', messageId: sent.id, attempts: 3 });
		if (existsSync(CONTRACTS_DIR)) expect(x.contractChecked).toBe(true);
	});

	it('Instagram: container, IN_PROGRESS twice, FINISHED on the third check, then media_publish and the permalink', async () => {
		const { result, published } = await publish('instagram', [{ text: 'New season, new colours #spring', imageUrl: 'https://cdn.shop.example/spring.jpg' }]);
		expect(result.error).toBeUndefined();
		expect(published).toHaveLength(1);
		const [container] = [...graph.containers.values()];
		expect(container).toMatchObject({ imageUrl: 'https://cdn.shop.example/spring.jpg', caption: 'New season, new colours #spring', checks: 3 });
		const order = graph.requests.map((request) => `${request.method} ${request.path.replace(/\d{10,}/g, '{id}')}`);
		expect(order).toEqual([
			'GET /v24.0/{id}/content_publishing_limit',
			'POST /v24.0/{id}/media',
			'GET /v24.0/{id}',
			'GET /v24.0/{id}',
			'GET /v24.0/{id}',
			'POST /v24.0/{id}/media_publish',
			'GET /v24.0/{id}',
		]);
		// The checks wait 1 s and 2 s between them (first at once).
		const checks = graph.requests.filter((request) => request.query.fields === 'status_code,status').map((request) => request.time);
		expect(checks[1] - checks[0]).toBeGreaterThanOrEqual(950);
		expect(checks[2] - checks[1]).toBeGreaterThanOrEqual(1950);
		const mediaId = [...graph.media.keys()][0];
		expect(post(published[0])).toEqual({ platform: 'instagram', id: mediaId, url: `https://www.instagram.com/p/C${mediaId.slice(0, 9)}/`, containerId: container.id });
		expect(graph.quotaUsage).toBe(1);
	});

	it('Facebook Page: a link post and a photo post', async () => {
		const { published } = await publish('facebook', [
			{ text: 'Our spring range is in', link: 'https://shop.example/spring' },
			{ text: 'Fresh from the garden', imageUrl: 'https://cdn.shop.example/garden.jpg' },
		]);
		expect(graph.pagePosts.map(({ kind, message, link, url, published: live }) => ({ kind, message, link, url, live }))).toEqual([
			{ kind: 'feed', message: 'Our spring range is in', link: 'https://shop.example/spring', url: undefined, live: true },
			{ kind: 'photo', message: 'Fresh from the garden', link: undefined, url: 'https://cdn.shop.example/garden.jpg', live: true },
		]);
		expect(published.map(post)).toEqual(graph.pagePosts.map((p) => ({ platform: 'facebook', id: p.id, url: `https://www.facebook.com/${p.id}` })));
	});

	it('TikTok: refresh token → access token once, creator info, init, status until PUBLISH_COMPLETE', async () => {
		const { published } = await publish('tiktok', [{ text: 'Potting in 30 seconds #gardening', videoUrl: 'https://cdn.shop.example/potting.mp4' }], { privacyLevel: 'FOLLOWER_OF_CREATOR' });
		expect(tiktok.issued).toHaveLength(1);
		const [video] = [...tiktok.posts.values()];
		expect(video).toMatchObject({ title: 'Potting in 30 seconds #gardening', privacyLevel: 'FOLLOWER_OF_CREATOR', videoUrl: 'https://cdn.shop.example/potting.mp4', checks: 2 });
		// Not public: TikTok gives no post ID, so the publish_id identifies it.
		expect(post(published[0])).toEqual({ platform: 'tiktok', id: video.publishId, url: null, publishId: video.publishId, status: 'PUBLISH_COMPLETE' });
		expect(tiktok.requestsTo('/v2/post/publish/creator_info/query/')).toHaveLength(1);
	});

	it('TikTok: a privacy level the account may not use fails before init, with the levels it may', async () => {
		const { failed } = await publish('tiktok', [{ text: 'Hi', videoUrl: 'https://cdn.shop.example/hi.mp4' }], { privacyLevel: 'PUBLIC_TO_EVERYONE' }, { continueOnFail: true });
		expect(delivery(failed[0]).reason).toBe(
			'this TikTok account may post as FOLLOWER_OF_CREATOR, MUTUAL_FOLLOW_FRIENDS, SELF_ONLY, not PUBLIC_TO_EVERYONE (apps TikTok has not audited post privately, SELF_ONLY): change Who Can Watch',
		);
		expect(tiktok.requestsTo('/v2/post/publish/video/init/')).toHaveLength(0);
	});

	it('Pinterest: a Pin on the board, contract-checked', async () => {
		const { published } = await publish('pinterest', [{ title: 'Balcony garden ideas', text: 'Ten ideas for small spaces', link: 'https://shop.example/balcony', imageUrl: 'https://cdn.shop.example/balcony.jpg' }], {
			boardId: PINTEREST.boards[0],
			altText: 'Pots on a balcony',
		});
		expect(pinterest.pins).toEqual([
			{ id: expect.any(String), board_id: '549755885175', title: 'Balcony garden ideas', description: 'Ten ideas for small spaces', link: 'https://shop.example/balcony', alt_text: 'Pots on a balcony', imageUrl: 'https://cdn.shop.example/balcony.jpg' },
		]);
		expect(post(published[0])).toEqual({ platform: 'pinterest', id: pinterest.pins[0].id, url: `https://www.pinterest.com/pin/${pinterest.pins[0].id}/` });
		if (existsSync(CONTRACTS_DIR)) expect(pinterest.contractChecked).toBe(true);
	});
});

describe('Social Post: checks before any request', () => {
	const long = `${'Spring is here and our garden collection has what you need. '.repeat(5)}Shop https://shop.example/spring #spring #sale`;

	it('a post too long for X is Skipped with the reason and an adapted version; nothing is sent', async () => {
		const { skipped, published } = await publish('x', [{ text: long }, { text: 'Short and sweet' }]);
		expect(published).toHaveLength(1);
		expect(x.posts.map((p) => p.text)).toEqual(['Short and sweet']);
		expect(delivery(skipped[0]).reason).toBe(`the text is ${xLength(long)} characters as X counts them (links 23 each, emoji and CJK characters 2), over X's 280`);
		const adapted = post(skipped[0]).adapted as { text: string; changes: string[] };
		expect(xLength(adapted.text)).toBeLessThanOrEqual(280);
		expect(adapted.text.endsWith('… #spring #sale')).toBe(true);
		expect(skipped[0].pairedItem).toEqual({ item: 0 });
	});

	it('"Publish the Adapted Version" posts it and says what changed', async () => {
		const { published } = await publish('x', [{ text: long }], { options: { whenNotFitting: 'publishAdapted' } });
		expect(x.posts).toHaveLength(1);
		expect(xLength(x.posts[0].text ?? '')).toBeLessThanOrEqual(280);
		expect((post(published[0]).adapted as { changes: string[] }).changes[0]).toMatch(/^text cut after "/);
	});

	it('Instagram without media, and a PNG, are Skipped with the reason and no request', async () => {
		const { skipped } = await publish('instagram', [{ text: 'no media' }, { text: 'png', imageUrl: 'https://cdn.shop.example/a.png' }]);
		expect(skipped.map((item) => delivery(item).reason)).toEqual(['Instagram needs an image or a video: set Image URL or Video URL', 'Instagram publishes JPEG images only, and a.png is not one']);
		expect(graph.requests).toHaveLength(0);
	});

	it('a post not due yet is Skipped with retryAt; a Facebook post 2 hours ahead goes to Facebook scheduled', async () => {
		const at = new Date(Date.now() + 2 * 3_600_000);
		const { skipped } = await publish('x', [{ text: 'Later', publishAt: at.toISOString() }]);
		expect(delivery(skipped[0])).toMatchObject({ status: 'skipped', retryAt: new Date(Math.floor(at.getTime())).toISOString() });
		expect(x.requests).toHaveLength(0);

		const { published } = await publish('facebook', [{ text: 'Scheduled', publishAt: at.toISOString() }]);
		expect(graph.pagePosts[0]).toMatchObject({ message: 'Scheduled', published: false, scheduledPublishTime: Math.floor(at.getTime() / 1000) });
		expect(post(published[0]).scheduledFor).toBe(new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString());
	});

	it('a Board ID that is not a number stops the run naming the item and the field', async () => {
		const { result } = await publish('pinterest', [{ text: 'x', imageUrl: 'https://cdn.shop.example/a.jpg' }], { boardId: 'garden-ideas' });
		expect(result.error?.message).toBe('Item 0: the Board ID "garden-ideas" is not a Pinterest board ID');
	});
});

describe('Social Post: no double posts, quotas', () => {
	it('a re-run of the same workflow posts nothing again', async () => {
		const items = [{ text: 'Once only', imageUrl: 'https://cdn.shop.example/once.jpg' }];
		await publish('instagram', items, {}, { workflowId: 'rerun' });
		const again = await publish('instagram', items, {}, { workflowId: 'rerun' });
		expect(graph.media.size).toBe(1);
		expect(delivery(again.skipped[0]).reason).toMatch(/^already sent by this node/);
	});

	it("a platform's refusal stops the run with its own words, or leaves on Failed under Continue On Fail, unremembered", async () => {
		await publish('x', [{ text: 'Same words' }], {}, { workflowId: 'first' });
		// X refuses the same text as the account's previous post (403).
		const stopped = await publish('x', [{ text: 'Same words' }], {}, { workflowId: 'second' });
		expect(stopped.result.error?.message).toBe('You are not allowed to create a Tweet with duplicate content.');
		const { failed, published } = await publish('x', [{ text: 'Same words' }, { text: 'New words' }], {}, { workflowId: 'third', continueOnFail: true });
		expect(published.map((item) => (item.json as IDataObject).text)).toEqual(['New words']);
		expect(delivery(failed[0])).toMatchObject({ status: 'failed', provider: 'X', attempts: 1, reason: 'You are not allowed to create a Tweet with duplicate content.' });
		expect(deduplicationStore.keys('third', 'node-1')).toHaveLength(1);
	});

	it('X: once the window is used up, the next post is Skipped with the reset time and not remembered', async () => {
		x.window(1, 15 * 60_000);
		const { published, skipped } = await publish('x', [{ text: 'one' }, { text: 'two' }], { options: { maxRetryWait: 5 } }, { workflowId: 'x-quota' });
		expect(published).toHaveLength(1);
		expect(x.posts.map((p) => p.text)).toEqual(['one']);
		const reset = new Date(Math.ceil(x.resetAt / 1000) * 1000).toISOString();
		expect(delivery(skipped[0])).toMatchObject({ status: 'skipped', retryAt: reset });
		// The reset header is in whole seconds, rounded up: 15 min, or 15 min 1 s from now.
		expect(delivery(skipped[0]).reason).toMatch(new RegExp(`^not posted: X's limit of 200 posts per 15 minutes for this account is used up; it frees up at ${reset.replace(/\./g, '\\.')} \\(in 15 min( 1 s)?\\)$`));
		// Known from the first answer's headers: the second post was never tried.
		expect(x.requestsTo('/2/tweets')).toHaveLength(1);
		expect(deduplicationStore.keys('x-quota', 'node-1')).toHaveLength(1);
	});

	it('X: a window that resets within Give Up After is waited for', async () => {
		x.window(1, 2000);
		const { published, ms } = await publish('x', [{ text: 'one' }, { text: 'two' }], { options: { maxRetryWait: 10 } });
		expect(published).toHaveLength(2);
		expect(ms).toBeGreaterThanOrEqual(1000);
	});

	it('Instagram: with 1 of 50 posts left today, the second post is Skipped; the quota is read once', async () => {
		graph.quotaUsage = 49;
		graph.inProgressChecks = 0;
		const { published, skipped } = await publish('instagram', [
			{ text: 'a', imageUrl: 'https://cdn.shop.example/a.jpg' },
			{ text: 'b', imageUrl: 'https://cdn.shop.example/b.jpg' },
		]);
		expect(published).toHaveLength(1);
		expect(delivery(skipped[0])).toMatchObject({
			status: 'skipped',
			retryAt: null,
			reason: "not posted: Instagram's limit of 50 posts in 24 hours for this account is used up; slots free up 24 hours after each earlier post",
		});
		expect(graph.requestsTo(`/:version/${IG.id}/content_publishing_limit`)).toHaveLength(1);
		expect(graph.containers.size).toBe(1);
	});

	it('TikTok: the 7th video in a minute waits for the window, or is Skipped when that is longer than Give Up After', async () => {
		tiktok.processingChecks = 0;
		const videos = Array.from({ length: 7 }, (_, i) => ({ text: `Clip ${i}`, videoUrl: `https://cdn.shop.example/clip-${i}.mp4` }));
		const { published, skipped } = await publish('tiktok', videos, { options: { maxRetryWait: 5 } });
		expect(published).toHaveLength(6);
		expect(delivery(skipped[0]).reason).toMatch(/^not posted: TikTok's limit of 6 video posts per minute for this account is used up; it frees up at /);
		// Never refused: the stand-in's own 6-per-minute limit was not reached.
		expect(tiktok.requestsTo('/v2/post/publish/video/init/')).toHaveLength(6);
	});

	it('Pinterest: a 429 asking for longer than Give Up After leaves the Pin on Skipped with the time', async () => {
		pinterest.rateLimitNext(1, 3600);
		const before = Date.now();
		const { skipped } = await publish('pinterest', [{ text: 'x', imageUrl: 'https://cdn.shop.example/a.jpg' }], { boardId: PINTEREST.boards[0], options: { maxRetryWait: 2 } });
		const retryAt = Date.parse(String(delivery(skipped[0]).retryAt));
		expect(retryAt).toBeGreaterThanOrEqual(before + 3_600_000 - 1000);
		expect(retryAt).toBeLessThanOrEqual(Date.now() + 3_600_000 + 1000);
		expect(pinterest.pins).toHaveLength(0);
	});
});

describe('Social Post: Simulate and credentials', () => {
	it('Simulate needs no credential and shows the request and every step', async () => {
		const { published } = await publish('instagram', [{ text: 'Hello', imageUrl: 'https://cdn.shop.example/a.jpg' }], { simulate: true }, { credentials: false });
		expect(delivery(published[0])).toMatchObject({
			status: 'simulated',
			provider: 'Instagram',
			request: {
				method: 'POST',
				url: 'https://graph.facebook.com/v24.0/{ig-user-id}/media',
				body: { image_url: 'https://cdn.shop.example/a.jpg', caption: 'Hello' },
				steps: expect.arrayContaining(['GET /{container-id}?fields=status_code,status until FINISHED']),
			},
		});
		expect(graph.requests).toHaveLength(0);
	});

	it('OAuth2: n8n signs with the OAuth2 token (X and Pinterest), through the OAuth2 credential types', async () => {
		const oauth = (baseUrl: string, token: string) => ({
			clientId: 'client-id',
			clientSecret: 'client-secret',
			grantType: 'authorizationCode',
			authUrl: 'https://example.invalid/authorize',
			accessTokenUrl: 'https://example.invalid/token',
			scope: '',
			authentication: 'header',
			baseUrl,
			oauthTokenData: { access_token: token, token_type: 'Bearer', refresh_token: 'refresh-me' },
		});
		const run = async (platform: string, item: IDataObject, parameters: IDataObject, credential: string, data: ICredentialDataDecryptedObject) => {
			const result = await runWorkflow(singleNode('socialPost', { platform, authentication: 'oAuth2', ...parameters }, [item], { credentials: { [credential]: { id: 'o1', name: 'OAuth2' } } }), {
				credentials: { [credential]: data },
			});
			return result.output('Node', 0);
		};
		const [tweet] = await run('x', { text: 'Signed by OAuth2' }, {}, 'campaignKitXOAuth2Api', oauth(x.url, X_TOKEN));
		expect(x.posts.map((p) => p.text)).toEqual(['Signed by OAuth2']);
		expect(post(tweet).platform).toBe('x');
		const [pin] = await run('pinterest', { text: 'Pinned by OAuth2', imageUrl: 'https://cdn.shop.example/a.jpg' }, { boardId: PINTEREST.boards[0] }, 'campaignKitPinterestOAuth2Api', oauth(pinterest.url, PINTEREST.token));
		expect(pinterest.pins.map((p) => p.description)).toEqual(['Pinned by OAuth2']);
		expect(post(pin).id).toBe(pinterest.pins[0].id);
	});

	it('the OAuth2 credential types ask X and Pinterest for what posting needs', () => {
		const defaults = (type: { properties: Array<{ name: string; default: unknown }> }) => Object.fromEntries(type.properties.map((p) => [p.name, p.default]));
		const xOauth = new CampaignKitXOAuth2Api();
		expect(xOauth.extends).toEqual(['oAuth2Api']);
		expect(defaults(xOauth)).toMatchObject({ grantType: 'pkce', authUrl: 'https://x.com/i/oauth2/authorize', accessTokenUrl: 'https://api.x.com/2/oauth2/token', authentication: 'header', baseUrl: '' });
		expect(String(defaults(xOauth).scope).split(' ').sort()).toEqual(['media.write', 'offline.access', 'tweet.read', 'tweet.write', 'users.read']);
		const pinOauth = new CampaignKitPinterestOAuth2Api();
		expect(defaults(pinOauth)).toMatchObject({ grantType: 'authorizationCode', authUrl: 'https://www.pinterest.com/oauth/', accessTokenUrl: 'https://api.pinterest.com/v5/oauth/token', authentication: 'header' });
		expect(String(defaults(pinOauth).scope).split(',')).toEqual(expect.arrayContaining(['boards:read', 'pins:write']));
	});

	it("each credential's test request passes with the right token and fails with a wrong one", async () => {
		const data = credentialData();
		const cases = [
			[new CampaignKitXApi(), data.campaignKitXApi, { accessToken: 'wrong' }],
			[new CampaignKitInstagramApi(), data.campaignKitInstagramApi, { accessToken: 'wrong' }],
			[new CampaignKitFacebookPageApi(), data.campaignKitFacebookPageApi, { accessToken: 'wrong' }],
			[new CampaignKitTikTokApi(), data.campaignKitTikTokApi, { refreshToken: 'wrong', accessToken: '' }],
			[new CampaignKitPinterestApi(), data.campaignKitPinterestApi, { accessToken: 'wrong' }],
		] as const;
		for (const [type, good, bad] of cases) {
			expect([type.name, (await testCredential(type, good)).error?.message]).toEqual([type.name, undefined]);
			expect([type.name, (await testCredential(type, { ...good, ...bad })).error?.message]).toEqual([type.name, expect.any(String)]);
		}
	});
});
