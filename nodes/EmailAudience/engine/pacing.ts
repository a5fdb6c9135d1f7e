/**
 * Keeps one execution's requests inside a provider's budget per key (Kit: 120 requests in any 60
 * seconds). A sliding window: a request may start once fewer than `limit` started in the last
 * `windowMs`. State lives in the object a node creates per execution; concurrent executions with
 * the same key each keep their own count, so the transport's 429 retry stays the backstop.
 */

export interface PacerClock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

export interface Pacer {
	/** Resolves when the next request may start, and counts it. Calls are served in order. */
	take(): Promise<void>;
	/** How long the requests taken so far had to wait, in total. */
	readonly waitedMs: number;
}

export function createPacer(limit: number, windowMs: number, clock: PacerClock): Pacer {
	if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`The request budget must be a whole number of at least 1, got ${limit}`);
	if (!(windowMs > 0)) throw new RangeError(`The budget window must be longer than 0 ms, got ${windowMs}`);
	// Start times of the last `limit` requests, oldest first (a ring would save little at 120).
	const starts: number[] = [];
	let queue: Promise<void> = Promise.resolve();
	let waitedMs = 0;
	const next = async () => {
		for (;;) {
			const now = clock.now();
			while (starts.length && starts[0] <= now - windowMs) starts.shift();
			if (starts.length < limit) {
				starts.push(now);
				return;
			}
			// The oldest start leaves the window at starts[0] + windowMs; a millisecond more is safe on both sides.
			const wait = starts[0] + windowMs - now + 1;
			waitedMs += wait;
			await clock.sleep(wait);
		}
	};
	return {
		take() {
			const turn = queue.then(next);
			queue = turn.catch(() => undefined);
			return turn;
		},
		get waitedMs() {
			return waitedMs;
		},
	};
}
