/**
 * AWS Signature Version 4 with node:crypto, no AWS SDK: what channel providers on AWS (Amazon SES
 * now; SNS or End User Messaging for SMS later) need on every request. A pure function of the request, the keys and the time, so it is
 * checked against AWS's published test vectors and can sign each retry afresh.
 *
 * Signed headers are `host`, `x-amz-date` and, with temporary keys, `x-amz-security-token`:
 * the HTTP client may still add or reword others (user agent, content length) without breaking
 * the signature.
 */
import { createHash, createHmac } from 'node:crypto';
import { nowDate } from '../clock';

export interface AwsKeys {
	accessKeyId: string;
	secretAccessKey: string;
	/** Temporary credentials (STS) come with a session token. */
	sessionToken?: string;
	region: string;
	/** The signing name of the service, e.g. `ses`. */
	service: string;
}

export interface SignableRequest {
	method: string;
	/** Absolute URL, query string included. */
	url: string;
	/** The exact bytes that will be sent ('' for none). */
	body: string;
}

const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding, as SigV4 wants it: only A-Z a-z 0-9 - _ . ~ stay as they are. */
export function encodeRfc3986(value: string): string {
	return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** 20150830T123600Z */
export function amzDate(time: Date): string {
	return time.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** The query string in SigV4's canonical form: names and values encoded, sorted by name, then value. */
export function canonicalQuery(url: URL): string {
	return [...url.searchParams]
		.map(([name, value]) => [encodeRfc3986(name), encodeRfc3986(value)])
		.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
		.map(([name, value]) => `${name}=${value}`)
		.join('&');
}

export function canonicalRequest(request: SignableRequest, headers: Record<string, string>): { text: string; signedHeaders: string } {
	const url = new URL(request.url);
	// URL keeps the path percent-encoded once; services other than S3 expect each segment encoded again.
	const path = url.pathname.split('/').map(encodeRfc3986).join('/') || '/';
	const names = Object.keys(headers)
		.map((name) => name.toLowerCase())
		.sort();
	const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
	const canonicalHeaders = names.map((name) => `${name}:${lower[name].trim().replace(/\s+/g, ' ')}\n`).join('');
	const signedHeaders = names.join(';');
	const text = [request.method.toUpperCase(), path, canonicalQuery(url), canonicalHeaders, signedHeaders, sha256Hex(request.body)].join('\n');
	return { text, signedHeaders };
}

export function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
	return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
}

/**
 * The headers that sign `request`: `X-Amz-Date`, `Authorization` and, for temporary keys,
 * `X-Amz-Security-Token`. Add them to the request unchanged.
 */
export function signRequest(request: SignableRequest, keys: AwsKeys, time: Date = nowDate()): Record<string, string> {
	const stamp = amzDate(time);
	const date = stamp.slice(0, 8);
	const added: Record<string, string> = { 'X-Amz-Date': stamp };
	if (keys.sessionToken) added['X-Amz-Security-Token'] = keys.sessionToken;
	const { text, signedHeaders } = canonicalRequest(request, { host: new URL(request.url).host, ...added });
	const scope = `${date}/${keys.region}/${keys.service}/aws4_request`;
	const stringToSign = ['AWS4-HMAC-SHA256', stamp, scope, sha256Hex(text)].join('\n');
	const signature = createHmac('sha256', signingKey(keys.secretAccessKey, date, keys.region, keys.service))
		.update(stringToSign, 'utf8')
		.digest('hex');
	added.Authorization = `AWS4-HMAC-SHA256 Credential=${keys.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
	return added;
}
