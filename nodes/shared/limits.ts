/**
 * The limits Campaign Kit holds outsiders' data to, so nothing they send overflows or crashes a node:
 * - figures: how large a number is accepted, so sums over many rows, squares in the statistics and
 *   forecasts stay finite (beyond these a value is refused or listed as bad data, never turned into
 *   Infinity or NaN in an output);
 * - depth: how deep data may nest before a node refuses it (segment definitions, events posted to
 *   the Marketing Event Trigger, groups in a pattern). Deeper data would end in "Maximum call stack
 *   size exceeded" somewhere in a recursive step; the check here walks the data without recursion.
 */

/** The largest amount of money (a bid, a budget, in currency units) sent to an ad platform. */
export const MONEY_LIMIT = 1_000_000_000;
export const MONEY_LIMIT_TEXT = '1,000,000,000';

/** The largest count or amount (spend, clicks, impressions, revenue) one row of a report may hold, either sign. */
export const FIGURE_LIMIT = 1e12;
export const FIGURE_LIMIT_TEXT = '1,000,000,000,000';

/** Levels of objects and lists (the outermost counts as 1). */
export const MAX_DEPTH = 256;

interface Frame {
	value: unknown;
	depth: number;
	key: string;
	parent: Frame | undefined;
}

const step = (key: string | number) => (typeof key === 'number' ? `[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);

/** A long path shown by its start and end, so that an error stays short. */
function pathOf(frame: Frame, root: string): string {
	const keys: string[] = [];
	for (let f: Frame | undefined = frame; f?.parent; f = f.parent) keys.push(f.key);
	keys.reverse();
	const long = keys.length > 16 || keys.join('').length > 120;
	return long ? `${root}${keys.slice(0, 8).join('')}…${keys.slice(-4).join('')}`.slice(0, 200) : root + keys.join('');
}

/**
 * The JSON path (from `root`, e.g. "$") of the first object or list nested deeper than `limit`
 * levels, or undefined when the value stays within it. Iterative: safe on any depth.
 */
export function tooDeep(value: unknown, limit = MAX_DEPTH, root = '$'): string | undefined {
	const stack: Frame[] = [{ value, depth: 1, key: '', parent: undefined }];
	while (stack.length) {
		const frame = stack.pop() as Frame;
		const v = frame.value;
		if (v === null || typeof v !== 'object') continue;
		if (frame.depth > limit) return pathOf(frame, root);
		const entries: Array<[string | number, unknown]> = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
		for (let i = entries.length - 1; i >= 0; i--) {
			const [key, child] = entries[i];
			if (child !== null && typeof child === 'object') stack.push({ value: child, depth: frame.depth + 1, key: step(key), parent: frame });
		}
	}
	return undefined;
}
