import fc from 'fast-check';

import { fuzzNode, printSummary, stopWatchdog } from './harness';
import { hostileValue, item, items, plausible } from './hostile';

afterAll(async () => {
	printSummary();
	await stopWatchdog();
});

/**
 * Conditions of every kind a marketer writes, including an ordinary-looking email pattern (the one
 * that backtracks on V8's engine) and JSONata, evaluated against hostile contacts.
 */
const DEFINITION = {
	any: [
		{ all: [{ field: 'email', op: 'isNotEmpty' }, { field: 'country', op: 'in', value: ['DE', 'AT'], ignoreCase: true }, { not: { field: 'unsubscribed', op: 'eq', value: true } }] },
		{ field: 'email', op: 'regex', value: '^([a-z0-9]+[._-]?)+@example[.]com$' },
		{ field: 'age', op: 'between', value: [18, 65] },
		{ field: 'signedUpAt', op: 'withinLast', value: 'P30D' },
		{ event: 'purchase', within: 'P30D' },
		{ jsonata: '$count(events) > 1 and $sum(events.properties.value) > 10' },
	],
};

const events = () =>
	fc.array(
		fc.record({ eventType: fc.oneof(fc.constantFrom('purchase', 'page_view'), hostileValue()), timestamp: fc.oneof(plausible.date(), hostileValue()), properties: fc.record({ value: fc.oneof(plausible.money(), hostileValue()) }) }),
		{ maxLength: 3 },
	);

describe('Audience Segment with hostile items', () => {
	it('puts every contact in or out of the segment, or stops naming the item and field', async () => {
		await fuzzNode({
			label: 'audienceSegment',
			node: 'audienceSegment',
			parameters: { definition: JSON.stringify(DEFINITION), options: { timeZone: 'Europe/Berlin' } },
			items: items(
				item({
					id: plausible.id(),
					// Often the address that makes the pattern backtrack on V8's engine (38 characters: about a minute).
					email: fc.oneof(plausible.email(), fc.integer({ min: 30, max: 45 }).map((n) => `${'a'.repeat(n)}!`)),
					country: fc.constantFrom('DE', 'de', 'AT', 'FR', ''),
					unsubscribed: fc.boolean(),
					age: fc.integer({ min: 0, max: 120 }),
					signedUpAt: plausible.date(),
					events: events(),
				}),
			),
			pairing: 'partition',
		});
	});
});
