/** The transport's pure parts: wait hints, back-off, provider messages, redaction, links, batching. */
import {
	backoffMs,
	chunk,
	createLimiter,
	createRedactor,
	formatDuration,
	HIDDEN,
	mapConcurrent,
	nextLink,
	parseProviderError,
	scrubUrl,
	serverWait,
} from '../../nodes/shared/transport';
import { transientCode } from '../../nodes/shared/transport/retry';
import { credentialTypes } from '../helpers/n8n';

const NOW = Date.UTC(2026, 0, 1, 9, 0, 0);

describe('serverWait', () => {
	it.each([
		['delta seconds', 429, { 'retry-after': '2' }, 2000],
		['fractional seconds', 503, { 'retry-after': '1.5' }, 1500],
		['an HTTP date', 503, { 'retry-after': new Date(NOW + 4000).toUTCString() }, 4000],
		['an HTTP date in the past', 503, { 'retry-after': new Date(NOW - 4000).toUTCString() }, 0],
		['X-RateLimit-Reset in epoch seconds', 429, { 'x-ratelimit-reset': String(NOW / 1000 + 30) }, 30_000],
		['X-RateLimit-Reset in epoch milliseconds', 429, { 'x-ratelimit-reset': String(NOW + 1234) }, 1234],
		['X-RateLimit-Reset in seconds from now', 429, { 'x-ratelimit-reset': '12' }, 12_000],
		['X API x-rate-limit-reset', 429, { 'x-rate-limit-reset': String(NOW / 1000 + 60) }, 60_000],
		['Retry-After over a reset header', 429, { 'retry-after': '3', 'x-ratelimit-reset': '50' }, 3000],
	])('reads %s', (_name, status, headers, ms) => {
		expect(serverWait(status, headers, NOW)?.ms).toBe(ms);
	});

	it('names the header it read', () => {
		expect(serverWait(429, { 'x-ratelimit-reset': '5' }, NOW)?.header).toBe('X-RateLimit-Reset');
		expect(serverWait(429, { 'retry-after': '5' }, NOW)?.header).toBe('Retry-After');
	});

	it('ignores a reset header outside a 429 (SendGrid sends it on every answer) and unreadable values', () => {
		expect(serverWait(503, { 'x-ratelimit-reset': String(NOW / 1000 + 30) }, NOW)).toBeUndefined();
		expect(serverWait(429, { 'retry-after': 'soon' }, NOW)).toBeUndefined();
		expect(serverWait(429, {}, NOW)).toBeUndefined();
	});
});

describe('backoffMs', () => {
	it('follows 1 s, 5 s, 30 s, 5 min within ±20%, then stays at 5 min', () => {
		const bases = [1000, 5000, 30_000, 300_000, 300_000, 300_000];
		bases.forEach((base, i) => {
			expect(backoffMs(i + 1, 0)).toBe(base * 0.8);
			expect(backoffMs(i + 1, 0.5)).toBe(base);
			expect(backoffMs(i + 1, 0.999999)).toBeLessThanOrEqual(base * 1.2);
			expect(backoffMs(i + 1, 0.999999)).toBeGreaterThan(base * 1.19);
		});
	});
});

describe('transientCode', () => {
	it('finds a network error code in the cause chain', () => {
		const axiosLike = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
		expect(transientCode(Object.assign(new Error('wrapped'), { cause: axiosLike }))).toBe('ECONNRESET');
		expect(transientCode(new Error('socket hang up'))).toBe('ECONNRESET');
		expect(transientCode(Object.assign(new Error('x'), { code: 'ETIMEDOUT' }))).toBe('ETIMEDOUT');
		expect(transientCode(Object.assign(new Error('canceled'), { code: 'ERR_CANCELED' }))).toBeUndefined();
		expect(transientCode(new Error('Invalid URL'))).toBeUndefined();
	});
});

describe('formatDuration', () => {
	it.each([
		[850, '850 ms'],
		[2000, '2 s'],
		[45_000, '45 s'],
		[60_000, '1 min'],
		[90_000, '1 min 30 s'],
		[600_000, '10 min'],
		[3 * 3600_000 + 5 * 60_000, '3 h 5 min'],
	])('%d ms reads "%s"', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('parseProviderError', () => {
	it.each([
		['SendGrid', { errors: [{ message: 'Bad from', field: 'from.email', help: null }, { message: 'No subject', field: 'subject' }] }, 'Bad from (field: from.email); No subject (field: subject)'],
		['Twilio', { code: 21211, message: "The 'To' number is not valid.", more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 }, "The 'To' number is not valid."],
		['Meta Graph', { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190, fbtrace_id: 'A1' } }, 'Invalid OAuth access token.'],
		['an OAuth token endpoint', { error: 'invalid_grant', error_description: 'Refresh token expired' }, 'Refresh token expired'],
		['a bare OAuth error', { error: 'invalid_client' }, 'invalid_client'],
		['Mailchimp (problem details)', { type: 'https://mailchimp.com/developer/', title: 'Invalid Resource', status: 400, detail: 'Looks fake or invalid' }, 'Looks fake or invalid'],
		['Telnyx', { errors: [{ code: '10004', title: 'Missing required parameter', detail: 'The to parameter is required' }] }, 'The to parameter is required'],
		['Kit', { errors: ['Email address is invalid'] }, 'Email address is invalid'],
		['Postmark', { ErrorCode: 300, Message: 'Invalid email request' }, 'Invalid email request'],
		['Amazon Ads', { code: 'INVALID_ARGUMENT', details: 'Budget must be at least 1' }, 'Budget must be at least 1'],
		['plain text (Kit 429)', 'Retry later', 'Retry later'],
		['JSON sent as text', '{"message":"quota exceeded"}', 'quota exceeded'],
	])('reads %s', (_name, body, message) => {
		expect(parseProviderError(body).message).toBe(message);
	});

	it('keeps codes and help links, and says nothing for HTML pages and empty bodies', () => {
		expect(parseProviderError({ code: 21211, message: 'x', more_info: 'https://t.co/e' })).toEqual({ message: 'x', code: '21211', moreInfo: 'https://t.co/e' });
		expect(parseProviderError({ ErrorCode: 300, Message: 'x' }).code).toBe('300');
		expect(parseProviderError('<!DOCTYPE html><html><body>502 Bad Gateway</body></html>').message).toBeUndefined();
		expect(parseProviderError('').message).toBeUndefined();
		expect(parseProviderError(undefined).message).toBeUndefined();
	});
});

describe('createRedactor', () => {
	const credentials = {
		apiKey: 'SG.abc-DEF_123/456+789',
		accountSid: 'AC0123456789abcdef',
		region: 'us21', // short: not treated as a secret
		baseUrl: 'https://api.sendgrid.com',
		proxy: 'https://user:pr0xyPassw0rd@proxy.example:8080',
		oauthTokenData: { access_token: 'ya29.a0AfH6SMBxyz', refresh_token: '1//0gLongRefresh' },
	};
	const redactor = createRedactor(credentials, ['accountSid']);

	it('hides every credential value of 8+ characters, also URL-encoded and JSON-escaped', () => {
		expect(redactor.text('key SG.abc-DEF_123/456+789 used')).toBe(`key ${HIDDEN} used`);
		expect(redactor.text(`url ?k=${encodeURIComponent(credentials.apiKey)}`)).toBe(`url ?k=${HIDDEN}`);
		expect(redactor.text(JSON.stringify({ k: credentials.apiKey }))).not.toContain('abc-DEF');
		expect(redactor.text('token ya29.a0AfH6SMBxyz and 1//0gLongRefresh')).toBe(`token ${HIDDEN} and ${HIDDEN}`);
		expect(redactor.text('proxy said pr0xyPassw0rd')).toBe(`proxy said ${HIDDEN}`);
	});

	it('keeps addresses, short values and fields declared public', () => {
		expect(redactor.text('POST https://api.sendgrid.com/v3/mail/send in us21')).toBe('POST https://api.sendgrid.com/v3/mail/send in us21');
		expect(redactor.text('/Accounts/AC0123456789abcdef/Messages.json')).toBe('/Accounts/AC0123456789abcdef/Messages.json');
	});

	it('hides auth headers and secret-named fields that are not ours', () => {
		const other = createRedactor({});
		expect(other.text('Authorization: Bearer eyJhbGciOi.xyz')).toBe(`Authorization: Bearer ${HIDDEN}`);
		expect(other.text('sent Basic dXNlcjpwYXNz')).toBe(`sent Basic ${HIDDEN}`);
		expect(other.text('GET /x?api_key=abc123&page=2')).toBe(`GET /x?api_key=${HIDDEN}&page=2`);
		expect(other.text('{"password":"hunter2","user":"ann"}')).toBe(`{"password":"${HIDDEN}","user":"ann"}`);
		expect(other.text('Token expired, please sign in again')).toBe('Token expired, please sign in again');
		expect(other.deep({ headers: { Authorization: 'Bearer x', 'X-Api-Key': 'k', Accept: 'application/json' }, list: ['Bearer abcdefgh1'] })).toEqual({
			headers: { Authorization: HIDDEN, 'X-Api-Key': HIDDEN, Accept: 'application/json' },
			list: [`Bearer ${HIDDEN}`],
		});
	});
});

describe('createRedactor: parts and encodings of a secret', () => {
	const token = '9b1e4c7a2d5f8e0b3c6a9d2f5e8b1c4a';
	const sid = 'AC3f9a1c2b7d4e6f80a1b2c3d4e5f60718';
	const twilio = createRedactor({ accountSid: sid, authType: 'authToken', authToken: token });

	it('hides a Basic credential echoed as raw base64, without the word Basic', () => {
		const basic = Buffer.from(`${sid}:${token}`).toString('base64');
		expect(twilio.text(`rejected ${basic}`)).toBe(`rejected ${HIDDEN}`);
		// The key in base64 after any other user name (Mailchimp's fixed one), standard and URL-safe.
		for (const user of ['campaign-kit', 'x', 'ab']) {
			for (const encoding of ['base64', 'base64url'] as const) {
				const shown = twilio.text(`got ${Buffer.from(`${user}:${token}`).toString(encoding)}`);
				expect(Buffer.from(shown.slice(4).replace(HIDDEN, ''), encoding).toString('latin1')).not.toMatch(/[0-9a-f]{8}/);
			}
		}
	});

	it('hides any run of 8+ characters of a secret, such as a key cut by the provider', () => {
		expect(twilio.text(`key ${token.slice(0, 8)}`)).toBe(`key ${HIDDEN}`);
		expect(twilio.text(`key …${token.slice(5, 20)}…`)).toBe(`key …${HIDDEN}…`);
		expect(twilio.text(`key ${token.slice(0, 7)}`)).toBe(`key ${token.slice(0, 7)}`);
		expect(twilio.text(`url ${encodeURIComponent('a+b/' + token).slice(0, 20)}`)).not.toContain(token.slice(0, 8));
	});

	it('redacts before it cuts a long text answer, so a key across the cut leaves nothing', () => {
		const key = 'SG.q7Xk2Lp9Rt4Vw8Yz1Bc5Df.Hj3Mn6Qs0Uv';
		const sendgrid = createRedactor({ apiKey: key });
		for (let at = 480; at <= 500; at++) {
			const message = parseProviderError(`${'x'.repeat(at)}${key} rest`, sendgrid).message ?? '';
			expect(message).not.toContain(key.slice(0, 8));
			expect(message.length).toBeLessThanOrEqual(501);
		}
	});

	it('treats every password field of every credential as a secret whose fragments are hidden', () => {
		for (const type of Object.values(credentialTypes())) {
			for (const field of type.properties.filter((property) => property.typeOptions?.password)) {
				const value = 'Zq8Wv3Xr5Ty7Up1Io9Pa2Sd4Fg6Hj0Kl';
				const shown = createRedactor({ [field.name]: field.name === 'serviceAccountJson' ? JSON.stringify({ private_key: value }) : value }).text(`cut ${value.slice(3, 14)}`);
				expect(`${type.name}.${field.name}: ${shown}`).toBe(`${type.name}.${field.name}: cut ${HIDDEN}`);
			}
		}
	});
});

describe('scrubUrl', () => {
	it('hides secret query parameters and URL passwords', () => {
		expect(scrubUrl('https://u:p@api.example.com/v1?api_key=abc&page=2&access_token=t')).toBe(
			`https://u:hidden@api.example.com/v1?api_key=${encodeURIComponent(HIDDEN)}&page=2&access_token=${encodeURIComponent(HIDDEN)}`,
		);
	});
});

describe('nextLink', () => {
	it('finds rel="next" among other links, quoted or not, alone or with other relations', () => {
		expect(nextLink('<https://a.io/x?page=3>; rel="next", <https://a.io/x?page=9>; rel="last"')).toBe('https://a.io/x?page=3');
		expect(nextLink('<https://a.io/x?page=1>; rel="prev", <https://a.io/x?page=3>; rel=next')).toBe('https://a.io/x?page=3');
		expect(nextLink('<https://a.io/x?p=2>; title="a, b"; rel="next last"')).toBe('https://a.io/x?p=2');
		expect(nextLink('<https://a.io/x?page=1>; rel="prev"')).toBeUndefined();
		expect(nextLink(undefined)).toBeUndefined();
	});
});

describe('chunk', () => {
	it('splits into batches of at most the size, keeping order', () => {
		expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
		expect(chunk([1, 2], 5)).toEqual([[1, 2]]);
		expect(chunk([], 3)).toEqual([]);
		expect(() => chunk([1], 0)).toThrow('Batch size must be a whole number of at least 1, got 0');
	});
});

describe('createLimiter and mapConcurrent', () => {
	/** A promise the test settles by hand: no timers. */
	function deferred() {
		let resolve: () => void = () => {};
		const promise = new Promise<void>((r) => (resolve = r));
		return { promise, resolve };
	}
	const flush = async () => {
		for (let i = 0; i < 10; i++) await Promise.resolve();
	};

	it('never runs more than the limit, and starts waiting tasks in order', async () => {
		const limiter = createLimiter(2);
		const gates = [0, 1, 2, 3].map(deferred);
		const started: number[] = [];
		const done = gates.map(async (gate, i) =>
			limiter.run(async () => {
				started.push(i);
				await gate.promise;
			}),
		);
		await flush();
		expect(started).toEqual([0, 1]);
		gates[1].resolve();
		await flush();
		expect(started).toEqual([0, 1, 2]);
		gates[0].resolve();
		gates[2].resolve();
		gates[3].resolve();
		await Promise.all(done);
		expect(started).toEqual([0, 1, 2, 3]);
	});

	it('keeps results in input order and stops starting items after a failure', async () => {
		expect(await mapConcurrent([3, 1, 2], 2, async (n) => n * 10)).toEqual([30, 10, 20]);
		const seen: number[] = [];
		await expect(
			mapConcurrent([0, 1, 2, 3, 4], 1, async (n) => {
				seen.push(n);
				if (n === 1) throw new Error('boom');
				return n;
			}),
		).rejects.toThrow('boom');
		expect(seen).toEqual([0, 1]);
	});
});
