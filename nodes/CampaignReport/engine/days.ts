/**
 * Calendar days as whole numbers (days since 1970-01-01 in the report's time zone), the report
 * periods built on them, and reading a row's date into one. A day number is cheap to index arrays
 * with and has no time zone left in it: the zone is applied once, when a timestamp is read.
 */
import { DateTime } from 'luxon';

import { toMillis } from '../../shared/timestamps';

export const DAY_MS = 86_400_000;

/** 'YYYY-MM-DD' of a day number. */
export function isoDay(day: number): string {
	return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The day number of 'YYYY-MM-DD', or NaN. */
export function dayOfIso(text: string): number {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return NaN;
	const ms = Date.UTC(+text.slice(0, 4), +text.slice(5, 7) - 1, +text.slice(8, 10));
	// Date.UTC rolls 2026-02-30 over into March: refuse it instead.
	return isoDay(ms / DAY_MS) === text ? ms / DAY_MS : NaN;
}

/** 0 = Monday … 6 = Sunday (1970-01-01, day 0, was a Thursday). */
export const weekday = (day: number): number => (((day + 3) % 7) + 7) % 7;

/** The day number of an instant in a time zone with the part of the day gone as a fraction (12:00 is x.5). */
export function localDayTime(ms: number, zone: string): number {
	const local = DateTime.fromMillis(ms, { zone });
	return (ms + local.offset * 60_000) / DAY_MS;
}

/** The calendar day of an instant in a time zone. */
export function dayOfMillis(ms: number, zone: string): number {
	return Math.floor(localDayTime(ms, zone));
}

/**
 * Reads row dates into day numbers, remembering each distinct text (a year of daily rows has 365
 * of them) and each hour's UTC offset, so a million rows cost a million map look-ups.
 * A bare date ('2026-03-01') is that calendar day as written; a timestamp with a time is moved into
 * the report's time zone first ('2026-03-01T23:30:00Z' is 2 March in Berlin).
 */
export function dayReader(zone: string): (value: unknown) => number {
	const texts = new Map<string, number>();
	const offsets = new Map<number, number>();
	const fromMillis = (ms: number) => {
		if (Number.isNaN(ms)) return NaN;
		const hour = Math.floor(ms / 3_600_000);
		let offset = offsets.get(hour);
		if (offset === undefined) {
			offset = DateTime.fromMillis(hour * 3_600_000, { zone }).offset * 60_000;
			offsets.set(hour, offset);
		}
		return Math.floor((ms + offset) / DAY_MS);
	};
	return (value) => {
		if (typeof value === 'string') {
			let day = texts.get(value);
			if (day === undefined) {
				const text = value.trim();
				day = text.length === 10 ? dayOfIso(text) : fromMillis(toMillis(text));
				if (texts.size < 100_000) texts.set(value, day);
			}
			return day;
		}
		if (value === undefined || value === null || value === '') return NaN;
		return fromMillis(toMillis(value));
	};
}

export type PeriodKind = 'thisWeek' | 'lastWeek' | 'thisMonth' | 'lastMonth' | 'last7Days' | 'last30Days' | 'custom' | 'allData';

/** A range of days, both ends included. */
export interface DayRange {
	start: number;
	end: number;
}

export interface Periods {
	/** The whole report period (a month for This Month, even on the 10th). */
	period: DayRange;
	/** The part of it up to the as-of day: what is compared and paced. */
	toDate: DayRange;
	/** The same number of days at the start of the period before (the previous week or month, or the days just before). */
	previous: DayRange;
	/** `toDate` one year earlier (calendar dates; 29 February becomes 28 February). */
	lastYear: DayRange;
	/** The period has not ended on the as-of day. */
	inProgress: boolean;
}

const length = (r: DayRange) => r.end - r.start + 1;

function monthRange(year: number, month: number): DayRange {
	const start = Date.UTC(year, month - 1, 1) / DAY_MS;
	return { start, end: Date.UTC(year, month, 1) / DAY_MS - 1 };
}

/** Days shifted by whole calendar years, luxon's rule for 29 February (to the 28th). */
function minusYear(day: number): number {
	const d = DateTime.fromMillis(day * DAY_MS, { zone: 'utc' }).minus({ years: 1 });
	return Math.round(d.toMillis() / DAY_MS);
}

/**
 * The report period and its comparisons.
 * - This week / this month: the calendar week (Monday first) or month containing the as-of day;
 *   compared and paced up to the as-of day.
 * - Last week / last month: the complete calendar week or month before it.
 * - Last 7 / 30 days: the complete days before the as-of day (today is not over yet).
 * - Custom: the dates given. All data: the first to the last day with data.
 * Previous: for calendar periods the previous week or month's first N days, N being the days
 * compared now (so the 10th of a month is compared with the 1st–10th of the last); otherwise the
 * N days just before.
 */
export function reportPeriods(kind: PeriodKind, asOfDay: number, custom?: DayRange, dataSpan?: DayRange): Periods {
	let period: DayRange;
	let previousStart: number;
	const wd = weekday(asOfDay);
	const asOf = new Date(asOfDay * DAY_MS);
	const year = asOf.getUTCFullYear();
	const month = asOf.getUTCMonth() + 1;
	switch (kind) {
		case 'thisWeek':
			period = { start: asOfDay - wd, end: asOfDay - wd + 6 };
			previousStart = period.start - 7;
			break;
		case 'lastWeek':
			period = { start: asOfDay - wd - 7, end: asOfDay - wd - 1 };
			previousStart = period.start - 7;
			break;
		case 'thisMonth':
			period = monthRange(year, month);
			previousStart = monthRange(month === 1 ? year - 1 : year, month === 1 ? 12 : month - 1).start;
			break;
		case 'lastMonth': {
			const [y, m] = month === 1 ? [year - 1, 12] : [year, month - 1];
			period = monthRange(y, m);
			previousStart = monthRange(m === 1 ? y - 1 : y, m === 1 ? 12 : m - 1).start;
			break;
		}
		case 'last7Days':
		case 'last30Days': {
			const n = kind === 'last7Days' ? 7 : 30;
			period = { start: asOfDay - n, end: asOfDay - 1 };
			previousStart = period.start - n;
			break;
		}
		case 'custom':
			period = { ...custom! };
			previousStart = period.start - length(period);
			break;
		case 'allData':
			period = { ...dataSpan! };
			previousStart = period.start - length(period);
			break;
	}
	const toDate = { start: period.start, end: Math.max(period.start, Math.min(period.end, asOfDay)) };
	const n = length(toDate);
	// The previous calendar period can be shorter (February after March 30th): stop at its end.
	const previousEnd = kind === 'thisMonth' || kind === 'lastMonth' ? Math.min(previousStart + n - 1, period.start - 1) : previousStart + n - 1;
	return {
		period,
		toDate,
		previous: { start: previousStart, end: previousEnd },
		lastYear: { start: minusYear(toDate.start), end: minusYear(toDate.end) },
		inProgress: asOfDay < period.end,
	};
}
