/**
 * The report as CSV (RFC 4180: comma-separated, CRLF, quotes doubled), one line per total, channel
 * and campaign row, for a spreadsheet or an email attachment. Empty KPIs are empty cells. Text that
 * a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe.
 */
import type { Report, ReportRow } from './types';

function cell(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'number') return Number.isFinite(value) ? String(Math.round(value * 1e6) / 1e6) : '';
	let text = String(value);
	if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(report: Report): string {
	const keys = [...report.metrics, ...report.kpis];
	const header = ['level', 'channel', 'campaign', 'period_start', 'period_end', ...keys];
	if (report.previous?.hasData) for (const k of keys) header.push(`${k}_previous`, `${k}_change`);
	if (report.lastYear?.hasData) for (const k of keys) header.push(`${k}_last_year`, `${k}_change_vs_last_year`);
	header.push('budget', 'projected_spend', 'pacing', 'alerts');
	const lines = [header.map(cell).join(',')];
	const value = (r: ReportRow, k: string) => (k in r.metrics ? r.metrics[k as keyof ReportRow['metrics']] : r.kpis[k]);
	for (const r of report.rows) {
		const line: unknown[] = [r.level, r.channel, r.campaign, report.period?.start, report.period?.toDate, ...keys.map((k) => value(r, k))];
		if (report.previous?.hasData) {
			for (const k of keys) line.push(r.previous ? (k in r.previous.metrics ? r.previous.metrics[k as keyof ReportRow['metrics']] : r.previous.kpis[k]) : null, r.changes.vsPrevious?.[k]?.relative);
		}
		if (report.lastYear?.hasData) {
			for (const k of keys) line.push(r.lastYear ? (k in r.lastYear.metrics ? r.lastYear.metrics[k as keyof ReportRow['metrics']] : r.lastYear.kpis[k]) : null, r.changes.vsLastYear?.[k]?.relative);
		}
		line.push(r.pacing?.budget, r.pacing?.projectedSpend, r.pacing?.status, r.alerts);
		lines.push(line.map(cell).join(','));
	}
	return `${lines.join('\r\n')}\r\n`;
}
