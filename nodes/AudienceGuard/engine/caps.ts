/**
 * Frequency caps: "at most `limit` messages per `window`", on this channel or across all channels,
 * counted over a rolling window from the contact's send history.
 *
 * A send at instant s counts at instant T while T − window < s, so "1 per day" after a send at
 * 07:00 allows the next one at 07:00 the day after, to the millisecond. When a cap is full, it
 * frees up when enough of the oldest sends in its window have left it: with the window's sends
 * sorted a₀ ≤ a₁ ≤ … ≤ a₍c−1₎ and c ≥ limit, at a₍c−limit₎ + window only limit − 1 remain.
 * Windows have a fixed length (a day is 24 hours): months and years have none, and are refused.
 */
import { Duration } from 'luxon';

import { shown } from '../../shared/show';

import { GuardSettingsError } from './errors';

export type CapScope = 'channel' | 'all';
export type WindowUnit = 'minutes' | 'hours' | 'days' | 'weeks';

export interface CapRule {
	limit: number;
	/** Window length in milliseconds. */
	windowMs: number;
	/** "day", "7 days", "12 hours": reads after "per". */
	windowLabel: string;
	scope: CapScope;
}

/** The settings of one cap as the canvas gives them. `window` may be an ISO 8601 duration instead. */
export interface CapSpec {
	limit: number;
	amount?: number;
	unit?: WindowUnit;
	/** ISO 8601 duration such as P1D, P7D, PT12H or P1W; takes precedence over amount and unit. */
	window?: string;
	scope?: CapScope;
}

/** One past (or reserved) send of a contact. */
export interface Send {
	/** Epoch milliseconds. */
	at: number;
	/** Lower-case channel name (email, sms, push, …). */
	channel: string;
	/** Reserved earlier in this run (a contact's earlier item in the same batch). */
	thisRun?: boolean;
	/** The Message ID the send went out under, when it had one (see decide.ts, firstPass). */
	message?: string;
}

const UNIT_MS: Record<WindowUnit, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000, weeks: 604_800_000 };
const SINGULAR: Record<WindowUnit, string> = { minutes: 'minute', hours: 'hour', days: 'day', weeks: 'week' };

function plural(amount: number, unit: WindowUnit): string {
	return amount === 1 ? SINGULAR[unit] : `${amount} ${unit}`;
}

/** A window from an amount and unit, or from an ISO 8601 duration. */
export function parseWindow(spec: { amount?: number; unit?: WindowUnit; window?: string }, setting: string): { ms: number; label: string } {
	if (spec.window !== undefined && spec.window.trim() !== '') {
		const text = spec.window.trim().toUpperCase();
		const duration = Duration.fromISO(text);
		const fix = 'Use an ISO 8601 duration in weeks, days, hours or minutes, e.g. P1D (a day), P7D, P1W or PT12H.';
		if (!duration.isValid) throw new GuardSettingsError(`${setting} is ${shown(spec.window)}, not an ISO 8601 duration`, fix, setting);
		const parts = duration.toObject();
		if (parts.years || parts.quarters || parts.months) {
			throw new GuardSettingsError(`${setting} is ${shown(spec.window)}: months and years have no fixed length`, `${fix} For a month, use P30D.`, setting);
		}
		const ms = duration.as('milliseconds');
		if (!(ms > 0)) throw new GuardSettingsError(`${setting} is ${shown(spec.window)}, which is no time at all`, fix, setting);
		const units: WindowUnit[] = ['weeks', 'days', 'hours', 'minutes'];
		const named = units.filter((u) => parts[u]).map((u) => plural(parts[u] as number, u));
		if (parts.seconds || parts.milliseconds) named.push(`${(parts.seconds ?? 0) + (parts.milliseconds ?? 0) / 1000} seconds`);
		const label = named.length === 1 ? named[0] : named.map((n) => (/^\d/.test(n) ? n : `1 ${n}`)).join(' ');
		return { ms, label };
	}
	const { amount, unit } = spec;
	if (!unit || !(unit in UNIT_MS)) {
		throw new GuardSettingsError(`${setting}: the unit ${shown(unit)} is not one of minutes, hours, days, weeks`, 'Choose Minutes, Hours, Days or Weeks.', setting);
	}
	if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) {
		throw new GuardSettingsError(`${setting}: the window is ${amount} ${unit}`, 'Use a window of more than 0, e.g. 1 day or 7 days.', setting);
	}
	return { ms: amount * UNIT_MS[unit], label: plural(amount, unit) };
}

/** Checks one cap's settings. `index` is 1-based, as the marketer counts them. */
export function capRule(spec: CapSpec, index: number): CapRule {
	const setting = `Frequency Cap ${index}`;
	if (!Number.isInteger(spec.limit) || spec.limit < 1) {
		throw new GuardSettingsError(
			`${setting}: the limit is ${spec.limit}`,
			'Use a whole number of 1 or more: how many messages a contact may get in the window.',
			setting,
		);
	}
	const scope = spec.scope ?? 'channel';
	if (scope !== 'channel' && scope !== 'all') {
		throw new GuardSettingsError(`${setting}: the scope is ${shown(scope)}`, 'Choose This Channel or All Channels.', setting);
	}
	const window = parseWindow(spec, setting);
	return { limit: spec.limit, windowMs: window.ms, windowLabel: window.label, scope };
}

/** "1 per day on email", "5 per week across all channels". */
export function describeCap(rule: CapRule, channel: string): string {
	return `${rule.limit} per ${rule.windowLabel} ${rule.scope === 'all' ? 'across all channels' : `on ${channel}`}`;
}

/** ISO 8601 in UTC without milliseconds when there are none: 2026-11-22T07:00:00Z. */
export function isoUtc(ms: number): string {
	const iso = new Date(ms).toISOString();
	return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

export type CapCheck = { allowed: true } | { allowed: false; freeAt: number; lastSent: Send; count: number };

/**
 * Whether one more send at `at` keeps within the cap, and if not, when it would. `sends` must be
 * sorted by time, oldest first.
 */
export function checkCap(rule: CapRule, channel: string, sends: readonly Send[], at: number): CapCheck {
	const from = at - rule.windowMs;
	const inWindow: Send[] = [];
	for (const send of sends) {
		if (send.at > from && (rule.scope === 'all' || send.channel === channel)) inWindow.push(send);
	}
	if (inWindow.length < rule.limit) return { allowed: true };
	return {
		allowed: false,
		freeAt: inWindow[inWindow.length - rule.limit].at + rule.windowMs,
		lastSent: inWindow[inWindow.length - 1],
		count: inWindow.length,
	};
}

/** Why a cap holds a message back: "capped: 1 per day on email, last sent 2026-11-22T07:00:00Z". */
export function capReason(rule: CapRule, channel: string, check: Extract<CapCheck, { allowed: false }>): string {
	const last = `${isoUtc(check.lastSent.at)}${check.lastSent.thisRun ? ' (earlier in this run)' : ''}`;
	const sentWhere = rule.scope === 'all' ? ` on ${check.lastSent.channel}` : '';
	return `capped: ${describeCap(rule, channel)}, last sent${sentWhere} ${last}`;
}

/** The longest window of any cap: how far back the history matters. */
export function longestWindow(rules: readonly CapRule[]): number {
	return rules.reduce((max, rule) => Math.max(max, rule.windowMs), 0);
}
