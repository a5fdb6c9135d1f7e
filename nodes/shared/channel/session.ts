/**
 * One short-lived token per provider and execution (Firebase's OAuth2 access token): fetched when
 * the first request needs it, shared by every request running at the same time, and fetched again
 * only when it is about to expire. It lives in the object this returns, which the runner creates
 * per execution: nothing is kept between executions (queue-mode workers share no memory).
 *
 * A failed fetch is remembered too: every request of the execution fails with the same error
 * instead of asking the token endpoint once per message.
 */
import type { Grant } from './types';

/** Time before expiry when a token counts as stale: a tenth of its life, at most a minute. */
export const MAX_REFRESH_MARGIN_MS = 60_000;

export function grantCache(fetch: () => Promise<Grant>, now: () => number = Date.now): () => Promise<Record<string, string>> {
	let current: { grant: Promise<Grant>; fetchedAt: number } | undefined;
	const start = () => (current = { grant: fetch(), fetchedAt: now() });
	const fresh = (grant: Grant, fetchedAt: number) =>
		now() < grant.expiresAt - Math.min(MAX_REFRESH_MARGIN_MS, (grant.expiresAt - fetchedAt) / 10);

	return async () => {
		const mine = current ?? start();
		const grant = await mine.grant;
		if (fresh(grant, mine.fetchedAt)) return grant.headers;
		// The first caller to find it stale fetches the next one; the others wait for that.
		if (current === mine) start();
		return (await (current as NonNullable<typeof current>).grant).headers;
	};
}
