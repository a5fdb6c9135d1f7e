/**
 * Spend joined to credited results: cost per acquisition and return on ad spend.
 *   CPA = spend / credited conversions   (null when the group has no positive credit)
 *   ROAS = credited value / spend        (null when there is no spend)
 */
import { FIGURE_LIMIT, FIGURE_LIMIT_TEXT } from '../../shared/limits';
import { shown } from '../../shared/show';

import { AttributionError } from './types';
export interface SpendMetrics {
	spend: number;
	cpa: number | null;
	roas: number | null;
}

export function spendMetrics(conversions: number, value: number, spend: number): SpendMetrics {
	return {
		spend,
		cpa: conversions > 0 ? spend / conversions : null,
		roas: spend > 0 ? value / spend : null,
	};
}

/** An amount of spend as a number ≥ 0 (numeric text accepted); throws with the reason otherwise. */
export function spendAmount(raw: unknown): number {
	if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
		throw new AttributionError('the spend amount is missing', 'Give every spend row an amount, e.g. {"channel": "Email", "spend": 120}.');
	}
	const value = typeof raw === 'string' ? Number(raw.trim()) : raw;
	if (typeof value !== 'number' || !Number.isFinite(value)) {
		throw new AttributionError(`the spend amount ${shown(raw)} is not a number`, 'Use a plain number for spend, e.g. 120.5.');
	}
	if (value < 0) throw new AttributionError(`the spend amount ${value} is negative`, 'Spend is an amount paid: use 0 or more.');
	if (value > FIGURE_LIMIT) throw new AttributionError(`the spend amount ${value} is above ${FIGURE_LIMIT_TEXT}`, 'Give spend in currency units, e.g. 120.5.');
	return value;
}

/** A spend row from a table: {"Email": 120} entries or {channel, campaign, spend} objects. */
export interface SpendRow {
	channel?: string;
	campaign?: string;
	/** From the object form: the channel, or the campaign when grouping by campaign. */
	key?: string;
	spend: unknown;
}

/**
 * Reads a spend table given as an object of channel → amount, or as a list of rows with channel,
 * campaign and spend. Throws an AttributionError naming the row for anything else.
 */
export function spendTableRows(table: unknown): SpendRow[] {
	if (table === undefined || table === null || table === '') return [];
	let parsed = table;
	if (typeof table === 'string') {
		let problem = '';
		try {
			parsed = JSON.parse(table);
		} catch (error) {
			problem = (error as Error).message;
		}
		if (problem) {
			throw new AttributionError(`the spend table is not valid JSON: ${problem}`, 'Write it as {"Email": 120, "Paid Search": 900} or a list of {"channel", "spend"} rows.');
		}
	}
	if (Array.isArray(parsed)) {
		return parsed.map((row, index) => {
			if (!row || typeof row !== 'object' || Array.isArray(row)) {
				throw new AttributionError(`spend table row ${index} is ${shown(row)}, not an object`, 'Give each row a channel (and/or campaign) and a spend, e.g. {"channel": "Email", "spend": 120}.');
			}
			const r = row as Record<string, unknown>;
			return {
				channel: r.channel === undefined || r.channel === null ? undefined : String(r.channel),
				campaign: r.campaign === undefined || r.campaign === null ? undefined : String(r.campaign),
				spend: r.spend ?? r.cost ?? r.amount,
			};
		});
	}
	if (parsed && typeof parsed === 'object') {
		return Object.entries(parsed as Record<string, unknown>).map(([key, spend]) => ({ key, spend }));
	}
	throw new AttributionError(`the spend table is ${shown(parsed)}`, 'Write it as {"Email": 120, "Paid Search": 900} or a list of {"channel", "spend"} rows.');
}
