/**
 * What every Bid Optimizer operation shares: reading one row per item (bad items stop the run or,
 * with Continue On Fail, become error items), and laying the engine's result out on the four
 * outputs: Changes, Unchanged, Alert, Summary.
 *
 * Every input item leaves exactly once, paired to itself: on Changes (a change to make), on
 * Unchanged (with the reason), or as an error item on Changes. Alert items pair to the items of
 * their campaign, the Summary item to every item it summarises.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, IPairedItemData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readNumber, type Field, type FieldReader } from '../../shared/fields';
import { FIGURE_LIMIT, FIGURE_LIMIT_TEXT } from '../../shared/limits';
import { shown } from '../../shared/show';
import { asNodeError, errorItem, itemError } from '../../shared/items';
import { BidSettingsError, type Decision, type OptimizerResult } from '../engine';

export const OUTPUTS = ['Changes', 'Unchanged', 'Alert', 'Summary'] as const;

export interface ReadRows<T> {
	rows: T[];
	/** The input item of each row. */
	items: number[];
	/** Error items (Continue On Fail), already paired. */
	failed: INodeExecutionData[];
}

/** Reads one row per input item with `read`; a throw stops the run or, continuing on fail, becomes an error item. */
export function readRows<T>(ctx: IExecuteFunctions, read: (i: number) => T): ReadRows<T> {
	const count = ctx.getInputData().length;
	const continueOnFail = ctx.continueOnFail();
	const out: ReadRows<T> = { rows: [], items: [], failed: [] };
	for (let i = 0; i < count; i++) {
		try {
			out.rows.push(read(i));
			out.items.push(i);
		} catch (error) {
			const nodeError = asNodeError(ctx, error, i);
			if (!continueOnFail) throw nodeError;
			out.failed.push(errorItem(nodeError, i));
		}
	}
	return out;
}

/** A number that must be 0 or more (clicks, spend, …) and at most FIGURE_LIMIT, so totals stay finite. */
export function readAmount(ctx: IExecuteFunctions, read: FieldReader, field: Field, i: number): number {
	return checkAmount(ctx, field, i, readNumber(ctx, read, field, i) as number, `Check "${field.label}": it should map a count or an amount of 0 or more, e.g. ${field.example}.`);
}

/** An optional number; undefined when the field is empty or absent. */
export function readOptionalAmount(ctx: IExecuteFunctions, read: FieldReader, field: Field, i: number): number | undefined {
	const value = readNumber(ctx, read, field, i, true);
	return value === undefined ? undefined : checkAmount(ctx, field, i, value, `Check "${field.label}", e.g. ${field.example}, or leave it empty.`);
}

function checkAmount(ctx: IExecuteFunctions, field: Field, i: number, value: number, fix: string): number {
	if (value < 0) throw itemError(ctx, i, `${field.label} is ${value}, below 0`, fix);
	if (value > FIGURE_LIMIT) throw itemError(ctx, i, `${field.label} is ${value}, above ${FIGURE_LIMIT_TEXT}`, fix);
	return value;
}

/** An ID from a field mapping: text or a number, never empty. */
export function readId(ctx: IExecuteFunctions, read: FieldReader, field: Field, i: number): string {
	const raw = read(field.parameter, i);
	const value = typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'bigint' ? String(raw).trim() : '';
	if (!value) {
		throw itemError(
			ctx,
			i,
			`${field.label} is ${raw === undefined || raw === '' ? 'missing' : shown(raw)}`,
			`Set "${field.label}" to the field that holds it, e.g. ${field.example}, or check that every item has that field.`,
		);
	}
	return value;
}

/** Optional text; undefined when empty. */
export function readOptionalText(read: FieldReader, field: Field, i: number): string | undefined {
	const raw = read(field.parameter, i);
	if (raw === undefined || raw === null) return undefined;
	const value = String(raw).trim();
	return value === '' ? undefined : value;
}

/** Runs an engine function, turning a setting out of range into an error that names it and the fix. */
export function runEngine<T>(ctx: IExecuteFunctions, run: () => T): T {
	try {
		return run();
	} catch (error) {
		if (error instanceof BidSettingsError) {
			throw new NodeOperationError(ctx.getNode(), `Setting out of range: ${error.message}`, { description: error.fix });
		}
		throw asNodeError(ctx, error);
	}
}

/** The item JSON of one decision: what to change, why, and the figures behind it. */
function decisionJson(decision: Decision, extra: IDataObject | undefined): IDataObject {
	return {
		platform: decision.platform,
		entityType: decision.entityType,
		entityId: decision.entityId,
		...extra,
		action: decision.action,
		rule: decision.rule,
		before: decision.before,
		after: decision.after,
		reason: decision.reason,
		campaignId: decision.campaignId,
		adGroupId: decision.adGroupId,
		metrics: decision.metrics,
	} as IDataObject;
}

/** Lays a result out on the four outputs. `extra(row)` adds row fields (keyword text, …) to each decision item. */
export function emit<T>(
	operation: string,
	read: ReadRows<T>,
	result: OptimizerResult,
	extra: (row: T) => IDataObject | undefined,
	settings: object,
): INodeExecutionData[][] {
	const [changes, unchanged, alerts, summary]: INodeExecutionData[][] = [[...read.failed], [], [], []];
	result.decisions.forEach((decision, r) => {
		const item: INodeExecutionData = { json: decisionJson(decision, extra(read.rows[r])), pairedItem: { item: read.items[r] } };
		(decision.action === 'none' ? unchanged : changes).push(item);
	});
	for (const alert of result.alerts) {
		alerts.push({
			json: { alert: 'budget', campaignId: alert.campaignId, dailySpend: alert.dailySpend, dailyBudget: alert.dailyBudget, spendRatio: alert.spendRatio, threshold: alert.threshold, reason: alert.reason, rows: alert.rows.length },
			pairedItem: alert.rows.map((r): IPairedItemData => ({ item: read.items[r] })),
		});
	}
	if (read.items.length > 0) {
		summary.push({
			json: { summary: operation, ...result.summary, errors: read.failed.length, settings: JSON.parse(JSON.stringify(settings)) } as IDataObject,
			pairedItem: read.items.map((item): IPairedItemData => ({ item })),
		});
	}
	return [changes, unchanged, alerts, summary];
}
