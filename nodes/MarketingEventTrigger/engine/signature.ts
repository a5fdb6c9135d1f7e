/**
 * Optional request checks: a shared secret in a header, or an HMAC signature of a timestamp and the
 * raw body ("<epoch seconds>.<body>", as Stripe and Kit sign webhooks) with the timestamp in its own
 * header, accepted only within a window of now, so that a captured request cannot be replayed later.
 * Comparisons take the same time whatever the input, so that a caller cannot find the secret byte
 * by byte.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type SignatureEncoding = 'hex' | 'base64';

/** Constant-time equality of two strings of any length (compared through their SHA-256 digests). */
export function sameSecret(given: string, expected: string): boolean {
	const a = createHash('sha256').update(given, 'utf8').digest();
	const b = createHash('sha256').update(expected, 'utf8').digest();
	return timingSafeEqual(a, b) && given.length === expected.length;
}

export function hmacSignature(body: Buffer | string, secret: string, algorithm: HmacAlgorithm, encoding: SignatureEncoding): string {
	return createHmac(algorithm, secret).update(body).digest(encoding);
}

export interface SignatureCheck {
	ok: boolean;
	/** Why the request was refused, safe to send back (never the secret or the expected value). */
	reason?: string;
}

const headerValue = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value)?.trim();

export function checkSharedSecret(header: string | string[] | undefined, secret: string, headerName: string): SignatureCheck {
	const given = headerValue(header);
	if (!given) return { ok: false, reason: `the ${headerName} header is missing` };
	return sameSecret(given, secret) ? { ok: true } : { ok: false, reason: `the ${headerName} header does not match the shared secret` };
}

export interface HmacOptions {
	headerName: string;
	algorithm: HmacAlgorithm;
	encoding: SignatureEncoding;
	/** What the sender writes before the signature ("sha256=" for GitHub-style headers). */
	prefix?: string;
	/** The header that carries the signed timestamp, for messages. */
	timestampHeader: string;
	/** Its value: epoch seconds. */
	timestamp: string | string[] | undefined;
	/** How far (either way) the timestamp may be from now. */
	toleranceSeconds: number;
	/** Now, in epoch milliseconds. */
	now: number;
}

/**
 * Checks `header` against the HMAC of "<timestamp>.<raw body>", and the timestamp against the
 * window. Hex signatures are compared case-insensitively.
 */
export function checkHmac(header: string | string[] | undefined, body: Buffer | string, secret: string, options: HmacOptions): SignatureCheck {
	let given = headerValue(header);
	if (!given) return { ok: false, reason: `the ${options.headerName} header is missing` };
	const prefix = options.prefix ?? '';
	if (prefix) {
		if (!given.toLowerCase().startsWith(prefix.toLowerCase())) return { ok: false, reason: `the ${options.headerName} header does not start with "${prefix}"` };
		given = given.slice(prefix.length);
	}
	const timestamp = headerValue(options.timestamp);
	if (!timestamp) {
		return { ok: false, reason: `the ${options.timestampHeader} header is missing: sign "<epoch seconds>.<body>" and send the seconds in it` };
	}
	if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: `the ${options.timestampHeader} header is ${JSON.stringify(timestamp.slice(0, 40))}, not whole epoch seconds` };
	const signed = Buffer.concat([Buffer.from(`${timestamp}.`), Buffer.isBuffer(body) ? body : Buffer.from(body)]);
	const expected = hmacSignature(signed, secret, options.algorithm, options.encoding);
	const matches = options.encoding === 'hex' ? sameSecret(given.toLowerCase(), expected) : sameSecret(given, expected);
	if (!matches) return { ok: false, reason: `the ${options.headerName} signature does not match the timestamp and body` };
	const ageSeconds = Math.abs(options.now / 1000 - Number(timestamp));
	if (ageSeconds > options.toleranceSeconds) {
		return { ok: false, reason: `the ${options.timestampHeader} is ${Math.round(ageSeconds)} s from now, outside the ${options.toleranceSeconds} s window` };
	}
	return { ok: true };
}
