import reference from '../reference/ab-test-reference.json';
import { connect, deploy, PREFIX, respond, webhook } from './n8n';

/** scipy's values (test/reference/ab_test_reference.py) for control 100/1000 and variant 125/1000. */
const zTest = reference.zTest.find((c) => c.cA === 100 && c.nA === 1000 && c.cB === 125 && c.nB === 1000)!;
const bayes = reference.bayes.find((c) => c.cA === 100 && c.nA === 1000 && c.cB === 125 && c.nB === 1000)!;
const chiSquare = reference.independence.find((c) => c.visitors.join() === '1000,1000,990')!;

describe('A/B Test in a real n8n', () => {
	it('analyses a 3-arm experiment posted to a webhook: every number as scipy computes it', async () => {
		const path = `ab-test-${Date.now()}`;
		const workflow = await deploy({
			name: 'e2e: A/B Test',
			nodes: [
				webhook(path),
				{ name: 'Arms', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'body.arms', options: {} } },
				{ name: 'A/B Test', type: `${PREFIX}.abTest`, typeVersion: 1, parameters: {} },
				respond(),
			],
			connections: connect(['Webhook', 'Arms'], ['Arms', 'A/B Test'], ['A/B Test', 'Respond']),
		});
		try {
			const arms = [
				{ arm: 'A', visitors: 1000, conversions: 100 },
				{ arm: 'B', visitors: 1000, conversions: 125 },
				{ arm: 'C', visitors: 990, conversions: 98 },
			];
			const { status, body } = await workflow.post(path, { arms });
			expect(status).toBe(200);
			const rows = body as Array<Record<string, unknown>>;
			expect(rows.map((r) => [r.arm, r.decision])).toEqual([
				['A', 'control'],
				['B', expect.any(String)],
				['C', expect.any(String)],
			]);
			const [, b, c] = rows;
			expect(b.control).toBe('A');
			expect(b.rate).toBeCloseTo(0.125, 12);
			expect(b.controlRate).toBeCloseTo(0.1, 12);
			expect(Math.abs((b.zScore as number) - zTest.z)).toBeLessThan(1e-6);
			expect(Math.abs((b.pValue as number) - zTest.p)).toBeLessThan(1e-6);
			expect(Math.abs((b.ciLow as number) - zTest.ciLow)).toBeLessThan(1e-6);
			expect(Math.abs((b.ciHigh as number) - zTest.ciHigh)).toBeLessThan(1e-6);
			expect(Math.abs((b.probabilityToBeatControl as number) - bayes.probability)).toBeLessThan(1e-6);
			expect(Math.abs((b.chiSquarePValue as number) - chiSquare.p)).toBeLessThan(1e-6);
			// Holm over two variants: the smaller p doubles, the larger keeps its own (it is larger still).
			expect(Math.abs((b.adjustedPValue as number) - 2 * zTest.p)).toBeLessThan(1e-6);
			expect(c.adjustedPValue).toBeCloseTo(c.pValue as number, 12);
			// p = 0.077 after adjustment is not significant: with 1,000 per arm the test keeps running.
			expect(b.significant).toBe(false);
			expect(b.decision).toBe('keepRunning');
			// The relative interval is reference.relative[0] (−5.99% to 55.99%), rounded for reading.
			expect(b.summary).toBe(
				'B converts 25.0% better than A (95% CI -6.0% to 56.0%), adjusted p = 0.15; 96.1% chance to beat A; keep running until every arm has 14,313 visitors (about 39,949 more in total).',
			);
			expect(JSON.stringify(rows)).not.toMatch(/NaN|Infinity/);
		} finally {
			await workflow.stop();
		}
	});
});
