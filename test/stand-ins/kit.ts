/**
 * Kit (ConvertKit) API v4 as documented: `X-Kit-Api-Key`, subscribers created or updated by
 * address (201 new, 200 updated), tags and sequences by address (the subscriber must exist; 200
 * when already there), unsubscribe by subscriber ID, errors as `{"errors": ["…"]}`, and the key's
 * budget of 120 requests in any 60 seconds: one more answers 429 with the text body "Retry later"
 * and no Retry-After. Kit publishes no contract in ../shared/contracts; this follows its docs.
 */
import { StandInServer, type Handler, type RecordedRequest, type Reply } from './server';

type Json = Record<string, unknown>;

export interface KitSubscriber {
	id: number;
	first_name: string | null;
	email_address: string;
	state: 'active' | 'cancelled' | 'bounced' | 'complained' | 'inactive';
	created_at: string;
	fields: Json;
	tags: number[];
	sequences: number[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i;
const errors = (status: number, ...messages: string[]): Reply => ({ status, body: { errors: messages } });

export class KitStandIn extends StandInServer {
	readonly subscribers = new Map<string, KitSubscriber>();
	readonly tags = new Set<number>();
	readonly sequences = new Set<number>();
	/** Requests refused for exceeding the budget. */
	rateLimited = 0;
	/** Arrival times of the requests counted against the budget. */
	private readonly arrivals: number[] = [];
	private nextId = 1000;

	/** `limit` requests in any `windowMs` per key: Kit's 120 in 60 s unless a test shortens the window. */
	constructor(private readonly apiKey: string, readonly limit = 120, readonly windowMs = 60_000) {
		super();
		const r = (method: string, path: string, handler: Handler) => this.route(method, path, this.guard(handler));
		r('GET', '/v4/account', () => ({ body: { user: { email: 'owner@example.com' }, account: { id: 1, name: 'Stand-in', plan_type: 'creator' } } }));
		r('POST', '/v4/subscribers', (q) => this.upsert(q));
		r('GET', '/v4/subscribers', (q) => this.find(q));
		r('POST', '/v4/subscribers/:id/unsubscribe', (q) => this.unsubscribe(q));
		r('POST', '/v4/tags/:tag/subscribers', (q) => this.join(q, 'tags'));
		r('POST', '/v4/sequences/:sequence/subscribers', (q) => this.join(q, 'sequences'));
	}

	override reset(): void {
		super.reset();
		this.subscribers.clear();
		this.arrivals.length = 0;
		this.rateLimited = 0;
	}

	/** The most requests that arrived within any one window. */
	peakInWindow(): number {
		const times = this.requests.map((request) => request.time);
		let peak = 0;
		for (let start = 0, end = 0; end < times.length; end++) {
			while (times[end] - times[start] >= this.windowMs) start++;
			peak = Math.max(peak, end - start + 1);
		}
		return peak;
	}

	private guard(handler: Handler): Handler {
		return (request) => {
			if (request.headers['x-kit-api-key'] !== this.apiKey) return errors(401, 'API Key not valid');
			const now = request.time;
			while (this.arrivals.length && this.arrivals[0] <= now - this.windowMs) this.arrivals.shift();
			if (this.arrivals.length >= this.limit) {
				this.rateLimited++;
				return { status: 429, headers: { 'content-type': 'text/plain' }, body: 'Retry later' };
			}
			this.arrivals.push(now);
			return handler(request);
		};
	}

	private view(subscriber: KitSubscriber, extra: Json = {}): Json {
		// Kit's subscriber object carries neither tags nor sequences.
		const { id, first_name, email_address, state, created_at, fields } = subscriber;
		return { subscriber: { id, first_name, email_address, state, created_at, fields, ...extra } };
	}

	private upsert(request: RecordedRequest): Reply {
		const body = (request.body ?? {}) as Json;
		const email = body.email_address;
		if (typeof email !== 'string' || !EMAIL.test(email)) return errors(422, 'Email address is invalid');
		const key = email.toLowerCase();
		const existing = this.subscribers.get(key);
		if (existing) {
			if (body.first_name !== undefined) existing.first_name = String(body.first_name);
			if (body.fields) existing.fields = { ...existing.fields, ...(body.fields as Json) };
			return { status: 200, body: this.view(existing) };
		}
		const subscriber: KitSubscriber = {
			id: this.nextId++,
			first_name: body.first_name === undefined ? null : String(body.first_name),
			email_address: email,
			state: 'active',
			created_at: new Date().toISOString(),
			fields: (body.fields as Json) ?? {},
			tags: [],
			sequences: [],
		};
		this.subscribers.set(key, subscriber);
		return { status: 201, body: this.view(subscriber) };
	}

	private find(request: RecordedRequest): Reply {
		const email = String(request.query.email_address ?? '').toLowerCase();
		const status = String(request.query.status ?? 'active');
		const all = [...this.subscribers.values()].filter((s) => (!email || s.email_address.toLowerCase() === email) && (status === 'all' || s.state === status));
		return { body: { subscribers: all.map((s) => this.view(s).subscriber), pagination: { has_previous_page: false, has_next_page: false, start_cursor: null, end_cursor: null, per_page: 500 } } };
	}

	private unsubscribe(request: RecordedRequest): Reply {
		const subscriber = [...this.subscribers.values()].find((s) => String(s.id) === request.params.id);
		if (!subscriber) return errors(404, 'Not Found');
		subscriber.state = 'cancelled';
		return { status: 204 };
	}

	private join(request: RecordedRequest, kind: 'tags' | 'sequences'): Reply {
		const id = Number(kind === 'tags' ? request.params.tag : request.params.sequence);
		if (!(kind === 'tags' ? this.tags : this.sequences).has(id)) return errors(404, 'Not Found');
		const email = String(((request.body ?? {}) as Json).email_address ?? '').toLowerCase();
		const subscriber = this.subscribers.get(email);
		if (!subscriber) return errors(404, 'Not Found');
		const already = subscriber[kind].includes(id);
		if (!already) subscriber[kind].push(id);
		const at = new Date().toISOString();
		return { status: already ? 200 : 201, body: this.view(subscriber, kind === 'tags' ? { tagged_at: at } : { added_at: at }) };
	}
}
