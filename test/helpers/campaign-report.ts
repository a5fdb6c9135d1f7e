/**
 * The Campaign Report settings the Python reference (test/reference/campaign_report_reference.py)
 * was computed with: its rows, time zone and as-of moment, This Month, a 2,000 period budget for
 * Meta Ads, and the node's defaults otherwise. Shared by the engine and HTML unit tests.
 */
import { DEFAULT_ANOMALIES, DEFAULT_FORECAST, DEFAULT_THRESHOLDS, STANDARD_COLUMNS, type ReportSettings } from '../../nodes/CampaignReport/engine';
import reference from '../reference/campaign-report-reference.json';

export { reference };

export function referenceSettings(over: Partial<ReportSettings> = {}): ReportSettings {
	return {
		columns: STANDARD_COLUMNS,
		defaultChannel: '',
		timeZone: reference.timeZone,
		asOf: Date.parse(reference.asOf),
		period: 'thisMonth',
		budgets: [{ channel: 'Meta Ads', amount: 2000, per: 'period' }],
		budgetFieldPer: 'day',
		thresholds: DEFAULT_THRESHOLDS,
		anomalies: DEFAULT_ANOMALIES,
		forecast: DEFAULT_FORECAST,
		...over,
	};
}
