/**
 * The report as an HTML email that Gmail, Outlook and Apple Mail all show the same way:
 * - table layout only (Outlook's Word engine ignores floats, flex and most CSS on divs),
 *   a 640 px centred column, role="presentation" on layout tables;
 * - inline styles only (Gmail drops <style> blocks in some clients) and bgcolor / width / height
 *   attributes next to them for Outlook;
 * - charts are table cells with a background colour and a width or height: no script, no SVG,
 *   no images, so nothing is blocked and nothing needs "load remote content";
 * - every piece of text from the data is escaped.
 */
import { KPIS, type Metric } from './kpis';
import type { Alert, Pacing, Report, ReportRow } from './types';

export interface HtmlOptions {
	/** Put before amounts: '$', '€', 'EUR '… Empty: plain numbers. */
	currency?: string;
}

const COLORS = {
	text: '#1f2933',
	muted: '#616e7c',
	border: '#e4e7eb',
	page: '#f4f5f7',
	card: '#ffffff',
	bar: '#3b6fd8',
	good: '#137333',
	bad: '#c5221f',
	critical: '#c5221f',
	criticalBg: '#fce8e6',
	warning: '#b06000',
	warningBg: '#fef7e0',
	forecastBg: '#eef3fc',
};
const FONT = "font-family:Arial,Helvetica,sans-serif;";

const escape = (text: unknown) =>
	String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const KPI = new Map(KPIS.map((k) => [k.key, k]));
const MONEY = new Set(['spend', 'revenue']);
/** Metrics where going up is good; spend is neither (shown grey). */
const UP_GOOD = new Set(['revenue', 'conversions', 'clicks', 'impressions', 'delivered', 'opened', 'clicked', 'sent']);
const DOWN_GOOD = new Set(['bounced', 'unsubscribed']);

const LABELS: Record<string, string> = {
	impressions: 'Impressions',
	clicks: 'Clicks',
	spend: 'Spend',
	conversions: 'Conversions',
	revenue: 'Revenue',
	sent: 'Sent',
	delivered: 'Delivered',
	opened: 'Opens',
	clicked: 'Clicks (email)',
	bounced: 'Bounces',
	unsubscribed: 'Unsubscribes',
};
const label = (key: string) => KPI.get(key)?.label ?? LABELS[key] ?? key;

function formatter(currency: string) {
	const number = (v: number, digits = 0) => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
	const money = (v: number) => `${v < 0 ? '-' : ''}${currency}${number(Math.abs(v), Math.abs(v) >= 1000 ? 0 : 2)}`;
	return (key: string, v: number | null | undefined): string => {
		if (v === null || v === undefined) return '–';
		if (MONEY.has(key)) return money(v);
		const kpi = KPI.get(key);
		if (!kpi) return number(v, Number.isInteger(v) ? 0 : 1);
		if (kpi.format === 'percent') return `${(v * 100).toFixed(Math.abs(v) < 0.1 ? 2 : 1)}%`;
		if (kpi.format === 'money') return money(v);
		return `${v.toFixed(2)}×`;
	};
}

function changeBadge(key: string, relative: number | null | undefined): string {
	if (relative === null || relative === undefined) return `<span style="color:${COLORS.muted};">–</span>`;
	const up = relative > 0;
	const kpi = KPI.get(key);
	const goodWhenUp = kpi ? kpi.higherIsBetter : UP_GOOD.has(key) ? true : DOWN_GOOD.has(key) ? false : undefined;
	const color = relative === 0 || goodWhenUp === undefined ? COLORS.muted : up === goodWhenUp ? COLORS.good : COLORS.bad;
	return `<span style="color:${color};">${up ? '&#9650;' : relative < 0 ? '&#9660;' : ''} ${Math.abs(relative * 100).toFixed(1)}%</span>`;
}

/** The headline numbers: the ad ones when there is spend, the email ones when there are sends. */
function headlineKeys(report: Report): string[] {
	const has = (k: string) => report.metrics.includes(k as Metric) || report.kpis.includes(k);
	const keys = ['spend', 'revenue', 'roas', 'conversions', 'cpa', 'clicks', 'ctr', 'sent', 'openRate', 'clickRate', 'bounceRate'].filter(has);
	return keys.slice(0, 8);
}

function tiles(report: Report, f: ReturnType<typeof formatter>): string {
	const total = report.rows[0];
	const keys = headlineKeys(report);
	const cells = keys.map((k) => {
		const value = k in total.metrics ? total.metrics[k as Metric] : total.kpis[k];
		const vs = total.changes.vsPrevious?.[k]?.relative;
		return `<td width="25%" valign="top" style="padding:12px;border:1px solid ${COLORS.border};background:${COLORS.card};" bgcolor="${COLORS.card}">
<div style="${FONT}font-size:12px;color:${COLORS.muted};text-transform:uppercase;letter-spacing:0.5px;">${escape(label(k))}</div>
<div style="${FONT}font-size:22px;font-weight:bold;color:${COLORS.text};padding-top:4px;">${f(k, value)}</div>
<div style="${FONT}font-size:12px;padding-top:2px;">${report.previous?.hasData ? `${changeBadge(k, vs)} <span style="color:${COLORS.muted};">vs previous</span>` : '&nbsp;'}</div>
</td>`;
	});
	const rows: string[] = [];
	for (let i = 0; i < cells.length; i += 4) {
		const row = cells.slice(i, i + 4);
		while (row.length < 4) row.push('<td width="25%">&nbsp;</td>');
		rows.push(`<tr>${row.join('')}</tr>`);
	}
	return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;">${rows.join('')}</table>`;
}

function alertBox(alert: Alert): string {
	const critical = alert.severity === 'critical';
	const color = critical ? COLORS.critical : COLORS.warning;
	const bg = critical ? COLORS.criticalBg : COLORS.warningBg;
	const kind = { lowRoas: 'Low ROAS', highBounceRate: 'High bounce rate', dailyOverspend: 'Daily budget exceeded', overspend: 'Budget', anomaly: 'Unusual day' }[alert.type];
	return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;margin:0 0 8px 0;"><tr>
<td width="4" bgcolor="${color}" style="background:${color};width:4px;font-size:0;line-height:0;">&nbsp;</td>
<td bgcolor="${bg}" style="background:${bg};padding:10px 12px;${FONT}font-size:13px;color:${COLORS.text};"><strong style="color:${color};">${escape(kind)}</strong> &middot; ${escape(alert.message)}</td>
</tr></table>`;
}

/** Horizontal bars: one line per label, the bar's width its share of the largest. */
function barChart(title: string, bars: Array<{ label: string; value: number; text: string }>): string {
	const max = Math.max(0, ...bars.map((b) => b.value));
	const lines = bars.map((b) => {
		const w = max > 0 ? Math.max(1, Math.round((b.value / max) * 100)) : 1;
		return `<tr>
<td width="140" style="${FONT}font-size:13px;color:${COLORS.text};padding:3px 8px 3px 0;white-space:nowrap;">${escape(b.label)}</td>
<td style="padding:3px 0;"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr>
<td width="${w}%" height="14" bgcolor="${COLORS.bar}" style="background:${COLORS.bar};height:14px;font-size:0;line-height:0;">&nbsp;</td>${w < 100 ? `<td width="${100 - w}%" style="font-size:0;line-height:0;">&nbsp;</td>` : ''}
</tr></table></td>
<td width="90" align="right" style="${FONT}font-size:13px;color:${COLORS.text};padding:3px 0 3px 8px;white-space:nowrap;">${b.text}</td>
</tr>`;
	});
	return `${heading(title)}<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">${lines.join('')}</table>`;
}

/** Vertical bars, one per day (the last 62 at most), the tallest 80 px. */
function trendChart(title: string, metric: Metric, report: Report, f: ReturnType<typeof formatter>): string {
	const days = report.daily.slice(-62);
	const value = (p: { metrics: Partial<Record<Metric, number>> } | undefined) => p?.metrics[metric] ?? 0;
	const max = Math.max(0, ...days.map(value));
	const H = 80;
	const px = (v: number) => (max > 0 ? Math.max(1, Math.round((v / max) * H)) : 1);
	const cells = days.map((d) => {
		const h = px(value(d));
		return `<td valign="bottom" align="center" height="${H}" style="height:${H}px;padding:0 1px;" title="${escape(d.date)}: ${escape(f(metric, value(d)))}">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td height="${h}" bgcolor="${COLORS.bar}" style="background:${COLORS.bar};height:${h}px;font-size:0;line-height:0;">&nbsp;</td></tr></table></td>`;
	});
	const first = days[0]?.date ?? '';
	const last = days[days.length - 1]?.date ?? '';
	const total = days.reduce((s, d) => s + value(d), 0);
	return `${heading(title)}<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-bottom:1px solid ${COLORS.border};"><tr>${cells.join('')}</tr></table>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr>
<td style="${FONT}font-size:11px;color:${COLORS.muted};padding-top:4px;">${escape(first)}</td>
<td align="center" style="${FONT}font-size:11px;color:${COLORS.muted};padding-top:4px;">peak ${escape(f(metric, max))} a day &middot; total ${escape(f(metric, total))}</td>
<td align="right" style="${FONT}font-size:11px;color:${COLORS.muted};padding-top:4px;">${escape(last)}</td>
</tr></table>`;
}

function heading(text: string): string {
	return `<div style="${FONT}font-size:15px;font-weight:bold;color:${COLORS.text};padding:20px 0 8px 0;">${escape(text)}</div>`;
}

function pacingLine(name: string, p: Pacing, f: ReturnType<typeof formatter>): string {
	const share = p.budget > 0 ? p.spendToDate / p.budget : 1;
	const w = Math.max(1, Math.min(100, Math.round(share * 100)));
	const color = p.status === 'overspent' || p.status === 'overpacing' ? COLORS.bad : p.status === 'underpacing' ? COLORS.warning : COLORS.good;
	const words = { overspent: 'over budget', overpacing: 'spending too fast', onTrack: 'on track', underpacing: 'spending too slowly' }[p.status];
	return `<tr>
<td width="140" style="${FONT}font-size:13px;color:${COLORS.text};padding:4px 8px 4px 0;">${escape(name)}</td>
<td style="padding:4px 0;"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr>
<td width="${w}%" height="14" bgcolor="${color}" style="background:${color};height:14px;font-size:0;line-height:0;">&nbsp;</td>${w < 100 ? `<td width="${100 - w}%" bgcolor="${COLORS.border}" style="background:${COLORS.border};font-size:0;line-height:0;">&nbsp;</td>` : ''}
</tr></table>
<div style="${FONT}font-size:12px;color:${COLORS.muted};padding-top:2px;">${f('spend', p.spendToDate)} of ${f('spend', p.budget)} &middot; projected ${f('spend', p.projectedSpend)} &middot; <span style="color:${color};">${words}</span></div></td>
</tr>`;
}

function channelTable(report: Report, channel: ReportRow, campaigns: ReportRow[], f: ReturnType<typeof formatter>): string {
	const candidates = ['spend', 'revenue', 'roas', 'conversions', 'cpa', 'clicks', 'ctr', 'sent', 'openRate', 'clickRate', 'bounceRate', 'unsubscribeRate'];
	const value = (r: ReportRow, k: string) => (k in r.metrics ? r.metrics[k as Metric] : r.kpis[k]);
	const columns = candidates.filter((k) => (report.metrics.includes(k as Metric) || report.kpis.includes(k)) && value(channel, k) !== null && value(channel, k) !== undefined && value(channel, k) !== 0).slice(0, 6);
	const th = (text: string, align = 'right') => `<th align="${align}" style="${FONT}font-size:11px;color:${COLORS.muted};text-transform:uppercase;padding:6px 6px;border-bottom:2px solid ${COLORS.border};">${escape(text)}</th>`;
	const td = (html: string, align = 'right', bold = false) => `<td align="${align}" style="${FONT}font-size:13px;color:${COLORS.text};padding:6px 6px;border-bottom:1px solid ${COLORS.border};${bold ? 'font-weight:bold;' : ''}">${html}</td>`;
	const line = (r: ReportRow, name: string, bold: boolean) =>
		`<tr>${td(escape(name), 'left', bold)}${columns.map((k) => td(f(k, value(r, k)), 'right', bold)).join('')}${report.previous?.hasData ? td(changeBadge(columns[0], r.changes.vsPrevious?.[columns[0]]?.relative), 'right', bold) : ''}</tr>`;
	const header = `<tr>${th('Campaign', 'left')}${columns.map((k) => th(label(k))).join('')}${report.previous?.hasData && columns.length ? th(`${label(columns[0])} vs prev.`) : ''}</tr>`;
	const shown = campaigns.slice(0, 25);
	const more = campaigns.length - shown.length;
	return `${heading(channel.channel ?? '')}<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;">${header}${shown.map((r) => line(r, r.campaign ?? '', false)).join('')}${line(channel, 'Total', true)}</table>${more > 0 ? `<div style="${FONT}font-size:12px;color:${COLORS.muted};padding-top:4px;">and ${more} more campaigns (all of them in the CSV)</div>` : ''}`;
}

function forecastBox(total: ReportRow, f: ReturnType<typeof formatter>): string {
	if (!total.forecast) return '';
	const lines: string[] = [];
	for (const [metric, list] of Object.entries(total.forecast)) {
		for (const fc of list ?? []) {
			lines.push(`<tr><td style="${FONT}font-size:13px;color:${COLORS.text};padding:3px 8px 3px 0;">${escape(label(metric))}, next ${fc.horizonDays} days</td>
<td align="right" style="${FONT}font-size:13px;color:${COLORS.text};font-weight:bold;padding:3px 8px;">${f(metric, fc.value)}</td>
<td align="right" style="${FONT}font-size:12px;color:${COLORS.muted};padding:3px 0;">${Math.round(fc.level * 100)}% range ${f(metric, fc.low)} – ${f(metric, fc.high)}</td></tr>`);
		}
	}
	const days = Object.values(total.forecast)[0]?.[0]?.basedOnDays ?? 0;
	return `${heading('Forecast')}<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="${COLORS.forecastBg}" style="background:${COLORS.forecastBg};"><tr><td style="padding:10px 12px;">
<div style="${FONT}font-size:12px;color:${COLORS.muted};padding-bottom:6px;">A straight-line trend of the last ${days} days, extended: an estimate, not a promise. Budgets, seasons and launches are not in it.</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">${lines.join('')}</table></td></tr></table>`;
}

export function toHtml(report: Report, options: HtmlOptions = {}): string {
	const f = formatter(options.currency ?? '');
	const total = report.rows[0];
	const channels = report.rows.filter((r) => r.level === 'channel');
	const p = report.period;
	const subtitle = p
		? `${p.start} to ${p.end}${p.inProgress ? ` (to date: ${p.toDate}, day ${Math.ceil(p.daysElapsed)} of ${p.days})` : ''}${report.previous?.hasData ? ` &middot; compared with ${report.previous.start} to ${report.previous.end}` : ''}`
		: 'All rows (no dates in the data)';
	const parts: string[] = [];
	parts.push(`<div style="${FONT}font-size:22px;font-weight:bold;color:${COLORS.text};">${escape(report.title)}</div>
<div style="${FONT}font-size:13px;color:${COLORS.muted};padding:4px 0 16px 0;">${subtitle}</div>`);
	if (total) parts.push(tiles(report, f));
	if (report.alerts.length) {
		const shown = report.alerts.slice(0, 12);
		parts.push(heading(`Alerts (${report.alerts.length})`) + shown.map(alertBox).join(''));
		if (report.alerts.length > shown.length) parts.push(`<div style="${FONT}font-size:12px;color:${COLORS.muted};">and ${report.alerts.length - shown.length} more in the node's output</div>`);
	}
	const main: Metric | undefined = report.metrics.includes('spend') ? 'spend' : report.metrics.includes('sent') ? 'sent' : report.metrics[0];
	if (main && report.daily.length > 1) parts.push(trendChart(`${label(main)} per day`, main, report, f));
	if (main && channels.length > 0) {
		parts.push(barChart(`${label(main)} by channel`, channels.filter((c) => (c.metrics[main] ?? 0) > 0).map((c) => ({ label: c.channel ?? '', value: c.metrics[main] ?? 0, text: f(main, c.metrics[main] ?? 0) }))));
	}
	const paced = [total, ...channels].filter((r) => r?.pacing);
	if (paced.length) {
		parts.push(`${heading('Budget pacing')}<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">${paced.map((r) => pacingLine(r.level === 'total' ? 'All channels' : (r.channel ?? ''), r.pacing!, f)).join('')}</table>`);
	}
	if (total) parts.push(forecastBox(total, f));
	for (const c of channels) parts.push(channelTable(report, c, report.rows.filter((r) => r.level === 'campaign' && r.channel === c.channel), f));
	const q = report.dataQuality;
	const notes = [...q.missingColumns.map((m) => m.message), ...q.notes, ...q.badNumbers.map((b) => `${b.count} rows have a ${b.column} ("${b.field}") that is not a number; it is left out.`)];
	if (q.rowsBefore || q.rowsAfter) notes.push(`${q.rowsBefore + q.rowsAfter} rows are outside the dates this report looks at.`);
	if (notes.length) {
		parts.push(`${heading('About the data')}<div style="${FONT}font-size:12px;color:${COLORS.muted};">${notes.map(escape).join('<br>')}</div>`);
	}
	parts.push(`<div style="${FONT}font-size:11px;color:${COLORS.muted};padding-top:24px;">${q.rowsInPeriod.toLocaleString('en-US')} of ${q.rows.toLocaleString('en-US')} rows in the period${p ? ` &middot; ${escape(p.timeZone)} &middot; made ${escape(p.asOf.slice(0, 16).replace('T', ' '))} UTC` : ''} &middot; Campaign Kit</div>`);
	return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="x-apple-disable-message-reformatting"><title>${escape(report.title)}</title></head>
<body style="margin:0;padding:0;background:${COLORS.page};" bgcolor="${COLORS.page}">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="${COLORS.page}" style="background:${COLORS.page};"><tr><td align="center" style="padding:24px 8px;">
<table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0" bgcolor="${COLORS.card}" style="width:640px;max-width:640px;background:${COLORS.card};border:1px solid ${COLORS.border};"><tr><td style="padding:24px;">
${parts.join('\n')}
</td></tr></table>
</td></tr></table>
</body></html>
`;
}
