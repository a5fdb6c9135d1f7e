/**
 * What every platform adapter shares: the post as a channel message, the `post` field each item
 * gains, and quotas. Adapters are providers of the channel model (nodes/shared/channel) that
 * publish through `publish` (several requests per post) and keep their quota state in the object
 * the node creates per execution: nothing outlives the execution.
 *
 * Quotas are respected before a request, not discovered by its failure: each adapter knows what
 * is left (X's rate headers, Instagram's content_publishing_limit, TikTok's 6 per minute) and,
 * when nothing is, waits for it to free up if that fits within "Give Up After", or leaves the post
 * on Skipped with the time it frees up (`delivery.retryAt`) and unrecorded, so a later run posts it.
 */
import type { MessageResult, ProviderAnswer, PublishSteps } from '../../shared/channel/types';
import { formatDuration } from '../../shared/transport/retry';
import type { Platform, PostContent } from '../engine/rules';

/** One post for one account, as read from an item. */
export interface SocialContent {
	platform: Platform;
	/** The post as it goes out: checked, and adapted only when the marketer chose so. */
	post: PostContent;
	/** What the adapted version changed (the item's text was not published as written). */
	changes?: string[];
	/** Facebook only: published by Facebook at this time (epoch seconds). */
	scheduledAt?: number;
	/** Pinterest only: the board the Pin goes to. */
	boardId?: string;
	/** Pinterest only: the image's alt text. */
	altText?: string;
	/** TikTok only: who may see the video (PUBLIC_TO_EVERYONE, SELF_ONLY, …). */
	privacyLevel?: string;
}

/** The `post` field of an item: what was published, where. */
export interface PostRecord {
	platform: Platform;
	id: string | null;
	url: string | null;
	[more: string]: unknown;
}

/** A post the platform took: the item's `post`, with what an adapted version changed. */
export function published(content: SocialContent, id: string, url: string | null, more: Record<string, unknown> = {}): MessageResult {
	const adapted = content.changes ? { adapted: { changes: content.changes } } : {};
	return { ok: true, messageId: id, output: { post: { platform: content.platform, id, url, ...more, ...adapted } satisfies PostRecord } };
}

/** A post refused for a reason in the platform's answer (not an HTTP error). */
export const refused = (reason: string): MessageResult => ({ ok: false, reason, fallback: false });

export const later = (reason: string, retryAt: number | null): MessageResult => ({
	ok: false,
	reason,
	fallback: false,
	later: { retryAt: retryAt === null ? null : new Date(retryAt).toISOString() },
});

type Json = Record<string, unknown>;
export const json = (answer: ProviderAnswer): Json => (answer.body && typeof answer.body === 'object' ? (answer.body as Json) : {});

/**
 * A 429 the transport could not wait out within "Give Up After" (the platform asked for longer):
 * the wait it asked for, in ms. Undefined for every other error.
 */
export function throttledFor(error: unknown): number | undefined {
	const { httpCode, errorResponse } = (error ?? {}) as { httpCode?: unknown; errorResponse?: { requestedWaitMs?: unknown } };
	if (String(httpCode) !== '429') return undefined;
	const ms = Number(errorResponse?.requestedWaitMs);
	return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Runs `publish`; a 429 the transport could not wait out within "Give Up After" becomes the
 * "later" result with the time the platform named, instead of a failure.
 */
export async function unlessThrottled(steps: PublishSteps, what: string, publish: () => Promise<MessageResult>): Promise<MessageResult> {
	try {
		return await publish();
	} catch (error) {
		const wait = throttledFor(error);
		// Already the transport's NodeApiError: passed on as it is.
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		if (wait === undefined) throw error;
		const at = steps.now() + wait;
		return later(`not posted: ${what} is used up; the platform asked to wait until ${new Date(at).toISOString()}`, at);
	}
}

/**
 * Waits until `freeAt` when that fits within what the message may wait; otherwise answers the
 * "later" result the post leaves with. `what` names the quota ("X's 200 posts per 15 minutes").
 */
export async function waitForQuota(steps: PublishSteps, freeAt: number | null, what: string): Promise<MessageResult | undefined> {
	const wait = freeAt === null ? Infinity : freeAt - steps.now();
	if (wait <= 0) return undefined;
	if (wait <= steps.maxWaitMs) {
		await steps.sleep(wait);
		return undefined;
	}
	const when = freeAt === null ? 'the platform does not say when it frees up' : `it frees up at ${new Date(freeAt).toISOString()} (in ${formatDuration(wait)})`;
	return later(`not posted: ${what} is used up; ${when}`, freeAt);
}

/**
 * A sliding window of at most `max` requests per `windowMs`, for limits a platform states but does
 * not report in headers (TikTok: 6 video inits per minute per user). Per execution.
 */
export function slidingWindow(max: number, windowMs: number) {
	const times: number[] = [];
	return {
		/** When the next request may go, given the requests so far (now, or when the oldest leaves the window). */
		nextFree(now: number): number {
			while (times.length && times[0] <= now - windowMs) times.shift();
			return times.length < max ? now : times[0] + windowMs;
		},
		record(now: number) {
			times.push(now);
		},
	};
}

/** How long to wait before the nth status check (1, 2, 4, … seconds, at most 30). */
export const pollDelayMs = (n: number): number => Math.min(30_000, 1000 * 2 ** n);

/** "/v24.0" from a credential's API version ("v24.0", "24.0"). */
export function graphVersion(credentials: Record<string, unknown>): string {
	const raw = String(credentials.apiVersion || 'v24.0').trim();
	return `/${raw.startsWith('v') ? raw : `v${raw}`}`;
}

/** Media links must be public web addresses the platform can fetch. */
export const isWebUrl = (value: string | undefined): boolean => !!value && /^https?:\/\/\S+$/i.test(value);
