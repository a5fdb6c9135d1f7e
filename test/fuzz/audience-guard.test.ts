import fc from 'fast-check';

import { fuzzNode, printSummary, stopWatchdog } from './harness';
import { hostileValue, item, items, plausible } from './hostile';

afterAll(async () => {
	printSummary();
	await stopWatchdog();
});

const history = () =>
	fc.array(fc.record({ channel: fc.oneof(fc.constantFrom('email', 'sms', 'push'), hostileValue()), sentAt: fc.oneof(plausible.date(), hostileValue()) }), { maxLength: 3 });

describe('Audience Guard with hostile items', () => {
	it('routes every contact to Send now, Delay or Blocked, or stops naming the item and field', async () => {
		await fuzzNode({
			label: 'audienceGuard',
			node: 'audienceGuard',
			parameters: {},
			items: items(
				item({
					id: plausible.id(),
					email: plausible.email(),
					timezone: fc.constantFrom('Europe/Berlin', 'Asia/Kolkata', 'Berlin', 'UTC', '+05:30'),
					consent: fc.record({ email: fc.oneof(fc.constantFrom('opted_in', 'opted_out', true, false, 'granted'), hostileValue()) }),
					sendHistory: history(),
					unsubscribed: fc.boolean(),
					suppression: fc.constantFrom('bounced', 'complained', ''),
				}),
			),
			pairing: 'partition',
		});
	});
});
