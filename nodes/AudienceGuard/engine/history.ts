/**
 * A contact's recent sends as the "From Input" ledger receives them on the item: a list of sends,
 * each a timestamp or an object with a time and a channel, e.g.
 *   [{ "channel": "email", "sentAt": "2026-11-22T07:00:00Z" }, { "channel": "sms", "sentAt": 1795330800000 }]
 * Rows read with n8n's Data Table node have exactly this shape. A send without a channel counts as
 * one on the guarded channel. An entry may name the message it was (`message`, the guard's Message
 * ID), so that the same message again is recognised. Absent or empty means no sends yet.
 */
import { shown } from '../../shared/show';

import type { Send } from './caps';
import { GuardInputError } from './errors';

const TIME_KEYS = ['sentAt', 'sent_at', 'at', 'timestamp', 'time', 'date', 'createdAt'];
const MESSAGE_KEYS = ['message', 'messageId', 'message_id'];

const FIX =
	'Map "Send History" to a list of this contact\'s recent sends, each like {"channel": "email", "sentAt": "2026-11-22T07:00:00Z"}, e.g. {{ $json.sendHistory }}; leave it empty for contacts with none.';

function parseTime(value: unknown): number {
	if (typeof value === 'number') return Number.isFinite(value) ? (value < 1e11 ? value * 1000 : value) : NaN;
	if (value instanceof Date) return value.getTime();
	if (typeof value === 'string') {
		const text = value.trim();
		if (/^\d+(\.\d+)?$/.test(text)) return parseTime(Number(text));
		// A date-time without an offset would be read in the server's zone: refuse the guess.
		if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) return NaN;
		return Date.parse(text);
	}
	if (value && typeof value === 'object' && typeof (value as { toMillis?: unknown }).toMillis === 'function') {
		return (value as { toMillis(): number }).toMillis(); // a luxon DateTime from an expression
	}
	return NaN;
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/** An entry's Message ID, trimmed; undefined when it names none. */
function parseMessage(record: Record<string, unknown>, index: number): string | undefined {
	const key = MESSAGE_KEYS.find((k) => record[k] !== undefined && record[k] !== null);
	if (!key) return undefined;
	const value = record[key];
	if (typeof value !== 'string' && typeof value !== 'number') {
		throw new GuardInputError(
			`Send History entry ${index} has the message ${shown(value)}, not a Message ID`,
			`${FIX} A send may name its message as text, e.g. "message": "welcome".`,
			'Send History',
		);
	}
	return String(value).trim() || undefined;
}

/** The sends in a history field, sorted oldest first; channels lower-cased. */
export function parseHistory(raw: unknown, channel: string): Send[] {
	if (raw === undefined || raw === null || raw === '') return [];
	const list = typeof raw === 'string' ? parseJson(raw) : raw;
	if (list === undefined) {
		throw new GuardInputError(`Send History is text that is not a list: ${shown(raw)}`, FIX, 'Send History');
	}
	if (!Array.isArray(list)) {
		throw new GuardInputError(`Send History is ${shown(raw)}, not a list of sends`, FIX, 'Send History');
	}
	const sends: Send[] = [];
	list.forEach((entry: unknown, index) => {
		let time: unknown = entry;
		let sendChannel = channel;
		let message: string | undefined;
		if (entry && typeof entry === 'object' && !(entry instanceof Date) && typeof (entry as { toMillis?: unknown }).toMillis !== 'function') {
			const record = entry as Record<string, unknown>;
			const key = TIME_KEYS.find((k) => record[k] !== undefined && record[k] !== null && record[k] !== '');
			if (!key) {
				throw new GuardInputError(
					`Send History entry ${index} has no send time (looked for ${TIME_KEYS.slice(0, 4).join(', ')})`,
					FIX,
					'Send History',
				);
			}
			time = record[key];
			if (record.channel !== undefined && record.channel !== null && record.channel !== '') sendChannel = String(record.channel).trim().toLowerCase();
			message = parseMessage(record, index);
		}
		const at = parseTime(time);
		if (!Number.isFinite(at)) {
			throw new GuardInputError(
				`Send History entry ${index} has the send time ${shown(time)}, which is not a date with a time zone`,
				`${FIX} Times need an offset or Z, e.g. 2026-11-22T07:00:00Z.`,
				'Send History',
			);
		}
		sends.push(message === undefined ? { at, channel: sendChannel } : { at, channel: sendChannel, message });
	});
	return sends.sort((a, b) => a.at - b.at);
}
