/**
 * Errors the segment engine raises, phrased for the person who wrote the definition: `path` is the
 * JSON path of the fault in the definition (`$.all[2].op`), `message` what is wrong, `fix` what was
 * expected.
 */
export class SegmentDefinitionError extends Error {
	constructor(
		readonly path: string,
		readonly problem: string,
		readonly fix: string,
	) {
		super(`${path}: ${problem}`);
		this.name = 'SegmentDefinitionError';
	}
}

/** A definition that is valid but cannot be turned into SQL (a JSONata condition, a missing mapping). */
export class SegmentSqlError extends Error {
	constructor(
		readonly path: string,
		readonly problem: string,
		readonly fix: string,
	) {
		super(`${path}: ${problem}`);
		this.name = 'SegmentSqlError';
	}
}

/** Evaluating one contact failed (a JSONata runtime error, a non-boolean JSONata result, bad events). */
export class SegmentEvaluationError extends Error {
	constructor(
		readonly path: string,
		readonly problem: string,
		readonly fix: string,
		/** The contact field at fault, when there is one (e.g. the events list). */
		readonly field?: string,
	) {
		super(path ? `${path}: ${problem}` : problem);
		this.name = 'SegmentEvaluationError';
	}
}
