/**
 * Audience Guard engine: decisions per second on 100,000 contacts in three time zones (a third of
 * them in quiet hours), half with a send history, under three caps. The issue names no speed
 * target; the figures show the engine is not what limits a run (n8n's own per-item work is).
 */
import { decide, parseHistory, resolveSettings, RunReservations } from '../nodes/AudienceGuard/engine';
import type { BenchRow } from './types';

export async function run(): Promise<BenchRow[]> {
	const settings = resolveSettings({
		channel: 'email',
		caps: [
			{ limit: 1, amount: 1, unit: 'days' },
			{ limit: 3, amount: 7, unit: 'days' },
			{ limit: 5, amount: 1, unit: 'weeks', scope: 'all' },
		],
	});
	const now = Date.parse('2026-11-22T12:00:00Z'); // 13:00 Berlin, 07:00 New York (quiet), 21:00 Tokyo (quiet)
	const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo'];
	const n = 100_000;
	const contacts = Array.from({ length: n }, (_, i) => ({
		id: `contact-${i % 80_000}`,
		fields: { consent: i % 10 ? 'opted_in' : 'opted_out', timezone: zones[i % 3] },
		history:
			i % 2
				? [
						{ channel: 'email', sentAt: '2026-11-20T10:00:00Z' },
						{ channel: 'sms', sentAt: '2026-11-21T18:30:00Z' },
					]
				: [],
	}));
	const decideAll = (count: number) => {
		const reservations = new RunReservations();
		const tally: Record<string, number> = { send: 0, delay: 0, blocked: 0 };
		for (let i = 0; i < count; i++) {
			const contact = contacts[i];
			const sends = reservations.withReservations(contact.id, parseHistory(contact.history, 'email'));
			const verdict = decide(contact.fields, settings, now, sends);
			if (verdict.decision === 'send') reservations.reserve(contact.id, 'email', now);
			tally[verdict.decision]++;
		}
		return tally;
	};
	decideAll(5_000); // warm-up
	const start = process.hrtime.bigint();
	const tally = decideAll(n);
	const seconds = Number(process.hrtime.bigint() - start) / 1e9;
	if (tally.send + tally.delay + tally.blocked !== n || tally.send === 0 || tally.delay === 0) throw new Error(`unexpected verdicts ${JSON.stringify(tally)}`);
	return [
		{ name: 'Audience Guard: decide 100,000 contacts', value: seconds, unit: 's', target: 'no target', pass: true },
		{ name: 'Audience Guard: decisions per second', value: Math.round(n / seconds), unit: 'contacts/s', target: 'no target', pass: true },
	];
}
