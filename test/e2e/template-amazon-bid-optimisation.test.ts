/**
 * The Amazon bid optimisation template in a real n8n, imported through the public API with only a
 * user's changes (Settings values, Simulate off, credentials picked). Live, against the Amazon Ads
 * stand-in: both reports are created, polled and downloaded; Amazon must end up with exactly the
 * bids test/reference/bid_optimizer_reference.py works out, the one harvested keyword and the one
 * negative the documented search-term rules give, and the summary email must list each of them.
 * As shipped (Simulate): it runs on its sample reports without any account and changes nothing.
 */
import { readFileSync } from 'node:fs';

import reference from '../reference/bid-optimizer-reference.json';
import { AmazonAdsStandIn } from '../stand-ins/amazon-ads';
import { SendGridStandIn } from '../stand-ins/sendgrid';
import { createCredential, importTemplate, n8nLog, outputOf, runManually } from './n8n';
import { screenshotFile } from '../helpers/screenshots';
import { screenshotWorkflow } from './screenshot';

const ACCOUNT = {
	clientId: 'amzn1.application-oa2-client.template0123456',
	clientSecret: 'amzn1.oa2-cs.v1.template-secret-0123456',
	refreshToken: 'Atzr|IwEBItemplate-refresh-token-0123456',
	profileId: '3456789012345678',
};
const SENDGRID_KEY = 'SG.template-amazon.Q1w2E3r4T5y6U7i8O9p0A1s2';
const FILE = 'amazon-bid-optimisation.json';
const TRIGGER = 'Every morning at 6';

const amazon = new AmazonAdsStandIn(ACCOUNT);
const sendGrid = new SendGridStandIn(SENDGRID_KEY);

beforeAll(async () => {
	await amazon.start();
	await sendGrid.start();
});

afterAll(async () => {
	await amazon.stop();
	await sendGrid.stop();
});

type Row = Record<string, unknown>;
const sort = <T extends { id: string }>(list: T[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
const money = (value: number) => value.toFixed(2);

/** The Campaign Report's number formats in its HTML (nodes/CampaignReport/engine/html.ts), no currency. */
const reportMoney = (v: number) => v.toLocaleString('en-US', { minimumFractionDigits: Math.abs(v) >= 1000 ? 0 : 2, maximumFractionDigits: Math.abs(v) >= 1000 ? 0 : 2 });

/**
 * The email carries the changes first, then the Campaign Report of the keyword rows: the total and
 * each campaign's spend, sales and ROAS must be the sums of the rows, worked out here.
 */
function checkKeywordReport(html: string, rows: Array<{ campaign: string; spend: number; sales: number }>) {
	expect(html.indexOf('bid changes')).toBeGreaterThan(-1);
	expect(html.indexOf('bid changes')).toBeLessThan(html.lastIndexOf('Amazon Ads keywords, last')); // after the <title>, in the body
	// The rows' daily campaign budget says nothing about a 14-day sum: the report must not call it overspent.
	expect(html).not.toContain('over the budget');
	const sum = (list: typeof rows, key: 'spend' | 'sales') => list.reduce((s, r) => s + r[key], 0);
	const spend = sum(rows, 'spend');
	const sales = sum(rows, 'sales');
	expect(html).toContain(`>${reportMoney(spend)}</div>`);
	expect(html).toContain(`>${reportMoney(sales)}</div>`);
	expect(html).toContain(`>${(sales / spend).toFixed(2)}×</div>`);
	for (const campaign of new Set(rows.map((r) => r.campaign))) {
		const mine = rows.filter((r) => r.campaign === campaign);
		const line = new RegExp(`>${campaign}</td>([^]*?)</tr>`).exec(html)?.[1] ?? '';
		expect([campaign, line]).toEqual([campaign, expect.stringContaining(`>${reportMoney(sum(mine, 'spend'))}</td>`)]);
		expect(line).toContain(`>${reportMoney(sum(mine, 'sales'))}</td>`);
		expect(line).toContain(`>${(sum(mine, 'sales') / sum(mine, 'spend')).toFixed(2)}×</td>`);
	}
}

describe('template: Amazon bid optimisation, in a real n8n', () => {
	it('live: the reference bids, one harvested exact keyword and one negative reach Amazon, and the summary email lists every change', async () => {
		amazon.seedAccount(reference.keywords.rows);
		amazon.completeAfterPolls = 2;
		// The search-term report's keyword of each reference row: "dragon book" BROAD has no performance of its own.
		amazon.seed('keywords', { keywordId: 'A5', campaignId: 'C-1', adGroupId: 'AG-A', keywordText: 'dragon book', matchType: 'BROAD', state: 'ENABLED', bid: 0.5 });
		const keywordOf = (row: (typeof reference.searchTerms.rows)[number]) =>
			row.matchType === 'PHRASE' ? 'A2' : row.keywordText === 'epic fantasy series' ? 'A4' : row.adGroupId === 'AG-B' ? 'B1' : 'A5';
		amazon.searchTerms = reference.searchTerms.rows.map((row) => ({
			searchTerm: row.searchTerm,
			keywordId: keywordOf(row),
			impressions: row.impressions,
			clicks: row.clicks,
			cost: row.spend,
			purchases7d: row.orders,
			sales7d: row.sales,
		}));
		const amazonAds = { campaignKitAmazonAdsApi: await createCredential('campaignKitAmazonAdsApi', { ...ACCOUNT, region: 'NA', baseUrl: amazon.url, authUrl: `${amazon.url}/auth/o2/token` }) };
		const credentials = { ...amazonAds, campaignKitSendGridApi: await createCredential('campaignKitSendGridApi', { apiKey: SENDGRID_KEY, baseUrl: sendGrid.url }) };
		const settings = { simulate: false, reportFirstCheckSeconds: 0.2, reportMaxWaitMinutes: 1, summaryTo: 'ppc@agency.example', fromEmail: 'reports@agency.example' };
		const template = await importTemplate(FILE, { settings, live: true, credentials, suffix: `live ${Date.now()}` });
		const execution = await runManually(template.id, TRIGGER);
		if (execution.status !== 'success') console.error(JSON.stringify(execution.data?.resultData, null, 1).slice(0, 4000), n8nLog());
		expect(execution.status).toBe('success');

		// Bids: exactly the reference's, each once; the harvested keyword is created at the reference harvest bid.
		const bids = reference.keywords.expected.filter((e) => e.newBid !== undefined).map((e) => ({ id: e.id, bid: e.newBid as number }));
		const updates = amazon.bidLog.filter((entry) => entry.id !== undefined && amazon.store.keywords.get(entry.id)?.keywordText !== 'dragon rider book');
		expect(sort(updates.map(({ id, bid }) => ({ id, bid })))).toEqual(sort(bids));
		for (const row of reference.keywords.rows) {
			const stored = amazon.store.keywords.get(row.keywordId) ?? amazon.store.targets.get(row.keywordId);
			expect([row.keywordId, stored?.bid]).toEqual([row.keywordId, bids.find((b) => b.id === row.keywordId)?.bid ?? row.bid]);
		}
		// Search terms, by the documented rules at 30% ACoS: ≥ 2 orders with ACoS on target → exact keyword
		// ("dragon rider book": 3 and 2 orders, 16% ACoS, once); ≥ 10 clicks and no order → negative exact
		// ("free dragon pdf"; "b0abc12345" is an ASIN; "epic fantasy series" is already that exact keyword;
		// "dragon series" converts at 40% ACoS; "wizard school books" has one order).
		const created = [...amazon.store.keywords.values()].filter((k) => !['A1', 'A2', 'A3', 'A4', 'A5', 'B1', 'B2', 'C1', 'D1'].includes(String(k.keywordId)));
		expect(created.map((k) => [k.campaignId, k.adGroupId, k.keywordText, k.matchType, k.bid])).toEqual([['C-1', 'AG-A', 'dragon rider book', 'EXACT', reference.searchTerms.harvestBid]]);
		expect([...amazon.store.negativeKeywords.values()].map((k) => [k.campaignId, k.adGroupId, k.keywordText, k.matchType])).toEqual([['C-1', 'AG-A', 'free dragon pdf', 'NEGATIVE_EXACT']]);
		expect(amazon.contractErrors).toEqual([]);
		expect(amazon.requestsTo('/reporting/reports', 'POST').map((r) => ((r.body as Row).configuration as Row).reportTypeId).sort()).toEqual(['spSearchTerm', 'spTargeting']);

		// The summary: one email to the address in Settings, a line per change with its bid and status.
		expect(sendGrid.delivered).toHaveLength(1);
		const [email] = sendGrid.delivered;
		expect(email.to).toBe('ppc@agency.example');
		expect(email.subject).toMatch(/^Amazon Ads \d{4}-\d{2}-\d{2}: 9 changes$/);
		expect(email.html).toContain('7 bid changes, 1 new keywords, 1 new negative keywords.');
		for (const bid of bids) {
			const row = reference.keywords.rows.find((r) => r.keywordId === bid.id)!;
			expect(email.html).toContain(`<td>${row.keywordText ?? row.keywordId}</td><td>${money(row.bid)} → ${money(bid.bid)}</td><td>done</td>`);
		}
		expect(email.html).toContain(`<td>New exact keyword</td><td>dragon rider book</td><td>${money(reference.searchTerms.harvestBid)}</td><td>done</td>`);
		expect(email.html).toContain('<td>New negative keyword</td><td>free dragon pdf</td><td></td><td>done</td>');
		expect(outputOf(execution, 'Apply at Amazon').every((item) => item.status === 'applied')).toBe(true);
		// The Campaign Report of the keyword report: the stand-in names each campaign "Campaign <id>".
		checkKeywordReport(email.html ?? '', reference.keywords.rows.map((r) => ({ campaign: `Campaign ${r.campaignId}`, spend: r.spend, sales: r.sales })));
	});

	it('as shipped (Simulate): runs without any account on its sample reports, sends nothing and shows the summary it would email', async () => {
		const template = await importTemplate(FILE, { suffix: `simulate ${Date.now()}` });
		const before = { amazon: amazon.requests.length, mail: sendGrid.requests.length };
		const execution = await runManually(template.id, TRIGGER);
		if (execution.status !== 'success') console.error(JSON.stringify(execution.data?.resultData, null, 1).slice(0, 4000), n8nLog());
		expect(execution.status).toBe('success');
		expect(execution.data?.resultData.runData['Apply at Amazon']).toBeUndefined();
		const dryRun = outputOf(execution, 'Dry run: nothing changed');
		expect(dryRun.every((c) => c.status === 'simulated')).toBe(true);
		// The best sample keyword converts at 10% for 30 per order: 0.9 per click at 30% ACoS, so its bid of 1.00 goes down.
		const yogaMat = dryRun.find((c) => c.entityId === 'SAMPLE-K1');
		expect((yogaMat?.after as { bid: number }).bid).toBeLessThan(1);
		expect(dryRun.filter((c) => c.action === 'createKeyword').map((c) => (c.after as Row).keywordText)).toEqual(['extra thick yoga mat']);
		expect(dryRun.filter((c) => c.action === 'createNegativeKeyword').map((c) => (c.after as Row).keywordText)).toEqual(['free yoga mat']);
		const [summary] = outputOf(execution, 'Email the summary');
		expect((summary.delivery as Row).status).toBe('simulated');
		expect(summary.subject).toMatch(/: \d+ changes \(simulated\)$/);
		expect(summary.html).toContain('<td>New exact keyword</td><td>extra thick yoga mat</td>');
		expect(summary.html).toContain('simulated: not sent');
		// The Campaign Report of the sample keyword rows, read from the template itself.
		const template_ = JSON.parse(readFileSync(`${__dirname}/../../templates/${FILE}`, 'utf8')) as { nodes: Array<{ name: string; parameters: { jsonOutput?: string } }> };
		const sample = JSON.parse(template_.nodes.find((n) => n.name === 'Sample keyword report (Simulate)')!.parameters.jsonOutput!) as { rows: Row[] };
		checkKeywordReport(String(summary.html), sample.rows.map((r) => ({ campaign: String(r.campaignName), spend: Number(r.cost), sales: Number(r.sales7d) })));
		expect(amazon.requests.length).toBe(before.amazon);
		expect(sendGrid.requests.length).toBe(before.mail);

		const shot = await screenshotWorkflow(template.id, screenshotFile('templates/amazon-bid-optimisation'));
		expect(shot.nodes).toBeGreaterThanOrEqual(20);
	});
});
