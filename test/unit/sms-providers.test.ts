/** The SMS adapters' requests and readings of answers, without n8n or HTTP. */
import type { Message } from '../../nodes/shared/channel/types';
import { senderCheck } from '../../nodes/Sms/compose';
import { callbackUrl, type SmsContent } from '../../nodes/Sms/content';
import { telnyx } from '../../nodes/Sms/providers/telnyx';
import { twilio } from '../../nodes/Sms/providers/twilio';

const ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
const SERVICE = 'MG0123456789abcdef0123456789abcdef';
const PROFILE = '4001767e-ce0f-4cae-9d5f-0d5e636e7809';

const message = (i: number, from: SmsContent['from'], text = `Hi #${i} https://shop.example/x`): Message<SmsContent> => ({
	itemIndex: i,
	recipient: `+1415555${String(1000 + i)}`,
	key: `key-${i}`,
	content: { text, from },
});

describe('Twilio', () => {
	it('one form-encoded request per message, to the account’s Messages.json', () => {
		const requests = twilio().plan([message(0, { twilio: '+14155550100' }), message(1, { twilio: '+14155550100' })], { accountSid: ACCOUNT });
		expect(requests.map((request) => request.messages.map((m) => m.itemIndex))).toEqual([[0], [1]]);
		const http = requests[1].http();
		expect(http).toEqual({
			method: 'POST',
			url: `/2010-04-01/Accounts/${ACCOUNT}/Messages.json`,
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: 'To=%2B14155551001&From=%2B14155550100&Body=Hi+%231+https%3A%2F%2Fshop.example%2Fx',
		});
	});

	it('a Messaging Service SID goes as MessagingServiceSid, and the status callback carries the idempotency key', () => {
		const http = twilio({ statusCallback: 'https://n8n.example/webhook/twilio?x=1' }).plan([message(0, { twilio: SERVICE })], { accountSid: ACCOUNT })[0].http();
		expect([...new URLSearchParams(http.body as string)]).toEqual([
			['To', '+14155551000'],
			['MessagingServiceSid', SERVICE],
			['Body', 'Hi #0 https://shop.example/x'],
			['StatusCallback', 'https://n8n.example/webhook/twilio?x=1&ck_idempotency_key=key-0'],
		]);
	});

	it('shows where the Account SID goes when Simulate has no credential', () => {
		expect(twilio().plan([message(0, { twilio: '+14155550100' })])[0].http().url).toBe('/2010-04-01/Accounts/{AccountSid}/Messages.json');
	});

	it('reads the message SID, and Twilio’s refusals with their code', () => {
		const provider = twilio();
		const [request] = provider.plan([message(0, { twilio: '+1' })], { accountSid: ACCOUNT });
		expect(provider.results(request, { statusCode: 201, headers: {}, body: { sid: 'SM123', status: 'queued' } })).toEqual([{ ok: true, messageId: 'SM123' }]);
		expect(provider.refusal?.({ statusCode: 400, body: { code: 21610, message: 'Attempt to send to unsubscribed recipient', more_info: 'https://www.twilio.com/docs/errors/21610', status: 400 } })).toBe(
			'Attempt to send to unsubscribed recipient (Twilio error 21610)',
		);
		// A refused credential is not about the contact: the run's error stays about the credential.
		expect(provider.refusal?.({ statusCode: 401, body: { code: 20003, message: 'Authenticate', status: 401 } })).toBeUndefined();
	});
});

describe('Telnyx', () => {
	it('one JSON request per message; a messaging profile ID as sender sends from its number pool', () => {
		const provider = telnyx({ statusCallback: 'https://n8n.example/webhook/telnyx', messagingProfileId: PROFILE });
		const [byNumber, byPool] = provider.plan([message(0, { telnyx: 'BRAND' }), message(1, { telnyx: PROFILE })]);
		expect(byNumber.http()).toEqual({
			method: 'POST',
			url: '/v2/messages',
			body: { from: 'BRAND', messaging_profile_id: PROFILE, to: '+14155551000', text: 'Hi #0 https://shop.example/x', webhook_url: 'https://n8n.example/webhook/telnyx?ck_idempotency_key=key-0' },
		});
		expect(byPool.http().body).toEqual({ messaging_profile_id: PROFILE, to: '+14155551001', text: 'Hi #1 https://shop.example/x', webhook_url: 'https://n8n.example/webhook/telnyx?ck_idempotency_key=key-1' });
	});

	it('reads the message ID and Telnyx’s errors', () => {
		const provider = telnyx();
		const [request] = provider.plan([message(0, { telnyx: '+14155550100' })]);
		expect(provider.results(request, { statusCode: 200, headers: {}, body: { data: { id: 'b0c7e8cb-6227-4c74-9f32-c7f80c30934b' } } })).toEqual([{ ok: true, messageId: 'b0c7e8cb-6227-4c74-9f32-c7f80c30934b' }]);
		expect(provider.refusal?.({ statusCode: 400, body: { errors: [{ code: '40310', title: "Invalid 'to' address", detail: 'The number is not valid.' }] } })).toBe('The number is not valid. (Telnyx error 40310)');
		expect(provider.refusal?.({ statusCode: 401, body: { errors: [{ code: '10009', title: 'Authentication failed' }] } })).toBeUndefined();
	});
});

describe('senders and callbacks', () => {
	it('accepts what each provider sends from, tidies numbers, and says what is wrong', () => {
		expect(senderCheck('twilio', ' +1 (415) 555-0100 ')).toEqual({ ok: true, sender: '+14155550100' });
		expect(senderCheck('twilio', SERVICE)).toEqual({ ok: true, sender: SERVICE });
		expect(senderCheck('twilio', 'BRAND')).toEqual({ ok: true, sender: 'BRAND' });
		expect(senderCheck('twilio', 24680)).toEqual({ ok: true, sender: '24680' });
		expect(senderCheck('telnyx', PROFILE.toUpperCase())).toEqual({ ok: true, sender: PROFILE });
		expect(senderCheck('twilio', '')).toEqual({ ok: false, reason: 'is empty' });
		expect(senderCheck('twilio', 'My Brand Name')).toEqual({ ok: false, reason: expect.stringMatching(/^is not a phone number in E\.164/) });
		expect(senderCheck('telnyx', '+0123')).toEqual({ ok: false, reason: expect.stringMatching(/is not a valid international number/) });
	});

	it('adds the key to a callback URL before its anchor', () => {
		expect(callbackUrl('https://x.example/cb', 'k 1')).toBe('https://x.example/cb?ck_idempotency_key=k%201');
		expect(callbackUrl('https://x.example/cb?a=1#top', 'k')).toBe('https://x.example/cb?a=1&ck_idempotency_key=k#top');
	});
});
