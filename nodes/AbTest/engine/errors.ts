/**
 * Errors the engine raises, phrased for the marketer: `message` says what is wrong, `fix` what to
 * do. The node adds the item number (from `armIndex`, the arm's position in its experiment).
 */
export class AbTestInputError extends Error {
	constructor(
		message: string,
		readonly fix: string,
		/** Which arm of the experiment is at fault; undefined for a fault of the whole experiment. */
		readonly armIndex?: number,
		/** The field, as the node shows it: "Visitors", "Conversions", … */
		readonly field?: string,
	) {
		super(message);
		this.name = 'AbTestInputError';
	}
}

/** A setting of the analysis (confidence level, power, …) is out of range. */
export class AbTestSettingsError extends Error {
	constructor(
		message: string,
		readonly fix: string,
		readonly setting: string,
	) {
		super(message);
		this.name = 'AbTestSettingsError';
	}
}
