/**
 * List hygiene from delivery events (the Delivery Events Trigger's shape): which addresses to
 * suppress (complaints, hard bounces, repeated soft bounces, unsubscribes) and which are
 * re-engagement candidates (mail delivered again and again, never opened or clicked).
 * Pure: events in, one verdict per address out, each naming the events it came from.
 */
import { shown } from '../../shared/show';
import { toMillis } from '../../shared/timestamps';

export interface HygieneEvent {
	provider?: string;
	channel?: string;
	type?: string;
	providerType?: string;
	recipient?: unknown;
	/** ISO 8601 text or epoch milliseconds, as the shared timestamp reader takes them. */
	timestamp?: string | number;
	raw?: unknown;
	/** Optional, when the sender already knows: "hard" or "soft". */
	bounceKind?: unknown;
	bounceType?: unknown;
}

export type BounceKind = 'hard' | 'soft';

export interface HygieneOptions {
	/** Soft bounces in a row (no delivery, open or click in between) that count as a dead address. */
	softBounceLimit: number;
	/** Deliveries without any open or click that make an address a re-engagement candidate. */
	reengageAfterDeliveries: number;
	/** Whether unsubscribes become suppressions too (to carry them to other platforms). */
	suppressUnsubscribes: boolean;
	/** How to treat a bounce whose kind neither the event nor its provider's raw data tells. */
	unknownBounce: BounceKind;
}

export const DEFAULT_HYGIENE: HygieneOptions = { softBounceLimit: 3, reengageAfterDeliveries: 3, suppressUnsubscribes: true, unknownBounce: 'hard' };

export type SuppressionReason = 'complaint' | 'hardBounce' | 'unsubscribed' | 'softBounces';

export interface Verdict {
	email: string;
	action: 'suppress' | 'reengage' | 'keep';
	reason: SuppressionReason | 'noEngagement' | null;
	/** The verdict in a sentence a marketer reads. */
	explanation: string;
	counts: { delivered: number; opened: number; clicked: number; hardBounces: number; softBounces: number; complaints: number; unsubscribes: number; events: number };
	lastEventAt: string | null;
	providers: string[];
	/** Input positions of the events behind this verdict, in input order. */
	items: number[];
}

export interface HygieneResult {
	verdicts: Verdict[];
	/** Events that name no usable address, with the reason. */
	rejected: Array<{ item: number; reason: string }>;
}

const record = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

// Postmark's bounce types that mean the address is gone for good; the others are temporary.
const POSTMARK_HARD = new Set(['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated', 'SpamNotification', 'Unsubscribe']);

/** Hard or soft, from the event, else from the provider's raw data; undefined when nothing says. */
export function bounceKindOf(event: HygieneEvent): BounceKind | undefined {
	for (const given of [event.bounceKind, event.bounceType]) {
		const text = typeof given === 'string' ? given.trim().toLowerCase() : '';
		if (text.startsWith('hard') || text === 'permanent') return 'hard';
		if (text.startsWith('soft') || text === 'transient') return 'soft';
	}
	const raw = record(event.raw);
	switch (event.provider) {
		case 'sendgrid':
			// SendGrid's bounce event: type "bounce" (the server refused the address) or "blocked" (refused the message for now).
			if (raw.type === 'blocked') return 'soft';
			if (raw.type === 'bounce') return 'hard';
			return undefined;
		case 'postmark':
			return typeof raw.Type === 'string' ? (POSTMARK_HARD.has(raw.Type) ? 'hard' : 'soft') : undefined;
		case 'mailchimp':
			// "cleaned" is Mailchimp's verdict after a hard bounce or repeated soft ones: final either way.
			return 'hard';
		case 'kit':
			// Kit marks the subscriber "bounced" only once it stops mailing the address.
			return 'hard';
		default:
			return undefined;
	}
}

const REASON_TEXT: Record<SuppressionReason, string> = {
	complaint: 'reported the email as spam',
	hardBounce: 'hard-bounced (the address does not exist or refuses mail)',
	unsubscribed: 'unsubscribed',
	softBounces: 'soft-bounced',
};

interface Tally {
	email: string;
	counts: Verdict['counts'];
	softRun: number;
	maxSoftRun: number;
	last: number;
	lastText: string | null;
	providers: Set<string>;
	items: number[];
}

/**
 * Verdicts per address, in order of each address's first event. `check` turns a recipient into
 * the address key (lower-cased) or says why it cannot be one.
 */
export function listHygiene(
	events: readonly HygieneEvent[],
	check: (recipient: unknown) => { ok: true; key: string } | { ok: false; reason: string },
	options: HygieneOptions = DEFAULT_HYGIENE,
): HygieneResult {
	const tallies = new Map<string, Tally>();
	const rejected: HygieneResult['rejected'] = [];
	// Soft-bounce runs need time order; events may arrive in any order, so sort positions by time (stable).
	const order = events.map((_, i) => i);
	// No time sorts first; a time that cannot be read (NaN) rejects its event below.
	const time = events.map((event) => (event.timestamp === undefined || event.timestamp === null || event.timestamp === '' ? -Infinity : toMillis(event.timestamp)));
	const sortTime = time.map((t) => (Number.isNaN(t) ? -Infinity : t));
	// Stored events usually come in time order already: sort only when they do not.
	if (sortTime.some((t, i) => i > 0 && t < sortTime[i - 1])) order.sort((a, b) => sortTime[a] - sortTime[b] || a - b);
	// Many events share an address: check each distinct recipient once.
	const checkedOnce = new Map<unknown, ReturnType<typeof check>>();
	for (const i of order) {
		const event = events[i];
		if (event.channel !== undefined && event.channel !== 'email') {
			rejected.push({ item: i, reason: `is an event of the channel ${shown(event.channel)}, not an email event` });
			continue;
		}
		if (Number.isNaN(time[i])) {
			rejected.push({ item: i, reason: `has the timestamp ${shown(event.timestamp)}, which cannot be read as a time` });
			continue;
		}
		let checked = checkedOnce.get(event.recipient);
		if (!checked) checkedOnce.set(event.recipient, (checked = check(event.recipient)));
		if (!checked.ok) {
			rejected.push({ item: i, reason: `recipient: ${checked.reason}` });
			continue;
		}
		let tally = tallies.get(checked.key);
		if (!tally) {
			tally = {
				email: checked.key,
				counts: { delivered: 0, opened: 0, clicked: 0, hardBounces: 0, softBounces: 0, complaints: 0, unsubscribes: 0, events: 0 },
				softRun: 0,
				maxSoftRun: 0,
				last: -Infinity,
				lastText: null,
				providers: new Set(),
				items: [],
			};
			tallies.set(checked.key, tally);
		}
		const c = tally.counts;
		c.events++;
		tally.items.push(i);
		if (event.provider) tally.providers.add(event.provider);
		if (time[i] >= tally.last && time[i] > -Infinity) {
			tally.last = time[i];
			tally.lastText = typeof event.timestamp === 'string' ? event.timestamp : new Date(time[i]).toISOString();
		}
		switch (event.type) {
			case 'delivered':
				c.delivered++;
				tally.softRun = 0;
				break;
			case 'opened':
				c.opened++;
				tally.softRun = 0;
				break;
			case 'clicked':
				c.clicked++;
				tally.softRun = 0;
				break;
			case 'complained':
				c.complaints++;
				break;
			case 'unsubscribed':
				c.unsubscribes++;
				break;
			case 'bounced':
				if ((bounceKindOf(event) ?? options.unknownBounce) === 'hard') c.hardBounces++;
				else {
					c.softBounces++;
					tally.softRun++;
					tally.maxSoftRun = Math.max(tally.maxSoftRun, tally.softRun);
				}
				break;
			default:
				break;
		}
	}
	const verdicts: Verdict[] = [];
	for (const tally of tallies.values()) {
		tally.items.sort((a, b) => a - b);
		const c = tally.counts;
		let reason: SuppressionReason | null = null;
		if (c.complaints) reason = 'complaint';
		else if (c.hardBounces) reason = 'hardBounce';
		else if (c.unsubscribes && options.suppressUnsubscribes) reason = 'unsubscribed';
		else if (tally.maxSoftRun >= options.softBounceLimit) reason = 'softBounces';
		const base = { email: tally.email, counts: c, lastEventAt: tally.lastText, providers: [...tally.providers].sort(), items: tally.items };
		if (reason) {
			const detail = reason === 'softBounces' ? ` ${tally.maxSoftRun} times in a row (limit ${options.softBounceLimit})` : '';
			verdicts.push({ ...base, action: 'suppress', reason, explanation: `Suppress ${tally.email}: ${REASON_TEXT[reason]}${detail}.` });
		} else if (!c.unsubscribes && c.delivered >= options.reengageAfterDeliveries && c.opened === 0 && c.clicked === 0) {
			verdicts.push({
				...base,
				action: 'reengage',
				reason: 'noEngagement',
				explanation: `Re-engage ${tally.email}: ${c.delivered} emails delivered, none opened or clicked.`,
			});
		} else {
			verdicts.push({ ...base, action: 'keep', reason: null, explanation: `Keep ${tally.email}: nothing to act on.` });
		}
	}
	// First appearance in input order, so output follows the input as closely as grouping allows.
	verdicts.sort((a, b) => a.items[0] - b.items[0]);
	return { verdicts, rejected: rejected.sort((a, b) => a.item - b.item) };
}
