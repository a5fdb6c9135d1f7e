/**
 * The channel model every sending node (Email, SMS, Push) shares. A node turns items into
 * messages; a provider adapter turns messages into requests and reads the answers; the channel
 * runner (send.ts) does the rest the same way for every channel: validation, idempotency keys,
 * n8n's de-duplication store, Simulate, fallback, and the Sent / Skipped / Failed outputs.
 *
 * Adapters are plain TypeScript (no n8n import) so their batching can be unit-tested.
 */

/** One message to one recipient, built from one input item. `C` is the channel's content. */
export interface Message<C> {
	itemIndex: number;
	/** The address, number or token to send to (already validated and tidied). */
	recipient: string;
	/** Idempotency key: recorded in n8n's de-duplication store and sent with the message. */
	key: string;
	content: C;
}

/** What the provider said about one message. */
export type MessageResult =
	| {
			ok: true;
			messageId: string | null;
			/** Fields added to the item beside `delivery` (Social Post's `post`). */
			output?: Record<string, unknown>;
	  }
	/** `fallback`: another provider may well succeed (throttling, an outage), unlike a refusal of the message itself. */
	| {
			ok: false;
			reason: string;
			fallback: boolean;
			/**
			 * Not sent, and nothing is wrong with it: the provider's quota is used up until `retryAt`
			 * (null when the provider does not say). The item leaves on Skipped with the time and its key
			 * is forgotten, so a later run sends it.
			 */
			later?: { retryAt: string | null };
			output?: Record<string, unknown>;
	  };

/** A request as the provider receives it, minus the credential n8n adds. */
export interface HttpCall {
	method: 'POST' | 'PUT' | 'GET';
	/** Path below the base URL, e.g. `/v3/mail/send`. */
	url: string;
	headers?: Record<string, string>;
	body: unknown;
}

export interface ProviderRequest<C> {
	/** The messages this request carries, in the order the provider answers for them. */
	messages: Array<Message<C>>;
	/**
	 * The key the provider drops repeats by (OneSignal's `idempotency_key`), when the request
	 * carries one. Kept in the send history so that a request whose outcome is unknown can be sent
	 * again as exactly the same request.
	 */
	idempotencyKey?: string;
	/** Multi-step providers (`publish`): every request a message takes, in order and in words, for Simulate (`http` is the main one). */
	steps?: string[];
	/**
	 * The request. `only` narrows the per-recipient part to that one message (by position in
	 * `messages`), keeping everything shared: Simulate shows each contact the request they are in.
	 */
	http(only?: number): HttpCall;
}

export interface ProviderAnswer {
	body: unknown;
	/** Lower-case names. */
	headers: Record<string, string>;
	statusCode: number;
}

export interface Provider<C> {
	/** Parameter value, e.g. `sendGrid`. */
	id: string;
	/** As marketers know it, e.g. `SendGrid`; also `delivery.provider`. */
	name: string;
	credentialType: string;
	/** The documented maximum of messages (recipients) in one request. */
	maxPerRequest: number;
	/** Where requests go when the credential has no base URL (some depend on it, e.g. an AWS region). */
	defaultBaseUrl(credentials?: Record<string, unknown>): string;
	/** The headers n8n adds from the credential, as Simulate shows them (secrets hidden). */
	simulatedAuth: Record<string, string>;
	/**
	 * Messages into requests: grouped as the provider can share content, at most `maxPerRequest` each.
	 * `credentials` are the connected credential's fields (absent when Simulate runs without one),
	 * for paths that name an account or a project (Twilio's Account SID, Firebase's project ID).
	 */
	plan(messages: Array<Message<C>>, credentials?: Record<string, unknown>): Array<ProviderRequest<C>>;
	/** One result per message of a request the provider accepted (2xx). Not called for `publish` providers. */
	results(request: ProviderRequest<C>, answer: ProviderAnswer): MessageResult[];
	/**
	 * For providers that need several requests per message (Instagram: container → status → publish):
	 * sends one message through `steps` and says how it went. When present the runner calls it once
	 * per message instead of sending `plan`'s requests (which Simulate still shows); a thrown
	 * transport error is read like a failed request. Quota state may live in the provider object,
	 * which the node creates per execution.
	 */
	publish?(message: Message<C>, steps: PublishSteps): Promise<MessageResult>;
	/** Credential fields of 8+ characters that are not secret (an account or Page ID) and may show in errors. */
	publicCredentialFields?: string[];
	/** The provider's own word on throttling signalled in the body (Meta's error codes), for the transport. */
	classify?(answer: ProviderAnswer): { retry: boolean; waitMs?: number; source?: string } | undefined;
	/**
	 * The reason a refusal (a 4xx other than 429: never retried, never handed to the fallback) gives
	 * for its messages, when the provider says something more useful than its message: Firebase's
	 * UNREGISTERED token, Twilio's error code. Undefined keeps the provider's message (and, for a
	 * refusal of the credential, the error that stops the run is about the credential, not a contact).
	 */
	refusal?(answer: Pick<ProviderAnswer, 'statusCode' | 'body'>): string | undefined;
	/** A short-lived token every request needs first (Firebase's OAuth2 access token). */
	session?: ProviderSession;
	/**
	 * The provider drops a request it has already taken (OneSignal's `idempotency_key`), so a
	 * request whose connection dropped may be sent again. Without it, it fails (or falls back).
	 */
	deduplicates?: boolean;
}

/**
 * How a provider that wants a short-lived token gets one. The runner asks for it when the first
 * request needs it and keeps it for this execution only (never between executions, which may run
 * on other workers): every request until shortly before it expires carries its headers.
 */
export interface ProviderSession {
	/** The token request (an absolute URL leaves the base URL). Throws for credential fields that cannot work. */
	request(credentials: Record<string, unknown>): HttpCall;
	/** The headers the answer grants, and until when (epoch milliseconds). Throws when the answer holds no token. */
	read(answer: ProviderAnswer, now: number): Grant;
}

/** What a multi-step provider's `publish` may do: requests through the one transport, and waits. */
export interface PublishSteps {
	/**
	 * One request (with the credential and the session's headers). GETs are retried after a dropped
	 * connection; other methods only for providers that drop repeats. `download` reads the answer as
	 * bytes (Buffer) without the credential, for media at a public URL.
	 */
	call(http: HttpCall & { qs?: Record<string, string | number | boolean>; download?: boolean }): Promise<ProviderAnswer>;
	/** Waits (n8n's sleep: stops when the execution is cancelled); never longer than `maxWaitMs` in all. */
	sleep(ms: number): Promise<void>;
	now(): number;
	/** The node's "Give Up After": the longest a message may wait, e.g. for a quota to free up. */
	maxWaitMs: number;
	/** The connected credential's fields, for paths that name an account (an Instagram user, a Page). */
	credentials: Record<string, unknown>;
}

export interface Grant {
	headers: Record<string, string>;
	expiresAt: number;
}

/**
 * `unconfirmed`: nobody knows whether the provider took it (a run stopped between the request and
 * the answer, or the connection broke before the answer); it left on Failed and is not sent again.
 */
export type DeliveryStatus = 'sent' | 'skipped' | 'failed' | 'unconfirmed' | 'simulated';

/** Added to every item as `delivery`. */
export interface Delivery {
	status: DeliveryStatus;
	/** The provider that sent it, or would have. */
	provider: string;
	messageId: string | null;
	idempotencyKey: string | null;
	/** HTTP attempts made for this message (0 when none was needed). */
	attempts: number;
	reason?: string;
	/** Simulate only: the request this message would go out in. */
	request?: Record<string, unknown>;
	/** Skipped for now only (a quota used up, a post not due): when to try again, for n8n's Wait node. */
	retryAt?: string | null;
	/** Unconfirmed from an earlier run: the execution that claimed it, when the send history keeps it. */
	claimedBy?: string | null;
	/** Unconfirmed from an earlier run: when it was claimed (ISO 8601), when the send history keeps it. */
	claimedAt?: string | null;
}
