/**
 * A programmable HTTP server on 127.0.0.1 that stands in for a provider's API in tests. Provider
 * stand-ins (SendGrid, Twilio, …) add their routes on top; tests script failures and read the log.
 *
 *   const server = new StandInServer().route('POST', '/v3/mail/send', () => ({ status: 202 }));
 *   const baseUrl = await server.start();
 *   server.failNext('POST', '/v3/mail/send', 2, { status: 503 });
 *   …
 *   expect(server.requests).toHaveLength(3);
 *   await server.stop();
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
	method: string;
	/** Path without the query string. */
	path: string;
	query: Record<string, string | string[]>;
	/** Lower-case names, as Node gives them. */
	headers: IncomingHttpHeaders;
	rawBody: string;
	/** JSON or form bodies parsed; anything else as the raw text. */
	body: unknown;
	/** Values of the route's `:name` segments. */
	params: Record<string, string>;
	/** Date.now() when the request arrived. */
	time: number;
}

export interface Reply {
	status?: number;
	headers?: Record<string, string>;
	/** Objects are sent as JSON, strings and Buffers as they are, undefined as an empty body. */
	body?: unknown;
	/** Hold the answer this long (to overlap requests in concurrency tests). */
	delayMs?: number;
	/** Drop the connection without answering: the client sees a reset socket. */
	destroy?: boolean;
}

export type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

interface Route {
	method: string;
	pattern: RegExp;
	keys: string[];
	handler: Handler;
	/** Scripted answers that take precedence over the handler, consumed one per request. */
	scripted: Reply[];
}

function compile(path: string): { pattern: RegExp; keys: string[] } {
	const keys: string[] = [];
	const source = path
		.split('/')
		.map((segment) => {
			if (segment.startsWith(':')) {
				keys.push(segment.slice(1));
				return '([^/]+)';
			}
			return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		})
		.join('/');
	return { pattern: new RegExp(`^${source}$`), keys };
}

function parseBody(raw: string, contentType: string | undefined): unknown {
	if (!raw) return undefined;
	if (contentType?.includes('json')) {
		try {
			return JSON.parse(raw);
		} catch {
			return raw;
		}
	}
	if (contentType?.includes('application/x-www-form-urlencoded')) return toRecord(new URLSearchParams(raw));
	return raw;
}

function toRecord(params: URLSearchParams): Record<string, string | string[]> {
	const out: Record<string, string | string[]> = {};
	for (const key of new Set(params.keys())) {
		const values = params.getAll(key);
		out[key] = values.length > 1 ? values : values[0];
	}
	return out;
}

const wait = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

export class StandInServer {
	/** Every request received, in arrival order. */
	readonly requests: RecordedRequest[] = [];
	/** The most requests that were being handled at the same moment. */
	maxInFlight = 0;
	private inFlight = 0;
	private readonly routes: Route[] = [];
	/** While set, every answer waits for it (the request is recorded and handled first). */
	private gate: Promise<void> | undefined;
	private server: Server | undefined;
	private base = '';

	/** Answers `method path` (`:name` segments match one path segment) with `handler`. Later routes win over earlier ones. */
	route(method: string, path: string, handler: Handler): this {
		this.routes.unshift({ method: method.toUpperCase(), ...compile(path), handler, scripted: [] });
		return this;
	}

	/** Answers the next `count` requests to an existing route with `reply` instead of its handler. */
	failNext(method: string, path: string, count: number, reply: Reply): this {
		const route = this.routes.find((candidate) => candidate.method === method.toUpperCase() && candidate.pattern.source === compile(path).pattern.source);
		if (!route) throw new Error(`No route ${method} ${path} to script failures for`);
		for (let i = 0; i < count; i++) route.scripted.push(reply);
		return this;
	}

	/**
	 * Holds every answer from now on until `release()`: requests arrive and are handled (a provider
	 * stand-in counts its deliveries) but the client waits, as on a provider that is slow to answer.
	 */
	hold(): { release(): void } {
		let release = () => {};
		this.gate = new Promise<void>((resolve) => (release = resolve));
		return {
			release: () => {
				this.gate = undefined;
				release();
			},
		};
	}

	/** Requests to one route pattern (or path), optionally by method. */
	requestsTo(path: string, method?: string): RecordedRequest[] {
		const { pattern } = compile(path);
		return this.requests.filter((request) => pattern.test(request.path) && (!method || request.method === method.toUpperCase()));
	}

	/** Forgets the log, the in-flight high-water mark and any scripted answers not used yet. */
	reset(): void {
		this.requests.length = 0;
		this.maxInFlight = 0;
		for (const route of this.routes) route.scripted.length = 0;
	}

	/** The server's address, e.g. http://127.0.0.1:41234 (no trailing slash). */
	get url(): string {
		if (!this.base) throw new Error('The stand-in server is not started');
		return this.base;
	}

	async start(): Promise<string> {
		const server = createServer((req, res) => void this.handle(req, res));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		this.server = server;
		this.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		return this.base;
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		this.inFlight++;
		this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
		try {
			const chunks: Buffer[] = [];
			for await (const chunk of req) chunks.push(chunk as Buffer);
			const rawBody = Buffer.concat(chunks).toString('utf8');
			const url = new URL(req.url ?? '/', 'http://stand-in');
			const method = (req.method ?? 'GET').toUpperCase();
			const route = this.routes.find((candidate) => candidate.method === method && candidate.pattern.test(url.pathname));
			const match = route?.pattern.exec(url.pathname);
			const recorded: RecordedRequest = {
				method,
				path: url.pathname,
				query: toRecord(url.searchParams),
				headers: req.headers,
				rawBody,
				body: parseBody(rawBody, req.headers['content-type']),
				params: Object.fromEntries((route?.keys ?? []).map((key, i) => [key, decodeURIComponent(match?.[i + 1] ?? '')])),
				time: Date.now(),
			};
			this.requests.push(recorded);
			const reply: Reply = !route
				? { status: 404, body: { message: `No stand-in route for ${method} ${url.pathname}` } }
				: (route.scripted.shift() ?? (await route.handler(recorded)));
			if (reply.delayMs) await wait(reply.delayMs);
			if (this.gate) await this.gate;
			if (reply.destroy) {
				req.socket.destroy();
				return;
			}
			const headers: Record<string, string> = { ...reply.headers };
			let payload: string | Buffer = '';
			if (typeof reply.body === 'string' || Buffer.isBuffer(reply.body)) payload = reply.body;
			else if (reply.body !== undefined) {
				payload = JSON.stringify(reply.body);
				if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
			}
			res.writeHead(reply.status ?? 200, headers);
			res.end(payload);
		} catch (error) {
			res.writeHead(500, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ message: `Stand-in handler failed: ${(error as Error).message}` }));
		} finally {
			this.inFlight--;
		}
	}
}
