/** The Push adapters' requests and readings of answers, without n8n or HTTP. */
import { pushRecipient } from '../../nodes/Push/compose';
import type { PushContent } from '../../nodes/Push/content';
import { fcm, UNREGISTERED_REASON } from '../../nodes/Push/providers/fcm';
import { ONESIGNAL_MAX_TARGETS, oneSignal, oneSignalIdempotencyKey } from '../../nodes/Push/providers/onesignal';
import type { Message } from '../../nodes/shared/channel/types';

const push = (i: number, content: Partial<PushContent> = {}, recipient = `sub-${i}`): Message<PushContent> => ({
	itemIndex: i,
	recipient,
	key: `key-${i}`,
	content: { target: 'subscription', title: 'Sale', body: 'Half price today', ...content },
});

const FCM_CREDENTIALS = { format: 'fields', projectId: 'shop-app-4821', clientEmail: 'x@y.iam.gserviceaccount.com', privateKey: 'unchecked here' };

describe('Firebase Cloud Messaging', () => {
	it('one request per device to the project’s messages:send, data as strings, the link for web push', () => {
		const provider = fcm();
		const requests = provider.plan(
			[push(0, { target: 'token', data: { orderId: 42, screen: 'cart', flags: { a: true } }, url: 'https://shop.example/cart?utm_medium=push' }, 'tok-0'), push(1, { target: 'topic' }, 'spring-sale')],
			FCM_CREDENTIALS,
		);
		expect(requests).toHaveLength(2);
		expect(requests[0].http()).toEqual({
			method: 'POST',
			url: '/v1/projects/shop-app-4821/messages:send',
			body: {
				message: {
					token: 'tok-0',
					notification: { title: 'Sale', body: 'Half price today' },
					data: { orderId: '42', screen: 'cart', flags: '{"a":true}', link: 'https://shop.example/cart?utm_medium=push', ck_idempotency_key: 'key-0' },
					webpush: { fcm_options: { link: 'https://shop.example/cart?utm_medium=push' } },
				},
			},
		});
		expect(requests[1].http().body).toEqual({ message: { topic: 'spring-sale', notification: { title: 'Sale', body: 'Half price today' }, data: { ck_idempotency_key: 'key-1' } } });
		expect(provider.plan([push(0, { target: 'token' })])[0].http().url).toBe('/v1/projects/{project_id}/messages:send');
	});

	it('an UNREGISTERED token fails with what to do; other refusals keep Firebase’s words; our own token’s 401 is not about the contact', () => {
		const provider = fcm();
		const unregistered = { error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND', details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: 'UNREGISTERED' }] } };
		expect(provider.refusal?.({ statusCode: 404, body: unregistered })).toBe(UNREGISTERED_REASON);
		expect(UNREGISTERED_REASON).toBe('token no longer registered: remove it');
		const invalid = { error: { code: 400, message: 'The registration token is not a valid FCM registration token', status: 'INVALID_ARGUMENT', details: [{ errorCode: 'INVALID_ARGUMENT' }] } };
		expect(provider.refusal?.({ statusCode: 400, body: invalid })).toBe('The registration token is not a valid FCM registration token (Firebase INVALID_ARGUMENT)');
		expect(provider.refusal?.({ statusCode: 401, body: { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } } })).toBeUndefined();
	});

	it('reads the message name, and the token endpoint’s answer into a Bearer header with its expiry', () => {
		const provider = fcm();
		const [request] = provider.plan([push(0, { target: 'token' })], FCM_CREDENTIALS);
		expect(provider.results(request, { statusCode: 200, headers: {}, body: { name: 'projects/p/messages/0:1' } })).toEqual([{ ok: true, messageId: 'projects/p/messages/0:1' }]);
		expect(provider.session?.read({ statusCode: 200, headers: {}, body: { access_token: 'ya29.abc', expires_in: 3599, token_type: 'Bearer' } }, 1_000)).toEqual({
			headers: { Authorization: 'Bearer ya29.abc' },
			expiresAt: 1_000 + 3_599_000,
		});
		expect(() => provider.session?.read({ statusCode: 200, headers: {}, body: {} }, 0)).toThrow(/without an access_token/);
	});
});

describe('OneSignal', () => {
	it('shares a call among recipients of the same notification, at most 2,000 each', () => {
		const messages = [...Array.from({ length: 4500 }, (_, i) => push(i)), push(4500, { body: 'Other text' })];
		const requests = oneSignal().plan(messages, { appId: 'app-1' });
		expect(requests.map((request) => request.messages.length)).toEqual([2000, 2000, 500, 1]);
		expect(ONESIGNAL_MAX_TARGETS).toBe(2000);
		const body = requests[2].http().body as Record<string, unknown>;
		expect(body).toEqual({
			app_id: 'app-1',
			include_subscription_ids: messages.slice(4000, 4500).map((m) => m.recipient),
			headings: { en: 'Sale' },
			contents: { en: 'Half price today' },
			idempotency_key: oneSignalIdempotencyKey(messages.slice(4000, 4500).map((m) => m.key)),
		});
		// Simulate shows each contact alone, with the call's own key.
		expect(requests[2].http(3).body).toMatchObject({ include_subscription_ids: ['sub-4003'], idempotency_key: body.idempotency_key });
	});

	it('targets users by External ID through include_aliases on the push channel', () => {
		const body = oneSignal().plan([push(0, { target: 'externalId', url: 'https://x.example/' }, 'user-7')], { appId: 'app-1' })[0].http().body;
		expect(body).toMatchObject({ include_aliases: { external_id: ['user-7'] }, target_channel: 'push', url: 'https://x.example/' });
	});

	it('derives a v4-shaped UUID from the messages’ keys: the same messages give the same key in any order; a salt changes it', () => {
		const key = oneSignalIdempotencyKey(['b', 'a', 'c']);
		expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		expect(oneSignalIdempotencyKey(['c', 'a', 'b'])).toBe(key);
		expect(oneSignalIdempotencyKey(['a', 'b'])).not.toBe(key);
		expect(oneSignalIdempotencyKey(['b', 'a', 'c'], 'again:42')).not.toBe(key);
	});

	it('reads the notification ID; recipients listed as invalid fail; no ID means nobody got it', () => {
		const provider = oneSignal();
		const [request] = provider.plan([push(0), push(1), push(2)], { appId: 'app-1' });
		expect(provider.results(request, { statusCode: 200, headers: {}, body: { id: 'n-1', errors: { invalid_player_ids: ['sub-1'] } } })).toEqual([
			{ ok: true, messageId: 'n-1' },
			{ ok: false, reason: 'not a subscribed OneSignal recipient: OneSignal listed it as invalid', fallback: false },
			{ ok: true, messageId: 'n-1' },
		]);
		const aliases = provider.plan([push(0, { target: 'externalId' }, 'u0'), push(1, { target: 'externalId' }, 'u1')], { appId: 'a' })[0];
		expect(provider.results(aliases, { statusCode: 200, headers: {}, body: { id: 'n-2', errors: { invalid_aliases: { external_id: ['u0'] } } } }).map((r) => r.ok)).toEqual([false, true]);
		expect(provider.results(request, { statusCode: 200, headers: {}, body: { id: '', errors: ['All included players are not subscribed'] } })[0]).toEqual({
			ok: false,
			reason: 'OneSignal created no notification: All included players are not subscribed',
			fallback: false,
		});
		expect(provider.deduplicates).toBe(true);
	});
});

describe('push recipients', () => {
	it('a token, topic, subscription or External ID being there is the check', () => {
		expect(pushRecipient('token', ' fcm-token-abc:APA91b ')).toEqual({ ok: true, address: 'fcm-token-abc:APA91b', key: 'token:fcm-token-abc:APA91b' });
		expect(pushRecipient('token', '')).toEqual({ ok: false, reason: 'no push token' });
		expect(pushRecipient('token', null)).toEqual({ ok: false, reason: 'no push token' });
		expect(pushRecipient('token', 'a b')).toEqual({ ok: false, reason: 'the push token contains a space' });
		expect(pushRecipient('topic', '/topics/spring-sale')).toEqual({ ok: true, address: 'spring-sale', key: 'topic:spring-sale' });
		expect(pushRecipient('topic', 'spring sale')).toEqual({ ok: false, reason: '"spring sale" is not a topic name (letters, digits and - _ . ~ % only)' });
		expect(pushRecipient('subscription', 'ABC-1')).toEqual({ ok: true, address: 'ABC-1', key: 'subscription:abc-1' });
		expect(pushRecipient('externalId', 'Ann Smith 7')).toEqual({ ok: true, address: 'Ann Smith 7', key: 'externalId:Ann Smith 7' });
	});
});
