/**
 * Amazon Ads (Sponsored Products v3 and reporting v3) as documented, with Login with Amazon:
 *
 * - POST /auth/o2/token exchanges the refresh token (form-encoded, client id and secret) for a
 *   one-hour access token; `expireTokens()` makes every token issued so far answer 401.
 * - Every API request needs `Authorization: Bearer <token>`, `Amazon-Advertising-API-ClientId`
 *   and `Amazon-Advertising-API-Scope` (the profile); writes need the resource's versioned media
 *   type as Content-Type (415 otherwise).
 * - Request bodies of /sp/* are checked against Amazon's own contract
 *   (../shared/contracts/amazon-ads-sponsored-products-v3.json, OpenAPI 3.0) when it is there;
 *   a body that fails is refused with 400 and kept in `contractErrors`.
 * - Writes answer 207 with per-entity success and error lists (index = position in the request):
 *   unknown IDs, bids outside 0.02–1,000, duplicates, and refusals scripted with `refuse(id)`.
 * - 429 with Retry-After on demand (`throttleNext`).
 * - Reports complete after `completeAfterPolls` status checks and download as gzipped JSON from a
 *   pre-signed link that refuses any Authorization header (as S3 does).
 *
 * The stand-in keeps the entities it holds in memory; `bidLog` records every bid Amazon accepted.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';

import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

import { loadAmazonContract } from './amazon-contract';
import { StandInServer, type RecordedRequest, type Reply } from './server';

type Json = Record<string, unknown>;

export interface AmazonAdsAccount {
	clientId: string;
	clientSecret: string;
	refreshToken: string;
	profileId: string;
}

interface ResourceInfo {
	path: string;
	mediaType: string;
	key: string;
	/** ID field in stored entities and in update bodies. */
	idField: string;
	/** ID field in answers (negative keywords: negativeKeywordId). */
	answerIdField: string;
	idFilter: string;
	entityField: string;
	schemas: { create: string; update: string; list: string; delete: string };
}

const RESOURCES: Record<string, ResourceInfo> = {
	campaigns: {
		path: '/sp/campaigns',
		mediaType: 'application/vnd.spCampaign.v3+json',
		key: 'campaigns',
		idField: 'campaignId',
		answerIdField: 'campaignId',
		idFilter: 'campaignIdFilter',
		entityField: 'campaign',
		schemas: { create: 'CreateSponsoredProductsCampaigns', update: 'UpdateSponsoredProductsCampaigns', list: 'ListSponsoredProductsCampaigns', delete: 'DeleteSponsoredProductsCampaigns' },
	},
	adGroups: {
		path: '/sp/adGroups',
		mediaType: 'application/vnd.spAdGroup.v3+json',
		key: 'adGroups',
		idField: 'adGroupId',
		answerIdField: 'adGroupId',
		idFilter: 'adGroupIdFilter',
		entityField: 'adGroup',
		schemas: { create: 'CreateSponsoredProductsAdGroups', update: 'UpdateSponsoredProductsAdGroups', list: 'ListSponsoredProductsAdGroups', delete: 'DeleteSponsoredProductsAdGroups' },
	},
	keywords: {
		path: '/sp/keywords',
		mediaType: 'application/vnd.spKeyword.v3+json',
		key: 'keywords',
		idField: 'keywordId',
		answerIdField: 'keywordId',
		idFilter: 'keywordIdFilter',
		entityField: 'keyword',
		schemas: { create: 'CreateSponsoredProductsKeywords', update: 'UpdateSponsoredProductsKeywords', list: 'ListSponsoredProductsKeywords', delete: 'DeleteSponsoredProductsKeywords' },
	},
	negativeKeywords: {
		path: '/sp/negativeKeywords',
		mediaType: 'application/vnd.spNegativeKeyword.v3+json',
		key: 'negativeKeywords',
		idField: 'keywordId',
		answerIdField: 'negativeKeywordId',
		idFilter: 'negativeKeywordIdFilter',
		entityField: 'negativeKeyword',
		schemas: {
			create: 'CreateSponsoredProductsNegativeKeywords',
			update: 'UpdateSponsoredProductsNegativeKeywords',
			list: 'ListSponsoredProductsNegativeKeywords',
			delete: 'DeleteSponsoredProductsNegativeKeywords',
		},
	},
	targets: {
		path: '/sp/targets',
		mediaType: 'application/vnd.spTargetingClause.v3+json',
		key: 'targetingClauses',
		idField: 'targetId',
		answerIdField: 'targetId',
		idFilter: 'targetIdFilter',
		entityField: 'targetingClause',
		schemas: {
			create: 'CreateSponsoredProductsTargetingClauses',
			update: 'UpdateSponsoredProductsTargetingClauses',
			list: 'ListSponsoredProductsTargetingClauses',
			delete: 'DeleteSponsoredProductsTargetingClauses',
		},
	},
};

export const REPORT_MEDIA_TYPE = 'application/vnd.createasyncreportrequest.v3+json';

/** Amazon's documented shape of a v3 report request (the reporting API has no published OpenAPI file here). */
const REPORT_REQUEST_SCHEMA = {
	type: 'object',
	required: ['startDate', 'endDate', 'configuration'],
	additionalProperties: false,
	properties: {
		name: { type: 'string' },
		startDate: { type: 'string', format: 'date' },
		endDate: { type: 'string', format: 'date' },
		configuration: {
			type: 'object',
			required: ['adProduct', 'groupBy', 'columns', 'reportTypeId', 'timeUnit', 'format'],
			additionalProperties: false,
			properties: {
				adProduct: { enum: ['SPONSORED_PRODUCTS', 'SPONSORED_BRANDS', 'SPONSORED_DISPLAY'] },
				groupBy: { type: 'array', minItems: 1, items: { type: 'string' } },
				columns: { type: 'array', minItems: 1, items: { type: 'string' } },
				reportTypeId: { enum: ['spCampaigns', 'spTargeting', 'spSearchTerm', 'spAdvertisedProduct', 'spPurchasedProduct'] },
				timeUnit: { enum: ['SUMMARY', 'DAILY'] },
				format: { enum: ['GZIP_JSON'] },
				filters: { type: 'array', items: { type: 'object', required: ['field', 'values'], properties: { field: { type: 'string' }, values: { type: 'array', items: { type: 'string' } } } } },
			},
		},
	},
};

/** Performance of a keyword (or search term) over the report period, as the report columns name it. */
export interface Performance {
	impressions: number;
	clicks: number;
	cost: number;
	purchases7d: number;
	sales7d: number;
}

export interface SearchTermPerformance extends Performance {
	searchTerm: string;
	keywordId: string;
}

interface StoredReport {
	reportId: string;
	request: Json;
	polls: number;
	completeAfter: number;
	failWith?: string;
	signature: string;
	/** The rows, fixed when the report completes (as Amazon's file is). */
	rows?: Json[];
}

interface Refusal {
	errorType: string;
	reason: string;
	message: string;
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export class AmazonAdsStandIn extends StandInServer {
	readonly store: Record<string, Map<string, Json>> = {
		campaigns: new Map(),
		adGroups: new Map(),
		keywords: new Map(),
		negativeKeywords: new Map(),
		targets: new Map(),
	};

	/** Keyword performance for reports, by keyword ID. */
	readonly performance = new Map<string, Performance>();

	/** Search-term performance for search-term reports. */
	searchTerms: SearchTermPerformance[] = [];

	/** Campaign performance per day (date YYYY-MM-DD) for daily campaign reports (timeUnit DAILY); only the days in the report's range come back. */
	campaignDays: Array<Performance & { campaignId: string; date: string }> = [];

	/** Every bid Amazon accepted, in order: keyword and target updates and creations. */
	readonly bidLog: Array<{ id: string; bid: number; resource: string }> = [];

	/** Bodies that failed Amazon's contract (they were answered 400). */
	readonly contractErrors: Array<{ route: string; errors: string[] }> = [];

	/** Whether bodies are checked against Amazon's published contract (false when ../shared/contracts is absent). */
	readonly contractChecked: boolean;

	readonly reports = new Map<string, StoredReport>();

	/** Status checks a report needs before it is COMPLETED (the first check sees PENDING). */
	completeAfterPolls = 3;

	/** Page size of list answers when the request gives no maxResults. */
	pageSize = 100;

	tokensIssued = 0;

	private readonly validTokens = new Set<string>();

	private readonly refusals = new Map<string, Refusal>();

	private readonly validators = new Map<string, ValidateFunction>();

	private readonly reportValidator: ValidateFunction;

	private nextId = 100_000_000;

	constructor(readonly account: AmazonAdsAccount) {
		super();
		const contract = loadAmazonContract();
		this.contractChecked = contract !== undefined;
		const ajv = new Ajv({ strict: false, allErrors: true });
		addFormats(ajv);
		if (contract) {
			ajv.addSchema(contract, 'contract');
			for (const info of Object.values(RESOURCES)) {
				for (const name of Object.values(info.schemas)) {
					const validate = ajv.getSchema(`contract#/components/schemas/SponsoredProducts${name}RequestContent`);
					if (!validate) throw new Error(`Amazon's contract has no schema SponsoredProducts${name}RequestContent`);
					this.validators.set(name, validate);
				}
			}
		}
		this.reportValidator = ajv.compile(REPORT_REQUEST_SCHEMA);

		this.route('POST', '/auth/o2/token', (request) => this.token(request));
		this.route('GET', '/v2/profiles', (request) =>
			this.authorised(request, false) ?? { body: [{ profileId: Number(account.profileId), countryCode: 'US', currencyCode: 'USD', timezone: 'America/Los_Angeles', accountInfo: { type: 'seller' } }] },
		);
		for (const [name, info] of Object.entries(RESOURCES)) {
			this.route('POST', info.path, (request) => this.guarded(request, info, info.schemas.create, () => this.write(name, info, request, 'create')));
			this.route('PUT', info.path, (request) => this.guarded(request, info, info.schemas.update, () => this.write(name, info, request, 'update')));
			this.route('POST', `${info.path}/delete`, (request) => this.guarded(request, info, info.schemas.delete, () => this.archive(name, info, request)));
			this.route('POST', `${info.path}/list`, (request) => this.guarded(request, info, info.schemas.list, () => this.list(name, info, request)));
		}
		this.route('POST', '/reporting/reports', (request) => this.createReport(request));
		this.route('GET', '/reporting/reports/:reportId', (request) => this.reportStatus(request));
		this.route('GET', '/files/:file', (request) => this.download(request));
	}

	// ---- setup from tests

	/** Adds entities as Amazon would list them; returns their IDs. */
	seed(resource: keyof typeof RESOURCES, ...entities: Json[]): string[] {
		const info = RESOURCES[resource];
		return entities.map((entity) => {
			const id = String(entity[info.idField] ?? this.newId());
			this.store[resource].set(id, { state: 'ENABLED', ...entity, [info.idField]: id });
			return id;
		});
	}

	/**
	 * Seeds campaigns, ad groups, keywords, product targets and their performance from rows shaped
	 * like test/reference/bid-optimizer-reference.json's keyword rows.
	 */
	seedAccount(rows: Array<{ keywordId: string; adGroupId: string; campaignId: string; keywordText: string | null; matchType: string; state: string; clicks: number; impressions: number; spend: number; sales: number; orders: number; bid: number; campaignBudget: number | null }>): void {
		for (const row of rows) {
			if (!this.store.campaigns.has(row.campaignId)) {
				this.seed('campaigns', { campaignId: row.campaignId, name: `Campaign ${row.campaignId}`, targetingType: 'MANUAL', state: 'ENABLED', ...(row.campaignBudget === null ? {} : { budget: { budget: row.campaignBudget, budgetType: 'DAILY' } }) });
			}
			if (!this.store.adGroups.has(row.adGroupId)) this.seed('adGroups', { adGroupId: row.adGroupId, campaignId: row.campaignId, name: `Ad group ${row.adGroupId}`, defaultBid: 0.5, state: 'ENABLED' });
			const common = { campaignId: row.campaignId, adGroupId: row.adGroupId, state: row.state, bid: row.bid };
			if (row.matchType === 'BROAD' || row.matchType === 'PHRASE' || row.matchType === 'EXACT') {
				this.seed('keywords', { ...common, keywordId: row.keywordId, keywordText: row.keywordText, matchType: row.matchType });
			} else {
				this.seed('targets', { ...common, targetId: row.keywordId, expression: [{ type: 'ASIN_SAME_AS', value: 'B0EXAMPLE1' }], expressionType: 'MANUAL' });
			}
			this.performance.set(row.keywordId, { impressions: row.impressions, clicks: row.clicks, cost: row.spend, purchases7d: row.orders, sales7d: row.sales });
		}
	}

	/** The next write that mentions this entity ID (or keyword text) gets this error in its 207 answer. */
	refuse(idOrText: string, refusal: Partial<Refusal> = {}): this {
		this.refusals.set(idOrText, { errorType: 'otherError', reason: 'INTERNAL_ERROR', message: 'Refused by the test', ...refusal });
		return this;
	}

	/** The next `count` requests to an /sp/ route answer 429 with Retry-After (seconds). */
	throttleNext(method: string, path: string, count = 1, retryAfter = 1): this {
		return this.failNext(method, path, count, { status: 429, headers: { 'Retry-After': String(retryAfter) }, body: { code: 'THROTTLED', message: 'Request was throttled' } });
	}

	/** Every access token issued so far stops working (they expire after an hour at Amazon). */
	expireTokens(): void {
		this.validTokens.clear();
	}

	keyword(id: string): Json | undefined {
		return this.store.keywords.get(id);
	}

	override reset(): void {
		super.reset();
		for (const map of Object.values(this.store)) map.clear();
		this.performance.clear();
		this.searchTerms = [];
		this.campaignDays = [];
		this.bidLog.length = 0;
		this.contractErrors.length = 0;
		this.reports.clear();
		this.refusals.clear();
		this.completeAfterPolls = 3;
		this.pageSize = 100;
	}

	// ---- Login with Amazon

	private token(request: RecordedRequest): Reply {
		const form = (isObject(request.body) ? request.body : {}) as Record<string, string>;
		if (!String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
			return { status: 400, body: { error: 'invalid_request', error_description: 'The request has an invalid content type' } };
		}
		if (form.grant_type !== 'refresh_token') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'Only refresh_token here' } };
		if (form.client_id !== this.account.clientId || form.client_secret !== this.account.clientSecret) {
			return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
		}
		if (form.refresh_token !== this.account.refreshToken) return { status: 400, body: { error: 'invalid_grant', error_description: 'The request has an invalid grant parameter : refresh_token' } };
		const token = `Atza|${randomBytes(24).toString('base64url')}`;
		this.validTokens.add(token);
		this.tokensIssued++;
		return { body: { access_token: token, refresh_token: this.account.refreshToken, token_type: 'bearer', expires_in: 3600 } };
	}

	/** Undefined when the request may go on; otherwise Amazon's refusal. */
	private authorised(request: RecordedRequest, needsScope = true): Reply | undefined {
		const auth = String(request.headers.authorization ?? '');
		const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
		if (!this.validTokens.has(token)) return { status: 401, body: { code: 'UNAUTHORIZED', details: 'Not authorized to access this advertiser' } };
		if (request.headers['amazon-advertising-api-clientid'] !== this.account.clientId) {
			return { status: 403, body: { code: 'FORBIDDEN', details: 'Amazon-Advertising-API-ClientId does not match the access token' } };
		}
		if (needsScope && request.headers['amazon-advertising-api-scope'] !== this.account.profileId) {
			return { status: 403, body: { code: 'FORBIDDEN', details: 'Amazon-Advertising-API-Scope is not a profile this token may use' } };
		}
		return undefined;
	}

	/** Auth, media type and contract checks around an /sp/ handler. */
	private guarded(request: RecordedRequest, info: ResourceInfo, schema: string, handle: () => Reply): Reply {
		const refused = this.authorised(request);
		if (refused) return refused;
		if (request.headers['content-type'] !== info.mediaType) {
			return { status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE', message: `Content-Type must be ${info.mediaType}` } };
		}
		if (request.headers.accept !== info.mediaType) {
			return { status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE', message: `Accept must be ${info.mediaType}` } };
		}
		const validate = this.validators.get(schema);
		if (validate && !validate(request.body)) {
			const errors = (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`);
			this.contractErrors.push({ route: `${request.method} ${request.path}`, errors });
			return { status: 400, body: { code: 'INVALID_ARGUMENT', message: errors.join('; ') } };
		}
		return handle();
	}

	private newId(): string {
		return String(this.nextId++);
	}

	private failure(index: number, refusal: Refusal): Json {
		return { index, errors: [{ errorType: refusal.errorType, errorValue: { [refusal.errorType]: { reason: refusal.reason, message: refusal.message } } }] };
	}

	/** Amazon's checks on one entity of a write, as the 207 answer reports them. */
	private check(resource: string, info: ResourceInfo, entity: Json, mode: 'create' | 'update'): Refusal | undefined {
		const key = String(entity[info.idField] ?? entity.keywordText ?? '');
		const scripted = this.refusals.get(key);
		if (scripted) {
			this.refusals.delete(key);
			return scripted;
		}
		if (mode === 'update' && !this.store[resource].has(String(entity[info.idField]))) {
			return { errorType: 'entityNotFoundError', reason: 'ENTITY_NOT_FOUND', message: `${info.entityField} ${String(entity[info.idField])} was not found` };
		}
		for (const field of ['bid', 'defaultBid']) {
			const bid = entity[field];
			if (typeof bid === 'number' && (bid < 0.02 || bid > 1000)) {
				return { errorType: 'rangeError', reason: bid < 0.02 ? 'TOO_LOW' : 'TOO_HIGH', message: `${field} ${bid} is outside 0.02 to 1000.00` };
			}
		}
		if (mode === 'create' && (resource === 'keywords' || resource === 'negativeKeywords')) {
			const duplicate = [...this.store[resource].values()].some(
				(other) => other.adGroupId === entity.adGroupId && String(other.keywordText).toLowerCase() === String(entity.keywordText).toLowerCase() && other.matchType === entity.matchType && other.state !== 'ARCHIVED',
			);
			if (duplicate) return { errorType: 'duplicateValueError', reason: 'DUPLICATE_VALUE', message: `"${String(entity.keywordText)}" (${String(entity.matchType)}) is already in ad group ${String(entity.adGroupId)}` };
		}
		return undefined;
	}

	private write(resource: string, info: ResourceInfo, request: RecordedRequest, mode: 'create' | 'update'): Reply {
		const entities = ((request.body as Json)[info.key] ?? []) as Json[];
		const success: Json[] = [];
		const error: Json[] = [];
		entities.forEach((entity, index) => {
			const refusal = this.check(resource, info, entity, mode);
			if (refusal) {
				error.push(this.failure(index, refusal));
				return;
			}
			let stored: Json;
			if (mode === 'create') {
				const id = this.newId();
				stored = { ...entity, [info.idField]: id };
				this.store[resource].set(id, stored);
			} else {
				const id = String(entity[info.idField]);
				stored = { ...this.store[resource].get(id), ...entity };
				this.store[resource].set(id, stored);
			}
			if (typeof entity.bid === 'number') this.bidLog.push({ id: String(stored[info.idField]), bid: entity.bid, resource });
			const answer = resource === 'negativeKeywords' ? { ...stored, negativeKeywordId: stored.keywordId } : stored;
			success.push({ index, [info.answerIdField]: String(stored[info.idField]), [info.entityField]: answer });
		});
		return { status: 207, headers: { 'content-type': info.mediaType }, body: { [info.key]: { success, error } } };
	}

	private archive(resource: string, info: ResourceInfo, request: RecordedRequest): Reply {
		const ids = (((request.body as Json)[info.idFilter] as Json | undefined)?.include ?? []) as string[];
		const success: Json[] = [];
		const error: Json[] = [];
		ids.forEach((id, index) => {
			const stored = this.store[resource].get(id);
			const scripted = this.refusals.get(id);
			if (scripted) {
				this.refusals.delete(id);
				error.push(this.failure(index, scripted));
			} else if (!stored) {
				error.push(this.failure(index, { errorType: 'entityNotFoundError', reason: 'ENTITY_NOT_FOUND', message: `${info.entityField} ${id} was not found` }));
			} else {
				stored.state = 'ARCHIVED';
				success.push({ index, [info.answerIdField]: id, [info.entityField]: stored });
			}
		});
		return { status: 207, headers: { 'content-type': info.mediaType }, body: { [info.key]: { success, error } } };
	}

	private list(resource: string, info: ResourceInfo, request: RecordedRequest): Reply {
		const body = (request.body ?? {}) as Json;
		const included = (filter: unknown) => (isObject(filter) && Array.isArray(filter.include) ? new Set((filter.include as unknown[]).map(String)) : undefined);
		const states = included(body.stateFilter);
		const campaigns = included(body.campaignIdFilter);
		const adGroups = included(body.adGroupIdFilter);
		const ids = included(body[info.idFilter]);
		const all = [...this.store[resource].values()].filter(
			(entity) =>
				(!states || states.has(String(entity.state))) &&
				(!campaigns || campaigns.has(String(entity.campaignId))) &&
				(!adGroups || adGroups.has(String(entity.adGroupId))) &&
				(!ids || ids.has(String(entity[info.idField]))),
		);
		const start = body.nextToken ? Number(Buffer.from(String(body.nextToken), 'base64url').toString()) : 0;
		const size = typeof body.maxResults === 'number' ? body.maxResults : this.pageSize;
		const page = all.slice(start, start + size);
		const next = start + size < all.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
		return { headers: { 'content-type': info.mediaType }, body: { [info.key]: page, totalResults: all.length, ...(next ? { nextToken: next } : {}) } };
	}

	// ---- reports

	private createReport(request: RecordedRequest): Reply {
		const refused = this.authorised(request);
		if (refused) return refused;
		if (request.headers['content-type'] !== REPORT_MEDIA_TYPE) return { status: 415, body: { code: '415', detail: `Content-Type must be ${REPORT_MEDIA_TYPE}` } };
		if (!this.reportValidator(request.body)) {
			const errors = (this.reportValidator.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`);
			this.contractErrors.push({ route: 'POST /reporting/reports', errors });
			return { status: 400, body: { code: '400', detail: errors.join('; ') } };
		}
		const body = request.body as Json;
		if (String(body.startDate) > String(body.endDate)) return { status: 400, body: { code: '400', detail: 'startDate must not be after endDate' } };
		const same = [...this.reports.values()].find((report) => report.rows === undefined && JSON.stringify(report.request) === JSON.stringify(body));
		if (same) return { status: 425, body: { code: '425', detail: `The Request is a duplicate of : ${same.reportId}` } };
		const reportId = randomUUID();
		this.reports.set(reportId, { reportId, request: body, polls: 0, completeAfter: this.completeAfterPolls, signature: randomBytes(16).toString('hex') });
		return { body: { reportId, status: 'PENDING', name: body.name, startDate: body.startDate, endDate: body.endDate, configuration: body.configuration, createdAt: new Date().toISOString() } };
	}

	/** Makes the report fail at its next status check. */
	failReport(reportId: string, reason: string): void {
		const report = this.reports.get(reportId);
		if (report) report.failWith = reason;
	}

	private reportStatus(request: RecordedRequest): Reply {
		const refused = this.authorised(request);
		if (refused) return refused;
		const report = this.reports.get(request.params.reportId);
		if (!report) return { status: 404, body: { code: '404', detail: `Report ${request.params.reportId} not found` } };
		report.polls++;
		const base = { reportId: report.reportId, name: report.request.name, startDate: report.request.startDate, endDate: report.request.endDate, configuration: report.request.configuration };
		if (report.failWith) return { body: { ...base, status: 'FAILED', failureReason: report.failWith, url: null } };
		if (report.polls < report.completeAfter) return { body: { ...base, status: report.polls === 1 ? 'PENDING' : 'PROCESSING', url: null } };
		report.rows ??= this.rowsFor(report.request);
		const url = `${this.url}/files/${report.reportId}.json.gz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=${report.signature}`;
		return { body: { ...base, status: 'COMPLETED', url, urlExpiresAt: new Date(Date.now() + 3_600_000).toISOString(), fileSize: 1234 } };
	}

	private download(request: RecordedRequest): Reply {
		// S3 refuses a pre-signed URL sent with a second way to authenticate.
		if (request.headers.authorization) {
			return { status: 400, headers: { 'content-type': 'application/xml' }, body: '<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>' };
		}
		const reportId = request.params.file.replace(/\.json\.gz$/, '');
		const report = this.reports.get(reportId);
		if (!report?.rows || request.query['X-Amz-Signature'] !== report.signature) {
			return { status: 403, headers: { 'content-type': 'application/xml' }, body: '<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>' };
		}
		return { headers: { 'content-type': 'application/x-gzip' }, body: gzipSync(Buffer.from(JSON.stringify(report.rows))) };
	}

	/** The report's rows from the stored entities and performance, with only the columns asked for. */
	private rowsFor(request: Json): Json[] {
		const configuration = request.configuration as Json;
		const columns = configuration.columns as string[];
		const pick = (full: Json) => Object.fromEntries(columns.map((column) => [column, full[column] ?? null]));
		const campaignOf = (id: unknown) => this.store.campaigns.get(String(id));
		const budgetOf = (id: unknown) => ((campaignOf(id)?.budget as Json | undefined)?.budget as number | undefined) ?? null;
		switch (configuration.reportTypeId) {
			case 'spTargeting': {
				const types = ((configuration.filters as Json[] | undefined) ?? []).find((filter) => filter.field === 'keywordType')?.values as string[] | undefined;
				// Keywords and product targets in one report, as Amazon's targeting report has them (targets: keywordId = targetId).
				const targets = [...this.store.targets.values()].map((target): Json => ({ ...target, keywordId: target.targetId, keywordText: null, matchType: 'TARGETING_EXPRESSION' }));
				return [...this.store.keywords.values(), ...targets]
					.filter((keyword) => this.performance.has(String(keyword.keywordId)) && (!types || types.includes(String(keyword.matchType))))
					.map((keyword) =>
						pick({
							...this.performance.get(String(keyword.keywordId)),
							keywordId: keyword.keywordId,
							keyword: keyword.keywordText,
							matchType: keyword.matchType,
							keywordBid: keyword.bid,
							adKeywordStatus: keyword.state,
							adGroupId: keyword.adGroupId,
							campaignId: keyword.campaignId,
							campaignName: campaignOf(keyword.campaignId)?.name ?? null,
							campaignBudgetAmount: budgetOf(keyword.campaignId),
						}),
					);
			}
			case 'spSearchTerm':
				return this.searchTerms.map((term) => {
					const keyword = this.store.keywords.get(term.keywordId) ?? {};
					return pick({ ...term, keyword: keyword.keywordText, matchType: keyword.matchType, adGroupId: keyword.adGroupId, campaignId: keyword.campaignId, keywordBid: keyword.bid });
				});
			default:
				if (configuration.timeUnit === 'DAILY') {
					const [from, to] = [String(request.startDate), String(request.endDate)];
					return this.campaignDays
						.filter((day) => day.date >= from && day.date <= to && this.store.campaigns.has(day.campaignId))
						.map((day) => {
							const campaign = campaignOf(day.campaignId)!;
							return pick({ ...day, campaignName: campaign.name, campaignStatus: campaign.state, campaignBudgetAmount: budgetOf(day.campaignId), campaignBudgetType: 'DAILY' });
						});
				}
				return [...this.store.campaigns.values()].map((campaign) => {
					const totals = { impressions: 0, clicks: 0, cost: 0, purchases7d: 0, sales7d: 0 };
					for (const keyword of this.store.keywords.values()) {
						if (keyword.campaignId !== campaign.campaignId) continue;
						const perf = this.performance.get(String(keyword.keywordId));
						if (perf) for (const key of Object.keys(totals) as Array<keyof typeof totals>) totals[key] += perf[key];
					}
					return pick({ ...totals, campaignId: campaign.campaignId, campaignName: campaign.name, campaignStatus: campaign.state, campaignBudgetAmount: budgetOf(campaign.campaignId), campaignBudgetType: 'DAILY' });
				});
		}
	}
}
