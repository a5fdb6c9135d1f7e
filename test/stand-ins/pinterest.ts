/**
 * Pinterest API v5 as documented: `Authorization: Bearer`, `POST /v5/pins` (checked against
 * Pinterest's OpenAPI contract, ../shared/contracts/pinterest-v5.json, PinCreate, when it is
 * there) answering 201 with the Pin, `GET /v5/user_account`. Errors in Pinterest's shape
 * (`{code, message}`); a board that is not the user's is 404; 429 on demand.
 */
import { randomInt } from 'node:crypto';

import { operationBodyCheck } from './contracts';
import { StandInServer, type RecordedRequest, type Reply } from './server';

const failure = (status: number, code: number, message: string): Reply => ({ status, body: { code, message } });

export interface Pin {
	id: string;
	board_id: string;
	title?: string;
	description?: string;
	link?: string;
	alt_text?: string;
	imageUrl: string;
}

export class PinterestStandIn extends StandInServer {
	readonly pins: Pin[] = [];
	readonly contractChecked: boolean;
	private readonly check = operationBodyCheck('pinterest-v5.json', '/pins', 'POST');

	constructor(private readonly account: { token: string; boards: string[] }) {
		super();
		this.contractChecked = this.check !== undefined;
		this.route('GET', '/v5/user_account', (request) => this.guard(request) ?? { body: { account_type: 'BUSINESS', username: 'campaignkit' } });
		this.route('POST', '/v5/pins', (request) => this.guard(request) ?? this.create(request));
	}

	override reset(): void {
		super.reset();
		this.pins.length = 0;
	}

	/** The next `count` Pin creations answer 429 (Pinterest sends no Retry-After; `retryAfter` adds one). */
	rateLimitNext(count = 1, retryAfter?: number): this {
		return this.failNext('POST', '/v5/pins', count, {
			...failure(429, 8, 'You have exceeded your rate limit. Try again later.'),
			...(retryAfter !== undefined ? { headers: { 'Retry-After': String(retryAfter) } } : {}),
		});
	}

	private guard(request: RecordedRequest): Reply | undefined {
		if (request.headers.authorization !== `Bearer ${this.account.token}`) return failure(401, 2, 'Authentication failed.');
		return undefined;
	}

	private create(request: RecordedRequest): Reply {
		const body = request.body as Record<string, unknown> | undefined;
		if (!body || typeof body !== 'object') return failure(400, 1, 'Invalid request body');
		const problems = this.check?.(body) ?? [];
		if (problems.length) return failure(400, 1, `Invalid request: ${problems.map((problem) => problem.message).join('; ')}`);
		const board = String(body.board_id ?? '');
		if (!this.account.boards.includes(board)) return failure(404, 40, 'Board not found.');
		const source = body.media_source as { source_type?: string; url?: string } | undefined;
		if (source?.source_type !== 'image_url' || typeof source.url !== 'string') return failure(400, 1, 'Invalid media_source: only image_url is implemented by this stand-in');
		const id = `${randomInt(1e8, 9e8)}${randomInt(1e8, 9e8)}`;
		const pin: Pin = { id, board_id: board, imageUrl: source.url };
		for (const key of ['title', 'description', 'link', 'alt_text'] as const) if (typeof body[key] === 'string') pin[key] = body[key] as string;
		this.pins.push(pin);
		return { status: 201, body: { id, created_at: new Date().toISOString(), board_id: board, title: pin.title ?? '', description: pin.description ?? '', link: pin.link ?? null, media: { media_type: 'image' } } };
	}
}
