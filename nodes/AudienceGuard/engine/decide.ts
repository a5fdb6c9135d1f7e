/**
 * The Audience Guard's decision for one contact and channel: send now, delay until an exact UTC
 * instant, or block, with the reason in plain words.
 *
 * In order:
 * 1. Blocked for good: a global unsubscribe, a suppression (bounced, complained, manual), consent
 *    opted out, or unknown consent under the "block" policy. No time zone is needed for these.
 * 2. The same message again: when the contact's sends already hold this Message ID on this
 *    channel (firstPass), Send now, neither counted against the caps nor held for quiet hours.
 * 3. Otherwise the message may go at the earliest instant T ≥ now at which every rule allows it:
 *    outside quiet hours in the contact's time zone, and within every frequency cap counting the
 *    contact's sends (its history plus what this run already reserved). Each rule moves T forward
 *    to when it would allow; rules are applied in turn until none moves T (a fixed point: a cap
 *    may free up at 23:00, inside quiet hours, which then move T to 08:00, and so on).
 *    T = now is Send now; a later T is Delay with resumeAt = T. Under "When Capped: Block", a cap
 *    that is full now blocks instead.
 * A cap only frees up over time (sends leave its window; none enter unless sent), so when no cap
 * is full now, the quiet hours alone set T.
 */
import { shown } from '../../shared/show';

import { capReason, capRule, checkCap, isoUtc, longestWindow, type CapRule, type CapSpec, type Send } from './caps';
import { readConsent, readSuppression, readUnsubscribed, type Consent } from './consent';
import { GuardInputError, GuardSettingsError } from './errors';
import { checkZone, describeLocal, isQuiet, quietHours, quietHoursEnd, type QuietHours } from './quietHours';

export type UnknownConsentPolicy = 'block' | 'send';
export type WhenCapped = 'delay' | 'block';

export interface GuardSettingsInput {
	/** The channel the message goes out on: email, sms, push or any other name. */
	channel: string;
	unknownConsent?: UnknownConsentPolicy;
	/** "21:00" and "08:00" by default; equal times turn quiet hours off. */
	quietHoursStart?: string;
	quietHoursEnd?: string;
	/** Used for contacts without a time zone; empty: such a contact is an error (when quiet hours are on). */
	defaultTimezone?: string;
	caps?: CapSpec[];
	whenCapped?: WhenCapped;
}

export interface GuardSettings {
	channel: string;
	unknownConsent: UnknownConsentPolicy;
	quiet: QuietHours | null;
	defaultTimezone: string | null;
	caps: CapRule[];
	whenCapped: WhenCapped;
	/** How far back sends matter (the longest cap window), in milliseconds. */
	lookbackMs: number;
}

/** What the guard reads from one contact (raw values from its field mappings). */
export interface ContactFields {
	consent?: unknown;
	unsubscribed?: unknown;
	suppression?: unknown;
	timezone?: unknown;
}

export type BlockCode = 'unsubscribed' | 'suppressed' | 'opted_out' | 'consent_unknown' | 'capped';
export type DelayCode = 'quiet_hours' | 'capped';

export type Verdict =
	/** `repeat`: the same message again (see firstPass), let through without counting it; `firstSentAt`: when it first went. */
	| { decision: 'send'; repeat?: true; firstSentAt?: number }
	| { decision: 'delay'; resumeAt: number; reason: string; code: DelayCode }
	| { decision: 'blocked'; reason: string; code: BlockCode };

/** A contact that passed consent and suppression: what the timing rules need. */
export interface Eligible {
	consent: Consent;
	/** Canonical IANA zone, or null when quiet hours are off. */
	zone: string | null;
}

export function resolveSettings(input: GuardSettingsInput): GuardSettings {
	const channel = String(input.channel ?? '').trim().toLowerCase();
	if (!channel) throw new GuardSettingsError('Channel is empty', 'Choose the channel the message goes out on, e.g. Email.', 'Channel');
	const unknownConsent = input.unknownConsent ?? 'block';
	if (unknownConsent !== 'block' && unknownConsent !== 'send') {
		throw new GuardSettingsError(`Unknown Consent is ${shown(unknownConsent)}`, 'Choose Block or Send.', 'Unknown Consent');
	}
	const whenCapped = input.whenCapped ?? 'delay';
	if (whenCapped !== 'delay' && whenCapped !== 'block') {
		throw new GuardSettingsError(`When Capped is ${shown(whenCapped)}`, 'Choose Delay or Block.', 'When Capped');
	}
	const quiet = quietHours(input.quietHoursStart ?? '21:00', input.quietHoursEnd ?? '08:00');
	const zoneText = (input.defaultTimezone ?? '').trim();
	const defaultTimezone = zoneText ? checkZone(zoneText, 'Default Time Zone', true) : null;
	const caps = (input.caps ?? []).map((spec, i) => capRule(spec, i + 1));
	return { channel, unknownConsent, quiet, defaultTimezone, caps, whenCapped, lookbackMs: longestWindow(caps) };
}

const ZONE_FIX =
	'Map "Time Zone" to the contact\'s IANA time zone, e.g. {{ $json.timezone }} holding Europe/Berlin, or set "Default Time Zone" for contacts without one.';

/**
 * Consent, unsubscribe and suppression: a Blocked verdict, or what the timing rules need. Throws
 * GuardInputError naming the field for data it cannot read (including a missing or invalid time
 * zone when quiet hours are on and there is no default).
 */
export function checkContact(fields: ContactFields, settings: GuardSettings): { blocked: Verdict } | Eligible {
	if (readUnsubscribed(fields.unsubscribed)) {
		return { blocked: { decision: 'blocked', code: 'unsubscribed', reason: 'unsubscribed from all messages' } };
	}
	const suppressed = readSuppression(fields.suppression);
	if (suppressed.length > 0) return { blocked: { decision: 'blocked', code: 'suppressed', reason: suppressed.join('; ') } };
	const consent = readConsent(fields.consent);
	if (consent === 'opted_out') {
		return { blocked: { decision: 'blocked', code: 'opted_out', reason: `opted out of ${settings.channel}` } };
	}
	if (consent === 'unknown' && settings.unknownConsent === 'block') {
		return {
			blocked: {
				decision: 'blocked',
				code: 'consent_unknown',
				reason: `no consent recorded for ${settings.channel} (unknown consent is blocked)`,
			},
		};
	}
	if (!settings.quiet) return { consent, zone: null };
	const raw = fields.timezone;
	if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
		if (settings.defaultTimezone) return { consent, zone: settings.defaultTimezone };
		throw new GuardInputError('Time Zone is missing and there is no Default Time Zone', ZONE_FIX, 'Time Zone');
	}
	if (typeof raw !== 'string') throw new GuardInputError(`Time Zone is ${shown(raw)}, not a time zone name`, ZONE_FIX, 'Time Zone');
	return { consent, zone: checkZone(raw, 'Time Zone') };
}

const SECOND = 1000;
const ceilSecond = (ms: number) => Math.ceil(ms / SECOND) * SECOND;
const MAX_ROUNDS = 100;

/**
 * The timing decision for an eligible contact at `now`. `sends` (oldest first) holds the contact's
 * sends and reservations on any channel; null means "not known yet" (the Postgres ledger reads
 * them only for contacts that could go now), and then only quiet hours are applied.
 */
export function decideTiming(eligible: Eligible, settings: GuardSettings, now: number, sends: readonly Send[] | null): Verdict {
	const { quiet, caps, channel } = settings;
	const zone = eligible.zone;
	const capsApply = sends !== null && caps.length > 0;
	if (capsApply && settings.whenCapped === 'block') {
		for (const rule of caps) {
			const check = checkCap(rule, channel, sends, now);
			if (!check.allowed) return { decision: 'blocked', code: 'capped', reason: capReason(rule, channel, check) };
		}
	}
	const reasons: string[] = [];
	let code: DelayCode | undefined;
	const note = (text: string, c: DelayCode) => {
		if (!reasons.includes(text)) reasons.push(text);
		code ??= c;
	};
	let t = now;
	for (let round = 0; ; round++) {
		if (round >= MAX_ROUNDS) throw new Error(`The guard's rules did not settle after ${MAX_ROUNDS} rounds (at ${isoUtc(t)})`);
		const before = t;
		if (quiet && zone && isQuiet(quiet, zone, t)) {
			t = quietHoursEnd(quiet, zone, t);
			note(`quiet hours ${quiet.label} in ${zone}`, 'quiet_hours');
		}
		if (capsApply && settings.whenCapped === 'delay') {
			for (const rule of caps) {
				const check = checkCap(rule, channel, sends, t);
				if (!check.allowed) {
					t = Math.max(t, ceilSecond(check.freeAt));
					note(capReason(rule, channel, check), 'capped');
				}
			}
		}
		if (t === before) break;
	}
	if (t === now) return { decision: 'send' };
	const when = zone ? `${describeLocal(zone, t, now)} local` : isoUtc(t);
	return { decision: 'delay', resumeAt: t, code: code ?? 'capped', reason: `${reasons.join('; ')}; resumes ${when}` };
}

/**
 * The "From Input" ledger's view of one run: sends reserved by earlier items of the same contact,
 * so that a contact twice in a batch is capped within the batch.
 */
export class RunReservations {
	private readonly byContact = new Map<string, Send[]>();

	/** The contact's history with this run's reservations merged in, oldest first. */
	withReservations(contactId: string, history: Send[]): Send[] {
		const reserved = this.byContact.get(contactId);
		if (!reserved) return history;
		return [...history, ...reserved].sort((a, b) => a.at - b.at);
	}

	reserve(contactId: string, channel: string, at: number, message?: string): void {
		const list = this.byContact.get(contactId) ?? [];
		list.push(message ? { at, channel, thisRun: true, message } : { at, channel, thisRun: true });
		this.byContact.set(contactId, list);
	}
}

/**
 * Whether the contact's sends already hold this message: then this pass is that message again (a
 * retried or re-run execution, which the channel node skips), not a new message for the caps.
 * Matched on the channel too: in a journey a Message ID names one message on one channel, and a
 * "welcome" SMS must not let a "welcome" email past the caps. Exact text: a near miss counts as a
 * new message, which errs towards sending less.
 */
export function firstPass(sends: readonly Send[], channel: string, message: string | undefined): Send | undefined {
	if (!message) return undefined;
	let first: Send | undefined;
	for (const send of sends) if (send.message === message && send.channel === channel && (!first || send.at < first.at)) first = send;
	return first;
}

export const isRepeat = (sends: readonly Send[], channel: string, message: string | undefined): boolean => firstPass(sends, channel, message) !== undefined;

/**
 * The verdict for the same message again: Send now, neither counted nor held for quiet hours. It
 * carries when the message first went, so a journey timed from it (tips a day after the welcome)
 * catches up instead of starting over.
 */
export const repeatOf = (first: Send): Verdict => ({ decision: 'send', repeat: true, firstSentAt: first.at });

/** One contact, start to end, with the history on the item (the "From Input" ledger). */
export function decide(fields: ContactFields, settings: GuardSettings, now: number, sends: readonly Send[], message?: string): Verdict {
	const checked = checkContact(fields, settings);
	if ('blocked' in checked) return checked.blocked;
	const first = firstPass(sends, settings.channel, message);
	if (first) return repeatOf(first);
	return decideTiming(checked, settings, now, sends);
}
