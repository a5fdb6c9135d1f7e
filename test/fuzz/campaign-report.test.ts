import fc from 'fast-check';

import { fuzzNode, printSummary, stopWatchdog } from './harness';
import { item, items, plausible } from './hostile';

afterAll(async () => {
	printSummary();
	await stopWatchdog();
});

const row = () =>
	item({
		date: fc.oneof(fc.date({ min: new Date('2025-11-01'), max: new Date('2025-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), plausible.date()),
		channel: fc.constantFrom('Google Ads', 'Meta Ads', 'Email'),
		campaign: fc.constantFrom('Brand', 'Spring', ''),
		impressions: plausible.count(),
		clicks: plausible.count(),
		spend: plausible.money(),
		conversions: plausible.count(),
		revenue: plausible.money(),
		budget: plausible.money(),
	});

const BASE = { period: 'thisMonth', budgets: { budget: [{ channel: 'Meta Ads', campaign: '', amount: 2000, per: 'period' }] }, options: { asOf: '2025-12-20T12:00:00Z', timeZone: 'Europe/Berlin' } };

describe('Campaign Report with hostile rows', () => {
	it('KPI rows: every row counted, finite numbers, or an error naming the item and field', async () => {
		await fuzzNode({ label: 'campaignReport rows', node: 'campaignReport', share: 0.5, parameters: { ...BASE, output: 'rows' }, items: items(row(), 12), pairing: 'covered' });
	});

	it('full report with forecasts and anomalies', async () => {
		await fuzzNode({ label: 'campaignReport report', node: 'campaignReport', share: 0.5, parameters: { ...BASE, output: 'report' }, items: items(row(), 12), pairing: 'covered' });
	});
});
