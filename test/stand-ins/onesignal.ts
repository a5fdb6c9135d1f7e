/**
 * OneSignal's Create Notification API as documented today: `Authorization: Key <App API key>`
 * (legacy keys: `Basic`), `POST /notifications` with the app's ID and one way of targeting,
 * at most 2,000 subscription IDs or aliases per call, answering `{id, external_id, errors}`.
 * Bodies are checked against OneSignal's published OpenAPI file (../shared/contracts/onesignal-v1.json,
 * Notification) when it is there; that file predates `include_subscription_ids`,
 * `idempotency_key` and the `Key` scheme, so the documented rules are checked here as well.
 *
 * `idempotency_key` is honoured as OneSignal describes: a call with a key already seen sends
 * nothing and answers the first call's result. On demand: 429 with Retry-After, and a dropped
 * connection after a call was processed (the client never hears that it was sent).
 */
import { randomUUID } from 'node:crypto';

import { operationBodyCheck } from './contracts';
import { StandInServer, type RecordedRequest, type Reply } from './server';

export const ONESIGNAL_TARGET_LIMIT = 2000;

export interface OneSignalNotification {
	id: string;
	subscriptionIds?: string[];
	externalIds?: string[];
	heading?: string;
	content: string;
	data?: Record<string, unknown>;
	url?: string;
	idempotencyKey?: string;
}

const failure = (status: number, ...errors: string[]): Reply => ({ status, body: { errors } });

// OneSignal takes v3 or v4 UUIDs (RFC 9562) as idempotency keys.
const UUID_V3_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-[34][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const TARGETS = ['include_subscription_ids', 'include_aliases', 'included_segments', 'filters', 'include_player_ids', 'include_external_user_ids'];

export class OneSignalStandIn extends StandInServer {
	/** Notifications created (each once, whatever repeats arrived). */
	readonly notifications: OneSignalNotification[] = [];
	/** Subscription IDs and External IDs that exist but are no longer subscribed. */
	readonly unsubscribed = new Set<string>();
	readonly contractChecked: boolean;
	private readonly check = operationBodyCheck('onesignal-v1.json', '/notifications', 'POST', { formats: { string: true } });
	private readonly byKey = new Map<string, Record<string, unknown>>();
	private dropAfter = 0;

	constructor(private readonly keys: { appId: string; apiKey: string; legacy?: boolean }) {
		super();
		this.contractChecked = this.check !== undefined;
		this.route('POST', '/notifications', (request) => this.guard(request) ?? this.create(request));
		this.route('GET', '/notifications', (request) => {
			const refused = this.guard(request);
			if (refused) return refused;
			if (request.query.app_id !== this.keys.appId) return failure(400, 'app_id not found. You may be missing a Content-Type: application/json header.');
			return { body: { total_count: this.notifications.length, offset: 0, limit: Number(request.query.limit ?? 50), notifications: [] } };
		});
	}

	/** The next `count` creates answer 429 with Retry-After (seconds). */
	rateLimitNext(count = 1, retryAfter = 1): this {
		return this.failNext('POST', '/notifications', count, {
			status: 429,
			headers: { 'Retry-After': String(retryAfter) },
			body: { errors: ['API rate limit exceeded. Please slow down and retry after the time in the Retry-After header.'] },
		});
	}

	/** The next `count` creates are processed, then the connection drops before the answer. */
	dropAnswerNext(count = 1): this {
		this.dropAfter += count;
		return this;
	}

	override reset(): void {
		super.reset();
		this.notifications.length = 0;
		this.unsubscribed.clear();
		this.byKey.clear();
		this.dropAfter = 0;
	}

	/** How many recipients the notifications reached in total. */
	get reached(): number {
		return this.notifications.reduce((sum, n) => sum + (n.subscriptionIds?.length ?? 0) + (n.externalIds?.length ?? 0), 0);
	}

	private guard(request: RecordedRequest): Reply | undefined {
		const scheme = this.keys.legacy ? 'Basic' : 'Key';
		if (request.headers.authorization !== `${scheme} ${this.keys.apiKey}`) {
			return failure(401, "Access denied.  Please include an 'Authorization: Key <API-KEY>' header with a valid API key (https://documentation.onesignal.com/docs/en/keys-and-ids).");
		}
		return undefined;
	}

	private create(request: RecordedRequest): Reply {
		const answer = this.process(request);
		if (this.dropAfter > 0 && answer.status === 200) {
			this.dropAfter--;
			return { destroy: true };
		}
		return answer;
	}

	private process(request: RecordedRequest): Reply {
		const body = request.body as Record<string, unknown> | undefined;
		if (!body || typeof body !== 'object') return failure(400, 'Request body must be JSON.');
		const problems = this.check?.(body) ?? [];
		if (problems.length) return failure(400, ...problems.map((problem) => problem.message));
		if (body.app_id !== this.keys.appId) return failure(400, 'app_id not found. You may be missing a Content-Type: application/json header.');
		const targeting = TARGETS.filter((key) => body[key] !== undefined);
		if (targeting.length !== 1) return failure(400, 'You must include exactly one way of targeting (include_subscription_ids, include_aliases, included_segments or filters).');

		const key = body.idempotency_key;
		if (key !== undefined) {
			if (typeof key !== 'string' || !UUID_V3_V4.test(key)) return failure(400, 'idempotency_key must be a valid v3 or v4 UUID');
			const earlier = this.byKey.get(key);
			if (earlier) return { status: 200, headers: { 'Idempotent-Replayed': 'true' }, body: earlier };
		}

		const subscriptionIds = body.include_subscription_ids as unknown;
		const aliases = body.include_aliases as Record<string, unknown> | undefined;
		let ids: string[];
		if (subscriptionIds !== undefined) {
			if (!Array.isArray(subscriptionIds)) return failure(400, 'include_subscription_ids must be an array');
			ids = subscriptionIds.map(String);
		} else if (aliases !== undefined) {
			const labels = Object.keys(aliases ?? {});
			if (labels.length !== 1 || !Array.isArray(aliases[labels[0]])) return failure(400, 'include_aliases must name one alias label with an array of IDs');
			if (body.target_channel === undefined) return failure(400, 'target_channel is required with include_aliases');
			ids = (aliases[labels[0]] as unknown[]).map(String);
		} else return failure(400, 'Only include_subscription_ids and include_aliases targeting is implemented by this stand-in');
		if (ids.length > ONESIGNAL_TARGET_LIMIT) return failure(400, `You may only include up to ${ONESIGNAL_TARGET_LIMIT} targets per notification; this one has ${ids.length}.`);
		const contents = body.contents as Record<string, unknown> | undefined;
		if (!contents || typeof contents.en !== 'string' || !contents.en) return failure(400, 'Notification contents must include English (en) content.');

		const reachable = ids.filter((id) => !this.unsubscribed.has(id));
		const invalid = ids.filter((id) => this.unsubscribed.has(id));
		let answer: Record<string, unknown>;
		if (!reachable.length) {
			answer = { id: '', external_id: null, errors: ['All included players are not subscribed'] };
		} else {
			const id = randomUUID();
			const headings = body.headings as Record<string, string> | undefined;
			this.notifications.push({
				id,
				...(subscriptionIds !== undefined ? { subscriptionIds: reachable } : { externalIds: reachable }),
				...(headings?.en ? { heading: headings.en } : {}),
				content: contents.en,
				...(body.data ? { data: body.data as Record<string, unknown> } : {}),
				...(typeof body.url === 'string' ? { url: body.url } : {}),
				...(typeof key === 'string' ? { idempotencyKey: key } : {}),
			});
			answer = { id, external_id: null };
			if (invalid.length) {
				answer.errors = subscriptionIds !== undefined ? { invalid_player_ids: invalid } : { invalid_aliases: { external_id: invalid } };
			}
		}
		if (typeof key === 'string') this.byKey.set(key, answer);
		return { status: 200, body: answer };
	}
}
