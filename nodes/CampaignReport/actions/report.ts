/**
 * Reads the node's settings, runs the engine on every input item's JSON, and shapes the chosen
 * output. The node aggregates, so its items pair with the input items they summarise: a KPI row
 * with its campaign's (or channel's) items, the total and the single CSV / HTML / report item with
 * every input item, an alert with the items of its row.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, IPairedItemData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { DateTime, IANAZone } from 'luxon';

import { asNodeError, errorItem } from '../../shared/items';
import { FIGURE_LIMIT, FIGURE_LIMIT_TEXT } from '../../shared/limits';
import { shown } from '../../shared/show';
import { SOURCE_FIELDS, type Source } from '../description';
import { buildReport, DEFAULT_FORECAST, ReportSettingError, toCsv, toHtml } from '../engine';
import type { Metric } from '../engine/kpis';
import type { Budget, Column, Report, ReportRow, ReportSettings } from '../engine/types';
import { now } from '../../shared/clock';

type Output = 'rows' | 'alerts' | 'csv' | 'html' | 'report';

function settingsFrom(ctx: IExecuteFunctions): ReportSettings {
	const source = ctx.getNodeParameter('source', 0) as Source;
	const preset = SOURCE_FIELDS[source];
	const fields = ctx.getNodeParameter('fields', 0, {}) as Partial<Record<Column, string>>;
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const period = ctx.getNodeParameter('period', 0) as ReportSettings['period'];
	const budgets = ((ctx.getNodeParameter('budgets', 0, {}) as IDataObject).budget as IDataObject[] | undefined) ?? [];
	const timeZone = String(options.timeZone ?? '').trim() || ctx.getTimezone();
	if (!IANAZone.isValidZone(timeZone)) {
		throw new ReportSettingError(`the time zone ${shown(timeZone)} is not known`, 'Use an IANA name such as Europe/Berlin or America/New_York.');
	}
	// A date and time without an offset is read in the report's time zone, as the marketer means it.
	const asOfText = String(options.asOf ?? '').trim();
	const asOf = asOfText ? DateTime.fromISO(asOfText, { zone: timeZone }).toMillis() : now();
	if (Number.isNaN(asOf)) throw new ReportSettingError(`As Of ${shown(asOfText)} is not a date`, 'Pick a date and time, or leave As Of empty for now.');
	const positive = (v: unknown, fallback: number, label: string) => setting(v, fallback, label);
	const threshold = (v: unknown, fallback: number, label: string, scale = 1) => {
		const x = positive(v, fallback, label);
		return x > 0 ? x * scale : null;
	};
	return {
		columns: { ...preset.columns, ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v ?? '').trim()])) },
		defaultChannel: String(options.defaultChannel ?? '').trim() || preset.defaultChannel,
		timeZone,
		asOf,
		period,
		customStart: period === 'custom' ? String(ctx.getNodeParameter('startDate', 0, '')) : undefined,
		customEnd: period === 'custom' ? String(ctx.getNodeParameter('endDate', 0, '')) : undefined,
		budgets: budgets.map((b) => ({ channel: String(b.channel ?? ''), campaign: String(b.campaign ?? ''), amount: setting(b.amount, 0, 'Budget Amount'), per: (b.per as Budget['per']) ?? 'period' })),
		budgetFieldPer: (options.budgetFieldPer as 'day' | 'period' | undefined) ?? 'day',
		thresholds: {
			minRoas: threshold(options.minRoas, 1.5, 'Low ROAS Alert Below'),
			maxBounceRate: threshold(options.maxBounceRatePercent, 5, 'High Bounce Rate Alert Above (%)', 0.01),
			maxDailySpendShare: threshold(options.maxDailySpendPercent, 120, 'Daily Spend Alert Above (% of Daily Budget)', 0.01),
			pacingTolerance: positive(options.pacingTolerancePercent, 10, 'On-Track Pacing Tolerance (%)') / 100,
		},
		anomalies:
			options.anomalies === false
				? null
				: {
						metrics: (options.anomalyMetrics as Metric[] | undefined) ?? ['spend', 'conversions', 'revenue'],
						k: positive(options.anomalyK, 3, 'Anomaly Sensitivity (K)'),
						window: positive(options.anomalyWindow, 28, 'Anomaly Window (Days)'),
						minHistory: Math.min(14, positive(options.anomalyWindow, 28, 'Anomaly Window (Days)')),
						seasonality: (options.seasonality as 'auto' | 'off' | undefined) ?? 'auto',
					},
		forecast: options.forecast === false ? null : DEFAULT_FORECAST,
	};
}

/**
 * A number setting; empty is its default. NaN, Infinity, true/false, text that is not a number and
 * values beyond 0 to FIGURE_LIMIT are refused by name: they would turn pacing or alerts into NaN or
 * Infinity (or, for true, silently into 1).
 */
function setting(value: unknown, fallback: number, label: string): number {
	if (value === undefined || value === null || value === '') return fallback;
	const x = typeof value === 'string' ? Number(value.trim()) : value;
	if (typeof x === 'number' && x >= 0 && x <= FIGURE_LIMIT) return x;
	throw new ReportSettingError(`${label} is ${shown(value)}, not a number from 0 to ${FIGURE_LIMIT_TEXT}`, `Set "${label}" to a plain number, or leave it empty for the default.`);
}

/** Attribution credits of several models would count each conversion once per model. */
function oneModel(items: INodeExecutionData[]) {
	const models = new Set<unknown>();
	for (const item of items) if (item.json.model !== undefined) models.add(item.json.model);
	if (models.size > 1) {
		throw new ReportSettingError(
			`the Attribution credits hold ${models.size} models (${[...models].join(', ')}), which would count every conversion ${models.size} times`,
			'Pick one model in the Attribution node, or keep one with a Filter node (model is equal to …) before this node.',
		);
	}
}

/** A one-line summary for an email subject: "Campaign report 1–10 Mar: spend 2,690.80 (+12.3%), ROAS 3.21, 3 alerts". */
function subjectOf(report: Report, currency: string): string {
	const t = report.rows[0];
	const parts: string[] = [];
	const money = (v: number) => `${currency}${v.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 })}`;
	const rel = (k: string) => {
		const r = t?.changes.vsPrevious?.[k]?.relative;
		return r === null || r === undefined ? '' : ` (${r >= 0 ? '+' : ''}${(r * 100).toFixed(1)}%)`;
	};
	if (t?.metrics.spend !== undefined) parts.push(`spend ${money(t.metrics.spend)}${rel('spend')}`);
	if (t?.kpis.roas !== undefined && t.kpis.roas !== null) parts.push(`ROAS ${t.kpis.roas.toFixed(2)}`);
	if (t?.kpis.openRate !== undefined && t.kpis.openRate !== null) parts.push(`open rate ${(t.kpis.openRate * 100).toFixed(1)}%`);
	parts.push(`${report.alerts.length} alert${report.alerts.length === 1 ? '' : 's'}`);
	const when = report.period ? `${report.period.start} to ${report.period.toDate}` : 'all rows';
	return `${report.title} ${when}: ${parts.join(', ')}`;
}

export async function reportItems(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const output = ctx.getNodeParameter('output', 0) as Output;
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const all: IPairedItemData[] = items.map((_, i) => ({ item: i }));
	let report: Report;
	try {
		const settings = settingsFrom(ctx);
		if (ctx.getNodeParameter('source', 0) === 'attribution') oneModel(items);
		report = buildReport(
			items.map((item) => item.json),
			settings,
			String(options.title ?? '').trim() || 'Campaign report',
		);
	} catch (error) {
		const nodeError =
			error instanceof ReportSettingError ? new NodeOperationError(ctx.getNode(), `Campaign Report: ${error.message}`, { description: error.fix }) : asNodeError(ctx, error);
		if (!ctx.continueOnFail()) throw nodeError;
		return [[{ ...errorItem(nodeError, 0), pairedItem: all }]];
	}

	// Each report row's input items: a campaign's rows in the period; a channel's, its campaigns'; the total, all.
	const rowItems: number[][] = report.rows.map(() => []);
	for (let i = 0; i < items.length; i++) if (report.rowOf[i] >= 0) rowItems[report.rowOf[i]].push(i);
	let channelRow = -1;
	report.rows.forEach((r, k) => {
		if (r.level === 'channel') channelRow = k;
		else if (r.level === 'campaign' && channelRow >= 0) for (const i of rowItems[k]) rowItems[channelRow].push(i);
	});
	const pairsOf = (k: number): IPairedItemData[] => (k === 0 ? all : rowItems[k].sort((a, b) => a - b).map((i) => all[i]));
	const rowIndex = (level: ReportRow['level'], channel: string | null, campaign: string | null) =>
		report.rows.findIndex((r) => r.level === level && r.channel === channel && r.campaign === campaign);

	// The per-input-row arrays are for pairing, not for the output.
	const plain: Partial<Report> = { ...report };
	delete plain.rowOf;
	delete plain.dayOf;
	const binaryProperty = String(options.binaryPropertyName ?? 'data').trim() || 'data';
	const fileName = String(options.fileName ?? 'campaign-report').trim() || 'campaign-report';
	const summary = () => ({
		title: report.title,
		period: report.period,
		previous: report.previous,
		lastYear: report.lastYear,
		total: report.rows[0],
		alerts: report.alerts.length,
		alertMessages: report.alerts.map((a) => a.message),
		dataQuality: report.dataQuality,
	});

	switch (output) {
		case 'rows':
			return [
				report.rows.map((r, k) => ({
					json: { ...r, period: report.period ? { start: report.period.start, end: report.period.toDate } : null } as unknown as IDataObject,
					pairedItem: pairsOf(k),
				})),
			];
		case 'alerts':
			return [
				report.alerts.map((a) => {
					const k = rowIndex(a.level, a.channel, a.campaign);
					return { json: a as unknown as IDataObject, pairedItem: k >= 0 ? pairsOf(k) : all };
				}),
			];
		case 'report':
			return [[{ json: plain as unknown as IDataObject, pairedItem: all }]];
		case 'csv': {
			const csv = toCsv(report);
			const binary = await ctx.helpers.prepareBinaryData(Buffer.from(csv, 'utf8'), `${fileName}.csv`, 'text/csv');
			return [[{ json: { ...summary(), fileName: `${fileName}.csv`, rows: report.rows.length }, binary: { [binaryProperty]: binary }, pairedItem: all }]];
		}
		case 'html': {
			const currency = String(options.currency ?? '');
			const html = toHtml(report, { currency });
			const binary = await ctx.helpers.prepareBinaryData(Buffer.from(html, 'utf8'), `${fileName}.html`, 'text/html');
			return [[{ json: { subject: subjectOf(report, currency), html, ...summary() }, binary: { [binaryProperty]: binary }, pairedItem: all }]];
		}
	}
}
