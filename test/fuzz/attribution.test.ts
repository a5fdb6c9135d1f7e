import fc from 'fast-check';

import { fuzzNode, printSummary, stopWatchdog } from './harness';
import { item, items, plausible } from './hostile';

afterAll(async () => {
	printSummary();
	await stopWatchdog();
});

const event = () =>
	item({
		userId: fc.constantFrom('a', 'b', 'c'),
		timestamp: plausible.date(),
		eventType: fc.constantFrom('page', 'purchase', 'Purchase', 'signup'),
		channel: fc.constantFrom('Email', 'Paid Search', 'Direct', 'Display'),
		value: plausible.money(),
	});

describe('Attribution with hostile events', () => {
	it('Markov credits: every event credited or summarised, finite numbers, or an error naming the item and field', async () => {
		await fuzzNode({ label: 'attribution markov', node: 'attribution', share: 0.5, parameters: {}, items: items(event(), 10), pairing: 'covered' });
	});

	it('every model at once with a spend table', async () => {
		await fuzzNode({
			label: 'attribution all',
			node: 'attribution',
			share: 0.5,
			parameters: { model: 'all', spendSource: 'table', spendTable: '{"Paid Search": 120, "Email": 30}' },
			items: items(event(), 10),
			pairing: 'covered',
		});
	});
});
