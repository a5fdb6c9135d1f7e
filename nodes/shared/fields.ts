/**
 * Reading a node's per-item field mappings (Contact ID, Visitors, …) fast and with errors that
 * name the item, the field and the fix.
 *
 * A plain `={{ $json.field }}` (the defaults, and most mappings) is read straight from the item,
 * which is exactly what n8n's expression would return; anything else goes through n8n. n8n spends
 * tens of microseconds on each expression, which on 50,000 items with 4 mapped fields was most of
 * a 20-second run.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { itemError } from './items';
import { MONEY_LIMIT, MONEY_LIMIT_TEXT } from './limits';
import { shown } from './show';

/** Returns the value of a field-mapping parameter for one item. */
export type FieldReader = (parameter: string, itemIndex: number) => unknown;

/** A mapped field as the marketer sees it: the setting's label and an example mapping. */
export interface Field {
	parameter: string;
	label: string;
	example: string;
}

const SIMPLE_FIELD = /^=\{\{\s*\$json\.([A-Za-z_$][\w$]*)\s*\}\}$/;

export function fieldReader(ctx: IExecuteFunctions): FieldReader {
	const items = ctx.getInputData();
	const parameters = ctx.getNode().parameters;
	const keys = new Map<string, string | null>();
	return (parameter, i) => {
		let key = keys.get(parameter);
		if (key === undefined) {
			const raw = parameter.split('.').reduce<unknown>((o, part) => (o as IDataObject | undefined)?.[part], parameters);
			key = typeof raw === 'string' ? (SIMPLE_FIELD.exec(raw)?.[1] ?? null) : null;
			keys.set(parameter, key);
		}
		return key === null ? ctx.getNodeParameter(parameter, i, undefined) : items[i].json[key];
	};
}

/** A number from a field mapping: numbers and numeric text (as spreadsheets give) are accepted. */
export function readNumber(ctx: IExecuteFunctions, read: FieldReader, field: Field, i: number, optional = false): number | undefined {
	const raw = read(field.parameter, i);
	if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
		if (optional) return undefined;
		throw itemError(
			ctx,
			i,
			`${field.label} is missing`,
			`Set "${field.label}" to the field that holds it, e.g. ${field.example}, or check that every item has that field.`,
		);
	}
	const value = typeof raw === 'string' ? Number(raw.trim()) : raw;
	if (typeof value !== 'number' || !Number.isFinite(value)) {
		throw itemError(
			ctx,
			i,
			`${field.label} is ${shown(raw)}, not a number`,
			`Set "${field.label}" to a field holding a plain number, e.g. ${field.example}.`,
		);
	}
	return value;
}

/**
 * A text setting of one item (an ID, a name) as n8n resolved it, trimmed; '' when empty. Text and
 * finite numbers are taken; a list, an object or true/false (an expression that picked the wrong
 * field) is refused naming the item and the setting, never sent as "[object Object]".
 */
export function textParameter(ctx: IExecuteFunctions, name: string, i: number, label: string): string {
	return textValue(ctx, ctx.getNodeParameter(name, i, '') as unknown, i, label, `{{ $json.${name} }}`);
}

/** The same check for a value already read (a field inside a collection of settings). */
export function textValue(ctx: IExecuteFunctions, raw: unknown, i: number, label: string, example: string): string {
	if (raw === undefined || raw === null) return '';
	if (typeof raw === 'string' || (typeof raw === 'number' && Number.isFinite(raw))) return String(raw).trim();
	throw itemError(ctx, i, `${label} is ${shown(raw)}, not text`, `Set "${label}" to a field holding text or a number, e.g. ${example}.`);
}

/**
 * An ID setting of one item (a platform's campaign, ad set or keyword): text or a number, never
 * empty, at most 100 characters. Platforms' IDs are short numbers, so a longer value is a wrong
 * mapping, refused before it goes into a request (and from there into an error) whole.
 */
export function idParameter(ctx: IExecuteFunctions, name: string, i: number, label: string): string {
	const value = textParameter(ctx, name, i, label);
	if (!value) throw itemError(ctx, i, `${label} is empty`, `Set "${label}", e.g. to {{ $json.${name} }}, or check that the item has that field.`);
	if (value.length > 100) throw itemError(ctx, i, `${label} is ${shown(value)} (${value.length} characters), not an ID`, `Map "${label}" to the field that holds the ID, e.g. {{ $json.id }}.`);
	return value;
}

/** Text from a field mapping, trimmed; '' when the field is absent. Finite numbers are taken as text. */
export function readText(ctx: IExecuteFunctions, read: FieldReader, field: Field, i: number): string {
	const raw = read(field.parameter, i);
	if (raw === undefined || raw === null) return '';
	if (typeof raw === 'string' || (typeof raw === 'number' && Number.isFinite(raw))) return String(raw).trim();
	throw itemError(
		ctx,
		i,
		`${field.label} is ${shown(raw)}, not text`,
		`Set "${field.label}" to a field holding a name, e.g. ${field.example}.`,
	);
}


/**
 * An amount of money for a provider, in currency units: a finite number above 0 and at most
 * MONEY_LIMIT, or numeric text. Anything else (true, Infinity, -1, 1e308, "abc") is refused: a
 * provider would receive `1` for true and `null` for Infinity.
 */
export function readMoney(ctx: IExecuteFunctions, i: number, raw: unknown, label: string, example: string): number {
	const fix = `Use an amount above 0 and at most ${MONEY_LIMIT_TEXT} in the account currency, e.g. ${example}.`;
	if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) throw itemError(ctx, i, `${label} is missing`, fix);
	const amount = typeof raw === 'string' ? Number(raw.trim()) : raw;
	if (typeof amount !== 'number' || !Number.isFinite(amount)) throw itemError(ctx, i, `${label} is ${shown(raw)}, not an amount of money`, fix);
	if (!(amount > 0)) throw itemError(ctx, i, `${label} is ${shown(raw)}, not above 0`, fix);
	if (amount > MONEY_LIMIT) throw itemError(ctx, i, `${label} is ${shown(raw)}, above ${MONEY_LIMIT_TEXT}`, fix);
	return amount;
}
