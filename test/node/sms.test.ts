/**
 * The SMS node in real n8n-core executions, sending through Twilio's and Telnyx's stand-ins:
 * one request per message with a concurrency limit, E.164 validation before anything is sent,
 * segments in the result, fallback from one provider to the other only for outages, Twilio's
 * own refusals and throttling, Simulate, de-duplication across runs and Continue On Fail.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { sendingMarker } from '../../nodes/shared/channel/histories';
import { deduplicationStore, runWorkflow, singleNode } from '../helpers/n8n';
import { TelnyxStandIn } from '../stand-ins/telnyx';
import { TwilioStandIn } from '../stand-ins/twilio';

const ACCOUNT_SID = 'AC5ef8732a3c49700934481addd5ce1659';
const AUTH_TOKEN = 'twilio-auth-token-9f8e7d6c5b4a39281706';
const TELNYX_KEY = 'KEY0187A3B4C5D6E7F8_telnyxSecretPart42';
const PROFILE = '4001767e-ce0f-4cae-9d5f-0d5e636e7809';

const twilio = new TwilioStandIn({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
const telnyx = new TelnyxStandIn(TELNYX_KEY);

const number = (i: number) => `+1415555${String(1000 + i)}`;

/** `n` contacts with numbers typed the ways people type them; every 5th without a first name. */
function contacts(n: number): IDataObject[] {
	return Array.from({ length: n }, (_, i) => ({
		phone: i % 3 === 0 ? `+1 (415) 555-${1000 + i}` : number(i),
		first_name: i % 5 ? `F${i}` : '',
		code: `C${i}`,
	}));
}

const PARAMETERS: IDataObject = {
	provider: 'twilio',
	twilioFrom: '+14155550100',
	telnyxFrom: '+14155550199',
	message: 'Hi {{ first_name | "there" }}, code {{ code }} gets 20% off: https://shop.example/sale',
	utm: { source: 'reminder', medium: 'sms', campaign: 'spring' },
};

const UTM = 'utm_source=reminder&utm_medium=sms&utm_campaign=spring';

interface SendOptions {
	workflowId?: string;
	continueOnFail?: boolean;
	credentials?: boolean;
}

async function send(items: IDataObject[], parameters: IDataObject = {}, options: SendOptions = {}) {
	const started = Date.now();
	const withCredentials = options.credentials !== false;
	const result = await runWorkflow(
		singleNode('sms', { ...PARAMETERS, ...parameters }, items, {
			credentials: withCredentials
				? { campaignKitTwilioApi: { id: '1', name: 'Twilio' }, campaignKitTelnyxApi: { id: '2', name: 'Telnyx' } }
				: undefined,
			...(options.continueOnFail ? { continueOnFail: true } : {}),
		}),
		{
			workflowId: options.workflowId,
			credentials: withCredentials
				? {
						campaignKitTwilioApi: { accountSid: ACCOUNT_SID, authType: 'authToken', authToken: AUTH_TOKEN, baseUrl: twilio.url },
						campaignKitTelnyxApi: { apiKey: TELNYX_KEY, baseUrl: telnyx.url },
					}
				: {},
		},
	);
	const [sent = [], skipped = [], failed = []] = result.outputs('Node');
	return { result, sent, skipped, failed, ms: Date.now() - started };
}

const delivery = (item: INodeExecutionData) => item.json.delivery as IDataObject & { request?: IDataObject };

beforeAll(async () => {
	await Promise.all([twilio.start(), telnyx.start()]);
});
afterAll(async () => {
	await Promise.all([twilio.stop(), telnyx.stop()]);
});
beforeEach(() => {
	twilio.reset();
	telnyx.reset();
	deduplicationStore.clear();
});

describe('SMS node with Twilio (in-process n8n)', () => {
	it('sends one request per message, at most "Requests at Once" in flight, and skips invalid numbers before sending anything', async () => {
		twilio.latencyMs = 40;
		const items = contacts(40);
		items.splice(7, 0, { phone: '0415 555 0000', first_name: 'Bad' }, { phone: '+1 415 CALL NOW', first_name: 'Bad' }, { first_name: 'No phone' });
		const { result, sent, skipped, failed } = await send(items, { options: { concurrency: 4 } });
		expect(result.error).toBeUndefined();
		expect(failed).toHaveLength(0);
		expect(sent).toHaveLength(40);
		expect(skipped.map((item) => delivery(item).reason)).toEqual([
			'invalid phone number: "0415 555 0000" does not start with + and the country code (e.g. +14155550123)',
			'invalid phone number: "+1 415 CALL NOW" has characters other than digits',
			'invalid phone number: no phone number',
		]);
		expect(twilio.requests).toHaveLength(40);
		expect(twilio.maxInFlight).toBe(4);
		expect(twilio.delivered.map((message) => message.to).sort()).toEqual(Array.from({ length: 40 }, (_, i) => number(i)).sort());

		const ann = twilio.delivered.find((message) => message.to === number(3));
		expect(ann).toEqual({ sid: expect.stringMatching(/^SM[0-9a-f]{32}$/), to: number(3), from: '+14155550100', body: `Hi F3, code C3 gets 20% off: https://shop.example/sale?${UTM}` });
		expect(twilio.delivered.find((message) => message.to === number(0))?.body).toBe(`Hi there, code C0 gets 20% off: https://shop.example/sale?${UTM}`);

		const first = sent.find((item) => item.json.code === 'C3') as INodeExecutionData;
		expect(delivery(first)).toEqual({
			status: 'sent',
			provider: 'Twilio',
			messageId: ann?.sid,
			idempotencyKey: expect.stringMatching(/^[0-9a-f]{32}$/),
			attempts: 1,
			segments: 1,
			encoding: 'GSM-7',
			characters: ann?.body.length,
		});
		const paired = [...sent, ...skipped].map((item) => (item.pairedItem as { item: number }).item).sort((a, b) => a - b);
		expect(paired).toEqual(items.map((_, i) => i));
	});

	(twilio.contractChecked ? it : it.skip)(
		twilio.contractChecked
			? 'every request it sent passes Twilio’s published contract (twilio-api-v2010.json), which the stand-in enforces'
			: 'every request passes Twilio’s published contract — skipped: ../shared/contracts/twilio-api-v2010.json is absent',
		async () => {
			const { sent } = await send(contacts(3), { twilioFrom: 'MG0123456789abcdef0123456789abcdef', options: { statusCallback: 'https://n8n.example/webhook/twilio' } });
			expect(sent).toHaveLength(3);
			expect(twilio.delivered[0]).toMatchObject({ messagingServiceSid: 'MG0123456789abcdef0123456789abcdef', statusCallback: expect.stringMatching(/^https:\/\/n8n\.example\/webhook\/twilio\?ck_idempotency_key=[0-9a-f]{32}$/) });
			// The stand-in answers 400 with the contract's complaint: a wrongly typed field shows it is listening.
			const answer = await fetch(`${twilio.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, {
				method: 'POST',
				headers: { authorization: `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({ To: number(1), From: '+14155550100', Body: 'x', ValidityPeriod: 'soon' }).toString(),
			});
			expect(answer.status).toBe(400);
			expect(await answer.json()).toMatchObject({ code: 21600, message: expect.stringContaining('/ValidityPeriod must be integer'), status: 400 });
		},
	);

	it('counts segments: GSM-7 and UCS-2, and skips a text longer than 10 segments for that contact', async () => {
		const { sent, skipped } = await send(
			[
				{ phone: number(1), first_name: 'Zoë', code: 'Z' },
				{ phone: number(2), first_name: 'Ann', code: 'A' },
				{ phone: number(3), first_name: 'x'.repeat(1600), code: 'L' },
			],
			{ message: 'Hi {{ first_name }}, your code is {{ code }}', utm: {} },
		);
		expect(sent.map((item) => [item.json.first_name, delivery(item).segments, delivery(item).encoding, delivery(item).unicodeCharacters])).toEqual([
			['Zoë', 1, 'UCS-2', ['ë']],
			['Ann', 1, 'GSM-7', undefined],
		]);
		expect(delivery(skipped[0])).toMatchObject({
			status: 'skipped',
			segments: 11,
			reason: 'the message takes 11 segments (1619 characters, GSM-7); SMS providers take at most 10: shorten it',
		});
		expect(twilio.requests).toHaveLength(2);
	});

	it('rides out Twilio’s 429 (code 20429) with Retry-After, then sends once', async () => {
		twilio.rateLimitNext(1, 1);
		const { result, sent, ms } = await send(contacts(1));
		expect(result.error).toBeUndefined();
		expect(ms).toBeGreaterThanOrEqual(1000);
		expect(delivery(sent[0]).attempts).toBe(2);
		expect(twilio.delivered).toHaveLength(1);
	});

	it('falls back to Telnyx for every message Twilio could not send past its retries (503), with Telnyx’s own sender', async () => {
		twilio.outageNext(100);
		const { result, sent, failed, ms } = await send(contacts(3), { provider: 'twilio>telnyx', options: { maxRetryWait: 2 } });
		expect(result.error).toBeUndefined();
		expect(failed).toHaveLength(0);
		expect(ms).toBeLessThan(8000);
		const twilioAttempts = twilio.requests.length;
		expect(twilioAttempts).toBeGreaterThanOrEqual(6); // each message tried at least twice
		expect(twilio.delivered).toHaveLength(0);
		expect(telnyx.delivered.map((message) => [message.to, message.from])).toEqual(
			expect.arrayContaining([
				[number(0), '+14155550199'],
				[number(1), '+14155550199'],
				[number(2), '+14155550199'],
			]),
		);
		const one = delivery(sent[1]);
		expect(one).toMatchObject({
			status: 'sent',
			provider: 'Telnyx',
			messageId: telnyx.delivered.find((message) => message.to === number(1))?.id,
			reason: expect.stringMatching(/^Twilio failed \(Service Unavailable \(gave up after \d attempts\)\); sent through Telnyx$/),
		});
		expect(one.attempts).toBeGreaterThanOrEqual(3);
	});

	it('does not fall back when Twilio refuses a number (400): that one fails with Twilio’s reason and code, the rest go out', async () => {
		twilio.refuse.set(number(1), { code: 21610, message: 'Attempt to send to unsubscribed recipient' });
		const { result, sent, failed } = await send(contacts(3), { provider: 'twilio>telnyx' }, { continueOnFail: true, workflowId: 'refused' });
		expect(result.error).toBeUndefined();
		expect(sent.map((item) => delivery(item).provider)).toEqual(['Twilio', 'Twilio']);
		expect(delivery(failed[0])).toEqual({
			status: 'failed',
			provider: 'Twilio',
			messageId: null,
			idempotencyKey: expect.stringMatching(/^[0-9a-f]{32}$/),
			attempts: 1,
			reason: 'Attempt to send to unsubscribed recipient (Twilio error 21610)',
			segments: 1,
			encoding: 'GSM-7',
			characters: expect.any(Number),
		});
		expect(telnyx.requests).toHaveLength(0);
		// Only what was sent is remembered: a re-run tries the refused number again.
		expect(deduplicationStore.keys('refused', 'node-1')).toHaveLength(2);
	});

	it('without Continue On Fail, a refusal stops the run naming the item and Twilio’s reason', async () => {
		twilio.refuse.set(number(1), { code: 21211, message: `The 'To' number ${number(1)} is not a valid phone number.` });
		const { result } = await send(contacts(3), { options: { concurrency: 1 } });
		expect(result.error?.message).toBe(`Item 1: Twilio did not send to ${number(1)}: The 'To' number ${number(1)} is not a valid phone number. (Twilio error 21211)`);
		expect(twilio.delivered.map((message) => message.to)).toEqual([number(0)]);
	});

	it('when both are down, the run stops and nothing is remembered', async () => {
		twilio.outageNext(100);
		telnyx.failNext('POST', '/v2/messages', 100, { status: 503, body: { errors: [{ code: '10001', title: 'Service Unavailable' }] } });
		const { result } = await send(contacts(2), { provider: 'twilio>telnyx', options: { maxRetryWait: 1 } }, { workflowId: 'both-down' });
		expect(result.error?.message).toMatch(/^Service Unavailable \(gave up after \d attempts\)$/);
		expect(deduplicationStore.keys('both-down', 'node-1')).toEqual([]);
	});

	it('Simulate: the exact form request each contact would go out in, without secrets; nothing sent or remembered', async () => {
		const items = contacts(3);
		const simulated = await send(items, { simulate: true }, { workflowId: 'sim' });
		expect(simulated.result.error).toBeUndefined();
		expect(twilio.requests).toHaveLength(0);
		expect(JSON.stringify(simulated.result.run)).not.toContain(AUTH_TOKEN);
		const shown = delivery(simulated.sent[2]);
		expect(shown).toMatchObject({ status: 'simulated', provider: 'Twilio', messageId: null, attempts: 0, segments: 1, encoding: 'GSM-7' });
		expect(shown.request).toEqual({
			method: 'POST',
			url: `${twilio.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`,
			headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded', Authorization: 'Basic **hidden**' },
			body: `To=%2B14155551002&From=%2B14155550100&Body=Hi+F2%2C+code+C2+gets+20%25+off%3A+https%3A%2F%2Fshop.example%2Fsale%3F${encodeURIComponent(UTM)}`,
			batch: { number: 3, of: 3, messages: 1 },
		});

		const real = await send(items, {}, { workflowId: 'sim' });
		expect(real.sent).toHaveLength(3);
		expect(twilio.requests.find((request) => (request.body as IDataObject).To === number(2))?.rawBody).toBe(shown.request?.body);
		expect(delivery(real.sent[2]).idempotencyKey).toBe(shown.idempotencyKey);
	});

	it('Simulate works before any credential is connected', async () => {
		const { result, sent } = await send(contacts(1), { simulate: true, provider: 'telnyx' }, { credentials: false });
		expect(result.error).toBeUndefined();
		expect(delivery(sent[0]).request).toMatchObject({
			url: 'https://api.telnyx.com/v2/messages',
			headers: { Authorization: 'Bearer **hidden**' },
			body: { from: '+14155550199', to: number(0), text: expect.stringContaining('Hi there') },
		});
	});

	it('a second run of the same workflow sends nothing new; a changed text sends to that contact only', async () => {
		const items = contacts(12);
		const first = await send(items, {}, { workflowId: 'repeat' });
		expect(first.sent).toHaveLength(12);
		const again = await send(items, {}, { workflowId: 'repeat' });
		expect(again.result.error).toBeUndefined();
		expect(again.sent).toHaveLength(0);
		expect(again.skipped.map((item) => delivery(item).reason)).toEqual(
			Array(12).fill('already sent by this node in an earlier execution (same recipient and content); turn on "Send Again" to send it anyway'),
		);
		expect(twilio.requests).toHaveLength(12);
		// The same number typed differently is the same recipient.
		const retyped = items.map((item, i) => (i === 4 ? { ...item, phone: '+1 415-555-1004', code: 'NEW' } : item));
		const third = await send(retyped, {}, { workflowId: 'repeat' });
		expect(third.sent.map((item) => item.json.code)).toEqual(['NEW']);
		expect(twilio.requests).toHaveLength(13);
	});

	it('Telnyx as primary, falling back to Twilio: sends through Telnyx with a messaging profile', async () => {
		const { sent } = await send(contacts(2), { provider: 'telnyx>twilio', telnyxFrom: 'BRAND', options: { telnyxMessagingProfileId: PROFILE } });
		expect(sent.map((item) => delivery(item).provider)).toEqual(['Telnyx', 'Telnyx']);
		expect(telnyx.delivered.map((message) => [message.from, message.messagingProfileId])).toEqual([
			['BRAND', PROFILE],
			['BRAND', PROFILE],
		]);
		expect(twilio.requests).toHaveLength(0);
	});

	(telnyx.contractChecked ? it : it.skip)(
		telnyx.contractChecked ? 'Telnyx’s stand-in enforces Telnyx’s published contract (telnyx-v2.json)' : 'Telnyx contract — skipped: ../shared/contracts/telnyx-v2.json is absent',
		async () => {
			const answer = await fetch(`${telnyx.url}/v2/messages`, {
				method: 'POST',
				headers: { authorization: `Bearer ${TELNYX_KEY}`, 'content-type': 'application/json' },
				body: JSON.stringify({ to: number(1), from: 42, text: 'x' }),
			});
			expect(answer.status).toBe(422);
			expect(JSON.stringify(await answer.json())).toContain('/from must be string');
		},
	);

	it('a sender to fix stops the run naming the item; with Continue On Fail that item leaves on Failed', async () => {
		const parameters = { twilioFrom: '={{ $json.first_name ? "+14155550100" : "My Brand Name" }}' };
		const stopped = await send(contacts(2), parameters);
		expect(stopped.result.error?.message).toMatch(/^Item 0: the Twilio Sender is not a phone number in E\.164/);
		expect(twilio.requests).toHaveLength(0);
		const continued = await send(contacts(2), parameters, { continueOnFail: true });
		expect(continued.failed.map((item) => delivery(item).reason)).toEqual([expect.stringMatching(/^Item 0: the Twilio Sender is not/)]);
		expect(continued.sent.map((item) => item.json.code)).toEqual(['C1']);
	});

	it('the fallback’s sender is required too, before anything is sent', async () => {
		const { result } = await send(contacts(1), { provider: 'twilio>telnyx', telnyxFrom: '={{ $json.nothing }}' });
		expect(result.error?.message).toBe('Item 0: the Telnyx Sender is empty');
		expect(twilio.requests).toHaveLength(0);
	});

	it('with Continue On Fail, a problem that concerns every item (no text) sends them all to Failed', async () => {
		const { result, sent, failed } = await send(contacts(2), { message: ' ' }, { continueOnFail: true });
		expect(result.error).toBeUndefined();
		expect(sent).toHaveLength(0);
		expect(failed.map((item) => delivery(item).reason)).toEqual(['The message is empty', 'The message is empty']);
	});

	it('a wrong Auth Token stops the run with Twilio’s message and never shows the token', async () => {
		const result = await runWorkflow(singleNode('sms', PARAMETERS, contacts(1), { credentials: { campaignKitTwilioApi: { id: '1', name: 'Twilio' } } }), {
			credentials: { campaignKitTwilioApi: { accountSid: ACCOUNT_SID, authType: 'authToken', authToken: 'wrong-token-0123456789abcdef', baseUrl: twilio.url } },
		});
		expect(result.error?.message).toBe('Authenticate');
		expect(twilio.requests).toHaveLength(1);
		expect(result.error?.description).toMatch(/answered HTTP 401 Unauthorized \(code 20003, https:\/\/www\.twilio\.com\/docs\/errors\/20003\)/);
		expect(JSON.stringify(result.run)).not.toContain('wrong-token-0123456789abcdef');
	});

	it('authenticates with an API key instead of the Auth Token', async () => {
		const keyed = new TwilioStandIn({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiKey: { sid: 'SK0123456789abcdef0123456789abcdef', secret: 'api-key-secret-0123456789' } });
		await keyed.start();
		try {
			const result = await runWorkflow(singleNode('sms', PARAMETERS, contacts(1), { credentials: { campaignKitTwilioApi: { id: '1', name: 'Twilio' } } }), {
				credentials: { campaignKitTwilioApi: { accountSid: ACCOUNT_SID, authType: 'apiKey', apiSid: 'SK0123456789abcdef0123456789abcdef', apiKeySecret: 'api-key-secret-0123456789', baseUrl: keyed.url } },
			});
			expect(result.error).toBeUndefined();
			expect(keyed.delivered).toHaveLength(1);
		} finally {
			await keyed.stop();
		}
	});

	it('after a run that died between its request and the answer, a re-run sends the other 4 and reports that one unconfirmed, every time', async () => {
		const simulated = await send(contacts(5), { simulate: true }, { workflowId: 'died' });
		const keys = simulated.sent.map((item) => String(delivery(item).idempotencyKey));
		// What a run killed while Twilio held its first request leaves in n8n's store: that message marked as being sent.
		deduplicationStore.seed('died', 'node-1', [sendingMarker(keys[0])]);
		const rerun = await send(contacts(5), {}, { workflowId: 'died' });
		expect(rerun.result.error).toBeUndefined();
		expect(rerun.sent.map((item) => item.json.code)).toEqual(['C1', 'C2', 'C3', 'C4']);
		expect(rerun.failed.map((item) => delivery(item).status)).toEqual(['unconfirmed']);
		expect(rerun.failed[0].json.code).toBe('C0');
		expect(delivery(rerun.failed[0])).toMatchObject({ idempotencyKey: keys[0], claimedBy: null, claimedAt: null });
		expect(String(delivery(rerun.failed[0]).reason)).toMatch(/^unconfirmed: an earlier execution of this node started sending it and stopped before recording Twilio's answer, so it may have reached Twilio; not sent again/);
		expect(twilio.delivered.map((message) => message.to).sort()).toEqual([1, 2, 3, 4].map(number).sort());
		const again = await send(contacts(5), {}, { workflowId: 'died' });
		expect(again.skipped).toHaveLength(4);
		expect(again.failed.map((item) => delivery(item).status)).toEqual(['unconfirmed']);
		expect(twilio.delivered).toHaveLength(4);
		// The marketer decides: "Send Again" sends it, and from then on it counts as sent.
		const forced = await send([contacts(5)[0]], { options: { sendAgain: true } }, { workflowId: 'died' });
		expect(forced.sent).toHaveLength(1);
		expect((await send(contacts(5), {}, { workflowId: 'died' })).skipped).toHaveLength(5);
		expect(twilio.delivered).toHaveLength(5);
	});

	it('a request whose connection broke before Twilio answered is unconfirmed: not handed to the fallback, not sent again by a re-run', async () => {
		twilio.failNext('POST', '/2010-04-01/Accounts/:accountSid/Messages.json', 1, { destroy: true });
		const first = await send(contacts(1), { provider: 'twilio>telnyx' }, { workflowId: 'broke' });
		expect(first.result.error).toBeUndefined();
		expect(first.failed.map((item) => delivery(item).status)).toEqual(['unconfirmed']);
		expect(String(delivery(first.failed[0]).reason)).toMatch(/^unconfirmed: the connection to Twilio broke before it answered .*so it may or may not have sent it; not sent again/);
		expect(telnyx.requests).toHaveLength(0);
		const rerun = await send(contacts(1), { provider: 'twilio>telnyx' }, { workflowId: 'broke' });
		expect(rerun.failed.map((item) => delivery(item).status)).toEqual(['unconfirmed']);
		expect(twilio.requests).toHaveLength(1);
		expect(telnyx.requests).toHaveLength(0);
	});
});
