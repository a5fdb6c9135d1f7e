import { fuzzNode, printSummary, stopWatchdog } from './harness';
import { item, items, plausible } from './hostile';

afterAll(async () => {
	printSummary();
	await stopWatchdog();
});

describe('A/B Split with hostile items', () => {
	it('routes every contact to one arm, or stops naming the item and field', async () => {
		await fuzzNode({
			label: 'abSplit',
			node: 'abSplit',
			parameters: { experimentName: 'offer', arms: { arm: [{ name: 'A', weight: 50 }, { name: 'B', weight: 50 }] }, holdout: 10 },
			items: items(item({ userId: plausible.id(), email: plausible.email() })),
			pairing: 'partition',
		});
	});
});
