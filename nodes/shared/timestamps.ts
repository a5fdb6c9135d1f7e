/**
 * Timestamps as Campaign Kit reads them (Marketing Event Trigger, Attribution): ISO 8601 text
 * (with an offset, or UTC when it has none), epoch milliseconds, epoch seconds, Date and Luxon
 * DateTime values. A hand-written ISO parser: Date.parse accepts loose formats ("03/04/2024", read
 * in the server's time zone) that would silently move touches, and Luxon's parser is ten times
 * slower on a million events.
 */

const ISO =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The last epoch millisecond of a valid JavaScript Date (ECMAScript's ±8.64e15 ms). */
const LAST_DATE_MS = 8.64e15;

/** Numbers below this are epoch seconds (1e11 s is the year 5138; 1e11 ms is March 1973). */
const SECONDS_LIMIT = 1e11;

/** Digits at text[from … from + count − 1] as a number; −1 when one is not a digit. */
function digits(text: string, from: number, count: number): number {
	let n = 0;
	for (let i = from; i < from + count; i++) {
		const c = text.charCodeAt(i) - 48;
		if (c < 0 || c > 9) return -1;
		n = n * 10 + c;
	}
	return n;
}

/**
 * The shape analytics tools and JavaScript's toISOString() write, YYYY-MM-DDTHH:MM:SS[.sss]Z, read
 * character by character (a tenth of the regular expression's time); NaN sends anything else to it.
 */
function utcIsoToMillis(text: string): number {
	const length = text.length;
	if ((length !== 20 && length !== 24) || text.charCodeAt(length - 1) !== 90 /* Z */) return NaN;
	if (text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':') return NaN;
	if (length === 24 && text[19] !== '.') return NaN;
	const year = digits(text, 0, 4);
	const month = digits(text, 5, 2);
	const day = digits(text, 8, 2);
	const hour = digits(text, 11, 2);
	const minute = digits(text, 14, 2);
	const second = digits(text, 17, 2);
	const millis = length === 24 ? digits(text, 20, 3) : 0;
	if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || millis < 0) return NaN;
	const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
	if (day > DAYS_IN_MONTH[month - 1] + (leap ? 1 : 0)) return NaN;
	return Date.UTC(year, month - 1, day, hour, minute, second, millis);
}

function isoToMillis(text: string): number {
	const fast = utcIsoToMillis(text);
	if (!Number.isNaN(fast)) return fast;
	const m = ISO.exec(text);
	if (!m) return NaN;
	const year = +m[1];
	const month = +m[2];
	const day = +m[3];
	if (month < 1 || month > 12 || day < 1) return NaN;
	const leap = month === 2 && (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0));
	if (day > DAYS_IN_MONTH[month - 1] + (leap ? 1 : 0)) return NaN;
	const hour = m[4] === undefined ? 0 : +m[4];
	const minute = m[5] === undefined ? 0 : +m[5];
	const second = m[6] === undefined ? 0 : +m[6];
	if (hour > 24 || minute > 59 || second > 60 || (hour === 24 && (minute > 0 || second > 0))) return NaN;
	const millis = m[7] === undefined ? 0 : Math.floor(+`0.${m[7]}` * 1000 + 1e-7);
	let offset = 0;
	const zone = m[8];
	if (zone && zone !== 'Z' && zone !== 'z') {
		const sign = zone[0] === '-' ? -1 : 1;
		const digits = zone.slice(1).replace(':', '');
		const hours = +digits.slice(0, 2);
		const minutes = digits.length > 2 ? +digits.slice(2, 4) : 0;
		if (hours > 23 || minutes > 59) return NaN;
		offset = sign * (hours * 60 + minutes) * 60_000;
	}
	return Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), millis) - offset;
}

/** Epoch milliseconds of a timestamp, or NaN when it cannot be read. */
export function toMillis(value: unknown): number {
	if (typeof value === 'string') {
		const text = value.trim();
		if (/^\d{9,}(\.\d+)?$/.test(text)) return toMillis(Number(text));
		return isoToMillis(text);
	}
	if (typeof value === 'number') {
		if (!Number.isFinite(value) || value <= 0) return NaN;
		const millis = value < SECONDS_LIMIT ? value * 1000 : value;
		// Past the last moment a JavaScript date can hold (year 275760) there is no time to read.
		return millis <= LAST_DATE_MS ? millis : NaN;
	}
	if (value instanceof Date) return value.getTime();
	if (value && typeof value === 'object') {
		const withMillis = value as { toMillis?: () => number; toISO?: () => string };
		if (typeof withMillis.toMillis === 'function') return withMillis.toMillis();
	}
	return NaN;
}

export const DAY_MS = 86_400_000;
