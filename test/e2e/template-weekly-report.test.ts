/**
 * The weekly cross-channel report template in a real n8n, imported through the public API with only
 * a user's changes (Settings values, Simulate off, credentials). Live: Amazon's daily campaign
 * report (asked for, polled, downloaded) from the Amazon Ads stand-in, Meta's daily campaign
 * insights from the Meta stand-in, delivery and marketing events from the two Data Tables (rows the
 * test inserts, some outside the dates the report reads); the emailed report (SendGrid stand-in)
 * must show the totals, each channel's ROAS and the attribution shares this file works out from
 * the same rows. As shipped (Simulate): it runs on its sample data without any account, and the
 * headline numbers match the ones this file works out from the template's own sample rows.
 */
import { readFileSync } from 'node:fs';

import { AmazonAdsStandIn } from '../stand-ins/amazon-ads';
import { MetaAdsStandIn } from '../stand-ins/meta-ads';
import { SendGridStandIn } from '../stand-ins/sendgrid';
import { client, createCredential, importTemplate, n8nLog, outputOf, runManually, templateTables } from './n8n';
import { screenshotFile } from '../helpers/screenshots';
import { screenshotWorkflow } from './screenshot';

const FILE = 'weekly-report.json';
const TRIGGER = 'Every Monday at 8';
const AMAZON = {
	clientId: 'amzn1.application-oa2-client.weekly0123456',
	clientSecret: 'amzn1.oa2-cs.v1.weekly-secret-0123456',
	refreshToken: 'Atzr|IwEBIweekly-refresh-token-0123456',
	profileId: '4567890123456789',
};
const META = { accessToken: 'EAAB-weekly-token-0123456789', appSecret: 'weekly-app-secret-0123', adAccountId: '5550002223' };
const SENDGRID_KEY = 'SG.template-weekly.Z1x2C3v4B5n6M7a8S9d0F1g2';

const amazon = new AmazonAdsStandIn(AMAZON);
const meta = new MetaAdsStandIn(META);
const sendGrid = new SendGridStandIn(SENDGRID_KEY);

beforeAll(async () => {
	await amazon.start();
	await meta.start();
	await sendGrid.start();
});

afterAll(async () => {
	await amazon.stop();
	await meta.stop();
	await sendGrid.stop();
});

type Row = Record<string, unknown>;
const DAY = 86_400_000;
/** n8n runs in UTC here (scripts/host.js): "today" starts at UTC midnight. */
const today = () => Math.floor(Date.now() / DAY) * DAY;
const isoDay = (daysAgo: number) => new Date(today() - daysAgo * DAY).toISOString().slice(0, 10);
const at = (daysAgo: number, hour: number) => new Date(today() - daysAgo * DAY + hour * 3_600_000).toISOString();

/** The report's number formats (nodes/CampaignReport/engine/html.ts), with no currency symbol. */
const fixed = (v: number, digits: number) => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const money = (v: number) => fixed(v, Math.abs(v) >= 1000 ? 0 : 2);
const ratio = (v: number) => `${v.toFixed(2)}×`;
const percent = (v: number) => `${(v * 100).toFixed(Math.abs(v) < 0.1 ? 2 : 1)}%`;

interface AdDay {
	channel: 'Amazon Ads' | 'Meta Ads';
	daysAgo: number;
	spend: number;
	revenue: number;
	conversions: number;
}
interface Message {
	type: string;
	daysAgo: number;
}
interface Touch {
	userId: string;
	time: number;
	eventType: string;
	channel: string;
	value: number;
}

/** What the report should say for the 7 days before today, worked out here from the raw rows. */
function expectedReport(ads: AdDay[], messages: Message[]) {
	const week = (d: number) => d >= 1 && d <= 7;
	const sum = (rows: AdDay[], key: 'spend' | 'revenue' | 'conversions') => rows.reduce((s, r) => s + r[key], 0);
	const thisWeek = ads.filter((r) => week(r.daysAgo));
	const previous = ads.filter((r) => r.daysAgo >= 8 && r.daysAgo <= 14);
	const channel = (name: string) => {
		const rows = thisWeek.filter((r) => r.channel === name);
		return { spend: sum(rows, 'spend'), revenue: sum(rows, 'revenue'), roas: sum(rows, 'revenue') / sum(rows, 'spend') };
	};
	const count = (type: string) => messages.filter((m) => m.type === type && week(m.daysAgo)).length;
	return {
		spend: sum(thisWeek, 'spend'),
		revenue: sum(thisWeek, 'revenue'),
		conversions: sum(thisWeek, 'conversions'),
		roas: sum(thisWeek, 'revenue') / sum(thisWeek, 'spend'),
		spendChange: sum(thisWeek, 'spend') / sum(previous, 'spend') - 1,
		amazon: channel('Amazon Ads'),
		meta: channel('Meta Ads'),
		sent: count('sent'),
		openRate: count('opened') / count('delivered'),
	};
}

/** Linear attribution by hand: each purchase's value shared equally by the user's touches since their previous purchase (30-day lookback). */
function linearShares(events: Touch[]) {
	const credit = new Map<string, number>();
	const byUser = new Map<string, Touch[]>();
	for (const e of events) byUser.set(e.userId, [...(byUser.get(e.userId) ?? []), e]);
	for (const list of byUser.values()) {
		let touches: Touch[] = [];
		for (const e of [...list].sort((a, b) => a.time - b.time)) {
			if (e.eventType !== 'purchase') {
				touches.push(e);
				continue;
			}
			const counted = touches.filter((t) => t.time >= e.time - 30 * DAY);
			for (const t of counted) credit.set(t.channel, (credit.get(t.channel) ?? 0) + e.value / counted.length);
			touches = [];
		}
	}
	const total = [...credit.values()].reduce((s, v) => s + v, 0);
	return new Map([...credit].map(([channel, value]) => [channel, value / total]));
}

/** The Total line of a channel's table in the HTML report. */
function channelTotal(html: string, channel: string): string {
	const match = new RegExp(`>${channel}</div><table[^]*?<tr><td[^>]*>Total</td>([^]*?)</tr>`).exec(html);
	if (!match) throw new Error(`the report has no table for ${channel}`);
	return match[1];
}

function checkReport(html: string, want: ReturnType<typeof expectedReport>, shares: Map<string, number>) {
	// Headline tiles: spend, revenue, ROAS, conversions of all channels.
	expect(html).toContain(`>${money(want.spend)}</div>`);
	expect(html).toContain(`>${money(want.revenue)}</div>`);
	expect(html).toContain(`>${ratio(want.roas)}</div>`);
	expect(html).toContain(`>${fixed(want.conversions, 0)}</div>`);
	// ROAS per channel, each channel's Total line next to its spend and revenue.
	for (const c of [want.amazon, want.meta]) {
		const line = channelTotal(html, c === want.amazon ? 'Amazon Ads' : 'Meta Ads');
		expect(line).toContain(`>${money(c.spend)}</td>`);
		expect(line).toContain(`>${money(c.revenue)}</td>`);
		expect(line).toContain(`>${ratio(c.roas)}</td>`);
	}
	const email = channelTotal(html, 'Email');
	expect(email).toContain(`>${fixed(want.sent, 0)}</td>`);
	expect(email).toContain(`>${percent(want.openRate)}</td>`);
	// Attribution: each channel's share of the credited revenue.
	const line = /Share of attributed revenue: <strong>([^<]*)<\/strong>/.exec(html)?.[1] ?? '';
	expect(line.split(' &middot; ').sort()).toEqual([...shares].map(([channel, share]) => `${channel} ${(share * 100).toFixed(1)}%`).sort());
}

describe('template: weekly cross-channel report, in a real n8n', () => {
	it('as shipped (Simulate): runs without any account on its sample data and reports the numbers its samples add up to', async () => {
		const template = await importTemplate(FILE, { suffix: `simulate ${Date.now()}` });
		const before = { amazon: amazon.requests.length, meta: meta.requests.length, mail: sendGrid.requests.length };
		const execution = await runManually(template.id, TRIGGER);
		if (execution.status !== 'success') console.error(JSON.stringify(execution.data?.resultData, null, 1).slice(0, 4000), n8nLog());
		expect(execution.status).toBe('success');

		// The samples, read from the template itself.
		const json = JSON.parse(readFileSync(`${__dirname}/../../templates/${FILE}`, 'utf8')) as { nodes: Array<{ name: string; parameters: { jsonOutput?: string } }> };
		const sample = (name: string) => Object.values(JSON.parse(json.nodes.find((n) => n.name === name)!.parameters.jsonOutput!) as Record<string, Row[]>)[0];
		const ads: AdDay[] = [
			...sample('Sample Amazon Ads report (Simulate)').map((r) => ({ channel: 'Amazon Ads' as const, daysAgo: Number(r.daysAgo), spend: Number(r.cost), revenue: Number(r.sales7d), conversions: Number(r.purchases7d) })),
			...sample('Sample Meta Ads insights (Simulate)').map((r) => ({ channel: 'Meta Ads' as const, daysAgo: Number(r.daysAgo), spend: Number(r.spend), revenue: Number(r.purchaseValue), conversions: Number(r.purchases) })),
		];
		const messages = sample('Sample delivery events (Simulate)').map((r) => ({ type: String(r.type), daysAgo: Number(r.daysAgo) }));
		const events = sample('Sample marketing events (Simulate)').map((r) => ({
			userId: String(r.userId),
			time: today() - Number(r.daysAgo) * DAY + Number(r.hour) * 3_600_000,
			eventType: String(r.eventType),
			channel: String(r.channel),
			value: Number(r.value ?? 0),
		}));
		const want = expectedReport(ads, messages);

		const [report] = outputOf(execution, 'Report: last 7 days vs the 7 before');
		const total = report.total as { metrics: Row; kpis: Row; changes: { vsPrevious: Record<string, { relative: number }> } };
		expect(total.metrics.spend).toBeCloseTo(want.spend, 6);
		expect(total.metrics.revenue).toBeCloseTo(want.revenue, 6);
		expect(total.kpis.roas).toBeCloseTo(want.roas, 9);
		expect(total.changes.vsPrevious.spend.relative).toBeCloseTo(want.spendChange, 9);
		expect(total.metrics.sent).toBe(want.sent);
		expect(report.period).toMatchObject({ start: isoDay(7), end: isoDay(1) });

		const [email] = outputOf(execution, 'Email the report');
		expect((email.delivery as Row).status).toBe('simulated');
		expect(email.subject).toBe(report.subject);
		checkReport(String(email.html), want, linearShares(events));
		// Nothing reached a provider.
		expect([amazon.requests.length, meta.requests.length, sendGrid.requests.length]).toEqual([before.amazon, before.meta, before.mail]);

		const shot = await screenshotWorkflow(template.id, screenshotFile('templates/weekly-report'));
		expect(shot.nodes).toBeGreaterThanOrEqual(25);
	});

	it('live: Amazon, Meta and the two Data Tables in, one email out with the totals, ROAS per channel and attribution shares worked out here', async () => {
		const run = `wk${Date.now().toString(36)}`;
		// Amazon: two campaigns, a row per day from 20 days ago to today; the report asks for the 14 days before today.
		amazon.seed('campaigns', { campaignId: 'C-RUN', name: 'SP - Running shoes', targetingType: 'MANUAL', state: 'ENABLED', budget: { budget: 50, budgetType: 'DAILY' } });
		amazon.seed('campaigns', { campaignId: 'C-BRAND', name: 'SP - Brand', targetingType: 'MANUAL', state: 'ENABLED', budget: { budget: 20, budgetType: 'DAILY' } });
		amazon.completeAfterPolls = 2;
		const amazonDays = [];
		for (let d = 0; d <= 20; d++) {
			const run1 = { campaignId: 'C-RUN', date: isoDay(d), impressions: 1000 + 10 * d, clicks: 40 + d, cost: 30 + d + 0.25, purchases7d: 3 + (d % 3), sales7d: (3 + (d % 3)) * 35 };
			const brand = { campaignId: 'C-BRAND', date: isoDay(d), impressions: 400 + d, clicks: 20, cost: 10 + (d % 4), purchases7d: 2, sales7d: 2 * 28.5 };
			amazonDays.push(run1, brand);
		}
		amazon.campaignDays = amazonDays;
		// Meta: two campaigns, one insights row per day of the 14 (Meta's own shape: numbers as text, purchases in actions).
		const metaDays: Array<{ id: string; name: string; d: number; spend: number; purchases: number; value: number }> = [];
		for (let d = 1; d <= 14; d++) {
			metaDays.push({ id: 'M-PROS', name: 'Prospecting', d, spend: 60 + 2 * d, purchases: 1 + (d % 2), value: (1 + (d % 2)) * 72 });
			metaDays.push({ id: 'M-RET', name: 'Retargeting', d, spend: 25.5, purchases: 2, value: 130 + d });
		}
		meta.insights = {
			campaign: metaDays.map((m) => ({
				campaign_id: m.id,
				campaign_name: m.name,
				date_start: isoDay(m.d),
				date_stop: isoDay(m.d),
				impressions: String(5000 + m.d),
				clicks: String(80 + m.d),
				spend: m.spend.toFixed(2),
				actions: [{ action_type: 'omni_purchase', value: String(m.purchases) }],
				action_values: [{ action_type: 'omni_purchase', value: m.value.toFixed(2) }],
			})),
		};
		// Delivery events: a newsletter 2 days ago and one 9 days ago; today's and 20-day-old events are outside the report.
		const tables = await templateTables();
		const messages: Message[] = [];
		const send = (daysAgo: number, counts: Record<string, number>) => {
			for (const [type, n] of Object.entries(counts)) for (let k = 0; k < n; k++) messages.push({ type, daysAgo });
		};
		send(2, { sent: 20, delivered: 19, bounced: 1, opened: 8, clicked: 3, unsubscribed: 1 });
		send(9, { sent: 18, delivered: 18, opened: 6, clicked: 2 });
		send(0, { sent: 5, delivered: 5, opened: 5 });
		send(20, { sent: 5, delivered: 5 });
		await client().api('POST', `/data-tables/${tables.campaign_kit_delivery_events}/rows`, {
			data: messages.map((m, k) => ({ provider: 'sendgrid', channel: 'email', type: m.type, messageId: `${run}-m${k}`, recipient: `r${k}@example.com`, timestamp: at(m.daysAgo, 10), campaign: `${run}-newsletter`, variant: '' })),
		});
		// Marketing events: touches and purchases of the last 7 days; u4's (10 days ago) and u5's first touch (8 days ago) are outside them.
		const user = (n: number) => `${run}-u${n}`;
		const raw: Array<[number, number, number, string, number?]> = [
			[1, 6, 9, 'Paid Social'],
			[1, 5, 10, 'Email'],
			[1, 5, 11, 'purchase', 100],
			[2, 4, 9, 'Paid Search'],
			[2, 4, 12, 'purchase', 60],
			[3, 3, 8, 'Email'],
			[3, 3, 9, 'purchase', 40],
			[3, 2, 9, 'Paid Social'],
			[3, 1, 9, 'purchase', 90],
			[4, 11, 9, 'Paid Social'],
			[4, 10, 9, 'purchase', 500],
			[5, 8, 9, 'Paid Search'],
			[5, 2, 10, 'Email'],
			[5, 2, 11, 'purchase', 30],
		];
		const events = raw.map(([n, daysAgo, hour, what, value], k) => ({
			eventId: `${run}-e${k}`,
			eventType: what === 'purchase' ? 'purchase' : 'page_view',
			userId: user(n),
			timestamp: at(daysAgo, hour),
			channel: what === 'purchase' ? '' : what,
			campaign: what === 'purchase' ? '' : `${run}-${what.toLowerCase().replace(' ', '-')}`,
			value: value ?? 0,
		}));
		await client().api('POST', `/data-tables/${tables.campaign_kit_marketing_events}/rows`, { data: events });

		const credentials = {
			campaignKitAmazonAdsApi: await createCredential('campaignKitAmazonAdsApi', { ...AMAZON, region: 'NA', baseUrl: amazon.url, authUrl: `${amazon.url}/auth/o2/token` }),
			campaignKitMetaAdsApi: await createCredential('campaignKitMetaAdsApi', { ...META, apiVersion: 'v24.0', baseUrl: meta.url }),
			campaignKitSendGridApi: await createCredential('campaignKitSendGridApi', { apiKey: SENDGRID_KEY, baseUrl: sendGrid.url }),
		};
		const settings = { simulate: false, reportTo: 'cmo@agency.example', fromEmail: 'reports@agency.example', amazonReportFirstCheckSeconds: 0.2, amazonReportMaxWaitMinutes: 1 };
		const template = await importTemplate(FILE, { settings, live: true, credentials, suffix: `live ${run}` });
		const execution = await runManually(template.id, TRIGGER);
		if (execution.status !== 'success') console.error(JSON.stringify(execution.data?.resultData, null, 1).slice(0, 4000), n8nLog());
		expect(execution.status).toBe('success');

		// What was asked of Amazon and Meta: the 14 complete days before today, day by day.
		const [created] = amazon.requestsTo('/reporting/reports', 'POST').map((r) => r.body as Row);
		expect([created.startDate, created.endDate, (created.configuration as Row).reportTypeId, (created.configuration as Row).timeUnit]).toEqual([isoDay(14), isoDay(1), 'spCampaigns', 'DAILY']);
		expect(amazon.contractErrors).toEqual([]);
		const insights = meta.requests.filter((r) => r.path.endsWith('/insights')).map((r) => r.query as Row);
		// 56 rows come in pages (the stand-in's pages are 25 rows): the first request and the ones after it ask for the same.
		expect(insights.filter((q) => !q.after)).toHaveLength(1);
		for (const query of insights) {
			expect(query).toMatchObject({ level: 'campaign', time_increment: '1' });
			expect(JSON.parse(String(query.time_range))).toEqual({ since: isoDay(14), until: isoDay(1) });
		}

		const ads: AdDay[] = [
			...amazonDays.filter((r) => r.date >= isoDay(14) && r.date <= isoDay(1)).map((r) => ({ channel: 'Amazon Ads' as const, daysAgo: (today() - Date.parse(r.date)) / DAY, spend: r.cost, revenue: r.sales7d, conversions: r.purchases7d })),
			...metaDays.map((m) => ({ channel: 'Meta Ads' as const, daysAgo: m.d, spend: m.spend, revenue: m.value, conversions: m.purchases })),
		];
		const want = expectedReport(ads, messages);
		const week = events.filter((e) => Date.parse(e.timestamp) >= today() - 7 * DAY);
		const shares = linearShares(week.map((e) => ({ ...e, time: Date.parse(e.timestamp) })));
		expect(shares.size).toBe(3); // Paid Social, Email, Paid Search

		// One email, to the address in Settings, that says it all.
		expect(sendGrid.delivered).toHaveLength(1);
		const [mail] = sendGrid.delivered;
		expect(mail.to).toBe('cmo@agency.example');
		expect(mail.subject).toContain(`spend ${fixed(want.spend, 2)} (${want.spendChange >= 0 ? '+' : ''}${(want.spendChange * 100).toFixed(1)}%)`);
		expect(mail.subject).toContain(`ROAS ${want.roas.toFixed(2)}`);
		checkReport(mail.html ?? '', want, shares);
		// The attribution report names the campaigns the credit went to.
		for (const campaign of ['paid-social', 'email', 'paid-search']) expect(mail.html).toContain(`>${run}-${campaign}</td>`);
		expect(outputOf(execution, 'Email the report').map((item) => (item.delivery as Row).status)).toEqual(['sent']);
	});

	it('live, no marketing events in the window: the report still goes out, without the attribution part', async () => {
		// The Amazon and Meta rows of the test above are still in the stand-ins; attributionDays 0 reads no events.
		const credentials = {
			campaignKitAmazonAdsApi: await createCredential('campaignKitAmazonAdsApi', { ...AMAZON, region: 'NA', baseUrl: amazon.url, authUrl: `${amazon.url}/auth/o2/token` }),
			campaignKitMetaAdsApi: await createCredential('campaignKitMetaAdsApi', { ...META, apiVersion: 'v24.0', baseUrl: meta.url }),
			campaignKitSendGridApi: await createCredential('campaignKitSendGridApi', { apiKey: SENDGRID_KEY, baseUrl: sendGrid.url }),
		};
		const settings = { simulate: false, reportTo: 'no-events@agency.example', attributionDays: 0, amazonReportFirstCheckSeconds: 0.2, amazonReportMaxWaitMinutes: 1 };
		const template = await importTemplate(FILE, { settings, live: true, credentials, suffix: `no events ${Date.now()}` });
		const execution = await runManually(template.id, TRIGGER);
		if (execution.status !== 'success') console.error(JSON.stringify(execution.data?.resultData, null, 1).slice(0, 4000), n8nLog());
		expect(execution.status).toBe('success');
		expect(outputOf(execution, 'Marketing events')).toEqual([]);
		expect(execution.data?.resultData.runData['Credit conversions to channels']).toBeUndefined();
		const mails = sendGrid.delivered.filter((m) => m.to === 'no-events@agency.example');
		expect(mails).toHaveLength(1);
		expect(mails[0].html).toContain('>Amazon Ads</div>');
		expect(mails[0].html).not.toContain('Share of attributed revenue');
	});
});
