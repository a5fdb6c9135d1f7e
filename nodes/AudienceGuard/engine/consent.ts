/**
 * Reading consent, global unsubscribe and suppression from whatever a contact record holds:
 * booleans, the words CRMs and email platforms use, or an object with a status. A value that is
 * none of these is an error naming the field, never a guess: a guard that guesses "yes" sends to
 * people who said no.
 */
import { shown } from '../../shared/show';

import { GuardInputError } from './errors';

export type Consent = 'opted_in' | 'opted_out' | 'unknown';

const words = (...list: string[]) => new Set(list);
const OPTED_IN = words('opted_in', 'optedin', 'opt_in', 'optin', 'in', 'true', 'yes', 'y', '1', 'granted', 'given', 'subscribed', 'confirmed', 'allowed', 'accepted');
const OPTED_OUT = words('opted_out', 'optedout', 'opt_out', 'optout', 'out', 'false', 'no', 'n', '0', 'denied', 'declined', 'refused', 'revoked', 'withdrawn', 'unsubscribed', 'rejected');
const UNKNOWN = words('unknown', 'none', 'null', 'pending', 'unconfirmed', 'not_set', 'notset', 'undefined', 'n/a', 'na');

const normal = (text: string) => text.trim().toLowerCase().replace(/[\s-]+/g, '_');

const CONSENT_FIX =
	'Map "Consent" to the contact\'s consent for this channel, e.g. {{ $json.consent.email }}, holding opted_in, opted_out or unknown (true and false work too).';

/** opted_in, opted_out or unknown (absent or empty counts as unknown). */
export function readConsent(value: unknown): Consent {
	if (value === undefined || value === null) return 'unknown';
	if (value === true || value === 1) return 'opted_in';
	if (value === false || value === 0) return 'opted_out';
	if (typeof value === 'string') {
		const word = normal(value);
		if (word === '' || UNKNOWN.has(word)) return 'unknown';
		if (OPTED_IN.has(word)) return 'opted_in';
		if (OPTED_OUT.has(word)) return 'opted_out';
	}
	if (typeof value === 'object' && !Array.isArray(value)) {
		const record = value as Record<string, unknown>;
		for (const key of ['status', 'state', 'consent', 'granted', 'value']) if (key in record) return readConsent(record[key]);
	}
	throw new GuardInputError(`Consent is ${shown(value)}, which is not a consent status`, CONSENT_FIX, 'Consent');
}

const YES = words('true', 'yes', 'y', '1', 'unsubscribed', 'opted_out', 'optout');
const NO = words('', 'false', 'no', 'n', '0', 'null', 'none', 'subscribed');

/**
 * Whether the contact unsubscribed from everything: true, yes, 1, or the date they did (a date or
 * timestamp means yes). Absent or empty means no.
 */
export function readUnsubscribed(value: unknown): boolean {
	if (value === undefined || value === null || value === false || value === 0) return false;
	if (value === true || value === 1) return true;
	if (typeof value === 'string') {
		const word = normal(value);
		if (NO.has(word)) return false;
		if (YES.has(word)) return true;
		if (/^\d{4}-\d{2}-\d{2}/.test(value.trim()) && !Number.isNaN(Date.parse(value.trim()))) return true;
	}
	if (value instanceof Date || (typeof value === 'number' && value > 1e9)) return true;
	throw new GuardInputError(
		`Unsubscribed is ${shown(value)}, neither yes nor no`,
		'Map "Unsubscribed" to a field holding true or false (or the date the contact unsubscribed, empty if they did not), e.g. {{ $json.unsubscribed }}.',
		'Unsubscribed',
	);
}

const REASONS: Record<string, string> = {
	bounced: 'bounced',
	bounce: 'bounced',
	hard_bounce: 'bounced',
	hardbounce: 'bounced',
	invalid: 'bounced',
	complained: 'complained',
	complaint: 'complained',
	spam: 'complained',
	spamreport: 'complained',
	spam_report: 'complained',
	spam_complaint: 'complained',
	manual: 'manual',
	manually: 'manual',
	blocked: 'manual',
	blocklisted: 'manual',
	blacklisted: 'manual',
	do_not_contact: 'manual',
	dnc: 'manual',
};

const SUPPRESSION_TEXT: Record<string, string> = {
	bounced: 'suppressed: an earlier message bounced',
	complained: 'suppressed: the contact marked a message as spam',
	manual: 'suppressed by hand',
};

/**
 * The suppression reasons on a contact: a reason ("bounced", "complained", "manual" or any other
 * word), a list of them, true (suppressed, no reason given) or an object with a `reason`. Empty,
 * false or absent means not suppressed. Returns the reasons in plain words, [] when none.
 */
export function readSuppression(value: unknown): string[] {
	if (value === undefined || value === null || value === false || value === 0 || value === '') return [];
	if (value === true || value === 1) return ['suppressed'];
	if (Array.isArray(value)) return [...new Set(value.flatMap((entry) => readSuppression(entry)))];
	if (typeof value === 'string') {
		const word = normal(value);
		if (NO.has(word) || word === 'active') return [];
		if (YES.has(word) || word === 'suppressed') return ['suppressed'];
		const known = REASONS[word];
		return [known ? SUPPRESSION_TEXT[known] : `suppressed: ${value.trim()}`];
	}
	if (typeof value === 'object') {
		const record = value as Record<string, unknown>;
		for (const key of ['reason', 'type', 'status']) if (key in record) return readSuppression(record[key]);
	}
	throw new GuardInputError(
		`Suppression is ${shown(value)}, which is not a suppression reason`,
		'Map "Suppression" to a field holding the reason a contact must not be messaged (bounced, complained, manual) or a list of reasons, empty when there is none, e.g. {{ $json.suppression }}.',
		'Suppression',
	);
}
