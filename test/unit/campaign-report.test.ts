/**
 * The Campaign Report engine against an independent Python calculation
 * (test/reference/campaign_report_reference.py: plain loops for the sums, numpy medians for the
 * anomaly bands, numpy.polyfit and scipy's t quantile for the forecast) → campaign-report-reference.json,
 * and against hand-worked examples (the arithmetic is in the comments).
 */
import {
	buildReport,
	computeKpis,
	dayReader,
	isoDay,
	KPIS,
	reportPeriods,
	robustBand,
	STANDARD_COLUMNS,
	toCsv,
	trendForecast,
	type ReportRow,
	type ReportSettings,
} from '../../nodes/CampaignReport/engine';
import { dayOfIso } from '../../nodes/CampaignReport/engine/days';
import { reference, referenceSettings } from '../helpers/campaign-report';

function near(actual: number | null | undefined, expected: number | null | undefined, tolerance = 1e-9) {
	if (expected === null || expected === undefined) {
		expect(actual).toBeNull();
		return;
	}
	if (actual === null || actual === undefined || !(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)))) {
		throw new Error(`expected ${expected}, got ${actual}`);
	}
}

const report = buildReport(reference.rows, referenceSettings());

function rowFor(name: string): ReportRow {
	const row =
		name === 'total'
			? report.rows[0]
			: name.includes(' / ')
				? report.rows.find((r) => r.level === 'campaign' && `${r.channel} / ${r.campaign}` === name)
				: report.rows.find((r) => r.level === 'channel' && r.channel === name);
	if (!row) throw new Error(`no row ${name}`);
	return row;
}

describe('Campaign Report against the Python reference', () => {
	test('periods: this month as of 10 March 13:00 (Berlin), the previous month’s first 10 days, last year', () => {
		expect(report.period).toMatchObject({ start: '2026-03-01', end: '2026-03-31', toDate: '2026-03-10', days: 31, inProgress: true });
		// 13:00 in Berlin on 10 March, with rows for 10 March: 9 days and 13 hours are gone.
		near(report.period!.daysElapsed, 9 + 13 / 24);
		expect(report.previous).toEqual({ start: '2026-02-01', end: '2026-02-10', hasData: true });
		expect(report.lastYear).toEqual({ start: '2025-03-01', end: '2025-03-10', hasData: true });
	});

	test.each(Object.keys(reference.groups))('sums, KPIs and changes of %s', (name) => {
		const expected = reference.groups[name as keyof typeof reference.groups];
		const row = rowFor(name);
		for (const [metric, value] of Object.entries(expected.metrics)) near(row.metrics[metric as keyof ReportRow['metrics']], value);
		for (const [kpi, value] of Object.entries(expected.kpis)) near(row.kpis[kpi], value);
		for (const [metric, value] of Object.entries(expected.previous)) near(row.previous!.metrics[metric as keyof ReportRow['metrics']], value);
		for (const [kpi, value] of Object.entries(expected.lastYearKpis)) near(row.lastYear!.kpis[kpi], value);
		for (const [metric, before] of Object.entries(expected.previous)) {
			const now = expected.metrics[metric as keyof typeof expected.metrics];
			near(row.changes.vsPrevious![metric].absolute, now - before);
			near(row.changes.vsPrevious![metric].relative, before === 0 ? null : (now - before) / before);
		}
	});

	test('a zero denominator is null with a note, never Infinity or NaN', () => {
		const email = rowFor('Email');
		expect(email.kpis.ctr).toBeNull();
		expect(email.kpis.roas).toBeNull();
		expect(email.notes.join(' ')).toMatch(/impressions are 0, so CTR is empty/);
		expect(email.notes.join(' ')).toMatch(/spend are 0, so ROAS, ROI are empty/);
		const json = JSON.stringify(report.rows);
		expect(json).not.toMatch(/Infinity|NaN/);
		for (const r of report.rows) for (const v of Object.values(r.kpis)) expect(v === null || Number.isFinite(v)).toBe(true);
	});

	test.each(Object.keys(reference.pacing))('pacing of %s', (name) => {
		const expected = reference.pacing[name as keyof typeof reference.pacing];
		const pacing = rowFor(name).pacing!;
		near(pacing.budget, expected.budget);
		near(pacing.spendToDate, expected.spendToDate);
		near(pacing.expectedToDate, expected.expectedToDate);
		near(pacing.projectedSpend, expected.projectedSpend);
		expect(pacing.overspend).toBe(expected.projectedSpend > expected.budget * 1.1 || expected.spendToDate > expected.budget);
	});

	test('alerts: daily spend above 120% of the daily budget, low ROAS, overspend', () => {
		const daily = report.alerts.filter((a) => a.type === 'dailyOverspend' && a.campaign === 'Brand');
		expect(daily).toHaveLength(1);
		expect(daily[0].days!.map((d) => d.date)).toEqual(reference.brandDailyOverspendDays);
		const lowRoas = report.alerts.filter((a) => a.type === 'lowRoas').map((a) => `${a.level}:${a.channel}/${a.campaign}`);
		const expectedLow = Object.entries(reference.groups)
			.filter(([, g]) => g.kpis.roas !== null && g.kpis.roas < 1.5)
			.map(([name]) => name);
		expect(expectedLow).toContain('Google Ads / Generic');
		expect(lowRoas).toContain('campaign:Google Ads/Generic');
		expect(report.alerts.filter((a) => a.type === 'lowRoas')).toHaveLength(expectedLow.length);
		const overspend = report.alerts.filter((a) => a.type === 'overspend').map((a) => a.channel ?? 'total');
		expect(overspend.sort()).toEqual(['Google Ads', 'Meta Ads', 'total'].filter((n) => {
			const p = reference.pacing[(n === 'total' ? 'total' : n) as keyof typeof reference.pacing];
			return p.projectedSpend > p.budget * 1.1;
		}).sort());
	});

	test('anomalies: the same days, values and bands as the reference (with weekday seasonality)', () => {
		const found = report.alerts
			.filter((a) => a.type === 'anomaly')
			.map((a) => ({ series: a.channel ?? 'total', metric: a.metric, date: a.date, value: a.value, low: a.band!.low, high: a.band!.high, seasonal: a.band!.seasonal }));
		const key = (a: { series: string; metric: string; date?: string }) => `${a.series}|${a.metric}|${a.date}`;
		expect(found.map(key).sort()).toEqual(reference.anomalies.map(key).sort());
		for (const expected of reference.anomalies) {
			const actual = found.find((a) => key(a) === key(expected))!;
			near(actual.value, expected.value);
			near(actual.low, expected.low, 1e-9);
			near(actual.high, expected.high, 1e-9);
			expect(actual.seasonal).toBe(expected.seasonal);
		}
		// The planted spike (Brand's spend tripled on Saturday 7 March) is among them.
		expect(found.some((a) => a.series === 'Google Ads' && a.metric === 'spend' && a.date === '2026-03-07')).toBe(true);
	});

	test.each(Object.keys(reference.forecasts))('forecast of %s: value and 95%% prediction interval', (name) => {
		const row = rowFor(name);
		const expected = reference.forecasts[name as keyof typeof reference.forecasts];
		for (const [metric, byHorizon] of Object.entries(expected)) {
			for (const [h, f] of Object.entries(byHorizon)) {
				const actual = row.forecast![metric as 'spend']!.find((x) => x.horizonDays === Number(h))!;
				near(actual.value, f.value, 1e-8);
				near(actual.low, f.low, 1e-8);
				near(actual.high, f.high, 1e-8);
				near(actual.slopePerDay, f.slopePerDay, 1e-8);
				expect(actual.basedOnDays).toBe(28);
			}
		}
	});

	test('bad input: unreadable dates counted and listed, bad numbers once per column', () => {
		const q = report.dataQuality;
		expect(q.badDates.count).toBe(reference.badDates.length);
		expect(q.badDates.rows.map((r) => r.row)).toEqual(reference.badDates);
		expect(q.badNumbers).toEqual([{ column: 'spend', field: 'spend', count: 1, rows: [{ row: reference.badSpend[0], value: 'n/a' }] }]);
		// The row with the bad spend still counts its clicks.
		expect(q.rows).toBe(reference.rows.length);
		// every row is accounted for: in the period, an earlier window, or listed as bad
		const inPeriod = reference.rows.filter((r) => dayOfIso(r.date) >= dayOfIso('2026-03-01') && dayOfIso(r.date) <= dayOfIso('2026-03-10')).length;
		expect(q.rowsInPeriod).toBe(inPeriod);
		expect(report.rowOf.filter((x) => x >= 0)).toHaveLength(inPeriod);
	});
});

describe('Campaign Report by hand', () => {
	const base = (rows: object[], over: Partial<ReportSettings> = {}) =>
		buildReport(rows, referenceSettings({ budgets: [], anomalies: null, forecast: null, period: 'custom', customStart: '2026-03-01', customEnd: '2026-03-02', ...over }));

	test('KPIs are ratios of sums: 30 clicks on 1,000 + 2,000 impressions is a CTR of 1%', () => {
		const r = base([
			{ date: '2026-03-01', channel: 'A', impressions: 1000, clicks: 20, spend: 10, conversions: 2, revenue: 30 },
			{ date: '2026-03-02', channel: 'A', impressions: 2000, clicks: 10, spend: 20, conversions: 1, revenue: 15 },
		]);
		const kpis = r.rows[0].kpis;
		expect(kpis.ctr).toBeCloseTo(0.01, 12); // 30 / 3000
		expect(kpis.cpc).toBeCloseTo(1, 12); // 30 / 30
		expect(kpis.cpa).toBeCloseTo(10, 12); // 30 / 3
		expect(kpis.roas).toBeCloseTo(1.5, 12); // 45 / 30
		expect(kpis.acos).toBeCloseTo(2 / 3, 12); // 30 / 45
		expect(kpis.roi).toBeCloseTo(0.5, 12); // (45 − 30) / 30
		expect(kpis.conversionRate).toBeCloseTo(0.1, 12); // 3 / 30
		expect(Object.keys(kpis)).not.toContain('openRate'); // no email columns in the data
	});

	test('delivery events are counted per type; other types are listed, not lost', () => {
		const events = [
			...Array.from({ length: 100 }, () => ({ timestamp: '2026-03-01T10:00:00Z', channel: 'email', type: 'sent' })),
			...Array.from({ length: 96 }, () => ({ timestamp: '2026-03-01T10:01:00Z', channel: 'email', type: 'delivered' })),
			...Array.from({ length: 4 }, () => ({ timestamp: '2026-03-01T10:01:00Z', channel: 'email', type: 'bounced' })),
			...Array.from({ length: 24 }, () => ({ timestamp: '2026-03-01T12:00:00Z', channel: 'email', type: 'opened' })),
			{ timestamp: '2026-03-01T12:00:00Z', channel: 'email', type: 'complained' },
		];
		const r = base(events, { columns: { date: 'timestamp', channel: 'channel', campaign: 'campaign', eventType: 'type' } });
		const t = r.rows[0];
		expect(t.metrics).toMatchObject({ sent: 100, delivered: 96, bounced: 4, opened: 24, clicked: 0 });
		expect(t.kpis.bounceRate).toBeCloseTo(0.04, 12);
		expect(t.kpis.openRate).toBeCloseTo(0.25, 12);
		expect(r.dataQuality.otherEvents).toEqual({ complained: 1 });
		// 4% is under the 5% threshold: no alert; the campaign column is absent from every event: reported once.
		expect(r.alerts.filter((a) => a.type === 'highBounceRate')).toHaveLength(0);
		expect(r.dataQuality.missingColumns.map((m) => m.column)).toEqual(['campaign']);
	});

	test('missing columns are reported once per column, however many rows', () => {
		const rows = Array.from({ length: 500 }, (_, i) => ({ date: '2026-03-01', channel: 'A', spend: i }));
		const r = base(rows);
		const missing = r.dataQuality.missingColumns.map((m) => m.column);
		expect(missing).toEqual(['campaign', 'impressions', 'clicks', 'conversions', 'revenue', 'sent', 'delivered', 'opened', 'clicked', 'bounced', 'unsubscribed', 'budget']);
		expect(r.dataQuality.missingColumns[1].message).toBe('No row has "impressions" (impressions): the KPIs that need impressions are left out.');
	});

	test('a timestamp is put on its day in the report time zone', () => {
		const read = dayReader('Europe/Berlin');
		expect(isoDay(read('2026-03-01T23:30:00Z'))).toBe('2026-03-02'); // 00:30 in Berlin
		expect(isoDay(read('2026-03-01'))).toBe('2026-03-01');
		expect(isoDay(read(Date.parse('2026-07-01T22:30:00Z')))).toBe('2026-07-02'); // summer time, UTC+2
		expect(read('2026-02-30')).toBeNaN();
		expect(read('03/04/2026')).toBeNaN();
	});

	test('periods', () => {
		const day = dayOfIso('2026-03-10'); // a Tuesday
		const show = (p: ReturnType<typeof reportPeriods>) => ({ period: [isoDay(p.period.start), isoDay(p.period.end)], previous: [isoDay(p.previous.start), isoDay(p.previous.end)], lastYear: [isoDay(p.lastYear.start), isoDay(p.lastYear.end)] });
		expect(show(reportPeriods('thisWeek', day))).toEqual({ period: ['2026-03-09', '2026-03-15'], previous: ['2026-03-02', '2026-03-03'], lastYear: ['2025-03-09', '2025-03-10'] });
		expect(show(reportPeriods('lastWeek', day))).toEqual({ period: ['2026-03-02', '2026-03-08'], previous: ['2026-02-23', '2026-03-01'], lastYear: ['2025-03-02', '2025-03-08'] });
		expect(show(reportPeriods('last7Days', day))).toEqual({ period: ['2026-03-03', '2026-03-09'], previous: ['2026-02-24', '2026-03-02'], lastYear: ['2025-03-03', '2025-03-09'] });
		expect(show(reportPeriods('lastMonth', day))).toEqual({ period: ['2026-02-01', '2026-02-28'], previous: ['2026-01-01', '2026-01-28'], lastYear: ['2025-02-01', '2025-02-28'] });
		// 31 March: the previous month has only 28 days, compared whole.
		expect(show(reportPeriods('thisMonth', dayOfIso('2026-03-31'))).previous).toEqual(['2026-02-01', '2026-02-28']);
		// 29 February 2028 last year is 28 February 2027.
		expect(show(reportPeriods('thisMonth', dayOfIso('2028-02-29'))).lastYear).toEqual(['2027-02-01', '2027-02-28']);
	});

	test('robust band by hand: 20 days of 10, one of 13, then the day checked', () => {
		// All deviations from the median 10 are 0 except 3, so MAD = 0 and the scaled mean
		// absolute deviation stands in: 1.2533 × 3/21 = 0.17904…; band 10 ± 3 × that = 9.4629 … 10.5371.
		const series = Float64Array.from([...Array<number>(20).fill(10), 13, 10]);
		const band = robustBand(series, 21, 0, () => 0, { k: 3, window: 28, minHistory: 14, seasonality: 'off' })!;
		expect(band.median).toBe(10);
		expect(band.mad).toBeCloseTo((1.2533 * 3) / 21, 12);
		expect(band.high).toBeCloseTo(10 + (3 * 1.2533 * 3) / 21, 12);
		// With fewer than 14 days of history, no band.
		expect(robustBand(series, 10, 0, () => 0, { k: 3, window: 28, minHistory: 14, seasonality: 'off' })).toBeUndefined();
	});

	test('forecast by hand: a straight line is forecast exactly, with a zero-width interval', () => {
		const f = trendForecast([1, 3, 5, 7, 9], 2, 0.95)!; // y = 1 + 2t; t = 5, 6 → 11 + 13 = 24
		expect(f.value).toBeCloseTo(24, 9);
		expect(f.high - f.low).toBeCloseTo(0, 9);
		expect(trendForecast([1, 2], 7, 0.95)).toBeNull();
	});

	test('a figure beyond ±1e12 (1e308, as a broken export gives) is a bad number, listed; no NaN or Infinity anywhere', () => {
		const rows = [
			...Array.from({ length: 28 }, (_, d) => ({ date: `2026-02-${String(d + 1).padStart(2, '0')}`, channel: 'A', spend: 100, clicks: 10 })),
			{ date: '2026-02-15', channel: 'A', spend: 1e308, clicks: 10 },
			{ date: '2026-02-16', channel: 'A', spend: 50, clicks: -1e308 },
			{ date: '2026-02-17', channel: 'A', spend: 'x'.repeat(1_000_000) },
			{ date: '2026-03-01', channel: 'A', spend: 100, clicks: 10, budget: 1e308 },
		];
		const r = buildReport(rows, referenceSettings({ timeZone: 'UTC', asOf: Date.parse('2026-03-02T12:00:00Z'), period: 'thisMonth', budgets: [] }));
		const found: string[] = [];
		const walk = (x: unknown, path: string): void => {
			if (typeof x === 'number' && !Number.isFinite(x)) found.push(`${path}=${x}`);
			else if (typeof x === 'string' && x.length > 200 * 2) found.push(`${path} is ${x.length} characters`);
			else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) walk(v, `${path}.${k}`);
		};
		walk({ rows: r.rows, alerts: r.alerts, dataQuality: r.dataQuality }, 'report');
		expect(found).toEqual([]);
		const bad = Object.fromEntries(r.dataQuality.badNumbers.map((b) => [b.column, b.rows.map((x) => x.row)]));
		expect(bad).toEqual({ spend: [28, 30], clicks: [29], budget: [31] });
		expect(r.rows[0].forecast?.spend?.[0].value).toBeGreaterThan(0);
	});

	test('budgets: per day or per period; projected spend flags overspend', () => {
		const rows = [
			{ date: '2026-03-01', channel: 'A', campaign: 'x', spend: 100 },
			{ date: '2026-03-02', channel: 'A', campaign: 'x', spend: 50 },
		];
		// Custom period of 2 days as of 2 March 12:00: not in progress; budget 60 a day → 120; spent 150.
		const r = base(rows, { asOf: Date.parse('2026-03-02T12:00:00Z'), budgets: [{ channel: 'A', campaign: 'x', amount: 60, per: 'day' }] });
		const p = r.rows.find((x) => x.level === 'campaign')!.pacing!;
		expect(p).toMatchObject({ budget: 120, spendToDate: 150, status: 'overspent', overspend: true, projectedSpend: 150 });
		const daily = r.alerts.find((a) => a.type === 'dailyOverspend')!;
		expect(daily.days).toEqual([{ date: '2026-03-01', spend: 100, dailyBudget: 60 }]); // 100 > 72; 50 is not
	});

	test('the as-of day is not over: not judged as an anomaly, and only its part gone counts for pacing', () => {
		// 30 days of 100 in February, then 30 by 08:00 UTC on 1 March (a third of a normal day).
		const rows = [
			...Array.from({ length: 28 }, (_, d) => ({ date: `2026-02-${String(d + 1).padStart(2, '0')}`, channel: 'A', spend: 100 })),
			{ date: '2026-03-01', channel: 'A', spend: 30 },
		];
		const at = (asOf: string) =>
			buildReport(rows, referenceSettings({ timeZone: 'UTC', asOf: Date.parse(asOf), period: 'thisMonth', budgets: [{ amount: 3100, per: 'period' }], forecast: null }));
		const morning = at('2026-03-01T08:00:00Z');
		expect(morning.alerts.filter((a) => a.type === 'anomaly')).toHaveLength(0);
		near(morning.rows[0].pacing!.projectedSpend, (30 / (8 / 24)) * 31); // 30 in a third of a day → 90 a day
		const nextDay = at('2026-03-02T08:00:00Z');
		const flagged = nextDay.alerts.filter((a) => a.type === 'anomaly');
		expect(flagged.map((a) => `${a.level}:${a.date}:${a.value}`)).toEqual(['total:2026-03-01:30', 'channel:2026-03-01:30']);
		near(nextDay.rows[0].pacing!.projectedSpend, 30 * 31); // 1 March is over; nothing on 2 March yet
	});

	test('every KPI has a label and a direction', () => {
		expect(new Set(KPIS.map((k) => k.key)).size).toBe(11);
		expect(computeKpis({ impressions: 0, clicks: 0, spend: 0, conversions: 0, revenue: 0, sent: 0, delivered: 0, opened: 0, clicked: 0, bounced: 0, unsubscribed: 0 }, KPIS)).toEqual(
			Object.fromEntries(KPIS.map((k) => [k.key, null])),
		);
	});

	test('CSV: one line per row, quoted where needed, formulas defused', () => {
		const r = base([
			{ date: '2026-03-01', channel: 'Search, paid', campaign: '=HYPERLINK("x")', spend: 10, revenue: 25 },
			{ date: '2026-03-02', channel: 'Search, paid', campaign: 'b "quoted"', spend: 5, revenue: 0 },
		]);
		const lines = toCsv(r).trimEnd().split('\r\n');
		expect(lines[0]).toBe('level,channel,campaign,period_start,period_end,spend,revenue,roas,acos,roi,budget,projected_spend,pacing,alerts');
		expect(lines).toHaveLength(1 + 1 + 1 + 2);
		expect(lines[1]).toBe('total,,,2026-03-01,2026-03-02,15,25,1.666667,0.6,0.666667,,,,0');
		expect(lines).toContain(`campaign,"Search, paid","'=HYPERLINK(""x"")",2026-03-01,2026-03-02,10,25,2.5,0.4,1.5,,,,0`);
		expect(lines).toContain('campaign,"Search, paid","b ""quoted""",2026-03-01,2026-03-02,5,0,0,,-1,,,,1');
	});

	test('without dates: one period, no comparisons, a note', () => {
		const r = base([{ channel: 'Email', conversions: 3, revenue: 90, spend: 30 }], { columns: { ...STANDARD_COLUMNS } });
		expect(r.dated).toBe(false);
		expect(r.period).toBeNull();
		expect(r.rows[0].metrics).toMatchObject({ spend: 30, revenue: 90 });
		expect(r.dataQuality.missingColumns[0]).toMatchObject({ column: 'date' });
	});
});
