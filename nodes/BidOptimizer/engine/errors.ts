/**
 * A setting of the optimiser is out of range. `message` says what is wrong, `fix` what to do,
 * `setting` names the setting as the node shows it ("Target ACoS", "Maximum Step", …).
 */
export class BidSettingsError extends Error {
	constructor(
		message: string,
		readonly fix: string,
		readonly setting: string,
	) {
		super(message);
		this.name = 'BidSettingsError';
	}
}

/** Throws a BidSettingsError unless `value` is a finite number within [min, max]. */
export function checkRange(setting: string, value: number, min: number, max: number, fix: string): void {
	if (!Number.isFinite(value) || value < min || value > max) {
		throw new BidSettingsError(`${setting} is ${value}, outside ${min} to ${max}`, fix, setting);
	}
}
