/**
 * The Marketing Event Trigger's engine: snake_case → camelCase, validation, channel grouping (the
 * shared default table), IP anonymisation, in-request de-duplication, request shapes and the
 * shared-secret / HMAC checks.
 */
import { createHmac } from 'node:crypto';

import { anonymiseIp, formatIpv6, parseIpv6 } from '../../nodes/MarketingEventTrigger/engine/ip';
import { canonicalJson, derivedEventId, ingest, validateEvent, type IngestSettings } from '../../nodes/MarketingEventTrigger/engine/ingest';
import { camelCase, normaliseEvent } from '../../nodes/MarketingEventTrigger/engine/normalise';
import { eventsOfRequest } from '../../nodes/MarketingEventTrigger/engine/request';
import { checkHmac, checkSharedSecret, sameSecret } from '../../nodes/MarketingEventTrigger/engine/signature';
import { CHANNELS, compileRules, groupChannel, hostOf, isSearchSource, isSocialSource } from '../../nodes/shared/channelGrouping';

const settings: IngestSettings = { ip: 'anonymise', grouping: {}, requireEventId: false };

const event = (extra: Record<string, unknown> = {}) => ({
	eventId: 'e1',
	eventType: 'page',
	userId: 'u1',
	timestamp: '2024-05-01T10:00:00+02:00',
	...extra,
});

describe('snake_case → camelCase', () => {
	it('converts the event and its context, leaves properties and traits as sent', () => {
		const out = normaliseEvent({
			event_id: 'e1',
			event_type: 'purchase',
			user_id: 'u1',
			anonymous_id: 'a1',
			session_id: 's1',
			timestamp: '2024-05-01T10:00:00Z',
			properties: { order_id: 'o1', line_items: [{ unit_price: 3 }] },
			traits: { first_name: 'Ada' },
			context: {
				page: { url: 'https://shop.example.com/', referrer: 'https://www.google.com/' },
				device: { type: 'mobile' },
				campaign: { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'may' },
			},
		});
		expect(out).toEqual({
			eventId: 'e1',
			eventType: 'purchase',
			userId: 'u1',
			anonymousId: 'a1',
			sessionId: 's1',
			timestamp: '2024-05-01T10:00:00Z',
			properties: { order_id: 'o1', line_items: [{ unit_price: 3 }] },
			traits: { first_name: 'Ada' },
			context: {
				page: { url: 'https://shop.example.com/', referrer: 'https://www.google.com/' },
				device: { type: 'mobile' },
				campaign: { source: 'newsletter', medium: 'email', campaign: 'may' },
			},
		});
	});

	it('keeps the camelCase name when both forms are sent; reads UTM tags from the page URL', () => {
		expect(normaliseEvent({ eventType: 'a', event_type: 'b' })).toEqual({ eventType: 'a' });
		expect(camelCase('user_id')).toBe('userId');
		expect(camelCase('eventId')).toBe('eventId');
		const out = normaliseEvent({ context: { page: { url: 'https://x.io/?utm_source=FB&utm_medium=paid_social&utm_campaign=Spring' } } }) as {
			context: { campaign: unknown };
		};
		expect(out.context.campaign).toEqual({ source: 'FB', medium: 'paid_social', campaign: 'Spring' });
	});
});

describe('validation', () => {
	it.each([
		['not an object', 'hello', 'event'],
		['a list', [1], 'event'],
		['no eventType', { userId: 'u', timestamp: '2024-05-01T00:00:00Z' }, 'eventType'],
		['eventType not text', { eventType: 5, userId: 'u', timestamp: '2024-05-01T00:00:00Z' }, 'eventType'],
		['no timestamp', { eventType: 'page', userId: 'u' }, 'timestamp'],
		['unreadable timestamp', { eventType: 'page', userId: 'u', timestamp: 'yesterday' }, 'timestamp'],
		['no user', { eventType: 'page', timestamp: '2024-05-01T00:00:00Z' }, 'userId'],
		['blank user', { eventType: 'page', userId: '  ', timestamp: '2024-05-01T00:00:00Z' }, 'userId'],
		['user not text', { eventType: 'page', userId: { id: 1 }, timestamp: '2024-05-01T00:00:00Z' }, 'userId'],
		['properties not an object', { eventType: 'page', userId: 'u', timestamp: '2024-05-01T00:00:00Z', properties: 'x' }, 'properties'],
		['eventId not text', { eventType: 'page', userId: 'u', timestamp: '2024-05-01T00:00:00Z', eventId: true }, 'eventId'],
	])('rejects an event with %s', (_, raw, field) => {
		expect(validateEvent(raw)?.field).toBe(field);
	});

	it('accepts anonymousId alone, epoch milliseconds, and numbers as ids', () => {
		expect(validateEvent({ eventType: 'page', anonymousId: 'a', timestamp: 1714557600000 })).toBeUndefined();
		expect(validateEvent({ eventType: 'page', userId: 42, timestamp: '2024-05-01T00:00:00Z', eventId: 7 })).toBeUndefined();
		expect(validateEvent({ eventType: 'page', userId: 'u', timestamp: '2024-05-01T00:00:00Z' }, true)?.field).toBe('eventId');
	});
});

describe('channel grouping (nodes/shared/channels.ts, like GA4)', () => {
	it.each([
		[{ source: 'google', medium: 'cpc' }, CHANNELS.paidSearch],
		[{ source: 'bing', medium: 'ppc' }, CHANNELS.paidSearch],
		[{ source: 'newsletter', medium: 'cpc' }, CHANNELS.paidSearch],
		[{ source: 'facebook', medium: 'cpc' }, CHANNELS.paidSocial],
		[{ source: 'ig', medium: 'paid' }, CHANNELS.paidSocial],
		[{ source: 'anything', medium: 'paid_social' }, CHANNELS.paidSocial],
		[{ source: 'linkedin', medium: 'social' }, CHANNELS.organicSocial],
		[{ source: 't.co', medium: '' }, CHANNELS.organicSocial],
		[{ source: 'google', medium: 'organic' }, CHANNELS.organicSearch],
		[{ source: 'duckduckgo', medium: 'referral' }, CHANNELS.organicSearch],
		[{ source: 'brevo', medium: 'email' }, CHANNELS.email],
		[{ source: 'Newsletter', medium: 'E-Mail' }, CHANNELS.email],
		[{ source: 'twilio', medium: 'sms' }, CHANNELS.sms],
		[{ source: 'firebase', medium: 'notification' }, CHANNELS.push],
		[{ source: 'onesignal', medium: 'web-push' }, CHANNELS.push],
		[{ source: 'blog.partner.com', medium: 'referral' }, CHANNELS.referral],
		[{ source: '(direct)', medium: '(none)' }, CHANNELS.direct],
		[{ source: 'awin', medium: 'affiliate' }, CHANNELS.affiliate],
		[{ source: 'dv360', medium: 'display' }, CHANNELS.display],
		[{ source: 'gdn', medium: 'cpm' }, CHANNELS.display],
		[{ source: 'mystery', medium: 'carrier-pigeon' }, CHANNELS.other],
	])('tags %p → %s', (traffic, channel) => {
		expect(groupChannel(traffic).channel).toBe(channel);
	});

	it.each([
		[{ referrer: 'https://www.google.co.uk/search?q=x' }, CHANNELS.organicSearch, 'referrer'],
		[{ referrer: 'https://l.facebook.com/l.php' }, CHANNELS.organicSocial, 'referrer'],
		[{ referrer: 'https://x.com/someone' }, CHANNELS.organicSocial, 'referrer'],
		[{ referrer: 'https://news.ycombinator.com/item?id=1' }, CHANNELS.referral, 'referrer'],
		[{ referrer: 'https://ig.example.com/' }, CHANNELS.referral, 'referrer'],
		[{ pageUrl: 'https://shop.example.com/?gclid=abc' }, CHANNELS.paidSearch, 'clickId'],
		[{ pageUrl: 'https://shop.example.com/?msclkid=abc' }, CHANNELS.paidSearch, 'clickId'],
		[{ pageUrl: 'https://shop.example.com/?utm_source=google&utm_medium=cpc', referrer: 'https://www.google.com' }, CHANNELS.paidSearch, 'utm'],
		[{}, CHANNELS.direct, 'none'],
	])('untagged %p → %s (%s)', (traffic, channel, basis) => {
		const decision = groupChannel(traffic);
		expect(decision.channel).toBe(channel);
		expect(decision.basis).toBe(basis);
	});

	it('a referral from one of the site\'s own domains is Direct', () => {
		expect(groupChannel({ referrer: 'https://checkout.example.com/cart' }, { internalHosts: ['example.com'] }).channel).toBe(CHANNELS.direct);
		expect(groupChannel({ referrer: 'https://notexample.com/' }, { internalHosts: ['example.com'] }).channel).toBe(CHANNELS.referral);
	});

	it('the marketer\'s rules come first (whole value, any case); defaults can be switched off', () => {
		const rules = compileRules([
			{ channel: 'Podcast', medium: 'audio|podcast' },
			{ channel: 'Partners', referrer: '(.*\\.)?partner\\.com' },
			{ channel: 'Brand Search', source: 'google', medium: 'cpc', campaign: 'brand-.*' },
		]);
		expect(groupChannel({ source: 'spotify', medium: 'Podcast' }, { rules }).channel).toBe('Podcast');
		expect(groupChannel({ source: 'spotify', medium: 'podcasts' }, { rules }).channel).toBe(CHANNELS.other);
		expect(groupChannel({ referrer: 'https://blog.partner.com/x' }, { rules }).channel).toBe('Partners');
		expect(groupChannel({ source: 'google', medium: 'cpc', campaign: 'Brand-Shoes' }, { rules }).channel).toBe('Brand Search');
		expect(groupChannel({ source: 'google', medium: 'cpc', campaign: 'generic' }, { rules }).channel).toBe(CHANNELS.paidSearch);
		expect(groupChannel({ source: 'google', medium: 'cpc' }, { rules, useDefaults: false }).channel).toBe(CHANNELS.other);
		expect(() => compileRules([{ channel: 'X', source: '(' }])).toThrow('channel rule 1 (X): source "(" is not a valid pattern');
		expect(() => compileRules([{ channel: ' ', source: 'a' }])).toThrow('has no channel name');
	});

	it('hosts and source lists', () => {
		expect(hostOf('https://user@www.Example.com:8080/x')).toBe('example.com');
		expect(hostOf('www.google.com')).toBe('google.com');
		expect(isSearchSource('google.de')).toBe(true);
		expect(isSocialSource('vk.com')).toBe(true);
		expect(isSocialSource('fb.example.org')).toBe(false);
		expect(isSocialSource('fb')).toBe(true);
	});
});

describe('IP anonymisation', () => {
	it.each([
		['203.0.113.57', '203.0.113.0'],
		['10.0.0.255', '10.0.0.0'],
		['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3::'],
		['2001:0DB8:0001:0002::1', '2001:db8:1::'],
		['::1', '::'],
		['fe80::1%eth0', 'fe80::'],
		['[2001:db8:aa:bb::1]', '2001:db8:aa::'],
		['::ffff:203.0.113.57', '::ffff:203.0.113.0'],
		['1:2:3:4:5:6:1.2.3.4', '1:2:3::'],
	])('%s → %s', (ip, anonymised) => {
		expect(anonymiseIp(ip)).toBe(anonymised);
	});

	it.each(['1.2.3', '256.1.1.1', '01.2.3.4', '2001:db8::1::2', '1:2:3:4:5:6:7:8:9', 'abc', '', 42])('refuses %p (null: not kept)', (ip) => {
		expect(anonymiseIp(ip)).toBeNull();
	});

	it('parses and prints IPv6 as RFC 5952 does', () => {
		expect(parseIpv6('::1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0, 0x102, 0x304]);
		expect(formatIpv6([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1])).toBe('2001:db8::1:0:0:1');
		expect(formatIpv6([1, 0, 2, 0, 3, 0, 4, 0])).toBe('1:0:2:0:3:0:4:0');
	});
});

describe('ingest', () => {
	it('accepts, normalises, derives the channel and anonymises IPs; rejects with field and reason', () => {
		const result = ingest(
			[
				{
					event_id: 'e1',
					event_type: 'page',
					user_id: 'u1',
					timestamp: '2024-05-01T10:00:00+02:00',
					ip: '203.0.113.57',
					context: { ip: '2001:db8:85a3:8d3:1319:8a2e:370:7348', campaign: { source: 'google', medium: 'cpc', campaign: 'spring' } },
				},
				{ eventType: 'page', userId: 'u2', timestamp: 'soon' },
				{ eventId: 'e3', eventType: 'purchase', anonymousId: 'a3', timestamp: 1714557600000, properties: { value: 20 } },
			],
			{ ...settings, receivedAt: '2024-05-01T10:00:01.000Z' },
		);
		expect(result.response).toEqual({
			received: 3,
			accepted: 2,
			rejected: 1,
			duplicates: 0,
			rejections: [{ index: 1, eventId: null, field: 'timestamp', reason: 'timestamp "soon" is not ISO 8601 (e.g. 2024-05-01T09:30:00Z) or epoch milliseconds' }],
		});
		expect(result.accepted[0]).toEqual({
			eventId: 'e1',
			eventType: 'page',
			userId: 'u1',
			timestamp: '2024-05-01T08:00:00.000Z',
			ip: '203.0.113.0',
			context: { ip: '2001:db8:85a3::', campaign: { source: 'google', medium: 'cpc', campaign: 'spring' } },
			channel: CHANNELS.paidSearch,
			receivedAt: '2024-05-01T10:00:01.000Z',
		});
		expect(result.accepted[1]).toMatchObject({ eventId: 'e3', anonymousId: 'a3', channel: CHANNELS.direct, timestamp: '2024-05-01T10:00:00.000Z' });
		expect(result.rejected[0].event).toEqual({ eventType: 'page', userId: 'u2', timestamp: 'soon' });
	});

	it('drops a repeated eventId within a request, keeping the first, and says so', () => {
		const result = ingest([event({ eventId: 'x' }), event({ eventId: 'y' }), event({ eventId: 'x', eventType: 'other' })], settings);
		expect(result.accepted.map((e) => e.eventId)).toEqual(['x', 'y']);
		expect(result.response).toMatchObject({ accepted: 2, rejected: 1, duplicates: 1 });
		expect(result.response.rejections[0]).toEqual({ index: 2, eventId: 'x', field: 'eventId', reason: 'duplicate eventId: the same as event 0 of this request' });
	});

	it('gives an event without an eventId one made from its content: the same event, the same id', () => {
		const a = ingest([{ eventType: 'page', userId: 'u', timestamp: '2024-05-01T00:00:00Z' }], { ...settings, receivedAt: 'now' });
		const b = ingest([{ timestamp: '2024-05-01T00:00:00Z', userId: 'u', eventType: 'page' }], { ...settings, receivedAt: 'later' });
		expect(a.accepted[0].eventId).toMatch(/^evt_[0-9a-f]{32}$/);
		expect(a.accepted[0].eventId).toBe(b.accepted[0].eventId);
		const twice = ingest([{ eventType: 'page', userId: 'u', timestamp: '2024-05-01T00:00:00Z' }, { eventType: 'page', userId: 'u', timestamp: '2024-05-01T00:00:00Z' }], settings);
		expect(twice.response.duplicates).toBe(1);
		expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
		expect(derivedEventId({ a: 1 })).toBe(derivedEventId({ a: 1, z: undefined }));
	});

	it('keeps or removes IPs when told to; keeps a channel the sender set', () => {
		const keep = ingest([event({ ip: '203.0.113.57' })], { ...settings, ip: 'keep' });
		expect(keep.accepted[0].ip).toBe('203.0.113.57');
		const remove = ingest([event({ ip: '203.0.113.57', context: { ip: '::1' } })], { ...settings, ip: 'remove' });
		expect(remove.accepted[0]).not.toHaveProperty('ip');
		expect(remove.accepted[0].context).toEqual({});
		expect(ingest([event({ ip: 'garbage' })], settings).accepted[0].ip).toBeNull();
		expect(ingest([event({ channel: 'Podcast' })], settings).accepted[0].channel).toBe('Podcast');
	});

	it('every event comes out exactly once: accepted + rejected = received', () => {
		const raws = [event({ eventId: 'a' }), null, event({ eventId: 'a' }), 'x', event({ eventId: 'b', userId: undefined }), event({ eventId: 'c' })];
		const result = ingest(raws, settings);
		expect(result.accepted.length + result.rejected.length).toBe(raws.length);
		expect(result.rejected.map((r) => r.index).sort()).toEqual([1, 2, 3, 4]);
	});
});

describe('request shapes', () => {
	it('one event, a batch, a bare list; refuses empty, malformed and oversized requests', () => {
		expect(eventsOfRequest(event())).toEqual({ events: [event()], batch: false });
		expect(eventsOfRequest({ batch: [event(), event()] })).toMatchObject({ batch: true });
		expect(eventsOfRequest([event()])).toMatchObject({ batch: true, events: [event()] });
		expect(eventsOfRequest({})).toMatchObject({ status: 400 });
		expect(eventsOfRequest('text')).toMatchObject({ status: 400 });
		expect(eventsOfRequest({ batch: 'x' })).toMatchObject({ status: 400 });
		expect(eventsOfRequest({ batch: [] })).toEqual({ status: 400, error: 'The batch is empty' });
		expect(eventsOfRequest({ batch: new Array(1001).fill(event()) })).toMatchObject({ status: 413 });
		expect(eventsOfRequest({ batch: new Array(1000).fill(event()) })).toMatchObject({ batch: true });
		expect(eventsOfRequest({ batch: new Array(11).fill(event()) }, 10)).toMatchObject({ status: 413 });
		// JSON as text (sendBeacon's text/plain).
		expect(eventsOfRequest(JSON.stringify({ batch: [event()] }))).toMatchObject({ batch: true, events: [event()] });
		expect(eventsOfRequest('{"oops"')).toMatchObject({ status: 400, error: expect.stringMatching(/^The body is not JSON/) });
		expect(eventsOfRequest('')).toMatchObject({ status: 400 });
	});
});

describe('shared secret and HMAC', () => {
	const body = JSON.stringify({ batch: [event()] });
	const NOW = Date.parse('2026-11-22T10:00:00Z');
	const T = String(NOW / 1000);
	// Signed content: "<timestamp>.<raw body>", the timestamp in epoch seconds (as Stripe and Kit sign).
	const sign = (algorithm: string, encoding: 'hex' | 'base64', secret = 's3cret', t = T, payload = body) =>
		createHmac(algorithm, secret).update(`${t}.${payload}`).digest(encoding);
	const timed = (t: string | undefined = T) => ({ timestampHeader: 'X-Signature-Timestamp', timestamp: t, toleranceSeconds: 300, now: NOW });

	it('compares secrets in constant time and by length', () => {
		expect(sameSecret('abc', 'abc')).toBe(true);
		expect(sameSecret('abc', 'abd')).toBe(false);
		expect(sameSecret('abc', 'abcd')).toBe(false);
		expect(checkSharedSecret('s3cret', 's3cret', 'X-Api-Key')).toEqual({ ok: true });
		expect(checkSharedSecret(undefined, 's3cret', 'X-Api-Key')).toEqual({ ok: false, reason: 'the X-Api-Key header is missing' });
		expect(checkSharedSecret('nope', 's3cret', 'X-Api-Key').reason).not.toContain('s3cret');
	});

	it.each([
		['sha256', 'hex', ''],
		['sha256', 'hex', 'sha256='],
		['sha1', 'hex', ''],
		['sha512', 'base64', ''],
	] as const)('checks %s %s signatures of "timestamp.body" with prefix %p', (algorithm, encoding, prefix) => {
		const options = { headerName: 'X-Signature', algorithm, encoding, prefix, ...timed() };
		expect(checkHmac(`${prefix}${sign(algorithm, encoding)}`, Buffer.from(body), 's3cret', options)).toEqual({ ok: true });
		expect(checkHmac(`${prefix}${sign(algorithm, encoding, 'other')}`, Buffer.from(body), 's3cret', options).ok).toBe(false);
		expect(checkHmac(`${prefix}${sign(algorithm, encoding)}`, Buffer.from(`${body} `), 's3cret', options).ok).toBe(false);
		expect(checkHmac(undefined, body, 's3cret', options).reason).toBe('the X-Signature header is missing');
	});

	it('accepts upper-case hex', () => {
		const options = { headerName: 'X-Signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=', ...timed() } as const;
		expect(checkHmac(`SHA256=${sign('sha256', 'hex').toUpperCase()}`, body, 's3cret', options)).toEqual({ ok: true });
	});

	it('refuses a signature without a signed timestamp, of another time, or older or newer than the window', () => {
		const options = (t?: string) => ({ headerName: 'X-Signature', algorithm: 'sha256', encoding: 'hex', ...timed(t) }) as const;
		const bodyOnly = createHmac('sha256', 's3cret').update(body).digest('hex');
		expect(checkHmac(bodyOnly, body, 's3cret', options())).toEqual({ ok: false, reason: 'the X-Signature signature does not match the timestamp and body' });
		expect(checkHmac(bodyOnly, body, 's3cret', options(undefined)).ok).toBe(false);
		expect(checkHmac(sign('sha256', 'hex'), body, 's3cret', { ...options(), timestamp: undefined })).toEqual({
			ok: false,
			reason: 'the X-Signature-Timestamp header is missing: sign "<epoch seconds>.<body>" and send the seconds in it',
		});
		// The signature of one time, sent with another.
		expect(checkHmac(sign('sha256', 'hex', 's3cret', String(NOW / 1000 - 10)), body, 's3cret', options()).ok).toBe(false);
		const old = String(NOW / 1000 - 301);
		expect(checkHmac(sign('sha256', 'hex', 's3cret', old), body, 's3cret', options(old))).toEqual({
			ok: false,
			reason: 'the X-Signature-Timestamp is 301 s from now, outside the 300 s window',
		});
		const edge = String(NOW / 1000 - 300);
		expect(checkHmac(sign('sha256', 'hex', 's3cret', edge), body, 's3cret', options(edge))).toEqual({ ok: true });
		const future = String(NOW / 1000 + 301);
		expect(checkHmac(sign('sha256', 'hex', 's3cret', future), body, 's3cret', options(future)).ok).toBe(false);
		expect(checkHmac(sign('sha256', 'hex', 's3cret', '1e9'), body, 's3cret', options('1e9')).reason).toBe(
			'the X-Signature-Timestamp header is "1e9", not whole epoch seconds',
		);
	});
});
