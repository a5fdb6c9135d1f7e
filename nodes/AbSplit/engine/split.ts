/**
 * Deterministic A/B assignment.
 *
 * bucket = first 8 hex digits of SHA-256(`experimentKey:unitId`) as an unsigned integer, mod 10,000.
 * Buckets are basis points; arm i owns [bound(i-1), bound(i)) where the bounds are the cumulative arm
 * weights scaled onto the buckets left after the holdout. The holdout owns the top buckets.
 * Pure: no n8n import, no state; the same inputs give the same arm on every machine and every run.
 */
import { createHash } from 'node:crypto';

export const BUCKETS = 10_000;

export interface ArmWeight {
	name: string;
	/** Share of the non-holdout traffic, in percent. */
	weight: number;
}

export interface SplitPlan {
	/** Output names in output order: the arms, then `Holdout` when there is one. */
	outputs: string[];
	/** Exclusive upper bucket of each output, ascending; the last is always BUCKETS. */
	bounds: number[];
}

/** A configuration fault, phrased for the person who set the weights. */
export class SplitConfigError extends Error {}

const WEIGHT_TOLERANCE = 1e-6;

export function planSplit(arms: ArmWeight[], holdoutPercent = 0): SplitPlan {
	if (arms.length === 0) throw new SplitConfigError('Add at least one arm.');
	const seen = new Set<string>();
	for (const [i, arm] of arms.entries()) {
		const name = arm.name.trim();
		if (!name) throw new SplitConfigError(`Arm ${i + 1} has no name. Give every arm a name, e.g. "A".`);
		if (seen.has(name)) throw new SplitConfigError(`Two arms are called "${name}". Give every arm its own name.`);
		seen.add(name);
		if (!Number.isFinite(arm.weight) || arm.weight < 0) {
			throw new SplitConfigError(`Arm "${name}" has weight ${arm.weight}. Weights are percentages from 0 to 100.`);
		}
	}
	const total = arms.reduce((sum, arm) => sum + arm.weight, 0);
	if (Math.abs(total - 100) > WEIGHT_TOLERANCE) {
		throw new SplitConfigError(
			`The arm weights add up to ${round(total)}%, not 100%. Adjust them so they total 100%.`,
		);
	}
	if (!Number.isFinite(holdoutPercent) || holdoutPercent < 0 || holdoutPercent >= 100) {
		throw new SplitConfigError(`Holdout is ${holdoutPercent}%. Use a share from 0% up to (not including) 100%.`);
	}

	const usable = BUCKETS - Math.round(holdoutPercent * (BUCKETS / 100));
	const bounds: number[] = [];
	let cumulative = 0;
	for (const arm of arms) {
		cumulative += arm.weight;
		bounds.push(Math.round((cumulative / total) * usable));
	}
	bounds[bounds.length - 1] = usable;
	const outputs = arms.map((arm) => arm.name.trim());
	if (usable < BUCKETS) {
		outputs.push('Holdout');
		bounds.push(BUCKETS);
	}
	return { outputs, bounds };
}

export function bucketOf(experimentKey: string, unitId: string): number {
	// The first 4 bytes read big-endian are exactly the first 8 hex digits.
	return createHash('sha256').update(`${experimentKey}:${unitId}`).digest().readUInt32BE(0) % BUCKETS;
}

/** Index into plan.outputs for a bucket. Linear scan: plans have a handful of arms. */
export function outputFor(plan: SplitPlan, bucket: number): number {
	const { bounds } = plan;
	let i = 0;
	while (bucket >= bounds[i]) i++;
	return i;
}

function round(value: number): number {
	return Math.round(value * 1e6) / 1e6;
}
