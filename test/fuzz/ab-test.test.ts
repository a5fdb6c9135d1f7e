import fc from 'fast-check';

import { fuzzNode, printSummary, stopWatchdog } from './harness';
import { item, items, plausible } from './hostile';

afterAll(async () => {
	printSummary();
	await stopWatchdog();
});

const arm = () => fc.constantFrom('A', 'B', 'Control', 'Green button', '');

describe('A/B Test with hostile items', () => {
	it('conversion metric: one row per arm, finite numbers, or an error naming the item and field', async () => {
		await fuzzNode({
			label: 'abTest conversion',
			node: 'abTest',
			share: 0.5,
			parameters: {},
			items: items(item({ arm: arm(), visitors: plausible.count(), conversions: plausible.count() }), 4),
			pairing: 'partition',
		});
	});

	it('continuous metric (mean and standard deviation)', async () => {
		await fuzzNode({
			label: 'abTest continuous',
			node: 'abTest',
			share: 0.5,
			parameters: { metricType: 'continuous' },
			items: items(item({ arm: arm(), visitors: plausible.count(), mean: plausible.money(), sd: plausible.money() }), 4),
			pairing: 'partition',
		});
	});
});
