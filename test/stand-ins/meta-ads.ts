/**
 * Meta's Marketing API (Graph, versioned paths) as documented, for one ad account:
 *
 * - every request needs `Authorization: Bearer <token>` (or `access_token`), and, when the app
 *   secret is set, `appsecret_proof` = hex HMAC-SHA256(app secret, token); errors come as
 *   `{ error: { message, type, code, error_subcode, fbtrace_id } }`;
 * - campaigns, ad sets and ads: create on the account's edges, update with POST /{id}, list with
 *   cursor paging (`paging.cursors.after`, `paging.next` only when there is more); budgets in the
 *   currency's smallest unit, as strings when read;
 * - insights: one request, or async report runs that finish after `completeAfterPolls` checks;
 * - custom audiences: POST /{audience}/users (DELETE to remove) with `payload {schema, data}` and
 *   `session {session_id, batch_seq, last_batch_flag}`; at most 10,000 records per call; hashed
 *   keys must be 64 lowercase hex characters; batches of a session must come in order;
 * - throttling on demand (`throttleNext`): HTTP 400 with error code 17 or 80004 and the usage
 *   headers Meta sends (`X-Business-Use-Case-Usage` with `estimated_time_to_regain_access`).
 */
import { createHmac, randomBytes } from 'node:crypto';

import { StandInServer, type RecordedRequest, type Reply } from './server';

type Json = Record<string, unknown>;

export interface MetaAccount {
	accessToken: string;
	appSecret?: string;
	/** Without "act_". */
	adAccountId: string;
	currency?: string;
	version?: string;
}

const HASHED = /^[a-f0-9]{64}$/;
const KEYS = new Set(['EMAIL', 'PHONE', 'FN', 'LN', 'CT', 'ST', 'ZIP', 'COUNTRY', 'GEN', 'DOBY', 'EXTERN_ID', 'MADID']);
const UNHASHED = new Set(['EXTERN_ID', 'MADID']);

const graphError = (status: number, code: number, message: string, extra: Json = {}): Reply => ({
	status,
	body: { error: { message, type: code === 190 ? 'OAuthException' : 'GraphMethodException', code, fbtrace_id: randomBytes(6).toString('hex'), ...extra } },
});

interface Audience {
	id: string;
	name: string;
	subtype: string;
	members: Set<string>;
	/** Per session: the last batch seen and whether the last-batch flag came. */
	sessions: Map<number, { seq: number; closed: boolean }>;
	spec?: Json;
}

interface ReportRun {
	polls: number;
	completeAfter: number;
	rows: Json[];
	params: Json;
}

export class MetaAdsStandIn extends StandInServer {
	readonly objects = new Map<string, Json & { kind: 'campaign' | 'adset' | 'ad' }>();
	readonly audiences = new Map<string, Audience>();
	readonly runs = new Map<string, ReportRun>();
	/** Insights rows by level ("campaign", "adset", …), as Meta returns them. */
	insights: Record<string, Json[]> = {};
	/** Every users call, in order: audience, method, session and record count. */
	readonly uploads: Array<{ audienceId: string; method: string; session: Json; records: number; schema: unknown }> = [];
	/** Every update of a budget, in order: object ID and the value Meta received (smallest unit). */
	readonly budgetLog: Array<{ id: string; daily_budget: number }> = [];
	completeAfterPolls = 2;
	pageSize = 25;
	private nextId = 23850000000000;

	constructor(readonly account: MetaAccount) {
		super();
		const version = account.version ?? 'v24.0';
		const base = `/${version}`;
		this.route('GET', `${base}/:node`, (r) => this.guard(r, () => this.getNode(r)));
		this.route('POST', `${base}/:node`, (r) => this.guard(r, () => this.update(r)));
		this.route('GET', `${base}/:node/:edge`, (r) => this.guard(r, () => this.getEdge(r)));
		this.route('POST', `${base}/:node/:edge`, (r) => this.guard(r, () => this.postEdge(r)));
		this.route('DELETE', `${base}/:node/:edge`, (r) => this.guard(r, () => this.users(r, true)));
	}

	get accountNode(): string {
		return `act_${this.account.adAccountId}`;
	}

	/** The next `count` Graph calls with this method and pattern answer as throttled. */
	throttleNext(method: 'GET' | 'POST' | 'DELETE', pattern: '/:node' | '/:node/:edge', count = 1, { code = 80004, minutes = 0 }: { code?: number; minutes?: number } = {}): this {
		const usage = { [this.account.adAccountId]: [{ type: 'ads_management', call_count: 100, total_cputime: 40, total_time: 60, estimated_time_to_regain_access: minutes }] };
		return this.failNext(method, `/${this.account.version ?? 'v24.0'}${pattern}`, count, {
			status: 400,
			headers: { 'X-Business-Use-Case-Usage': JSON.stringify(usage), 'X-Ad-Account-Usage': JSON.stringify({ acc_id_util_pct: 100, reset_time_duration: 0 }) },
			body: { error: { message: 'There have been too many calls from this ad-account. Wait a bit and try again.', type: 'OAuthException', code, is_transient: true, fbtrace_id: 'throttle' } },
		});
	}

	seed(kind: 'campaign' | 'adset' | 'ad', object: Json): string {
		const id = String(object.id ?? this.newId());
		this.objects.set(id, { ...object, id, kind });
		return id;
	}

	override reset(): void {
		super.reset();
		this.objects.clear();
		this.audiences.clear();
		this.runs.clear();
		this.insights = {};
		this.uploads.length = 0;
		this.budgetLog.length = 0;
		this.completeAfterPolls = 2;
		this.pageSize = 25;
	}

	private newId(): string {
		return String(this.nextId++);
	}

	private guard(request: RecordedRequest, handle: () => Reply): Reply {
		const auth = String(request.headers.authorization ?? '');
		const token = auth.startsWith('Bearer ') ? auth.slice(7) : String(request.query.access_token ?? '');
		if (token !== this.account.accessToken) return graphError(400, 190, 'Invalid OAuth access token - Cannot parse access token');
		if (this.account.appSecret) {
			const proof = createHmac('sha256', this.account.appSecret).update(token).digest('hex');
			if (request.query.appsecret_proof !== proof) return graphError(400, 100, 'Invalid appsecret_proof provided in the API argument');
		}
		return handle();
	}

	private page(rows: Json[], request: RecordedRequest): Reply {
		const limit = Number(request.query.limit ?? this.pageSize) || this.pageSize;
		const size = Math.min(limit, this.pageSize);
		const start = request.query.after ? Number(Buffer.from(String(request.query.after), 'base64url').toString()) : 0;
		const data = rows.slice(start, start + size);
		const after = Buffer.from(String(start + data.length)).toString('base64url');
		const before = Buffer.from(String(start)).toString('base64url');
		const more = start + data.length < rows.length;
		return { body: { data, paging: { cursors: { before, after }, ...(more ? { next: `${this.url}${request.path}?after=${after}` } : {}) } } };
	}

	private getNode(request: RecordedRequest): Reply {
		const node = request.params.node;
		if (node === this.accountNode) return { body: { id: node, account_id: this.account.adAccountId, currency: this.account.currency ?? 'USD', name: 'Stand-in account', account_status: 1 } };
		const run = this.runs.get(node);
		if (run) {
			run.polls++;
			const done = run.polls >= run.completeAfter;
			return { body: { id: node, async_status: done ? 'Job Completed' : run.polls === 1 ? 'Job Not Started' : 'Job Running', async_percent_completion: done ? 100 : Math.min(90, run.polls * 30) } };
		}
		const object = this.objects.get(node);
		if (!object) return graphError(400, 100, `Unsupported get request. Object with ID '${node}' does not exist`, { error_subcode: 33 });
		return { body: this.visible(object) };
	}

	private visible(object: Json): Json {
		const out = { ...object };
		delete out.kind;
		return out;
	}

	private update(request: RecordedRequest): Reply {
		const object = this.objects.get(request.params.node);
		if (!object) return graphError(400, 100, `Object with ID '${request.params.node}' does not exist`, { error_subcode: 33 });
		const body = (request.body ?? {}) as Json;
		for (const key of ['daily_budget', 'lifetime_budget', 'bid_amount']) {
			if (key in body && !(Number.isInteger(Number(body[key])) && Number(body[key]) > 0)) return graphError(400, 100, `(#100) ${key} must be a positive integer in the currency's smallest unit`);
		}
		if ('daily_budget' in body) this.budgetLog.push({ id: request.params.node, daily_budget: Number(body.daily_budget) });
		for (const [key, value] of Object.entries(body)) object[key] = key.endsWith('budget') || key === 'bid_amount' ? String(value) : value;
		return { body: { success: true } };
	}

	private getEdge(request: RecordedRequest): Reply {
		const { node, edge } = request.params;
		const run = this.runs.get(node);
		if (run && edge === 'insights') return this.page(run.rows, request);
		if (edge === 'insights') return this.page(this.insightRows(request.query as Json), request);
		const kind = edge === 'campaigns' ? 'campaign' : edge === 'adsets' ? 'adset' : edge === 'ads' ? 'ad' : undefined;
		if (!kind) return graphError(400, 100, `Unknown edge ${edge}`);
		const statuses = request.query.effective_status ? (JSON.parse(String(request.query.effective_status)) as string[]) : undefined;
		const rows = [...this.objects.values()]
			.filter((o) => o.kind === kind && (node === this.accountNode || o.campaign_id === node) && (!statuses || statuses.includes(String(o.effective_status ?? o.status))))
			.map((o) => this.visible(o));
		return this.page(rows, request);
	}

	private insightRows(params: Json): Json[] {
		return (this.insights[String(params.level ?? 'account')] ?? []).map((row) => ({ ...row }));
	}

	private postEdge(request: RecordedRequest): Reply {
		const { node, edge } = request.params;
		const body = (request.body ?? {}) as Json;
		if (edge === 'users') return this.users(request, false);
		if (node !== this.accountNode) return graphError(400, 100, `Unsupported post request on ${node}/${edge}`);
		if (edge === 'insights') {
			const id = this.newId();
			this.runs.set(id, { polls: 0, completeAfter: this.completeAfterPolls, rows: this.insightRows(body), params: body });
			return { body: { report_run_id: id } };
		}
		if (edge === 'customaudiences') {
			if (!body.name) return graphError(400, 100, '(#100) The parameter name is required');
			if (body.subtype === 'LOOKALIKE') {
				const spec = (typeof body.lookalike_spec === 'string' ? JSON.parse(body.lookalike_spec) : body.lookalike_spec) as Json | undefined;
				if (!this.audiences.has(String(body.origin_audience_id))) return graphError(400, 100, '(#100) The source audience does not exist', { error_subcode: 1713007 });
				if (!spec || !(Number(spec.ratio) >= 0.01 && Number(spec.ratio) <= 0.2) || !/^[A-Z]{2}$/.test(String(spec.country))) return graphError(400, 100, '(#100) Invalid lookalike_spec');
			}
			const id = this.newId();
			this.audiences.set(id, { id, name: String(body.name), subtype: String(body.subtype ?? 'CUSTOM'), members: new Set(), sessions: new Map(), spec: body.lookalike_spec as Json });
			return { body: { id } };
		}
		const kind = edge === 'campaigns' ? 'campaign' : edge === 'adsets' ? 'adset' : edge === 'ads' ? 'ad' : undefined;
		if (!kind) return graphError(400, 100, `Unknown edge ${edge}`);
		if (kind === 'campaign' && (!body.objective || !Array.isArray(body.special_ad_categories))) return graphError(400, 100, '(#100) objective and special_ad_categories are required');
		if (kind === 'adset' && (!this.objects.has(String(body.campaign_id)) || !body.targeting || !body.optimization_goal || !body.billing_event)) {
			return graphError(400, 100, '(#100) campaign_id, targeting, optimization_goal and billing_event are required');
		}
		const id = this.seed(kind, { ...body, ...(body.daily_budget !== undefined ? { daily_budget: String(body.daily_budget) } : {}), effective_status: body.status });
		return { body: { id } };
	}

	private users(request: RecordedRequest, remove: boolean): Reply {
		const audience = this.audiences.get(request.params.node);
		if (request.params.edge !== 'users') return graphError(400, 100, 'Unsupported request');
		if (!audience) return graphError(400, 100, `Audience ${request.params.node} does not exist`);
		const body = (request.body ?? {}) as Json;
		const payload = (typeof body.payload === 'string' ? JSON.parse(body.payload) : body.payload) as { schema?: unknown; data?: unknown } | undefined;
		const session = (typeof body.session === 'string' ? JSON.parse(body.session) : body.session) as Json | undefined;
		const schema = Array.isArray(payload?.schema) ? (payload.schema as string[]) : typeof payload?.schema === 'string' ? [payload.schema.replace(/_SHA256$/, '')] : undefined;
		if (!schema || schema.some((key) => !KEYS.has(key))) return graphError(400, 100, '(#100) Invalid schema');
		const data = payload?.data;
		if (!Array.isArray(data) || data.length === 0) return graphError(400, 100, '(#100) payload.data is empty');
		if (data.length > 10_000) return graphError(400, 100, '(#100) Too many records in one call: at most 10000');
		let invalid = 0;
		const rows = data.map((row) => (Array.isArray(row) ? row : [row]) as string[]);
		for (const row of rows) {
			const bad = row.length !== schema.length || row.some((value, k) => value !== '' && !UNHASHED.has(schema[k]) && !HASHED.test(String(value)));
			if (bad) invalid++;
		}
		if (session) {
			const id = Number(session.session_id);
			const state = audience.sessions.get(id) ?? { seq: 0, closed: false };
			if (state.closed) return graphError(400, 100, `(#100) Session ${id} has already ended`);
			if (Number(session.batch_seq) !== state.seq + 1) return graphError(400, 100, `(#100) batch_seq ${String(session.batch_seq)} out of order, expected ${state.seq + 1}`);
			audience.sessions.set(id, { seq: state.seq + 1, closed: session.last_batch_flag === true });
		}
		for (const row of rows) {
			const key = JSON.stringify(row);
			if (remove) audience.members.delete(key);
			else audience.members.add(key);
		}
		this.uploads.push({ audienceId: audience.id, method: request.method, session: session ?? {}, records: rows.length, schema: payload?.schema });
		return { body: { audience_id: audience.id, session_id: session?.session_id ?? null, num_received: rows.length, num_invalid_entries: invalid, invalid_entry_samples: {} } };
	}
}
