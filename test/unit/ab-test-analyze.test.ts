/**
 * The A/B Test analysis as a whole: the output contract, the decision rule, the sentence, bad input.
 * The numbers themselves are checked method by method in ab-test-methods and ab-test-bayes.
 */
import {
	analyzeExperiment,
	analyzeExperiments,
	resolveSettings,
	type AnalysisSettings,
	type ArmInput,
	type ResultRow,
} from '../../nodes/AbTest/engine/analyze';
import { formatPValue, formatProbability } from '../../nodes/AbTest/engine/decide';
import { AbTestInputError, AbTestSettingsError } from '../../nodes/AbTest/engine/errors';
import { holm } from '../../nodes/AbTest/engine/multiple';
import reference from '../reference/ab-test-reference.json';

const conversion = resolveSettings({ metric: 'conversion' });
const continuous = resolveSettings({ metric: 'continuous' });
const arm = (name: string, visitors: number, conversions: number, expectedShare?: number): ArmInput => ({
	name,
	visitors,
	conversions,
	expectedShare,
});
const analyze = (arms: ArmInput[], settings: AnalysisSettings = { metric: 'conversion' }, control?: string) =>
	analyzeExperiment({ arms, control }, resolveSettings(settings));

const CONVERSION_FIELDS = [
	'arm', 'control', 'visitors', 'conversions', 'rate', 'controlRate', 'absoluteLift', 'relativeLift', 'ciLow', 'ciHigh',
	'relativeCiLow', 'relativeCiHigh', 'zScore', 'standardError', 'pooledStandardError', 'pValue', 'adjustedPValue',
	'significant', 'probabilityToBeatControl', 'expectedLoss', 'controlExpectedLoss', 'sequentialPValue', 'srmPValue',
	'srmAlert', 'chiSquarePValue', 'requiredSampleSize', 'remainingSampleSize', 'decision', 'summary',
];

function expectFiniteOrNull(rows: ResultRow[]) {
	for (const row of rows) {
		for (const [key, value] of Object.entries(row)) {
			if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`${row.arm}.${key} is ${value}`);
			if (value === undefined) throw new Error(`${row.arm}.${key} is undefined`);
		}
	}
}

describe('tiny chances and p-values', () => {
	it('keep their digits instead of coming back as exactly 0', () => {
		const worse = reference.bayesTails.find((c) => c.probabilityBHigher < 1e-18)!;
		const rows = analyze([arm('A', worse.nA, worse.cA), arm('B', worse.nB, worse.cB)]);
		expect(rows[1].probabilityToBeatControl).toBeGreaterThan(0);
		expect(Math.abs(rows[1].probabilityToBeatControl! - worse.probabilityBHigher)).toBeLessThan(1e-11 * worse.probabilityBHigher);
		// lower is better: B's chance to beat A is P(B < A)
		const better = analyze([arm('A', worse.nB, worse.cB), arm('B', worse.nA, worse.cA)], { metric: 'conversion', higherIsBetter: false });
		expect(Math.abs(better[1].probabilityToBeatControl! - worse.probabilityBHigher)).toBeLessThan(1e-11 * worse.probabilityBHigher);
		const srm = reference.tails.srm[0];
		const mismatched = analyze([arm('A', srm.observed[0], 100), arm('B', srm.observed[1], 120)]);
		expect(Math.abs(mismatched[1].srmPValue! - srm.p)).toBeLessThan(1e-11 * srm.p);
	});
});

describe('the output contract', () => {
	it('gives one row per arm in input order, the control as its own row, fields in contract order', () => {
		const rows = analyze([arm('A', 1000, 100), arm('B', 1000, 125)]);
		expect(rows.map((r) => [r.arm, r.decision])).toEqual([['A', 'control'], ['B', 'keepRunning']]);
		expect(Object.keys(rows[1])).toEqual(CONVERSION_FIELDS);
		expect(Object.keys(rows[0])).toEqual(CONVERSION_FIELDS);
		const z = reference.zTest[0];
		expect(rows[1]).toMatchObject({ control: 'A', visitors: 1000, conversions: 125, rate: 0.125, controlRate: 0.1, significant: false });
		expect(rows[1].pValue).toBeCloseTo(z.p, 12);
		expect(rows[1].relativeLift).toBeCloseTo(0.25, 12);
		expect(rows[1].relativeCiLow).toBeCloseTo(reference.relative[0].zLow, 12);
		expect(rows[1].relativeCiHigh).toBeCloseTo(reference.relative[0].zHigh, 12);
		expect(rows[1].probabilityToBeatControl).toBeCloseTo(reference.bayes[2].probability, 10);
		expect(rows[1].expectedLoss).toBeCloseTo(reference.bayes[2].lossChoosingB, 10);
		expect(rows[1].controlExpectedLoss).toBeCloseTo(reference.bayes[2].lossChoosingA, 10);
		expect(rows[1].sequentialPValue).toBeGreaterThanOrEqual(rows[1].pValue!);
		expect(rows[0]).toMatchObject({ pValue: null, probabilityToBeatControl: null, significant: false, remainingSampleSize: null });
		expect(rows[0].requiredSampleSize).toBe(rows[1].requiredSampleSize);
	});

	it('continuous rows carry mean, tStatistic and degreesOfFreedom instead of rates and zScore', () => {
		const rows = analyzeExperiment(
			{ arms: [{ name: 'A', visitors: 3407, mean: 0.41, sd: 3.9 }, { name: 'B', visitors: 3461, mean: 0.7, sd: 6.2 }] },
			continuous,
		);
		const w = reference.welch[0];
		expect(rows[1]).toMatchObject({ mean: 0.7, controlMean: 0.41 });
		expect(rows[1]).not.toHaveProperty('rate');
		expect(rows[1]).not.toHaveProperty('zScore');
		expect(rows[1]).not.toHaveProperty('chiSquarePValue');
		expect(rows[1].tStatistic).toBeCloseTo(w.t, 10);
		expect(rows[1].degreesOfFreedom).toBeCloseTo(w.df, 6);
		expect(rows[1].pValue).toBeCloseTo(w.p, 12);
		// GrowthBook's published relative interval (t quantile with Welch's df), to its 5 digits.
		expect(Number(rows[1].relativeCiLow!.toFixed(5))).toBe(-0.03526);
		expect(Number(rows[1].relativeCiHigh!.toFixed(5))).toBe(1.44989);
	});

	it('reproduces GrowthBook 14/28 vs 16/30 through the continuous path (mean = rate, sd = √(p(1−p)))', () => {
		const rows = analyzeExperiment(
			{
				arms: [
					{ name: 'A', visitors: 28, mean: 0.5, sd: 0.5 },
					{ name: 'B', visitors: 30, mean: 16 / 30, sd: Math.sqrt((16 / 30) * (14 / 30)) },
				],
			},
			continuous,
		);
		expect(Number(rows[1].relativeLift!.toFixed(5))).toBe(0.06667);
		expect([Number(rows[1].relativeCiLow!.toFixed(5)), Number(rows[1].relativeCiHigh!.toFixed(5))]).toEqual([-0.47767, 0.61101]);
	});

	it('adds `experiment` when the experiment has a key, and keeps the control wherever it is', () => {
		const rows = analyzeExperiment(
			{ key: 'subject-line', control: 'Old', arms: [arm('New', 1000, 130), arm('Old', 1000, 100)] },
			conversion,
		);
		expect(rows[0]).toMatchObject({ experiment: 'subject-line', arm: 'New', control: 'Old' });
		expect(rows[1]).toMatchObject({ experiment: 'subject-line', arm: 'Old', decision: 'control' });
	});

	it('adjusts p-values over the variants (Holm by default) and tests all arms together', () => {
		const c = reference.independence[1];
		const rows = analyze(c.visitors.map((n, i) => arm('ABCD'[i], n, c.conversions[i])));
		const p = rows.slice(1).map((r) => r.pValue!);
		expect(rows.slice(1).map((r) => r.adjustedPValue)).toEqual(holm(p));
		expect(rows[1].summary).toContain('adjusted p =');
		for (const row of rows) expect(row.chiSquarePValue).toBeCloseTo(c.p, 12);
	});
});

describe('the decision', () => {
	const big = (b: number) => [arm('A', 40000, 2000), arm('B', 40000, b)];

	it('winner: significant, every arm past its minimum, no SRM', () => {
		const [, b] = analyze(big(2300));
		expect(b).toMatchObject({ decision: 'winner', significant: true, remainingSampleSize: 0 });
		expect(b.summary).toMatch(/^B converts 15\.0% better than A \(95% CI 8\.3% to 21\.7%\), p < 0\.001; over 99\.9% chance to beat A; winner\.$/);
	});

	it('loser: significant and worse', () => {
		const [, b] = analyze(big(1700));
		expect(b.decision).toBe('loser');
		expect(b.summary).toMatch(/^B converts 15\.0% worse than A .* under 0\.1% chance to beat A; loser\.$/);
	});

	it('with "lower is better", a significant drop wins', () => {
		const [, b] = analyze(big(1700), { metric: 'conversion', higherIsBetter: false });
		expect(b.decision).toBe('winner');
		expect(b.probabilityToBeatControl).toBeGreaterThan(0.999);
		expect(b.expectedLoss).toBeLessThan(b.controlExpectedLoss!);
		expect(b.summary).toMatch(/^B's conversion rate is 15\.0% lower than A's/);
	});

	it('keepRunning: significant, but an arm is short of the minimum sample', () => {
		const [, b] = analyze([arm('A', 400, 20), arm('B', 420, 60)]);
		expect(b.significant).toBe(true);
		expect(b).toMatchObject({ decision: 'keepRunning', remainingSampleSize: 100 + 80 });
		expect(b.summary).toMatch(/keep running until every arm has 500 visitors \(about 180 more in total\)\.$/);
	});

	it('inconclusive: not significant although every arm has the required sample', () => {
		const [, b] = analyze(big(2010));
		expect(b.requiredSampleSize).toBeLessThan(40000);
		expect(b).toMatchObject({ significant: false, decision: 'inconclusive', remainingSampleSize: 0 });
		expect(b.summary).toMatch(/inconclusive: no significant difference after \d{2},\d{3} visitors per arm\.$/);
	});

	it('keepRunning with the sample still needed when not significant yet', () => {
		const [a, b] = analyze([arm('A', 2000, 100), arm('B', 2000, 110)]);
		expect(b.decision).toBe('keepRunning');
		expect(b.remainingSampleSize).toBe(2 * (a.requiredSampleSize! - 2000));
	});

	it('a sample ratio mismatch blocks a winner and says to check the split', () => {
		const [, b] = analyze([arm('A', 40000, 2000), arm('B', 44000, 2600)]);
		expect(b.srmAlert).toBe(true);
		expect(b.srmPValue).toBeLessThan(0.001);
		expect(b.significant).toBe(true);
		expect(b.decision).toBe('keepRunning');
		expect(b.summary).toMatch(/keep running, but check the split first: the visitor counts do not match an even split \(set Expected Share if the split was not even\) \(SRM p < 0\.001\)\.$/);
	});

	it('an intended uneven split, given as Expected Share, is no mismatch', () => {
		const srm = reference.srm.find((c) => c.shares?.[0] === 90)!;
		const rows = analyze([arm('A', srm.observed[0], 450, 90), arm('B', srm.observed[1], 80, 10)]);
		expect(rows[1].srmPValue).toBeCloseTo(srm.p, 12);
		expect(rows[1].srmAlert).toBe(srm.p < 0.001);
		const even = analyze([arm('A', srm.observed[0], 450), arm('B', srm.observed[1], 80)]);
		expect(even[1].srmAlert).toBe(true);
	});

	it('"decide with sequential" uses the always-valid p-value, which needs more evidence', () => {
		const arms = [arm('A', 40000, 2000), arm('B', 40000, 2150)]; // z ≈ 2.39
		const [, fixed] = analyze(arms);
		const [, sequential] = analyze(arms, { metric: 'conversion', decideWith: 'sequential' });
		expect(fixed.decision).toBe('winner');
		expect(sequential.decision).toBe('inconclusive');
		expect(sequential.pValue).toBe(fixed.pValue);
		expect(sequential.summary).toContain(`sequential p = ${Number(sequential.sequentialPValue!.toPrecision(2))};`);
	});
});

describe('the sentence', () => {
	it('reads like the issue example', () => {
		// Relative lift 0.25 with delta-method SE √0.0125 = 0.1118: 0.25 ± 1.96·0.1118 = 3.1% to 46.9%.
		const [, b] = analyze([arm('A', 2000, 200), arm('Variant B', 2000, 250)]);
		expect(b.summary).toBe(
			'Variant B converts 25.0% better than A (95% CI 3.1% to 46.9%), p = 0.012; 99.4% chance to beat A; winner.',
		);
	});

	it('formats p-values and probabilities without misleading rounding', () => {
		expect(formatPValue(0.0496, 0.05)).toBe('= 0.0496'); // "0.050" would read as not significant
		expect(formatPValue(0.017126, 0.05)).toBe('= 0.017');
		expect(formatPValue(0.0004, 0.05)).toBe('< 0.001');
		expect(formatPValue(1, 0.05)).toBe('= 1');
		expect(formatProbability(0.9996)).toBe('over 99.9%');
		expect(formatProbability(0.5)).toBe('50.0%');
	});

	it('quotes other confidence levels as set', () => {
		const [, b] = analyze([arm('A', 2000, 200), arm('B', 2000, 250)], { metric: 'conversion', confidenceLevel: 0.9 });
		expect(b.summary).toContain('(90% CI ');
	});
});

describe('bad input', () => {
	function error(arms: ArmInput[], settings: AnalysisSettings = { metric: 'conversion' }, control?: string): AbTestInputError {
		try {
			analyze(arms, settings, control);
		} catch (e) {
			expect(e).toBeInstanceOf(AbTestInputError);
			return e as AbTestInputError;
		}
		throw new Error('no error');
	}

	it.each([
		[[arm('A', 100, 5), arm('B', 0, 0)], 1, 'Visitors', 'Visitors is 0 for arm "B"'],
		[[arm('A', 100, 5), arm('B', 100, 101)], 1, 'Conversions', 'Conversions (101) is more than Visitors (100) for arm "B"'],
		[[arm('A', -1, 0), arm('B', 100, 5)], 0, 'Visitors', 'Visitors is -1 for arm "A"'],
		[[arm('A', 100.5, 5), arm('B', 100, 5)], 0, 'Visitors', 'Visitors is 100.5 for arm "A"'],
		[[arm('A', 100, 2.5), arm('B', 100, 5)], 0, 'Conversions', 'Conversions is 2.5 for arm "A"'],
		[[arm('A', 100, 5, 50), arm('B', 100, 5)], 1, 'Expected Share', 'Expected Share is missing for arm "B" while other arms have one'],
		[[arm('A', 100, 5, 0), arm('B', 100, 5, 1)], 0, 'Expected Share', 'Expected Share is 0 for arm "A"'],
		[[arm('A', 100, 5)], 0, undefined, 'only one arm ("A")'],
		[[arm('A', 100, 5), arm('A', 100, 5)], 1, 'Arm', 'two arms are called "A"'],
	])('%#: names the arm and the field', (arms, armIndex, field, message) => {
		const e = error(arms as ArmInput[]);
		expect(e.message).toBe(message);
		expect(e.armIndex).toBe(armIndex);
		expect(e.field).toBe(field);
		expect(e.fix.length).toBeGreaterThan(10);
	});

	it('a missing control arm', () => {
		const e = error([arm('A', 100, 5), arm('B', 100, 5)], { metric: 'conversion' }, 'Control');
		expect(e.message).toBe('no arm is called "Control" (the Control Arm setting)');
		expect(e.field).toBe('Control Arm');
	});

	it('continuous: fewer than 2 visitors, a negative sd, or no spread with different means', () => {
		const settings: AnalysisSettings = { metric: 'continuous' };
		const c = (visitors: number, mean: number, sd: number, name = 'B') => ({ name, visitors, mean, sd });
		expect(error([c(10, 1, 1, 'A'), c(1, 1, 1)], settings).field).toBe('Visitors');
		expect(error([c(10, 1, 1, 'A'), c(10, 1, -1)], settings).field).toBe('Standard Deviation');
		expect(error([c(10, 1, 0, 'A'), c(10, 2, 0)], settings).message).toBe(
			'arms "B" and "A" both have a Standard Deviation of 0 but different means',
		);
	});

	it('continuous: a mean or spread beyond ±1e15 is refused, naming the arm and the field, never NaN or Infinity', () => {
		const settings: AnalysisSettings = { metric: 'continuous' };
		const c = (mean: number, sd: number, name = 'B') => ({ name, visitors: 1000, mean, sd });
		const sd = error([c(10, 5, 'A'), c(10, 1e308)], settings);
		expect([sd.message, sd.armIndex, sd.field]).toEqual(['Standard Deviation is 1e+308 for arm "B", beyond 1e15', 1, 'Standard Deviation']);
		const mean = error([c(-1e308, 5, 'A'), c(10, 5)], settings);
		expect([mean.message, mean.armIndex, mean.field]).toEqual(['Mean is -1e+308 for arm "A", beyond ±1e15', 0, 'Mean']);
		expect(error([c(10, 5, 'A'), c(10, NaN)], settings).message).toBe('Standard Deviation is NaN for arm "B"');
		// at the limit every figure is finite
		expectFiniteOrNull(analyze([c(-1e15, 1e15, 'A'), c(1e15, 1e15), c(0, 0, 'C')], settings));
		expectFiniteOrNull(analyze([c(1e-300, 1e15, 'A'), c(1e15, 1e15)], settings));
	});

	it('an arm name is echoed in an error cut to 200 characters', () => {
		const long = 'x'.repeat(1_000_000);
		const e = error([arm('A', 100, 5), arm(long, 100, 101)]);
		expect(e.message.length).toBeLessThan(300);
	});

	it('settings out of range name the setting', () => {
		expect(() => resolveSettings({ metric: 'conversion', confidenceLevel: 1.2 })).toThrow(AbTestSettingsError);
		expect(() => resolveSettings({ metric: 'conversion', minimumDetectableEffect: 0 })).toThrow('Minimum Detectable Effect is 0%');
		expect(() => resolveSettings({ metric: 'conversion', effectType: 'absolute', minimumDetectableEffect: 1 })).toThrow(AbTestSettingsError);
	});

	it('analyzeExperiments reports a bad experiment and still analyses the rest', () => {
		const results = analyzeExperiments(
			[{ arms: [arm('A', 100, 5), arm('B', 100, 500)] }, { arms: [arm('A', 100, 5), arm('B', 100, 7)] }],
			conversion,
		);
		expect('error' in results[0] && results[0].error.field).toBe('Conversions');
		expect('rows' in results[1] && results[1].rows).toHaveLength(2);
	});
});

describe('never NaN', () => {
	it('over tiny, empty and saturated arms, for both metrics', () => {
		const counts = [
			[1, 0], [1, 1], [2, 0], [2, 2], [3, 1], [10, 0], [10, 10], [1000, 0], [1000, 1000], [1000, 1],
		];
		for (const [nA, cA] of counts) {
			for (const [nB, cB] of counts) {
				for (const effectType of ['relative', 'absolute'] as const) {
					const rows = analyze([arm('A', nA, cA), arm('B', nB, cB), arm('C', nA + nB, cA)], {
						metric: 'conversion',
						effectType,
						minimumDetectableEffect: 0.6,
					});
					expectFiniteOrNull(rows);
					expect(rows[1].summary).not.toMatch(/NaN|Infinity|undefined|null/);
				}
			}
		}
		const means = [0, 1, -2.5];
		for (const meanA of means) {
			for (const meanB of means) {
				for (const [sdA, sdB] of [[0, 1], [1, 0], [2, 3]]) {
					const rows = analyzeExperiment(
						{ arms: [{ name: 'A', visitors: 2, mean: meanA, sd: sdA }, { name: 'B', visitors: 5, mean: meanB, sd: sdB }] },
						continuous,
					);
					expectFiniteOrNull(rows);
					expect(rows[1].summary).not.toMatch(/NaN|Infinity|undefined|null/);
				}
			}
		}
	});
});
