/**
 * Checks a recipient before anything is sent. A channel picks its validator (email address now;
 * phone numbers for SMS; a push token checker slots in the same way): an invalid recipient is
 * skipped with the reason, never sent and never lost.
 */

export type RecipientCheck =
	| {
			ok: true;
			/** What to send to: the address tidied (trimmed, domain in lower case and ASCII). */
			address: string;
			/** The same recipient written any other way gives the same key (de-duplication). */
			key: string;
	  }
	| { ok: false; reason: string };

export type RecipientValidator = (raw: unknown) => RecipientCheck;

const fail = (reason: string): RecipientCheck => ({ ok: false, reason });

const asText = (raw: unknown): string | undefined =>
	typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : undefined;

// RFC 5321's dot-atom: the "practical form" every provider accepts (no quoted local parts).
const ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const TOP_LEVEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/** The domain in ASCII (an internationalised one in punycode), or undefined if it cannot be one. */
function asciiDomain(domain: string): string | undefined {
	if (/^[\x21-\x7e]+$/.test(domain)) return domain.toLowerCase();
	try {
		// WHATWG URL applies IDNA (UTS #46): "bücher.de" → "xn--bcher-kva.de".
		const host = new URL(`http://${domain}/`).hostname;
		return host && !host.startsWith('[') ? host : undefined;
	} catch {
		return undefined;
	}
}

/** An email address as providers accept it: `local@domain.tld`, RFC 5321 lengths, no display name. */
export const emailAddress: RecipientValidator = (raw) => {
	const text = asText(raw);
	if (text === undefined) return fail(raw === null || raw === undefined ? 'no email address' : 'the email address is not text');
	if (!text) return fail('no email address');
	const quoted = `"${text.length > 80 ? `${text.slice(0, 80)}…` : text}"`;
	if (/\s/.test(text)) return fail(`${quoted} contains a space`);
	const at = text.lastIndexOf('@');
	if (at === -1) return fail(`${quoted} has no @`);
	if (text.indexOf('@') !== at) return fail(`${quoted} has more than one @`);
	const local = text.slice(0, at);
	const domainText = text.slice(at + 1);
	if (!local) return fail(`${quoted} has nothing before the @`);
	if (!domainText) return fail(`${quoted} has nothing after the @`);
	if (local.length > 64) return fail(`${quoted} has more than 64 characters before the @`);
	const parts = local.split('.');
	if (parts.some((part) => !part)) return fail(`${quoted} has a dot at the start or end of the name, or two dots in a row`);
	if (!parts.every((part) => ATOM.test(part))) return fail(`${quoted} has characters that are not allowed before the @`);
	const domain = asciiDomain(domainText.replace(/\.$/, ''));
	if (!domain) return fail(`${quoted} has an invalid domain`);
	const labels = domain.split('.');
	if (labels.length < 2) return fail(`${quoted} has no dot in its domain (e.g. example.com)`);
	if (domain.length > 253 || !labels.every((label) => LABEL.test(label)) || !TOP_LEVEL.test(labels[labels.length - 1])) {
		return fail(`${quoted} has an invalid domain`);
	}
	const address = `${local}@${domain}`;
	if (address.length > 254) return fail(`${quoted} is longer than 254 characters`);
	return { ok: true, address, key: address.toLowerCase() };
};

/**
 * A phone number in E.164 (`+` country code and number, at most 15 digits), as SMS providers
 * want it. Spaces, dots, dashes and brackets people type are dropped first.
 */
export const phoneNumber: RecipientValidator = (raw) => {
	const text = asText(raw);
	if (!text) return fail('no phone number');
	const compact = text.replace(/[\s.()-]/g, '');
	const quoted = `"${text}"`;
	if (!compact.startsWith('+')) return fail(`${quoted} does not start with + and the country code (e.g. +14155550123)`);
	if (!/^\+\d+$/.test(compact)) return fail(`${quoted} has characters other than digits`);
	if (!/^\+[1-9]\d{6,14}$/.test(compact)) return fail(`${quoted} is not a valid international number (8 to 15 digits after the +, not starting with 0)`);
	return { ok: true, address: compact, key: compact };
};
