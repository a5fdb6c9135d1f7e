import type {
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

/** Any n8n context a node can make provider requests from: execute, list search, polling, webhooks. */
export type TransportContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions | IHookFunctions | IWebhookFunctions;

/** Time and chance, injectable so tests never really wait. */
export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
	/** In [0, 1); Math.random when absent. */
	random?(): number;
}

export interface TransportOptions {
	/** The credential type whose `authenticate` block n8n applies to every request. */
	credentialType: string;
	/** Used when the credential's optional `baseUrl` field is empty. */
	defaultBaseUrl: string;
	/** The provider's name in messages ("SendGrid asked to wait…"). */
	provider?: string;
	/** Requests in flight at once through this transport (default 5). */
	concurrency?: number;
	/** Total time one request may spend waiting between attempts (default 5 minutes). */
	maxWaitMs?: number;
	/** Attempts per request, the first included (default 5: one per step of the back-off schedule). */
	maxAttempts?: number;
	/**
	 * Let n8n refresh the token on a 401 and send the request once more. Default: on for OAuth2
	 * credentials (they carry `oauthTokenData`), off otherwise, because for other credentials n8n
	 * then re-sends every 401ed request once even when it has nothing to refresh.
	 */
	refreshOn401?: boolean;
	/** Credential fields of 8+ characters that are not secret (an account ID, a region) and may show in errors. */
	publicCredentialFields?: string[];
	clock?: Clock;
	/**
	 * The provider's own word on a failed answer, for providers that signal throttling in the body
	 * rather than with 429 (Meta: HTTP 400 with error code 4, 17, 32, 613 or 80000–80014, and the
	 * wait in a usage header). `retry` makes the answer retryable like a 429; `waitMs` is the
	 * provider's wait (exact, like Retry-After); `source` names where it came from for messages.
	 */
	classify?: (answer: { statusCode: number; headers: Record<string, string>; body: unknown }) => { retry: boolean; waitMs?: number; source?: string } | undefined;
}

/** n8n's request options, minus the two the transport sets itself. */
export interface TransportRequest extends Omit<IHttpRequestOptions, 'returnFullResponse' | 'ignoreHttpStatusErrors'> {
	/** The item this request is for: n8n shows it with the error. */
	itemIndex?: number;
	/**
	 * Retry when the connection fails (default true). A reset connection may have delivered the
	 * request already: turn this off for sends that are not idempotent and cannot be deduplicated.
	 */
	retryNetworkErrors?: boolean;
	/**
	 * Send without the credential, through n8n's plain `httpRequest` (same retries, limits and
	 * errors). For pre-signed URLs a provider hands out, such as Amazon Ads report files on S3,
	 * which carry their own signature in the query and refuse a request that also has an
	 * Authorization header.
	 */
	withoutCredential?: boolean;
}

export interface TransportResponse<T> {
	body: T;
	/** Lower-case names; repeated headers joined with ", ". */
	headers: Record<string, string>;
	statusCode: number;
	/** How many times the request was sent. */
	attempts: number;
}
