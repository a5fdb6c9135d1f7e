/**
 * Batching and concurrency. All state lives in the objects these functions return, which a node
 * creates per execution: nothing is shared between executions or queue-mode workers.
 */

/** `items` in consecutive batches of at most `size` (a provider's documented maximum). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
	if (!Number.isInteger(size) || size < 1) throw new RangeError(`Batch size must be a whole number of at least 1, got ${size}`);
	const batches: T[][] = [];
	for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
	return batches;
}

export interface Limiter {
	/** Runs `task` once fewer than the limit are running, in the order tasks were handed in. */
	run<T>(task: () => Promise<T>): Promise<T>;
}

export function createLimiter(concurrency: number): Limiter {
	if (!Number.isInteger(concurrency) || concurrency < 1) {
		throw new RangeError(`Concurrency must be a whole number of at least 1, got ${concurrency}`);
	}
	let running = 0;
	const waiting: Array<() => void> = [];
	return {
		async run<T>(task: () => Promise<T>): Promise<T> {
			// A finishing task hands its slot straight to the next waiting one, so `running` never overshoots.
			if (running < concurrency) running++;
			else await new Promise<void>((resolve) => waiting.push(resolve));
			try {
				return await task();
			} finally {
				const next = waiting.shift();
				if (next) next();
				else running--;
			}
		},
	};
}

/**
 * `fn` over every item with at most `concurrency` calls running, results in input order. The first
 * failure rejects the whole call and no further items start; callers that want every item to come
 * out (Continue On Fail) catch inside `fn`.
 */
export async function mapConcurrent<I, R>(
	items: readonly I[],
	concurrency: number,
	fn: (item: I, index: number) => Promise<R>,
): Promise<R[]> {
	const limiter = createLimiter(concurrency);
	let failed = false;
	return await Promise.all(
		items.map(async (item, index) =>
			limiter.run(async () => {
				if (failed) throw new Error('skipped after an earlier failure'); // never seen: Promise.all has already rejected
				let succeeded = false;
				try {
					const result = await fn(item, index);
					succeeded = true;
					return result;
				} finally {
					if (!succeeded) failed = true;
				}
			}),
		),
	);
}
