/**
 * The Audience Guard engine: consent, suppression, caps, quiet hours across daylight-saving
 * changes, the fixed point of several rules, in-run reservations and the errors that name a field.
 * Expected instants are worked out by hand from the zones' published transitions (2026):
 * Europe/Berlin springs forward 29 Mar 01:00 UTC and falls back 25 Oct 01:00 UTC;
 * America/New_York springs forward 8 Mar 07:00 UTC and falls back 1 Nov 06:00 UTC.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import fc from 'fast-check';

import {
	capRule,
	checkCap,
	checkContact,
	decide,
	decideTiming,
	GuardInputError,
	GuardSettingsError,
	isQuiet,
	isRepeat,
	parseHistory,
	parseWindow,
	quietHours,
	quietHoursEnd,
	readConsent,
	repeatOf,
	readSuppression,
	readUnsubscribed,
	resolveSettings,
	RunReservations,
	type GuardSettingsInput,
	type Send,
	type Verdict,
} from '../../nodes/AudienceGuard/engine';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const optedIn = { consent: 'opted_in' };
const settingsOf = (overrides: Partial<GuardSettingsInput> = {}) =>
	resolveSettings({ channel: 'email', caps: [{ limit: 1, amount: 1, unit: 'days' }], ...overrides });

function resume(verdict: Verdict): string {
	if (verdict.decision !== 'delay') throw new Error(`expected a delay, got ${JSON.stringify(verdict)}`);
	return iso(verdict.resumeAt);
}

describe('quiet hours', () => {
	const night = quietHours('21:00', '08:00')!;

	it('Europe/Berlin: ends at 08:00 local on either side of spring forward (07:00Z on CET, 06:00Z on CEST)', () => {
		expect(iso(quietHoursEnd(night, 'Europe/Berlin', at('2026-03-27T22:30:00Z')))).toBe('2026-03-28T07:00:00Z');
		expect(iso(quietHoursEnd(night, 'Europe/Berlin', at('2026-03-28T22:30:00Z')))).toBe('2026-03-29T06:00:00Z');
		// Quiet at 03:30 CEST, just after the clocks jumped.
		expect(iso(quietHoursEnd(night, 'Europe/Berlin', at('2026-03-29T01:30:00Z')))).toBe('2026-03-29T06:00:00Z');
	});

	it('Europe/Berlin: ends at 08:00 local across fall back (the night is an hour longer)', () => {
		expect(iso(quietHoursEnd(night, 'Europe/Berlin', at('2026-10-24T20:00:00Z')))).toBe('2026-10-25T07:00:00Z');
		expect(iso(quietHoursEnd(night, 'Europe/Berlin', at('2026-10-23T20:00:00Z')))).toBe('2026-10-24T06:00:00Z');
	});

	it('America/New_York: ends at 08:00 local across both changes', () => {
		expect(iso(quietHoursEnd(night, 'America/New_York', at('2026-03-08T03:00:00Z')))).toBe('2026-03-08T12:00:00Z');
		expect(iso(quietHoursEnd(night, 'America/New_York', at('2026-03-07T03:00:00Z')))).toBe('2026-03-07T13:00:00Z');
		expect(iso(quietHoursEnd(night, 'America/New_York', at('2026-11-01T02:00:00Z')))).toBe('2026-11-01T13:00:00Z');
		// 01:30 happens twice that night; both are quiet, both end at the same 08:00 EST.
		expect(iso(quietHoursEnd(night, 'America/New_York', at('2026-11-01T05:30:00Z')))).toBe('2026-11-01T13:00:00Z');
		expect(iso(quietHoursEnd(night, 'America/New_York', at('2026-11-01T06:30:00Z')))).toBe('2026-11-01T13:00:00Z');
	});

	it('an end time the clocks skip ends at the jump itself; one they repeat ends at its first occurrence', () => {
		const late = quietHours('22:00', '02:30')!;
		// Berlin has no 02:30 on 29 Mar: quiet ends when 02:00 CET becomes 03:00 CEST (01:00Z).
		expect(iso(quietHoursEnd(late, 'Europe/Berlin', at('2026-03-28T23:00:00Z')))).toBe('2026-03-29T01:00:00Z');
		// New York has no 02:30 on 8 Mar: quiet ends at 07:00Z (02:00 EST → 03:00 EDT).
		expect(iso(quietHoursEnd(late, 'America/New_York', at('2026-03-08T04:00:00Z')))).toBe('2026-03-08T07:00:00Z');
		// Berlin has 02:30 twice on 25 Oct (00:30Z in CEST, 01:30Z in CET): the first one ends it.
		expect(iso(quietHoursEnd(late, 'Europe/Berlin', at('2026-10-24T22:00:00Z')))).toBe('2026-10-25T00:30:00Z');
		// 02:45 CEST is past the first 02:30; after the clocks go back, 02:15 CET is quiet again
		// until the second 02:30.
		expect(isQuiet(late, 'Europe/Berlin', at('2026-10-25T00:45:00Z'))).toBe(false);
		expect(isQuiet(late, 'Europe/Berlin', at('2026-10-25T01:15:00Z'))).toBe(true);
		expect(iso(quietHoursEnd(late, 'Europe/Berlin', at('2026-10-25T01:15:00Z')))).toBe('2026-10-25T01:30:00Z');
	});

	it('a skipped midnight that jumps over both the end and the start of quiet hours', () => {
		// 00:01–00:00 leaves one free minute a day; America/Santiago skips 00:00–00:59 on 6 Sep 2026,
		// so from Saturday 00:01 the next free minute is Monday 00:00 (−03:00), not the transition.
		const oneFreeMinute = quietHours('00:01', '00:00')!;
		const zone = 'America/Santiago';
		expect(isQuiet(oneFreeMinute, zone, at('2026-09-06T04:00:00Z'))).toBe(true); // 01:00, just after the jump
		expect(iso(quietHoursEnd(oneFreeMinute, zone, at('2026-09-05T04:01:00Z')))).toBe('2026-09-07T03:00:00Z');
		expect(iso(quietHoursEnd(oneFreeMinute, zone, at('2026-09-05T03:59:00Z')))).toBe('2026-09-05T04:00:00Z'); // Fri 23:59 → Sat 00:00
		expect(iso(quietHoursEnd(oneFreeMinute, zone, at('2026-09-05T04:00:30Z')))).toBe('2026-09-05T04:00:30Z'); // inside the free minute
	});

	it('windows that wrap midnight, windows that do not, and none', () => {
		const zone = 'Europe/Berlin'; // CET in January: local = UTC + 1
		expect(isQuiet(night, zone, at('2026-01-15T19:59:00Z'))).toBe(false); // 20:59
		expect(isQuiet(night, zone, at('2026-01-15T20:00:00Z'))).toBe(true); // 21:00
		expect(isQuiet(night, zone, at('2026-01-16T06:59:00Z'))).toBe(true); // 07:59
		expect(isQuiet(night, zone, at('2026-01-16T07:00:00Z'))).toBe(false); // 08:00
		expect(iso(quietHoursEnd(night, zone, at('2026-01-15T22:00:00Z')))).toBe('2026-01-16T07:00:00Z'); // 23:00 → tomorrow 08:00
		expect(iso(quietHoursEnd(night, zone, at('2026-01-16T02:00:00Z')))).toBe('2026-01-16T07:00:00Z'); // 03:00 → today 08:00
		const lunch = quietHours('12:00', '14:00')!;
		expect(isQuiet(lunch, zone, at('2026-01-15T10:59:00Z'))).toBe(false);
		expect(iso(quietHoursEnd(lunch, zone, at('2026-01-15T12:00:00Z')))).toBe('2026-01-15T13:00:00Z'); // 13:00 → 14:00
		expect(isQuiet(lunch, zone, at('2026-01-15T13:00:00Z'))).toBe(false);
		expect(quietHours('09:00', '09:00')).toBeNull();
	});

	it('the end is never quiet, and every instant before it is (any zone, any time of 2026)', () => {
		const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/Santiago', 'Pacific/Chatham', 'America/Havana', 'America/Asuncion'];
		fc.assert(
			fc.property(
				fc.constantFrom(...zones),
				fc.integer({ min: at('2026-01-01T00:00:00Z'), max: at('2027-01-01T00:00:00Z') }),
				fc.integer({ min: 0, max: 1439 }),
				fc.integer({ min: 0, max: 1439 }),
				fc.integer({ min: 0, max: 1000 }),
				(zone, now, start, end, probe) => {
					fc.pre(start !== end);
					const clock = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
					const window = quietHours(clock(start), clock(end))!;
					const t = quietHoursEnd(window, zone, now);
					expect(t).toBeGreaterThanOrEqual(now);
					expect(isQuiet(window, zone, t)).toBe(false);
					// A day plus a DST hour, or two days when a skipped hour also swallows the one free minute.
					expect(t - now).toBeLessThanOrEqual((start - end + 1440) % 1440 > 60 ? DAY + 2 * HOUR : 2 * DAY + 2 * HOUR);
					const inside = now + Math.floor(((t - now) * probe) / 1001);
					if (inside < t) expect(isQuiet(window, zone, inside)).toBe(true);
				},
			),
			{ numRuns: 3000 },
		);
	});
});

describe('frequency caps', () => {
	const now = at('2026-11-22T12:00:00Z');
	const email = (iso: string): Send => ({ at: at(iso), channel: 'email' });
	const sms = (iso: string): Send => ({ at: at(iso), channel: 'sms' });

	it('a send exactly one window ago no longer counts', () => {
		const rule = capRule({ limit: 1, amount: 1, unit: 'days' }, 1);
		expect(checkCap(rule, 'email', [email('2026-11-21T12:00:00Z')], now)).toEqual({ allowed: true });
		expect(checkCap(rule, 'email', [email('2026-11-21T12:00:01Z')], now)).toMatchObject({ allowed: false, freeAt: at('2026-11-22T12:00:01Z') });
	});

	it('several caps at once: 1 per day and 3 per 7 days; the later one decides', () => {
		const settings = resolveSettings({
			channel: 'email',
			quietHoursStart: '00:00',
			quietHoursEnd: '00:00',
			caps: [
				{ limit: 1, amount: 1, unit: 'days' },
				{ limit: 3, window: 'P7D' },
			],
		});
		const history = [email('2026-11-16T09:00:00Z'), email('2026-11-18T09:00:00Z'), email('2026-11-20T09:00:00Z')];
		const verdict = decide(optedIn, settings, now, history);
		expect(resume(verdict)).toBe('2026-11-23T09:00:00Z'); // the 16 Nov send leaves the 7-day window
		expect(verdict).toMatchObject({ code: 'capped', reason: 'capped: 3 per 7 days on email, last sent 2026-11-20T09:00:00Z; resumes 2026-11-23T09:00:00Z' });
		// With only two of them, nothing stops a send now.
		expect(decide(optedIn, settings, now, history.slice(1))).toEqual({ decision: 'send' });
		// A send this morning: the daily cap holds it until tomorrow morning.
		expect(resume(decide(optedIn, settings, now, [email('2026-11-22T07:00:00Z')]))).toBe('2026-11-23T07:00:00Z');
	});

	it('caps across all channels count every channel; channel caps only their own', () => {
		const settings = resolveSettings({
			channel: 'email',
			quietHoursStart: '00:00',
			quietHoursEnd: '00:00',
			caps: [
				{ limit: 1, amount: 1, unit: 'days', scope: 'channel' },
				{ limit: 2, amount: 1, unit: 'weeks', scope: 'all' },
			],
		});
		// An SMS this morning does not touch the email cap, but with another message it fills the weekly one.
		expect(decide(optedIn, settings, now, [sms('2026-11-22T08:00:00Z')])).toEqual({ decision: 'send' });
		const both = [email('2026-11-17T10:00:00Z'), sms('2026-11-22T08:00:00Z')];
		const verdict = decide(optedIn, settings, now, both);
		expect(resume(verdict)).toBe('2026-11-24T10:00:00Z');
		expect(verdict).toMatchObject({ reason: expect.stringContaining('capped: 2 per week across all channels, last sent on sms 2026-11-22T08:00:00Z') });
	});

	it('When Capped: Block blocks instead of delaying', () => {
		const settings = settingsOf({ whenCapped: 'block', quietHoursStart: '00:00', quietHoursEnd: '00:00' });
		expect(decide(optedIn, settings, now, [email('2026-11-22T07:00:00Z')])).toEqual({
			decision: 'blocked',
			code: 'capped',
			reason: 'capped: 1 per day on email, last sent 2026-11-22T07:00:00Z',
		});
	});

	it('windows: amount and unit, ISO 8601 durations, and the ones refused', () => {
		expect(parseWindow({ amount: 1, unit: 'days' }, 'w')).toEqual({ ms: DAY, label: 'day' });
		expect(parseWindow({ amount: 7, unit: 'days' }, 'w')).toEqual({ ms: 7 * DAY, label: '7 days' });
		expect(parseWindow({ window: 'P1W' }, 'w')).toEqual({ ms: 7 * DAY, label: 'week' });
		expect(parseWindow({ window: 'pt12h' }, 'w')).toEqual({ ms: 12 * HOUR, label: '12 hours' });
		expect(parseWindow({ window: 'P1DT12H' }, 'w')).toEqual({ ms: 36 * HOUR, label: '1 day 12 hours' });
		expect(() => parseWindow({ window: 'P1M' }, 'Frequency Cap 2')).toThrow(/months and years have no fixed length/);
		expect(() => parseWindow({ window: 'a day' }, 'w')).toThrow(GuardSettingsError);
		expect(() => parseWindow({ amount: 0, unit: 'days' }, 'w')).toThrow('w: the window is 0 days');
		expect(() => capRule({ limit: 0, amount: 1, unit: 'days' }, 3)).toThrow('Frequency Cap 3: the limit is 0');
		expect(() => capRule({ limit: 1.5, amount: 1, unit: 'days' }, 1)).toThrow(GuardSettingsError);
	});
});

describe('caps and quiet hours together: the earliest instant every rule allows', () => {
	const settings = resolveSettings({
		channel: 'email',
		quietHoursStart: '21:00',
		quietHoursEnd: '08:00',
		caps: [{ limit: 1, amount: 1, unit: 'days' }],
	});
	const eligible = { consent: 'opted_in' as const, zone: 'Europe/Berlin' };

	it('a cap that frees up inside quiet hours waits for their end', () => {
		// Last email at 22:30 CET yesterday (21:30Z); now 14:00 CET. The cap frees at 22:30 CET tonight,
		// inside quiet hours, so the message goes at 08:00 CET tomorrow (07:00Z).
		const verdict = decideTiming(eligible, settings, at('2026-01-15T13:00:00Z'), [{ at: at('2026-01-14T21:30:00Z'), channel: 'email' }]);
		expect(resume(verdict)).toBe('2026-01-16T07:00:00Z');
		expect(verdict).toMatchObject({
			code: 'capped',
			reason: 'capped: 1 per day on email, last sent 2026-01-14T21:30:00Z; quiet hours 21:00–08:00 in Europe/Berlin; resumes 08:00 local',
		});
	});

	it('quiet hours that end before the cap frees up wait for the cap', () => {
		// 23:00 CET (quiet); last email at 09:30 CET today: quiet ends 08:00, the cap frees at 09:30.
		const verdict = decideTiming(eligible, settings, at('2026-01-15T22:00:00Z'), [{ at: at('2026-01-15T08:30:00Z'), channel: 'email' }]);
		expect(resume(verdict)).toBe('2026-01-16T08:30:00Z');
		expect(verdict).toMatchObject({ code: 'quiet_hours' });
	});

	it('only quiet hours: the reason says the local resume time', () => {
		const verdict = decideTiming(eligible, settings, at('2026-11-22T21:00:00Z'), []);
		expect(verdict).toEqual({
			decision: 'delay',
			code: 'quiet_hours',
			resumeAt: at('2026-11-23T07:00:00Z'),
			reason: 'quiet hours 21:00–08:00 in Europe/Berlin; resumes 08:00 local',
		});
	});

	it('the resume time is allowed by every rule, and every second before it is not', () => {
		const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo'];
		const multi = resolveSettings({
			channel: 'email',
			caps: [
				{ limit: 1, amount: 1, unit: 'days' },
				{ limit: 3, amount: 7, unit: 'days' },
				{ limit: 4, amount: 1, unit: 'weeks', scope: 'all' },
			],
		});
		const second = 1000;
		fc.assert(
			fc.property(
				fc.constantFrom(...zones),
				fc.integer({ min: at('2026-01-01T00:00:00Z') / second, max: at('2027-01-01T00:00:00Z') / second }),
				fc.array(fc.record({ ago: fc.integer({ min: 0, max: 8 * 86_400 }), channel: fc.constantFrom('email', 'sms') }), { maxLength: 8 }),
				fc.integer({ min: 0, max: 999 }),
				(zone, nowSeconds, past, probe) => {
					const now = nowSeconds * second;
					const sends = past.map((p) => ({ at: now - p.ago * second, channel: p.channel })).sort((a, b) => a.at - b.at);
					const verdict = decideTiming({ consent: 'opted_in', zone }, multi, now, sends);
					const allows = (t: number) => !isQuiet(multi.quiet!, zone, t) && multi.caps.every((rule) => checkCap(rule, 'email', sends, t).allowed);
					if (verdict.decision === 'send') return expect(allows(now)).toBe(true);
					expect(verdict.decision).toBe('delay');
					const t = (verdict as { resumeAt: number }).resumeAt;
					expect(allows(t)).toBe(true);
					const before = now + Math.floor(((t - now) / second) * (probe / 1000)) * second;
					if (before < t) expect(allows(before)).toBe(false);
				},
			),
			{ numRuns: 2000 },
		);
	});
});

describe('consent, unsubscribe and suppression', () => {
	const settings = settingsOf({ defaultTimezone: 'UTC', quietHoursStart: '00:00', quietHoursEnd: '00:00' });
	const now = at('2026-11-22T12:00:00Z');

	it('blocks opted-out, unsubscribed and suppressed contacts, in that order of precedence', () => {
		expect(decide({ consent: 'opted_out' }, settings, now, [])).toEqual({ decision: 'blocked', code: 'opted_out', reason: 'opted out of email' });
		expect(decide({ consent: 'opted_in', unsubscribed: true }, settings, now, [])).toMatchObject({
			code: 'unsubscribed',
			reason: 'unsubscribed from all messages',
		});
		expect(decide({ consent: 'opted_in', unsubscribed: '2026-03-01T10:00:00Z', suppression: 'bounced' }, settings, now, [])).toMatchObject({ code: 'unsubscribed' });
		expect(decide({ consent: 'opted_in', suppression: 'bounced' }, settings, now, [])).toMatchObject({
			code: 'suppressed',
			reason: 'suppressed: an earlier message bounced',
		});
		expect(decide({ consent: 'opted_in', suppression: ['complained', 'manual'] }, settings, now, [])).toMatchObject({
			reason: 'suppressed: the contact marked a message as spam; suppressed by hand',
		});
		expect(decide({ consent: 'opted_in', suppression: { reason: 'legal hold' } }, settings, now, [])).toMatchObject({ reason: 'suppressed: legal hold' });
	});

	it('unknown consent follows the policy', () => {
		expect(decide({}, settings, now, [])).toEqual({
			decision: 'blocked',
			code: 'consent_unknown',
			reason: 'no consent recorded for email (unknown consent is blocked)',
		});
		expect(decide({}, settingsOf({ unknownConsent: 'send', defaultTimezone: 'UTC', quietHoursStart: '00:00', quietHoursEnd: '00:00' }), now, [])).toEqual({
			decision: 'send',
		});
		expect(decide({ consent: 'opted_out' }, settingsOf({ unknownConsent: 'send' }), now, [])).toMatchObject({ code: 'opted_out' });
	});

	it('reads the usual spellings, and refuses to guess the rest', () => {
		for (const yes of [true, 1, 'opted_in', 'Opted-In', 'subscribed', 'GRANTED', 'yes', { status: 'opted_in' }, { granted: true }]) {
			expect(readConsent(yes)).toBe('opted_in');
		}
		for (const no of [false, 0, 'opted_out', 'unsubscribed', 'Denied', 'no', { status: 'revoked' }]) expect(readConsent(no)).toBe('opted_out');
		for (const unknown of [undefined, null, '', ' ', 'unknown', 'pending']) expect(readConsent(unknown)).toBe('unknown');
		expect(() => readConsent('maybe')).toThrow(new GuardInputError('Consent is "maybe", which is not a consent status', '', 'Consent'));
		expect(readUnsubscribed(undefined)).toBe(false);
		expect(readUnsubscribed('false')).toBe(false);
		expect(readUnsubscribed('')).toBe(false);
		expect(readUnsubscribed('2026-02-01')).toBe(true);
		expect(() => readUnsubscribed('sometimes')).toThrow(/Unsubscribed is "sometimes"/);
		expect(readSuppression('')).toEqual([]);
		expect(readSuppression([])).toEqual([]);
		expect(readSuppression(true)).toEqual(['suppressed']);
		expect(() => readSuppression(42)).toThrow(/Suppression is 42/);
	});
});

describe('time zones', () => {
	const now = at('2026-11-22T12:00:00Z');

	it('a contact without a time zone uses the default, or is an error naming the field', () => {
		expect(checkContact(optedIn, settingsOf({ defaultTimezone: 'Asia/Tokyo' }))).toEqual({ consent: 'opted_in', zone: 'Asia/Tokyo' });
		expect(() => checkContact(optedIn, settingsOf())).toThrow(
			expect.objectContaining({ field: 'Time Zone', message: 'Time Zone is missing and there is no Default Time Zone' }),
		);
		expect(() => checkContact({ ...optedIn, timezone: '  ' }, settingsOf())).toThrow(GuardInputError);
		// Without quiet hours no time zone is needed.
		expect(checkContact(optedIn, settingsOf({ quietHoursStart: '22:00', quietHoursEnd: '22:00' }))).toEqual({ consent: 'opted_in', zone: null });
		// A blocked contact needs none either.
		expect(checkContact({ consent: 'opted_out' }, settingsOf())).toHaveProperty('blocked');
	});

	it('an invalid zone is an error naming the field; names are made canonical', () => {
		expect(() => checkContact({ ...optedIn, timezone: 'Mars/Olympus_Mons' }, settingsOf())).toThrow(
			expect.objectContaining({ field: 'Time Zone', message: 'Time Zone is "Mars/Olympus_Mons", which is not an IANA time zone' }),
		);
		expect(() => checkContact({ ...optedIn, timezone: '+02:00' }, settingsOf())).toThrow(
			expect.objectContaining({ fix: expect.stringContaining('fixed offset would ignore daylight saving') }),
		);
		expect(() => checkContact({ ...optedIn, timezone: 7 }, settingsOf())).toThrow(GuardInputError);
		expect(() => settingsOf({ defaultTimezone: 'Europe/Atlantis' })).toThrow(
			expect.objectContaining({ setting: 'Default Time Zone', message: 'Default Time Zone is "Europe/Atlantis", which is not an IANA time zone' }),
		);
		expect(checkContact({ ...optedIn, timezone: 'europe/berlin' }, settingsOf())).toEqual({ consent: 'opted_in', zone: 'Europe/Berlin' });
		expect(decide({ ...optedIn, timezone: 'america/new_york' }, settingsOf(), at('2026-11-22T03:00:00Z'), [])).toMatchObject({
			reason: 'quiet hours 21:00–08:00 in America/New_York; resumes 08:00 local',
		});
		void now;
	});

	it('settings are checked: times of day, policies, channel', () => {
		expect(() => settingsOf({ quietHoursStart: '25:00' })).toThrow('Quiet Hours Start is "25:00", not a time of day');
		expect(() => settingsOf({ quietHoursEnd: '8am' })).toThrow(GuardSettingsError);
		expect(() => settingsOf({ channel: ' ' })).toThrow('Channel is empty');
		expect(settingsOf({ channel: 'SMS' }).channel).toBe('sms');
		expect(settingsOf().lookbackMs).toBe(DAY);
	});
});

describe('send history from the input', () => {
	it('reads timestamps and objects, in any order, with or without a channel', () => {
		const sends = parseHistory(
			[
				{ channel: 'SMS', sentAt: '2026-11-21T10:00:00+01:00' },
				'2026-11-20T10:00:00Z',
				{ sent_at: 1795341600000, channel: 'email' },
				{ timestamp: 1795341600 },
			],
			'email',
		);
		expect(sends).toEqual([
			{ at: at('2026-11-20T10:00:00Z'), channel: 'email' },
			{ at: at('2026-11-21T09:00:00Z'), channel: 'sms' },
			{ at: 1795341600000, channel: 'email' },
			{ at: 1795341600000, channel: 'email' },
		]);
		expect(parseHistory(undefined, 'email')).toEqual([]);
		expect(parseHistory('', 'email')).toEqual([]);
		expect(parseHistory('[{"sentAt":"2026-11-20T10:00:00Z"}]', 'email')).toEqual([{ at: at('2026-11-20T10:00:00Z'), channel: 'email' }]);
	});

	it('names the entry that cannot be read', () => {
		expect(() => parseHistory({ sentAt: 'x' }, 'email')).toThrow(/Send History is .* not a list of sends/);
		expect(() => parseHistory([{ channel: 'email' }], 'email')).toThrow('Send History entry 0 has no send time (looked for sentAt, sent_at, at, timestamp)');
		expect(() => parseHistory(['2026-11-20T10:00:00Z', 'yesterday'], 'email')).toThrow('Send History entry 1 has the send time "yesterday", which is not a date with a time zone');
		// No offset: in which zone? Refused rather than read in the server's zone.
		expect(() => parseHistory(['2026-11-20T10:00:00'], 'email')).toThrow(/entry 0/);
		expect(() => parseHistory('not json', 'email')).toThrow(GuardInputError);
	});

	it('reads the Message ID a send went out under (message, messageId or message_id), trimmed', () => {
		const sends = parseHistory(
			[
				{ channel: 'email', sentAt: '2026-11-20T10:00:00Z', message: ' welcome ' },
				{ channel: 'email', sentAt: '2026-11-21T10:00:00Z', messageId: 'tips' },
				{ channel: 'sms', sentAt: '2026-11-21T11:00:00Z', message_id: 7 },
				{ channel: 'email', sentAt: '2026-11-21T12:00:00Z', message: '  ' },
				{ channel: 'email', sentAt: '2026-11-21T13:00:00Z', message: null },
				'2026-11-21T14:00:00Z',
			],
			'email',
		);
		expect(sends.map((send) => send.message)).toEqual(['welcome', 'tips', '7', undefined, undefined, undefined]);
		// No message, no key: a send without one looks as it always did.
		expect(sends[3]).toEqual({ at: at('2026-11-21T12:00:00Z'), channel: 'email' });
		expect(Object.keys(sends[4])).toEqual(['at', 'channel']);
		expect(parseHistory('[{"sentAt":"2026-11-20T10:00:00Z","message":"welcome"}]', 'email')).toEqual([
			{ at: at('2026-11-20T10:00:00Z'), channel: 'email', message: 'welcome' },
		]);
		expect(() => parseHistory([{ sentAt: '2026-11-20T10:00:00Z', message: { name: 'welcome' } }], 'email')).toThrow(
			'Send History entry 0 has the message {"name":"welcome"}, not a Message ID',
		);
	});

	it("templates/guard-ledger.json's Code node puts each row's message on the history it attaches", () => {
		const template = JSON.parse(readFileSync(path.join(__dirname, '../../templates/guard-ledger.json'), 'utf8'));
		const code = template.nodes.find((node: { name: string }) => node.name === 'Attach send history').parameters.jsCode;
		const rows = [
			{ id: 1, contactId: 'ann@example.com', channel: 'email', sentAt: '2026-11-20T10:00:00.000Z', message: 'welcome' },
			{ id: 2, contactId: 'ann@example.com', channel: 'sms', sentAt: '2026-11-21T10:00:00.000Z', message: null }, // a row from before Message ID
			{ id: 1, contactId: 'ann@example.com', channel: 'email', sentAt: '2026-11-20T10:00:00.000Z', message: 'welcome' },
		];
		const contacts = [{ email: 'ann@example.com' }, { email: 'ben@example.com' }];
		const $input = { all: () => rows.map((json) => ({ json })) };
		const $ = () => ({ all: () => contacts.map((json) => ({ json })) });
		const out = new Function('$input', '$', code)($input, $) as Array<{ json: { sendHistory: unknown } }>;
		expect(parseHistory(out[0].json.sendHistory, 'email')).toEqual([
			{ at: at('2026-11-20T10:00:00Z'), channel: 'email', message: 'welcome' },
			{ at: at('2026-11-21T10:00:00Z'), channel: 'sms' },
		]);
		expect(out[1].json.sendHistory).toEqual([]);
	});
});

describe('the same contact twice in one run', () => {
	it('the second sees the first as sent', () => {
		const settings = settingsOf({ quietHoursStart: '00:00', quietHoursEnd: '00:00' });
		const now = at('2026-11-22T12:00:00Z');
		const run = new RunReservations();
		const verdicts = ['ann', 'bob', 'ann', 'ann'].map((contact) => {
			const verdict = decide(optedIn, settings, now, run.withReservations(contact, []));
			if (verdict.decision === 'send') run.reserve(contact, 'email', now);
			return verdict;
		});
		expect(verdicts.map((v) => v.decision)).toEqual(['send', 'send', 'delay', 'delay']);
		expect(verdicts[2]).toEqual({
			decision: 'delay',
			code: 'capped',
			resumeAt: now + DAY,
			reason: 'capped: 1 per day on email, last sent 2026-11-22T12:00:00Z (earlier in this run); resumes 2026-11-23T12:00:00Z',
		});
	});
});

describe('Message ID: the same message again', () => {
	const now = at('2026-11-22T22:00:00Z'); // 23:00 in Berlin: quiet hours
	const settings = settingsOf({ defaultTimezone: 'Europe/Berlin' });
	const welcome: Send = { at: at('2026-11-22T09:00:00Z'), channel: 'email', message: 'welcome' };

	it('a send with the same Message ID on the same channel makes a repeat; another message, channel or none does not', () => {
		expect(isRepeat([welcome], 'email', 'welcome')).toBe(true);
		expect(isRepeat([{ at: 0, channel: 'email' }, welcome], 'email', 'welcome')).toBe(true);
		expect(isRepeat([welcome], 'email', 'tips')).toBe(false);
		expect(isRepeat([welcome], 'sms', 'welcome')).toBe(false);
		expect(isRepeat([welcome], 'email', 'Welcome')).toBe(false); // exact: a near miss counts as new
		expect(isRepeat([welcome], 'email', undefined)).toBe(false);
		expect(isRepeat([welcome], 'email', '')).toBe(false);
		expect(isRepeat([{ at: 0, channel: 'email' }], 'email', 'welcome')).toBe(false);
	});

	it('a repeat goes now, past a full cap and quiet hours; a new message is held by both', () => {
		expect(decide(optedIn, settings, now, [welcome], 'welcome')).toEqual(repeatOf(welcome));
		// When the message first went: the earliest of its sends.
		expect(decide(optedIn, settings, now, [{ ...welcome, at: welcome.at + 5 }, welcome], 'welcome')).toEqual({ decision: 'send', repeat: true, firstSentAt: welcome.at });
		expect(decide(optedIn, settings, now, [welcome], 'tips')).toEqual({
			decision: 'delay',
			code: 'quiet_hours',
			resumeAt: at('2026-11-23T09:00:00Z'),
			reason: 'quiet hours 21:00–08:00 in Europe/Berlin; capped: 1 per day on email, last sent 2026-11-22T09:00:00Z; resumes 10:00 local',
		});
		expect(decide(optedIn, settingsOf({ defaultTimezone: 'Europe/Berlin', whenCapped: 'block' }), now, [welcome], 'tips')).toMatchObject({
			decision: 'blocked',
			code: 'capped',
		});
		// The welcome went out by SMS: an email under the same Message ID is a new message.
		expect(decide(optedIn, settings, now, [{ ...welcome, channel: 'sms' }], 'welcome')).toMatchObject({ decision: 'delay', code: 'quiet_hours' });
	});

	it('consent, unsubscribe and suppression still block a repeat', () => {
		expect(decide({ consent: 'opted_out' }, settings, now, [welcome], 'welcome')).toMatchObject({ decision: 'blocked', code: 'opted_out' });
		expect(decide({ ...optedIn, unsubscribed: true }, settings, now, [welcome], 'welcome')).toMatchObject({ code: 'unsubscribed' });
		expect(decide({ ...optedIn, suppression: 'complained' }, settings, now, [welcome], 'welcome')).toMatchObject({ code: 'suppressed' });
		expect(decide({}, settings, now, [welcome], 'welcome')).toMatchObject({ code: 'consent_unknown' });
	});

	it('reservations of this run carry the Message ID: the same message twice in a batch is one send and its repeat', () => {
		const open = settingsOf({ quietHoursStart: '00:00', quietHoursEnd: '00:00' });
		const run = new RunReservations();
		const passes = [
			['ann', 'welcome'],
			['ann', 'welcome'],
			['ann', 'tips'],
			['ben', 'welcome'],
			['ann', undefined],
		] as const;
		const verdicts = passes.map(([contact, message]) => {
			const sends = run.withReservations(contact, []);
			const verdict = decide(optedIn, open, now, sends, message);
			if (verdict.decision === 'send' && !verdict.repeat) run.reserve(contact, 'email', now, message);
			return verdict;
		});
		expect(verdicts).toEqual([
			{ decision: 'send' },
			{ decision: 'send', repeat: true, firstSentAt: now },
			expect.objectContaining({ decision: 'delay', code: 'capped', reason: expect.stringContaining('(earlier in this run)') }),
			{ decision: 'send' },
			expect.objectContaining({ decision: 'delay', code: 'capped' }),
		]);
		expect(run.withReservations('ann', [])).toEqual([{ at: now, channel: 'email', thisRun: true, message: 'welcome' }]);
		// Merged with the history, oldest first; a reservation without a Message ID has none.
		run.reserve('cat', 'email', now);
		expect(run.withReservations('cat', [welcome])).toEqual([welcome, { at: now, channel: 'email', thisRun: true }]);
		expect(isRepeat(run.withReservations('ben', []), 'email', 'welcome')).toBe(true);
	});
});
