/**
 * Search-term harvesting: customer search terms that convert become exact keywords, terms that
 * only cost money become negative exact keywords.
 *
 * Rules, per search-term row (each on its own switch, named in the output):
 *   harvestSearchTerm   orders ≥ N (default 2) and ACoS = spend / sales ≤ target ACoS:
 *                       create an EXACT keyword with the term, bid = targetAcos × smoothed revenue
 *                       per click (as for keywords: p = (o + k·pG) / (c + k), × the ad group's
 *                       order value), within floor and ceiling;
 *   negativeSearchTerm  clicks ≥ M (default 10) and no orders: create a NEGATIVE_EXACT keyword.
 * Neither applies when the term is the keyword itself matched exactly (it is the keyword: use the
 * keyword rules), nor to ASINs (b0…: they need a product target, not a keyword). A term harvested
 * or negated into the same ad group twice is created once; the repeat says which row it repeats.
 * New keywords go into the row's own ad group and campaign unless a destination is set.
 */
import { addTo, emptyTotals, groupPriors, shrink, type Totals } from './shrinkage';
import { checkRange } from './errors';
import { centsAtLeast, centsAtMost, clamp, defined, fromCents, money, percent, plural, round, toCents } from './money';
import { projection } from './keywords';
import { decision, type Decision, type OptimizerResult, type Summary } from './types';

export interface SearchTermRow {
	searchTerm: string;
	campaignId: string;
	adGroupId: string;
	/** The keyword (or target) the term matched, when the report gives it. */
	keywordId?: string;
	keywordText?: string;
	matchType?: string;
	clicks: number;
	impressions: number;
	spend: number;
	sales: number;
	orders: number;
}

export interface Destination {
	/** Empty: the search term's own campaign / ad group. */
	campaignId: string;
	adGroupId: string;
}

export interface SearchTermSettings {
	targetAcos: number;
	priorClicks: number;
	floorBid: number;
	ceilingBid: number;
	harvest: { enabled: boolean; minOrders: number } & Destination;
	negative: { enabled: boolean; minClicks: number } & Destination;
}

export type SearchTermSettingsInput = Partial<Omit<SearchTermSettings, 'harvest' | 'negative'>> & {
	targetAcos: number;
	harvest?: Partial<SearchTermSettings['harvest']>;
	negative?: Partial<SearchTermSettings['negative']>;
};

export function resolveSearchTermSettings(input: SearchTermSettingsInput): SearchTermSettings {
	const settings: SearchTermSettings = {
		targetAcos: input.targetAcos,
		priorClicks: input.priorClicks ?? 50,
		floorBid: input.floorBid ?? 0.1,
		ceilingBid: input.ceilingBid ?? 5,
		harvest: { enabled: true, minOrders: 2, campaignId: '', adGroupId: '', ...defined(input.harvest) },
		negative: { enabled: true, minClicks: 10, campaignId: '', adGroupId: '', ...defined(input.negative) },
	};
	checkRange('Target ACoS (%)', settings.targetAcos * 100, 0.1, 1000, 'Use the ACoS you aim for as a percentage, e.g. 30.');
	checkRange('Prior Strength (Clicks)', settings.priorClicks, 0, 1e6, 'Use 0 to turn smoothing off, or a number of clicks such as 50.');
	checkRange('Floor Bid', settings.floorBid, 0.01, 1e6, 'Use the lowest bid you allow, e.g. 0.10.');
	checkRange('Ceiling Bid', settings.ceilingBid, settings.floorBid, 1e6, 'Set a ceiling at or above the floor.');
	checkRange('Harvest: Minimum Orders', settings.harvest.minOrders, 1, 1e9, 'Use a whole number of orders such as 2.');
	checkRange('Negative: Minimum Clicks', settings.negative.minClicks, 1, 1e9, 'Use a whole number of clicks such as 10.');
	return settings;
}

const ASIN = /^b0[0-9a-z]{8}$/i;

/** Amazon compares keyword text case-insensitively with single spaces. */
export const normaliseTerm = (term: string): string => term.trim().replace(/\s+/g, ' ').toLowerCase();

export function harvestSearchTerms(rows: readonly SearchTermRow[], input: SearchTermSettingsInput): OptimizerResult {
	const settings = resolveSearchTermSettings(input);
	const { targetAcos, priorClicks: k, harvest, negative } = settings;
	const account = emptyTotals();
	const groups = new Map<string, Totals>();
	for (const row of rows) {
		addTo(account, row);
		let group = groups.get(row.adGroupId);
		if (!group) groups.set(row.adGroupId, (group = emptyTotals()));
		addTo(group, row);
	}
	const priors = groupPriors(groups, account, k);
	const created = new Map<string, number>();
	const decisions = new Array<Decision>(rows.length);
	const changes: Summary['changes'] = {};
	let projectedSpend = 0;

	for (let i = 0; i < rows.length; i++) {
		const row = rows[i];
		const term = normaliseTerm(row.searchTerm);
		const prior = priors.get(row.adGroupId)!;
		const smoothedCr = shrink(row.orders, row.clicks, prior.conversionRate, k);
		const rpc = prior.orderValue === undefined ? null : smoothedCr * prior.orderValue;
		const acos = row.sales > 0 ? row.spend / row.sales : null;
		const metrics: Decision['metrics'] = {
			clicks: row.clicks,
			orders: row.orders,
			spend: row.spend,
			sales: row.sales,
			acos: acos === null ? null : round(acos, 4),
			smoothedConversionRate: round(smoothedCr, 6),
			orderValue: prior.orderValue === undefined ? null : round(prior.orderValue, 2),
			revenuePerClick: rpc === null ? null : round(rpc, 4),
		};
		const label = `Search term "${row.searchTerm.trim()}"`;
		const none = (reason: string, campaignId = row.campaignId, adGroupId = row.adGroupId): Decision =>
			decision('amazon', 'searchTerm', null, 'none', 'searchTermKept', null, null, reason, campaignId, adGroupId, metrics);
		const isOwnKeyword = row.matchType?.toUpperCase() === 'EXACT' && row.keywordText !== undefined && normaliseTerm(row.keywordText) === term;
		const wantsHarvest = harvest.enabled && row.orders >= harvest.minOrders && acos !== null && acos <= targetAcos + 1e-12;
		const wantsNegative = negative.enabled && row.orders === 0 && row.clicks >= negative.minClicks;
		let result: Decision;

		if (!term) {
			result = none('The search term is empty');
		} else if (!wantsHarvest && !wantsNegative) {
			result = none(
				`${label}: ${plural(row.orders, 'order')}, ${plural(row.clicks, 'click')}, ACoS ${acos === null ? 'n/a' : percent(acos)}: ` +
					`neither converting enough to harvest nor costly enough to negate`,
			);
		} else if (isOwnKeyword) {
			result = none(`${label} is the exact keyword it came from: the keyword rules decide its bid`);
		} else if (ASIN.test(term)) {
			result = none(`${label} is an ASIN: target it (or exclude it) with a product target, not a keyword`);
		} else {
			const destination = wantsHarvest ? harvest : negative;
			const campaignId = destination.campaignId || row.campaignId;
			const adGroupId = destination.adGroupId || row.adGroupId;
			const action = wantsHarvest ? 'createKeyword' : 'createNegativeKeyword';
			const key = `${action}|${adGroupId}|${term}`;
			const first = created.get(key);
			if (first !== undefined) {
				result = none(`${label} is already ${wantsHarvest ? 'harvested' : 'negated'} into ad group ${adGroupId} by row ${first}`, campaignId, adGroupId);
			} else if (wantsHarvest) {
				created.set(key, i);
				const cents = clamp(toCents(targetAcos * rpc!), centsAtLeast(settings.floorBid), centsAtMost(settings.ceilingBid));
				const bid = fromCents(cents);
				result = decision(
					'amazon',
					'searchTerm',
					null,
					action,
					'harvestSearchTerm',
					null,
					{ campaignId, adGroupId, keywordText: row.searchTerm.trim(), matchType: 'EXACT', state: 'ENABLED', bid },
					`${label}: ${plural(row.orders, 'order')} at ${percent(acos!)} ACoS (target ${percent(targetAcos)}): added as an exact keyword bidding ${money(bid)}`,
					campaignId,
					adGroupId,
					metrics,
				);
			} else {
				created.set(key, i);
				result = decision(
					'amazon',
					'searchTerm',
					null,
					action,
					'negativeSearchTerm',
					null,
					{ campaignId, adGroupId, keywordText: row.searchTerm.trim(), matchType: 'NEGATIVE_EXACT', state: 'ENABLED' },
					`${label}: ${plural(row.clicks, 'click')} and ${money(row.spend)} spent without an order: added as a negative exact keyword`,
					campaignId,
					adGroupId,
					metrics,
				);
			}
		}
		decisions[i] = result;
		if (result.action !== 'none') changes[result.action] = (changes[result.action] ?? 0) + 1;
		if (result.action !== 'createNegativeKeyword') projectedSpend += row.spend;
	}
	const changed = Object.values(changes).reduce((a, b) => a + (b ?? 0), 0);
	return {
		decisions,
		alerts: [],
		summary: {
			rows: rows.length,
			changes,
			unchanged: rows.length - changed,
			alerts: 0,
			current: projection(account.spend, account.sales),
			projected: projection(projectedSpend, account.sales),
			model: 'Negated terms stop spending (they had no sales); harvested terms keep their spend and sales, now on an exact keyword.',
		},
	};
}
