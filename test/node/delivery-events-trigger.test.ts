/**
 * The Delivery Events Trigger's webhook() as n8n calls it: parameters with their defaults, the
 * provider's request, the response object, and the workflow's static data, which n8n keeps in its
 * database between calls (the test keeps one object per workflow across calls, as n8n does). The
 * e2e test (test/e2e/delivery-events.test.ts) sends real requests to a real n8n.
 */
import { createHmac, generateKeyPairSync, sign, timingSafeEqual } from 'node:crypto';

import type { IDataObject, INode, INodeParameters, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';
import twilioLib from 'twilio';

import { DeliveryEventsTrigger } from '../../nodes/DeliveryEventsTrigger/DeliveryEventsTrigger.node';
import { REMEMBERED_EVENTS } from '../../nodes/DeliveryEventsTrigger/engine';
import { setClock } from '../../nodes/shared/clock';
import { readTemplate } from '../helpers/templates';
import { fakeResponse } from '../helpers/webhook';

// The real comparison, watched: the verify token must go through it.
jest.mock('node:crypto', () => {
	const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
	return { ...actual, timingSafeEqual: jest.fn(actual.timingSafeEqual) };
});

const trigger = new DeliveryEventsTrigger();
const URL_BASE = 'https://hooks.example.com/webhook/abc/delivery-events';
const NOW = Date.parse('2026-11-22T10:00:00Z');

interface Call {
	parameters: IDataObject;
	secrets: IDataObject;
	body?: string;
	headers?: Record<string, string>;
	query?: Record<string, string>;
	method?: 'GET' | 'POST';
	/** The workflow's static data: the same object for every call to the same workflow. */
	staticData?: IDataObject;
}

interface Answer {
	result: IWebhookResponseData;
	status?: number;
	sent?: unknown;
	/** The items the call starts the workflow with (none: it starts nothing). */
	started: IDataObject[];
}

function node(parameters: IDataObject): INode {
	const resolved = NodeHelpers.getNodeParameters(trigger.description.properties, parameters as INodeParameters, true, false, null, trigger.description);
	return { id: 'trigger', name: 'Delivery Events', type: 'n8n-nodes-campaign-kit.deliveryEventsTrigger', typeVersion: 1, position: [0, 0], parameters: resolved ?? {} };
}

async function call({ parameters, secrets, body = '', headers = {}, query = {}, method = 'POST', staticData = {} }: Call): Promise<Answer> {
	const answer: Partial<Answer> = {};
	const saved = node(parameters);
	const response = fakeResponse(answer);
	const search = Object.keys(query).length ? `?${new URLSearchParams(query).toString()}` : '';
	const context = {
		getNode: () => saved,
		getNodeParameter: (name: string, fallback?: unknown) => (name in saved.parameters ? saved.parameters[name] : fallback),
		getCredentials: async () => secrets,
		getWebhookName: () => (method === 'GET' ? 'setup' : 'default'),
		getQueryData: () => query,
		getHeaderData: () => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
		getRequestObject: () => ({ method, originalUrl: `/webhook/abc/delivery-events${search}`, rawBody: Buffer.from(body) }),
		getResponseObject: () => response,
		getNodeWebhookUrl: () => URL_BASE,
		getWorkflowStaticData: () => staticData,
		logger: { warn: () => undefined, debug: () => undefined, info: () => undefined, error: () => undefined },
		helpers: { returnJsonArray: (items: IDataObject[]) => items.map((json) => ({ json })) },
	} as unknown as IWebhookFunctions;
	answer.result = await trigger.webhook.call(context);
	answer.started = (answer.result.workflowData?.[0] ?? []).map((item) => item.json);
	return answer as Answer;
}

const sendgridKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

/** A SendGrid Event Webhook batch of one `delivered` event per sg_event_id, signed as SendGrid signs. */
function sendgridBatch(ids: string[], now: number, parameters: IDataObject = {}): Call {
	const body = JSON.stringify(ids.map((id, i) => ({ email: `r${i}@example.com`, timestamp: now / 1000, event: 'delivered', sg_message_id: `m${i}.f`, sg_event_id: id })));
	const timestamp = String(now / 1000);
	return {
		parameters: { provider: 'sendgrid', ...parameters },
		secrets: { publicKey: sendgridKeys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64') },
		body,
		headers: {
			'X-Twilio-Email-Event-Webhook-Signature': sign('sha256', Buffer.from(timestamp + body), { key: sendgridKeys.privateKey, dsaEncoding: 'der' }).toString('base64'),
			'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
		},
	};
}

beforeAll(() => setClock(() => NOW));
afterAll(() => setClock());

describe('Kit: the event type comes from what is verified, not from the URL', () => {
	const secret = 'kit-webhook-secret-123456';
	const body = JSON.stringify({ subscriber: { id: 7, email_address: 'dee@example.com' } });
	const t = String(NOW / 1000);
	const headers = { 'X-Kit-Signature': `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}` };

	it('reads the type from the node’s Kit Event setting', async () => {
		const answer = await call({ parameters: { provider: 'kit', kitEvent: 'subscriber.link_click' }, secrets: { signingSecret: secret }, body, headers });
		expect(answer.status).toBe(200);
		expect(answer.started).toEqual([expect.objectContaining({ provider: 'kit', type: 'clicked', providerType: 'subscriber.link_click', recipient: 'dee@example.com' })]);
	});

	it('refuses a captured click replayed with ?event=subscriber.subscriber_unsubscribe: 401, starts nothing', async () => {
		const answer = await call({
			parameters: { provider: 'kit', kitEvent: 'subscriber.link_click' },
			secrets: { signingSecret: secret },
			body,
			headers,
			query: { event: 'subscriber.subscriber_unsubscribe' },
		});
		expect(answer.status).toBe(401);
		expect(answer.started).toEqual([]);
		expect(answer.sent).toEqual({
			error: 'Unauthorized',
			reason:
				'the URL asks for event "subscriber.subscriber_unsubscribe", which Kit\'s signature does not cover and the node\'s Kit Event (subscriber.link_click) does not allow',
		});
	});

	it('still accepts a URL whose ?event= is the node’s Kit Event (URLs registered before)', async () => {
		const answer = await call({
			parameters: { provider: 'kit' },
			secrets: { signingSecret: secret },
			body,
			headers,
			query: { event: 'subscriber.subscriber_unsubscribe' },
		});
		expect(answer.status).toBe(200);
		expect(answer.started).toEqual([expect.objectContaining({ type: 'unsubscribed' })]);
	});
});

describe('a replayed delivery event answers 200 and starts nothing', () => {
	it('Twilio: the same signed status callback twice starts the workflow once', async () => {
		const authToken = 'twilio-auth-token-0123456789abcdef';
		const params = { MessageSid: 'SM123', MessageStatus: 'delivered', To: '+15551234567', AccountSid: 'AC1' };
		const request = {
			parameters: { provider: 'twilio' },
			secrets: { signingSecret: authToken },
			body: new URLSearchParams(params).toString(),
			headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': twilioLib.getExpectedTwilioSignature(authToken, URL_BASE, params) },
			staticData: {},
		};
		const first = await call(request);
		expect(first.status).toBe(200);
		expect(first.sent).toEqual({ received: 1 });
		expect(first.started).toEqual([expect.objectContaining({ type: 'delivered', messageId: 'SM123', eventId: 'SM123:delivered' })]);
		const replay = await call(request);
		expect(replay.status).toBe(200);
		expect(replay.sent).toEqual({ received: 1, replayed: 1 });
		expect(replay.started).toEqual([]);
		expect(replay.result.workflowData).toBeUndefined();
		// The next status of the same message is a new event.
		const next = { ...params, MessageStatus: 'read' };
		const read = await call({
			...request,
			body: new URLSearchParams(next).toString(),
			headers: { ...request.headers, 'X-Twilio-Signature': twilioLib.getExpectedTwilioSignature(authToken, URL_BASE, next) },
		});
		expect(read.started).toEqual([expect.objectContaining({ type: 'opened' })]);
		// Another workflow (its own static data) is not affected.
		expect((await call({ ...request, staticData: {} })).started).toHaveLength(1);
	});

	it('Postmark, Mailchimp and Meta: a replay starts nothing', async () => {
		const postmark = {
			parameters: { provider: 'postmark' },
			secrets: { username: 'hooks', password: 'long-random-password' },
			body: JSON.stringify({ RecordType: 'Bounce', ID: 4323372036854775807, MessageID: 'pm-1', Email: 'eve@example.com', BouncedAt: '2026-11-22T09:00:00Z' }),
			headers: { Authorization: `Basic ${Buffer.from('hooks:long-random-password').toString('base64')}` },
			staticData: {},
		};
		const mailchimp = {
			parameters: { provider: 'mailchimp' },
			secrets: { signingSecret: 's3cret-value' },
			body: new URLSearchParams({ type: 'unsubscribe', fired_at: '2026-11-22 09:30:00', 'data[email]': 'fay@example.com', 'data[list_id]': 'L1' }).toString(),
			query: { secret: 's3cret-value' },
			staticData: {},
		};
		const metaBody = JSON.stringify({
			object: 'whatsapp_business_account',
			entry: [{ changes: [{ value: { statuses: [{ id: 'wamid.1', status: 'read', timestamp: '1795341600', recipient_id: '15551234567' }] } }] }],
		});
		const meta = {
			parameters: { provider: 'meta' },
			secrets: { signingSecret: 'meta-app-secret-abcdef' },
			body: metaBody,
			headers: { 'X-Hub-Signature-256': `sha256=${createHmac('sha256', 'meta-app-secret-abcdef').update(metaBody).digest('hex')}` },
			staticData: {},
		};
		for (const request of [postmark, mailchimp, meta]) {
			const first = await call(request);
			expect([request.parameters.provider, first.status, first.started.length]).toEqual([request.parameters.provider, 200, 1]);
			const replay = await call(request);
			expect([request.parameters.provider, replay.status, replay.started.length, replay.sent]).toEqual([request.parameters.provider, 200, 0, { received: 1, replayed: 1 }]);
		}
	});

	it('Telnyx and Kit (signed times): a replay inside the 300 s window starts nothing either', async () => {
		const { publicKey, privateKey } = generateKeyPairSync('ed25519');
		const telnyxBody = JSON.stringify({ data: { id: 'evt-77', event_type: 'message.sent', occurred_at: '2026-11-22T09:59:00Z', payload: { id: 'tx-1', to: [{ phone_number: '+15550001111' }] } } });
		const t = String(NOW / 1000);
		const telnyx = {
			parameters: { provider: 'telnyx' },
			secrets: { publicKey: publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64') },
			body: telnyxBody,
			headers: { 'Telnyx-Timestamp': t, 'Telnyx-Signature-Ed25519': sign(null, Buffer.from(`${t}|${telnyxBody}`), privateKey).toString('base64') },
			staticData: {},
		};
		const kitBody = JSON.stringify({ subscriber: { id: 9, email_address: 'gus@example.com' } });
		const kit = {
			parameters: { provider: 'kit' },
			secrets: { signingSecret: 'kit-webhook-secret-123456' },
			body: kitBody,
			headers: { 'X-Kit-Signature': `t=${t},v1=${createHmac('sha256', 'kit-webhook-secret-123456').update(`${t}.${kitBody}`).digest('hex')}` },
			staticData: {},
		};
		for (const request of [telnyx, kit]) {
			expect((await call(request)).started).toHaveLength(1);
			const replay = await call(request);
			expect([request.parameters.provider, replay.status, replay.started.length, replay.sent]).toEqual([request.parameters.provider, 200, 0, { received: 1, replayed: 1 }]);
		}
	});

	it('SendGrid: a batch with seen and new events starts the workflow with the new ones only', async () => {
		const staticData = {};
		const first = await call({ ...sendgridBatch(['ev-1', 'ev-2'], NOW), staticData });
		expect(first.started.map((event) => event.eventId)).toEqual(['ev-1', 'ev-2']);
		const second = await call({ ...sendgridBatch(['ev-2', 'ev-3'], NOW), staticData });
		expect(second.sent).toEqual({ received: 2, replayed: 1 });
		expect(second.started.map((event) => event.eventId)).toEqual(['ev-3']);
	});

	it('remembers at most the configured number of events, oldest forgotten first', async () => {
		const staticData: IDataObject = {};
		const parameters = { options: { rememberedEvents: 3 } };
		const run = async (ids: string[]) => (await call({ ...sendgridBatch(ids, NOW, parameters), staticData })).started.map((event) => event.eventId);
		expect(await run(['a', 'b', 'c', 'd'])).toEqual(['a', 'b', 'c', 'd']);
		expect(await run(['a', 'b', 'c', 'd'])).toEqual(['a']);
		expect(JSON.stringify(staticData).length).toBeLessThan(120);
		// A setting that is not a number (an expression gone wrong) keeps the default number, not everything.
		const full: IDataObject = { deliveryEventIds: Array.from({ length: REMEMBERED_EVENTS }, (_, i) => `id-${i}`) };
		await call({ ...sendgridBatch(['new'], NOW, { options: { rememberedEvents: Number.NaN } }), staticData: full });
		expect(full.deliveryEventIds).toHaveLength(REMEMBERED_EVENTS);
		expect(JSON.stringify(full).length).toBeLessThan(200_000);
	});
});

describe('Meta: the verify token', () => {
	it('is compared in constant time, and only the right token gets the challenge', async () => {
		const compared = jest.mocked(timingSafeEqual);
		compared.mockClear();
		const query = (token: string) => ({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '1158201444' });
		const secrets = { signingSecret: 'meta-app-secret-abcdef', verifyToken: 'verify-me-please' };
		const right = await call({ parameters: { provider: 'meta' }, secrets, method: 'GET', query: query('verify-me-please') });
		expect([right.status, right.sent]).toEqual([200, '1158201444']);
		expect(compared.mock.calls.map((args) => args.map((buffer) => Buffer.from(buffer as Uint8Array).toString()))).toContainEqual(['verify-me-please', 'verify-me-please']);
		const wrong = await call({ parameters: { provider: 'meta' }, secrets, method: 'GET', query: query('verify-me-pleasf') });
		expect(wrong.status).toBe(403);
	});
});

describe('answers echo at most 200 characters of what was sent', () => {
	it('a body that is not the provider’s event: 400 with a short reason', async () => {
		const secret = 'meta-app-secret-abcdef';
		const body = `{"entry": ${'x'.repeat(100_000)}`;
		const answer = await call({
			parameters: { provider: 'meta' },
			secrets: { signingSecret: secret },
			body,
			headers: { 'X-Hub-Signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` },
		});
		expect(answer.status).toBe(400);
		expect(JSON.stringify(answer.sent).length).toBeLessThanOrEqual(300);
	});

	it('a refused request: 401 with a short reason', async () => {
		const answer = await call({
			parameters: { provider: 'twilio' },
			secrets: { signingSecret: 'twilio-auth-token-0123456789abcdef' },
			body: 'MessageSid=SM1&MessageStatus=sent',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': 'bm90IGl0' },
			query: { note: 'y'.repeat(100_000) },
		});
		expect(answer.status).toBe(401);
		expect(JSON.stringify(answer.sent).length).toBeLessThanOrEqual(300);
	});
});

describe('the delivery-events template', () => {
	it('names a provider the trigger has (a value outside its options fails every request)', () => {
		const template = readTemplate('delivery-events.json');
		const saved = template.nodes.find((n) => n.type === 'n8n-nodes-campaign-kit.deliveryEventsTrigger');
		const provider = trigger.description.properties.find((property) => property.name === 'provider');
		expect(provider?.options?.map((option) => (option as { value: string }).value)).toContain(saved?.parameters.provider);
	});
});
