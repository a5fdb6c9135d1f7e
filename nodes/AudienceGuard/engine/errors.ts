/**
 * The Audience Guard engine's two kinds of failure, each with the fix a marketer can act on: a
 * setting of the node is wrong (the whole run stops), or one contact's data is (that item fails).
 */

/** A setting of the node is out of range or malformed. `setting` is its label on the canvas. */
export class GuardSettingsError extends Error {
	constructor(
		message: string,
		readonly fix: string,
		readonly setting: string,
	) {
		super(message);
		this.name = 'GuardSettingsError';
	}
}

/** One contact's field cannot be used. `field` is the label of the mapping that supplied it. */
export class GuardInputError extends Error {
	constructor(
		message: string,
		readonly fix: string,
		readonly field: string,
	) {
		super(message);
		this.name = 'GuardInputError';
	}
}
