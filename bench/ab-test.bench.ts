/**
 * A/B Test engine: 10,000 experiments of 5 arms (40,000 variant-vs-control comparisons, each with
 * z-test, delta-method lift, exact Beta-binomial chance to win and expected loss, sequential p,
 * Holm, SRM, required sample, decision and sentence) in one analyzeExperiments call.
 * The target: under 1 s. `npm run bench -- ab-test` runs it alone.
 */
import { analyzeExperiments, resolveSettings, type ExperimentInput } from '../nodes/AbTest/engine/analyze';
import { random } from './shared';
import type { BenchRow } from './types';

const EXPERIMENTS = 10_000;
const ARMS = 5;

/** Marketing-sized experiments: 2,000–50,000 visitors per arm, 1–10% conversion, lifts within ±15%. */
function conversionExperiments(seed: number): ExperimentInput[] {
	const next = random(seed);
	return Array.from({ length: EXPERIMENTS }, (_, e) => {
		const base = 0.01 + 0.09 * next();
		return {
			key: `exp-${e}`,
			arms: Array.from({ length: ARMS }, (_, a) => {
				const visitors = 2000 + Math.floor(48_000 * next());
				const rate = a === 0 ? base : base * (0.85 + 0.3 * next());
				return { name: String.fromCharCode(65 + a), visitors, conversions: Math.round(visitors * rate) };
			}),
		};
	});
}

/** Revenue per visitor: mean 0.5–5, sd about 4× the mean (skewed, as revenue is). */
function continuousExperiments(seed: number): ExperimentInput[] {
	const next = random(seed);
	return Array.from({ length: EXPERIMENTS }, (_, e) => {
		const base = 0.5 + 4.5 * next();
		return {
			key: `exp-${e}`,
			arms: Array.from({ length: ARMS }, (_, a) => {
				const mean = a === 0 ? base : base * (0.85 + 0.3 * next());
				return { name: String.fromCharCode(65 + a), visitors: 2000 + Math.floor(48_000 * next()), mean, sd: mean * (3 + 2 * next()) };
			}),
		};
	});
}

function time(experiments: ExperimentInput[], metric: 'conversion' | 'continuous'): { seconds: number; rows: number } {
	const settings = resolveSettings({ metric });
	analyzeExperiments(experiments.slice(0, 1000), settings); // warm-up: let V8 optimise the hot paths
	const start = process.hrtime.bigint();
	const results = analyzeExperiments(experiments, settings);
	const seconds = Number(process.hrtime.bigint() - start) / 1e9;
	let rows = 0;
	for (const result of results) {
		if ('error' in result) throw result.error;
		rows += result.rows.length;
	}
	return { seconds, rows };
}

export async function run(): Promise<BenchRow[]> {
	const conversion = time(conversionExperiments(1), 'conversion');
	const continuous = time(continuousExperiments(2), 'continuous');
	const label = `${EXPERIMENTS.toLocaleString('en-US')} experiments × ${ARMS} arms`;
	return [
		{ name: `A/B Test: analyse ${label} (conversion)`, value: conversion.seconds, unit: 's', target: '< 1 s', pass: conversion.seconds < 1 },
		{
			name: 'A/B Test: per variant comparison (conversion)',
			value: Math.round((conversion.seconds / (EXPERIMENTS * (ARMS - 1))) * 1e9) / 1e3,
			unit: 'µs',
			target: 'no target',
			pass: true,
		},
		{ name: `A/B Test: analyse ${label} (continuous)`, value: continuous.seconds, unit: 's', target: '< 1 s', pass: continuous.seconds < 1 },
	];
}

// Alone: npx tsc -p tsconfig.bench.json && node .bench/bench/ab-test.bench.js
if (require.main === module) {
	run().then((rows) => console.table(rows), (error) => {
		console.error(error);
		process.exitCode = 1;
	});
}
