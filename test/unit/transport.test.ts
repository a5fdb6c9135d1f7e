/**
 * The transport end to end: a test-only node runs it inside a real n8n-core execution, so every
 * request goes through n8n's own httpRequestWithAuthentication and our credential's `authenticate`
 * block, to a real HTTP server on 127.0.0.1. A fake clock records the waits instead of waiting.
 */
import { inspect } from 'node:util';

import { Logger } from '@n8n/backend-common';
import { GlobalConfig } from '@n8n/config';
import { Container } from '@n8n/di';
import type { ICredentialDataDecryptedObject, ICredentialType, IDataObject, IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { LoggerProxy, NodeApiError } from 'n8n-workflow';

import { chunk, createTransport, type Transport, type TransportOptions } from '../../nodes/shared/transport';
import { runWorkflow, singleNode } from '../helpers/n8n';
import { StandInServer, type RecordedRequest } from '../stand-ins/server';

const SECRET = 'sk_live_51HxQeSECRETvalue9876';

// Every log line of the run, at every level: n8n's logger (ctx.logger, and n8n-core's error
// reporter, which logs each failed node's error and its causes) and n8n-workflow's LoggerProxy.
const logged: string[] = [];
Container.get(GlobalConfig).logging.level = 'debug'; // before n8n creates its Logger, so debug is not a no-op
type Log = { log(level: string, message: string, metadata: object): void }; // private in Logger
jest.spyOn(Logger.prototype as unknown as Log, 'log').mockImplementation((level, message, metadata) => {
	logged.push(`${level} ${message} ${JSON.stringify(metadata)}`);
});
const capture = (level: string) => (message: string, metadata?: object) => void logged.push(`${level} ${message} ${JSON.stringify(metadata)}`);
LoggerProxy.init({ error: capture('error'), warn: capture('warn'), info: capture('info'), debug: capture('debug') } as never);

const probeCredential: ICredentialType = {
	name: 'probeApi',
	displayName: 'Probe API',
	properties: [
		{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
	],
	authenticate: { type: 'generic', properties: { headers: { Authorization: '=Bearer {{$credentials.apiKey}}' } } },
};

type Probe = (api: Transport, ctx: IExecuteFunctions) => Promise<IDataObject | IDataObject[]>;

/** A test-only node whose execute() hands a transport to the test's probe and outputs what it returns. */
class ProbeNode implements INodeType {
	description = {
		displayName: 'Probe',
		name: 'probe',
		group: ['transform'],
		version: 1,
		description: 'Runs a transport probe',
		defaults: { name: 'Probe' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'probeApi', required: true }],
		properties: [],
	} as unknown as INodeType['description'];

	execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>;

	constructor(run: (ctx: IExecuteFunctions) => Promise<IDataObject[]>) {
		// n8n calls execute with the execution context as `this`.
		this.execute = async function (this: IExecuteFunctions) {
			return [(await run(this)).map((json) => ({ json }))];
		};
	}
}

interface FakeClock {
	waits: number[];
	now(): number;
	sleep(ms: number): Promise<void>;
	random?(): number;
}

function fakeClock(start = Date.UTC(2026, 0, 1, 9, 0, 0)): FakeClock {
	let now = start;
	const waits: number[] = [];
	return {
		waits,
		now: () => now,
		sleep: async (ms) => {
			waits.push(ms);
			now += ms;
		},
	};
}

const server = new StandInServer();
let clock: FakeClock;

interface ProbeRun {
	items: IDataObject[];
	/** The error the transport threw, as the node saw it. */
	thrown: (NodeApiError & Error) | undefined;
	/** The error n8n stored with the execution. */
	stored: IDataObject | undefined;
	run: unknown;
}

async function probe(
	fn: Probe,
	options: { transport?: Partial<TransportOptions>; credentials?: ICredentialDataDecryptedObject } = {},
): Promise<ProbeRun> {
	let thrown: ProbeRun['thrown'];
	const node = new ProbeNode(async (ctx) => {
		const api = createTransport(ctx, {
			credentialType: 'probeApi',
			defaultBaseUrl: 'http://default.invalid',
			provider: 'Probe',
			clock,
			...options.transport,
		});
		try {
			const out = await fn(api, ctx);
			return Array.isArray(out) ? out : [out];
		} catch (error) {
			thrown = error as ProbeRun['thrown'];
			throw error;
		}
	});
	const result = await runWorkflow(
		singleNode('test.probe', {}, [{}], { credentials: { probeApi: { id: '1', name: 'Probe account' } } }),
		{
			nodeTypes: { 'test.probe': node },
			credentialTypes: [probeCredential],
			credentials: { probeApi: options.credentials ?? { apiKey: SECRET, baseUrl: server.url } },
		},
	);
	return {
		items: result.output('Node').map((item) => item.json),
		thrown,
		stored: result.error as IDataObject | undefined,
		run: result.run,
	};
}

const ITEMS = Array.from({ length: 23 }, (_, i) => ({ id: `item-${i}` }));
const ids = (items: IDataObject[]) => items.map((item) => item.id);

beforeAll(async () => {
	server
		.route('GET', '/v1/ping', () => ({ body: { ok: true } }))
		.route('POST', '/v3/mail/send', () => ({ status: 202, body: '' }))
		.route('POST', '/batch', (request) => ({ body: { received: (request.body as unknown[]).length }, delayMs: 5 }))
		.route('GET', '/slow/:n', (request) => ({ body: { n: Number(request.params.n) }, delayMs: 30 }))
		.route('GET', '/items-cursor', (request) => {
			const start = Number(request.query.cursor ?? 0);
			const next = start + 5 < ITEMS.length ? String(start + 5) : undefined;
			return { body: { data: ITEMS.slice(start, start + 5), meta: { next_cursor: next } } };
		})
		.route('GET', '/items-offset', (request) => {
			const offset = Number(request.query.offset ?? 0);
			return { body: { members: ITEMS.slice(offset, offset + Number(request.query.count)) } };
		})
		.route('GET', '/items-link', (request) => {
			const page = Number(request.query.page ?? 1);
			const last = Math.ceil(ITEMS.length / 10);
			const headers: Record<string, string> =
				page < last ? { Link: `<${server.url}/items-link?page=${page + 1}>; rel="next", <${server.url}/items-link?page=${last}>; rel="last"` } : {};
			return { headers, body: ITEMS.slice((page - 1) * 10, page * 10) };
		})
		.route('GET', '/items-body-link', (request) => {
			const page = Number(request.query.page ?? 0);
			const next = (page + 1) * 10 < ITEMS.length ? `/items-body-link?page=${page + 1}&PageSize=10` : null;
			return { body: { messages: ITEMS.slice(page * 10, page * 10 + 10), next_page_uri: next } };
		});
	await server.start();
});

afterAll(async () => await server.stop());

beforeEach(() => {
	server.reset();
	clock = fakeClock();
});

describe('transport: credential and URL (through n8n-core)', () => {
	it('sends the credential through n8n: Authorization reached the server, at the credential base URL', async () => {
		const { items } = await probe(async (api) => {
			const { body, statusCode, attempts, headers } = await api.request<{ ok: boolean }>({ url: '/v1/ping' });
			return { body, statusCode, attempts, contentType: headers['content-type'] };
		});
		expect(items).toEqual([{ body: { ok: true }, statusCode: 200, attempts: 1, contentType: 'application/json' }]);
		expect(server.requests).toHaveLength(1);
		expect(server.requests[0].headers.authorization).toBe(`Bearer ${SECRET}`);
		expect(server.requests[0].headers.accept).toBe('application/json');
	});

	it('falls back to the default base URL, keeping its path, when the credential leaves it empty', async () => {
		server.route('GET', '/api/v1/ping', () => ({ body: { prefixed: true } }));
		const { items } = await probe(async (api) => (await api.request({ url: 'v1/ping' })).body as IDataObject, {
			transport: { defaultBaseUrl: `${server.url}/api/` },
			credentials: { apiKey: SECRET, baseUrl: '' },
		});
		expect(items).toEqual([{ prefixed: true }]);
		expect(server.requests.map((request) => request.path)).toEqual(['/api/v1/ping']);
	});
});

describe('transport: retries', () => {
	it('waits what Retry-After asks (2 s) after a 429, then succeeds', async () => {
		server.failNext('GET', '/v1/ping', 1, { status: 429, headers: { 'Retry-After': '2' }, body: { errors: [{ message: 'too many requests' }] } });
		const { items, thrown } = await probe(async (api) => {
			const { body, attempts } = await api.request({ url: '/v1/ping' });
			return { body: body as IDataObject, attempts };
		});
		expect(thrown).toBeUndefined();
		expect(items).toEqual([{ body: { ok: true }, attempts: 2 }]);
		expect(clock.waits).toEqual([2000]);
		expect(server.requests).toHaveLength(2);
	});

	it('retries 503 twice on the schedule (~1 s, then ~5 s, ±20%) and succeeds on the third try', async () => {
		server.failNext('GET', '/v1/ping', 2, { status: 503, body: { message: 'Service down' } });
		const { items } = await probe(async (api) => ({ attempts: (await api.request({ url: '/v1/ping' })).attempts }));
		expect(items).toEqual([{ attempts: 3 }]);
		expect(server.requests).toHaveLength(3);
		expect(clock.waits).toHaveLength(2);
		expect(clock.waits[0]).toBeGreaterThanOrEqual(800);
		expect(clock.waits[0]).toBeLessThanOrEqual(1200);
		expect(clock.waits[1]).toBeGreaterThanOrEqual(4000);
		expect(clock.waits[1]).toBeLessThanOrEqual(6000);
	});

	it('retries a dropped connection and succeeds', async () => {
		server.failNext('GET', '/v1/ping', 1, { destroy: true });
		const { items } = await probe(async (api) => ({ attempts: (await api.request({ url: '/v1/ping' })).attempts }));
		expect(items).toEqual([{ attempts: 2 }]);
		expect(clock.waits).toHaveLength(1);
	});

	it('gives up after maxAttempts with the provider message and the attempt count', async () => {
		server.failNext('GET', '/v1/ping', 5, { status: 503, body: { message: 'Service down' } });
		const { thrown, stored } = await probe(async (api) => (await api.request({ url: '/v1/ping' })).body as IDataObject, {
			transport: { maxAttempts: 3 },
		});
		expect(thrown).toBeInstanceOf(NodeApiError);
		expect(thrown?.message).toBe('Service down (gave up after 3 attempts)');
		expect(thrown?.httpCode).toBe('503');
		expect(thrown?.description).toMatch(/^GET \/v1\/ping answered HTTP 503 Service Unavailable; 3 attempts over \d+ s of waiting$/);
		expect(stored?.message).toBe('Service down (gave up after 3 attempts)');
		expect(server.requests).toHaveLength(3);
		expect(clock.waits).toHaveLength(2);
	});

	it('cuts its own back-off to the time budget and stops when it is spent', async () => {
		server.failNext('GET', '/v1/ping', 10, { status: 500, body: 'upstream exploded' });
		clock.random = () => 0.5; // no jitter: 1 s, then 5 s cut to the 2 s left
		const { thrown } = await probe(async (api) => (await api.request({ url: '/v1/ping' })).body as IDataObject, {
			transport: { maxWaitMs: 3000, maxAttempts: 10 },
		});
		expect(clock.waits).toEqual([1000, 2000]);
		expect(server.requests).toHaveLength(3);
		expect(thrown?.message).toBe('upstream exploded (gave up after 3 attempts)');
	});

	it('fails with a clear message when a connection is refused on every attempt', async () => {
		const closed = new StandInServer();
		const url = await closed.start();
		await closed.stop();
		const { thrown } = await probe(async (api) => (await api.request({ url: '/v1/ping' })).body as IDataObject, {
			transport: { maxAttempts: 2 },
			credentials: { apiKey: SECRET, baseUrl: url },
		});
		expect(thrown).toBeInstanceOf(NodeApiError);
		expect(thrown?.message).toBe(`Could not reach ${new URL(url).host} (ECONNREFUSED) after 2 attempts`);
		expect(thrown?.description).toMatch(/^GET \/v1\/ping failed: /);
		expect(clock.waits).toHaveLength(1);
	});
});

describe('transport: server-requested waits', () => {
	it('honours Retry-After as an HTTP date', async () => {
		server.failNext('GET', '/v1/ping', 1, { status: 503, headers: { 'Retry-After': new Date(clock.now() + 3000).toUTCString() } });
		const { items } = await probe(async (api) => ({ attempts: (await api.request({ url: '/v1/ping' })).attempts }));
		expect(items).toEqual([{ attempts: 2 }]);
		expect(clock.waits).toEqual([3000]);
	});

	it('honours X-RateLimit-Reset in epoch seconds on a 429 (SendGrid)', async () => {
		const reset = String(clock.now() / 1000 + 7);
		server.failNext('GET', '/v1/ping', 1, { status: 429, headers: { 'X-RateLimit-Reset': reset }, body: { errors: [{ message: 'too many requests' }] } });
		const { items } = await probe(async (api) => ({ attempts: (await api.request({ url: '/v1/ping' })).attempts }));
		expect(items).toEqual([{ attempts: 2 }]);
		expect(clock.waits).toEqual([7000]);
	});

	it('fails at once, saying how long and what the limit is, when the provider asks for more than the budget', async () => {
		server.failNext('GET', '/v1/ping', 1, { status: 429, headers: { 'Retry-After': '600' }, body: { errors: [{ message: 'too many requests' }] } });
		const { thrown, stored } = await probe(async (api) => (await api.request({ url: '/v1/ping' })).body as IDataObject, {
			transport: { maxWaitMs: 60_000 },
		});
		expect(thrown).toBeInstanceOf(NodeApiError);
		expect(thrown?.message).toBe('Probe asked to wait 10 min before trying again (Retry-After), longer than this request may wait (1 min left of 1 min)');
		expect(thrown?.description).toBe('GET /v1/ping answered HTTP 429 Too Many Requests: too many requests. Try again later, or send fewer requests at once.');
		expect(thrown?.httpCode).toBe('429');
		expect(stored?.message).toBe(thrown?.message);
		expect(server.requests).toHaveLength(1);
		expect(clock.waits).toEqual([]);
	});
});

describe('transport: provider errors', () => {
	it('fails a 400 at once with the provider message (SendGrid shape) as a NodeApiError', async () => {
		server.failNext('POST', '/v3/mail/send', 1, {
			status: 400,
			body: { errors: [{ message: 'The from email does not contain a valid address.', field: 'from.email', help: 'http://sendgrid.com/docs' }] },
		});
		const { thrown, stored } = await probe(async (api) => {
			await api.request({ method: 'POST', url: '/v3/mail/send', body: { personalizations: [] }, itemIndex: 0 });
			return {};
		});
		expect(thrown).toBeInstanceOf(NodeApiError);
		expect(thrown?.message).toBe('The from email does not contain a valid address. (field: from.email)');
		expect(thrown?.httpCode).toBe('400');
		expect(thrown?.description).toBe('POST /v3/mail/send answered HTTP 400 Bad Request');
		expect(stored).toMatchObject({ message: thrown?.message, httpCode: '400', description: thrown?.description });
		expect(server.requests).toHaveLength(1);
		expect(clock.waits).toEqual([]);
	});

	it('uses Twilio’s message, code and help link', async () => {
		server.failNext('GET', '/v1/ping', 1, {
			status: 400,
			body: { code: 21211, message: "The 'To' number +1555 is not a valid phone number.", more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 },
		});
		const { thrown } = await probe(async (api) => (await api.request({ url: '/v1/ping' })).body as IDataObject);
		expect(thrown?.message).toBe("The 'To' number +1555 is not a valid phone number.");
		expect(thrown?.description).toBe('GET /v1/ping answered HTTP 400 Bad Request (code 21211, https://www.twilio.com/docs/errors/21211)');
		expect(server.requests).toHaveLength(1);
	});

	it('lets n8n refresh and re-send once on a 401 when asked to, and still reports the provider message', async () => {
		server.failNext('GET', '/v1/ping', 2, { status: 401, body: { error: { message: 'Token expired' } } });
		const { thrown } = await probe(async (api) => (await api.request({ url: '/v1/ping' })).body as IDataObject, {
			transport: { refreshOn401: true },
		});
		// n8n-core re-sends a 401ed request once after its (here empty) pre-authentication step.
		expect(server.requests).toHaveLength(2);
		expect(thrown).toBeInstanceOf(NodeApiError);
		expect(thrown?.message).toBe('Token expired');
		expect(thrown?.httpCode).toBe('401');
	});
});

describe('transport: secrets never leak', () => {
	beforeEach(() => {
		logged.length = 0;
	});

	const echo = (request: RecordedRequest) => ({
		message: `Invalid credentials: ${request.headers.authorization}`,
		echo: { authorization: request.headers.authorization, 'api-key': SECRET, url: `https://api.example.com${request.path}?api_key=${SECRET}` },
	});

	function expectNoSecret(run: ProbeRun) {
		const { thrown, stored } = run;
		expect(thrown).toBeDefined();
		const views = [
			thrown?.message,
			thrown?.description,
			JSON.stringify(thrown?.context),
			JSON.stringify(thrown),
			inspect(thrown, { depth: null, showHidden: true }),
			JSON.stringify(stored),
			inspect(stored, { depth: null, showHidden: true }),
			JSON.stringify(run.run),
			...logged,
		];
		for (const view of views) {
			expect(view).not.toContain(SECRET);
			expect(view).not.toContain('SECRETvalue');
		}
		expect(JSON.stringify(thrown)).toContain('**hidden**'); // it was there to hide
	}

	it('a 401 that echoes the Authorization header and the key', async () => {
		server.route('GET', '/v1/echo', (request) => ({ status: 401, body: echo(request) }));
		const run = await probe(async (api) => (await api.request({ url: '/v1/echo', qs: { api_key: SECRET } })).body as IDataObject);
		expect(run.thrown?.message).toBe('Invalid credentials: Bearer **hidden**');
		expect(run.thrown?.httpCode).toBe('401');
		expect(server.requests).toHaveLength(1);
		expectNoSecret(run);
	});

	it('a 500 past every retry, as JSON and as plain text', async () => {
		server.route('GET', '/v1/echo-json', (request) => ({ status: 500, body: { error: { message: `Upstream rejected key ${SECRET}` }, ...echo(request) } }));
		server.route('GET', '/v1/echo-text', (request) => ({
			status: 502,
			body: `proxy error for ${request.path}?key=${SECRET}; Authorization: ${request.headers.authorization}`,
		}));
		for (const url of ['/v1/echo-json', '/v1/echo-text']) {
			const run = await probe(async (api) => (await api.request({ url })).body as IDataObject, { transport: { maxAttempts: 2 } });
			expect(run.thrown?.message).toMatch(/\(gave up after 2 attempts\)$/);
			expectNoSecret(run);
		}
		// The retry and the failed node were logged, redacted.
		expect(logged.some((line) => line.startsWith('debug GET /v1/echo-text answered 502; attempt 2 of 2'))).toBe(true);
		expect(logged.some((line) => line.startsWith('error ') && line.includes('gave up after 2 attempts'))).toBe(true);
	});

	it('a secret in the URL path and a connection that fails', async () => {
		const closed = new StandInServer();
		const url = await closed.start();
		await closed.stop();
		const run = await probe(async (api) => (await api.request({ url: `/bot${SECRET}/send` })).body as IDataObject, {
			transport: { maxAttempts: 1 },
			credentials: { apiKey: SECRET, baseUrl: url },
		});
		expect(run.thrown?.description).toContain('/bot**hidden**/send');
		expectNoSecret(run);
	});
});

describe('transport: concurrency, batches and pages', () => {
	it('keeps at most `concurrency` requests in flight and returns results in input order', async () => {
		const { items } = await probe(
			async (api) => {
				const results = await api.mapConcurrent([...Array(12).keys()], async (n) => (await api.request<{ n: number }>({ url: `/slow/${n}` })).body.n);
				return { results };
			},
			{ transport: { concurrency: 3 } },
		);
		expect(items).toEqual([{ results: [...Array(12).keys()] }]);
		expect(server.requests).toHaveLength(12);
		expect(server.maxInFlight).toBe(3);
	});

	it('limits requests made directly, not only through mapConcurrent', async () => {
		await probe(
			async (api) => {
				await Promise.all([...Array(8).keys()].map(async (n) => await api.request({ url: `/slow/${n}` })));
				return {};
			},
			{ transport: { concurrency: 2 } },
		);
		expect(server.requests).toHaveLength(8);
		expect(server.maxInFlight).toBe(2);
	});

	it('sends batches no larger than the provider maximum, every recipient once', async () => {
		const recipients = Array.from({ length: 2500 }, (_, i) => ({ to: `r${i}@example.com` }));
		expect(chunk(recipients, 1000).map((batch) => batch.length)).toEqual([1000, 1000, 500]);
		const { items } = await probe(async (api) => {
			const received = await api.mapConcurrent(chunk(recipients, 1000), async (batch) => (await api.request<{ received: number }>({ method: 'POST', url: '/batch', body: batch })).body.received);
			return { received };
		});
		expect(items).toEqual([{ received: [1000, 1000, 500] }]);
		const sent = server.requests.flatMap((request) => request.body as Array<{ to: string }>).map((r) => r.to);
		expect(sent).toHaveLength(2500);
		expect(new Set(sent).size).toBe(2500);
	});

	it('cursor pagination returns every item exactly once', async () => {
		const { items } = await probe(async (api) =>
			api.paginate<IDataObject>({ url: '/items-cursor' }, { style: 'cursor', items: (body) => body.data, next: (body) => body.meta.next_cursor }),
		);
		expect(ids(items)).toEqual(ids(ITEMS));
		expect(server.requests.map((request) => request.query.cursor)).toEqual([undefined, '5', '10', '15', '20']);
	});

	it('cursor pagination stops at max', async () => {
		const { items } = await probe(async (api) =>
			api.paginate<IDataObject>({ url: '/items-cursor' }, { style: 'cursor', items: (body) => body.data, next: (body) => body.meta.next_cursor, max: 12 }),
		);
		expect(ids(items)).toEqual(ids(ITEMS.slice(0, 12)));
		expect(server.requests).toHaveLength(3);
	});

	it('offset/limit pagination returns every item exactly once and stops at the short page', async () => {
		const { items } = await probe(async (api) =>
			api.paginate<IDataObject>(
				{ url: '/items-offset', qs: { status: 'subscribed' } },
				{ style: 'offset', items: (body) => body.members, limit: 5, limitParam: 'count' },
			),
		);
		expect(ids(items)).toEqual(ids(ITEMS));
		expect(server.requests.map((request) => request.query)).toEqual(
			[0, 5, 10, 15, 20].map((offset) => ({ status: 'subscribed', offset: String(offset), count: '5' })),
		);
	});

	it('offset pagination stops with an error when the provider ignores the offset', async () => {
		const { thrown } = await probe(async (api) =>
			api.paginate<IDataObject>({ url: '/items-offset' }, { style: 'offset', items: (body) => body.members, limit: 5, offsetParam: 'start', limitParam: 'count' }),
		);
		expect(thrown?.message).toBe("The provider returned the same page twice for GET /items-offset; check the offset parameter's name");
		expect(server.requests).toHaveLength(2);
	});

	it('Link header pagination returns every item exactly once', async () => {
		const { items } = await probe(async (api) => api.paginate<IDataObject>({ url: '/items-link' }, { style: 'link', items: (body) => body }));
		expect(ids(items)).toEqual(ids(ITEMS));
		expect(server.requests.map((request) => request.query.page)).toEqual([undefined, '2', '3']);
		expect(server.requests.every((request) => request.headers.authorization === `Bearer ${SECRET}`)).toBe(true);
	});

	it('next-URL-in-the-body pagination (Twilio next_page_uri) returns every item exactly once', async () => {
		const { items } = await probe(async (api) =>
			api.paginate<IDataObject>(
				{ url: '/items-body-link', qs: { PageSize: 10 } },
				{ style: 'link', items: (body) => body.messages, next: (body) => body.next_page_uri },
			),
		);
		expect(ids(items)).toEqual(ids(ITEMS));
		expect(server.requests.map((request) => request.query)).toEqual([
			{ PageSize: '10' },
			{ page: '1', PageSize: '10' },
			{ page: '2', PageSize: '10' },
		]);
	});

	it('refuses to follow a next link to another host, where the credential would go too', async () => {
		server.route('GET', '/items-elsewhere', () => ({ headers: { Link: '<https://evil.example/steal?page=2>; rel="next"' }, body: [{ id: 'a' }] }));
		const { thrown } = await probe(async (api) => api.paginate<IDataObject>({ url: '/items-elsewhere' }, { style: 'link', items: (body) => body }));
		expect(thrown?.message).toBe("The provider's next-page link points to another host (https://evil.example); stopped before sending credentials there");
		expect(server.requests).toHaveLength(1);
	});
});
