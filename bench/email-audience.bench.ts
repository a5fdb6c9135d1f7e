/**
 * Email Audience engines: list hygiene over 1,000,000 delivery events (200,000 addresses), and the
 * Mailchimp subscriber hash. No issue names a target; the figures show the engine is no bottleneck
 * next to the providers (Mailchimp batch subscribe: 500 members per call).
 */
import { emailAddress } from '../nodes/shared/channel/recipients';
import { listHygiene, type HygieneEvent } from '../nodes/EmailAudience/engine/hygiene';
import { subscriberHash } from '../nodes/EmailAudience/engine/mailchimp';
import type { BenchRow } from './types';

const TYPES = ['delivered', 'delivered', 'delivered', 'opened', 'clicked', 'bounced', 'complained', 'unsubscribed'];

export async function run(): Promise<BenchRow[]> {
	const n = 1_000_000;
	const addresses = 200_000;
	const base = Date.UTC(2026, 0, 1);
	const events: HygieneEvent[] = Array.from({ length: n }, (_, i) => {
		// A fixed pseudo-random spread: most addresses only receive and open; a few bounce or complain.
		const r = (i * 2654435761) % 1000;
		const type = r < 900 ? TYPES[r % 4] : TYPES[4 + (r % 4)];
		return { provider: 'sendgrid', channel: 'email', type, recipient: `user${i % addresses}@example.com`, timestamp: new Date(base + i * 1000).toISOString(), raw: { type: r % 2 ? 'bounce' : 'blocked' } };
	});
	const check = (recipient: unknown) => {
		const c = emailAddress(recipient);
		return c.ok ? { ok: true as const, key: c.key } : c;
	};
	let start = process.hrtime.bigint();
	const { verdicts } = listHygiene(events, check);
	const hygieneSeconds = Number(process.hrtime.bigint() - start) / 1e9;
	const suppress = verdicts.filter((v) => v.action === 'suppress').length;

	const emails = Array.from({ length: 1_000_000 }, (_, i) => `Reader${i}@Example.com`);
	start = process.hrtime.bigint();
	let x = 0;
	for (const email of emails) x ^= subscriberHash(email).charCodeAt(0);
	const hashSeconds = Number(process.hrtime.bigint() - start) / 1e9;
	return [
		{ name: 'Email Audience: hygiene over 1,000,000 events', value: hygieneSeconds, unit: 's', target: 'no target', pass: verdicts.length === addresses },
		{ name: 'Email Audience: addresses to suppress (of 200,000)', value: suppress, unit: 'addr', target: 'no target', pass: suppress > 0 && x >= 0 },
		{ name: 'Email Audience: subscriber hashes per second', value: Math.round(1_000_000 / hashSeconds), unit: 'hash/s', target: 'no target', pass: true },
	];
}
