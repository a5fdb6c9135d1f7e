/**
 * Runs the chosen models over the journeys: credits per group and model, the totals they add up
 * to, and each journey's own split (for the optional per-journey breakdown).
 */
import { markovCredits, type MarkovResult } from './markov';
import { ruleCredits, touchShares } from './rules';
import { shapleyCredits } from './shapley';
import { RULE_MODELS, type Credit, type Journeys, type Model, type ModelSettings, type RuleModel } from './types';

export interface ModelRun {
	model: Model;
	credit: Credit;
	markov?: MarkovResult;
}

export interface Totals {
	conversions: number;
	value: number;
}

const isRule = (model: Model): model is RuleModel => (RULE_MODELS as readonly string[]).includes(model);

/** Whether a model learns from non-converting journeys too (Markov; the conversion-rate Shapley game). */
export function usesNonConverting(model: Model, settings: ModelSettings): boolean {
	return model === 'markov' || (model === 'shapley' && settings.shapleyGame === 'conversionRate');
}

export function totals(journeys: Journeys): Totals {
	let conversions = 0;
	let value = 0;
	for (let j = 0; j < journeys.count; j++) {
		if (!journeys.converted[j]) continue;
		conversions++;
		value += journeys.value[j];
	}
	return { conversions, value };
}

export function runModel(model: Model, journeys: Journeys, settings: ModelSettings): ModelRun {
	if (isRule(model)) return { model, credit: ruleCredits(model, journeys, settings) };
	if (model === 'markov') {
		const markov = markovCredits(journeys);
		return { model, credit: markov, markov };
	}
	return { model, credit: shapleyCredits(journeys, settings.shapleyGame) };
}

export function runModels(models: readonly Model[], journeys: Journeys, settings: ModelSettings): ModelRun[] {
	return models.map((model) => runModel(model, journeys, settings));
}

/**
 * One converting journey's split of its conversion per group, for every model that splits per
 * journey: the rule-based models and the simplified Shapley game (each distinct group 1/|T|).
 * Markov and the conversion-rate game are defined over all journeys together and have no
 * per-journey split.
 */
export function journeySplit(
	models: readonly Model[],
	journeys: Journeys,
	j: number,
	settings: ModelSettings,
): Partial<Record<Model, Map<number, number>>> {
	const split: Partial<Record<Model, Map<number, number>>> = {};
	if (!journeys.converted[j]) return split;
	const from = journeys.start[j];
	for (const model of models) {
		const byGroup = new Map<number, number>();
		if (isRule(model)) {
			const shares = touchShares(model, journeys, j, settings);
			shares.forEach((share, k) => {
				const g = journeys.touchGroup[from + k];
				byGroup.set(g, (byGroup.get(g) ?? 0) + share);
			});
		} else if (model === 'shapley' && settings.shapleyGame === 'simplified') {
			const distinct = new Set(journeys.touchGroup.subarray(from, journeys.start[j + 1]));
			for (const g of distinct) byGroup.set(g, 1 / distinct.size);
		} else {
			continue;
		}
		split[model] = byGroup;
	}
	return split;
}
