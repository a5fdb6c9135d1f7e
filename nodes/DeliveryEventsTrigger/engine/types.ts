/** A provider's delivery callback, as the trigger received it: what verification needs, nothing more. */
export interface WebhookRequest {
	method: string;
	/** The full URL the provider called (scheme, host, path and query), for URL-signed schemes. */
	url: string;
	/** Lower-case header names. */
	headers: Record<string, string | undefined>;
	/** The body byte for byte: every signature covers the raw bytes, not a re-serialisation. */
	rawBody: Buffer;
	query: Record<string, string | undefined>;
}

/** What the Delivery Webhook Secrets credential holds; each provider uses its own fields. */
export interface WebhookSecrets {
	signingSecret?: string;
	publicKey?: string;
	username?: string;
	password?: string;
	verifyToken?: string;
}

export type DeliveryEventType =
	| 'sent'
	| 'delivered'
	| 'opened'
	| 'clicked'
	| 'bounced'
	| 'complained'
	| 'unsubscribed'
	| 'failed'
	/** The provider's event has no counterpart above (e.g. deferred, queued); `raw` keeps it. */
	| 'other';

/** The one event shape every provider is normalised into. */
export interface DeliveryEvent {
	provider: ProviderName;
	channel: 'email' | 'sms' | 'whatsapp';
	type: DeliveryEventType;
	/** The provider's own event name, so nothing is lost in the mapping. */
	providerType: string;
	/**
	 * What identifies this event, the same on every retry and replay: the provider's event id
	 * (SendGrid, Telnyx, Postmark bounces), else the message id with its status, else a hash of
	 * the event. A second delivery of an id is a replay and starts nothing.
	 */
	eventId: string;
	messageId: string | null;
	recipient: string | null;
	/** ISO 8601 in UTC. */
	timestamp: string;
	raw: unknown;
}

export type ProviderName = 'sendgrid' | 'twilio' | 'telnyx' | 'postmark' | 'mailchimp' | 'kit' | 'meta';

export type Verdict = { ok: true } | { ok: false; reason: string };

export interface VerifyOptions {
	/** Oldest signature timestamp accepted, in seconds (replay protection); default 300. */
	toleranceSeconds: number;
	/** Now, in epoch milliseconds. */
	now: number;
	/** The event type the node is set to receive, for providers whose body does not name it (Kit). */
	eventType?: string;
}

export interface ProviderAdapter {
	channel: DeliveryEvent['channel'];
	/** Checks the request came from the provider; never throws. */
	verify(request: WebhookRequest, secrets: WebhookSecrets, options: VerifyOptions): Verdict;
	/** The events in a verified request's body; `eventType` as in VerifyOptions. */
	normalise(request: WebhookRequest, settings?: { eventType?: string }): DeliveryEvent[];
}
