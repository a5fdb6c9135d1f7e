/**
 * Quiet hours in the recipient's own time zone, and the exact UTC instant they end.
 *
 * An instant is quiet when the recipient's wall-clock time (hours and minutes) lies in
 * [start, end): 21:00–08:00 wraps midnight (quiet from 21:00 until 07:59 the next morning),
 * 12:00–14:00 does not, and start = end means no quiet hours at all.
 *
 * The end of a quiet stretch is "the first instant at which the wall clock shows the end time",
 * which daylight-saving changes make subtle, and luxon alone gets wrong in two cases:
 * - the end time does not exist that day (spring forward skips 02:00–02:59 in Europe/Berlin):
 *   the stretch ends at the transition itself, the first instant whose wall time is past the end;
 * - the end time happens twice (fall back repeats 02:00–02:59): the first occurrence ends it,
 *   where luxon would pick the second.
 * So the end is found from the zone's offsets directly: each offset in force around that day
 * gives one candidate instant (wall time − offset), kept if the zone really has that offset then.
 */
import { IANAZone } from 'luxon';

import { shown } from '../../shared/show';

import { GuardInputError, GuardSettingsError } from './errors';

export interface QuietHours {
	/** Minutes after local midnight at which quiet hours start. */
	start: number;
	/** Minutes after local midnight at which they end (exclusive). */
	end: number;
	/** "21:00–08:00", for reasons. */
	label: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** "HH:mm" (or "H:mm", 24-hour) to minutes after midnight. */
export function parseClock(text: string, setting: string): number {
	const match = /^\s*(\d{1,2}):(\d{2})\s*$/.exec(text ?? '');
	const hours = match ? Number(match[1]) : NaN;
	const minutes = match ? Number(match[2]) : NaN;
	if (!match || hours > 23 || minutes > 59) {
		throw new GuardSettingsError(
			`${setting} is "${text}", not a time of day`,
			'Write the time as HH:MM on a 24-hour clock, e.g. 21:00 or 08:00.',
			setting,
		);
	}
	return hours * 60 + minutes;
}

export const formatClock = (minutes: number) =>
	`${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Quiet hours from their two settings; null when start equals end (no quiet hours). */
export function quietHours(start: string, end: string): QuietHours | null {
	const s = parseClock(start, 'Quiet Hours Start');
	const e = parseClock(end, 'Quiet Hours End');
	if (s === e) return null;
	return { start: s, end: e, label: `${formatClock(s)}–${formatClock(e)}` };
}

/**
 * Checking a zone name costs about 0.2 ms (Intl builds a formatter each time), which on 50,000
 * contacts is seconds; the answers are memoised. A memo of a pure function, not state: any process
 * gives the same answer for the same name.
 */
const zoneMemo = new Map<string, string | null>();

function canonicalZone(name: string): string | null {
	let canonical = zoneMemo.get(name);
	if (canonical === undefined) {
		canonical = IANAZone.isValidZone(name)
			? new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone || name
			: null;
		if (zoneMemo.size >= 10_000) zoneMemo.clear();
		zoneMemo.set(name, canonical);
	}
	return canonical;
}

/**
 * The canonical name of an IANA time zone ("europe/berlin" → "Europe/Berlin"), or an error naming
 * the field it came from. Offsets such as "+02:00" are refused: they ignore daylight saving.
 */
export function checkZone(name: string, field: string, setting = false): string {
	const trimmed = name.trim();
	const canonical = canonicalZone(trimmed);
	if (canonical) return canonical;
	const message = `${field} is ${shown(name)}, which is not an IANA time zone`;
	const fix = `Use a time zone name from the IANA database, such as Europe/Berlin, America/New_York or Asia/Tokyo${
		/^[+-]?\d|^(utc|gmt)[+-]/i.test(trimmed) ? ' (a fixed offset would ignore daylight saving time)' : ''
	}.`;
	if (setting) throw new GuardSettingsError(message, fix, field);
	throw new GuardInputError(message, fix, field);
}

/** The zone's UTC offset in minutes at an instant (luxon caches the zone and its formatter). */
const offsetAt = (zone: string, ms: number) => IANAZone.create(zone).offset(ms);

const DAY = 24 * HOUR;

/** Minutes after local midnight at an instant. */
function localMinutes(zone: string, ms: number): number {
	const local = ms + offsetAt(zone, ms) * MINUTE;
	return Math.floor((((local % DAY) + DAY) % DAY) / MINUTE);
}

/** Whether an instant falls in the quiet hours, in the given zone. */
export function isQuiet(quiet: QuietHours, zone: string, ms: number): boolean {
	const minutes = localMinutes(zone, ms);
	return quiet.start < quiet.end ? minutes >= quiet.start && minutes < quiet.end : minutes >= quiet.start || minutes < quiet.end;
}

/**
 * The first instant at or after `from` whose wall clock in `zone` reads `minutes` after midnight on
 * the given local date, or has just passed it (when the zone skips that time).
 */
export function wallTimeInstant(zone: string, date: { year: number; month: number; day: number }, minutes: number, from: number): number {
	const asUtc = Date.UTC(date.year, date.month - 1, date.day, Math.floor(minutes / 60), minutes % 60);
	// Every instant whose wall time could be this one lies within 14 hours of it (offsets span
	// −12:00 to +14:00), and zones change offset at most once in such a stretch: the offsets in
	// force across it are all the candidates.
	const offsets = new Set<number>();
	for (const hours of [-15, -8, 0, 8, 15]) offsets.add(offsetAt(zone, asUtc + hours * HOUR));
	const occurrences: number[] = [];
	for (const offset of offsets) {
		const candidate = asUtc - offset * MINUTE;
		if (offsetAt(zone, candidate) === offset && candidate >= from) occurrences.push(candidate);
	}
	if (occurrences.length > 0) return Math.min(...occurrences);
	// The wall time is skipped: find the transition, the first instant after which the wall clock
	// reads later than `minutes` (offsets only change at whole seconds).
	const sorted = [...offsets].sort((a, b) => a - b);
	let low = asUtc - sorted[sorted.length - 1] * MINUTE; // wall clock still before the gap
	let high = asUtc - sorted[0] * MINUTE; // wall clock already past it
	const past = (ms: number) => ms + offsetAt(zone, ms) * MINUTE >= asUtc;
	while (high - low > 1000) {
		const mid = low + Math.floor((high - low) / 2000) * 1000;
		if (past(mid)) high = mid;
		else low = mid;
	}
	return Math.max(high, from);
}

/**
 * When the quiet stretch containing `ms` ends, or `ms` itself when it is not quiet. The result is
 * never quiet (start ≠ end), so callers can iterate with other rules to a fixed point.
 */
export function quietHoursEnd(quiet: QuietHours, zone: string, ms: number): number {
	let end = ms;
	// A skipped hour can jump over the end and the next start at once (00:01–00:00 on a day whose
	// midnight does not exist): the clock lands in tomorrow's quiet hours, so their end is the answer.
	for (let hop = 0; hop < 3 && isQuiet(quiet, zone, end); hop++) end = stretchEnd(quiet, zone, end);
	return end;
}

/** The end of the quiet stretch containing `ms` (a quiet instant), as the wall clock defines it. */
function stretchEnd(quiet: QuietHours, zone: string, ms: number): number {
	const local = new Date(ms + offsetAt(zone, ms) * MINUTE); // wall clock, read with the UTC getters
	const minutes = local.getUTCHours() * 60 + local.getUTCMinutes();
	// Wrapping windows (21:00–08:00) entered before midnight end on the next local day.
	const next = quiet.start > quiet.end && minutes >= quiet.start ? 1 : 0;
	const endDay = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + next));
	return wallTimeInstant(zone, { year: endDay.getUTCFullYear(), month: endDay.getUTCMonth() + 1, day: endDay.getUTCDate() }, quiet.end, ms);
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A local time for reasons: "08:00", or "Mon 24 Nov 08:00" when more than a day away. */
export function describeLocal(zone: string, ms: number, now: number): string {
	const local = new Date(ms + offsetAt(zone, ms) * MINUTE);
	const clock = formatClock(local.getUTCHours() * 60 + local.getUTCMinutes());
	if (ms - now <= 24 * HOUR) return clock;
	return `${WEEKDAYS[local.getUTCDay()]} ${local.getUTCDate()} ${MONTHS[local.getUTCMonth()]} ${clock}`;
}
