/**
 * Exact Bayesian chance to win and expected loss, against numerical integration of the Beta
 * densities (scipy quad, cross-checked with mpmath; test/reference/ab_test_reference.py) and
 * against Evan Miller's sum evaluated term by term with betaln.
 */
import betaln from '@stdlib/math-base-special-betaln';

import { betaBinomialComparison, normalComparison, probabilityGreater } from '../../nodes/AbTest/engine/bayes';
import { normalCdf } from '../../nodes/AbTest/engine/dist';
import reference from '../reference/ab-test-reference.json';

function near(actual: number, expected: number, tolerance = 1e-9) {
	if (!(Math.abs(actual - expected) <= tolerance)) {
		throw new Error(`expected ${expected}, got ${actual} (off by ${Math.abs(actual - expected)})`);
	}
}

/** Evan Miller's formula as published: every term from betaln, summed in order. */
function naive(alphaA: number, betaA: number, alphaB: number, betaB: number): number {
	let total = 0;
	for (let i = 0; i < alphaB; i++) {
		total += Math.exp(
			betaln(alphaA + i, betaA + betaB) - Math.log(betaB + i) - betaln(1 + i, betaB) - betaln(alphaA, betaA),
		);
	}
	return total;
}

describe('exact Beta-binomial P(B > A) and expected loss', () => {
	it.each(reference.bayes.map((c) => [`${c.cA}/${c.nA} vs ${c.cB}/${c.nB}`, c] as const))(
		'%s matches numerical integration to 1e-9',
		(_, c) => {
			const r = betaBinomialComparison(c.cA, c.nA, c.cB, c.nB);
			near(r.probabilityBHigher, c.probability);
			near(r.lossChoosingB, c.lossChoosingB);
			near(r.lossChoosingA, c.lossChoosingA);
		},
	);

	it("agrees with Evan Miller's sum taken term by term, whichever of the four forms is used", () => {
		let seed = 7;
		const next = (n: number) => {
			seed = (seed * 1103515245 + 12345) % 2147483648;
			return Math.floor((seed / 2147483648) * n);
		};
		for (let k = 0; k < 300; k++) {
			const nA = 1 + next(400);
			const nB = 1 + next(400);
			const cA = next(nA + 1);
			const cB = next(nB + 1);
			const [aA, bA, aB, bB] = [1 + cA, 1 + nA - cA, 1 + cB, 1 + nB - cB];
			const p = probabilityGreater(aB, bB, aA, bA);
			near(p, naive(aA, bA, aB, bB), 1e-11);
			near(p + probabilityGreater(aA, bA, aB, bB), 1, 1e-12);
		}
	});

	it('identical arms are a coin flip with equal losses', () => {
		const r = betaBinomialComparison(200, 1000, 200, 1000);
		near(r.probabilityBHigher, 0.5, 1e-12);
		near(r.lossChoosingA, r.lossChoosingB, 1e-15);
	});

	it('loss(B) − loss(A) is the difference of the posterior means', () => {
		const r = betaBinomialComparison(37, 410, 52, 395);
		near(r.lossChoosingB - r.lossChoosingA, 38 / 412 - 53 / 397, 1e-14);
	});

	it('handles a million visitors per arm quickly and agrees with the normal approximation', () => {
		const start = process.hrtime.bigint();
		const r = betaBinomialComparison(50_000, 1_000_000, 50_600, 1_000_000);
		const ms = Number(process.hrtime.bigint() - start) / 1e6;
		expect(ms).toBeLessThan(50);
		const [mA, mB] = [50_001 / 1_000_002, 50_601 / 1_000_002];
		const sd = Math.sqrt((mA * (1 - mA)) / 1_000_003 + (mB * (1 - mB)) / 1_000_003);
		near(r.probabilityBHigher, normalCdf((mB - mA) / sd), 1e-3);
		expect(r.probabilityBHigher).toBeGreaterThan(0.97);
		expect(r.probabilityBHigher).toBeLessThan(1);
	});

	it('is exactly 0 or 1 (never NaN) at the extremes', () => {
		const r = betaBinomialComparison(0, 100_000, 100_000, 100_000);
		expect(r.probabilityBHigher).toBe(1);
		expect(Number.isFinite(r.lossChoosingB)).toBe(true);
		expect(r.lossChoosingB).toBeLessThan(1e-12);
	});
});

describe('chances far below 1e-10 keep their digits (Evan Miller\'s sum at 50 digits)', () => {
	const relativelyNear = (actual: number, expected: number) => {
		if (!(Math.abs(actual - expected) <= 1e-11 * expected)) throw new Error(`expected ${expected}, got ${actual}`);
	};

	it.each(reference.bayesTails.map((c) => [`${c.cA}/${c.nA} vs ${c.cB}/${c.nB}`, c] as const))('%s', (_, c) => {
		const r = betaBinomialComparison(c.cA, c.nA, c.cB, c.nB);
		relativelyNear(Math.min(r.probabilityBHigher, r.probabilityAHigher), Math.min(c.probabilityBHigher, c.probabilityAHigher));
		near(r.probabilityBHigher, c.probabilityBHigher, 1e-15);
		near(r.probabilityAHigher, c.probabilityAHigher, 1e-15);
	});

	it('for continuous metrics too: P(A > B) is Φ(−d/s), not 1 − Φ(d/s)', () => {
		const r = normalComparison(1, 0.1);
		expect(r.probabilityAHigher).toBeGreaterThan(0);
		relativelyNear(r.probabilityAHigher, normalCdf(-10));
	});
});

describe('normal approximation for continuous metrics', () => {
	it.each(reference.normalBayes.map((c) => [`d ${c.difference}, se ${c.se}`, c] as const))('%s matches scipy.stats.norm', (_, c) => {
		const r = normalComparison(c.difference, c.se);
		near(r.probabilityBHigher, c.probability, 1e-12);
		near(r.lossChoosingB, c.lossChoosingB, 1e-12);
		near(r.lossChoosingA, c.lossChoosingA, 1e-12);
	});

	it('with no uncertainty, is certain', () => {
		expect(normalComparison(0.3, 0)).toEqual({ probabilityBHigher: 1, probabilityAHigher: 0, lossChoosingB: 0, lossChoosingA: 0.3 });
		expect(normalComparison(0, 0).probabilityBHigher).toBe(0.5);
	});
});
