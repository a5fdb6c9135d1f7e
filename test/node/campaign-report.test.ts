/**
 * The Campaign Report node in an in-process n8n: every output (KPI rows, alerts, CSV, HTML, full
 * report) on the Python reference's rows, the source presets on rows shaped as the Amazon Ads,
 * Meta Ads, Delivery Events Trigger and Attribution nodes give them, pairing, and Continue On Fail.
 */
import type { IDataObject, INodeExecutionData, IPairedItemData } from 'n8n-workflow';

import reference from '../reference/campaign-report-reference.json';
import { runWorkflow, singleNode } from '../helpers/n8n';

const ROWS = reference.rows as IDataObject[];
const BASE = {
	period: 'thisMonth',
	budgets: { budget: [{ channel: 'Meta Ads', campaign: '', amount: 2000, per: 'period' }] },
	options: { asOf: reference.asOf, timeZone: reference.timeZone },
};

const pairs = (item: INodeExecutionData): number[] =>
	(item.pairedItem === undefined ? [] : Array.isArray(item.pairedItem) ? item.pairedItem : [item.pairedItem as IPairedItemData]).map((p) => p.item);

function near(actual: unknown, expected: number, tolerance = 1e-9) {
	if (typeof actual !== 'number' || !(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)))) {
		throw new Error(`expected ${expected}, got ${String(actual)}`);
	}
}

async function run(parameters: IDataObject, rows: IDataObject[] = ROWS, extra = {}) {
	const result = await runWorkflow(singleNode('campaignReport', { ...BASE, ...parameters }, rows, extra));
	return result;
}

describe('Campaign Report node (in-process n8n)', () => {
	it('KPI rows: the total, each channel and campaign, as the reference computes them, paired with their items', async () => {
		const result = await run({ output: 'rows' });
		expect(result.error).toBeUndefined();
		const out = result.output('Node');
		expect(out.map((i) => `${i.json.level}:${i.json.channel ?? ''}/${i.json.campaign ?? ''}`)).toEqual([
			'total:/',
			'channel:Google Ads/',
			'campaign:Google Ads/Brand',
			'campaign:Google Ads/Generic',
			'channel:Meta Ads/',
			'campaign:Meta Ads/Prospecting',
			'channel:Email/',
			'campaign:Email/Newsletter',
		]);
		const total = out[0].json as IDataObject & { metrics: Record<string, number>; kpis: Record<string, number | null> };
		for (const [k, v] of Object.entries(reference.groups.total.metrics)) near(total.metrics[k], v);
		for (const [k, v] of Object.entries(reference.groups.total.kpis)) if (v !== null) near(total.kpis[k], v);
		const google = out[1].json as { pacing: { projectedSpend: number; budget: number } };
		near(google.pacing.projectedSpend, reference.pacing['Google Ads'].projectedSpend);
		// The total pairs with every input item; a campaign with its rows in the period only.
		expect(new Set(pairs(out[0]))).toEqual(new Set(ROWS.map((_, i) => i)));
		const brand = pairs(out[2]);
		expect(brand.length).toBeGreaterThan(0);
		for (const i of brand) expect(ROWS[i]).toMatchObject({ channel: 'Google Ads', campaign: 'Brand' });
		expect(brand.every((i) => String(ROWS[i].date) >= '2026-03-01' && String(ROWS[i].date) <= '2026-03-10')).toBe(true);
		// Channel = union of its campaigns.
		expect(pairs(out[1]).length).toBe(pairs(out[2]).length + pairs(out[3]).length);
	});

	it('Alerts: one item each, the planted anomaly and the daily overspend among them', async () => {
		const out = (await run({ output: 'alerts' })).output('Node');
		const types = out.map((i) => `${i.json.type}:${i.json.channel ?? 'total'}:${i.json.date ?? ''}`);
		expect(types).toContain('anomaly:Google Ads:2026-03-07');
		expect(types).toContain('dailyOverspend:Google Ads:');
		expect(out.filter((i) => i.json.type === 'anomaly')).toHaveLength(reference.anomalies.length);
		for (const item of out) expect(pairs(item).length).toBeGreaterThan(0);
		// Critical ones (overspent budgets, bounce rates) before warnings.
		const severities = out.map((i) => i.json.severity);
		expect(severities).toEqual([...severities].sort());
	});

	it('CSV: a text/csv file with one line per row, and the header naming every KPI', async () => {
		const out = (await run({ output: 'csv', options: { ...BASE.options, fileName: 'weekly' } })).output('Node');
		expect(out).toHaveLength(1);
		const file = out[0].binary!.data;
		expect(file).toMatchObject({ mimeType: 'text/csv', fileName: 'weekly.csv', fileExtension: 'csv' });
		const csv = Buffer.from(file.data, 'base64').toString('utf8');
		const lines = csv.trimEnd().split('\r\n');
		expect(lines).toHaveLength(1 + 8);
		const header = lines[0].split(',');
		for (const k of ['ctr', 'cpc', 'cpa', 'roas', 'acos', 'roi', 'conversionRate', 'openRate', 'clickRate', 'bounceRate', 'unsubscribeRate', 'spend_previous', 'spend_change']) expect(header).toContain(k);
		const total = lines[1].split(',');
		near(Number(total[header.indexOf('spend')]), reference.groups.total.metrics.spend, 1e-6);
		near(Number(total[header.indexOf('roas')]), reference.groups.total.kpis.roas!, 1e-6);
		expect(new Set(pairs(out[0])).size).toBe(ROWS.length);
	});

	it('HTML: json.html and a text/html file, a subject line, email-safe', async () => {
		const out = (await run({ output: 'html', options: { ...BASE.options, currency: '€', title: 'Weekly report' } })).output('Node');
		expect(out).toHaveLength(1);
		const json = out[0].json as { html: string; subject: string; alerts: number };
		expect(json.subject).toMatch(/^Weekly report 2026-03-01 to 2026-03-10: spend €2,690\.80 \([+-]\d+\.\d%\), ROAS \d\.\d\d, open rate \d+\.\d%, \d+ alerts$/);
		expect(json.html).toContain('€2,691'); // amounts over 1,000 without cents
		expect(json.html).not.toMatch(/<script|<img|<style|<link|url\(/i);
		expect(Buffer.from(out[0].binary!.data.data, 'base64').toString('utf8')).toBe(json.html);
		expect(out[0].binary!.data.mimeType).toBe('text/html');
		expect(json.alerts).toBeGreaterThan(0);
	});

	it('Amazon Ads report rows: cost, purchases7d, sales7d and the daily campaignBudgetAmount', async () => {
		const rows = [
			{ date: '2026-03-01', campaignId: '1', campaignName: 'Shoes', campaignBudgetAmount: 50, impressions: 1000, clicks: 40, cost: 30, purchases7d: 3, sales7d: 90 },
			{ date: '2026-03-02', campaignId: '1', campaignName: 'Shoes', campaignBudgetAmount: 50, impressions: 1000, clicks: 60, cost: 70, purchases7d: 1, sales7d: 20 },
		];
		const out = (await run({ source: 'amazonAds', output: 'rows', period: 'custom', startDate: '2026-03-01', endDate: '2026-03-02', budgets: {} }, rows)).output('Node');
		const campaign = out.find((i) => i.json.level === 'campaign')!.json as IDataObject & { metrics: IDataObject; kpis: IDataObject; pacing: IDataObject };
		expect(campaign).toMatchObject({ channel: 'Amazon Ads', campaign: 'Shoes' });
		expect(campaign.metrics).toEqual({ impressions: 2000, clicks: 100, spend: 100, conversions: 4, revenue: 110 });
		near(campaign.kpis.acos, 100 / 110);
		expect(campaign.pacing).toMatchObject({ budget: 100, spendToDate: 100, dailyBudget: 50 });
	});

	it('Meta Ads insights (daily, simplified) and Delivery Events, each with its preset', async () => {
		const meta = [
			{ campaignId: '9', campaignName: 'Spring', dateStart: '2026-03-01', dateStop: '2026-03-01', impressions: 5000, clicks: 50, spend: 25, purchases: 2, purchaseValue: 60, roas: 2.4 },
		];
		const events = [
			{ provider: 'sendgrid', channel: 'email', type: 'sent', timestamp: '2026-03-01T08:00:00.000Z', messageId: 'a' },
			{ provider: 'sendgrid', channel: 'email', type: 'sent', timestamp: '2026-03-01T08:00:00.000Z', messageId: 'b' },
			{ provider: 'sendgrid', channel: 'email', type: 'delivered', timestamp: '2026-03-01T08:00:01.000Z', messageId: 'a' },
			{ provider: 'sendgrid', channel: 'email', type: 'bounced', timestamp: '2026-03-01T08:00:01.000Z', messageId: 'b' },
		];
		const metaOut = (await run({ source: 'metaAds', output: 'rows', period: 'custom', startDate: '2026-03-01', endDate: '2026-03-01', budgets: {} }, meta)).output('Node');
		expect(metaOut[1].json).toMatchObject({ channel: 'Meta Ads', metrics: { spend: 25, revenue: 60, conversions: 2 } });
		const eventsOut = (await run({ source: 'deliveryEvents', output: 'alerts', period: 'custom', startDate: '2026-03-01', endDate: '2026-03-01', budgets: {} }, events)).output('Node');
		// 1 bounce of 2 sent = 50% > 5%
		expect(eventsOut.map((i) => `${i.json.type}:${i.json.level}`)).toEqual(['highBounceRate:total', 'highBounceRate:channel', 'highBounceRate:campaign']);
		near(eventsOut[0].json.value, 0.5);
	});

	it('Attribution credits (no dates): one period, revenue from value', async () => {
		const credits = [
			{ model: 'markov', channel: 'Paid Search', conversions: 3.2, value: 180, share: 0.64, spend: 100, cpa: 31.25, roas: 1.8 },
			{ model: 'markov', channel: 'Email', conversions: 1.8, value: 120, share: 0.36, spend: 0, cpa: null, roas: null },
		];
		const out = (await run({ source: 'attribution', output: 'report', budgets: {} }, credits)).output('Node');
		const report = out[0].json as IDataObject & { rows: Array<{ channel: string; metrics: IDataObject; kpis: IDataObject; notes: string[] }>; dataQuality: { missingColumns: Array<{ column: string }> } };
		expect(report.dated).toBe(false);
		expect(report.rows[0].metrics).toEqual({ spend: 100, conversions: 5, revenue: 300 });
		near(report.rows[0].kpis.roas, 3);
		const email = report.rows.find((r) => r.channel === 'Email')!;
		expect(email.kpis.roas).toBeNull();
		expect(email.notes).toEqual(['spend are 0, so ROAS, ROI are empty (division by zero)']);
		expect(report.dataQuality.missingColumns.map((m) => m.column)).toEqual(['date', 'campaign']);
		// Credits of two models side by side would double every conversion: refused, with the fix.
		const twoModels = await run({ source: 'attribution', output: 'report', budgets: {} }, [...credits, { ...credits[0], model: 'linear' }]);
		expect(twoModels.error?.message).toBe('Campaign Report: the Attribution credits hold 2 models (markov, linear), which would count every conversion 2 times');
	});

	it('As Of without an offset is read in the report time zone; a bad one is an error naming the fix', async () => {
		// 23:30 on 31 March in Berlin is 21:30 UTC: still March there, so "This Month" is March.
		const march = (await run({ output: 'report', options: { asOf: '2026-03-31T23:30:00', timeZone: 'Europe/Berlin' } })).output('Node');
		expect(march[0].json.period).toMatchObject({ start: '2026-03-01', end: '2026-03-31', inProgress: false, asOf: '2026-03-31T21:30:00.000Z' });
		const bad = await run({ output: 'report', options: { asOf: 'next Tuesday', timeZone: 'Europe/Berlin' } });
		expect(bad.error?.message).toBe('Campaign Report: As Of "next Tuesday" is not a date');
		const zone = await run({ output: 'report', options: { timeZone: 'Mars/Olympus' } });
		expect(zone.error?.description).toBe('Use an IANA name such as Europe/Berlin or America/New_York.');
	});

	it('a wrong setting stops the run naming the fix, or becomes one error item paired with all items', async () => {
		const params = { output: 'rows', period: 'custom', startDate: '2026-03-10', endDate: '2026-03-01' };
		const failed = await run(params);
		expect(failed.error?.message).toBe('Campaign Report: the Start Date 2026-03-10 is after the End Date 2026-03-01');
		expect(failed.error?.description).toBe('Swap them.');
		const continued = await run(params, ROWS, { continueOnFail: true });
		const out = continued.output('Node');
		expect(out).toHaveLength(1);
		expect(out[0].json).toEqual({ error: 'Campaign Report: the Start Date 2026-03-10 is after the End Date 2026-03-01', details: 'Swap them.' });
		expect(pairs(out[0])).toHaveLength(ROWS.length);
	});
});

describe('Campaign Report settings: no NaN or Infinity gets in', () => {
	const options = { asOf: reference.asOf, timeZone: reference.timeZone };
	it.each([
		['a budget of Infinity', { budgets: { budget: [{ channel: 'Meta Ads', amount: '={{ 1/0 }}', per: 'period' }] } }, 'Budget Amount is Infinity, not a number from 0 to 1,000,000,000,000'],
		['a budget of true', { budgets: { budget: [{ channel: 'Meta Ads', amount: '={{ true }}', per: 'period' }] } }, 'Budget Amount is true, not a number from 0 to 1,000,000,000,000'],
		['a budget of 1e308 a day', { budgets: { budget: [{ channel: 'Meta Ads', amount: 1e308, per: 'day' }] } }, 'Budget Amount is 1e+308, not a number from 0 to 1,000,000,000,000'],
		['an anomaly sensitivity of NaN', { options: { ...options, anomalyK: '={{ 0/0 }}' } }, 'Anomaly Sensitivity (K) is NaN, not a number from 0 to 1,000,000,000,000'],
		['a pacing tolerance of NaN', { options: { ...options, pacingTolerancePercent: '={{ 0/0 }}' } }, 'On-Track Pacing Tolerance (%) is NaN, not a number from 0 to 1,000,000,000,000'],
	])('refuses %s, naming the setting', async (_, parameters, message) => {
		const result = await run({ output: 'report', ...parameters });
		expect(result.error?.message).toBe(`Campaign Report: ${message}`);
	});
});

