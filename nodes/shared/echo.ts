/**
 * A value a sender gave, as it may be shown back in an error or a webhook answer: at most 200
 * characters, so a 1 MB field is named, not echoed whole.
 */
export const ECHO_LIMIT = 200;

/** `text` cut to ECHO_LIMIT characters, the last one an ellipsis when it was cut. */
export function shortened(text: string, limit = ECHO_LIMIT): string {
	return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/** A copy of a JSON answer with every string in it (keys too) shortened. */
export function shortenedAnswer<T>(value: T, depth = 0): T {
	if (typeof value === 'string') return shortened(value) as T;
	if (value === null || typeof value !== 'object' || depth > 10) return value;
	if (Array.isArray(value)) return value.map((entry) => shortenedAnswer(entry, depth + 1)) as T;
	return Object.fromEntries(Object.entries(value).map(([key, entry]) => [shortened(key), shortenedAnswer(entry, depth + 1)])) as T;
}
