/**
 * Keeps secrets out of everything the transport writes: error messages, descriptions, the JSON an
 * error carries into n8n's execution log, and log lines. Three layers, because a provider may echo a
 * secret back in any shape, whole or cut: the credential's own values are replaced wherever they
 * appear (also URL-encoded, JSON-escaped and base64-encoded, alone or as the `user:secret` of a Basic
 * credential); any run of 8+ characters taken from a secret is hidden too, so a provider (or a
 * message cut to length) that shows only part of a key shows nothing of it; and anything that looks
 * like an auth header, key or token is hidden even when it is not ours.
 */

export const HIDDEN = '**hidden**';

/** Shorter runs of a secret are not hidden: they would hide ordinary words, and reveal too little to use. */
export const FRAGMENT_LENGTH = 8;

/** Credential fields that are addresses, not secrets. */
const PUBLIC_FIELDS = new Set(['baseUrl']);

/** Credential fields whose every fragment is secret (API keys, tokens, passwords, private keys). */
const SECRET_FIELD_NAME = /key|token|secret|password|passwd|signature|private|credential/i;

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

const base64Url = (base64: string) => base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/**
 * The base64 text that encodes `secret` wherever it sits in a longer value (a Basic credential's
 * `user:secret`): one string per position of the secret in the 3-byte groups, keeping only the
 * characters that depend on the secret's bytes alone.
 */
function base64Cores(secret: string): string[] {
	const bytes = Buffer.from(secret, 'utf8');
	const cores: string[] = [];
	for (let lead = 0; lead < 3; lead++) {
		// `lead` unknown bytes before the secret: skip to the first group made of the secret's bytes only.
		const start = lead === 0 ? 0 : 3 - lead;
		const whole = Math.floor((bytes.length - start) / 3) * 3;
		if (whole < 3) continue;
		const core = bytes.subarray(start, start + whole).toString('base64');
		cores.push(core, base64Url(core));
	}
	return cores;
}

/** Every way a secret may be written back: as it is, URL-encoded, JSON-escaped, base64 in any position. */
function encodings(secret: string): string[] {
	const url = encodeURIComponent(secret);
	return [secret, url, url.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()), JSON.stringify(secret).slice(1, -1), ...base64Cores(secret)];
}

interface Secrets {
	/** Values replaced whole, longest first. */
	whole: string[];
	/** Every FRAGMENT_LENGTH-character run of a secret field's value, in every encoding. */
	fragments: Set<string>;
}

/** The string values of a decrypted credential that must never be shown, with their encoded forms. */
function secretsOf(credentials: unknown, publicFields: Set<string>): Secrets {
	const whole = new Set<string>();
	const fragments = new Set<string>();
	const strings = new Set<string>();
	const fieldSecrets = new Set<string>();
	const add = (secret: string, isField: boolean) => {
		if (secret.length < FRAGMENT_LENGTH) return; // shorter values (ports, regions, "json") are not secrets and would hide real words
		whole.add(secret);
		whole.add(encodeURIComponent(secret));
		whole.add(JSON.stringify(secret).slice(1, -1));
		if (isField) fieldSecrets.add(secret);
	};
	const walk = (value: unknown, key: string, depth: number) => {
		if (depth > 5 || value === null || value === undefined) return;
		if (typeof value === 'string') {
			if (publicFields.has(key)) return;
			strings.add(value);
			if (isUrl(value)) {
				// An address is shown in errors; only a password inside it is a secret.
				const password = URL.canParse(value) ? new URL(value).password : '';
				if (password) add(decodeURIComponent(password), true);
				return;
			}
			add(value, SECRET_FIELD_NAME.test(key));
			// A pasted key file (Firebase's service-account JSON): its fields are secrets of their own.
			if (/^\s*\{/.test(value)) {
				try {
					walk(JSON.parse(value), key, depth + 1);
				} catch {
					// not JSON: the whole value is hidden already
				}
			}
		} else if (typeof value === 'object') {
			for (const [childKey, child] of Object.entries(value as object)) walk(child, childKey, depth + 1);
		}
	};
	walk(credentials, '', 0);
	for (const secret of fieldSecrets) {
		// A Basic credential is base64 of `user:secret`, the user being another field (Twilio's SID).
		for (const user of strings) {
			const pair = Buffer.from(`${user}:${secret}`).toString('base64');
			whole.add(pair);
			whole.add(base64Url(pair));
		}
		for (const form of encodings(secret)) {
			for (let i = 0; i + FRAGMENT_LENGTH <= form.length; i++) fragments.add(form.slice(i, i + FRAGMENT_LENGTH));
		}
	}
	// Longest first, so a secret that contains another is replaced whole.
	return { whole: [...whole].sort((a, b) => b.length - a.length), fragments };
}

/** `value` with every run that contains a known fragment of a secret replaced by `**hidden**`. */
function hideFragments(value: string, fragments: Set<string>): string {
	if (fragments.size === 0 || value.length < FRAGMENT_LENGTH) return value;
	let out = '';
	let copied = 0; // value[0, copied) is in `out`
	let start = -1; // the run being hidden: [start, end)
	let end = -1;
	for (let i = 0; i + FRAGMENT_LENGTH <= value.length; i++) {
		if (!fragments.has(value.slice(i, i + FRAGMENT_LENGTH))) continue;
		if (i > end) {
			if (start >= 0) out += value.slice(copied, start) + HIDDEN;
			if (start >= 0) copied = end;
			start = i;
		}
		end = i + FRAGMENT_LENGTH;
	}
	if (start < 0) return value;
	return out + value.slice(copied, start) + HIDDEN + value.slice(end);
}

export function createRedactor(credentials: unknown, publicFields: string[] = []): Redactor {
	const secrets = secretsOf(credentials, new Set([...PUBLIC_FIELDS, ...publicFields]));

	const text = (value: string): string => {
		let out = value;
		for (const secret of secrets.whole) out = out.split(secret).join(HIDDEN);
		out = hideFragments(out, secrets.fragments);
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
		if (Buffer.isBuffer(value)) return text(value.toString('utf8'));
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
