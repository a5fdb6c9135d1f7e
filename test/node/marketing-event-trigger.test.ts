/**
 * The Marketing Event Trigger's webhook() as n8n calls it: parameters with their defaults, the
 * request, the response object. The e2e test (test/e2e/marketing-events.test.ts) sends real HTTP
 * requests to a real n8n.
 */
import { createHmac } from 'node:crypto';

import type { IDataObject, INode, INodeParameters, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { MarketingEventTrigger } from '../../nodes/MarketingEventTrigger/MarketingEventTrigger.node';
import { setClock } from '../../nodes/shared/clock';
import { fakeResponse } from '../helpers/webhook';

const trigger = new MarketingEventTrigger();

interface Call {
	parameters?: IDataObject;
	body?: unknown;
	headers?: Record<string, string>;
	rawBody?: string;
}

interface Answer {
	result: IWebhookResponseData;
	status?: number;
	sent?: unknown;
}

/** The node as saved in a workflow: the given parameters on top of the description's defaults. */
function node(parameters: IDataObject = {}): INode {
	const resolved = NodeHelpers.getNodeParameters(trigger.description.properties, parameters as INodeParameters, true, false, null, trigger.description);
	return {
		id: 'trigger',
		name: 'Marketing Event Trigger',
		type: 'n8n-nodes-campaign-kit.marketingEventTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: resolved ?? {},
	};
}

async function call({ parameters = {}, body, headers = {}, rawBody }: Call): Promise<Answer> {
	const answer: Partial<Answer> = {};
	const saved = node(parameters);
	const response = fakeResponse(answer);
	const lowerHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
	const context = {
		getNode: () => saved,
		getNodeParameter: (name: string, fallback?: unknown) => (name in saved.parameters ? saved.parameters[name] : fallback),
		getBodyData: () => body,
		getHeaderData: () => lowerHeaders,
		getRequestObject: () => ({ body, headers: lowerHeaders, rawBody: rawBody === undefined ? undefined : Buffer.from(rawBody) }),
		getResponseObject: () => response,
	} as unknown as IWebhookFunctions;
	answer.result = await trigger.webhook.call(context);
	return answer as Answer;
}

const event = (id: string, extra: IDataObject = {}) => ({
	event_id: id,
	event_type: 'page',
	user_id: 'u1',
	timestamp: '2024-05-01T10:00:00Z',
	context: { ip: '198.51.100.23', page: { url: 'https://shop.example.com/?utm_source=newsletter&utm_medium=email&utm_campaign=may' } },
	...extra,
});

const NOW = Date.parse('2026-11-22T10:00:00Z');
beforeAll(() => setClock(() => NOW));
afterAll(() => setClock());

describe('Marketing Event Trigger webhook()', () => {
	it('declares a POST webhook at the Path parameter, answered on receipt', () => {
		const [webhook] = trigger.description.webhooks!;
		expect(webhook).toMatchObject({ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', isFullPath: true });
		const saved = node({ path: 'events/in' });
		// Resolved by n8n's expression engine, as both n8n lines do for a template path.
		const workflow = new Workflow({ nodes: [saved], connections: {}, active: false, nodeTypes: { getByNameAndVersion: () => trigger } as never });
		expect(workflow.expression.getSimpleParameterValue(saved, webhook.path as string, 'webhook', {})).toBe('events/in');
		expect(trigger.description.inputs).toEqual([]);
		expect(trigger.description.outputNames).toEqual(['Accepted', 'Rejected']);
	});

	it('accepts a batch: 202 body with counts and reasons; Accepted and Rejected outputs', async () => {
		const body = { batch: [event('e1'), event('e2', { timestamp: 'not a time' }), event('e1'), { event_type: 'purchase', anonymous_id: 'a9', timestamp: 1714557600000 }] };
		const { result, status, sent } = await call({ body });
		expect(status).toBe(202);
		expect(result.noWebhookResponse).toBe(true);
		expect(sent).toEqual({
			received: 4,
			accepted: 2,
			rejected: 2,
			duplicates: 1,
			rejections: [
				{ index: 1, eventId: 'e2', field: 'timestamp', reason: 'timestamp "not a time" is not ISO 8601 (e.g. 2024-05-01T09:30:00Z) or epoch milliseconds' },
				{ index: 2, eventId: 'e1', field: 'eventId', reason: 'duplicate eventId: the same as event 0 of this request' },
			],
		});
		const [accepted, rejected] = result.workflowData!;
		expect(accepted.map((i) => i.json.eventId)).toEqual(['e1', expect.stringMatching(/^evt_/)]);
		expect(accepted[0].json).toMatchObject({
			eventType: 'page',
			userId: 'u1',
			channel: 'Email',
			context: { ip: '198.51.100.0', campaign: { source: 'newsletter', medium: 'email', campaign: 'may' } },
			receivedAt: expect.any(String),
		});
		expect(rejected.map((i) => [i.json.index, i.json.field])).toEqual([
			[1, 'timestamp'],
			[2, 'eventId'],
		]);
		expect((rejected[0].json.event as IDataObject).timestamp).toBe('not a time');
	});

	it('accepts a single event', async () => {
		const { result, sent } = await call({ body: event('only') });
		expect(sent).toMatchObject({ received: 1, accepted: 1, rejected: 0 });
		expect(result.workflowData![0]).toHaveLength(1);
	});

	it.each([
		[{}, 400, /no event/],
		[{ batch: [] }, 400, /empty/],
		[{ batch: {} }, 400, /must be a list/],
		[{ batch: Array.from({ length: 1001 }, (_, i) => event(`e${i}`)) }, 413, /1001 events; the limit is 1000/],
	])('refuses a bad request (%#) with its status; nothing starts', async (body, code, message) => {
		const { result, status, sent } = await call({ body });
		expect(status).toBe(code);
		expect((sent as { error: string }).error).toMatch(message);
		expect(result).toEqual({ noWebhookResponse: true });
	});

	it('refuses a batch with an event nested 10,000 deep: 400 naming the event, nothing starts', async () => {
		let properties: IDataObject = { leaf: 1 };
		for (let i = 0; i < 10_000; i++) properties = { a: properties };
		const { result, status, sent } = await call({ body: { batch: [event('fine'), event('deep', { properties })] } });
		expect(status).toBe(400);
		expect((sent as { error: string }).error).toMatch(/^Event 1 \(eventId "deep"\) nests objects and lists more than 256 levels deep, at \$\.properties\.a/);
		expect(result).toEqual({ noWebhookResponse: true });
	});

	it('reads JSON sent as text (sendBeacon) or with no content type', async () => {
		const asText = await call({ body: JSON.stringify(event('beacon')) });
		expect(asText).toMatchObject({ status: 202, sent: { accepted: 1 } });
		const unparsed = await call({ body: {}, rawBody: JSON.stringify({ batch: [event('raw-1'), event('raw-2')] }) });
		expect(unparsed).toMatchObject({ status: 202, sent: { accepted: 2 } });
		const garbage = await call({ body: {}, rawBody: 'event=page' });
		expect(garbage.status).toBe(400);
	});

	it('honours a lower batch limit', async () => {
		const { status } = await call({ body: { batch: [event('a'), event('b'), event('c')] }, parameters: { options: { maxBatchSize: 2 } } });
		expect(status).toBe(413);
	});

	it('checks a shared secret', async () => {
		const parameters = { authentication: 'sharedSecret', secret: 'top-secret' };
		const ok = await call({ parameters, body: event('a'), headers: { 'X-Api-Key': 'top-secret' } });
		expect(ok).toMatchObject({ status: 202, sent: { accepted: 1 } });
		const wrong = await call({ parameters, body: event('a'), headers: { 'X-Api-Key': 'guess' } });
		expect(wrong.status).toBe(401);
		expect(wrong.sent).toEqual({ error: 'Refused: the X-Api-Key header does not match the shared secret' });
		expect(JSON.stringify(wrong.sent)).not.toContain('top-secret');
		const missing = await call({ parameters, body: event('a') });
		expect(missing.status).toBe(401);
		const unset = await call({ parameters: { authentication: 'sharedSecret' }, body: event('a') });
		expect(unset.status).toBe(500);
	});

	it('checks an HMAC signature of the timestamp and the raw body, within 300 s', async () => {
		const raw = JSON.stringify({ batch: [event('a')] });
		const t = String(NOW / 1000);
		const signature = createHmac('sha256', 'k3y').update(`${t}.${raw}`).digest('hex');
		const headers = { 'X-Signature': `sha256=${signature}`, 'X-Signature-Timestamp': t };
		const parameters = { authentication: 'hmac', secret: 'k3y', signaturePrefix: 'sha256=' };
		const ok = await call({ parameters, body: JSON.parse(raw), rawBody: raw, headers });
		expect(ok).toMatchObject({ status: 202, sent: { accepted: 1 } });
		const tampered = await call({ parameters, body: JSON.parse(raw), rawBody: raw.replace('"u1"', '"u2"'), headers });
		expect(tampered.status).toBe(401);
		expect(tampered.sent).toEqual({ error: 'Refused: the X-Signature signature does not match the timestamp and body' });
		// The same signed request captured and replayed 301 s later starts nothing.
		setClock(() => NOW + 301_000);
		const replayed = await call({ parameters, body: JSON.parse(raw), rawBody: raw, headers });
		setClock(() => NOW);
		expect(replayed).toMatchObject({ status: 401, sent: { error: 'Refused: the X-Signature-Timestamp is 301 s from now, outside the 300 s window' } });
		expect(replayed.result.workflowData).toBeUndefined();
		// A signature of the body alone (no time in it) is refused.
		const bodyOnly = createHmac('sha256', 'k3y').update(raw).digest('hex');
		const unsigned = await call({ parameters, body: JSON.parse(raw), rawBody: raw, headers: { 'X-Signature': `sha256=${bodyOnly}` } });
		expect(unsigned.status).toBe(401);
		// The window is the marketer's to set.
		setClock(() => NOW + 301_000);
		const wider = await call({ parameters: { ...parameters, toleranceSeconds: 600 }, body: JSON.parse(raw), rawBody: raw, headers });
		setClock(() => NOW);
		expect(wider.status).toBe(202);
	});

	it('echoes at most 200 characters of any value in its 400 and 202 answers', async () => {
		const huge = 'z'.repeat(1_000_000);
		const notAList = await call({ body: { batch: huge } });
		expect(notAList.status).toBe(400);
		expect(JSON.stringify(notAList.sent).length).toBeLessThan(400);
		const rejected = await call({ body: [event('a', { userId: { name: huge } }), event('b', { eventId: huge, timestamp: huge })] });
		expect(rejected.status).toBe(202);
		expect(rejected.sent).toMatchObject({ received: 2, rejected: 2 });
		expect(JSON.stringify(rejected.sent).length).toBeLessThan(1000);
	});

	it('applies the marketer\'s channel rules, internal domains and IP setting', async () => {
		const parameters = {
			options: {
				channelRules: { rule: [{ channel: 'Newsletter', source: 'newsletter' }] },
				internalDomains: 'example.com',
				ipAddresses: 'remove',
				addReceivedAt: false,
			},
		};
		const { result } = await call({
			parameters,
			body: [event('a'), event('b', { context: { page: { referrer: 'https://www.example.com/cart' } } })],
		});
		const [accepted] = result.workflowData!;
		expect(accepted.map((i) => i.json.channel)).toEqual(['Newsletter', 'Direct']);
		expect(accepted[0].json.context).not.toHaveProperty('ip');
		expect(accepted[0].json).not.toHaveProperty('receivedAt');
		const broken = await call({ parameters: { options: { channelRules: { rule: [{ channel: 'X', medium: '[' }] } } }, body: event('a') });
		expect(broken.status).toBe(500);
		expect((broken.sent as { error: string }).error).toMatch(/channel rule 1 \(X\): medium "\[" is not a valid pattern/);
	});
});
