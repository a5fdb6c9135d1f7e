/**
 * The Email Audience node's pure parts: Mailchimp's subscriber hash and data center, its batch
 * answer mapped back to each member, the Kit budget pacer (on a fake clock), and list hygiene.
 */
import { batchOutcomes, dataCenterOf, MAILCHIMP_BATCH_LIMIT, mailchimpBaseUrl, subscriberHash } from '../../nodes/EmailAudience/engine/mailchimp';
import { createPacer } from '../../nodes/EmailAudience/engine/pacing';
import { bounceKindOf, DEFAULT_HYGIENE, listHygiene, type HygieneEvent } from '../../nodes/EmailAudience/engine/hygiene';
import { KIT_REQUESTS_PER_WINDOW, KIT_WINDOW_SECONDS } from '../../nodes/EmailAudience/actions/kit';
import { emailAddress } from '../../nodes/shared/channel/recipients';

describe('Mailchimp parts', () => {
	it('hashes the lower-cased address with MD5 (values from Python hashlib)', () => {
		expect(subscriberHash('test@example.com')).toBe('55502f40dc8b7c769880b10874abc9d0');
		expect(subscriberHash(' Ana.Lopez@Example.COM ')).toBe('54cc9e5067a6d9d0830adb6f599759be');
		// Mailchimp's own documentation example address.
		expect(subscriberHash('Urist.McVankab@freddiesjokes.com')).toBe('62eeb292278cc15f5817cb78f7790b08');
	});

	it('reads the data center from the end of the key', () => {
		expect(dataCenterOf('0123456789abcdef0123456789abcdef-us21')).toBe('us21');
		expect(mailchimpBaseUrl('abc-US6')).toBe('https://us6.api.mailchimp.com/3.0');
		expect(dataCenterOf('0123456789abcdef')).toBeUndefined();
		expect(MAILCHIMP_BATCH_LIMIT).toBe(500);
	});

	it('maps new_members, updated_members and errors back to the addresses sent, whatever their case', () => {
		const outcomes = batchOutcomes(['A@x.io', 'b@x.io', 'bad@x', 'c@x.io'], {
			new_members: [{ email_address: 'a@x.io', status: 'subscribed', id: 'h1' }],
			updated_members: [{ email_address: 'C@X.IO', status: 'subscribed', id: 'h3' }],
			errors: [{ email_address: 'bad@x', error: 'bad@x looks fake or invalid', error_code: 'ERROR_GENERIC', field: 'email_address', field_message: 'Invalid email address' }],
		});
		expect(outcomes.map((o) => (o.ok ? o.result : `error:${o.code}`))).toEqual(['created', 'unchanged', 'error:ERROR_GENERIC', 'updated']);
		expect(outcomes[2]).toMatchObject({ ok: false, message: 'bad@x looks fake or invalid (email_address: Invalid email address)' });
	});
});

describe('Kit budget pacer', () => {
	const fakeClock = () => {
		let now = 0;
		return { now: () => now, sleep: async (ms: number) => void (now += ms) };
	};

	it('the default budget is Kit\'s documented 120 requests per 60 seconds', () => {
		expect([KIT_REQUESTS_PER_WINDOW, KIT_WINDOW_SECONDS]).toEqual([120, 60]);
	});

	it('lets 120 start at once, then one more each time the oldest leaves the window; no window ever holds 121', async () => {
		const clock = fakeClock();
		const pacer = createPacer(120, 60_000, clock);
		const starts: number[] = [];
		await Promise.all(Array.from({ length: 300 }, async () => {
			await pacer.take();
			starts.push(clock.now());
		}));
		expect(starts).toHaveLength(300);
		expect(starts.slice(0, 120).every((t) => t === 0)).toBe(true);
		expect(starts[120]).toBe(60_001);
		expect(starts[240]).toBe(120_002);
		for (let i = 120; i < starts.length; i++) expect(starts[i] - starts[i - 120]).toBeGreaterThanOrEqual(60_000);
		expect(pacer.waitedMs).toBeGreaterThan(0);
	});

	it('refuses budgets that cannot work', () => {
		expect(() => createPacer(0, 1000, fakeClock())).toThrow(RangeError);
		expect(() => createPacer(5, 0, fakeClock())).toThrow(RangeError);
	});
});

describe('list hygiene', () => {
	const check = (recipient: unknown) => {
		const c = emailAddress(recipient);
		return c.ok ? { ok: true as const, key: c.key } : c;
	};
	const ev = (recipient: string, type: string, minute: number, extra: Partial<HygieneEvent> = {}): HygieneEvent => ({
		provider: 'sendgrid',
		channel: 'email',
		type,
		recipient,
		timestamp: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(),
		raw: {},
		...extra,
	});

	it('tells hard from soft bounces by provider', () => {
		expect(bounceKindOf(ev('a@x.io', 'bounced', 0, { raw: { event: 'bounce', type: 'bounce' } }))).toBe('hard');
		expect(bounceKindOf(ev('a@x.io', 'bounced', 0, { raw: { event: 'bounce', type: 'blocked' } }))).toBe('soft');
		expect(bounceKindOf(ev('a@x.io', 'bounced', 0, { provider: 'postmark', raw: { Type: 'SoftBounce' } }))).toBe('soft');
		expect(bounceKindOf(ev('a@x.io', 'bounced', 0, { provider: 'postmark', raw: { Type: 'HardBounce' } }))).toBe('hard');
		expect(bounceKindOf(ev('a@x.io', 'bounced', 0, { provider: 'mailchimp', raw: { type: 'cleaned' } }))).toBe('hard');
		expect(bounceKindOf(ev('a@x.io', 'bounced', 0, { provider: 'twilio', bounceKind: 'Soft' }))).toBe('soft');
		expect(bounceKindOf(ev('a@x.io', 'bounced', 0, { provider: 'meta' }))).toBeUndefined();
	});

	it('suppresses complaints, hard bounces, unsubscribes and runs of soft bounces; re-engages the never-opening; keeps the rest', () => {
		const events: HygieneEvent[] = [
			ev('Complainer@X.io', 'delivered', 1),
			ev('complainer@x.io', 'complained', 2),
			ev('hard@x.io', 'bounced', 3, { raw: { type: 'bounce' } }),
			ev('soft@x.io', 'bounced', 4, { raw: { type: 'blocked' } }),
			ev('soft@x.io', 'bounced', 5, { raw: { type: 'blocked' } }),
			ev('soft@x.io', 'bounced', 6, { raw: { type: 'blocked' } }),
			// Soft bounces broken by a delivery never make a run of three.
			ev('flaky@x.io', 'bounced', 4, { raw: { type: 'blocked' } }),
			ev('flaky@x.io', 'bounced', 5, { raw: { type: 'blocked' } }),
			ev('flaky@x.io', 'delivered', 6),
			ev('flaky@x.io', 'bounced', 7, { raw: { type: 'blocked' } }),
			ev('flaky@x.io', 'opened', 8),
			ev('quiet@x.io', 'delivered', 1),
			ev('quiet@x.io', 'delivered', 2),
			ev('quiet@x.io', 'delivered', 3),
			ev('reader@x.io', 'delivered', 1),
			ev('reader@x.io', 'delivered', 2),
			ev('reader@x.io', 'delivered', 3),
			ev('reader@x.io', 'clicked', 4),
			ev('leaver@x.io', 'unsubscribed', 9, { provider: 'kit' }),
		];
		const { verdicts, rejected } = listHygiene(events, check);
		expect(rejected).toEqual([]);
		const byEmail = Object.fromEntries(verdicts.map((v) => [v.email, [v.action, v.reason]]));
		expect(byEmail).toEqual({
			'complainer@x.io': ['suppress', 'complaint'],
			'hard@x.io': ['suppress', 'hardBounce'],
			'soft@x.io': ['suppress', 'softBounces'],
			'flaky@x.io': ['keep', null],
			'quiet@x.io': ['reengage', 'noEngagement'],
			'reader@x.io': ['keep', null],
			'leaver@x.io': ['suppress', 'unsubscribed'],
		});
		// Every event belongs to exactly one verdict.
		const items = verdicts.flatMap((v) => v.items).sort((a, b) => a - b);
		expect(items).toEqual(events.map((_, i) => i));
		expect(verdicts.find((v) => v.email === 'complainer@x.io')?.items).toEqual([0, 1]);
		expect(verdicts.find((v) => v.email === 'soft@x.io')?.explanation).toBe('Suppress soft@x.io: soft-bounced 3 times in a row (limit 3).');
	});

	it('follows the options, orders by time not by input, and rejects events with no usable address', () => {
		// Input out of time order: the delivery (minute 1) comes before the soft bounces in time.
		const events = [ev('s@x.io', 'bounced', 5, { raw: { type: 'blocked' } }), ev('s@x.io', 'delivered', 1), ev('s@x.io', 'bounced', 6, { raw: { type: 'blocked' } })];
		expect(listHygiene(events, check, { ...DEFAULT_HYGIENE, softBounceLimit: 2 }).verdicts[0].action).toBe('suppress');
		expect(listHygiene(events, check).verdicts[0].action).toBe('keep');
		const unknown = [ev('u@x.io', 'bounced', 1, { provider: 'meta' })];
		expect(listHygiene(unknown, check).verdicts[0].reason).toBe('hardBounce');
		expect(listHygiene(unknown, check, { ...DEFAULT_HYGIENE, unknownBounce: 'soft' }).verdicts[0].action).toBe('keep');
		const leaver = [ev('l@x.io', 'unsubscribed', 1)];
		expect(listHygiene(leaver, check, { ...DEFAULT_HYGIENE, suppressUnsubscribes: false }).verdicts[0].action).toBe('keep');
		// A time that cannot be read is named, never passed on as the last event time nor ordered first.
		const times = listHygiene([ev('t@x.io', 'delivered', 1), ev('t@x.io', 'bounced', 2, { timestamp: 'abc' }), ev('t@x.io', 'opened', 3, { timestamp: 1e308 as never })], check);
		expect(times.rejected).toEqual([
			{ item: 1, reason: 'has the timestamp "abc", which cannot be read as a time' },
			{ item: 2, reason: 'has the timestamp 1e+308, which cannot be read as a time' },
		]);
		expect(times.verdicts.map((v) => [v.lastEventAt, v.items])).toEqual([[new Date(Date.UTC(2026, 0, 1, 0, 1)).toISOString(), [0]]]);
		const long = listHygiene([{ ...ev('a@x.io', 'delivered', 1), channel: 'x'.repeat(1_000_000) }], check);
		expect(long.rejected[0].reason.length).toBeLessThan(300);
		const bad = listHygiene([ev('not-an-address', 'bounced', 1), { ...ev('+15551234567', 'delivered', 2), channel: 'sms' }], check);
		expect(bad.verdicts).toEqual([]);
		expect(bad.rejected).toEqual([
			{ item: 0, reason: 'recipient: "not-an-address" has no @' },
			{ item: 1, reason: 'is an event of the channel "sms", not an email event' },
		]);
	});
});
