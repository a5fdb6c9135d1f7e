/**
 * Merge tags: `{{ first_name | "there" }}` puts the contact's `first_name` into the message, or
 * "there" when the contact has none. A template is compiled once per execution and rendered per
 * contact; rendering keeps the pieces apart (fixed text, and one value per tag) so a provider that
 * personalises on its side (SendGrid substitutions) can send the fixed text once for many contacts.
 *
 * Any other `{{ … }}` (one that names `$json`, calls a function, …) is an n8n expression: n8n's
 * editor turns a field into an expression as soon as `{{` is typed, so the node reads the field
 * raw and hands those pieces back to n8n to evaluate, item by item.
 */
import { createHash } from 'node:crypto';

export interface MergeTag {
	kind: 'tag';
	/** Dotted path into the contact, e.g. `first_name` or `address.city`. */
	path: string[];
	/** Used when the contact has no value at `path`; '' when the tag has no fallback. */
	fallback: string;
	/** The tag as written, for messages. */
	source: string;
}

export interface Expression {
	kind: 'expression';
	/** What was between the braces, for n8n to evaluate as `={{ code }}`. */
	code: string;
	source: string;
}

export type Slot = MergeTag | Expression;

export interface RenderOptions {
	/** Applied to contact values (not to fixed text or expression results): HTML escaping in HTML bodies. */
	escape?: (value: string) => string;
	/** Evaluates an n8n expression for the current item. */
	evaluate?: (code: string) => unknown;
}

export interface Rendered {
	/** The finished text. */
	text: string;
	/** One value per slot, in order: `text` is literals[0] + values[0] + literals[1] + … */
	values: string[];
	template: MergeTemplate;
}

export interface MergeTemplate {
	/** Stable for the same source: messages rendered from templates with equal ids share their fixed text. */
	readonly id: string;
	readonly source: string;
	/** Fixed text around the slots: always one more than there are slots. */
	readonly literals: readonly string[];
	readonly slots: readonly Slot[];
	render(contact: unknown, options?: RenderOptions): Rendered;
}

/**
 * Every `{{ … }}` in the text, in order: where it starts, the whole slot and what is inside. A scan
 * with indexOf, linear in the text: the lazy regex it replaces rescanned to the end of the text from
 * every `{{` that has no `}}` after it (20,000 of them took half a second).
 */
function slotsIn(source: string): Array<{ index: number; whole: string; inner: string }> {
	const found: Array<{ index: number; whole: string; inner: string }> = [];
	for (let open = source.indexOf('{{'); open !== -1; ) {
		const close = source.indexOf('}}', open + 2);
		if (close === -1) break; // no slot can close after this point
		found.push({ index: open, whole: source.slice(open, close + 2), inner: source.slice(open + 2, close) });
		open = source.indexOf('{{', close + 2);
	}
	return found;
}
// path, then optionally | and a fallback in double quotes, single quotes or none.
const TAG = /^\s*([A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*(?:\|\s*(?:"([^"]*)"|'([^']*)'|([^"'|]*?)))?\s*$/;

/** `{{ first_name | "there" }}` → a merge tag; anything else between braces → an n8n expression. */
export function parseSlot(inner: string, source: string): Slot {
	const match = TAG.exec(inner);
	if (!match) return { kind: 'expression', code: inner.trim(), source };
	const fallback = match[2] ?? match[3] ?? (match[4] ?? '').trim();
	return { kind: 'tag', path: match[1].split('.'), fallback, source };
}

const camel = (key: string) => key.replace(/[_-]+([a-z0-9])/gi, (_, c: string) => c.toUpperCase());

/** The contact's value at `path`, accepting `first_name` for a field called `firstName`. */
export function lookup(contact: unknown, path: readonly string[]): unknown {
	let current = contact;
	for (const key of path) {
		if (current === null || typeof current !== 'object') return undefined;
		const record = current as Record<string, unknown>;
		current = key in record ? record[key] : record[camel(key)];
	}
	return current;
}

/** A value as it appears in a message; undefined when there is nothing to show (the fallback applies). */
export function display(value: unknown): string | undefined {
	if (value === null || value === undefined) return undefined;
	if (typeof value === 'string') return value.trim() ? value : undefined;
	if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
	if (typeof value === 'boolean') return String(value);
	// A list of plain values reads naturally as "a, b, c"; an object has no natural text.
	if (Array.isArray(value) && value.every((entry) => ['string', 'number', 'boolean'].includes(typeof entry))) {
		return value.length ? value.join(', ') : undefined;
	}
	return undefined;
}

const expressionText = (value: unknown) =>
	value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);

export function compileTemplate(source: string): MergeTemplate {
	const literals: string[] = [];
	const slots: Slot[] = [];
	let last = 0;
	for (const slot of slotsIn(source)) {
		literals.push(source.slice(last, slot.index));
		slots.push(parseSlot(slot.inner, slot.whole));
		last = slot.index + slot.whole.length;
	}
	literals.push(source.slice(last));

	const template: MergeTemplate = {
		id: createHash('sha256').update(source).digest('hex').slice(0, 16),
		source,
		literals,
		slots,
		render(contact, options = {}) {
			const escape = options.escape ?? ((value: string) => value);
			const values = slots.map((slot) => {
				if (slot.kind === 'tag') return escape(display(lookup(contact, slot.path)) ?? slot.fallback);
				if (!options.evaluate) throw new Error(`${slot.source} is an n8n expression, and nothing here can evaluate it`);
				return expressionText(options.evaluate(slot.code));
			});
			return { text: fill(literals, values), values, template };
		},
	};
	return template;
}

/** The slots' values spliced into other fixed text with the same number of gaps (a provider's placeholders). */
export function fill(literals: readonly string[], values: readonly string[]): string {
	let text = literals[0];
	for (let i = 0; i < values.length; i++) text += values[i] + literals[i + 1];
	return text;
}

/**
 * Runs `transform` on `source` with every `{{ … }}` swapped for an opaque token, then puts them
 * back: link tagging and HTML-to-text must not split a tag like `{{ name | "a b" }}` at its space
 * or quote, nor read markup into an expression such as `{{ $json.n < 3 }}`.
 */
export function aroundSlots(source: string, transform: (text: string) => string): string {
	const slots: string[] = [];
	let hidden = '';
	let last = 0;
	for (const slot of slotsIn(source)) {
		hidden += `${source.slice(last, slot.index)}\u0000${slots.push(slot.whole) - 1}\u0000`;
		last = slot.index + slot.whole.length;
	}
	hidden += source.slice(last);
	return transform(hidden).replace(/\u0000(\d+)\u0000/g, (_, n: string) => slots[Number(n)]);
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** For contact values in HTML: a name like `<b>Ann</b> & co` shows as typed, never as markup. */
export function escapeHtml(value: string): string {
	return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}
