/**
 * Sample size per arm for a two-sided test at level α with power 1 − β, z_x = Φ⁻¹(x).
 *
 * Evan Miller's formula (the calculator at evanmiller.org/ab-testing/sample-size.html, 2013), for a
 * baseline rate p and an absolute minimum detectable effect δ:
 *   n = (z₁₋α/₂·√(2p(1−p)) + z₁₋β·√(p(1−p) + (p+δ)(1−p−δ)))² / δ²
 * Pooled (Fleiss, Levin & Paik 2003, §4.2, without continuity correction), with p̄ = p + δ/2:
 *   n = (z₁₋α/₂·√(2p̄(1−p̄)) + z₁₋β·√(p(1−p) + (p+δ)(1−p−δ)))² / δ²
 * The pooled size is the one at which the pooled z-test this node runs reaches the stated power;
 * Evan Miller's uses the baseline variance under H₀ and comes out slightly smaller for δ > 0.
 * Continuous metrics (two-sample z approximation, equal sd σ in both arms):
 *   n = 2(z₁₋α/₂ + z₁₋β)²·σ² / δ²
 * Sizes are rounded up: a fraction of a visitor short is still short. Evan Miller's page shows the
 * nearest whole number (baseline 20%, δ = 5 points, α .05, power .8: n = 1030.2, shown as 1,030;
 * rounded up here to 1,031).
 */
import { normalQuantile } from './dist';

/** Unrounded Evan Miller size; δ may be negative (a drop), |δ| > 0. */
export function evanMillerSampleSize(p: number, delta: number, zAlpha: number, zBeta: number): number {
	const q = p + delta;
	const root = zAlpha * Math.sqrt(2 * p * (1 - p)) + zBeta * Math.sqrt(p * (1 - p) + q * (1 - q));
	return (root * root) / (delta * delta);
}

/** Unrounded pooled (Fleiss) size. */
export function pooledSampleSize(p: number, delta: number, zAlpha: number, zBeta: number): number {
	const q = p + delta;
	const mean = p + delta / 2;
	const root = zAlpha * Math.sqrt(2 * mean * (1 - mean)) + zBeta * Math.sqrt(p * (1 - p) + q * (1 - q));
	return (root * root) / (delta * delta);
}

/** Unrounded size for a continuous metric with standard deviation `sd` and absolute effect δ. */
export function continuousSampleSize(sd: number, delta: number, zAlpha: number, zBeta: number): number {
	const z = zAlpha + zBeta;
	return (2 * z * z * sd * sd) / (delta * delta);
}

/** z₁₋α/₂ and z₁₋β. */
export function criticalValues(alpha: number, power: number): { zAlpha: number; zBeta: number } {
	return { zAlpha: normalQuantile(1 - alpha / 2), zBeta: normalQuantile(power) };
}

/** Rounds a size up, ignoring floating-point dust just above a whole number (1031.0000000001 → 1031). */
export function roundUp(n: number): number {
	return Math.ceil(n - 1e-9 * Math.max(1, n));
}

export class SampleSizeInputError extends Error {
	constructor(
		message: string,
		readonly fix: string,
		readonly field: string,
	) {
		super(message);
		this.name = 'SampleSizeInputError';
	}
}

export interface SampleSizePlanInput {
	/** Current conversion rate, a fraction (0.05 = 5%). */
	baselineRate: number;
	/** The smallest change worth detecting: a fraction of the baseline (relative) or of 1 (absolute). */
	minimumDetectableEffect: number;
	effectType: 'relative' | 'absolute';
	/** Two-sided significance level (0.05 for 95% confidence). */
	alpha: number;
	/** 0.8 for 80%. */
	power: number;
	arms: number;
	/** Visitors entering the experiment per day, all arms together; 0 when unknown. */
	dailyVisitors?: number;
	/** Divide α by the number of comparisons with control (Bonferroni) when there are several variants. */
	adjustForArms?: boolean;
}

export interface SampleSizePlan {
	baselineRate: number;
	targetRate: number;
	absoluteEffect: number;
	relativeEffect: number;
	confidenceLevel: number;
	power: number;
	arms: number;
	alphaPerComparison: number;
	sampleSizePerArm: number;
	pooledSampleSizePerArm: number;
	totalSampleSize: number;
	pooledTotalSampleSize: number;
	dailyVisitors: number | null;
	days: number | null;
	summary: string;
}

/** More arms than this is a data mistake, not an experiment. */
const MAX_ARMS = 1000;

function percent(x: number): string {
	return `${Number((x * 100).toFixed(2))}%`;
}

function grouped(n: number): string {
	return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The Sample Size operation: per-arm and total sizes and the days they take. */
export function planSampleSize(input: SampleSizePlanInput): SampleSizePlan {
	const { baselineRate: p, minimumDetectableEffect: mde, effectType, alpha, power, arms } = input;
	if (!(p > 0 && p < 1)) {
		throw new SampleSizeInputError(
			`Baseline Conversion Rate is ${percent(p)}`,
			'Use the current conversion rate as a percentage above 0 and below 100, e.g. 4.5.',
			'baselineRate',
		);
	}
	if (!(mde > 0)) {
		throw new SampleSizeInputError(
			`Minimum Detectable Effect is ${percent(mde)}`,
			'Use the smallest change worth detecting as a percentage above 0, e.g. 10 (relative) or 1 (absolute).',
			'minimumDetectableEffect',
		);
	}
	const delta = effectType === 'relative' ? p * mde : mde;
	const target = p + delta;
	if (target >= 1) {
		throw new SampleSizeInputError(
			`a ${percent(p)} baseline plus a ${percent(delta)} effect reaches ${percent(target)}`,
			'The baseline plus the effect must stay below 100%. Lower the Minimum Detectable Effect.',
			'minimumDetectableEffect',
		);
	}
	if (!(alpha > 0 && alpha < 1)) {
		throw new SampleSizeInputError(
			`Confidence Level is ${percent(1 - alpha)}`,
			'Use a confidence level between 50 and 99.99, usually 95.',
			'confidenceLevel',
		);
	}
	if (!(power > 0 && power < 1)) {
		throw new SampleSizeInputError(
			`Power is ${percent(power)}`,
			'Use a power between 1 and 99.99, usually 80.',
			'power',
		);
	}
	if (!(Number.isInteger(arms) && arms >= 2 && arms <= MAX_ARMS)) {
		throw new SampleSizeInputError(
			`Number of Arms is ${arms}`,
			'Count the control and every variant: a whole number from 2 to 1,000.',
			'arms',
		);
	}
	const dailyVisitors = input.dailyVisitors ?? 0;
	if (!(dailyVisitors >= 0 && Number.isFinite(dailyVisitors))) {
		throw new SampleSizeInputError(
			`Daily Visitors is ${dailyVisitors}`,
			'Use the number of visitors who enter the experiment per day, or 0 if unknown.',
			'dailyVisitors',
		);
	}
	const alphaPerComparison = input.adjustForArms && arms > 2 ? alpha / (arms - 1) : alpha;
	const { zAlpha, zBeta } = criticalValues(alphaPerComparison, power);
	const perArm = roundUp(evanMillerSampleSize(p, delta, zAlpha, zBeta));
	const pooledPerArm = roundUp(pooledSampleSize(p, delta, zAlpha, zBeta));
	const total = perArm * arms;
	// A size past 2⁵³ visitors (Infinity or NaN for an effect near 0) is no plan: say so instead.
	if (!Number.isSafeInteger(total) || !Number.isSafeInteger(pooledPerArm * arms)) {
		throw new SampleSizeInputError(
			`a change from ${percent(p)} to ${percent(target)} is too small to detect: it needs more than 9,007,199,254,740,991 visitors`,
			'Raise the Minimum Detectable Effect to the smallest change that matters to the business.',
			'minimumDetectableEffect',
		);
	}
	const days = dailyVisitors > 0 ? Math.ceil(total / dailyVisitors) : null;
	const duration = days === null ? '' : `: about ${grouped(days)} day${days === 1 ? '' : 's'} at ${grouped(dailyVisitors)} visitors a day`;
	return {
		baselineRate: p,
		targetRate: target,
		absoluteEffect: delta,
		relativeEffect: delta / p,
		confidenceLevel: 1 - alpha,
		power,
		arms,
		alphaPerComparison,
		sampleSizePerArm: perArm,
		pooledSampleSizePerArm: pooledPerArm,
		totalSampleSize: total,
		pooledTotalSampleSize: pooledPerArm * arms,
		dailyVisitors: dailyVisitors > 0 ? dailyVisitors : null,
		days,
		summary:
			`You need ${grouped(perArm)} visitors per arm (${grouped(total)} in total) to detect a change from ` +
			`${percent(p)} to ${percent(target)} with ${percent(1 - alpha)} confidence and ${percent(power)} power${duration}.`,
	};
}
