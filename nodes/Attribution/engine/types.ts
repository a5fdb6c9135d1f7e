/**
 * The data the attribution engine works on, column by column (typed arrays): a million touches
 * fit in a few tens of megabytes and every model is a tight loop over them.
 */

/** The models the node offers, in the order "All" emits them. */
export const MODELS = ['firstTouch', 'lastTouch', 'lastNonDirect', 'linear', 'positionBased', 'timeDecay', 'markov', 'shapley'] as const;
export type Model = (typeof MODELS)[number];

/** Rule-based models: each converting journey's credit is split over its own touches. */
export const RULE_MODELS = ['firstTouch', 'lastTouch', 'lastNonDirect', 'linear', 'positionBased', 'timeDecay'] as const;
export type RuleModel = (typeof RULE_MODELS)[number];

/**
 * Events as the node hands them over: one row per touch or conversion, with the user and group
 * (channel, campaign or both) already numbered. `item` is the input item, carried through for pairing.
 */
export interface EventTable {
	length: number;
	/** User number, 0 … userCount − 1. */
	user: Int32Array;
	userCount: number;
	/** Epoch milliseconds. */
	time: Float64Array;
	/** 1 for a conversion, 0 for a touch. */
	conversion: Uint8Array;
	/** The touch's group number (index into `groups`); ignored for conversions. */
	group: Int32Array;
	/** 1 when the touch's channel is Direct (for last non-direct). */
	direct: Uint8Array;
	/** The conversion's value; ignored for touches. */
	value: Float64Array;
	/** The input item the row came from. */
	item: Int32Array;
	/** Group names. */
	groups: string[];
}

/** What became of each event when journeys were built. */
export const EVENT_FATE = {
	/** A touch of a converting journey. */
	convertingTouch: 0,
	/** A touch of a non-converting journey (after the user's last conversion). */
	nonConvertingTouch: 1,
	/** A conversion with at least one touch: the end of a converting journey. */
	conversion: 2,
	/** A touch older than the lookback window before the conversion that follows it. */
	outsideWindow: 3,
	/** A conversion with no touch since the previous conversion inside the window. */
	conversionWithoutTouches: 4,
} as const;

/** Journeys, column by column: touches of journey j are touch rows start[j] … start[j + 1] − 1. */
export interface Journeys {
	count: number;
	start: Int32Array;
	converted: Uint8Array;
	/** The conversion's value (0 for a non-converting journey). */
	value: Float64Array;
	/** Epoch milliseconds of the conversion; NaN for a non-converting journey or an untimed one. */
	conversionTime: Float64Array;
	/** The user number; −1 when journeys came in pre-built without one. */
	user: Int32Array;
	touchGroup: Int32Array;
	/** Epoch milliseconds; NaN when unknown (pre-built journeys without timestamps). */
	touchTime: Float64Array;
	touchDirect: Uint8Array;
	groups: string[];
}

/** Credited conversions and value per group, for one model. */
export interface Credit {
	conversions: Float64Array;
	value: Float64Array;
}

export interface ModelSettings {
	/** Position-based: the first and last touches' shares (0–1); the middle touches share the rest. */
	positionFirst: number;
	positionLast: number;
	/** Time decay: half-life in milliseconds. */
	halfLifeMs: number;
	/** Shapley: the simplified game (default) or the conversion-rate game. */
	shapleyGame: 'simplified' | 'conversionRate';
}

export const DEFAULT_SETTINGS: ModelSettings = {
	positionFirst: 0.4,
	positionLast: 0.4,
	halfLifeMs: 7 * 86_400_000,
	shapleyGame: 'simplified',
};

/** A setting or the data makes a model impossible; `fix` says what to do. */
export class AttributionError extends Error {
	constructor(
		message: string,
		readonly fix: string,
	) {
		super(message);
		this.name = 'AttributionError';
	}
}
