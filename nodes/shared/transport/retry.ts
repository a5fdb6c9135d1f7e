/**
 * When to try a failed request again, and how long to wait first. Pure functions: the transport
 * passes in the clock's time and random numbers so tests can pin both.
 */

/** Waits between attempts, after the 1st, 2nd, 3rd and every later failure. */
export const BACKOFF_SCHEDULE_MS = [1_000, 5_000, 30_000, 300_000];

/** Our own waits vary by ±20% so many workers hit by one outage do not come back in lockstep. */
export const JITTER = 0.2;

/** Node's error codes for connections that failed on the way, worth another try. */
const TRANSIENT_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED', // axios: the request's own timeout
	'ETIMEDOUT',
	'EPIPE',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENETDOWN',
	'EAI_AGAIN',
	'UND_ERR_SOCKET',
]);

export function isRetryableStatus(status: number): boolean {
	return status === 429 || status >= 500;
}

/** The transient network error code in an error or its causes, if any. */
export function transientCode(error: unknown): string | undefined {
	const seen = new Set<unknown>();
	for (let current = error; current && typeof current === 'object' && !seen.has(current); ) {
		seen.add(current);
		const { code, message } = current as { code?: unknown; message?: unknown };
		if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return code;
		if (typeof message === 'string' && /socket hang up/i.test(message)) return 'ECONNRESET';
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/** Our own back-off before attempt `failures + 1`, with jitter; `random` is in [0, 1). */
export function backoffMs(failures: number, random: number): number {
	const base = BACKOFF_SCHEDULE_MS[Math.min(failures, BACKOFF_SCHEDULE_MS.length) - 1];
	return Math.round(base * (1 - JITTER + 2 * JITTER * random));
}

export interface ServerWait {
	ms: number;
	/** The header that said so, for messages. */
	header: string;
}

const RESET_HEADERS = ['X-RateLimit-Reset', 'X-Rate-Limit-Reset', 'RateLimit-Reset'];

const header = (headers: Record<string, string>, name: string) => headers[name]?.trim() || undefined;

/**
 * How long the server asked us to wait, from `Retry-After` (seconds or an HTTP date) or, on a 429,
 * from a rate-limit reset header (epoch seconds, epoch milliseconds or seconds from now: providers
 * differ, and the size of the number tells them apart). Headers must have lower-case names.
 */
export function serverWait(status: number, headers: Record<string, string>, now: number): ServerWait | undefined {
	const retryAfter = header(headers, 'retry-after');
	if (retryAfter) {
		if (/^\d+(\.\d+)?$/.test(retryAfter)) return { ms: Math.ceil(Number(retryAfter) * 1000), header: 'Retry-After' };
		const date = Date.parse(retryAfter);
		if (!Number.isNaN(date)) return { ms: Math.max(0, date - now), header: 'Retry-After' };
	}
	// SendGrid sends its reset on every answer; it only means "wait" when we were refused for rate.
	if (status !== 429) return undefined;
	for (const name of RESET_HEADERS) {
		const value = header(headers, name.toLowerCase());
		if (!value || !/^\d+(\.\d+)?$/.test(value)) continue;
		const n = Number(value);
		const ms = n > 1e12 ? n - now : n > 1e9 ? n * 1000 - now : n * 1000;
		return { ms: Math.max(0, Math.ceil(ms)), header: name };
	}
	return undefined;
}

/** "850 ms", "45 s", "5 min", "1 min 30 s", "2 h 5 min": for messages a marketer reads. */
export function formatDuration(ms: number): string {
	if (ms < 1000) return `${Math.round(ms)} ms`;
	const seconds = Math.round(ms / 1000);
	if (seconds < 60) return `${seconds} s`;
	const h = Math.floor(seconds / 3600);
	const min = Math.floor((seconds % 3600) / 60);
	const s = seconds % 60;
	return [h && `${h} h`, min && `${min} min`, !h && s && `${s} s`].filter(Boolean).join(' ');
}
