/**
 * Amazon Sponsored Products keyword (and product-target) bids toward a target ACoS.
 *
 * For each row i of ad group g (all sums over the input rows):
 *
 *     account CR       pA    = ΣO / ΣC
 *     group CR prior   pG    = (O_g + k · pA) / (C_g + k)              (shrinkage.ts)
 *     order value      AOV_g = S_g / O_g, else ΣS / ΣO                 (pooled per ad group)
 *     smoothed CR      p_i   = (o_i + k · pG) / (c_i + k)
 *     revenue / click  RPC_i = p_i × AOV_g
 *     target bid       t_i   = targetAcos × RPC_i
 *
 * k is the prior strength in clicks (default 50). The new bid, in whole cents, is t_i rounded to
 * the nearest cent, then held within one maximum step of the current bid b_i (default ±20%:
 * [⌈b_i·(1 − step)⌉, ⌊b_i·(1 + step)⌋] in cents, rounded inward so the step is never exceeded),
 * then within [floor, ceiling]; floor and ceiling win over the step (they are hard limits). When
 * the result equals the current bid there is no change.
 *
 * Rules, in order (the first that applies decides):
 *   1. notEnabled      rows whose state is given and is not ENABLED are left alone;
 *   2. pauseNoOrders   spend ≥ X and no orders: pause, or lower by one step (within the floor).
 *                      X defaults to twice the target cost per order, 2 × targetAcos × AOV_g;
 *   3. minimumClicks   fewer than the minimum clicks (default 15): no change;
 *   4. noConversionData no orders in the whole input: nothing to compute a value per click from;
 *   5. targetAcos      the bid above.
 *
 * Projection (summary): each row keeps its clicks; its cost per click moves in proportion to its
 * bid (spend × new bid / old bid); a paused row spends and sells nothing; sales otherwise stay.
 */
import { addTo, emptyTotals, groupPriors, shrink, type Totals } from './shrinkage';
import { budgetAlerts, resolveBudgetGuard, type CampaignSpend } from './budgetGuard';
import { BidSettingsError, checkRange } from './errors';
import { centsAtLeast, centsAtMost, clamp, defined, fromCents, money, noun, percent, ratio, round, sentence, toCents } from './money';
import { decision, type BudgetGuardSettings, type Decision, type OptimizerResult, type Summary } from './types';

export interface KeywordRow {
	/** keywordId for keywords, targetId for product targets. */
	keywordId: string;
	adGroupId: string;
	campaignId: string;
	keywordText?: string;
	/** BROAD, PHRASE, EXACT for keywords; anything else (TARGETING_EXPRESSION, …) is a product target. */
	matchType?: string;
	/** ENABLED, PAUSED, ARCHIVED; rows without a state are treated as enabled. */
	state?: string;
	clicks: number;
	impressions: number;
	spend: number;
	sales: number;
	orders: number;
	/** The current bid. */
	bid: number;
	/** The campaign's daily budget, for the budget guard (optional). */
	campaignBudget?: number;
}

export interface PauseRule {
	enabled: boolean;
	/** Spend at or above which a keyword without orders is acted on; 0 = twice the target cost per order. */
	spendAbove: number;
	action: 'pause' | 'lower';
}

export interface KeywordSettings {
	/** Target ACoS as a fraction (0.3 = 30%). */
	targetAcos: number;
	/** Prior strength k, in clicks. */
	priorClicks: number;
	minClicks: number;
	/** Largest bid move per run, as a fraction (0.2 = ±20%). */
	maxStep: number;
	floorBid: number;
	ceilingBid: number;
	pauseRule: PauseRule;
	budgetGuard: BudgetGuardSettings;
}

export type KeywordSettingsInput = Partial<Omit<KeywordSettings, 'pauseRule' | 'budgetGuard'>> & {
	targetAcos: number;
	pauseRule?: Partial<PauseRule>;
	budgetGuard?: Partial<BudgetGuardSettings>;
};

export function resolveKeywordSettings(input: KeywordSettingsInput): KeywordSettings {
	const settings: KeywordSettings = {
		targetAcos: input.targetAcos,
		priorClicks: input.priorClicks ?? 50,
		minClicks: input.minClicks ?? 15,
		maxStep: input.maxStep ?? 0.2,
		floorBid: input.floorBid ?? 0.1,
		ceilingBid: input.ceilingBid ?? 5,
		pauseRule: { enabled: true, spendAbove: 0, action: 'lower', ...defined(input.pauseRule) },
		budgetGuard: resolveBudgetGuard(input.budgetGuard),
	};
	checkRange('Target ACoS (%)', settings.targetAcos * 100, 0.1, 1000, 'Use the ACoS you aim for as a percentage, e.g. 30.');
	checkRange('Prior Strength (Clicks)', settings.priorClicks, 0, 1e6, 'Use 0 to turn smoothing off, or a number of clicks such as 50.');
	checkRange('Minimum Clicks', settings.minClicks, 0, 1e9, 'Use a whole number of clicks such as 15.');
	checkRange('Maximum Step (%)', settings.maxStep * 100, 1, 100, 'Use a percentage between 1 and 100, e.g. 20.');
	checkRange('Floor Bid', settings.floorBid, 0.01, 1e6, 'Use the lowest bid you allow, e.g. 0.10 (Amazon US accepts 0.02 and up).');
	checkRange('Ceiling Bid', settings.ceilingBid, 0.01, 1e6, 'Use the highest bid you allow, e.g. 5.00.');
	if (centsAtMost(settings.ceilingBid) < centsAtLeast(settings.floorBid)) {
		throw new BidSettingsError(
			`Ceiling Bid ${money(settings.ceilingBid)} is below Floor Bid ${money(settings.floorBid)}`,
			'Set a ceiling at or above the floor.',
			'Ceiling Bid',
		);
	}
	checkRange('Pause Rule: Spend Above', settings.pauseRule.spendAbove, 0, 1e9, 'Use an amount in the account currency, or 0 for twice the target cost per order.');
	return settings;
}

const KEYWORD_MATCH = new Set(['BROAD', 'PHRASE', 'EXACT']);

export const entityTypeOf = (matchType: string | undefined): 'keyword' | 'target' =>
	!matchType || KEYWORD_MATCH.has(matchType.toUpperCase()) ? 'keyword' : 'target';

/** Per-value memo for the few distinct strings a report repeats on every row (match types, states). */
function memo<T>(fn: (value: string) => T): (value: string) => T {
	const seen = new Map<string, T>();
	return (value) => {
		let out = seen.get(value);
		if (out === undefined) seen.set(value, (out = fn(value)));
		return out;
	};
}

/** The bid rule on its own, in cents: target rounded, held within the step, then floor and ceiling. */
export function boundedBidCents(currentBid: number, targetBid: number, settings: Pick<KeywordSettings, 'maxStep' | 'floorBid' | 'ceilingBid'>): number {
	const current = toCents(currentBid);
	const low = centsAtLeast(fromCents(current) * (1 - settings.maxStep));
	const high = centsAtMost(fromCents(current) * (1 + settings.maxStep));
	const stepped = clamp(toCents(targetBid), low, high);
	return clamp(stepped, centsAtLeast(settings.floorBid), centsAtMost(settings.ceilingBid));
}

/** "<label>: 30 orders from 300 clicks; smoothed conversion 10.08% × order value 30.00 = 3.02 per click; at 30.0% ACoS the bid should be 0.91<tail>" */
const bidSentence = (
	label: string,
	row: KeywordRow,
	smoothedCr: number,
	orderValue: number,
	rpc: number,
	targetText: string,
	targetBid: number,
	middle: string,
	bid: string,
	tail: string,
) =>
	sentence(
		label, ': ', row.orders, noun(row.orders, 'order'), ' from ', row.clicks, noun(row.clicks, 'click'),
		'; smoothed conversion ', percent(smoothedCr, 2), ' × order value ', money(orderValue), ' = ', money(rpc),
		' per click; at ', targetText, ' ACoS the bid should be ', money(targetBid), middle, bid, tail,
	);

const keep = (row: KeywordRow, entityType: Decision['entityType'], metrics: Decision['metrics'], rule: Decision['rule'], reason: string) =>
	decision('amazon', entityType, row.keywordId, 'none', rule, { bid: row.bid }, null, reason, row.campaignId, row.adGroupId, metrics);

const change = (
	row: KeywordRow,
	entityType: Decision['entityType'],
	metrics: Decision['metrics'],
	action: Decision['action'],
	rule: Decision['rule'],
	before: Decision['before'],
	after: Decision['after'],
	reason: string,
) => decision('amazon', entityType, row.keywordId, action, rule, before, after, reason, row.campaignId, row.adGroupId, metrics);

export function optimizeKeywords(rows: readonly KeywordRow[], input: KeywordSettingsInput | KeywordSettings): OptimizerResult {
	const settings = resolveKeywordSettings(input);
	const { targetAcos, priorClicks: k, minClicks, maxStep, pauseRule } = settings;

	// Pass 1: totals per ad group, the account, and spend per campaign for the guard.
	const account = emptyTotals();
	const groups = new Map<string, Totals>();
	const campaigns = new Map<string, CampaignSpend>();
	for (let i = 0; i < rows.length; i++) {
		const row = rows[i];
		addTo(account, row);
		let group = groups.get(row.adGroupId);
		if (!group) groups.set(row.adGroupId, (group = emptyTotals()));
		addTo(group, row);
		let campaign = campaigns.get(row.campaignId);
		if (!campaign) campaigns.set(row.campaignId, (campaign = { spend: 0, budget: undefined, rows: [] }));
		campaign.spend += row.spend;
		campaign.budget ??= row.campaignBudget;
		campaign.rows.push(i);
	}
	const priors = groupPriors(groups, account, k);

	// Pass 2: one decision per row.
	const decisions = new Array<Decision>(rows.length);
	const stepLimit = ` (limited to a ${percent(maxStep, 0)} step)`;
	const targetText = percent(targetAcos);
	const floorCents = centsAtLeast(settings.floorBid);
	const ceilingCents = centsAtMost(settings.ceilingBid);
	let projectedSpend = 0;
	let projectedSales = 0;
	const changes: Summary['changes'] = {};
	const typeOf = memo(entityTypeOf);
	const lower = memo((value) => value.toLowerCase());
	const upper = memo((value) => value.toUpperCase());
	for (let i = 0; i < rows.length; i++) {
		const row = rows[i];
		const prior = priors.get(row.adGroupId)!;
		const entityType = row.matchType === undefined ? 'keyword' : typeOf(row.matchType);
		const smoothedCr = shrink(row.orders, row.clicks, prior.conversionRate, k);
		const rpc = prior.orderValue === undefined ? null : smoothedCr * prior.orderValue;
		const targetBid = rpc === null ? null : targetAcos * rpc;
		const metrics: Decision['metrics'] = {
			acos: ratio(row.spend, row.sales),
			conversionRate: ratio(row.orders, row.clicks),
			groupConversionRate: round(prior.conversionRate, 6),
			smoothedConversionRate: round(smoothedCr, 6),
			orderValue: prior.orderValue === undefined ? null : round(prior.orderValue, 2),
			revenuePerClick: rpc === null ? null : round(rpc, 4),
			targetBid: targetBid === null ? null : round(targetBid, 4),
		};
		const label = row.keywordText
			? sentence('"', row.keywordText, row.matchType ? sentence('" (', lower(row.matchType), ')') : '"')
			: sentence(entityType, ' ', row.keywordId);
		let result: Decision;
		let newBid = row.bid;
		let paused = false;

		const state = row.state === undefined || row.state === '' ? undefined : upper(row.state);
		const spendLimit = pauseRule.spendAbove > 0 ? pauseRule.spendAbove : prior.orderValue === undefined ? undefined : 2 * targetAcos * prior.orderValue;
		if (state && state !== 'ENABLED') {
			result = keep(row, entityType, metrics, 'notEnabled', sentence(label, ' is ', lower(state), ': left alone'));
		} else if (pauseRule.enabled && row.orders === 0 && spendLimit !== undefined && row.spend >= spendLimit && row.spend > 0) {
			const why = sentence(' spent ', money(row.spend), ' on ', row.clicks, noun(row.clicks, 'click'), ' without an order (limit ', money(spendLimit), ')');
			if (pauseRule.action === 'pause') {
				paused = true;
				result = change(row, entityType, metrics, 'pause', 'pauseNoOrders', { state: 'ENABLED', bid: row.bid }, { state: 'PAUSED' }, sentence(label, why, ': paused'));
			} else {
				const cents = clamp(centsAtLeast(row.bid * (1 - maxStep)), floorCents, ceilingCents);
				if (cents >= toCents(row.bid)) {
					result = keep(row, entityType, metrics, 'pauseNoOrders', sentence(label, why, ', but its bid ', money(row.bid), ' is already at the floor'));
				} else {
					newBid = fromCents(cents);
					const reason = sentence(label, why, ': bid lowered from ', money(row.bid), ' to ', money(newBid));
					result = change(row, entityType, metrics, 'lowerBid', 'pauseNoOrders', { bid: row.bid }, { bid: newBid }, reason);
				}
			}
		} else if (row.clicks < minClicks) {
			result = keep(row, entityType, metrics, 'minimumClicks', sentence(label, ' has ', row.clicks, noun(row.clicks, 'click'), ', fewer than ', minClicks, ': not enough data to change its bid'));
		} else if (targetBid === null) {
			result = keep(row, entityType, metrics, 'noConversionData', sentence('No orders in any row: no value per click to bid ', label, ' toward'));
		} else {
			const cents = boundedBidCents(row.bid, targetBid, settings);
			if (cents === toCents(row.bid)) {
				result = keep(row, entityType, metrics, 'targetAcos', bidSentence(label, row, smoothedCr, prior.orderValue!, rpc!, targetText, targetBid, '; the bid stays at ', money(row.bid), ''));
			} else {
				newBid = fromCents(cents);
				const limit =
					toCents(targetBid) === cents
						? ''
						: cents === floorCents && toCents(targetBid) < cents
							? ' (held at the floor)'
							: cents === ceilingCents && toCents(targetBid) > cents
								? ' (held at the ceiling)'
								: stepLimit;
				const reason = bidSentence(label, row, smoothedCr, prior.orderValue!, rpc!, targetText, targetBid, '; bid changed from ', money(row.bid), sentence(' to ', money(newBid), limit));
				result = change(row, entityType, metrics, 'setBid', 'targetAcos', { bid: row.bid }, { bid: newBid }, reason);
			}
		}
		decisions[i] = result;
		if (result.action !== 'none') changes[result.action] = (changes[result.action] ?? 0) + 1;
		if (!paused) {
			projectedSpend += row.bid > 0 ? (row.spend * newBid) / row.bid : row.spend;
			projectedSales += row.sales;
		}
	}

	const alerts = budgetAlerts(campaigns, settings.budgetGuard);
	const changed = Object.values(changes).reduce((a, b) => a + (b ?? 0), 0);
	return {
		decisions,
		alerts,
		summary: {
			rows: rows.length,
			changes,
			unchanged: rows.length - changed,
			alerts: alerts.length,
			current: projection(account.spend, account.sales),
			projected: projection(projectedSpend, projectedSales),
			model: 'Same clicks as in the data; cost per click moves with the bid; paused keywords spend and sell nothing; sales otherwise unchanged.',
		},
	};
}

export function projection(spend: number, sales: number) {
	return { spend: round(spend, 2), sales: round(sales, 2), acos: ratio(spend, sales), roas: ratio(sales, spend) };
}
