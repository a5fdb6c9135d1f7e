/**
 * From events to journeys: per user, in time order, each conversion
 * closes a journey made of the user's touches since the previous conversion that are at most the
 * lookback window older than it. Every touch belongs to at most one journey:
 *
 * - touches older than the window before the conversion that follows them belong to none (they are
 *   counted as outside the window);
 * - a conversion with no touch left belongs to none (counted, with its value, as without touches);
 * - the touches after a user's last conversion form one non-converting journey, which Markov and
 *   the conversion-rate Shapley game need (the rule-based models and the simplified game ignore it).
 *
 * Events at the same instant keep their input order, and a touch at the very instant of a
 * conversion counts as before it. Consecutive repeats of one group stay separate touches unless
 * `collapseRepeats` is set, which keeps the first of each run.
 */
import { EVENT_FATE, type EventTable, type Journeys } from './types';

export interface JourneyOptions {
	/** The lookback window in milliseconds; Infinity for none. */
	lookbackMs: number;
	collapseRepeats?: boolean;
}

export interface JourneyStats {
	events: number;
	touches: number;
	conversions: number;
	journeys: number;
	convertingJourneys: number;
	nonConvertingJourneys: number;
	/** Touches inside journeys (after collapsing). */
	journeyTouches: number;
	touchesOutsideWindow: number;
	collapsedTouches: number;
	conversionsWithoutTouches: number;
	valueWithoutTouches: number;
}

export interface BuiltJourneys {
	journeys: Journeys;
	/** Per event row: what became of it (EVENT_FATE). */
	fate: Uint8Array;
	/** Per event row: its journey, or −1. */
	eventJourney: Int32Array;
	stats: JourneyStats;
}

/** Event rows ordered by user, then time, then input order (a counting sort, then per-user sorts). */
function orderEvents(table: EventTable): Int32Array {
	const { length, user, time, userCount } = table;
	const offsets = new Int32Array(userCount + 1);
	for (let i = 0; i < length; i++) offsets[user[i] + 1]++;
	for (let u = 0; u < userCount; u++) offsets[u + 1] += offsets[u];
	const next = offsets.slice(0, userCount);
	const order = new Int32Array(length);
	for (let i = 0; i < length; i++) order[next[user[i]]++] = i;
	for (let u = 0; u < userCount; u++) {
		const from = offsets[u];
		const to = offsets[u + 1];
		let sorted = true;
		for (let k = from + 1; k < to; k++) {
			if (time[order[k]] < time[order[k - 1]]) {
				sorted = false;
				break;
			}
		}
		if (sorted) continue;
		// Rows of one user are already in input order, so a stable sort by time keeps ties in input order.
		const rows = Array.from(order.subarray(from, to));
		rows.sort((a, b) => time[a] - time[b] || a - b);
		order.set(rows, from);
	}
	return order;
}

export function buildJourneys(table: EventTable, options: JourneyOptions): BuiltJourneys {
	const { length, time, conversion, group, direct, value, user } = table;
	const lookback = options.lookbackMs > 0 ? options.lookbackMs : Infinity;
	const collapse = options.collapseRepeats === true;
	const order = orderEvents(table);

	const fate = new Uint8Array(length);
	const eventJourney = new Int32Array(length).fill(-1);
	const touchGroup = new Int32Array(length);
	const touchTime = new Float64Array(length);
	const touchDirect = new Uint8Array(length);
	const start = new Int32Array(length + 1);
	const converted = new Uint8Array(length);
	const journeyValue = new Float64Array(length);
	const conversionTime = new Float64Array(length);
	const journeyUser = new Int32Array(length);
	const stats: JourneyStats = {
		events: length,
		touches: 0,
		conversions: 0,
		journeys: 0,
		convertingJourneys: 0,
		nonConvertingJourneys: 0,
		journeyTouches: 0,
		touchesOutsideWindow: 0,
		collapsedTouches: 0,
		conversionsWithoutTouches: 0,
		valueWithoutTouches: 0,
	};

	let touches = 0;
	let count = 0;

	/** Closes a journey of the touch rows order[from … to − 1]; returns false when none is left. */
	const close = (from: number, to: number, touchFate: number): boolean => {
		const first = touches;
		let lastGroup = -1;
		for (let k = from; k < to; k++) {
			const e = order[k];
			eventJourney[e] = count;
			fate[e] = touchFate;
			if (collapse && group[e] === lastGroup) {
				stats.collapsedTouches++;
				continue;
			}
			lastGroup = group[e];
			touchGroup[touches] = group[e];
			touchTime[touches] = time[e];
			touchDirect[touches] = direct[e];
			touches++;
		}
		if (touches === first) return false;
		start[count] = first;
		return true;
	};

	let k = 0;
	while (k < length) {
		const u = user[order[k]];
		let pending = k;
		for (; k < length && user[order[k]] === u; k++) {
			const e = order[k];
			if (!conversion[e]) {
				stats.touches++;
				continue;
			}
			stats.conversions++;
			const at = time[e];
			// Touches are in time order: the ones older than the window are a prefix.
			let from = pending;
			while (from < k && at - time[order[from]] > lookback) {
				fate[order[from]] = EVENT_FATE.outsideWindow;
				stats.touchesOutsideWindow++;
				from++;
			}
			if (close(from, k, EVENT_FATE.convertingTouch)) {
				converted[count] = 1;
				journeyValue[count] = value[e];
				conversionTime[count] = at;
				journeyUser[count] = u;
				fate[e] = EVENT_FATE.conversion;
				eventJourney[e] = count;
				count++;
				stats.convertingJourneys++;
			} else {
				fate[e] = EVENT_FATE.conversionWithoutTouches;
				stats.conversionsWithoutTouches++;
				stats.valueWithoutTouches += value[e];
			}
			pending = k + 1;
		}
		if (pending < k && close(pending, k, EVENT_FATE.nonConvertingTouch)) {
			converted[count] = 0;
			conversionTime[count] = NaN;
			journeyUser[count] = u;
			count++;
			stats.nonConvertingJourneys++;
		}
	}
	start[count] = touches;
	stats.journeys = count;
	stats.journeyTouches = touches;

	return {
		journeys: {
			count,
			start: start.subarray(0, count + 1),
			converted: converted.subarray(0, count),
			value: journeyValue.subarray(0, count),
			conversionTime: conversionTime.subarray(0, count),
			user: journeyUser.subarray(0, count),
			touchGroup: touchGroup.subarray(0, touches),
			touchTime: touchTime.subarray(0, touches),
			touchDirect: touchDirect.subarray(0, touches),
			groups: table.groups,
		},
		fate,
		eventJourney,
		stats,
	};
}

/** A pre-built journey, as the node's "Journeys" input gives it. */
export interface JourneyInput {
	touches: Array<{ group: number; time?: number; direct?: boolean }>;
	converted: boolean;
	value?: number;
	conversionTime?: number;
}

/** Journeys given one per item: taken as they are (no lookback window), repeats collapsed on request. */
export function journeysFromList(list: readonly JourneyInput[], groups: string[], collapseRepeats = false): Journeys {
	let total = 0;
	for (const j of list) total += j.touches.length;
	const start = new Int32Array(list.length + 1);
	const touchGroup = new Int32Array(total);
	const touchTime = new Float64Array(total);
	const touchDirect = new Uint8Array(total);
	let t = 0;
	list.forEach((journey, j) => {
		start[j] = t;
		let lastGroup = -1;
		for (const touch of journey.touches) {
			if (collapseRepeats && touch.group === lastGroup) continue;
			lastGroup = touch.group;
			touchGroup[t] = touch.group;
			touchTime[t] = touch.time ?? NaN;
			touchDirect[t] = touch.direct ? 1 : 0;
			t++;
		}
	});
	start[list.length] = t;
	return {
		count: list.length,
		start,
		converted: Uint8Array.from(list, (j) => (j.converted ? 1 : 0)),
		value: Float64Array.from(list, (j) => (j.converted ? (j.value ?? 0) : 0)),
		conversionTime: Float64Array.from(list, (j) => (j.converted ? (j.conversionTime ?? NaN) : NaN)),
		user: new Int32Array(list.length).fill(-1),
		touchGroup: touchGroup.subarray(0, t),
		touchTime: touchTime.subarray(0, t),
		touchDirect: touchDirect.subarray(0, t),
		groups,
	};
}
