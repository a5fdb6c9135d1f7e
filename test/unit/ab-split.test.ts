import { createHash } from 'node:crypto';

import { BUCKETS, bucketOf, outputFor, planSplit, SplitConfigError } from '../../nodes/AbSplit/engine/split';

/** The STATISTICS.md definition, written out independently with hex strings. */
function referenceBucket(key: string, id: string): number {
	const hex = createHash('sha256').update(`${key}:${id}`, 'utf8').digest('hex');
	return parseInt(hex.slice(0, 8), 16) % 10000;
}

describe('A/B Split engine', () => {
	it('computes the bucket as the first 8 hex digits of SHA-256(key:id) mod 10,000', () => {
		for (const id of ['user-1', 'user-2', 'ünïcödé@example.com', '42', '']) {
			expect(bucketOf('welcome-test', id)).toBe(referenceBucket('welcome-test', id));
		}
		// A value worked out by hand from `printf 'experiment:user-1' | sha256sum`.
		const hex = createHash('sha256').update('experiment:user-1').digest('hex').slice(0, 8);
		expect(bucketOf('experiment', 'user-1')).toBe(Number(BigInt(`0x${hex}`) % 10000n));
	});

	it('maps buckets onto cumulative weights, holdout at the top', () => {
		const plan = planSplit(
			[
				{ name: 'A', weight: 50 },
				{ name: 'B', weight: 30 },
				{ name: 'C', weight: 20 },
			],
			10,
		);
		expect(plan.outputs).toEqual(['A', 'B', 'C', 'Holdout']);
		expect(plan.bounds).toEqual([4500, 7200, 9000, 10000]);
		expect(outputFor(plan, 0)).toBe(0);
		expect(outputFor(plan, 4499)).toBe(0);
		expect(outputFor(plan, 4500)).toBe(1);
		expect(outputFor(plan, 8999)).toBe(2);
		expect(outputFor(plan, 9000)).toBe(3);
		expect(outputFor(plan, BUCKETS - 1)).toBe(3);
	});

	it('rejects weights that do not total 100% and says what they total', () => {
		expect(() => planSplit([{ name: 'A', weight: 50 }, { name: 'B', weight: 40 }])).toThrow(
			new SplitConfigError('The arm weights add up to 90%, not 100%. Adjust them so they total 100%.'),
		);
		expect(() => planSplit([{ name: 'A', weight: 70 }, { name: 'B', weight: 33.5 }])).toThrow(/add up to 103.5%/);
		expect(() => planSplit([{ name: 'A', weight: 50 }, { name: 'A', weight: 50 }])).toThrow(/Two arms are called "A"/);
		expect(() => planSplit([{ name: 'A', weight: 100 }], 100)).toThrow(/Holdout is 100%/);
		expect(() => planSplit([])).toThrow(/at least one arm/);
	});

	it('splits 1,000,000 ids within 0.3 percentage points of the weights, the same id always the same arm', () => {
		const weights = [50, 50];
		const plan = planSplit(weights.map((weight, i) => ({ name: String(i), weight })));
		const counts = [0, 0];
		const n = 1_000_000;
		for (let i = 0; i < n; i++) counts[outputFor(plan, bucketOf('launch', `user-${i}`))]++;
		for (const [i, count] of counts.entries()) {
			expect(Math.abs((count / n) * 100 - weights[i])).toBeLessThan(0.3);
		}
		for (let i = 0; i < 1000; i++) {
			const id = `user-${i * 997}`;
			expect(outputFor(plan, bucketOf('launch', id))).toBe(outputFor(plan, referenceBucket('launch', id) ));
		}
	});

	it('lands uneven weights and a holdout within 0.3 points too', () => {
		const plan = planSplit(
			[
				{ name: 'A', weight: 33.33 },
				{ name: 'B', weight: 33.33 },
				{ name: 'C', weight: 33.34 },
			],
			10,
		);
		const counts = [0, 0, 0, 0];
		const n = 400_000;
		for (let i = 0; i < n; i++) counts[outputFor(plan, bucketOf('uneven', `u${i}`))]++;
		const expected = [30, 30, 30, 10];
		for (const [i, count] of counts.entries()) expect(Math.abs((count / n) * 100 - expected[i])).toBeLessThan(0.3);
	});
});
