/**
 * Delivery Events Trigger engine: every signature scheme checked against the provider's own
 * library (SendGrid's @sendgrid/eventwebhook with its starkbank-ecdsa signer, Twilio's
 * getExpectedTwilioSignature / validateRequest, Telnyx's TelnyxWebhook) or, where the provider
 * ships none, against the documented algorithm written out here with node:crypto.
 */
import { createHash, createHmac, generateKeyPairSync, sign } from 'node:crypto';

import { EventWebhook } from '@sendgrid/eventwebhook';
import { Ecdsa, PrivateKey } from 'starkbank-ecdsa';
import { TelnyxWebhook } from 'telnyx/lib/webhooks';
import twilioLib from 'twilio';

import { PROVIDERS, type WebhookRequest } from '../../nodes/DeliveryEventsTrigger/engine';

const NOW = Date.parse('2026-11-22T10:00:00Z');
const nowSeconds = String(NOW / 1000);
const options = { toleranceSeconds: 300, now: NOW };

function request(partial: Partial<WebhookRequest> & { body: string }): WebhookRequest {
	const { body, ...rest } = partial;
	return { method: 'POST', url: 'https://hooks.example.com/webhook/abc/delivery-events', headers: {}, query: {}, rawBody: Buffer.from(body), ...rest };
}

/** The same request with one byte of the body changed. */
function flipped(req: WebhookRequest): WebhookRequest {
	const rawBody = Buffer.from(req.rawBody);
	rawBody[Math.floor(rawBody.length / 2)] ^= 0x01;
	return { ...req, rawBody };
}

describe('SendGrid (ECDSA P-256 over timestamp + body)', () => {
	const privateKey = new PrivateKey();
	const publicKey = privateKey.publicKey().toPem().replace(/-----[^-]+-----/g, '').replace(/\s/g, '');
	const body = JSON.stringify([
		{ email: 'ana@example.com', timestamp: 1795341600, event: 'delivered', sg_message_id: 'msg-1.filter0001.123' },
		{ email: 'ana@example.com', timestamp: 1795341660, event: 'open', sg_message_id: 'msg-1.filter0001.124' },
		{ email: 'bo@example.com', timestamp: 1795341700, event: 'bounce', sg_message_id: 'msg-2.filter0001.1' },
		{ email: 'cy@example.com', timestamp: 1795341800, event: 'deferred', sg_message_id: 'msg-3.filter0001.1' },
	]);
	const signed = (timestamp: string, payload = body) =>
		request({
			body: payload,
			headers: {
				'x-twilio-email-event-webhook-signature': Ecdsa.sign(timestamp + payload, privateKey).toBase64(),
				'x-twilio-email-event-webhook-timestamp': timestamp,
			},
		});

	it('accepts what SendGrid’s signer signed, as SendGrid’s own verifier does', () => {
		const req = signed(nowSeconds);
		const lib = new EventWebhook();
		const signature = req.headers['x-twilio-email-event-webhook-signature']!;
		expect(lib.verifySignature(lib.convertPublicKeyToECDSA(publicKey), body, signature, nowSeconds)).toBe(true);
		expect(PROVIDERS.sendgrid.verify(req, { publicKey }, options)).toEqual({ ok: true });
	});

	it('rejects one flipped byte, as SendGrid’s verifier does', () => {
		const bad = flipped(signed(nowSeconds));
		const lib = new EventWebhook();
		const signature = bad.headers['x-twilio-email-event-webhook-signature']!;
		expect(lib.verifySignature(lib.convertPublicKeyToECDSA(publicKey), bad.rawBody.toString(), signature, nowSeconds)).toBe(false);
		expect(PROVIDERS.sendgrid.verify(bad, { publicKey }, options)).toEqual({ ok: false, reason: 'the SendGrid signature does not match the body' });
	});

	it('rejects a missing signature, a stale timestamp and a missing key', () => {
		expect(PROVIDERS.sendgrid.verify(request({ body }), { publicKey }, options).ok).toBe(false);
		const stale = PROVIDERS.sendgrid.verify(signed(String(NOW / 1000 - 301)), { publicKey }, options);
		expect(stale).toEqual({ ok: false, reason: 'the signature timestamp is 301 s from now, outside the 300 s tolerance' });
		expect(PROVIDERS.sendgrid.verify(signed(nowSeconds), {}, options)).toEqual({
			ok: false,
			reason: 'the Delivery Webhook Secrets credential has no Public Verification Key, which SendGrid needs',
		});
	});

	it('normalises each event: type, message id as the send returned it, recipient, time', () => {
		const events = PROVIDERS.sendgrid.normalise(signed(nowSeconds));
		expect(events.map((e) => [e.type, e.providerType, e.messageId, e.recipient, e.timestamp])).toEqual([
			['delivered', 'delivered', 'msg-1', 'ana@example.com', '2026-11-22T10:00:00.000Z'],
			['opened', 'open', 'msg-1', 'ana@example.com', '2026-11-22T10:01:00.000Z'],
			['bounced', 'bounce', 'msg-2', 'bo@example.com', '2026-11-22T10:01:40.000Z'],
			['other', 'deferred', 'msg-3', 'cy@example.com', '2026-11-22T10:03:20.000Z'],
		]);
		expect(events.every((e) => e.provider === 'sendgrid' && e.channel === 'email')).toBe(true);
	});
});

describe('Twilio (HMAC-SHA1 over URL + sorted parameters)', () => {
	const authToken = 'twilio-auth-token-0123456789abcdef';
	const url = 'https://hooks.example.com/webhook/abc/delivery-events';
	const params = { MessageSid: 'SM123', MessageStatus: 'delivered', To: '+15551234567', From: '+15557654321', AccountSid: 'AC1' };
	const form = new URLSearchParams(params).toString();
	const signed = (signature: string) =>
		request({ body: form, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature } });

	it('accepts what Twilio’s library signs, and Twilio’s validator agrees', () => {
		const signature = twilioLib.getExpectedTwilioSignature(authToken, url, params);
		expect(twilioLib.validateRequest(authToken, signature, url, params)).toBe(true);
		expect(PROVIDERS.twilio.verify(signed(signature), { signingSecret: authToken }, options)).toEqual({ ok: true });
	});

	it('accepts a URL signed with the explicit default port, as Twilio’s validator does', () => {
		const signature = twilioLib.getExpectedTwilioSignature(authToken, 'https://hooks.example.com:443/webhook/abc/delivery-events', params);
		expect(twilioLib.validateRequest(authToken, signature, url, params)).toBe(true);
		expect(PROVIDERS.twilio.verify(signed(signature), { signingSecret: authToken }, options).ok).toBe(true);
	});

	it('rejects one flipped byte and a wrong token, as Twilio’s validator does', () => {
		const signature = twilioLib.getExpectedTwilioSignature(authToken, url, params);
		const bad = flipped(signed(signature));
		const badParams = Object.fromEntries(new URLSearchParams(bad.rawBody.toString()));
		expect(twilioLib.validateRequest(authToken, signature, url, badParams)).toBe(false);
		expect(PROVIDERS.twilio.verify(bad, { signingSecret: authToken }, options).ok).toBe(false);
		expect(PROVIDERS.twilio.verify(signed(signature), { signingSecret: 'another-token-0123456789' }, options).ok).toBe(false);
	});

	it('checks a JSON body against the signed bodySHA256', () => {
		const json = JSON.stringify({ MessageSid: 'SM9', MessageStatus: 'failed' });
		const signedUrl = `${url}?bodySHA256=${createHash('sha256').update(json).digest('hex')}`;
		const signature = twilioLib.getExpectedTwilioSignature(authToken, signedUrl, {});
		expect(twilioLib.validateRequestWithBody(authToken, signature, signedUrl, json)).toBe(true);
		const req = request({ body: json, url: signedUrl, headers: { 'content-type': 'application/json', 'x-twilio-signature': signature } });
		expect(PROVIDERS.twilio.verify(req, { signingSecret: authToken }, options)).toEqual({ ok: true });
		expect(PROVIDERS.twilio.verify(flipped(req), { signingSecret: authToken }, options)).toEqual({
			ok: false,
			reason: 'the body does not match the signed bodySHA256',
		});
	});

	it('normalises a status callback', () => {
		const [event] = PROVIDERS.twilio.normalise(signed('x'));
		expect(event).toMatchObject({ provider: 'twilio', channel: 'sms', type: 'delivered', messageId: 'SM123', recipient: '+15551234567' });
	});
});

describe('Telnyx (Ed25519 over "timestamp|body", 300 s tolerance)', () => {
	const { publicKey, privateKey } = generateKeyPairSync('ed25519');
	// The raw 32-byte key is the tail of its SPKI DER form; Telnyx shows it base64-encoded.
	const publicKeyB64 = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64');
	const body = JSON.stringify({
		data: {
			event_type: 'message.finalized',
			occurred_at: '2026-11-22T09:59:58.000+00:00',
			payload: { id: 'msg-telnyx-1', to: [{ phone_number: '+15551230000', status: 'delivered' }, { phone_number: '+15551230001', status: 'delivery_failed' }] },
		},
	});
	const signed = (timestamp: string, payload = body) =>
		request({
			body: payload,
			headers: {
				'telnyx-timestamp': timestamp,
				'telnyx-signature-ed25519': sign(null, Buffer.from(`${timestamp}|${payload}`), privateKey).toString('base64'),
			},
		});

	it('accepts a correctly signed event, and Telnyx’s SDK verifier agrees', async () => {
		const now = String(Math.floor(Date.now() / 1000));
		const req = signed(now);
		await expect(new TelnyxWebhook(publicKeyB64).verify(body, req.headers as Record<string, string>)).resolves.toBeUndefined();
		expect(PROVIDERS.telnyx.verify(req, { publicKey: publicKeyB64 }, { toleranceSeconds: 300, now: Date.now() })).toEqual({ ok: true });
	});

	it('rejects one flipped byte and a timestamp past the tolerance, as Telnyx’s SDK does', async () => {
		const now = String(Math.floor(Date.now() / 1000));
		const bad = flipped(signed(now));
		await expect(new TelnyxWebhook(publicKeyB64).verify(bad.rawBody.toString(), bad.headers as Record<string, string>)).rejects.toThrow();
		expect(PROVIDERS.telnyx.verify(bad, { publicKey: publicKeyB64 }, { toleranceSeconds: 300, now: Date.now() }).ok).toBe(false);

		const old = String(Math.floor(Date.now() / 1000) - 301);
		const stale = signed(old);
		await expect(new TelnyxWebhook(publicKeyB64).verify(body, stale.headers as Record<string, string>)).rejects.toThrow(/too old/);
		expect(PROVIDERS.telnyx.verify(stale, { publicKey: publicKeyB64 }, { toleranceSeconds: 300, now: Date.now() }).ok).toBe(false);
	});

	it('normalises one event per recipient', () => {
		const events = PROVIDERS.telnyx.normalise(signed(nowSeconds));
		expect(events.map((e) => [e.type, e.recipient, e.messageId, e.timestamp])).toEqual([
			['delivered', '+15551230000', 'msg-telnyx-1', '2026-11-22T09:59:58.000Z'],
			['failed', '+15551230001', 'msg-telnyx-1', '2026-11-22T09:59:58.000Z'],
		]);
	});
});

describe('Kit (HMAC-SHA256 of "t.body", X-Kit-Signature)', () => {
	const secret = 'kit-webhook-secret-123456';
	const body = JSON.stringify({ subscriber: { id: 7, email_address: 'dee@example.com' } });
	const header = (t: string, payload = body) => `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${payload}`).digest('hex')}`;

	it('accepts the documented signature, rejects a flipped byte and a stale one', () => {
		const req = request({ body, headers: { 'x-kit-signature': header(nowSeconds) }, query: { event: 'subscriber.subscriber_unsubscribe' } });
		expect(PROVIDERS.kit.verify(req, { signingSecret: secret }, options)).toEqual({ ok: true });
		expect(PROVIDERS.kit.verify(flipped(req), { signingSecret: secret }, options).ok).toBe(false);
		const stale = request({ body, headers: { 'x-kit-signature': header(String(NOW / 1000 - 600)) } });
		expect(PROVIDERS.kit.verify(stale, { signingSecret: secret }, options).ok).toBe(false);
		expect(PROVIDERS.kit.normalise(req)[0]).toMatchObject({ type: 'unsubscribed', recipient: 'dee@example.com', channel: 'email' });
	});
});

describe('Meta (X-Hub-Signature-256)', () => {
	const appSecret = 'meta-app-secret-abcdef';
	const body = JSON.stringify({
		object: 'whatsapp_business_account',
		entry: [{ changes: [{ value: { statuses: [{ id: 'wamid.1', status: 'read', timestamp: '1795341600', recipient_id: '15551234567' }] } }] }],
	});
	const signature = `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;

	it('accepts the documented signature and rejects a flipped byte', () => {
		const req = request({ body, headers: { 'x-hub-signature-256': signature } });
		expect(PROVIDERS.meta.verify(req, { signingSecret: appSecret }, options)).toEqual({ ok: true });
		expect(PROVIDERS.meta.verify(flipped(req), { signingSecret: appSecret }, options).ok).toBe(false);
		expect(PROVIDERS.meta.normalise(req)).toEqual([
			expect.objectContaining({ type: 'opened', providerType: 'read', messageId: 'wamid.1', timestamp: '2026-11-22T10:00:00.000Z' }),
		]);
	});
});

describe('Postmark (Basic auth) and Mailchimp (URL secret)', () => {
	it('Postmark: accepts the right user and password, nothing else', () => {
		const body = JSON.stringify({ RecordType: 'Bounce', MessageID: 'pm-1', Email: 'eve@example.com', BouncedAt: '2026-11-22T09:00:00Z' });
		const auth = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
		const secrets = { username: 'hooks', password: 'long-random-password' };
		expect(PROVIDERS.postmark.verify(request({ body, headers: { authorization: auth('hooks', 'long-random-password') } }), secrets, options).ok).toBe(true);
		expect(PROVIDERS.postmark.verify(request({ body, headers: { authorization: auth('hooks', 'wrong') } }), secrets, options).ok).toBe(false);
		expect(PROVIDERS.postmark.verify(request({ body }), secrets, options).ok).toBe(false);
		expect(PROVIDERS.postmark.normalise(request({ body }))[0]).toMatchObject({ type: 'bounced', messageId: 'pm-1', recipient: 'eve@example.com' });
	});

	it('Mailchimp: accepts the URL secret, reads an abuse clean as a complaint', () => {
		const body = new URLSearchParams({ type: 'cleaned', fired_at: '2026-11-22 09:30:00', 'data[email]': 'fay@example.com', 'data[reason]': 'abuse' }).toString();
		expect(PROVIDERS.mailchimp.verify(request({ body, query: { secret: 's3cret-value' } }), { signingSecret: 's3cret-value' }, options).ok).toBe(true);
		expect(PROVIDERS.mailchimp.verify(request({ body, query: { secret: 'guess' } }), { signingSecret: 's3cret-value' }, options).ok).toBe(false);
		expect(PROVIDERS.mailchimp.normalise(request({ body }))[0]).toMatchObject({
			type: 'complained',
			recipient: 'fay@example.com',
			timestamp: '2026-11-22T09:30:00.000Z',
		});
	});
});
