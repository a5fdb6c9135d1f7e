/**
 * A value as an error message shows it to the marketer: like JSON, but NaN and Infinity appear as
 * themselves (JSON.stringify would print "null", hiding the fault), and at most SHOWN_LIMIT
 * characters, so a 1 MB field does not become a 1 MB error. Serialising stops once the limit is
 * passed, so a huge or deeply nested value costs no more than a small one.
 */
export const SHOWN_LIMIT = 200;

/** Deeper than this, a nested value is shown as "…": no message needs more. */
const DEPTH = 20;

const quote = (text: string, room: number) => JSON.stringify(text.length > room ? text.slice(0, room) : text);

function write(value: unknown, out: string[], budget: { left: number }, depth: number): void {
	const push = (part: string) => {
		out.push(part);
		budget.left -= part.length;
	};
	if (budget.left <= 0) return;
	if (value === undefined) return push('undefined');
	if (value === null) return push('null');
	if (typeof value === 'number') return push(Object.is(value, -0) ? '0' : String(value));
	if (typeof value === 'bigint') return push(`${value}n`);
	if (typeof value === 'string') return push(quote(value, budget.left));
	if (typeof value === 'boolean') return push(String(value));
	if (typeof value === 'function' || typeof value === 'symbol') return push(`[${typeof value}]`);
	if (value instanceof Date) return push(Number.isNaN(value.getTime()) ? 'Invalid Date' : JSON.stringify(value));
	if (depth >= DEPTH) return push('…');
	const list = Array.isArray(value);
	push(list ? '[' : '{');
	// Arrays by index: a million-entry list is not enumerated to show its first few entries.
	const count = list ? value.length : 0;
	const keys = list ? undefined : Object.keys(value as object);
	for (let k = 0; k < (keys ? keys.length : count); k++) {
		if (budget.left <= 0) return;
		if (k > 0) push(',');
		if (keys) push(`${quote(keys[k], budget.left)}:`);
		write(keys ? (value as Record<string, unknown>)[keys[k]] : (value as unknown[])[k], out, budget, depth + 1);
	}
	push(list ? ']' : '}');
}

/** `text` cut to SHOWN_LIMIT characters, the last one an ellipsis when it was cut (text shown unquoted). */
export function shortened(text: string, limit = SHOWN_LIMIT): string {
	return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/** A copy of a JSON webhook answer with every string in it (keys too) shortened. */
export function shortenedAnswer<T>(value: T, depth = 0): T {
	if (typeof value === 'string') return shortened(value) as T;
	if (value === null || typeof value !== 'object' || depth > 10) return value;
	if (Array.isArray(value)) return value.map((entry) => shortenedAnswer(entry, depth + 1)) as T;
	return Object.fromEntries(Object.entries(value).map(([key, entry]) => [shortened(key), shortenedAnswer(entry, depth + 1)])) as T;
}

/** `value` as it should appear inside an error message or a webhook answer. */
export function shown(value: unknown): string {
	const out: string[] = [];
	write(value, out, { left: SHOWN_LIMIT + 1 }, 0);
	return shortened(out.join(''));
}

/**
 * A bad value kept in an output for the marketer to find (a data-quality listing): as it was when
 * it is short text, a finite number, true/false or null; otherwise as `shown` writes it.
 */
export function echoed(value: unknown): unknown {
	if (value === null || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
	if (typeof value === 'string' && value.length <= SHOWN_LIMIT) return value;
	return shown(value);
}
