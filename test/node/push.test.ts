/**
 * The Push node in real n8n-core executions. Firebase Cloud Messaging: the credential signs a
 * service-account JWT that the stand-in's token endpoint verifies with the public half of a key
 * pair made here; the access token is asked for once per execution and kept for its lifetime only;
 * an UNREGISTERED token fails on its own. OneSignal: calls of at most 2,000 recipients, an
 * idempotency key the stand-in honours, throttling with Retry-After.
 */
import { generateKeyPairSync } from 'node:crypto';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { requestMarker, sendingMarker } from '../../nodes/shared/channel/histories';
import { deduplicationStore, runWorkflow, singleNode } from '../helpers/n8n';
import { FcmStandIn } from '../stand-ins/fcm';
import { OneSignalStandIn } from '../stand-ins/onesignal';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PRIVATE_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const PROJECT = 'shop-app-4821';
const CLIENT_EMAIL = `campaign-kit@${PROJECT}.iam.gserviceaccount.com`;
const KEY_FILE = JSON.stringify({
	type: 'service_account',
	project_id: PROJECT,
	private_key_id: '7c1e4b2a9d',
	private_key: PRIVATE_PEM,
	client_email: CLIENT_EMAIL,
	token_uri: 'https://oauth2.googleapis.com/token',
});

const APP_ID = '8250eaf6-1a58-489e-b136-7c74a864b434';
const ONESIGNAL_KEY = 'os_v2_app_qjiov5q2lcee5njwpr2kqzfugq_stand_in_key';

const fcm = new FcmStandIn({ projectId: PROJECT, clientEmail: CLIENT_EMAIL, publicKey });
const oneSignal = new OneSignalStandIn({ appId: APP_ID, apiKey: ONESIGNAL_KEY });

const devices = (n: number): IDataObject[] =>
	Array.from({ length: n }, (_, i) => ({ pushToken: `fcm-token-${i}:APA91bH${'x'.repeat(20)}${i}`, first_name: i % 4 ? `F${i}` : '', cart: i + 1 }));

const PARAMETERS: IDataObject = {
	provider: 'fcm',
	title: '{{ first_name | "Hi" }}, your cart misses you',
	body: 'You left {{ cart }} items behind.',
	link: 'https://shop.example/cart',
	data: '={{ { screen: "cart", items: $json.cart } }}',
	utm: { source: 'app', medium: 'push', campaign: 'cart' },
};

interface SendOptions {
	workflowId?: string;
	continueOnFail?: boolean;
	credentials?: boolean;
	firebase?: IDataObject;
}

async function send(items: IDataObject[], parameters: IDataObject = {}, options: SendOptions = {}) {
	const started = Date.now();
	const withCredentials = options.credentials !== false;
	const result = await runWorkflow(
		singleNode('push', { ...PARAMETERS, ...parameters }, items, {
			credentials: withCredentials ? { campaignKitFirebaseApi: { id: '1', name: 'Firebase' }, campaignKitOneSignalApi: { id: '2', name: 'OneSignal' } } : undefined,
			...(options.continueOnFail ? { continueOnFail: true } : {}),
		}),
		{
			workflowId: options.workflowId,
			credentials: withCredentials
				? {
						campaignKitFirebaseApi: { format: 'json', serviceAccountJson: KEY_FILE, baseUrl: fcm.url, oauthUrl: `${fcm.url}/token`, ...options.firebase },
						campaignKitOneSignalApi: { appId: APP_ID, apiKey: ONESIGNAL_KEY, keyType: 'key', baseUrl: oneSignal.url },
					}
				: {},
		},
	);
	const [sent = [], skipped = [], failed = []] = result.outputs('Node');
	return { result, sent, skipped, failed, ms: Date.now() - started };
}

const delivery = (item: INodeExecutionData) => item.json.delivery as IDataObject & { request?: IDataObject & { body: IDataObject } };
const UTM = 'utm_source=app&utm_medium=push&utm_campaign=cart';

beforeAll(async () => {
	await Promise.all([fcm.start(), oneSignal.start()]);
});
afterAll(async () => {
	await Promise.all([fcm.stop(), oneSignal.stop()]);
});
beforeEach(() => {
	fcm.reset();
	oneSignal.reset();
	deduplicationStore.clear();
});

describe('Push node with Firebase Cloud Messaging (in-process n8n)', () => {
	it('asks for one access token per execution with a signed JWT, then sends one request per device', async () => {
		fcm.latencyMs = 20;
		const items = devices(30);
		items.splice(5, 0, { first_name: 'No token' }, { pushToken: '   ' });
		const { result, sent, skipped, failed } = await send(items, { options: { concurrency: 5 } });
		expect(result.error).toBeUndefined();
		expect(failed).toHaveLength(0);
		expect(sent).toHaveLength(30);
		expect(skipped.map((item) => delivery(item).reason)).toEqual(['no one to send to: no push token', 'no one to send to: no push token']);

		// One token request, verified by the stand-in against the key pair's public half.
		expect(fcm.tokenRequests).toHaveLength(1);
		expect(fcm.assertions[0]).toMatchObject({ iss: CLIENT_EMAIL, aud: 'https://oauth2.googleapis.com/token', scope: 'https://www.googleapis.com/auth/firebase.messaging' });
		expect(fcm.requestsTo('/v1/projects/:project/messages:send')).toHaveLength(30);
		expect(fcm.maxInFlight).toBeLessThanOrEqual(5);
		expect(new Set(fcm.requestsTo('/v1/projects/:project/messages:send').map((request) => request.headers.authorization)).size).toBe(1);

		const third = fcm.delivered.find((message) => message.token === items[3].pushToken);
		expect(third).toEqual({
			name: expect.stringMatching(/^projects\/shop-app-4821\/messages\/[0-9a-f]{16}$/),
			token: items[3].pushToken,
			title: 'F3, your cart misses you',
			body: 'You left 4 items behind.',
			data: { screen: 'cart', items: '4', link: `https://shop.example/cart?${UTM}`, ck_idempotency_key: expect.stringMatching(/^[0-9a-f]{32}$/) },
			link: `https://shop.example/cart?${UTM}`,
		});
		expect(fcm.delivered.find((message) => message.token === items[0].pushToken)?.title).toBe('Hi, your cart misses you');
		const item = sent.find((entry) => entry.json.pushToken === items[3].pushToken) as INodeExecutionData;
		expect(delivery(item)).toEqual({ status: 'sent', provider: 'Firebase Cloud Messaging', messageId: third?.name, idempotencyKey: third?.data?.ck_idempotency_key, attempts: 1 });
	});

	it('a token Firebase no longer knows fails on its own with what to do, and is not retried', async () => {
		const items = devices(4);
		fcm.unregistered.add(String(items[2].pushToken));
		const { result, sent, failed } = await send(items, {}, { continueOnFail: true, workflowId: 'stale' });
		expect(result.error).toBeUndefined();
		expect(sent).toHaveLength(3);
		expect(delivery(failed[0])).toEqual({
			status: 'failed',
			provider: 'Firebase Cloud Messaging',
			messageId: null,
			idempotencyKey: expect.stringMatching(/^[0-9a-f]{32}$/),
			attempts: 1,
			reason: 'token no longer registered: remove it',
		});
		expect(fcm.requestsTo('/v1/projects/:project/messages:send').filter((request) => JSON.stringify(request.body).includes(String(items[2].pushToken)))).toHaveLength(1);
		expect(deduplicationStore.keys('stale', 'node-1')).toHaveLength(3);
	});

	it('without Continue On Fail, the stale token stops the run naming the item and the reason', async () => {
		const items = devices(3);
		fcm.unregistered.add(String(items[1].pushToken));
		const { result } = await send(items, { options: { concurrency: 1 } });
		expect(result.error?.message).toBe(`Item 1: Firebase Cloud Messaging did not send to ${items[1].pushToken}: token no longer registered: remove it`);
	});

	it('keeps the access token for its lifetime only: a long execution asks again shortly before it expires', async () => {
		fcm.tokenLifetimeSeconds = 2;
		fcm.latencyMs = 300;
		const { result, sent } = await send(devices(8), { options: { concurrency: 1 } });
		expect(result.error).toBeUndefined();
		expect(sent).toHaveLength(8);
		// 8 sends × ≥300 ms outlive a 2 s token (renewed 0.2 s before it ends): exactly one renewal.
		expect(fcm.tokenRequests).toHaveLength(2);
	});

	it('a second run sends nothing and asks for no token; the next run with new content asks again (nothing kept between executions)', async () => {
		const items = devices(5);
		await send(items, {}, { workflowId: 'repeat' });
		expect(fcm.tokenRequests).toHaveLength(1);
		const again = await send(items, {}, { workflowId: 'repeat' });
		expect(again.sent).toHaveLength(0);
		expect(again.skipped).toHaveLength(5);
		expect(fcm.tokenRequests).toHaveLength(1);
		const changed = await send(items, { body: 'Last chance: {{ cart }} items.' }, { workflowId: 'repeat' });
		expect(changed.sent).toHaveLength(5);
		expect(fcm.tokenRequests).toHaveLength(2);
	});

	it('a key Google does not accept fails every item with Google’s words, asking for a token once', async () => {
		const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
		const wrongKey = JSON.stringify({ ...JSON.parse(KEY_FILE), private_key: other });
		const { result, sent, failed } = await send(devices(3), {}, { continueOnFail: true, firebase: { serviceAccountJson: wrongKey } });
		expect(result.error).toBeUndefined();
		expect(sent).toHaveLength(0);
		expect(failed.map((item) => delivery(item).reason)).toEqual(['Invalid JWT Signature.', 'Invalid JWT Signature.', 'Invalid JWT Signature.']);
		expect(fcm.tokenRequests).toHaveLength(1);
		expect(JSON.stringify(result.run)).not.toContain('PRIVATE KEY');
	});

	it('a key file that cannot work stops the run before anything is sent, saying what to fix', async () => {
		const { result } = await send(devices(2), {}, { firebase: { serviceAccountJson: '{"type": "service_account", "project_id": "x"' } });
		expect(result.error?.message).toMatch(/^The Firebase Cloud Messaging credential cannot be used: the service account JSON is not valid JSON/);
		expect(fcm.requests).toHaveLength(0);
	});

	it('sends to a topic', async () => {
		const { sent } = await send([{ topic: '/topics/spring-sale' }], { sendTo: 'topic', to: '={{ $json.topic }}', title: 'Spring sale', body: 'Everything half price', data: '{}' });
		expect(sent).toHaveLength(1);
		expect(fcm.delivered[0]).toMatchObject({ topic: 'spring-sale', title: 'Spring sale', body: 'Everything half price' });
	});

	it('Simulate: the exact request each device would get, without secrets or a token; nothing sent or remembered', async () => {
		const items = devices(2);
		const simulated = await send(items, { simulate: true }, { workflowId: 'sim' });
		expect(simulated.result.error).toBeUndefined();
		expect(fcm.requests).toHaveLength(0);
		const run = JSON.stringify(simulated.result.run);
		expect(run).not.toContain('PRIVATE KEY');
		expect(run).not.toContain(CLIENT_EMAIL);
		const shown = delivery(simulated.sent[1]);
		expect(shown.request).toEqual({
			method: 'POST',
			url: `${fcm.url}/v1/projects/${PROJECT}/messages:send`,
			headers: { Accept: 'application/json', 'Content-Type': 'application/json', Authorization: 'Bearer **hidden** (an access token for the service account, asked for when sending)' },
			body: {
				message: {
					token: items[1].pushToken,
					notification: { title: 'F1, your cart misses you', body: 'You left 2 items behind.' },
					data: { screen: 'cart', items: '2', link: `https://shop.example/cart?${UTM}`, ck_idempotency_key: shown.idempotencyKey },
					webpush: { fcm_options: { link: `https://shop.example/cart?${UTM}` } },
				},
			},
			batch: { number: 2, of: 2, messages: 1 },
		});
		const real = await send(items, {}, { workflowId: 'sim' });
		expect(real.sent).toHaveLength(2);
		expect(fcm.requestsTo('/v1/projects/:project/messages:send').find((request) => JSON.stringify(request.body).includes(String(items[1].pushToken)))?.body).toEqual(shown.request?.body);
	});

	it('Simulate works before any credential is connected', async () => {
		const { result, sent } = await send(devices(1), { simulate: true }, { credentials: false });
		expect(result.error).toBeUndefined();
		expect(delivery(sent[0]).request?.url).toBe('https://fcm.googleapis.com/v1/projects/{project_id}/messages:send');
	});

	it('a Data key Firebase reserves stops the run naming the item and the key', async () => {
		const { result } = await send(devices(1), { data: '{"google.sent": "x"}' });
		expect(result.error?.message).toBe('Item 0: the Data key "google.sent" is reserved by Firebase');
		expect(fcm.requests).toHaveLength(0);
	});
});

describe('Push node with OneSignal (in-process n8n)', () => {
	const subscribers = (n: number): IDataObject[] =>
		Array.from({ length: n }, (_, i) => ({ subscriptionId: `6f0c${String(i).padStart(4, '0')}-1a58-489e-b136-7c74a864b434`, first_name: 'Ann' }));
	const ONESIGNAL: IDataObject = {
		provider: 'oneSignal',
		sendTo: 'subscription',
		to: '={{ $json.subscriptionId }}',
		title: 'Spring sale',
		body: 'Everything half price, {{ first_name | "friend" }}',
		link: 'https://shop.example/sale',
		data: '{"screen": "sale"}',
		utm: { source: 'app', medium: 'push' },
	};

	it('sends 4,500 recipients of the same notification in calls of at most 2,000, each with its idempotency key', async () => {
		const items = subscribers(4500);
		const { result, sent } = await send(items, ONESIGNAL);
		expect(result.error).toBeUndefined();
		expect(sent).toHaveLength(4500);
		expect(oneSignal.requests.map((request) => ((request.body as IDataObject).include_subscription_ids as string[]).length).sort()).toEqual([2000, 2000, 500].sort());
		expect(oneSignal.notifications).toHaveLength(3);
		expect(oneSignal.reached).toBe(4500);
		expect(oneSignal.requests[0].headers.authorization).toBe(`Key ${ONESIGNAL_KEY}`);
		expect(oneSignal.notifications[0]).toMatchObject({
			heading: 'Spring sale',
			content: 'Everything half price, Ann',
			data: { screen: 'sale' },
			url: 'https://shop.example/sale?utm_source=app&utm_medium=push',
			idempotencyKey: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
		});
		const ids = new Map(oneSignal.notifications.flatMap((n) => (n.subscriptionIds ?? []).map((id) => [id, n.id])));
		expect(delivery(sent[4321])).toEqual({
			status: 'sent',
			provider: 'OneSignal',
			messageId: ids.get(String(items[4321].subscriptionId)),
			idempotencyKey: expect.stringMatching(/^[0-9a-f]{32}$/),
			attempts: 1,
		});
	});

	(oneSignal.contractChecked ? it : it.skip)(
		oneSignal.contractChecked
			? 'OneSignal’s stand-in enforces OneSignal’s published contract (onesignal-v1.json) and the 2,000-target limit'
			: 'OneSignal contract — skipped: ../shared/contracts/onesignal-v1.json is absent',
		async () => {
			const post = async (body: IDataObject) =>
				await fetch(`${oneSignal.url}/notifications`, {
					method: 'POST',
					headers: { authorization: `Key ${ONESIGNAL_KEY}`, 'content-type': 'application/json' },
					body: JSON.stringify(body),
				});
			const typed = await post({ app_id: APP_ID, include_subscription_ids: ['a'], contents: { en: 42 } });
			expect(typed.status).toBe(400);
			expect(JSON.stringify(await typed.json())).toContain('/contents/en must be string');
			const tooMany = await post({ app_id: APP_ID, include_subscription_ids: Array.from({ length: 2001 }, (_, i) => `s${i}`), contents: { en: 'x' } });
			expect(tooMany.status).toBe(400);
			expect(JSON.stringify(await tooMany.json())).toContain('up to 2000 targets');
		},
	);

	it('a call whose connection dropped after OneSignal took it is sent again with the same idempotency key: one notification', async () => {
		oneSignal.dropAnswerNext(1);
		const { result, sent } = await send(subscribers(3), ONESIGNAL);
		expect(result.error).toBeUndefined();
		expect(sent).toHaveLength(3);
		expect(oneSignal.requests).toHaveLength(2);
		const [firstKey, secondKey] = oneSignal.requests.map((request) => (request.body as IDataObject).idempotency_key);
		expect(secondKey).toBe(firstKey);
		expect(oneSignal.notifications).toHaveLength(1);
		expect(sent.map((item) => delivery(item).messageId)).toEqual(Array(3).fill(oneSignal.notifications[0].id));
		expect(sent.map((item) => delivery(item).attempts)).toEqual([2, 2, 2]);
	});

	it('after a run that died with its call in flight, a re-run sends exactly that call again under its idempotency key: each subscriber reached once', async () => {
		const dry = await send(subscribers(3), { ...ONESIGNAL, simulate: true }, { workflowId: 'died-push' });
		const keys = dry.sent.map((item) => String(delivery(item).idempotencyKey));
		const body = delivery(dry.sent[0]).request?.body as IDataObject;
		// The dead run's call reached OneSignal (its answer never came back), and the run left its marks.
		const reached = await fetch(`${oneSignal.url}/notifications`, {
			method: 'POST',
			headers: { authorization: `Key ${ONESIGNAL_KEY}`, 'content-type': 'application/json' },
			body: JSON.stringify({ ...body, include_subscription_ids: subscribers(3).map((s) => s.subscriptionId) }),
		});
		expect(reached.status).toBe(200);
		deduplicationStore.seed('died-push', 'node-1', [...keys.map(sendingMarker), requestMarker(String(body.idempotency_key))]);
		// The re-run also has a fourth subscriber: that one goes in a call of its own.
		const rerun = await send(subscribers(4), ONESIGNAL, { workflowId: 'died-push' });
		expect(rerun.result.error).toBeUndefined();
		expect(rerun.sent).toHaveLength(4);
		expect(oneSignal.requests.map((request) => (request.body as IDataObject).idempotency_key)).toContain(body.idempotency_key);
		expect(oneSignal.requests).toHaveLength(3);
		expect(oneSignal.notifications).toHaveLength(2);
		expect(oneSignal.reached).toBe(4);
		expect((await send(subscribers(4), ONESIGNAL, { workflowId: 'died-push' })).skipped).toHaveLength(4);
	});

	it('rides out a 429 with Retry-After', async () => {
		oneSignal.rateLimitNext(1, 1);
		const { result, sent, ms } = await send(subscribers(2), ONESIGNAL);
		expect(result.error).toBeUndefined();
		expect(ms).toBeGreaterThanOrEqual(1000);
		expect(sent.map((item) => delivery(item).attempts)).toEqual([2, 2]);
		expect(oneSignal.notifications).toHaveLength(1);
	});

	it('recipients OneSignal lists as unsubscribed fail on their own; the others are sent', async () => {
		const items = subscribers(3);
		oneSignal.unsubscribed.add(String(items[1].subscriptionId));
		const { sent, failed } = await send(items, ONESIGNAL, { continueOnFail: true });
		expect(sent).toHaveLength(2);
		expect(delivery(failed[0])).toMatchObject({ status: 'failed', provider: 'OneSignal', reason: 'not a subscribed OneSignal recipient: OneSignal listed it as invalid' });
	});

	it('"Send Again" sends a new notification (OneSignal would otherwise drop the repeat as already sent)', async () => {
		const items = subscribers(2);
		await send(items, ONESIGNAL, { workflowId: 'again' });
		const skipped = await send(items, ONESIGNAL, { workflowId: 'again' });
		expect(skipped.sent).toHaveLength(0);
		const forced = await send(items, { ...ONESIGNAL, options: { sendAgain: true } }, { workflowId: 'again' });
		expect(forced.sent).toHaveLength(2);
		expect(oneSignal.notifications).toHaveLength(2);
	});

	it('targets users by External ID', async () => {
		const { sent } = await send([{ userId: 'user-7' }, { userId: 'user-8' }], { ...ONESIGNAL, sendTo: 'externalId', to: '={{ $json.userId }}' });
		expect(sent).toHaveLength(2);
		expect(oneSignal.notifications[0].externalIds).toEqual(['user-7', 'user-8']);
		expect(oneSignal.requests[0].body).toMatchObject({ include_aliases: { external_id: ['user-7', 'user-8'] }, target_channel: 'push' });
	});
});
