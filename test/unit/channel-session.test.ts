/** One short-lived provider token per execution: shared, reused until shortly before expiry, failures remembered. */
import { grantCache } from '../../nodes/shared/channel/session';
import type { Grant } from '../../nodes/shared/channel/types';

function clock(start = 1_000_000) {
	let now = start;
	return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('grantCache', () => {
	it('fetches once for many concurrent callers, and reuses the token until shortly before it expires', async () => {
		const time = clock();
		let fetched = 0;
		const fetch = async (): Promise<Grant> => {
			fetched++;
			await new Promise((resolve) => setTimeout(resolve, 5));
			return { headers: { Authorization: `Bearer t${fetched}` }, expiresAt: time.now() + 3_600_000 };
		};
		const headers = grantCache(fetch, time.now);
		const all = await Promise.all(Array.from({ length: 20 }, () => headers()));
		expect(fetched).toBe(1);
		expect(new Set(all.map((h) => h.Authorization))).toEqual(new Set(['Bearer t1']));

		time.advance(3_600_000 - 60_001); // still more than a minute left
		expect((await headers()).Authorization).toBe('Bearer t1');
		time.advance(2); // within the last minute: stale
		const renewed = await Promise.all([headers(), headers(), headers()]);
		expect(fetched).toBe(2);
		expect(renewed.map((h) => h.Authorization)).toEqual(['Bearer t2', 'Bearer t2', 'Bearer t2']);
	});

	it('for a short-lived token the margin is a tenth of its life, so it is used before being renewed', async () => {
		const time = clock();
		let fetched = 0;
		const headers = grantCache(async () => ({ headers: { n: String(++fetched) }, expiresAt: time.now() + 10_000 }), time.now);
		expect(await headers()).toEqual({ n: '1' });
		time.advance(8_999);
		expect(await headers()).toEqual({ n: '1' });
		time.advance(2);
		expect(await headers()).toEqual({ n: '2' });
	});

	it('remembers a failure: every caller gets the same error, the endpoint is asked once', async () => {
		let fetched = 0;
		const headers = grantCache(async () => {
			fetched++;
			throw new Error('invalid_grant');
		});
		const results = await Promise.allSettled([headers(), headers(), headers()]);
		expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
		await expect(headers()).rejects.toThrow('invalid_grant');
		expect(fetched).toBe(1);
	});

	it('each cache is its own: nothing is shared between executions', async () => {
		let fetched = 0;
		const fetch = async () => ({ headers: { n: String(++fetched) }, expiresAt: Date.now() + 3_600_000 });
		expect(await grantCache(fetch)()).toEqual({ n: '1' });
		expect(await grantCache(fetch)()).toEqual({ n: '2' });
	});
});
