/**
 * The Meta budget reallocation template in a real n8n, imported through the public API with only
 * a user's changes (Settings values, Simulate off, credentials). Live, against the Meta stand-in:
 * the budgets Meta receives must be the ones test/reference/bid_optimizer_reference.py works out
 * for the same ad sets (ROAS-weighted shares, ±20% steps, the learning ad set left alone), and
 * the overspend alert must go to the alert address for exactly the campaigns over the threshold.
 * As shipped (Simulate): it runs on its sample ad sets without any account and changes nothing.
 */
import reference from '../reference/bid-optimizer-reference.json';
import { MetaAdsStandIn } from '../stand-ins/meta-ads';
import { SendGridStandIn } from '../stand-ins/sendgrid';
import { createCredential, importTemplate, n8nLog, outputOf, runManually } from './n8n';

const META = { accessToken: 'EAAB-template-token-0123456789', appSecret: 'template-app-secret-0123', adAccountId: '5550001112' };
const SENDGRID_KEY = 'SG.template-meta.K8sP2qW4eR6tY8uI0oP2aS4d';
const FILE = 'meta-budget-reallocation.json';
const TRIGGER = 'Every morning at 7';

const meta = new MetaAdsStandIn(META);
const sendGrid = new SendGridStandIn(SENDGRID_KEY);

beforeAll(async () => {
	await meta.start();
	await sendGrid.start();
});

afterAll(async () => {
	await meta.stop();
	await sendGrid.stop();
});

type Row = Record<string, unknown>;

describe('template: Meta budget reallocation, in a real n8n', () => {
	it('live: Meta receives exactly the reference budgets, the learning ad set is untouched, and each campaign over the alert level gets one alert email', async () => {
		const { rows, after } = reference.meta.keepTotal;
		for (const row of rows) {
			meta.seed('adset', { id: row.adSetId, name: `Ad set ${row.adSetId}`, campaign_id: row.campaignId, status: 'ACTIVE', effective_status: 'ACTIVE', daily_budget: String(row.dailyBudget * 100) });
		}
		// A paused ad set is not listed, so it is neither optimised nor changed.
		meta.seed('adset', { id: 'S9', name: 'Paused', campaign_id: 'M-1', status: 'PAUSED', effective_status: 'PAUSED', daily_budget: '5000' });
		meta.insights = {
			adset: rows.map((row) => ({
				adset_id: row.adSetId,
				adset_name: `Ad set ${row.adSetId}`,
				campaign_id: row.campaignId,
				spend: row.spend.toFixed(2),
				actions: [{ action_type: 'omni_purchase', value: String(row.events) }],
				action_values: [{ action_type: 'omni_purchase', value: row.revenue.toFixed(2) }],
			})),
		};
		// The template ships without credentials (n8n refuses a reference it cannot resolve): the user picks one per node.
		const metaAds = { campaignKitMetaAdsApi: await createCredential('campaignKitMetaAdsApi', { ...META, apiVersion: 'v24.0', baseUrl: meta.url }) };
		const credentials = { ...metaAds, campaignKitSendGridApi: await createCredential('campaignKitSendGridApi', { apiKey: SENDGRID_KEY, baseUrl: sendGrid.url }) };
		// 95%: every reference campaign spends exactly its budget over the week except M-3 (29%).
		const settings = { simulate: false, alertAbovePercent: 95, alertTo: 'ads@agency.example', fromEmail: 'alerts@agency.example' };
		const template = await importTemplate(FILE, { settings, live: true, credentials, suffix: `live ${Date.now()}` });
		const execution = await runManually(template.id, TRIGGER);
		if (execution.status !== 'success') console.error(JSON.stringify(execution.data?.resultData, null, 1).slice(0, 3000), n8nLog());
		expect(execution.status).toBe('success');

		// Independently computed budgets (Python, exact fractions): S4 has 30 events, under 50, so it keeps 40.
		const expected = rows.map((row, i) => ({ id: row.adSetId, before: row.dailyBudget, after: after[i] })).filter((e) => e.after !== e.before);
		expect(expected.map((e) => e.id)).toEqual(['S1', 'S2', 'S3', 'S5']);
		expect([...meta.budgetLog].sort((a, b) => a.id.localeCompare(b.id))).toEqual(expected.map((e) => ({ id: e.id, daily_budget: Math.round(e.after * 100) })));
		for (const row of rows) expect([row.adSetId, Number(meta.objects.get(row.adSetId)!.daily_budget)]).toEqual([row.adSetId, Math.round(after[rows.indexOf(row)] * 100)]);
		expect(meta.objects.get('S9')!.daily_budget).toBe('5000');
		const applied = outputOf(execution, 'Update budgets at Meta');
		expect(applied.map((item) => [item.entityId, (item.after as Row).dailyBudget, item.status])).toEqual(expected.map((e) => [e.id, e.after, 'applied']));
		expect(outputOf(execution, 'Share the budget by ROAS', 1).map((item) => item.entityId)).toEqual(['S4']);

		// Spend per day = week's spend / 7 against the sum of the campaign's ad-set budgets.
		const campaigns = new Map<string, { spend: number; budget: number }>();
		for (const row of rows) {
			const c = campaigns.get(row.campaignId) ?? { spend: 0, budget: 0 };
			campaigns.set(row.campaignId, { spend: c.spend + row.spend, budget: c.budget + row.dailyBudget });
		}
		const over = [...campaigns].filter(([, c]) => c.spend / 7 / c.budget > 0.95).map(([id]) => id);
		expect(over).toEqual(['M-1', 'M-2']);
		expect(sendGrid.delivered.map((email) => [email.to, email.subject?.replace(/^Meta overspend \d{4}-\d{2}-\d{2}: /, '')])).toEqual(
			over.map((id) => ['ads@agency.example', `campaign ${id} at 100% of budget`]),
		);
		expect(sendGrid.delivered[0].html).toContain('Campaign M-1 spends 200.00 a day, 100.0% of its 200.00 daily budget (alert above 95%)');
		expect(meta.requests.filter((r) => r.method === 'POST').map((r) => r.params.node).sort()).toEqual(['S1', 'S2', 'S3', 'S5']);
	});

	it('as shipped (Simulate): runs without any account on its sample ad sets, changes nothing and shows the alert it would send', async () => {
		const template = await importTemplate(FILE, { suffix: `simulate ${Date.now()}` });
		const before = { meta: meta.requests.length, mail: sendGrid.requests.length };
		const execution = await runManually(template.id, TRIGGER);
		if (execution.status !== 'success') console.error(JSON.stringify(execution.data?.resultData, null, 1).slice(0, 3000), n8nLog());
		expect(execution.status).toBe('success');
		const changes = outputOf(execution, 'Share the budget by ROAS');
		const unchanged = outputOf(execution, 'Share the budget by ROAS', 1);
		// Every sample ad set is decided once; the best ROAS (SAMPLE-1: 4.0) gains, the worst (SAMPLE-2: 1.5) loses.
		expect([...changes, ...unchanged].map((c) => c.entityId).sort()).toEqual(['SAMPLE-1', 'SAMPLE-2', 'SAMPLE-3', 'SAMPLE-4']);
		const budget = (id: string) => changes.find((c) => c.entityId === id)?.after as (Row & { dailyBudget: number }) | undefined;
		expect(budget('SAMPLE-1')!.dailyBudget).toBeGreaterThan(100);
		expect(budget('SAMPLE-2')!.dailyBudget).toBeLessThan(100);
		// The total is kept: what the changed ad sets gain and lose adds up to nothing.
		expect(changes.reduce((sum, c) => sum + (c.after as Row & { dailyBudget: number }).dailyBudget - (c.before as Row & { dailyBudget: number }).dailyBudget, 0)).toBeCloseTo(0, 2);
		expect(unchanged.find((c) => c.entityId === 'SAMPLE-4')?.rule).toBe('learningPhase');
		expect(outputOf(execution, 'Dry run: budgets not changed').map((c) => [c.entityId, c.status])).toEqual(changes.map((c) => [c.entityId, 'simulated']));
		expect(execution.data?.resultData.runData['Update budgets at Meta']).toBeUndefined();
		// SAMPLE-RETARGET spends (560 + 280) / 7 = 120 a day on a 90 budget: 133%, over 120%.
		const alerts = outputOf(execution, 'Overspend alert');
		expect(alerts.map((a) => [a.campaignId, (a.delivery as Row).status])).toEqual([['SAMPLE-RETARGET', 'simulated']]);
		expect(meta.requests.length).toBe(before.meta);
		expect(sendGrid.requests.length).toBe(before.mail);
	});
});
