/**
 * The report: metric rows in, KPIs per total / channel / campaign, period over period, pacing,
 * alerts, anomalies and a trend forecast out. Pure: no n8n, no I/O.
 *
 * Two passes over the rows. The first reads each row's day and its (channel, campaign) group and
 * finds the data's span; the second adds the row's numbers into the channel's daily grid (all
 * days the report looks at, for anomalies and the forecast) and into its campaign's sums for the
 * three compared windows (this period to date, the previous period, the same days last year).
 * Campaigns keep only those sums and their daily spend to date, so thousands of campaigns cost little.
 */
import { FIGURE_LIMIT } from '../../shared/limits';
import { echoed, shown } from '../../shared/show';

import { robustBand } from './anomalies';
import { DAY_MS, dayReader, isoDay, localDayTime, reportPeriods, weekday, type DayRange } from './days';
import { trendForecast } from './forecast';
import { change, computeKpis, kpisFor, M, METRIC_INDEX, METRICS, type KpiDefinition, type Metric, type Sums } from './kpis';
import type { Alert, Budget, Column, DailyPoint, DataQuality, Pacing, PeriodSide, Report, ReportRow, ReportSettings } from './types';

export const NOT_SET = '(not set)';
const LISTED = 100;
/** Delivery event types that are counted, and the metric each adds 1 to. */
const EVENT_METRICS: Record<string, Metric> = {
	sent: 'sent',
	delivered: 'delivered',
	opened: 'opened',
	open: 'opened',
	clicked: 'clicked',
	click: 'clicked',
	bounced: 'bounced',
	bounce: 'bounced',
	unsubscribed: 'unsubscribed',
	unsubscribe: 'unsubscribed',
};
const EMAIL_METRICS: Metric[] = ['sent', 'delivered', 'opened', 'clicked', 'bounced', 'unsubscribed'];

/** A report setting is wrong (a custom date, a budget): the node turns it into an error for the marketer. */
export class ReportSettingError extends Error {
	constructor(
		message: string,
		readonly fix: string,
	) {
		super(message);
		this.name = 'ReportSettingError';
	}
}

type Reader = (row: unknown) => unknown;

function reader(path: string | undefined): Reader | undefined {
	const p = path?.trim();
	if (!p) return undefined;
	const parts = p.split('.');
	if (parts.length === 1) return (row) => (row as Record<string, unknown> | null)?.[p];
	return (row) => {
		let v: unknown = row;
		for (const key of parts) {
			if (v === null || typeof v !== 'object') return undefined;
			v = (v as Record<string, unknown>)[key];
		}
		return v;
	};
}

const empty = (v: unknown) => v === undefined || v === null || v === '';

function text(v: unknown): string {
	if (typeof v === 'string') return v.trim();
	if (typeof v === 'number' || typeof v === 'boolean') return String(v);
	return '';
}

/**
 * A number, numeric text ("12.50", as Meta and spreadsheets give), or NaN, which the report lists
 * as a bad number. So is a figure beyond ±FIGURE_LIMIT: sums and forecasts of it would overflow.
 */
function numberOf(v: unknown): number {
	const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v.trim()) : NaN;
	return Math.abs(n) <= FIGURE_LIMIT ? n : NaN;
}

interface Group {
	channel: number;
	campaign: string;
	/** Sums of the windows: [current | previous | lastYear] × metric. */
	sums: Float64Array;
	/** Spend per day of the period to date (daily budget checks). */
	dailySpend: Float64Array;
	budget: number;
	budgetDay: number;
	rows: number;
}

interface Channel {
	name: string;
	/** Grid: day × metric. */
	grid: Float64Array;
	firstDay: number;
}

export function buildReport(rows: ArrayLike<unknown>, settings: ReportSettings, title = 'Campaign report'): Report {
	const n = rows.length;
	const columns = settings.columns;
	const read: Partial<Record<Column, Reader>> = {};
	for (const [column, path] of Object.entries(columns)) {
		const r = reader(path);
		if (r) read[column as Column] = r;
	}
	const metricReaders: Array<[number, Reader]> = [];
	for (const m of METRICS) if (read[m]) metricReaders.push([METRIC_INDEX[m], read[m]!]);

	const quality: DataQuality = {
		rows: n,
		rowsInPeriod: 0,
		missingColumns: [],
		badDates: { count: 0, rows: [] },
		badNumbers: [],
		rowsBefore: 0,
		rowsAfter: 0,
		otherEvents: {},
		notes: [],
	};
	const presentCount: Partial<Record<Column, number>> = {};
	const count = (column: Column) => (presentCount[column] = (presentCount[column] ?? 0) + 1);

	// Pass 1: days and groups.
	const dayOf = new Float64Array(n);
	const groupOf = new Int32Array(n);
	const eventOf = new Int8Array(n).fill(-1);
	const readDay = dayReader(settings.timeZone);
	const channels: Channel[] = [];
	const channelIndex = new Map<string, number>();
	const groups: Group[] = [];
	const groupIndex: Array<Map<string, number>> = [];
	const defaultChannel = settings.defaultChannel.trim() || NOT_SET;
	let minDay = Infinity;
	let maxDay = -Infinity;
	let eventRows = 0;
	for (let i = 0; i < n; i++) {
		const row = rows[i];
		if (read.date) {
			const raw = read.date(row);
			if (empty(raw)) dayOf[i] = NaN;
			else {
				count('date');
				const day = readDay(raw);
				dayOf[i] = day;
				if (Number.isNaN(day)) {
					quality.badDates.count++;
					if (quality.badDates.rows.length < LISTED) quality.badDates.rows.push({ row: i, value: echoed(raw) });
				} else {
					if (day < minDay) minDay = day;
					if (day > maxDay) maxDay = day;
				}
			}
		}
		let channelName = '';
		if (read.channel) {
			channelName = text(read.channel(row));
			if (channelName) count('channel');
		}
		const campaignRaw = read.campaign ? text(read.campaign(row)) : '';
		if (campaignRaw) count('campaign');
		let c = channelIndex.get(channelName || defaultChannel);
		if (c === undefined) {
			c = channels.length;
			channelIndex.set(channelName || defaultChannel, c);
			channels.push({ name: channelName || defaultChannel, grid: new Float64Array(0), firstDay: Infinity });
			groupIndex.push(new Map());
		}
		const campaign = campaignRaw || NOT_SET;
		let g = groupIndex[c].get(campaign);
		if (g === undefined) {
			g = groups.length;
			groupIndex[c].set(campaign, g);
			groups.push({ channel: c, campaign, sums: new Float64Array(3 * M), dailySpend: new Float64Array(0), budget: NaN, budgetDay: -Infinity, rows: 0 });
		}
		groupOf[i] = g;
		if (read.eventType) {
			const type = text(read.eventType(row)).toLowerCase();
			if (type) {
				count('eventType');
				eventRows++;
				const metric = EVENT_METRICS[type];
				if (metric) eventOf[i] = METRIC_INDEX[metric];
				else {
					eventOf[i] = -2;
					quality.otherEvents[type] = (quality.otherEvents[type] ?? 0) + 1;
				}
			}
		}
	}

	// Undated when no date column is mapped or no row has a date: one period, the rows as they are.
	const dated = read.date !== undefined && (presentCount.date ?? 0) > 0;
	const asOfTime = localDayTime(settings.asOf, settings.timeZone);
	const asOfDay = Math.floor(asOfTime);
	let custom: DayRange | undefined;
	if (settings.period === 'custom') {
		const start = dayOfIsoSetting(settings.customStart, 'Start Date');
		const end = dayOfIsoSetting(settings.customEnd, 'End Date');
		if (start > end) throw new ReportSettingError(`the Start Date ${settings.customStart} is after the End Date ${settings.customEnd}`, 'Swap them.');
		custom = { start, end };
	}
	const hasSpan = minDay <= maxDay;
	const periods = dated ? reportPeriods(settings.period, asOfDay, custom, hasSpan ? { start: minDay, end: maxDay } : { start: asOfDay, end: asOfDay }) : undefined;

	// The grid: every day the report looks at.
	let gridStart = 0;
	let gridEnd = 0;
	if (periods) {
		const back = settings.anomalies ? Math.max(settings.anomalies.window, 56) : 0;
		gridStart = Math.min(periods.toDate.start - back, periods.previous.start, periods.lastYear.start, periods.toDate.end - (settings.forecast?.window ?? 0));
		gridEnd = periods.toDate.end;
	}
	const D = gridEnd - gridStart + 1;
	const toDateDays = periods ? periods.toDate.end - periods.toDate.start + 1 : 1;
	/** Per grid day: bit 1 this period to date, bit 2 previous, bit 4 last year. */
	const windowBits = new Uint8Array(D);
	if (periods) {
		const mark = (r: DayRange, bit: number) => {
			for (let d = Math.max(r.start, gridStart); d <= Math.min(r.end, gridEnd); d++) windowBits[d - gridStart] |= bit;
		};
		mark(periods.toDate, 1);
		mark(periods.previous, 2);
		mark(periods.lastYear, 4);
	} else windowBits[0] = 1;
	for (const ch of channels) ch.grid = new Float64Array(D * M);
	for (const g of groups) g.dailySpend = new Float64Array(toDateDays);

	// Pass 2: the numbers.
	const present = new Set<Metric>();
	const badNumbers = new Map<Column, DataQuality['badNumbers'][number]>();
	const bad = (column: Column, i: number, value: unknown) => {
		let entry = badNumbers.get(column);
		if (!entry) badNumbers.set(column, (entry = { column, field: columns[column]!, count: 0, rows: [] }));
		entry.count++;
		if (entry.rows.length < LISTED) entry.rows.push({ row: i, value: echoed(value) });
	};
	const spendIndex = METRIC_INDEX.spend;
	const rowOfGroupDay = new Float64Array(n);
	const windowCount = new Int32Array(3);
	let windowRows = 0;
	let lastDataDay = -Infinity;
	const values = new Float64Array(M);
	const seen = new Uint8Array(M);
	for (let i = 0; i < n; i++) {
		let dayIndex = 0;
		if (dated) {
			const day = dayOf[i];
			if (Number.isNaN(day)) {
				rowOfGroupDay[i] = -1;
				continue;
			}
			if (day > gridEnd) {
				quality.rowsAfter++;
				rowOfGroupDay[i] = -1;
				continue;
			}
			if (day < gridStart) {
				quality.rowsBefore++;
				rowOfGroupDay[i] = -1;
				continue;
			}
			dayIndex = day - gridStart;
		}
		const row = rows[i];
		const g = groups[groupOf[i]];
		const ch = channels[g.channel];
		const bits = windowBits[dayIndex];
		const e = eventOf[i];
		values.fill(0);
		seen.fill(0);
		if (e >= 0) {
			values[e] = 1;
			seen[e] = 1;
		} else if (e === -1) {
			for (let k = 0; k < metricReaders.length; k++) {
				const [m, r] = metricReaders[k];
				const raw = r(row);
				if (empty(raw)) continue;
				const v = numberOf(raw);
				if (Number.isNaN(v)) {
					bad(METRICS[m], i, raw);
					continue;
				}
				values[m] = v;
				seen[m] = 1;
			}
		}
		let any = false;
		const base = dayIndex * M;
		for (let m = 0; m < M; m++) {
			if (!seen[m]) continue;
			any = true;
			present.add(METRICS[m]);
			ch.grid[base + m] += values[m];
			if (bits & 1) g.sums[m] += values[m];
			if (bits & 2) g.sums[M + m] += values[m];
			if (bits & 4) g.sums[2 * M + m] += values[m];
		}
		if (any && dated) {
			const day = gridStart + dayIndex;
			if (day < ch.firstDay) ch.firstDay = day;
			if (bits & 1 && day > lastDataDay) lastDataDay = day;
		}
		if (bits & 1) {
			if (periods && seen[spendIndex]) g.dailySpend[gridStart + dayIndex - periods.toDate.start] += values[spendIndex];
			windowRows++;
			g.rows++;
			rowOfGroupDay[i] = groupOf[i];
		} else rowOfGroupDay[i] = -1;
		if (bits & 2) windowCount[1]++;
		if (bits & 4) windowCount[2]++;
		if (read.budget && (bits & 1 || !dated)) {
			const raw = read.budget(row);
			if (!empty(raw)) {
				count('budget');
				const v = numberOf(raw);
				if (Number.isNaN(v)) bad('budget', i, raw);
				else if (gridStart + dayIndex >= g.budgetDay) {
					g.budget = v;
					g.budgetDay = gridStart + dayIndex;
				}
			}
		}
	}
	quality.rowsInPeriod = windowRows;
	for (const m of metricReaders) {
		const name = METRICS[m[0]];
		if (present.has(name)) count(name);
	}
	if (eventRows > 0) for (const m of EMAIL_METRICS) present.add(m);
	for (const entry of badNumbers.values()) quality.badNumbers.push(entry);

	// Missing columns: once per column, never per row.
	for (const [column, path] of Object.entries(columns) as Array<[Column, string | undefined]>) {
		if (!path?.trim()) continue;
		const seenIn = presentCount[column] ?? 0;
		if (column === 'channel' && seenIn === 0 && settings.defaultChannel.trim()) continue;
		if (METRICS.includes(column as Metric) && eventRows > 0 && EMAIL_METRICS.includes(column as Metric)) continue;
		if (column === 'eventType' && seenIn === 0 && metricReaders.length > 0) continue;
		const missingIn = n - seenIn;
		if (seenIn === 0 && n > 0) {
			quality.missingColumns.push({ column, field: path, missingIn, message: `No row has "${path}" (${column}): ${missingConsequence(column)}` });
		} else if (missingIn > 0 && ['date', 'channel', 'campaign'].includes(column)) {
			quality.missingColumns.push({ column, field: path, missingIn, message: `${missingIn} of ${n} rows have no "${path}" (${column})${column === 'date' ? ': they are not in any period' : `: they are counted as ${column === 'channel' ? defaultChannel : NOT_SET}`}` });
		}
	}
	if (dated && quality.badDates.count > 0) quality.notes.push(`${quality.badDates.count} rows have a date that cannot be read; they are listed in badDates and left out of every period.`);
	if (!dated && n > 0) quality.notes.push(read.date ? 'No row has a date: the report covers all rows as one period, without comparisons, anomalies or forecast.' : 'No date field is set: the report covers all rows as one period, without comparisons, anomalies or forecast.');

	const metrics = METRICS.filter((m) => present.has(m));
	const kpis = kpisFor(present);
	const periodDays = periods ? periods.period.end - periods.period.start + 1 : 1;
	// Days elapsed, through the last day with data. When that is the as-of day itself, which is not
	// over yet, only its part gone counts (at 08:00 a third of today's spend is in, not all of it).
	const dayGone = asOfTime - asOfDay;
	const elapsed = !periods
		? 1
		: lastDataDay < periods.toDate.start
			? toDateDays
			: lastDataDay - periods.toDate.start + (lastDataDay === asOfDay && dayGone > 0 ? dayGone : 1);
	/** The last complete day with data: anomalies and the trend look at complete days only. */
	const lastCompleteDay = Math.min(lastDataDay, asOfDay - 1);
	const inProgress = periods ? periods.inProgress && periods.toDate.end < periods.period.end : false;

	// Sums per level and window.
	const hasPrevious = windowCount[1] > 0;
	const hasLastYear = windowCount[2] > 0;
	const channelSums = channels.map(() => new Float64Array(3 * M));
	const totalSums = new Float64Array(3 * M);
	for (const g of groups) {
		const s = channelSums[g.channel];
		for (let k = 0; k < 3 * M; k++) {
			s[k] += g.sums[k];
			totalSums[k] += g.sums[k];
		}
	}
	const channelRows = new Int32Array(channels.length);
	for (const g of groups) channelRows[g.channel] += g.rows;

	// Budgets: settings first (a campaign, a channel, or the total), then the rows' budget field.
	const perPeriod = (b: { amount: number; per: 'day' | 'period' }) => (b.per === 'day' ? b.amount * periodDays : b.amount);
	const budgetFor = (channel: string | null, campaign: string | null): Budget | undefined =>
		settings.budgets.find((b) => (b.channel?.trim() || null) === channel && (b.campaign?.trim() || null) === campaign) ??
		(channel !== null && campaign !== null ? settings.budgets.find((b) => !b.channel?.trim() && b.campaign?.trim() === campaign) : undefined);
	for (const b of settings.budgets) {
		if (!(b.amount >= 0)) throw new ReportSettingError(`a budget of ${b.amount} for ${b.campaign || b.channel || 'the total'} is not an amount`, 'Budgets are amounts of 0 or more.');
	}
	const groupBudget = groups.map((g) => {
		const set = budgetFor(channels[g.channel].name, g.campaign);
		if (set) return perPeriod(set);
		return Number.isNaN(g.budget) ? NaN : perPeriod({ amount: g.budget, per: settings.budgetFieldPer });
	});
	const channelBudget = channels.map((ch, c) => {
		const set = budgetFor(ch.name, null);
		if (set) return { amount: perPeriod(set), own: true };
		let sum = NaN;
		groups.forEach((g, gi) => {
			if (g.channel === c && !Number.isNaN(groupBudget[gi])) sum = (Number.isNaN(sum) ? 0 : sum) + groupBudget[gi];
		});
		return { amount: sum, own: false };
	});
	const totalSet = budgetFor(null, null);
	let totalBudget = totalSet ? perPeriod(totalSet) : NaN;
	if (!totalSet) for (const b of channelBudget) if (!Number.isNaN(b.amount)) totalBudget = (Number.isNaN(totalBudget) ? 0 : totalBudget) + b.amount;

	const tol = settings.thresholds.pacingTolerance;
	const pacingOf = (budget: number, spend: number): Pacing | null => {
		if (Number.isNaN(budget) || !present.has('spend')) return null;
		const expected = (budget * elapsed) / periodDays;
		const projected = inProgress ? (spend / elapsed) * periodDays : spend;
		const status: Pacing['status'] =
			spend > budget ? 'overspent' : projected > budget * (1 + tol) ? 'overpacing' : projected < budget * (1 - tol) ? 'underpacing' : 'onTrack';
		return {
			budget,
			dailyBudget: budget / periodDays,
			spendToDate: spend,
			expectedToDate: expected,
			pace: expected > 0 ? spend / expected : null,
			projectedSpend: projected,
			projectedShare: budget > 0 ? projected / budget : null,
			remaining: budget - spend,
			status,
			overspend: status === 'overspent' || status === 'overpacing',
		};
	};

	const pick = (s: Float64Array, w: number): Sums => {
		const out = {} as Sums;
		for (let m = 0; m < M; m++) out[METRICS[m]] = s[w * M + m];
		return out;
	};
	const metricsOf = (sums: Sums) => Object.fromEntries(metrics.map((m) => [m, sums[m]])) as Partial<Record<Metric, number>>;
	const side = (sums: Sums, r: DayRange): PeriodSide => ({ start: isoDay(r.start), end: isoDay(r.end), metrics: metricsOf(sums), kpis: computeKpis(sums, kpis) });
	const changes = (now: Sums, nowKpis: ReportRow['kpis'], before: PeriodSide) => {
		const out: Record<string, ReturnType<typeof change>> = {};
		for (const m of metrics) out[m] = change(now[m], before.metrics[m] ?? 0);
		for (const k of kpis) out[k.key] = change(nowKpis[k.key], before.kpis[k.key]);
		return out;
	};
	const makeRow = (level: ReportRow['level'], channel: string | null, campaign: string | null, s: Float64Array, budget: number): ReportRow => {
		const notes: string[] = [];
		const now = pick(s, 0);
		const nowKpis = computeKpis(now, kpis, notes);
		const previous = periods && hasPrevious ? side(pick(s, 1), periods.previous) : null;
		const lastYear = periods && hasLastYear ? side(pick(s, 2), periods.lastYear) : null;
		return {
			level,
			channel,
			campaign,
			metrics: metricsOf(now),
			kpis: nowKpis,
			previous,
			lastYear,
			changes: { vsPrevious: previous ? changes(now, nowKpis, previous) : null, vsLastYear: lastYear ? changes(now, nowKpis, lastYear) : null },
			pacing: pacingOf(budget, now.spend),
			forecast: null,
			alerts: 0,
			notes,
		};
	};

	// Rows: the total, then each channel followed by its campaigns, biggest spend (then name) first.
	const bySpend = (a: { spend: number; name: string }, b: { spend: number; name: string }) => b.spend - a.spend || a.name.localeCompare(b.name);
	const reportRows: ReportRow[] = [makeRow('total', null, null, totalSums, totalBudget)];
	const channelRow = new Int32Array(channels.length).fill(-1);
	const groupRow = new Int32Array(groups.length).fill(-1);
	const channelOrder = channels
		.map((ch, c) => ({ c, name: ch.name, spend: channelSums[c][spendIndex], rows: channelRows[c] }))
		.filter((x) => x.rows > 0)
		.sort(bySpend);
	for (const { c } of channelOrder) {
		channelRow[c] = reportRows.length;
		reportRows.push(makeRow('channel', channels[c].name, null, channelSums[c], channelBudget[c].amount));
		const own = groups
			.map((g, gi) => ({ gi, name: g.campaign, spend: g.sums[spendIndex], rows: g.rows, channel: g.channel }))
			.filter((x) => x.channel === c && x.rows > 0)
			.sort(bySpend);
		for (const { gi } of own) {
			groupRow[gi] = reportRows.length;
			reportRows.push(makeRow('campaign', channels[c].name, groups[gi].campaign, groups[gi].sums, groupBudget[gi]));
		}
	}
	const rowOf = new Int32Array(n);
	for (let i = 0; i < n; i++) rowOf[i] = rowOfGroupDay[i] < 0 ? -1 : groupRow[rowOfGroupDay[i]];

	// Alerts.
	const alerts: Alert[] = [];
	const where = (r: ReportRow) => (r.level === 'total' ? 'All channels' : r.level === 'channel' ? r.channel! : `${r.channel} / ${r.campaign}`);
	const { minRoas, maxBounceRate, maxDailySpendShare } = settings.thresholds;
	const push = (r: ReportRow, alert: Alert) => {
		alerts.push(alert);
		r.alerts++;
	};
	for (const r of reportRows) {
		const base = { level: r.level, channel: r.channel, campaign: r.campaign };
		const roas = r.kpis.roas;
		if (minRoas !== null && roas !== undefined && roas !== null && roas < minRoas) {
			push(r, { type: 'lowRoas', severity: 'warning', ...base, metric: 'roas', value: roas, threshold: minRoas, message: `${where(r)}: ROAS ${roas.toFixed(2)} is below ${minRoas} (revenue ${fmt(r.metrics.revenue!)} on spend ${fmt(r.metrics.spend!)})` });
		}
		const bounce = r.kpis.bounceRate;
		if (maxBounceRate !== null && bounce !== undefined && bounce !== null && bounce > maxBounceRate) {
			push(r, { type: 'highBounceRate', severity: 'critical', ...base, metric: 'bounceRate', value: bounce, threshold: maxBounceRate, message: `${where(r)}: bounce rate ${pct(bounce)} is above ${pct(maxBounceRate)} (${r.metrics.bounced} of ${r.metrics.sent} sent)` });
		}
		if (r.pacing?.overspend) {
			const p = r.pacing;
			const message =
				p.status === 'overspent'
					? `${where(r)}: spent ${fmt(p.spendToDate)}, over the budget of ${fmt(p.budget)}`
					: `${where(r)}: on pace to spend ${fmt(p.projectedSpend)} of a ${fmt(p.budget)} budget (${pct(p.projectedShare!)}) by ${isoDay(periods?.period.end ?? 0)}`;
			push(r, { type: 'overspend', severity: p.status === 'overspent' ? 'critical' : 'warning', ...base, metric: 'spend', value: p.status === 'overspent' ? p.spendToDate : p.projectedSpend, threshold: p.budget, message });
		}
	}
	// Daily spend over the daily budget: campaigns (and channels or the total with a budget of their own).
	if (periods && maxDailySpendShare !== null && present.has('spend')) {
		const daily = (r: ReportRow, spendOf: (d: number) => number, budget: number) => {
			if (Number.isNaN(budget) || r.pacing === null) return;
			const perDay = budget / periodDays;
			const days: NonNullable<Alert['days']> = [];
			for (let d = 0; d < toDateDays; d++) {
				const spend = spendOf(d);
				if (spend > perDay * maxDailySpendShare) days.push({ date: isoDay(periods.toDate.start + d), spend, dailyBudget: perDay });
			}
			if (days.length === 0) return;
			const worst = days.reduce((a, b) => (b.spend > a.spend ? b : a));
			push(r, {
				type: 'dailyOverspend',
				severity: 'warning',
				level: r.level,
				channel: r.channel,
				campaign: r.campaign,
				metric: 'spend',
				value: worst.spend,
				threshold: perDay * maxDailySpendShare,
				days,
				message: `${where(r)}: daily spend above ${pct(maxDailySpendShare)} of the daily budget (${fmt(perDay)}) on ${days.length} day${days.length > 1 ? 's' : ''}, most on ${worst.date} (${fmt(worst.spend)})`,
			});
		};
		groups.forEach((g, gi) => {
			if (groupRow[gi] >= 0) daily(reportRows[groupRow[gi]], (d) => g.dailySpend[d], groupBudget[gi]);
		});
		const gridSpend = (grids: Float64Array[]) => (d: number) => {
			let s = 0;
			for (const grid of grids) s += grid[(periods.toDate.start + d - gridStart) * M + spendIndex];
			return s;
		};
		channels.forEach((ch, c) => {
			if (channelRow[c] >= 0 && channelBudget[c].own) daily(reportRows[channelRow[c]], gridSpend([ch.grid]), channelBudget[c].amount);
		});
		if (totalSet) daily(reportRows[0], gridSpend(channels.map((ch) => ch.grid)), totalBudget);
	}

	// Anomalies and the forecast, on the total's and each channel's daily series.
	const series = (grids: Float64Array[], m: number) => {
		const s = new Float64Array(D);
		for (const grid of grids) for (let d = 0; d < D; d++) s[d] += grid[d * M + m];
		return s;
	};
	const targets = [
		{ row: reportRows[0], grids: channels.map((ch) => ch.grid), first: Math.min(...channels.map((ch) => ch.firstDay)) },
		...channelOrder.map(({ c }) => ({ row: reportRows[channelRow[c]], grids: [channels[c].grid], first: channels[c].firstDay })),
	];
	const weekdayOf = (i: number) => weekday(gridStart + i);
	if (periods && settings.anomalies && lastCompleteDay >= periods.toDate.start) {
		for (const t of targets) {
			if (!Number.isFinite(t.first)) continue;
			for (const metric of settings.anomalies.metrics) {
				if (!present.has(metric)) continue;
				const s = series(t.grids, METRIC_INDEX[metric]);
				for (let day = periods.toDate.start; day <= lastCompleteDay; day++) {
					const band = robustBand(s, day - gridStart, t.first - gridStart, weekdayOf, settings.anomalies);
					if (!band) continue;
					const value = s[day - gridStart];
					if (value >= band.low && value <= band.high) continue;
					const high = value > band.high;
					push(t.row, {
						type: 'anomaly',
						severity: 'warning',
						level: t.row.level,
						channel: t.row.channel,
						campaign: null,
						metric,
						value,
						threshold: high ? band.high : band.low,
						date: isoDay(day),
						band: { low: band.low, high: band.high, median: band.median, mad: band.mad, seasonal: band.seasonal, history: band.history },
						message: `${where(t.row)}: ${metric} on ${isoDay(day)} was ${fmtMetric(metric, value)}, ${high ? 'above' : 'below'} the usual ${fmtMetric(metric, Math.max(0, band.low))}–${fmtMetric(metric, band.high)}${band.seasonal ? ` for a ${WEEKDAYS[weekday(day)]}` : ''} (median ± ${settings.anomalies.k}·MAD of the ${band.history} days before)`,
					});
				}
			}
		}
	}
	if (periods && settings.forecast && Number.isFinite(lastCompleteDay)) {
		const f = settings.forecast;
		for (const t of targets) {
			if (!Number.isFinite(t.first)) continue;
			const from = Math.max(t.first, lastCompleteDay - f.window + 1);
			const out: NonNullable<ReportRow['forecast']> = {};
			for (const metric of f.metrics) {
				if (!present.has(metric)) continue;
				const s = series(t.grids, METRIC_INDEX[metric]).subarray(Math.max(0, from - gridStart), lastCompleteDay - gridStart + 1);
				const list = f.horizons.map((h) => trendForecast(s, h, f.level)).filter((x) => x !== null);
				if (list.length) out[metric] = list;
			}
			if (Object.keys(out).length) t.row.forecast = out;
			else t.row.notes.push(`No forecast: fewer than 3 complete days of data up to ${isoDay(lastCompleteDay)}`);
		}
	}
	alerts.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'critical' ? -1 : 1));

	// The daily totals for the charts.
	const dailyOf = (r: DayRange): DailyPoint[] => {
		const out: DailyPoint[] = [];
		for (let day = r.start; day <= r.end; day++) {
			const metricsOfDay: Partial<Record<Metric, number>> = {};
			for (const m of metrics) {
				let s = 0;
				if (day >= gridStart && day <= gridEnd) for (const ch of channels) s += ch.grid[(day - gridStart) * M + METRIC_INDEX[m]];
				metricsOfDay[m] = s;
			}
			out.push({ date: isoDay(day), metrics: metricsOfDay });
		}
		return out;
	};

	return {
		title,
		dated,
		period: periods
			? {
					kind: settings.period,
					start: isoDay(periods.period.start),
					end: isoDay(periods.period.end),
					toDate: isoDay(periods.toDate.end),
					days: periodDays,
					daysElapsed: elapsed,
					inProgress,
					asOf: new Date(settings.asOf).toISOString(),
					timeZone: settings.timeZone,
				}
			: null,
		previous: periods ? { start: isoDay(periods.previous.start), end: isoDay(periods.previous.end), hasData: hasPrevious } : null,
		lastYear: periods ? { start: isoDay(periods.lastYear.start), end: isoDay(periods.lastYear.end), hasData: hasLastYear } : null,
		metrics,
		kpis: kpis.map((k: KpiDefinition) => k.key),
		rows: reportRows,
		alerts,
		daily: periods ? dailyOf(periods.toDate) : [],
		dailyPrevious: periods && hasPrevious ? dailyOf(periods.previous) : [],
		dataQuality: quality,
		rowOf,
		dayOf,
	};
}

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

function missingConsequence(column: Column): string {
	switch (column) {
		case 'date':
			return 'the report has no periods, comparisons, anomalies or forecast.';
		case 'channel':
			return `every row is counted under "${NOT_SET}".`;
		case 'campaign':
			return `every row is counted under the campaign "${NOT_SET}".`;
		case 'budget':
			return 'no pacing unless budgets are set in the node.';
		case 'eventType':
			return 'no delivery events are counted.';
		default:
			return `the KPIs that need ${column} are left out.`;
	}
}

function dayOfIsoSetting(value: string | undefined, label: string): number {
	const text = (value ?? '').trim().slice(0, 10);
	const day = Date.parse(`${text}T00:00:00Z`) / DAY_MS;
	if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || !Number.isInteger(day) || isoDay(day) !== text) {
		throw new ReportSettingError(`the ${label} ${shown(value ?? '')} is not a date`, `Write the ${label} as YYYY-MM-DD, e.g. 2026-03-01.`);
	}
	return day;
}

export const fmt = (v: number) => (Math.round(v * 100) / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
export const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const fmtMetric = (metric: Metric, v: number) => (metric === 'spend' || metric === 'revenue' ? fmt(v) : (Math.round(v * 100) / 100).toLocaleString('en-US'));
