/**
 * Meta's throttling, for the transport: Graph answers a throttled call with HTTP 400 (sometimes
 * 403 or 429) and an error code in the body, not with Retry-After:
 *
 *   4       application request limit            17      user request limit
 *   32      page request limit                   613     custom rate limit (ads insights, …)
 *   80000–80014  business use case limits (80004: ads management, 80000: ads insights, …)
 *
 * and says how long to wait in usage headers: `X-Business-Use-Case-Usage` (per business, per use
 * case: `estimated_time_to_regain_access` in minutes) and `X-Ad-Account-Usage`
 * (`reset_time_duration` in seconds). Errors Meta marks `is_transient` are worth another try too.
 */
export const THROTTLE_CODES = new Set([4, 17, 32, 613]);

export const isThrottleCode = (code: number): boolean => THROTTLE_CODES.has(code) || (code >= 80000 && code <= 80014);

type Json = Record<string, unknown>;

const parse = (value: string | undefined): unknown => {
	if (!value) return undefined;
	try {
		return JSON.parse(value);
	} catch {
		return undefined;
	}
};

/** The longest wait Meta's usage headers ask for, in ms; undefined when they ask for none. */
export function usageWaitMs(headers: Record<string, string>): { ms: number; source: string } | undefined {
	let best: { ms: number; source: string } | undefined;
	const consider = (ms: number, source: string) => {
		if (Number.isFinite(ms) && ms > 0 && (!best || ms > best.ms)) best = { ms, source };
	};
	const buc = parse(headers['x-business-use-case-usage']);
	if (buc && typeof buc === 'object') {
		for (const entries of Object.values(buc as Json)) {
			for (const entry of Array.isArray(entries) ? entries : []) {
				const minutes = Number((entry as Json)?.estimated_time_to_regain_access);
				consider(minutes * 60_000, 'X-Business-Use-Case-Usage');
			}
		}
	}
	const account = parse(headers['x-ad-account-usage']) as Json | undefined;
	if (account) consider(Number(account.reset_time_duration) * 1000, 'X-Ad-Account-Usage');
	return best;
}

/** The transport's `classify` for Meta: retry throttling and transient errors, with the wait Meta names. */
export function classifyMetaAnswer(answer: { statusCode: number; headers: Record<string, string>; body: unknown }): { retry: boolean; waitMs?: number; source?: string } | undefined {
	const error = (answer.body as { error?: Json } | undefined)?.error;
	if (!error || typeof error !== 'object') return undefined;
	const code = Number(error.code);
	if (!isThrottleCode(code) && error.is_transient !== true) return undefined;
	const wait = usageWaitMs(answer.headers);
	return wait ? { retry: true, waitMs: wait.ms, source: wait.source } : { retry: true };
}
