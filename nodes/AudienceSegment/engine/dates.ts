/**
 * Dates as segments see them: epoch milliseconds, parsed once from a strict ISO 8601 subset that
 * PostgreSQL parses the same way, local times placed in the segment's time zone by PostgreSQL's own
 * rule, and relative values (now, today, ±durations) computed once per execution with luxon.
 *
 * Accepted text (and nothing else: other text is "not a date"):
 *   YYYY-MM-DD                                   midnight in the segment's time zone
 *   YYYY-MM-DD(T| )HH:MM[:SS[.fraction]][offset] offset Z, ±HH, ±HHMM or ±HH:MM; none: local time
 * Years 0001–9999, real calendar days, hours 00–23, seconds 00–59 (no leap second), offsets below
 * ±15:00, fractions of 1 to 9 digits of which the first 3 count (milliseconds, truncated).
 *
 * A local time that does not exist (spring forward) or exists twice (fall back) resolves as
 * PostgreSQL resolves `timestamp AT TIME ZONE zone`: of the two offsets around the transition, the
 * one giving the later instant.
 */
import { DateTime, Duration, IANAZone } from 'luxon';

import type { DateSpec } from './types';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1–12). */
export function daysFromCivil(y: number, m: number, d: number): number {
	y -= m <= 2 ? 1 : 0;
	const era = Math.floor(y / 400);
	const yoe = y - era * 400;
	const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
	const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
	return era * 146097 + doe - 719468;
}

/** [year, month 1–12, day] of a day number since 1970-01-01. */
export function civilFromDays(z: number): [number, number, number] {
	z += 719468;
	const era = Math.floor(z / 146097);
	const doe = z - era * 146097;
	const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
	const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
	const mp = Math.floor((5 * doy + 2) / 153);
	const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
	const m = mp + (mp < 10 ? 3 : -9);
	return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d];
}

export const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

export function daysInMonth(y: number, m: number): number {
	if (m === 2) return isLeapYear(y) ? 29 : 28;
	return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** The instants a date may take (0001-01-01 to 9999-12-31 UTC): what both JavaScript and PostgreSQL hold. */
export const MIN_DATE_MS = daysFromCivil(1, 1, 1) * DAY;
export const MAX_DATE_MS = daysFromCivil(10000, 1, 1) * DAY - 1;

/** A time zone that places local wall-clock times and tells the offset at an instant. */
export interface SegmentZone {
	name: string;
	/** Offset from UTC in minutes at an instant. */
	offset(utcMs: number): number;
	/** The instant of a local wall-clock time (given as if it were UTC). */
	toUtc(localMs: number): number;
}

const UTC_ZONE: SegmentZone = { name: 'UTC', offset: () => 0, toUtc: (local) => local };

/**
 * A zone by IANA name ("Europe/Berlin", "UTC"). Fixed-offset names such as "UTC+2" are refused:
 * PostgreSQL reads them with the POSIX sign, the opposite of what they seem to say.
 */
export function segmentZone(name: string): SegmentZone {
	if (name === 'UTC' || name === 'Etc/UTC' || name === 'Z') return UTC_ZONE;
	if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name) || /^(UTC|GMT)[+-]/i.test(name) || !IANAZone.isValidZone(name)) {
		throw new RangeError(`"${name}" is not an IANA time zone name such as "Europe/Berlin" or "America/New_York"`);
	}
	const zone = IANAZone.create(name);
	const offset = (utcMs: number) => zone.offset(utcMs);
	return {
		name,
		offset,
		toUtc(local) {
			const before = offset(local - DAY);
			const after = offset(local + DAY);
			if (before === after) return local - before * MINUTE;
			const a = local - before * MINUTE;
			const b = local - after * MINUTE;
			const aHolds = offset(a) === before;
			const bHolds = offset(b) === after;
			if (aHolds !== bHolds) return aHolds ? a : b;
			// A gap or an overlap: PostgreSQL takes the later instant in both cases.
			return Math.max(a, b);
		},
	};
}

const digit = (s: string, i: number) => {
	const c = s.charCodeAt(i) - 48;
	return c >= 0 && c <= 9 ? c : -1;
};

function two(s: string, i: number): number {
	const a = digit(s, i);
	const b = digit(s, i + 1);
	return a < 0 || b < 0 ? -1 : a * 10 + b;
}

/**
 * Epoch milliseconds of an ISO date in the accepted subset, NaN for anything else. Hand-written
 * (no regex, no luxon) because event timestamps are parsed in the hot loop.
 */
export function parseIsoDate(s: string, zone: SegmentZone): number {
	const n = s.length;
	if (n < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return NaN;
	const y1 = two(s, 0);
	const y2 = two(s, 2);
	const m = two(s, 5);
	const d = two(s, 8);
	if (y1 < 0 || y2 < 0 || m < 1 || m > 12 || d < 1) return NaN;
	const y = y1 * 100 + y2;
	if (y === 0 || d > daysInMonth(y, m)) return NaN;
	const days = daysFromCivil(y, m, d);
	if (n === 10) return zone.toUtc(days * DAY);
	const sep = s.charCodeAt(10);
	if ((sep !== 84 && sep !== 32) || n < 16 || s.charCodeAt(13) !== 58) return NaN;
	const hh = two(s, 11);
	const mi = two(s, 14);
	if (hh < 0 || hh > 23 || mi < 0 || mi > 59) return NaN;
	let i = 16;
	let sec = 0;
	let ms = 0;
	if (i < n && s.charCodeAt(i) === 58) {
		sec = two(s, i + 1);
		if (sec < 0 || sec > 59) return NaN;
		i += 3;
		if (i < n && s.charCodeAt(i) === 46) {
			i++;
			const start = i;
			while (i < n && digit(s, i) >= 0) {
				if (i - start < 3) ms = ms * 10 + digit(s, i);
				i++;
			}
			const len = i - start;
			if (len < 1 || len > 9) return NaN;
			if (len === 1) ms *= 100;
			else if (len === 2) ms *= 10;
		}
	}
	const local = days * DAY + hh * HOUR + mi * MINUTE + sec * 1000 + ms;
	if (i === n) return zone.toUtc(local);
	const c = s.charCodeAt(i);
	if (c === 90) return i + 1 === n ? local : NaN; // Z
	if (c !== 43 && c !== 45) return NaN;
	const oh = two(s, i + 1);
	if (oh < 0 || oh > 14) return NaN;
	let om = 0;
	const rest = n - (i + 3);
	if (rest === 0) om = 0;
	else if (rest === 2) om = two(s, i + 3);
	else if (rest === 3 && s.charCodeAt(i + 3) === 58) om = two(s, i + 4);
	else return NaN;
	if (om < 0 || om > 59) return NaN;
	const offset = (oh * 60 + om) * MINUTE;
	return c === 43 ? local - offset : local + offset;
}

/** Epoch milliseconds of a contact's date value (ISO text or a Date object), NaN when it is none. */
export function toDateMs(value: unknown, zone: SegmentZone): number {
	if (typeof value === 'string') return parseIsoDate(value, zone);
	if (value instanceof Date) {
		const ms = value.getTime();
		return ms >= MIN_DATE_MS && ms <= MAX_DATE_MS ? ms : NaN;
	}
	return NaN;
}

/** `MM-DD` of an instant in a zone. */
export function monthDay(utcMs: number, zone: SegmentZone): string {
	const local = utcMs + zone.offset(utcMs) * MINUTE;
	const [, m, d] = civilFromDays(Math.floor(local / DAY));
	return `${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/** An ISO 8601 duration, or null when the text is not one. */
export function parseDuration(text: string): Duration | null {
	if (typeof text !== 'string' || !/^P/.test(text)) return null;
	const duration = Duration.fromISO(text);
	return duration.isValid ? duration : null;
}

/** `now` moved by a signed duration, calendar-aware in the zone (P1D across a DST change is 23 or 25 hours). */
export function shift(nowMs: number, zone: SegmentZone, duration: string, sign: 1 | -1): number {
	const parsed = parseDuration(duration);
	if (!parsed) return NaN;
	const start = DateTime.fromMillis(nowMs, { zone: zone.name });
	return (sign > 0 ? start.plus(parsed) : start.minus(parsed)).toMillis();
}

/** Midnight today in the zone. */
export function startOfToday(nowMs: number, zone: SegmentZone): number {
	return DateTime.fromMillis(nowMs, { zone: zone.name }).startOf('day').toMillis();
}

/**
 * The `MM-DD` days from today through today + window in the zone. A day that is February 28 in a
 * year without February 29 also admits 02-29: leap-day birthdays are celebrated on the 28th.
 */
export function anniversaryDays(nowMs: number, zone: SegmentZone, window: string | undefined): string[] {
	const today = DateTime.fromMillis(nowMs, { zone: zone.name }).startOf('day');
	const last = window ? today.plus(parseDuration(window) ?? Duration.fromMillis(0)) : today;
	const days = new Set<string>();
	for (let day = today; day <= last && days.size < 367; day = day.plus({ days: 1 })) {
		days.add(day.toFormat('MM-dd'));
		if (day.month === 2 && day.day === 28 && !day.isInLeapYear) days.add('02-29');
	}
	return [...days];
}

/** The instant a date value of a definition stands for in this execution; NaN outside 0001–9999. */
export function resolveDate(spec: DateSpec, nowMs: number, zone: SegmentZone): number {
	let ms: number;
	if (spec.kind === 'iso') ms = parseIsoDate(spec.text, zone);
	else if (spec.kind === 'now') ms = nowMs;
	else if (spec.kind === 'today') ms = startOfToday(nowMs, zone);
	else ms = shift(nowMs, zone, spec.duration, spec.sign);
	return ms >= MIN_DATE_MS && ms <= MAX_DATE_MS ? ms : NaN;
}

/** An instant as text PostgreSQL reads as timestamptz (UTC, millisecond precision). */
export function isoUtc(ms: number): string {
	return new Date(ms).toISOString();
}
