/**
 * Rule-based models: each converting journey's one conversion and its value are
 * split over the journey's touches by a fixed rule, and a group's credit is the sum over its
 * touches. The shares of one journey add up to 1, so every model's credits add up to the totals.
 *
 * | model | touch i of n |
 * | first / last touch | 100% to the first / last |
 * | last non-direct | 100% to the last touch that is not Direct; the last touch when all are Direct |
 * | linear | 1/n |
 * | position-based | first and last `positionFirst` / `positionLast` (40% / 40%), the middle share the rest equally; n = 1 → 100%; n = 2 → first : last in the ratio of their weights (50/50 by default) |
 * | time decay | 2^(−Δt/h), Δt from the touch to the conversion, half-life h, normalised per journey |
 *
 * Time decay needs only the touches' times: 2^(−(T − t)/h) normalised equals 2^(−(latest − t)/h)
 * normalised, which is how it is computed (no underflow however old the touches).
 */
import { AttributionError, type Credit, type Journeys, type ModelSettings, type RuleModel } from './types';

/** The shares of the touches of journey j under a rule-based model (they sum to 1). */
export function touchShares(model: RuleModel, journeys: Journeys, j: number, settings: ModelSettings): Float64Array {
	const from = journeys.start[j];
	const n = journeys.start[j + 1] - from;
	const shares = new Float64Array(n);
	if (n === 0) return shares;
	switch (model) {
		case 'firstTouch':
			shares[0] = 1;
			break;
		case 'lastTouch':
			shares[n - 1] = 1;
			break;
		case 'lastNonDirect': {
			let k = n - 1;
			while (k > 0 && journeys.touchDirect[from + k]) k--;
			shares[journeys.touchDirect[from + k] ? n - 1 : k] = 1;
			break;
		}
		case 'linear':
			shares.fill(1 / n);
			break;
		case 'positionBased': {
			const [first, middle, last] = positionWeights(n, settings);
			shares.fill(middle);
			shares[0] = first;
			shares[n - 1] = n === 1 ? 1 : last;
			break;
		}
		case 'timeDecay': {
			const weights = decayWeights(journeys, j, settings.halfLifeMs);
			for (let k = 0; k < n; k++) shares[k] = weights[k];
			break;
		}
	}
	return shares;
}

/** Position-based shares of the first touch, each middle touch and the last touch of n. */
export function positionWeights(n: number, settings: ModelSettings): [first: number, middle: number, last: number] {
	const { positionFirst: f, positionLast: l } = settings;
	if (n === 1) return [1, 0, 1];
	if (n === 2) return f + l > 0 ? [f / (f + l), 0, l / (f + l)] : [0.5, 0, 0.5];
	return [f, (1 - f - l) / (n - 2), l];
}

/** Time-decay shares: 2^(−Δt/h) normalised. Computed from the latest touch so that nothing underflows. */
function decayWeights(journeys: Journeys, j: number, halfLifeMs: number): Float64Array {
	const from = journeys.start[j];
	const n = journeys.start[j + 1] - from;
	const weights = new Float64Array(n);
	let latest = -Infinity;
	for (let k = 0; k < n; k++) latest = Math.max(latest, journeys.touchTime[from + k]);
	let sum = 0;
	for (let k = 0; k < n; k++) {
		// 2^(−(T − t)/h) / Σ 2^(−(T − t')/h) = 2^(−(latest − t)/h) / Σ 2^(−(latest − t')/h).
		const w = Math.pow(2, -(latest - journeys.touchTime[from + k]) / halfLifeMs);
		weights[k] = w;
		sum += w;
	}
	for (let k = 0; k < n; k++) weights[k] /= sum;
	return weights;
}

/** Checks what a rule-based model needs of the data; throws an AttributionError otherwise. */
export function checkRuleModel(model: RuleModel, journeys: Journeys, settings: ModelSettings): void {
	if (model === 'positionBased') {
		const { positionFirst: f, positionLast: l } = settings;
		if (!(f >= 0 && l >= 0 && f + l <= 1 + 1e-12)) {
			throw new AttributionError(
				`the position-based weights ${f * 100}% (first) and ${l * 100}% (last) do not leave a share for the middle touches`,
				'Set First Touch Weight and Last Touch Weight to at most 100% together, e.g. 40% and 40%.',
			);
		}
	}
	if (model === 'timeDecay') {
		if (!(settings.halfLifeMs > 0)) {
			throw new AttributionError('the time-decay half-life must be more than 0', 'Set Half-Life (Days) to a positive number, e.g. 7.');
		}
		for (let j = 0; j < journeys.count; j++) {
			if (!journeys.converted[j]) continue;
			for (let t = journeys.start[j]; t < journeys.start[j + 1]; t++) {
				if (Number.isNaN(journeys.touchTime[t])) {
					throw new AttributionError(
						`time decay needs the time of every touch, and journey ${j} has a touch without one`,
						'Give each touch a timestamp, or choose a model that does not use time.',
					);
				}
			}
		}
	}
}

/** Credits of a rule-based model over all converting journeys. */
export function ruleCredits(model: RuleModel, journeys: Journeys, settings: ModelSettings): Credit {
	checkRuleModel(model, journeys, settings);
	const k = journeys.groups.length;
	const conversions = new Float64Array(k);
	const value = new Float64Array(k);
	const { start, converted, touchGroup, touchDirect, touchTime } = journeys;
	const add = (t: number, share: number, v: number) => {
		const g = touchGroup[t];
		conversions[g] += share;
		value[g] += share * v;
	};
	for (let j = 0; j < journeys.count; j++) {
		if (!converted[j]) continue;
		const from = start[j];
		const to = start[j + 1];
		const n = to - from;
		const v = journeys.value[j];
		switch (model) {
			case 'firstTouch':
				add(from, 1, v);
				break;
			case 'lastTouch':
				add(to - 1, 1, v);
				break;
			case 'lastNonDirect': {
				let t = to - 1;
				while (t > from && touchDirect[t]) t--;
				add(touchDirect[t] ? to - 1 : t, 1, v);
				break;
			}
			case 'linear':
				for (let t = from; t < to; t++) add(t, 1 / n, v);
				break;
			case 'positionBased': {
				if (n === 1) {
					add(from, 1, v);
					break;
				}
				const [first, middle, last] = positionWeights(n, settings);
				add(from, first, v);
				for (let t = from + 1; t < to - 1; t++) add(t, middle, v);
				add(to - 1, last, v);
				break;
			}
			case 'timeDecay': {
				let latest = -Infinity;
				for (let t = from; t < to; t++) if (touchTime[t] > latest) latest = touchTime[t];
				let sum = 0;
				for (let t = from; t < to; t++) sum += Math.pow(2, -(latest - touchTime[t]) / settings.halfLifeMs);
				for (let t = from; t < to; t++) add(t, Math.pow(2, -(latest - touchTime[t]) / settings.halfLifeMs) / sum, v);
				break;
			}
		}
	}
	return { conversions, value };
}
