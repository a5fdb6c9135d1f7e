/**
 * Optional request checks: a shared secret in a header, or an HMAC signature of the raw body in a
 * header (as Stripe, Shopify and GitHub sign webhooks). Comparisons take the same time whatever
 * the input, so that a caller cannot find the secret byte by byte.
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

/**
 * Checks `header` against the HMAC of the raw body. `prefix` is what the sender writes before the
 * signature ("sha256=" for GitHub); hex signatures are compared case-insensitively.
 */
export function checkHmac(
	header: string | string[] | undefined,
	body: Buffer | string,
	secret: string,
	options: { headerName: string; algorithm: HmacAlgorithm; encoding: SignatureEncoding; prefix?: string },
): SignatureCheck {
	let given = headerValue(header);
	if (!given) return { ok: false, reason: `the ${options.headerName} header is missing` };
	const prefix = options.prefix ?? '';
	if (prefix) {
		if (!given.toLowerCase().startsWith(prefix.toLowerCase())) return { ok: false, reason: `the ${options.headerName} header does not start with "${prefix}"` };
		given = given.slice(prefix.length);
	}
	const expected = hmacSignature(body, secret, options.algorithm, options.encoding);
	const matches = options.encoding === 'hex' ? sameSecret(given.toLowerCase(), expected) : sameSecret(given, expected);
	return matches ? { ok: true } : { ok: false, reason: `the ${options.headerName} signature does not match the body` };
}
