/**
 * JSON Web Tokens signed with RS256 (RFC 7515 / 7518) using node:crypto, and Google service
 * accounts: what providers on Google (Firebase Cloud Messaging) need to trade a service-account
 * key for an OAuth2 access token (RFC 7523, the JWT bearer grant), with no Google SDK.
 *
 * Pure functions of the key, the claims and the time, so they are unit-tested and the credential
 * can sign a fresh assertion whenever a token is asked for.
 */
import { createPrivateKey, createSign, type KeyObject } from 'node:crypto';

export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
/** What Firebase Cloud Messaging's HTTP v1 API asks of an access token. */
export const FIREBASE_MESSAGING_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Google accepts assertions that live at most an hour. */
export const ASSERTION_LIFETIME_SECONDS = 3600;

export const base64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/** `header.payload.signature`, signed with RS256 (RSASSA-PKCS1-v1_5 over SHA-256). */
export function signJwt(claims: Record<string, unknown>, privateKey: KeyObject | string, headerFields: Record<string, unknown> = {}): string {
	const header = { alg: 'RS256', typ: 'JWT', ...headerFields };
	const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
	const signature = createSign('RSA-SHA256').update(input).sign(privateKey);
	return `${input}.${base64url(signature)}`;
}

export interface ServiceAccount {
	projectId: string;
	clientEmail: string;
	/** PEM, with real line breaks. */
	privateKey: string;
	/** `private_key_id`: goes into the JWT header as `kid` so Google finds the key at once. */
	keyId?: string;
	/** Where tokens are asked for: Google's endpoint unless the credential's `oauthUrl` names another (a proxy, a test server). */
	tokenUrl: string;
}

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

/**
 * A private key as people paste it: copied out of the JSON file it often keeps `\n` as two
 * characters, and may have lost its line breaks altogether.
 */
export function normalisePem(pem: string): string {
	return pem.trim().replace(/\\n/g, '\n').replace(/\r\n?/g, '\n');
}

const KEY_FIX = 'paste the private_key value from the service account JSON file, from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----';

/** Fields of a service-account key file, as a plain object (throws when it cannot be one). */
function parseKeyFile(json: string): Record<string, unknown> {
	let parsed: unknown;
	try {
		parsed = JSON.parse(json);
	} catch (error) {
		// A pure module with no n8n import: the runner and the credential put this into n8n's errors.
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		throw new Error(`the service account JSON is not valid JSON (${(error as Error).message}); paste the whole key file, from { to }`);
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('the service account JSON is not an object; paste the whole key file, from { to }');
	const file = parsed as Record<string, unknown>;
	if (file.type !== undefined && file.type !== 'service_account') {
		throw new Error(`the JSON is a "${String(file.type)}" file, not a service account key; create one in Firebase under Project settings → Service accounts → Generate new private key`);
	}
	return file;
}

/**
 * The service account a credential describes: either the key file pasted whole
 * (`serviceAccountJson`) or its three fields (`projectId`, `clientEmail`, `privateKey`). The
 * project ID field, when set, wins over the file's (a key may send for another project it is
 * allowed to). Throws with what to fix.
 */
export function serviceAccount(credentials: Record<string, unknown>, { checkKey = true } = {}): ServiceAccount {
	const pasted = text(credentials.serviceAccountJson);
	const useJson = credentials.format === 'json' || (credentials.format === undefined && pasted !== '');
	const file = useJson ? (pasted ? parseKeyFile(pasted) : undefined) : undefined;
	if (useJson && !file) throw new Error('the service account JSON is empty; paste the key file downloaded from Firebase (Project settings → Service accounts)');
	const projectId = text(credentials.projectId) || text(file?.project_id);
	const clientEmail = useJson ? text(file?.client_email) : text(credentials.clientEmail);
	const privateKey = normalisePem(useJson ? text(file?.private_key) : text(credentials.privateKey));
	const keyId = text(file?.private_key_id) || undefined;
	if (!projectId) throw new Error('no project ID; set the Firebase project ID (Project settings → General)');
	if (!clientEmail) throw new Error('no client email; it is the service account\'s address, ending in .iam.gserviceaccount.com');
	if (!privateKey) throw new Error(`no private key; ${KEY_FIX}`);
	if (checkKey) privateKeyObject(privateKey);
	const tokenUrl = text(credentials.oauthUrl) || GOOGLE_TOKEN_URL;
	return { projectId, clientEmail, privateKey, ...(keyId ? { keyId } : {}), tokenUrl };
}

/** The project ID alone (for request paths), without checking the key; undefined when none is set. */
export function serviceAccountProject(credentials: Record<string, unknown> | undefined): string | undefined {
	if (!credentials) return undefined;
	try {
		return serviceAccount(credentials, { checkKey: false }).projectId;
	} catch {
		return text(credentials.projectId) || undefined;
	}
}

function privateKeyObject(pem: string): KeyObject {
	let key: KeyObject;
	try {
		key = createPrivateKey(pem);
	} catch {
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		throw new Error(`the private key is not a PEM private key; ${KEY_FIX}`);
	}
	if (key.asymmetricKeyType !== 'rsa') throw new Error(`the private key is a ${key.asymmetricKeyType ?? 'non-RSA'} key; Google service accounts use RSA keys`);
	return key;
}

/** The signed assertion that asks for an access token with `scope`, valid for an hour from `now` (ms). */
export function tokenAssertion(account: ServiceAccount, scope: string, now: number): string {
	const iat = Math.floor(now / 1000);
	return signJwt(
		{ iss: account.clientEmail, scope, aud: GOOGLE_TOKEN_URL, iat, exp: iat + ASSERTION_LIFETIME_SECONDS },
		privateKeyObject(account.privateKey),
		account.keyId ? { kid: account.keyId } : {},
	);
}

/** The form body of the token request (RFC 7523 section 2.1). */
export function tokenRequestBody(assertion: string): string {
	return new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion }).toString();
}

/** The URL a request goes to, joined the way n8n's HTTP client joins `baseURL` and `url`. */
export function requestTarget(url: string | undefined, baseURL: string | undefined): string {
	const path = url ?? '';
	if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path) || !baseURL) return path;
	return path ? `${baseURL.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}` : baseURL;
}

/** Two URLs name the same endpoint (case of scheme and host, trailing slash aside). */
export function sameEndpoint(a: string, b: string): boolean {
	const normal = (url: string) => (URL.canParse(url) ? new URL(url).href : url).replace(/\/+$/, '');
	return normal(a) === normal(b);
}
