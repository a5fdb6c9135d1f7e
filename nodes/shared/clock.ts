/**
 * The one place every node reads "now" from. Quiet hours, caps, signature windows, report dates and
 * token expiry all depend on the time, so a test sets it here (`setClock`) instead of depending on
 * the hour it runs at; nothing else in nodes/ reads the wall clock (the lint config enforces it).
 */
const wallClock = () => Date.now();

let source: () => number = wallClock;

/** Milliseconds since the epoch, from the clock in force (the machine's unless a test set one). */
export function now(): number {
	return source();
}

/** The current time as a Date. */
export function nowDate(): Date {
	return new Date(source());
}

/** For tests: read the time from `next`; with no argument, the machine's clock again. */
export function setClock(next?: () => number): void {
	source = next ?? wallClock;
}
