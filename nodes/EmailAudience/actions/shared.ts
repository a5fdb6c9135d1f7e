/** What the Email Audience operations share: the address check, items out, per-item runs. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { jsonParse } from 'n8n-workflow';

import { emailAddress } from '../../shared/channel/recipients';
import { asNodeError, errorItem, itemError } from '../../shared/items';
import type { Transport } from '../../shared/transport';

export const item = (json: IDataObject, i: number): INodeExecutionData => ({ json, pairedItem: { item: i } });

/** The item's address, tidied; an error naming the item, the field and the fix when it is not one. */
export function emailOf(ctx: IExecuteFunctions, i: number): string {
	const raw = ctx.getNodeParameter('email', i, '') as unknown;
	const checked = emailAddress(raw);
	if (!checked.ok) throw itemError(ctx, i, `Email: ${checked.reason}`, 'Set "Email" to the field that holds the contact\'s address, e.g. {{ $json.email }}.');
	return checked.address;
}

/** Names as text: a list's text and number entries, text, a number; nothing for an object (never "[object Object]"). */
const namesText = (value: unknown): string =>
	Array.isArray(value)
		? value.filter((entry) => typeof entry === 'string' || typeof entry === 'number').join(',')
		: typeof value === 'string' || typeof value === 'number'
			? String(value)
			: '';

/** Comma- or newline-separated names (tags, IDs), trimmed, without empties or repeats. */
export const listOf = (value: unknown): string[] => [
	...new Set(
		namesText(value)
			.split(/[,\n]/)
			.map((part) => part.trim())
			.filter(Boolean),
	),
];

/** A JSON object parameter (merge fields, custom fields); an error naming the item when it is not one. */
export function jsonObject(ctx: IExecuteFunctions, value: unknown, label: string, i: number): IDataObject {
	if (value === undefined || value === null || value === '') return {};
	const parsed = typeof value === 'string' ? jsonParse<unknown>(value, { fallbackValue: undefined }) : value;
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw itemError(ctx, i, `${label} is not a JSON object`, `Write it as { "KEY": "value" }.`);
	}
	return parsed as IDataObject;
}

/** Collects item results and failures so every input item comes out once, in input order. */
export class ItemResults {
	private readonly slots: Array<INodeExecutionData[] | undefined>;

	constructor(private readonly ctx: IExecuteFunctions) {
		this.slots = new Array(ctx.getInputData().length);
	}

	ok(i: number, ...out: INodeExecutionData[]): void {
		(this.slots[i] ??= []).push(...out);
	}

	/** Stops the run, or (Continue On Fail) keeps an error item for `i`. */
	fail(i: number, error: unknown): void {
		const nodeError = asNodeError(this.ctx, error, i);
		if (!this.ctx.continueOnFail()) throw nodeError;
		(this.slots[i] ??= []).push(errorItem(nodeError, i));
	}

	all(): INodeExecutionData[] {
		return this.slots.flatMap((slot) => slot ?? []);
	}
}

/**
 * `fn` for every input item, at most the transport's concurrency at once, results in input order.
 * A failure stops the run (after the requests already under way) or becomes that item's error item.
 */
export async function perItem(ctx: IExecuteFunctions, api: Transport, fn: (i: number) => Promise<IDataObject | INodeExecutionData[]>): Promise<INodeExecutionData[]> {
	const results = new ItemResults(ctx);
	const indexes = ctx.getInputData().map((_, i) => i);
	const failures: Array<{ i: number; error: unknown }> = [];
	await api.mapConcurrent(indexes, async (i) => {
		try {
			const out = await fn(i);
			if (Array.isArray(out)) results.ok(i, ...out);
			else results.ok(i, item(out, i));
		} catch (error) {
			failures.push({ i, error });
		}
	});
	for (const { i, error } of failures.sort((a, b) => a.i - b.i)) results.fail(i, error);
	return results.all();
}
