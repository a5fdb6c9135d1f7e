/**
 * Budget guard: a campaign whose spend per day is above `threshold` × its daily budget (default
 * 120%) is flagged. Spend per day = the campaign's spend in the rows / the days they cover.
 */
import { BidSettingsError, checkRange } from './errors';
import { money, percent, round } from './money';
import type { BudgetAlert, BudgetGuardSettings } from './types';

export interface CampaignSpend {
	spend: number;
	/** The campaign's daily budget; campaigns without one are not checked. */
	budget: number | undefined;
	rows: number[];
}

export function resolveBudgetGuard(settings: Partial<BudgetGuardSettings> = {}): BudgetGuardSettings {
	const out = { threshold: settings.threshold ?? 1.2, days: settings.days ?? 1 };
	checkRange('Alert Above (% of Budget)', out.threshold * 100, 0, 100_000, 'Use a percentage such as 120, or 0 to turn the budget guard off.');
	if (!Number.isFinite(out.days) || out.days <= 0) {
		throw new BidSettingsError(`Days in Data is ${out.days}`, 'Set how many days the input rows cover, e.g. 1 for yesterday or 7 for a week.', 'Days in Data');
	}
	return out;
}

export function budgetAlerts(campaigns: Map<string, CampaignSpend>, guard: BudgetGuardSettings): BudgetAlert[] {
	if (guard.threshold <= 0) return [];
	const alerts: BudgetAlert[] = [];
	for (const [campaignId, campaign] of campaigns) {
		if (campaign.budget === undefined || !(campaign.budget > 0)) continue;
		const dailySpend = campaign.spend / guard.days;
		const spendRatio = dailySpend / campaign.budget;
		// A budget so near 0 (5e-324) that the ratio overflows says nothing a marketer can act on.
		if (!Number.isFinite(spendRatio)) continue;
		// A hair of tolerance so that 120.0000001% from float sums is not flagged at exactly 120%.
		if (spendRatio <= guard.threshold + 1e-9) continue;
		alerts.push({
			campaignId,
			dailySpend: round(dailySpend, 2),
			dailyBudget: campaign.budget,
			spendRatio: round(spendRatio, 4),
			threshold: guard.threshold,
			reason:
				`Campaign ${campaignId} spends ${money(dailySpend)} a day, ${percent(spendRatio)} of its ${money(campaign.budget)} daily budget ` +
				`(alert above ${percent(guard.threshold, 0)})`,
			rows: campaign.rows,
		});
	}
	return alerts;
}
