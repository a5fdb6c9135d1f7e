/**
 * The attribution engine against hand-worked examples (the arithmetic is in the comments) and
 * against an independent Python implementation (test/reference/attribution_reference.py: numpy's
 * linear solve for Markov, brute force over every ordering for Shapley) → attribution-reference.json.
 */
import { journeySplit, runModel, totals } from '../../nodes/Attribution/engine/attribute';
import { buildJourneys, journeysFromList, type JourneyInput } from '../../nodes/Attribution/engine/journeys';
import { absorption, markovCredits, removalEffects, transitionCounts } from '../../nodes/Attribution/engine/markov';
import { ruleCredits, touchShares } from '../../nodes/Attribution/engine/rules';
import {
	conversionRateShapley,
	shapleyValues,
	shapleyWeights,
	simplifiedShapley,
	simplifiedShapleyClosedForm,
	zeta,
} from '../../nodes/Attribution/engine/shapley';
import { spendAmount, spendMetrics, spendTableRows } from '../../nodes/Attribution/engine/spend';
import {
	DEFAULT_SETTINGS,
	EVENT_FATE,
	MODELS,
	RULE_MODELS,
	type Credit,
	type EventTable,
	type Journeys,
	type Model,
	type ModelSettings,
} from '../../nodes/Attribution/engine/types';
import { DAY_MS, toMillis } from '../../nodes/shared/timestamps';
import reference from '../reference/attribution-reference.json';

type RefJourney = { touches: Array<[number, number, boolean]>; converted: boolean; value: number; conversionTime: number | null };
type RefCase = (typeof reference.cases)[number] & { journeys: RefJourney[] };

function near(actual: number, expected: number, tolerance = 1e-9) {
	if (!(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)))) {
		throw new Error(`expected ${expected}, got ${actual} (off by ${Math.abs(actual - expected)})`);
	}
}

function nearAll(actual: ArrayLike<number>, expected: number[], tolerance = 1e-9) {
	expect(actual.length).toBe(expected.length);
	expected.forEach((e, i) => near(actual[i], e, tolerance));
}

/** Journeys from a reference case (touches: [group, time, direct]). */
function refJourneys(c: RefCase): Journeys {
	const list: JourneyInput[] = c.journeys.map((j) => ({
		touches: j.touches.map(([group, time, direct]) => ({ group, time, direct })),
		converted: j.converted,
		value: j.value,
		conversionTime: j.conversionTime ?? undefined,
	}));
	return journeysFromList(list, c.groups);
}

const refSettings = (c: RefCase): ModelSettings => ({
	...DEFAULT_SETTINGS,
	positionFirst: c.settings.positionFirst,
	positionLast: c.settings.positionLast,
	halfLifeMs: c.settings.halfLifeDays * DAY_MS,
});

/** Journeys written by hand: "A>B" converting with a value, "A" not. Touch i is at day i. */
function journeys(groups: string[], paths: Array<[path: string, value: number | null]>, direct: string[] = []): Journeys {
	return journeysFromList(
		paths.map(([path, value]) => ({
			touches: path.split('>').map((name, i) => ({ group: groups.indexOf(name), time: i * DAY_MS, direct: direct.includes(name) })),
			converted: value !== null,
			value: value ?? 0,
		})),
		groups,
	);
}

function sum(xs: ArrayLike<number>): number {
	let s = 0;
	for (let i = 0; i < xs.length; i++) s += xs[i];
	return s;
}

describe('rule-based models, worked by hand', () => {
	// A > B > C > D converts for 100. Touch k at day k, the conversion at day 3.
	const abcd = journeys(['A', 'B', 'C', 'D'], [['A>B>C>D', 100]]);

	it('first, last, linear and position-based split one journey as defined', () => {
		// First touch: A 100%. Last touch: D 100%. Linear: 1/4 each.
		expect(Array.from(ruleCredits('firstTouch', abcd, DEFAULT_SETTINGS).conversions)).toEqual([1, 0, 0, 0]);
		expect(Array.from(ruleCredits('lastTouch', abcd, DEFAULT_SETTINGS).conversions)).toEqual([0, 0, 0, 1]);
		nearAll(ruleCredits('linear', abcd, DEFAULT_SETTINGS).conversions, [0.25, 0.25, 0.25, 0.25]);
		// Position-based 40/20/40: A 0.4, B and C share 0.2 → 0.1 each, D 0.4; value × 100.
		const position = ruleCredits('positionBased', abcd, DEFAULT_SETTINGS);
		nearAll(position.conversions, [0.4, 0.1, 0.1, 0.4]);
		nearAll(position.value, [40, 10, 10, 40]);
	});

	it('position-based with one touch gives 100%, with two 50/50, and custom weights split first : last', () => {
		const one = journeys(['A'], [['A', 10]]);
		nearAll(ruleCredits('positionBased', one, DEFAULT_SETTINGS).conversions, [1]);
		const two = journeys(['A', 'B'], [['A>B', 10]]);
		nearAll(ruleCredits('positionBased', two, DEFAULT_SETTINGS).conversions, [0.5, 0.5]);
		// 30% first, 50% last: two touches → 30/80 and 50/80; three → 0.3, 0.2, 0.5.
		const custom = { ...DEFAULT_SETTINGS, positionFirst: 0.3, positionLast: 0.5 };
		nearAll(ruleCredits('positionBased', two, custom).conversions, [0.375, 0.625]);
		nearAll(ruleCredits('positionBased', journeys(['A', 'B', 'C'], [['A>B>C', 1]]), custom).conversions, [0.3, 0.2, 0.5]);
	});

	it('time decay halves the weight every half-life before the conversion', () => {
		// Touches at days 0, 7, 14 (half-life 7 days), conversion at day 14: weights 1/4, 1/2, 1 → /1.75.
		const j = journeysFromList(
			[{ touches: [0, 7, 14].map((d, g) => ({ group: g, time: d * DAY_MS })), converted: true, value: 70, conversionTime: 14 * DAY_MS }],
			['A', 'B', 'C'],
		);
		const credit = ruleCredits('timeDecay', j, DEFAULT_SETTINGS);
		nearAll(credit.conversions, [0.25 / 1.75, 0.5 / 1.75, 1 / 1.75]);
		nearAll(credit.value, [10, 20, 40]);
		// Touches years apart do not underflow to 0/0.
		const old = journeysFromList([{ touches: [{ group: 0, time: 0 }, { group: 1, time: 3650 * DAY_MS }], converted: true, value: 1 }], ['A', 'B']);
		const decay = ruleCredits('timeDecay', old, { ...DEFAULT_SETTINGS, halfLifeMs: DAY_MS });
		expect(sum(decay.conversions)).toBe(1);
		expect(decay.conversions[1]).toBe(1);
	});

	it('last non-direct skips Direct touches, unless every touch is Direct', () => {
		const j = journeys(['Email', 'Direct'], [['Email>Direct>Direct', 50], ['Direct>Direct', 20]], ['Direct']);
		// Journey 1: Email (the last non-direct); journey 2: all Direct, so its last touch, Direct.
		const credit = ruleCredits('lastNonDirect', j, DEFAULT_SETTINGS);
		expect(Array.from(credit.conversions)).toEqual([1, 1]);
		expect(Array.from(credit.value)).toEqual([50, 20]);
		expect(Array.from(ruleCredits('lastTouch', j, DEFAULT_SETTINGS).conversions)).toEqual([0, 2]);
	});

	it('ignores non-converting journeys; every model credits exactly the totals', () => {
		const j = journeys(['A', 'B', 'C'], [['A>B', 30], ['C', null], ['B>B>C', 12.5]]);
		for (const model of RULE_MODELS) {
			const credit = ruleCredits(model, j, DEFAULT_SETTINGS);
			near(sum(credit.conversions), 2);
			near(sum(credit.value), 42.5);
		}
	});
});

describe('Markov removal effect, worked by hand', () => {
	// Journeys: A > B → conversion; A → null; B → conversion.
	// start → A 2/3, start → B 1/3; A → B 1/2, A → null 1/2; B → conversion 1.
	// P = 2/3 · 1/2 + 1/3 · 1 = 2/3.
	// Without A: start → A goes to null, P = 1/3 → RE_A = 1 − (1/3)/(2/3) = 1/2.
	// Without B: A → B and start → B go to null, P = 0 → RE_B = 1.
	// Σ RE = 3/2 → A gets 2 × (1/2)/(3/2) = 2/3 conversion, B 4/3.
	const j = journeys(['A', 'B'], [['A>B', 90], ['A', null], ['B', 30]]);

	it('solves the absorbing chain exactly', () => {
		const result = markovCredits(j);
		near(result.conversionProbability, 2 / 3, 1e-15);
		nearAll(result.conversionProbabilityWithout, [1 / 3, 0], 1e-15);
		nearAll(result.removalEffects, [0.5, 1], 1e-15);
		nearAll(result.conversions, [2 / 3, 4 / 3], 1e-15);
		// Value 120 in the same shares: 40 and 80.
		nearAll(result.value, [40, 80], 1e-13);
	});

	it('counts transitions start → channels → conversion / null from every journey', () => {
		// Rows: start, A, B; columns: start, A, B, conversion, null.
		expect(Array.from(transitionCounts(j))).toEqual([0, 2, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 2, 0]);
		nearAll(absorption(transitionCounts(j), 2), [2 / 3, 1 / 2, 1], 1e-15);
	});

	it('repeats of a channel (self-loops) leave the result unchanged', () => {
		const repeated = journeys(['A', 'B'], [['A>A>B', 90], ['A>A>A', null], ['B>B', 30]]);
		nearAll(markovCredits(repeated).conversions, [2 / 3, 4 / 3], 1e-12);
	});

	it('gives the same removal effects by one solve per channel and by the inverse', () => {
		for (const c of reference.cases as RefCase[]) {
			const counts = transitionCounts(refJourneys(c));
			const bySolve = removalEffects(counts, c.groups.length, 'solve');
			const byInverse = removalEffects(counts, c.groups.length, 'inverse');
			nearAll(byInverse.effects, Array.from(bySolve.effects), 1e-10);
			nearAll(byInverse.without, Array.from(bySolve.without), 1e-10);
		}
	});
});

describe('the reference case "hand", worked by hand with fractions', () => {
	// Journeys (D = Direct): A > B → conv 100; A → null; B → conv 50; C > A > B → conv 30;
	// D > C → conv 20; D > D → null.
	const c = (reference.cases as RefCase[]).find((x) => x.name === 'hand')!;
	const js = refJourneys(c);

	it('Markov: x_B = 1, x_A = 2/3, x_C = 5/6, x_D = 5/12, P = 2/3; removal effects 1/2, 3/4, 5/12, 5/24', () => {
		// Counts: start → A 2, B 1, C 1, D 2 (of 6); A → B 2, null 1; B → conv 3; C → A 1, conv 1;
		// D → C 1, D 1, null 1.
		// x_A = 2/3 x_B; x_C = 1/2 x_A + 1/2; x_D = 1/3 x_C + 1/3 x_D → x_D = x_C / 2.
		// P = (2 x_A + x_B + x_C + 2 x_D) / 6 = (4/3 + 1 + 5/6 + 5/6) / 6 = 2/3.
		// Without A (x_A = 0): x_C = 1/2, x_D = 1/4, P = (1 + 1/2 + 1/2)/6 = 1/3 → RE 1/2.
		// Without B (x_B = x_A = 0): x_C = 1/2, x_D = 1/4, P = (1/2 + 1/2)/6 = 1/6 → RE 3/4.
		// Without C (x_C = 0 = x_D): P = (4/3 + 1)/6 = 7/18 → RE 5/12.
		// Without D (x_D = 0): P = (4/3 + 1 + 5/6)/6 = 19/36 → RE 5/24.
		// Σ RE = 45/24: 4 conversions → A 48/45, B 72/45, C 40/45, D 20/45; value 200 in the same shares.
		const m = markovCredits(js);
		near(m.conversionProbability, 2 / 3, 1e-15);
		nearAll(m.conversionProbabilityWithout, [1 / 3, 1 / 6, 7 / 18, 19 / 36], 1e-15);
		nearAll(m.removalEffects, [1 / 2, 3 / 4, 5 / 12, 5 / 24], 1e-14);
		nearAll(m.conversions, [48 / 45, 72 / 45, 40 / 45, 20 / 45], 1e-14);
		nearAll(m.value, [(200 * 12) / 45, (200 * 18) / 45, (200 * 10) / 45, (200 * 5) / 45], 1e-13);
	});

	it('linear, position-based and Shapley by hand', () => {
		// Linear: A ½ + ⅓, B ½ + 1 + ⅓, C ⅓ + ½, D ½.
		nearAll(runModel('linear', js, DEFAULT_SETTINGS).credit.conversions, [5 / 6, 11 / 6, 5 / 6, 1 / 2]);
		// Position-based 40/20/40: A .5 + .2, B .5 + 1 + .4, C .4 + .5, D .5.
		nearAll(runModel('positionBased', js, DEFAULT_SETTINGS).credit.conversions, [0.7, 1.9, 0.9, 0.5]);
		// Simplified Shapley: converting sets {A,B}, {B}, {A,B,C}, {C,D}: 1/|T| each → the linear split here.
		nearAll(simplifiedShapley(js).conversions, [5 / 6, 11 / 6, 5 / 6, 1 / 2]);
	});

	it('conversion-rate Shapley by hand: C gets negative value credit', () => {
		// Rates by exact set: {A,B} 1, {A} 0, {B} 1, {A,B,C} 1, {C,D} 1, {D} 0, others 0.
		// T = {A,B}: φ_A = ½·0 + ½(1 − 1) = 0, φ_B = 1. T = {B}: φ_B = 1.
		// T = {A,B,C} (weights 1/3, 1/6, 1/3): φ_A = ⅓·(v(ABC) − v(BC)) = ⅓;
		//   φ_B = ⅓·v(B) + ⅙·(v(AB) − v(A)) + ⅓·(v(ABC) − v(AC)) = 5/6; φ_C = ⅙·(v(BC) − v(B)) = −⅙.
		// T = {C,D}: ½ each. Totals: A ⅓, B 2 + 5/6, C −⅙ + ½ = ⅓, D ½.
		const credit = conversionRateShapley(js);
		nearAll(credit.conversions, [1 / 3, 17 / 6, 1 / 3, 1 / 2]);
		// Value per journey: {B} 50, {A,B} 100, {A,B,C} 30, {C,D} 20. In T = {A,B,C}:
		// φ_C = ⅙(0 − 50) + ⅓(30 − 100) = −31⅔; with ½ · 20 from {C,D}: C = −21⅔.
		near(credit.value[2], -65 / 3);
	});
});

describe('Shapley, worked by hand', () => {
	// Converting journeys {A, B} and {B}; A alone did not convert.
	const j = journeys(['A', 'B'], [['A>B', 100], ['A', null], ['B', 50]]);

	it('simplified game: v(A) = 0, v(B) = 1, v(AB) = 2 → φ_A = ½(0) + ½(2 − 1) = 0.5, φ_B = ½(1) + ½(2 − 0) = 1.5', () => {
		const credit = simplifiedShapley(j, 'table');
		nearAll(credit.conversions, [0.5, 1.5], 1e-15);
		// Value game: v(B) = 50, v(AB) = 150 → φ_A = ½(0) + ½(100) = 50, φ_B = ½(50) + ½(150) = 100.
		nearAll(credit.value, [50, 100], 1e-13);
	});

	it('conversion-rate game: per converting coalition, Shapley of the rate × its journeys', () => {
		// Rates: {A,B} 1/1, {A} 0/1, {B} 1/1. T = {A,B}: v(A) = 0, v(B) = 1, v(AB) = 1 →
		// φ_A = ½(0) + ½(1 − 1) = 0, φ_B = ½(1) + ½(1 − 0) = 1; × 1 journey. T = {B}: φ_B = 1 × 1 journey.
		const credit = conversionRateShapley(j);
		nearAll(credit.conversions, [0, 2], 1e-15);
		// Value per journey: {A,B} 100, {B} 50 → T = {A,B}: φ_A = ½(0) + ½(100 − 50) = 25, φ_B = ½(50) + ½(100) = 75; T = {B}: 50.
		nearAll(credit.value, [25, 125], 1e-13);
	});

	it('weights s!(n − s − 1)!/n! and the zeta transform', () => {
		// n = 3: 1/3, 1/6, 1/3.
		nearAll(shapleyWeights(3), [1 / 3, 1 / 6, 1 / 3], 1e-15);
		// Own amounts c({A}) = 1, c({B}) = 2, c({A,B}) = 4 → v = [0, 1, 2, 7].
		expect(Array.from(zeta(Float64Array.from([0, 1, 2, 4]), 2))).toEqual([0, 1, 2, 7]);
		// Glove game v(AB) = 1 only: ½ each.
		nearAll(shapleyValues(Float64Array.from([0, 0, 0, 1]), 2), [0.5, 0.5], 1e-15);
	});

	it('the coalition table and the closed form (1/|T| per distinct channel) agree', () => {
		for (const c of reference.cases as RefCase[]) {
			const js = refJourneys(c);
			const table = simplifiedShapley(js, 'table');
			const closed = simplifiedShapleyClosedForm(js);
			nearAll(table.conversions, Array.from(closed.conversions), 1e-10);
			nearAll(table.value, Array.from(closed.value), 1e-10);
		}
	});

	it('the conversion-rate game can give negative credit, and still adds up to the total', () => {
		const c = (reference.cases as RefCase[]).find((x) => x.name === 'negativeRate')!;
		const credit = conversionRateShapley(refJourneys(c));
		expect(credit.conversions[1]).toBeLessThan(0);
		nearAll(credit.conversions, c.expected.shapleyConversionRate.conversions);
		near(sum(credit.conversions), 10);
	});
});

describe('many groups (one per campaign)', () => {
	// 70 campaigns, journeys of 1–4 touches: past the coalition table (20 players), past numeric
	// coalition keys (30) and past one solve per removal (64).
	const groups = Array.from({ length: 70 }, (_, g) => `campaign-${g}`);
	let seed = 7;
	const next = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
	const list: JourneyInput[] = Array.from({ length: 3000 }, () => {
		const n = 1 + Math.floor(next() * 4);
		return {
			touches: Array.from({ length: n }, (_, k) => ({ group: Math.floor(next() * 70), time: k * DAY_MS })),
			converted: next() < 0.4,
			value: Math.round(next() * 100),
		};
	});
	const js = journeysFromList(list, groups);
	const total = totals(js);

	/** Brute force over orderings (itertools.permutations, as the Python reference does). */
	function permutations<T>(xs: T[]): T[][] {
		if (xs.length <= 1) return [xs];
		return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
	}

	it('Markov: the inverse (used past 64 groups) equals one solve per removal', () => {
		const counts = transitionCounts(js);
		const byInverse = removalEffects(counts, 70, 'auto');
		const bySolve = removalEffects(counts, 70, 'solve');
		nearAll(byInverse.effects, Array.from(bySolve.effects), 1e-10);
		near(sum(markovCredits(js).conversions), total.conversions);
	});

	it('simplified Shapley uses the closed form and adds up', () => {
		const credit = simplifiedShapley(js);
		nearAll(credit.conversions, Array.from(simplifiedShapleyClosedForm(js).conversions), 0);
		near(sum(credit.conversions), total.conversions);
		near(sum(credit.value), total.value);
	});

	it('conversion-rate Shapley with text coalition keys equals brute force per coalition', () => {
		const stats = new Map<string, { members: number[]; n: number; c: number }>();
		for (let j = 0; j < js.count; j++) {
			const members = [...new Set(js.touchGroup.subarray(js.start[j], js.start[j + 1]))].sort((a, b) => a - b);
			const key = members.join(',');
			const s = stats.get(key) ?? { members, n: 0, c: 0 };
			s.n++;
			s.c += js.converted[j];
			stats.set(key, s);
		}
		const rate = (members: number[]) => {
			const s = stats.get([...members].sort((a, b) => a - b).join(','));
			return s ? s.c / s.n : 0;
		};
		const expected = new Array<number>(70).fill(0);
		for (const { members, n, c } of stats.values()) {
			if (c === 0) continue;
			const orders = permutations(members);
			for (const order of orders) {
				const before: number[] = [];
				for (const g of order) {
					expected[g] += ((rate([...before, g]) - (before.length ? rate(before) : 0)) * n) / orders.length;
					before.push(g);
				}
			}
		}
		const credit = conversionRateShapley(js);
		nearAll(credit.conversions, expected, 1e-9);
		near(sum(credit.conversions), total.conversions);
	});
});

describe('every model against the independent Python reference', () => {
	const cases = reference.cases as RefCase[];
	const expectedFor = (c: RefCase, model: Model, game: ModelSettings['shapleyGame']) =>
		model === 'shapley' && game === 'conversionRate'
			? c.expected.shapleyConversionRate
			: (c.expected as unknown as Record<string, { conversions: number[]; value: number[] }>)[model];

	for (const c of cases) {
		describe(`case "${c.name}" (${c.groups.length} channels, ${c.journeys.length} journeys)`, () => {
			const js = refJourneys(c);
			const settings = refSettings(c);
			const total = totals(js);
			it.each(MODELS.map((m) => [m]))('%s', (model) => {
				const credit: Credit = runModel(model, js, settings).credit;
				const expected = expectedFor(c, model, 'simplified');
				nearAll(credit.conversions, expected.conversions);
				nearAll(credit.value, expected.value);
				near(sum(credit.conversions), total.conversions);
				near(sum(credit.value), total.value);
			});
			it('shapley, conversion-rate game', () => {
				const credit = runModel('shapley', js, { ...settings, shapleyGame: 'conversionRate' }).credit;
				const expected = expectedFor(c, 'shapley', 'conversionRate');
				nearAll(credit.conversions, expected.conversions);
				nearAll(credit.value, expected.value);
				near(sum(credit.conversions), total.conversions);
			});
			it('markov: P, P without each channel and removal effects', () => {
				const result = markovCredits(js);
				near(result.conversionProbability, c.expected.markov.conversionProbability);
				nearAll(result.conversionProbabilityWithout, c.expected.markov.without);
				nearAll(result.removalEffects, c.expected.markov.removalEffects);
			});
		});
	}
});

describe('journeys from events', () => {
	const c = (reference.cases as RefCase[]).find((x) => x.name === 'events') as RefCase & {
		events: Array<{ userId: string; timestamp: number; eventType: string; channel: string | null; value: number | null }>;
		touchesOutsideWindow: number;
		conversionsWithoutTouches: number;
	};

	function table(): EventTable {
		const users: string[] = [];
		const n = c.events.length;
		const t: EventTable = {
			length: n,
			user: new Int32Array(n),
			userCount: 0,
			time: new Float64Array(n),
			conversion: new Uint8Array(n),
			group: new Int32Array(n),
			direct: new Uint8Array(n),
			value: new Float64Array(n),
			item: Int32Array.from({ length: n }, (_, i) => i),
			groups: c.groups,
		};
		c.events.forEach((e, i) => {
			if (!users.includes(e.userId)) users.push(e.userId);
			t.user[i] = users.indexOf(e.userId);
			t.time[i] = e.timestamp;
			const conversion = e.eventType === 'purchase' || e.eventType === 'conversion';
			t.conversion[i] = conversion ? 1 : 0;
			t.value[i] = e.value ?? 0;
			if (!conversion) {
				t.group[i] = c.groups.indexOf(e.channel!);
				t.direct[i] = e.channel === 'Direct' ? 1 : 0;
			}
		});
		t.userCount = users.length;
		return t;
	}

	it('builds the journeys the definition gives: window, several conversions, ties, non-converting tails', () => {
		const built = buildJourneys(table(), { lookbackMs: 30 * DAY_MS });
		const got = Array.from({ length: built.journeys.count }, (_, j) => ({
			touches: Array.from(built.journeys.touchGroup.subarray(built.journeys.start[j], built.journeys.start[j + 1])),
			converted: built.journeys.converted[j] === 1,
			value: built.journeys.value[j],
		}));
		expect(got).toEqual(c.journeys.map((j) => ({ touches: j.touches.map((t) => t[0]), converted: j.converted, value: j.value })));
		expect(built.stats.touchesOutsideWindow).toBe(c.touchesOutsideWindow);
		expect(built.stats.conversionsWithoutTouches).toBe(c.conversionsWithoutTouches);
		expect(built.stats.valueWithoutTouches).toBe(15);
		// Every event has exactly one fate, and the fates account for all of them.
		const fates = Array.from(built.fate);
		expect(fates.filter((f) => f === EVENT_FATE.outsideWindow)).toHaveLength(1);
		expect(fates.filter((f) => f === EVENT_FATE.conversion)).toHaveLength(5);
		expect(fates.filter((f) => f === EVENT_FATE.nonConvertingTouch)).toHaveLength(3);
		expect(fates.filter((f) => f === EVENT_FATE.convertingTouch)).toHaveLength(8);
		for (const model of MODELS) {
			const credit = runModel(model, built.journeys, DEFAULT_SETTINGS).credit;
			const expected = (c.expected as unknown as Record<string, { conversions: number[]; value: number[] }>)[model];
			nearAll(credit.conversions, expected.conversions);
			nearAll(credit.value, expected.value);
		}
	});

	it('collapses consecutive repeats of a channel on request, keeping the first', () => {
		const built = buildJourneys(table(), { lookbackMs: 30 * DAY_MS, collapseRepeats: true });
		// u3's Paid Search > Paid Search becomes one touch; the other journeys are unchanged.
		expect(built.stats.collapsedTouches).toBe(1);
		expect(built.stats.journeyTouches).toBe(c.journeys.reduce((s, j) => s + j.touches.length, 0) - 1);
	});

	it('without a window (0) keeps the old touch', () => {
		const built = buildJourneys(table(), { lookbackMs: 0 });
		expect(built.stats.touchesOutsideWindow).toBe(0);
	});
});

describe('per-journey splits', () => {
	it('rule-based shares and the simplified Shapley split of one journey', () => {
		const j = journeys(['A', 'B'], [['A>B>A', 60]]);
		nearAll(touchShares('linear', j, 0, DEFAULT_SETTINGS), [1 / 3, 1 / 3, 1 / 3]);
		const split = journeySplit(['linear', 'shapley', 'markov'], j, 0, DEFAULT_SETTINGS);
		near(split.linear!.get(0)!, 2 / 3);
		// Simplified Shapley: two distinct channels, ½ each however often they appear.
		expect(split.shapley!.get(0)).toBe(0.5);
		expect(split.markov).toBeUndefined();
	});
});

describe('timestamps', () => {
	it.each([
		['2024-05-01T00:00:00Z', Date.UTC(2024, 4, 1)],
		['2024-05-01T02:30:00+02:00', Date.UTC(2024, 4, 1, 0, 30)],
		['2024-05-01T02:30:00.125-0130', Date.UTC(2024, 4, 1, 4, 0, 0, 125)],
		['2024-05-01 10:00', Date.UTC(2024, 4, 1, 10)],
		['2024-05-01', Date.UTC(2024, 4, 1)],
		['2024-02-29T12:00:00Z', Date.UTC(2024, 1, 29, 12)],
		['2024-05-01T09:30:05.123Z', Date.UTC(2024, 4, 1, 9, 30, 5, 123)],
		['2024-12-31T23:59:59.999Z', Date.UTC(2024, 11, 31, 23, 59, 59, 999)],
		[1714521600000, 1714521600000],
		[1714521600, 1714521600000],
		['1714521600000', 1714521600000],
		[new Date(Date.UTC(2024, 0, 1)), Date.UTC(2024, 0, 1)],
	])('reads %p', (input, expected) => {
		expect(toMillis(input)).toBe(expected);
	});

	it.each(['yesterday', '05/01/2024', '2023-02-29T00:00:00Z', '2024-13-01', '2024-05-01T25:00:00Z', '2024-05-01T10:60:00Z', '2024-04-31T10:00:00.000Z', '2024-05-01T1a:00:00Z', '', -5, NaN, null, {}, 1e308, Infinity, 8.64e15 + 1, '1' + '0'.repeat(30)])(
		'refuses %p',
		(input) => {
			expect(toMillis(input)).toBeNaN();
		},
	);
});

describe('spend', () => {
	it('CPA = spend / conversions, ROAS = value / spend; null when undefined', () => {
		expect(spendMetrics(4, 200, 100)).toEqual({ spend: 100, cpa: 25, roas: 2 });
		expect(spendMetrics(0, 0, 50)).toEqual({ spend: 50, cpa: null, roas: 0 });
		expect(spendMetrics(2, 10, 0)).toEqual({ spend: 0, cpa: 0, roas: null });
	});

	it('reads spend tables as an object or a list, and refuses bad amounts', () => {
		expect(spendTableRows('{"Email": 120}')).toEqual([{ key: 'Email', spend: 120 }]);
		expect(spendTableRows([{ channel: 'Email', campaign: 'spring', cost: '9.5' }])).toEqual([{ channel: 'Email', campaign: 'spring', spend: '9.5' }]);
		expect(spendAmount('9.5')).toBe(9.5);
		expect(() => spendAmount(-1)).toThrow('negative');
		expect(() => spendAmount('lots')).toThrow('not a number');
		expect(() => spendTableRows('{oops')).toThrow('not valid JSON');
	});
});
