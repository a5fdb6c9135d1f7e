/**
 * Keeps secrets out of everything the transport writes: error messages, descriptions, the JSON an
 * error carries into n8n's execution log, and log lines. Two layers, because a provider may echo a
 * secret back in any shape: the credential's own values are replaced wherever they appear, and
 * anything that looks like an auth header, key or token is hidden even when it is not ours.
 */

export const HIDDEN = '**hidden**';

/** Credential fields that are addresses, not secrets. */
const PUBLIC_FIELDS = new Set(['baseUrl']);

/** Field and header names whose values are secrets whatever they hold. */
const SECRET_NAME =
	'authorization|proxy-authorization|x-api-key|api[-_]?key|apikey|api[-_]?token|access[-_]?token|refresh[-_]?token|' +
	'auth[-_]?token|id[-_]?token|client[-_]?secret|secret|password|passwd|x-[a-z-]*-token|token|signature';
const SECRET_KEY = new RegExp(`^(${SECRET_NAME})$`, 'i');
const SECRET_PARAM = /key|token|secret|password|passwd|signature|^sig$|auth|credential/i;

// `name: value`, `name=value`, `"name":"value"`, with an optional auth scheme before the value.
const SECRET_FIELD = new RegExp(
	`((?:${SECRET_NAME})["']?\\s*[:=]\\s*["']?(?:(?:Bearer|Basic|Digest|Token|Key)\\s+)?)([^\\s"'&,;}\\]]+)`,
	'gi',
);
// A credential in an auth scheme anywhere in free text ("Bearer eyJ…", "Basic dXNlcjpw…").
const AUTH_SCHEME = /\b(Bearer|Basic|Digest|Token|Key)(\s+)([A-Za-z0-9\-._~+/]+=*)/gi;

export interface Redactor {
	/** The text with every secret replaced by `**hidden**`. */
	text(value: string): string;
	/** A copy of a JSON-like value with secrets hidden in keys, values and secret-named fields. */
	deep<T>(value: T): T;
}

const isUrl = (value: string) => /^https?:\/\/\S+$/i.test(value);

/** The string values of a decrypted credential that must never be shown, with their encoded forms. */
function secretsOf(credentials: unknown, publicFields: Set<string>): string[] {
	const found = new Set<string>();
	const add = (secret: string) => {
		if (secret.length < 8) return; // shorter values (ports, regions, "json") are not secrets and would hide real words
		found.add(secret);
		found.add(encodeURIComponent(secret));
		found.add(JSON.stringify(secret).slice(1, -1));
	};
	const walk = (value: unknown, key: string, depth: number) => {
		if (depth > 5 || value === null || value === undefined) return;
		if (typeof value === 'string') {
			if (publicFields.has(key)) return;
			if (isUrl(value)) {
				// An address is shown in errors; only a password inside it is a secret.
				const password = URL.canParse(value) ? new URL(value).password : '';
				if (password) add(decodeURIComponent(password));
				return;
			}
			add(value);
		} else if (typeof value === 'object') {
			for (const [childKey, child] of Object.entries(value as object)) walk(child, childKey, depth + 1);
		}
	};
	walk(credentials, '', 0);
	// Longest first, so a secret that contains another is replaced whole.
	return [...found].sort((a, b) => b.length - a.length);
}

export function createRedactor(credentials: unknown, publicFields: string[] = []): Redactor {
	const secrets = secretsOf(credentials, new Set([...PUBLIC_FIELDS, ...publicFields]));

	const text = (value: string): string => {
		let out = value;
		for (const secret of secrets) out = out.split(secret).join(HIDDEN);
		out = out.replace(AUTH_SCHEME, (match, scheme: string, space: string, token: string) => {
			// "Token expired" is prose; "Bearer abc12345" or "Key 7f3a…" (16+, with digits) is a credential.
			const credential = /^(bearer|basic|digest)$/i.test(scheme)
				? token.length >= 8
				: token.length >= 16 && /\d/.test(token);
			return credential ? `${scheme}${space}${HIDDEN}` : match;
		});
		return out.replace(SECRET_FIELD, (match, prefix: string, secret: string) =>
			secret.startsWith('**hidden') ? match : `${prefix}${HIDDEN}`,
		);
	};

	const deep = (value: unknown, depth = 0): unknown => {
		if (typeof value === 'string') return text(value);
		if (value === null || typeof value !== 'object') return value;
		if (depth > 20) return HIDDEN;
		if (Array.isArray(value)) return value.map((entry) => deep(entry, depth + 1));
		const out: Record<string, unknown> = {};
		for (const [key, entry] of Object.entries(value as object)) {
			out[text(key)] =
				SECRET_KEY.test(key) && (typeof entry === 'string' || typeof entry === 'number') ? HIDDEN : deep(entry, depth + 1);
		}
		return out;
	};

	return { text, deep: <T>(value: T) => deep(value) as T };
}

/** A URL with the values of secret-looking query parameters hidden (`?api_key=…` → `?api_key=**hidden**`). */
export function scrubUrl(url: string): string {
	if (!URL.canParse(url)) return url;
	const parsed = new URL(url);
	if (parsed.password) parsed.password = 'hidden';
	for (const name of [...parsed.searchParams.keys()]) {
		if (SECRET_PARAM.test(name)) parsed.searchParams.set(name, HIDDEN);
	}
	return parsed.toString();
}
