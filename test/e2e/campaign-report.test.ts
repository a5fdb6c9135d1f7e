/**
 * Campaign Report in a real n8n: metric rows posted to a webhook, split into items, reported, and
 * answered by Respond to Webhook: the HTML report (its subject and numbers), the CSV file itself
 * (Respond with Binary File) and the alerts, against the independent Python reference
 * (test/reference/campaign_report_reference.py).
 */
import type { IDataObject } from 'n8n-workflow';

import reference from '../reference/campaign-report-reference.json';
import { connect, deploy, PREFIX, respond, webhook, type WorkflowNode } from './n8n';

const report = (output: string, extra: IDataObject = {}): WorkflowNode => ({
	name: 'Report',
	type: `${PREFIX}.campaignReport`,
	typeVersion: 1,
	parameters: {
		output,
		period: 'thisMonth',
		budgets: { budget: [{ channel: 'Meta Ads', campaign: '', amount: 2000, per: 'period' }] },
		options: { asOf: reference.asOf, timeZone: reference.timeZone, currency: '€', ...extra },
	},
});

async function runReport(output: string, respondNode: WorkflowNode, extra: IDataObject = {}) {
	const path = `campaign-report-${output}-${Date.now()}`;
	const workflow = await deploy({
		name: `e2e: Campaign Report (${output})`,
		nodes: [
			webhook(path),
			{ name: 'Rows', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'body.rows', options: {} } },
			report(output, extra),
			respondNode,
		],
		connections: connect(['Webhook', 'Rows'], ['Rows', 'Report'], ['Report', 'Respond']),
	});
	try {
		return await workflow.post(path, { rows: reference.rows });
	} finally {
		await workflow.stop();
	}
}

const near = (actual: number, expected: number, digits = 6) => expect(Math.abs(actual - expected)).toBeLessThan(10 ** -digits * Math.max(1, Math.abs(expected)));
const money = (v: number) => `€${v.toLocaleString('en-US', { minimumFractionDigits: v >= 1000 ? 0 : 2, maximumFractionDigits: v >= 1000 ? 0 : 2 })}`;

describe('Campaign Report in a real n8n', () => {
	it('rows → HTML report: subject, headline numbers, alert boxes and a table per channel', async () => {
		const { status, body } = await runReport('html', respond(), { title: 'Weekly report' });
		expect(status).toBe(200);
		const [item] = body as Array<{ subject: string; html: string; alerts: number; total: { metrics: Record<string, number>; kpis: Record<string, number> } }>;
		const total = reference.groups.total;
		const spendChange = (total.metrics.spend - total.previous.spend) / total.previous.spend;
		expect(item.subject).toBe(
			`Weekly report 2026-03-01 to 2026-03-10: spend €${total.metrics.spend.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} (${spendChange >= 0 ? '+' : ''}${(spendChange * 100).toFixed(1)}%), ROAS ${total.kpis.roas!.toFixed(2)}, open rate ${(total.kpis.openRate! * 100).toFixed(1)}%, ${item.alerts} alerts`,
		);
		near(item.total.metrics.revenue, total.metrics.revenue);
		near(item.total.kpis.cpa, total.kpis.cpa!);
		// The headline tiles show the reference's totals; every channel has its table; the planted spike is an alert box.
		expect(item.html).toContain(money(total.metrics.spend));
		expect(item.html).toContain(money(total.metrics.revenue));
		expect(item.html).toContain(`${total.kpis.roas!.toFixed(2)}×`);
		for (const channel of ['Google Ads', 'Meta Ads', 'Email']) expect(item.html).toContain(`padding:20px 0 8px 0;">${channel}</div>`);
		expect(item.html).toMatch(/Unusual day<\/strong> &middot; Google Ads: spend on 2026-03-07 was 320\.24/);
		expect(item.html).not.toMatch(/<script|<img|https?:\/\//i);
	});

	it('rows → CSV file (Respond with Binary File): one line per row, numbers as the reference', async () => {
		const respondBinary: WorkflowNode = {
			name: 'Respond',
			type: 'n8n-nodes-base.respondToWebhook',
			typeVersion: 1.1,
			parameters: { respondWith: 'binary', responseDataSource: 'set', inputFieldName: 'data', options: {} },
		};
		const { status, body } = await runReport('csv', respondBinary);
		expect(status).toBe(200);
		const lines = String(body).trimEnd().split('\r\n');
		const header = lines[0].split(',');
		const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
		expect(rows.map((r) => `${r.level}:${r.channel}:${r.campaign}`)).toEqual([
			'total::',
			'channel:Google Ads:',
			'campaign:Google Ads:Brand',
			'campaign:Google Ads:Generic',
			'channel:Meta Ads:',
			'campaign:Meta Ads:Prospecting',
			'channel:Email:',
			'campaign:Email:Newsletter',
		]);
		const byName: Record<string, Record<string, string>> = {
			total: rows[0],
			'Google Ads': rows[1],
			'Google Ads / Brand': rows[2],
			'Google Ads / Generic': rows[3],
			'Meta Ads': rows[4],
			Email: rows[6],
		};
		for (const [name, expected] of Object.entries(reference.groups)) {
			const row = byName[name];
			for (const [k, v] of Object.entries(expected.metrics)) near(Number(row[k] || 0), v);
			for (const [k, v] of Object.entries(expected.kpis)) {
				if (v === null) expect(row[k]).toBe('');
				else near(Number(row[k]), v, 5);
			}
			near(Number(row.spend_previous), expected.previous.spend);
		}
		expect(rows[2].pacing).toBe(reference.pacing['Google Ads / Brand'].projectedSpend > 130 * 31 * 1.1 ? 'overpacing' : 'onTrack');
		near(Number(rows[2].projected_spend), reference.pacing['Google Ads / Brand'].projectedSpend);
	});

	it('rows → Alerts: the anomalies the reference finds, with their bands', async () => {
		const { status, body } = await runReport('alerts', respond());
		expect(status).toBe(200);
		const alerts = body as Array<{ type: string; channel: string | null; metric: string; date?: string; value: number; band?: { low: number; high: number } }>;
		const anomalies = alerts.filter((a) => a.type === 'anomaly');
		const key = (a: { metric: string; date?: string }, series: string) => `${series}|${a.metric}|${a.date}`;
		expect(anomalies.map((a) => key(a, a.channel ?? 'total')).sort()).toEqual(reference.anomalies.map((a) => key(a, a.series)).sort());
		for (const expected of reference.anomalies) {
			const actual = anomalies.find((a) => key(a, a.channel ?? 'total') === key(expected, expected.series))!;
			near(actual.band!.low, expected.low, 9);
			near(actual.band!.high, expected.high, 9);
		}
		const daily = alerts.find((a) => a.type === 'dailyOverspend' && a.channel === 'Google Ads') as unknown as { days: Array<{ date: string }> };
		expect(daily.days.map((d) => d.date)).toEqual(reference.brandDailyOverspendDays);
	});
});
