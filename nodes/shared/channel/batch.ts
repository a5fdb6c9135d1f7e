/** Batching to a provider's documented maximum, keeping what can share a request together. */
import { chunk } from '../transport/limit';

/**
 * `items` grouped by `keyOf` (groups in order of first appearance, items in input order), each
 * group cut into batches of at most `max`: e.g. SendGrid personalizations that share one content.
 */
export function groupInBatches<T>(items: readonly T[], keyOf: (item: T) => string, max: number): T[][] {
	const groups = new Map<string, T[]>();
	for (const item of items) {
		const key = keyOf(item);
		const group = groups.get(key);
		if (group) group.push(item);
		else groups.set(key, [item]);
	}
	return [...groups.values()].flatMap((group) => chunk(group, max));
}
