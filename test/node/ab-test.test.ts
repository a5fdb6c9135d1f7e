import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { holm, benjaminiHochberg } from '../../nodes/AbTest/engine/multiple';
import reference from '../reference/ab-test-reference.json';
import { runWorkflow, singleNode } from '../helpers/n8n';

type Row = IDataObject & { pValue: number; adjustedPValue: number; decision: string; summary: string };

const rows = (items: INodeExecutionData[]) => items.map((item) => item.json as Row);

/** Every number in the output is finite; no NaN, no Infinity, at any depth. */
function expectNoNaN(value: unknown, path = 'json'): void {
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) throw new Error(`${path} is ${value}`);
	} else if (Array.isArray(value)) {
		value.forEach((v, i) => expectNoNaN(v, `${path}[${i}]`));
	} else if (value && typeof value === 'object') {
		for (const [k, v] of Object.entries(value)) expectNoNaN(v, `${path}.${k}`);
	}
}

const pairs = (items: INodeExecutionData[]) => items.map((item) => (item.pairedItem as { item: number }).item);

describe('A/B Test node (in-process n8n)', () => {
	it('runs as dropped on the canvas: arm / visitors / conversions, first item is the control', async () => {
		const input = [
			{ arm: 'A', visitors: 1000, conversions: 100 },
			{ arm: 'B', visitors: 1000, conversions: 125 },
		];
		const result = await runWorkflow(singleNode('abTest', {}, input));
		expect(result.error).toBeUndefined();
		const out = result.output('Node');
		expect(pairs(out)).toEqual([0, 1]);
		const [a, b] = rows(out);
		expect(a).toMatchObject({ arm: 'A', control: 'A', decision: 'control', pValue: null, visitors: 1000, rate: 0.1 });
		expect(a.summary).toBe('A is the control: 1,000 visitors, 100 conversions (10.0%).');
		const z = reference.zTest.find((c) => c.cA === 100 && c.cB === 125)!;
		expect(b).toMatchObject({ arm: 'B', control: 'A', conversions: 125, rate: 0.125, controlRate: 0.1 });
		expect(b.pValue).toBeCloseTo(z.p, 12);
		expect(b.zScore).toBeCloseTo(z.z, 12);
		expect(b.ciLow).toBeCloseTo(z.ciLow, 12);
		expect(b.adjustedPValue).toBe(b.pValue);
		const bayes = reference.bayes.find((c) => c.cA === 100 && c.cB === 125)!;
		expect(b.probabilityToBeatControl).toBeCloseTo(bayes.probability, 10);
		expect(b.decision).toBe('keepRunning');
		expect(b.summary).toBe(
			'B converts 25.0% better than A (95% CI -6.0% to 56.0%), p = 0.077; 96.1% chance to beat A; keep running until every arm has 14,313 visitors (about 26,626 more in total).',
		);
		expectNoNaN(out.map((item) => item.json));
	});

	it('analyses three arms with Holm-adjusted p-values, or Benjamini-Hochberg when chosen', async () => {
		const input = [
			{ arm: 'Control', visitors: 20000, conversions: 1000 },
			{ arm: 'Green button', visitors: 20100, conversions: 1130 },
			{ arm: 'Red button', visitors: 19900, conversions: 1010 },
		];
		const holmRun = await runWorkflow(singleNode('abTest', {}, input));
		const [control, green, red] = rows(holmRun.output('Node'));
		expect(control.decision).toBe('control');
		expect([green.adjustedPValue, red.adjustedPValue]).toEqual(holm([green.pValue, red.pValue]));
		expect(green.adjustedPValue).toBeGreaterThan(green.pValue);
		expect(green.significant).toBe(true);
		// Significant after Holm with every arm past 500 visitors: a winner. Red is not significant and
		// the arms are short of the Evan Miller sample for a 10% lift on a 5% baseline: keep running.
		expect(green.decision).toBe('winner');
		expect(red.significant).toBe(false);
		expect(red.decision).toBe('keepRunning');
		const required = Math.ceil(reference.sampleSize.find((c) => c.p === 0.05 && c.delta === 0.005)!.evanMiller);
		expect(red.requiredSampleSize).toBe(required); // 30,245
		expect(red.remainingSampleSize).toBe(3 * required - 60000);
		expect(green.summary).toMatch(/^Green button converts 12\.4% better than Control \(95% CI .*\), adjusted p = /);
		expect(green.chiSquarePValue).toBe(red.chiSquarePValue);

		const bh = await runWorkflow(
			singleNode('abTest', { options: { correction: 'benjaminiHochberg' }, minimumSample: 500 }, input),
		);
		const [, green2, red2] = rows(bh.output('Node'));
		expect([green2.adjustedPValue, red2.adjustedPValue]).toEqual(benjaminiHochberg([green2.pValue, red2.pValue]));
		expectNoNaN(bh.output('Node').map((item) => item.json));
	});

	it('declares a winner once significant, past the minimum sample and with a healthy split', async () => {
		const input = [
			{ arm: 'A', visitors: 40000, conversions: 2000 },
			{ arm: 'B', visitors: 40000, conversions: 2300 },
		];
		const result = await runWorkflow(singleNode('abTest', { minimumDetectableEffect: 10 }, input));
		const [, b] = rows(result.output('Node'));
		expect(b.decision).toBe('winner');
		expect(b.remainingSampleSize).toBe(0);
		expect(b.summary).toMatch(/^B converts 15\.0% better than A \(95% CI \d+\.\d% to \d+\.\d%\), p < 0\.001; over 99\.9% chance to beat A; winner\.$/);
	});

	it('maps other field names with expressions and analyses a continuous metric (GrowthBook revenue case)', async () => {
		const input = [
			{ variant: 'A', users: 3407, revenue: 0.41, revenueSd: 3.9 },
			{ variant: 'B', users: 3461, revenue: 0.7, revenueSd: 6.2 },
		];
		const parameters = {
			metricType: 'continuous',
			arm: '={{ $json.variant }}',
			visitors: '={{ $json.users }}',
			mean: '={{ $json.revenue }}',
			sd: '={{ $json.revenueSd }}',
			controlArm: 'A',
		};
		const result = await runWorkflow(singleNode('abTest', parameters, input));
		expect(result.error).toBeUndefined();
		const [a, b] = rows(result.output('Node'));
		expect(a).toMatchObject({ arm: 'A', decision: 'control', mean: 0.41, tStatistic: null });
		expect(b.relativeLift).toBeCloseTo(0.707317, 6);
		expect(Number((b.relativeCiLow as number).toFixed(5))).toBe(-0.03526);
		expect(Number((b.relativeCiHigh as number).toFixed(5))).toBe(1.44989);
		expect(Number(b.pValue.toFixed(5))).toBe(0.02016);
		expect(b).not.toHaveProperty('conversions');
		expect(b).not.toHaveProperty('rate');
		expect(b.summary).toMatch(/^B's mean is 70\.7% higher than A's \(difference \+0\.29, 95% CI 0\.0454 to 0\.535\), p = 0\.02;/);
	});

	it('refuses a standard deviation of 1e308 naming the item and the field, instead of NaN in the output', async () => {
		const input = [
			{ variant: 'A', users: 1000, revenue: 10, revenueSd: 5 },
			{ variant: 'B', users: 1000, revenue: 10, revenueSd: 1e308 },
		];
		const parameters = { metricType: 'continuous', arm: '={{ $json.variant }}', visitors: '={{ $json.users }}', mean: '={{ $json.revenue }}', sd: '={{ $json.revenueSd }}' };
		const result = await runWorkflow(singleNode('abTest', parameters, input));
		expect(result.error?.message).toBe('Item 1: Standard Deviation is 1e+308 for arm "B", beyond 1e15');
	});

	it('evaluates any other expression through n8n (nested fields, arithmetic)', async () => {
		const input = [
			{ name: 'A', stats: { sent: 1000, clicks: 60, bounced: 0 } },
			{ name: 'B', stats: { sent: 1010, clicks: 70, bounced: 10 } },
		];
		const parameters = {
			arm: '={{ $json.name }}',
			visitors: '={{ $json.stats.sent - $json.stats.bounced }}',
			conversions: '={{ $json.stats.clicks }}',
		};
		const result = await runWorkflow(singleNode('abTest', parameters, input));
		expect(result.error).toBeUndefined();
		expect(rows(result.output('Node')).map((r) => [r.arm, r.visitors, r.conversions])).toEqual([
			['A', 1000, 60],
			['B', 1000, 70],
		]);
	});

	it('accepts numbers as text, as spreadsheets deliver them', async () => {
		const input = [
			{ arm: 'A', visitors: '1000', conversions: ' 100 ' },
			{ arm: 'B', visitors: '1000', conversions: '125' },
		];
		const result = await runWorkflow(singleNode('abTest', {}, input));
		expect(result.error).toBeUndefined();
		expect(rows(result.output('Node'))[1].zScore).toBeCloseTo(reference.zTest[0].z, 12);
	});

	it.each([
		[[{ arm: 'A', visitors: 100, conversions: 5 }, { arm: 'B', visitors: 0, conversions: 0 }], 'Item 1: Visitors is 0 for arm "B"', /at least 1/],
		[[{ arm: 'A', visitors: 100, conversions: 5 }, { arm: 'B', visitors: 100, conversions: 120 }], 'Item 1: Conversions (120) is more than Visitors (100) for arm "B"', /Count each visitor once/],
		[[{ arm: 'A', visitors: -100, conversions: 5 }, { arm: 'B', visitors: 100, conversions: 12 }], 'Item 0: Visitors is -100 for arm "A"', /whole number/],
		[[{ arm: 'A', visitors: 100, conversions: 5 }, { arm: 'B', visitors: 100, conversions: -1 }], 'Item 1: Conversions is -1 for arm "B"', /0 or more/],
		[[{ arm: 'A', visitors: 100, conversions: 5 }, { arm: 'B', visitors: 100 }], 'Item 1: Conversions is missing', /Set "Conversions" to the field/],
		[[{ arm: 'A', visitors: 'lots', conversions: 5 }, { arm: 'B', visitors: 100, conversions: 7 }], 'Item 0: Visitors is "lots", not a number', /plain number/],
		[[{ visitors: 100, conversions: 5 }, { arm: 'B', visitors: 100, conversions: 7 }], 'Item 0: Arm is missing', /Arm Name/],
		[[{ arm: 'A', visitors: 100, conversions: 5 }], 'Item 0: only one arm ("A")', /at least one variant/],
		[[{ arm: 'A', visitors: 100, conversions: 5 }, { arm: 'A', visitors: 100, conversions: 7 }], 'Item 1: two arms are called "A"', /one item per arm/],
	])('stops with an error naming the item and the field: %#', async (input, message, fix) => {
		const result = await runWorkflow(singleNode('abTest', {}, input));
		expect(result.error?.message).toBe(message);
		expect(result.error?.description).toMatch(fix);
	});

	it('names the missing control arm and lists the arms there are', async () => {
		const input = [
			{ arm: 'A', visitors: 100, conversions: 5 },
			{ arm: 'B', visitors: 100, conversions: 7 },
		];
		const result = await runWorkflow(singleNode('abTest', { controlArm: 'Control' }, input));
		expect(result.error?.message).toBe('Item 0: no arm is called "Control" (the Control Arm setting)');
		expect(result.error?.description).toBe(
			'The arms are "A", "B". Set Control Arm to one of them, or leave it empty to use the first item.',
		);
	});

	it('with Continue On Fail, turns a bad experiment into error items and analyses the others', async () => {
		const input = [
			{ experiment: 'subject', arm: 'A', visitors: 1000, conversions: 100 },
			{ experiment: 'subject', arm: 'B', visitors: 1000, conversions: 1100 },
			{ experiment: 'cta', arm: 'A', visitors: 5000, conversions: 250 },
			{ experiment: 'cta', arm: 'B', visitors: 5000, conversions: 300 },
			{ experiment: 'subject', arm: 'C', visitors: 1000, conversions: 90 },
			{ experiment: 'lonely', arm: 'A', visitors: 10, conversions: 1 },
			{ experiment: 'typo', arm: 'A', visitors: 'n/a', conversions: 1 },
			{ experiment: 'typo', arm: 'B', visitors: 10, conversions: 1 },
		];
		const parameters = { options: { experiment: '={{ $json.experiment }}' } };
		const result = await runWorkflow(singleNode('abTest', parameters, input, { continueOnFail: true }));
		expect(result.error).toBeUndefined();
		const out = result.output('Node');
		expect(pairs(out)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
		const json = out.map((item) => item.json);
		expect(json[1].error).toBe('Item 1: Conversions (1100) is more than Visitors (1000) for arm "B"');
		expect(json[0].error).toBe('Item 0: not analysed, because item 1 of the same experiment has an error');
		expect(json[4].error).toBe('Item 4: not analysed, because item 1 of the same experiment has an error');
		expect(json[5].error).toBe('Item 5: only one arm ("A") in experiment "lonely"');
		expect(json[6]).toMatchObject({ error: 'Item 6: Visitors is "n/a", not a number', details: expect.stringMatching(/plain number/) });
		expect(json[7].error).toBe('Item 7: not analysed, because item 6 of the same experiment has an error');
		expect(json[2]).toMatchObject({ experiment: 'cta', arm: 'A', decision: 'control' });
		expect(json[3]).toMatchObject({ experiment: 'cta', arm: 'B', control: 'A' });
		expectNoNaN(json);
	});

	it('never puts NaN in the output, even at the edges (no conversions, all converted, tiny arms)', async () => {
		const input = [
			{ arm: 'A', visitors: 1, conversions: 0 },
			{ arm: 'B', visitors: 1, conversions: 1 },
			{ arm: 'C', visitors: 3, conversions: 0 },
			{ arm: 'D', visitors: 2, conversions: 2 },
		];
		const result = await runWorkflow(singleNode('abTest', {}, input));
		expect(result.error).toBeUndefined();
		const out = rows(result.output('Node'));
		expectNoNaN(out);
		expect(out[1].relativeLift).toBeNull(); // relative to a 0% control is undefined
		expect(out[1].summary).toMatch(/^B converts at 100\.0% vs 0\.0% for A \(difference 95% CI/);
		expect(out[1].decision).toBe('keepRunning');
		expect(out[1].remainingSampleSize).toBeNull();
	});

	it('stops on a setting out of range, naming it', async () => {
		const input = [
			{ arm: 'A', visitors: 100, conversions: 5 },
			{ arm: 'B', visitors: 100, conversions: 7 },
		];
		const result = await runWorkflow(singleNode('abTest', { confidenceLevel: '={{ 120 }}' }, input));
		expect(result.error?.message).toBe('Setting out of range: Confidence Level is 120%');
		expect(result.error?.description).toMatch(/usually 95/);
	});

	it('Sample Size: Evan Miller\'s 20% baseline, 5 points, 95% / 80% example, and the days it takes', async () => {
		const parameters = {
			operation: 'sampleSize',
			baselineRate: 20,
			minimumDetectableEffect: 5,
			effectType: 'absolute',
			dailyVisitors: 300,
		};
		const result = await runWorkflow(singleNode('abTest', parameters, [{ scenario: 'homepage' }]));
		expect(result.error).toBeUndefined();
		const [plan] = result.output('Node');
		expect(plan.pairedItem).toEqual({ item: 0 });
		expect(plan.json).toMatchObject({
			scenario: 'homepage',
			baselineRate: 0.2,
			targetRate: 0.25,
			sampleSizePerArm: 1031, // 1030.2 rounded up; Evan Miller's page shows it rounded to 1,030
			pooledSampleSizePerArm: 1094,
			totalSampleSize: 2062,
			days: 7,
		});
		expect(plan.json.summary).toBe(
			'You need 1,031 visitors per arm (2,062 in total) to detect a change from 20% to 25% with 95% confidence and 80% power: about 7 days at 300 visitors a day.',
		);
	});

	it('Sample Size: a baseline plus effect past 100% is an error naming the setting', async () => {
		const parameters = { operation: 'sampleSize', baselineRate: 95, minimumDetectableEffect: 10, effectType: 'absolute' };
		const result = await runWorkflow(singleNode('abTest', parameters, [{}]));
		expect(result.error?.message).toBe(
			'Item 0: a 95% baseline plus a 10% effect reaches 105% (the Minimum Detectable Effect setting)',
		);
	});
});
