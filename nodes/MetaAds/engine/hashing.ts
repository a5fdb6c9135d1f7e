/**
 * Customer-list matching keys for Meta custom audiences: normalised as Meta's documentation asks,
 * then SHA-256 (lowercase hex) in the node, so no raw email or phone number leaves n8n.
 *
 *   EMAIL    trim, lowercase
 *   PHONE    digits only, with the country code: "+44 7700 900123" → 447700900123. A number
 *            written without one ("07700 900123") gets the default country code, its national
 *            leading 0 dropped; "00" international prefixes are dropped
 *   FN, LN   trim, lowercase, punctuation and spaces removed (letters of any script kept)
 *   CT       lowercase, spaces and punctuation removed
 *   ST       lowercase, spaces and punctuation removed (US states: the two-letter code)
 *   ZIP      lowercase, spaces removed; US ZIP codes: the first five digits
 *   COUNTRY  two-letter ISO code, lowercase
 *   GEN      "m" or "f"
 *   DOBY     four-digit year
 *   EXTERN_ID  trimmed, not hashed (Meta takes it either way)
 *   MADID    mobile advertiser ID, lowercase, not hashed (Meta's rule)
 */
import { createHash } from 'node:crypto';

export const MATCH_KEYS = ['EMAIL', 'PHONE', 'FN', 'LN', 'CT', 'ST', 'ZIP', 'COUNTRY', 'GEN', 'DOBY', 'EXTERN_ID', 'MADID'] as const;

export type MatchKey = (typeof MATCH_KEYS)[number];

const UNHASHED = new Set<MatchKey>(['EXTERN_ID', 'MADID']);

export const sha256 = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

const stripPunctuation = (value: string) => value.replace(/[\p{P}\p{S}\s]/gu, '');

/** The normalised value, or '' when nothing usable is left. */
export function normalise(key: MatchKey, raw: unknown, defaultCountryCode = ''): string {
	if (raw === undefined || raw === null) return '';
	const value = String(raw).trim();
	if (!value) return '';
	switch (key) {
		case 'EMAIL': {
			const email = value.toLowerCase();
			return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : '';
		}
		case 'PHONE': {
			const international = value.startsWith('+') || value.startsWith('00');
			let digits = value.replace(/\D/g, '');
			if (value.startsWith('00')) digits = digits.slice(2);
			if (!international && defaultCountryCode) {
				const code = defaultCountryCode.replace(/\D/g, '');
				if (!digits.startsWith(code) || digits.startsWith('0')) digits = code + digits.replace(/^0+/, '');
			}
			digits = digits.replace(/^0+/, '');
			return digits.length >= 7 ? digits : '';
		}
		case 'FN':
		case 'LN':
		case 'CT':
		case 'ST':
			return stripPunctuation(value.toLowerCase());
		case 'ZIP': {
			const zip = value.toLowerCase().replace(/\s+/g, '');
			return /^\d{5}-\d{4}$/.test(zip) ? zip.slice(0, 5) : zip;
		}
		case 'COUNTRY': {
			const country = value.toLowerCase();
			return /^[a-z]{2}$/.test(country) ? country : '';
		}
		case 'GEN': {
			const gender = value.toLowerCase()[0];
			return gender === 'm' || gender === 'f' ? gender : '';
		}
		case 'DOBY':
			return /^\d{4}$/.test(value) ? value : '';
		case 'EXTERN_ID':
			return value;
		case 'MADID':
			return value.toLowerCase();
	}
}

/** Normalised and (except EXTERN_ID, MADID) hashed; '' stays '' (Meta's "no value" in multi-key rows). */
export function matchValue(key: MatchKey, raw: unknown, defaultCountryCode = ''): string {
	const value = normalise(key, raw, defaultCountryCode);
	if (!value) return '';
	return UNHASHED.has(key) ? value : sha256(value);
}

/** Meta's `payload.schema` name for a single key: EMAIL → EMAIL_SHA256 and so on. */
export const schemaName = (key: MatchKey): string => (UNHASHED.has(key) ? key : `${key}_SHA256`);
