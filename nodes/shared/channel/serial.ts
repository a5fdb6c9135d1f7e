/**
 * One at a time per key, inside this process.
 *
 * n8n's de-duplication store keeps a node's keys in one database row that each call reads, extends
 * and writes back without a lock, so two runs of the same node that overlap lose each other's keys
 * (and the first two collide on the row's unique key). On one n8n (regular mode) every execution
 * runs in the same process, so queueing the calls of one workflow node here makes the store exact.
 * Nothing outlives the calls: a key's queue is dropped when it drains. Across queue-mode workers
 * this cannot help; that is what Send History "In Postgres" is for.
 */
const queues = new Map<string, Promise<unknown>>();

export async function oneAtATime<T>(key: string, task: () => Promise<T>): Promise<T> {
	const before = queues.get(key) ?? Promise.resolve();
	const run = before.then(task, task);
	const settled = run.then(
		() => undefined,
		() => undefined,
	);
	queues.set(key, settled);
	try {
		return await run;
	} finally {
		if (queues.get(key) === settled) queues.delete(key);
	}
}
