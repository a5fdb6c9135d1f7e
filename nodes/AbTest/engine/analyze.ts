/**
 * The A/B Test analysis: arms in, one result row per arm out (input order kept).
 *
 * Each variant is compared with the control by the methods of the modules beside this one:
 * conversions by the pooled two-proportion z-test (proportions.ts), continuous metrics by Welch's
 * t-test (welch.ts); relative lift with a delta-method interval (lift.ts: normal quantile for
 * conversions, t quantile with Welch's df for continuous metrics, as GrowthBook); the chance to beat
 * control and expected loss (bayes.ts: exact for conversions, normal approximation for continuous);
 * the always-valid p-value (sequential.ts); Holm or Benjamini–Hochberg over the variants
 * (multiple.ts); sample ratio mismatch (srm.ts); the required sample (sampleSize.ts); and the
 * decision and its sentence (decide.ts). The control arm gets a row of its own with decision
 * 'control' and null comparison fields, so every arm comes back exactly once.
 *
 * Everything that depends only on the settings (quantiles, ρ) is computed once in resolveSettings;
 * an analysis of many experiments is one call to analyzeExperiments.
 */
import { shown } from '../../shared/show';

import { betaBinomialComparison, normalComparison, type BayesResult } from './bayes';
import { type Decision, controlSummary, decide, treatmentSummary } from './decide';
import { normalQuantile, tQuantile } from './dist';
import { AbTestInputError, AbTestSettingsError } from './errors';
import { relativeLift } from './lift';
import { adjustPValues, type Correction } from './multiple';
import { chiSquareIndependence, twoProportionTest } from './proportions';
import { continuousSampleSize, evanMillerSampleSize, roundUp } from './sampleSize';
import { alwaysValidPValue, sequentialRho } from './sequential';
import { sampleRatioMismatch } from './srm';
import { welchTest } from './welch';

export type MetricType = 'conversion' | 'continuous';

export interface ArmInput {
	name: string;
	/** Visitors (exposures) of the arm. */
	visitors: number;
	/** Conversion metric: visitors who converted. */
	conversions?: number;
	/** Continuous metric: mean per visitor. */
	mean?: number;
	/** Continuous metric: sample standard deviation per visitor. */
	sd?: number;
	/** Planned share of the traffic (any scale; normalised). All arms or none. */
	expectedShare?: number | null;
}

export interface ExperimentInput {
	/** Shown in each row as `experiment` when set. */
	key?: string;
	/** Name of the control arm; the first arm when empty. */
	control?: string;
	arms: ArmInput[];
}

export interface AnalysisSettings {
	metric: MetricType;
	/** 0.95 for 95%. Also sets the significance level α = 1 − level. */
	confidenceLevel?: number;
	correction?: Correction;
	/** Visitors every arm needs before any winner or loser (default 500). */
	minimumSample?: number;
	/** The smallest effect worth detecting (default 0.1 = 10% relative). */
	minimumDetectableEffect?: number;
	effectType?: 'relative' | 'absolute';
	/** Power for the required sample size (default 0.8). */
	power?: number;
	/** SRM alert below this p-value (default 0.001). */
	srmThreshold?: number;
	/** N* of the confidence sequence (default 5000). */
	sequentialTuning?: number;
	/** Decide on the fixed-horizon p-value (default) or the always-valid one. */
	decideWith?: 'fixed' | 'sequential';
	/** The goal: a higher rate or mean is better (default), or a lower one (unsubscribes, cost). */
	higherIsBetter?: boolean;
}

export interface ResolvedSettings extends Required<AnalysisSettings> {
	alpha: number;
	zCritical: number;
	zBeta: number;
	rho: number;
}

/**
 * One row per arm: the output contract (templates and users' expressions depend on these names).
 * Rates, lifts and probabilities are fractions (0.25 = 25%). Comparison fields are null on the
 * control's own row, and relative fields are null when the control's rate or mean is 0.
 */
export interface ResultRow {
	/** The experiment's key, when items were grouped by experiment. */
	experiment?: string;
	/** This arm's name. */
	arm: string;
	/** The control arm's name. */
	control: string;
	/** Visitors (exposures) of this arm. */
	visitors: number;
	/** Conversion metric: visitors who converted. */
	conversions?: number;
	/** Conversion metric: conversions / visitors. */
	rate?: number;
	/** Conversion metric: the control's rate. */
	controlRate?: number;
	/** Continuous metric: this arm's mean per visitor. */
	mean?: number;
	/** Continuous metric: the control's mean. */
	controlMean?: number;
	/** Difference from control (rate or mean): this arm minus control. */
	absoluteLift: number | null;
	/** Difference as a fraction of the control: 0.25 = 25% better. */
	relativeLift: number | null;
	/** Confidence interval of absoluteLift (at the confidence level). */
	ciLow: number | null;
	ciHigh: number | null;
	/** Confidence interval of relativeLift (delta method). */
	relativeCiLow: number | null;
	relativeCiHigh: number | null;
	/** Conversion metric: the pooled two-proportion z statistic. */
	zScore?: number | null;
	/** Continuous metric: Welch's t statistic and its degrees of freedom. */
	tStatistic?: number | null;
	degreesOfFreedom?: number | null;
	/** Standard error of absoluteLift (unpooled; the one behind the interval). */
	standardError: number | null;
	/** Conversion metric: the pooled standard error behind zScore. */
	pooledStandardError?: number | null;
	/** Two-sided p-value of this arm against control (fixed horizon). */
	pValue: number | null;
	/** pValue adjusted over all variants (Holm or Benjamini–Hochberg); equals pValue with one variant. */
	adjustedPValue: number | null;
	/** Whether the deciding p-value (adjusted; sequential if chosen) is below 1 − confidence level. */
	significant: boolean;
	/** Bayesian chance that this arm is truly better than control (in the goal's direction). */
	probabilityToBeatControl: number | null;
	/** Expected rate (or mean) given up by choosing this arm, if it is in fact worse. */
	expectedLoss: number | null;
	/** Expected rate (or mean) given up by keeping the control, if this arm is in fact better. */
	controlExpectedLoss: number | null;
	/** Always-valid p-value: may be checked at any time, as often as you like. */
	sequentialPValue: number | null;
	/** Chi-square p-value of the visitor split against the expected shares (experiment-wide). */
	srmPValue: number;
	/** srmPValue below the alert threshold: the split is broken, do not trust the result. */
	srmAlert: boolean;
	/** Conversion metric: chi-square test that all arms convert alike (experiment-wide). */
	chiSquarePValue?: number;
	/** Visitors per arm needed to detect the minimum detectable effect (Evan Miller), from the control. */
	requiredSampleSize: number | null;
	/** Visitors still missing, over all arms, before the next decision; 0 when none; null if unknown. */
	remainingSampleSize: number | null;
	/** winner | loser | keepRunning | inconclusive, or control on the control's row. */
	decision: Decision;
	/** The verdict in one plain sentence. */
	summary: string;
}

export type ExperimentResult = { rows: ResultRow[] } | { error: AbTestInputError };

const DEFAULTS: Required<AnalysisSettings> = {
	metric: 'conversion',
	confidenceLevel: 0.95,
	correction: 'holm',
	minimumSample: 500,
	minimumDetectableEffect: 0.1,
	effectType: 'relative',
	power: 0.8,
	srmThreshold: 0.001,
	sequentialTuning: 5000,
	decideWith: 'fixed',
	higherIsBetter: true,
};

function setting(ok: boolean, message: string, fix: string, name: string) {
	if (!ok) throw new AbTestSettingsError(message, fix, name);
}

/** 0.95 → "95%" without floating-point dust (0.07 · 100 = 7.000000000000001). */
const percent = (x: number) => `${Number((x * 100).toPrecision(10))}%`;

/** Fills in defaults, checks ranges and precomputes what every comparison shares. */
export function resolveSettings(settings: AnalysisSettings): ResolvedSettings {
	const s = { ...DEFAULTS } as Required<AnalysisSettings>;
	for (const [key, value] of Object.entries(settings)) {
		if (value !== undefined && value !== null) (s as unknown as Record<string, unknown>)[key] = value;
	}
	setting(s.metric === 'conversion' || s.metric === 'continuous', `Metric Type is "${s.metric}"`, 'Choose Conversion or Continuous.', 'metricType');
	setting(
		s.confidenceLevel >= 0.5 && s.confidenceLevel < 1,
		`Confidence Level is ${percent(s.confidenceLevel)}`,
		'Use a confidence level from 50 to 99.99, usually 95.',
		'confidenceLevel',
	);
	setting(s.power > 0 && s.power < 1, `Power is ${percent(s.power)}`, 'Use a power between 1 and 99.99, usually 80.', 'power');
	setting(
		Number.isFinite(s.minimumSample) && s.minimumSample >= 0,
		`Minimum Visitors per Arm is ${s.minimumSample}`,
		'Use 0 or more, usually 500 or more.',
		'minimumSample',
	);
	setting(
		s.minimumDetectableEffect > 0 &&
			Number.isFinite(s.minimumDetectableEffect) &&
			!(s.metric === 'conversion' && s.effectType === 'absolute' && s.minimumDetectableEffect >= 1),
		`Minimum Detectable Effect is ${
			s.metric === 'continuous' && s.effectType === 'absolute' ? s.minimumDetectableEffect : percent(s.minimumDetectableEffect)
		}`,
		'Use the smallest change worth detecting, above 0: e.g. 10 (% relative) or 1 (percentage point, absolute).',
		'minimumDetectableEffect',
	);
	setting(
		s.srmThreshold > 0 && s.srmThreshold < 1,
		`SRM Alert Threshold is ${s.srmThreshold}`,
		'Use a p-value between 0 and 1, usually 0.001.',
		'srmThreshold',
	);
	setting(
		s.sequentialTuning > 0 && Number.isFinite(s.sequentialTuning),
		`Sequential Tuning is ${s.sequentialTuning}`,
		'Use the total number of visitors you expect the experiment to have, e.g. 5000.',
		'sequentialTuning',
	);
	setting(
		['holm', 'benjaminiHochberg', 'none'].includes(s.correction),
		`Multiple-Comparison Correction is "${s.correction}"`,
		'Choose Holm, Benjamini-Hochberg or None.',
		'correction',
	);
	const alpha = 1 - s.confidenceLevel;
	return {
		...s,
		alpha,
		zCritical: normalQuantile(1 - alpha / 2),
		zBeta: normalQuantile(s.power),
		rho: sequentialRho(alpha, s.sequentialTuning),
	};
}

/** The largest Mean or Standard Deviation (in size) a continuous metric may have. */
const VALUE_LIMIT = 1e15;
const VALUE_FIX = 'Give the average and spread per visitor in the metric\'s unit (e.g. 35.20 in currency); values beyond ±1e15 are refused.';

function isCount(x: unknown): x is number {
	return typeof x === 'number' && Number.isInteger(x) && x >= 0;
}

function fail(message: string, fix: string, armIndex?: number, field?: string): never {
	throw new AbTestInputError(message, fix, armIndex, field);
}

function checkArms(experiment: ExperimentInput, settings: ResolvedSettings): number {
	const { arms } = experiment;
	const where = experiment.key ? ` in experiment ${shown(experiment.key)}` : '';
	const names = new Map<string, number>();
	let withShare = 0;
	arms.forEach((arm, i) => {
		const name = arm.name;
		if (!name) fail(`the Arm name is empty${where}`, 'Set "Arm" to the field that names each arm, e.g. {{ $json.variant }}.', i, 'Arm');
		const seen = names.get(name);
		if (seen !== undefined) {
			fail(`two arms are called ${shown(name)}${where}`, 'Send one item per arm; sum the rows of an arm before this node.', i, 'Arm');
		}
		names.set(name, i);
		const of = ` for arm ${shown(name)}`;
		const minimum = settings.metric === 'continuous' ? 2 : 1;
		if (!isCount(arm.visitors) || arm.visitors < minimum) {
			fail(
				`Visitors is ${shown(arm.visitors)}${of}`,
				`Visitors must be a whole number of at least ${minimum}${minimum === 2 ? ' (a standard deviation needs two)' : ''}. Remove arms that have not started.`,
				i,
				'Visitors',
			);
		}
		if (settings.metric === 'conversion') {
			if (!isCount(arm.conversions)) {
				fail(`Conversions is ${shown(arm.conversions)}${of}`, 'Conversions must be a whole number of 0 or more.', i, 'Conversions');
			}
			if (arm.conversions > arm.visitors) {
				fail(
					`Conversions (${shown(arm.conversions)}) is more than Visitors (${shown(arm.visitors)})${of}`,
					'Count each visitor once: Conversions is the number of visitors who converted, not the number of orders.',
					i,
					'Conversions',
				);
			}
		} else {
			if (typeof arm.mean !== 'number' || !Number.isFinite(arm.mean)) {
				fail(`Mean is ${shown(arm.mean)}${of}`, 'Mean must be a number: the average value per visitor.', i, 'Mean');
			}
			if (typeof arm.sd !== 'number' || !Number.isFinite(arm.sd) || arm.sd < 0) {
				fail(`Standard Deviation is ${shown(arm.sd)}${of}`, 'Standard Deviation must be a number of 0 or more.', i, 'Standard Deviation');
			}
			// Beyond this, variances and lifts overflow to Infinity; no per-visitor value is that large.
			if (Math.abs(arm.mean) > VALUE_LIMIT) fail(`Mean is ${shown(arm.mean)}${of}, beyond ±1e15`, VALUE_FIX, i, 'Mean');
			if (arm.sd > VALUE_LIMIT) fail(`Standard Deviation is ${shown(arm.sd)}${of}, beyond 1e15`, VALUE_FIX, i, 'Standard Deviation');
		}
		if (arm.expectedShare !== undefined && arm.expectedShare !== null) {
			if (!(typeof arm.expectedShare === 'number' && arm.expectedShare > 0 && Number.isFinite(arm.expectedShare))) {
				fail(`Expected Share is ${shown(arm.expectedShare)}${of}`, 'Expected Share must be above 0, e.g. 50 for half the traffic.', i, 'Expected Share');
			}
			withShare++;
		}
	});
	if (withShare > 0 && withShare < arms.length) {
		const i = arms.findIndex((arm) => arm.expectedShare === undefined || arm.expectedShare === null);
		fail(
			`Expected Share is missing for arm ${shown(arms[i].name)} while other arms have one`,
			'Give every arm an Expected Share, or none (an even split is then assumed).',
			i,
			'Expected Share',
		);
	}
	if (arms.length < 2) {
		fail(
			`only one arm${arms.length ? ` (${shown(arms[0].name)})` : ''}${where}`,
			'An analysis needs the control and at least one variant: send one item per arm.',
			arms.length ? 0 : undefined,
		);
	}
	if (!experiment.control) return 0;
	const control = names.get(experiment.control);
	if (control === undefined) {
		fail(
			`no arm is called ${shown(experiment.control)} (the Control Arm setting)${where}`,
			`The arms are ${[...names.keys()].slice(0, 20).map((name) => shown(name)).join(', ')}. Set Control Arm to one of them, or leave it empty to use the first item.`,
			0,
			'Control Arm',
		);
	}
	return control;
}

/**
 * Visitors per arm to detect the minimum detectable effect: Evan Miller's size at the control's
 * observed rate (conversions) or the two-sample size with the control's sd (continuous), at the
 * configured α (not divided among variants) and power. Null when the effect is 0 in absolute terms
 * (a relative effect on a control of 0) and when the size is beyond 2⁵³ visitors (an effect too small to detect).
 */
function requiredSample(control: ArmInput, settings: ResolvedSettings): number | null {
	const { minimumDetectableEffect: mde, effectType, zCritical, zBeta } = settings;
	if (settings.metric === 'conversion') {
		const p = (control.conversions as number) / control.visitors;
		let delta = effectType === 'relative' ? p * mde : mde;
		if (delta === 0) return null;
		// An increase past 100% cannot happen; size for the same drop instead.
		if (p + delta > 1) {
			if (p - delta < 0) return null;
			delta = -delta;
		}
		return reachable(roundUp(evanMillerSampleSize(p, delta, zCritical, zBeta)));
	}
	const delta = effectType === 'relative' ? Math.abs(control.mean as number) * mde : mde;
	if (delta === 0) return null;
	return reachable(Math.max(2, roundUp(continuousSampleSize(control.sd as number, delta, zCritical, zBeta))));
}

/** A size no experiment can reach (past 2⁵³ visitors, or overflowing to Infinity) is null, as "cannot be sized". */
const reachable = (size: number): number | null => (Number.isSafeInteger(size) ? size : null);

/** The relative lift and its interval; null (as for a control of 0) when an end overflows. */
function interval(lift: number, halfWidth: number): { lift: number; low: number; high: number } | null {
	const low = lift - halfWidth;
	const high = lift + halfWidth;
	return Number.isFinite(low) && Number.isFinite(high) ? { lift, low, high } : null;
}

interface Comparison {
	index: number;
	difference: number;
	ciLow: number;
	ciHigh: number;
	statistic: number;
	degreesOfFreedom: number | null;
	standardError: number;
	pooledStandardError: number | null;
	pValue: number;
	relative: { lift: number; low: number; high: number } | null;
	bayes: BayesResult;
	sequentialPValue: number;
}

function compare(a: ArmInput, b: ArmInput, index: number, settings: ResolvedSettings, where: string): Comparison {
	const nA = a.visitors;
	const nB = b.visitors;
	let c: Omit<Comparison, 'relative' | 'bayes' | 'sequentialPValue'>;
	let relative: Comparison['relative'] = null;
	let bayes: BayesResult;
	if (settings.metric === 'conversion') {
		const cA = a.conversions as number;
		const cB = b.conversions as number;
		const test = twoProportionTest(nA, cA, nB, cB, settings.zCritical);
		c = {
			index,
			difference: test.difference,
			ciLow: test.ciLow,
			ciHigh: test.ciHigh,
			statistic: test.zScore,
			degreesOfFreedom: null,
			standardError: test.standardError,
			pooledStandardError: test.pooledStandardError,
			pValue: test.pValue,
		};
		const lift = relativeLift(test.rateA, test.rateA * (1 - test.rateA), nA, test.rateB, test.rateB * (1 - test.rateB), nB);
		if (lift) {
			relative = interval(lift.lift, settings.zCritical * lift.standardError);
		}
		bayes = betaBinomialComparison(cA, nA, cB, nB);
	} else {
		const sdA = a.sd as number;
		const sdB = b.sd as number;
		const test = welchTest(nA, a.mean as number, sdA, nB, b.mean as number, sdB, settings.alpha);
		if (!test) {
			fail(
				`arms ${shown(b.name)} and ${shown(a.name)} both have a Standard Deviation of 0 but different means${where}`,
				'A t-test needs variation within the arms. Check that Standard Deviation is the spread per visitor, not 0.',
				index,
				'Standard Deviation',
			);
		}
		c = {
			index,
			difference: test.difference,
			ciLow: test.ciLow,
			ciHigh: test.ciHigh,
			statistic: test.tStatistic,
			degreesOfFreedom: test.degreesOfFreedom,
			standardError: test.standardError,
			pooledStandardError: null,
			pValue: test.pValue,
		};
		const lift = relativeLift(a.mean as number, sdA * sdA, nA, b.mean as number, sdB * sdB, nB);
		if (lift) {
			relative = interval(lift.lift, lift.standardError > 0 ? tQuantile(1 - settings.alpha / 2, test.degreesOfFreedom) * lift.standardError : 0);
		}
		bayes = normalComparison(test.difference, test.standardError);
	}
	// For conversions the always-valid p is never below the fixed one (see sequential.ts); Welch's
	// p comes from the heavier-tailed t, so keep the larger of the two and stay conservative.
	const sequentialPValue = Math.max(c.pValue, alwaysValidPValue(c.statistic, nA + nB, settings.rho));
	return {
		index,
		difference: c.difference,
		ciLow: c.ciLow,
		ciHigh: c.ciHigh,
		statistic: c.statistic,
		degreesOfFreedom: c.degreesOfFreedom,
		standardError: c.standardError,
		pooledStandardError: c.pooledStandardError,
		pValue: c.pValue,
		relative,
		bayes,
		sequentialPValue,
	};
}

/** Analyses one experiment. Throws AbTestInputError for bad arms. */
export function analyzeExperiment(experiment: ExperimentInput, settings: ResolvedSettings): ResultRow[] {
	const controlIndex = checkArms(experiment, settings);
	const { arms } = experiment;
	const where = experiment.key ? ` in experiment ${shown(experiment.key)}` : '';
	const control = arms[controlIndex];
	const conversion = settings.metric === 'conversion';
	const k = arms.length;
	const visitors = new Float64Array(k);
	const conversions = conversion ? new Float64Array(k) : null;
	let shares: Float64Array | null = null;
	for (let i = 0; i < k; i++) {
		visitors[i] = arms[i].visitors;
		if (conversions) conversions[i] = arms[i].conversions as number;
		const share = arms[i].expectedShare;
		if (share !== undefined && share !== null) (shares ??= new Float64Array(k))[i] = share;
	}
	const srm = sampleRatioMismatch(visitors, shares);
	const srmAlert = srm.pValue < settings.srmThreshold;
	const chiSquarePValue = conversions ? chiSquareIndependence(visitors, conversions).pValue : undefined;
	const requiredSampleSize = requiredSample(control, settings);

	const comparisons: Comparison[] = [];
	for (let i = 0; i < k; i++) if (i !== controlIndex) comparisons.push(compare(control, arms[i], i, settings, where));
	const adjusted = adjustPValues(comparisons.map((c) => c.pValue), settings.correction);
	const sequential = settings.decideWith === 'sequential';
	const decisive = sequential
		? adjustPValues(comparisons.map((c) => c.sequentialPValue), settings.correction)
		: adjusted;
	const corrected = comparisons.length > 1 && settings.correction !== 'none';
	const pLabel = `${corrected ? 'adjusted ' : ''}${sequential ? 'sequential ' : ''}p`;
	const up = settings.higherIsBetter;

	const controlValue = conversion ? (control.conversions as number) / control.visitors : (control.mean as number);
	const shared: Shared = {
		key: experiment.key,
		control: control.name,
		controlValue,
		conversion,
		srmPValue: srm.pValue,
		srmAlert,
		chiSquarePValue,
		requiredSampleSize,
	};
	const rows = new Array<ResultRow>(k);
	rows[controlIndex] = makeRow(
		shared,
		control,
		null,
		null,
		false,
		null,
		'control',
		controlSummary(control.name, settings.metric, control.visitors, control.conversions ?? 0, controlValue),
	);
	for (let j = 0; j < comparisons.length; j++) {
		const c = comparisons[j];
		const arm = arms[c.index];
		const pShown = decisive[j];
		const significant = pShown < settings.alpha;
		const decision = decide({
			significant,
			favoursVariant: up ? c.difference > 0 : c.difference < 0,
			srmAlert,
			visitors,
			minimumSample: settings.minimumSample,
			requiredSampleSize,
		});
		const probability = up ? c.bayes.probabilityBHigher : c.bayes.probabilityAHigher;
		const summary = treatmentSummary({
			arm: arm.name,
			control: control.name,
			metric: settings.metric,
			higherIsBetter: up,
			confidenceLevel: settings.confidenceLevel,
			alpha: settings.alpha,
			valueB: conversion ? (arm.conversions as number) / arm.visitors : (arm.mean as number),
			valueA: controlValue,
			difference: c.difference,
			ciLow: c.ciLow,
			ciHigh: c.ciHigh,
			relativeLift: c.relative ? c.relative.lift : null,
			relativeCiLow: c.relative ? c.relative.low : null,
			relativeCiHigh: c.relative ? c.relative.high : null,
			pValue: c.pValue,
			pLabel,
			pShown,
			probabilityToBeatControl: probability,
			decision,
			srmAlert,
			srmPValue: srm.pValue,
			evenSplitAssumed: shares === null,
		});
		rows[c.index] = makeRow(shared, arm, c, adjusted[j], significant, probability, decision.decision, summary);
		rows[c.index].remainingSampleSize = decision.remainingSampleSize;
		if (!up) {
			rows[c.index].expectedLoss = c.bayes.lossChoosingA;
			rows[c.index].controlExpectedLoss = c.bayes.lossChoosingB;
		}
	}
	return rows;
}

interface Shared {
	key?: string;
	control: string;
	controlValue: number;
	conversion: boolean;
	srmPValue: number;
	srmAlert: boolean;
	chiSquarePValue?: number;
	requiredSampleSize: number | null;
}

/**
 * One row, its fields assigned in the contract's order (the order users see in n8n's table).
 * Plain assignment rather than object spreads: 50,000 rows must stay cheap to build and collect.
 */
function makeRow(
	s: Shared,
	arm: ArmInput,
	c: Comparison | null,
	adjustedPValue: number | null,
	significant: boolean,
	probability: number | null,
	decision: Decision,
	summary: string,
): ResultRow {
	const row = {} as ResultRow;
	if (s.key) row.experiment = s.key;
	row.arm = arm.name;
	row.control = s.control;
	row.visitors = arm.visitors;
	if (s.conversion) {
		row.conversions = arm.conversions as number;
		row.rate = (arm.conversions as number) / arm.visitors;
		row.controlRate = s.controlValue;
	} else {
		row.mean = arm.mean as number;
		row.controlMean = s.controlValue;
	}
	row.absoluteLift = c ? c.difference : null;
	row.relativeLift = c?.relative ? c.relative.lift : null;
	row.ciLow = c ? c.ciLow : null;
	row.ciHigh = c ? c.ciHigh : null;
	row.relativeCiLow = c?.relative ? c.relative.low : null;
	row.relativeCiHigh = c?.relative ? c.relative.high : null;
	if (s.conversion) {
		row.zScore = c ? c.statistic : null;
	} else {
		row.tStatistic = c ? c.statistic : null;
		row.degreesOfFreedom = c ? c.degreesOfFreedom : null;
	}
	row.standardError = c ? c.standardError : null;
	if (s.conversion) row.pooledStandardError = c ? c.pooledStandardError : null;
	row.pValue = c ? c.pValue : null;
	row.adjustedPValue = adjustedPValue;
	row.significant = significant;
	row.probabilityToBeatControl = probability;
	row.expectedLoss = c ? c.bayes.lossChoosingB : null;
	row.controlExpectedLoss = c ? c.bayes.lossChoosingA : null;
	row.sequentialPValue = c ? c.sequentialPValue : null;
	row.srmPValue = s.srmPValue;
	row.srmAlert = s.srmAlert;
	if (s.conversion) row.chiSquarePValue = s.chiSquarePValue;
	row.requiredSampleSize = s.requiredSampleSize;
	row.remainingSampleSize = null;
	row.decision = decision;
	row.summary = summary;
	return row;
}

/** Analyses many experiments in one call; a bad experiment gives its error, the others their rows. */
export function analyzeExperiments(experiments: readonly ExperimentInput[], settings: ResolvedSettings): ExperimentResult[] {
	const results = new Array<ExperimentResult>(experiments.length);
	for (let i = 0; i < experiments.length; i++) {
		try {
			results[i] = { rows: analyzeExperiment(experiments[i], settings) };
		} catch (error) {
			// A bug, not bad input: let it surface. (The engine has no n8n import; the node wraps it.)
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
			if (!(error instanceof AbTestInputError)) throw error;
			results[i] = { error };
		}
	}
	return results;
}
