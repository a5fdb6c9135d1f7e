/**
 * Insights rows as Meta gives them (numbers as strings, purchases inside `actions` and
 * `action_values`), simplified into the camelCase numbers the Bid Optimizer and reports read.
 */
type Json = Record<string, unknown>;

/** Purchase action types, best first: the cross-channel count when Meta has it, then the pixel's. */
const PURCHASE_TYPES = ['omni_purchase', 'purchase', 'offsite_conversion.fb_pixel_purchase'];

function actionValue(list: unknown, types: string[]): number {
	if (!Array.isArray(list)) return 0;
	for (const type of types) {
		const found = list.find((entry) => (entry as Json)?.action_type === type) as Json | undefined;
		if (found) return Number(found.value) || 0;
	}
	return 0;
}

const num = (value: unknown): number | null => (value === undefined || value === null || value === '' ? null : Number(value));

export function simplifyInsight(row: Json): Json {
	const spend = num(row.spend) ?? 0;
	const purchaseValue = actionValue(row.action_values, PURCHASE_TYPES);
	const out: Json = {
		...(row.account_id !== undefined ? { accountId: row.account_id } : {}),
		...(row.campaign_id !== undefined ? { campaignId: row.campaign_id, campaignName: row.campaign_name } : {}),
		...(row.adset_id !== undefined ? { adSetId: row.adset_id, adSetName: row.adset_name } : {}),
		...(row.ad_id !== undefined ? { adId: row.ad_id, adName: row.ad_name } : {}),
		dateStart: row.date_start,
		dateStop: row.date_stop,
		impressions: num(row.impressions),
		clicks: num(row.clicks),
		spend,
		purchases: actionValue(row.actions, PURCHASE_TYPES),
		purchaseValue,
		roas: spend > 0 ? purchaseValue / spend : null,
	};
	for (const [key, value] of Object.entries(row)) {
		if (!(key in out) && !['actions', 'action_values', 'account_id', 'campaign_id', 'campaign_name', 'adset_id', 'adset_name', 'ad_id', 'ad_name', 'date_start', 'date_stop', 'impressions', 'clicks', 'spend'].includes(key)) {
			out[key] = value;
		}
	}
	return out;
}

/** Days in an insights range, both ends included. */
export const rangeDays = (since: string, until: string): number => (Date.parse(`${until}T00:00:00Z`) - Date.parse(`${since}T00:00:00Z`)) / 86_400_000 + 1;
