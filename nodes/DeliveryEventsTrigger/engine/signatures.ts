/** The small pieces every provider's verification is built from. */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

import type { Verdict, VerifyOptions } from './types';
import { now as clockNow } from '../../shared/clock';

export const OK: Verdict = { ok: true };
export const reject = (reason: string): Verdict => ({ ok: false, reason });

/** Compares secrets in constant time, so a caller cannot learn them byte by byte. */
export function sameSecret(a: string | Buffer, b: string | Buffer): boolean {
	const left = Buffer.isBuffer(a) ? a : Buffer.from(a);
	const right = Buffer.isBuffer(b) ? b : Buffer.from(b);
	return left.length === right.length && timingSafeEqual(left, right);
}

export const hmac = (algorithm: 'sha1' | 'sha256', key: string, data: string | Buffer) =>
	createHmac(algorithm, key).update(data).digest();

/** Replay protection: a signed timestamp (epoch seconds) must be within the tolerance of now. */
export function fresh(timestampSeconds: string | undefined, options: VerifyOptions): Verdict {
	if (!timestampSeconds || !/^\d+$/.test(timestampSeconds)) return reject('the signature timestamp is missing or not a number');
	const ageSeconds = Math.abs(options.now / 1000 - Number(timestampSeconds));
	if (ageSeconds > options.toleranceSeconds) {
		return reject(`the signature timestamp is ${Math.round(ageSeconds)} s from now, outside the ${options.toleranceSeconds} s tolerance`);
	}
	return OK;
}

export const missing = (what: string, provider: string) =>
	reject(`the Delivery Webhook Secrets credential has no ${what}, which ${provider} needs`);

/** A time as ISO 8601 UTC; undefined past the dates JavaScript can hold (1e308 from a hostile body). */
const isoOf = (ms: number): string | undefined => (Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : undefined);

/** Epoch seconds, epoch milliseconds or a date string, as ISO 8601 UTC; now when absent or unreadable. */
export function isoTime(value: unknown, now = clockNow()): string {
	if (typeof value === 'number' && Number.isFinite(value)) return isoOf(value < 1e12 ? value * 1000 : value) ?? new Date(now).toISOString();
	if (typeof value === 'string' && value.trim()) {
		if (/^\d+$/.test(value.trim())) return isoTime(Number(value.trim()), now);
		const parsed = isoOf(Date.parse(value));
		if (parsed) return parsed;
	}
	return new Date(now).toISOString();
}

export const parseJson = (raw: Buffer): unknown => JSON.parse(raw.toString('utf8'));

/** A form body (application/x-www-form-urlencoded) as ordered name/value pairs. */
/** The entries of a list in a body, none when the body has something else there (null, text, an object). */
export const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** An object in a body as a record; an empty one when the body has null, text or a list there. */
export const objectOf = (value: unknown): Record<string, unknown> => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

/** A provider's word looked up in a table of ours: only the table's own entries ("constructor" is no event type). */
export const lookup = <T>(table: Record<string, T>, key: string): T | undefined => (Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined);

/** A field of an object in a body; undefined when the value is not an object. */
export const fieldOf = (value: unknown, key: string): unknown => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined);

export const formPairs = (raw: Buffer): Array<[string, string]> => [...new URLSearchParams(raw.toString('utf8'))];

export const text = (value: unknown): string | null =>
	typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null;

/**
 * An event's identity: its `parts` (the provider's event id, or message id and status) joined, or,
 * when one is missing, a hash of the whole event, which a byte-for-byte replay repeats.
 */
export function eventIdOf(parts: unknown[], event: unknown): string {
	const texts = parts.map(text);
	if (texts.every((part) => part !== null)) return texts.join(':');
	return `sha256:${createHash('sha256').update(JSON.stringify(event) ?? '').digest('hex').slice(0, 32)}`;
}
