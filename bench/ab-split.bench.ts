/**
 * A/B Split engine: assignment speed and how close 1,000,000 ids land to the weights.
 * The target is accuracy (within 0.3 percentage points of each weight).
 */
import { bucketOf, outputFor, planSplit } from '../nodes/AbSplit/engine/split';
import type { BenchRow } from './types';

export async function run(): Promise<BenchRow[]> {
	const plan = planSplit([
		{ name: 'A', weight: 50 },
		{ name: 'B', weight: 50 },
	]);
	const n = 1_000_000;
	const ids = Array.from({ length: n }, (_, i) => `user-${i}`);
	for (let i = 0; i < 10_000; i++) outputFor(plan, bucketOf('warm-up', ids[i])); // warm-up
	const counts = [0, 0];
	const start = process.hrtime.bigint();
	for (let i = 0; i < n; i++) counts[outputFor(plan, bucketOf('launch', ids[i]))]++;
	const seconds = Number(process.hrtime.bigint() - start) / 1e9;
	const deviation = Math.max(...counts.map((count) => Math.abs((count / n) * 100 - 50)));
	return [
		{ name: 'A/B Split: assign 1,000,000 ids', value: seconds, unit: 's', target: 'no target', pass: true },
		{ name: 'A/B Split: assignments per second', value: Math.round(n / seconds), unit: 'ids/s', target: 'no target', pass: true },
		{ name: 'A/B Split: largest deviation from 50/50', value: Number(deviation.toFixed(4)), unit: 'pp', target: '< 0.3', pass: deviation < 0.3 },
	];
}
