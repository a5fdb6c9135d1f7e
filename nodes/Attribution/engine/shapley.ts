/**
 * Shapley attribution, exact: no sampling of orderings.
 *
 * The players are the groups (channels, campaigns, …). A journey's coalition is the set of its
 * distinct groups. Shapley value of player i in a game v on players N (n = |N|):
 *   φ_i = Σ_{S ⊆ N∖{i}} |S|! (n − |S| − 1)! / n! · (v(S ∪ {i}) − v(S)).
 *
 * Simplified game (default; Zhao et al. 2018, as Google's Ads Data Hub documents it): v(S) = the
 * conversions (or value) of converting journeys whose coalition ⊆ S. Its Shapley values add up to
 * v(N), every conversion. Computed from the table of v over all 2^n coalitions: conversions are
 * summed per coalition (a bitmask), a subset-sum (zeta) transform gives v(S) for every S, and the
 * weighted formula gives φ. v is the sum over journeys of value · u_T (u_T(S) = 1 when T ⊆ S), and
 * the Shapley value of u_T gives 1/|T| to each member of T, so the same credits also come from
 * splitting each conversion equally over its journey's distinct groups: that closed form is used
 * past 20 groups (2^20 coalitions) and checked against the table in the unit tests.
 *
 * Conversion-rate game (option): v(S) = conversions / journeys among ALL journeys (converting or
 * not) whose coalition is exactly S, 0 for a coalition no journey has. For every coalition T seen
 * in a converting journey, the Shapley values of that game restricted to T's members add up to
 * v(T), the rate; multiplied by the number of journeys with coalition T they add up to T's
 * conversions, and the sum over T is the total (DP6's Marketing Attribution Models compute their
 * "conv_rate" Shapley this way). The value column uses value per journey in place of the rate.
 * A member whose presence lowers the rate gets NEGATIVE credit; the node says so.
 */
import { AttributionError, type Credit, type Journeys } from './types';

/** Above this many players the simplified game uses its closed form. */
export const TABLE_LIMIT = 20;
/** A coalition of the conversion-rate game may have at most this many members. */
export const RATE_COALITION_LIMIT = 20;

/** w[s] = s! (n − s − 1)! / n! for s = 0 … n − 1. */
export function shapleyWeights(n: number): Float64Array {
	const w = new Float64Array(Math.max(n, 1));
	// w[0] = (n − 1)! / n! = 1/n; w[s + 1] = w[s] · (s + 1) / (n − s − 1).
	w[0] = 1 / n;
	for (let s = 0; s + 1 < n; s++) w[s + 1] = (w[s] * (s + 1)) / (n - s - 1);
	return w;
}

/** Population count of a 32-bit mask. */
export function bitCount(x: number): number {
	x -= (x >>> 1) & 0x55555555;
	x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
	return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Sums every coalition's own amount into all its supersets: v(S) = Σ_{T ⊆ S} c(T), in place. */
export function zeta(table: Float64Array, n: number): Float64Array {
	const size = 1 << n;
	for (let bit = 0; bit < n; bit++) {
		const b = 1 << bit;
		for (let s = 0; s < size; s++) if (s & b) table[s] += table[s ^ b];
	}
	return table;
}

/** Shapley values of a game given as v over all 2^n coalitions (v[0] taken as v(∅)). */
export function shapleyValues(v: Float64Array, n: number): Float64Array {
	const w = shapleyWeights(n);
	const phi = new Float64Array(n);
	const size = 1 << n;
	for (let s = 0; s < size; s++) {
		const ws = w[bitCount(s)];
		const vs = v[s];
		for (let i = 0; i < n; i++) {
			const b = 1 << i;
			if (s & b) continue;
			phi[i] += ws * (v[s | b] - vs);
		}
	}
	return phi;
}

/** The groups that appear in converting journeys (or in any journey), numbered as players. */
function players(journeys: Journeys, convertingOnly: boolean): { player: Int32Array; members: number[] } {
	const player = new Int32Array(journeys.groups.length).fill(-1);
	const members: number[] = [];
	for (let j = 0; j < journeys.count; j++) {
		if (convertingOnly && !journeys.converted[j]) continue;
		for (let t = journeys.start[j]; t < journeys.start[j + 1]; t++) {
			const g = journeys.touchGroup[t];
			if (player[g] === -1) {
				player[g] = members.length;
				members.push(g);
			}
		}
	}
	return { player, members };
}

/** Simplified game, closed form: each conversion split equally over its journey's distinct groups. */
export function simplifiedShapleyClosedForm(journeys: Journeys): Credit {
	const k = journeys.groups.length;
	const conversions = new Float64Array(k);
	const value = new Float64Array(k);
	const seen = new Int32Array(k).fill(-1);
	const distinct: number[] = [];
	for (let j = 0; j < journeys.count; j++) {
		if (!journeys.converted[j]) continue;
		distinct.length = 0;
		for (let t = journeys.start[j]; t < journeys.start[j + 1]; t++) {
			const g = journeys.touchGroup[t];
			if (seen[g] !== j) {
				seen[g] = j;
				distinct.push(g);
			}
		}
		const share = 1 / distinct.length;
		const v = journeys.value[j] * share;
		for (const g of distinct) {
			conversions[g] += share;
			value[g] += v;
		}
	}
	return { conversions, value };
}

/** Simplified game through the coalition table (zeta transform + weighted formula). */
export function simplifiedShapley(journeys: Journeys, method: 'auto' | 'table' | 'closedForm' = 'auto'): Credit {
	const { player, members } = players(journeys, true);
	const n = members.length;
	if (method === 'closedForm' || (method === 'auto' && n > TABLE_LIMIT)) return simplifiedShapleyClosedForm(journeys);
	const k = journeys.groups.length;
	const conversions = new Float64Array(k);
	const value = new Float64Array(k);
	if (n === 0) return { conversions, value };
	const size = 1 << n;
	const c = new Float64Array(size);
	const val = new Float64Array(size);
	for (let j = 0; j < journeys.count; j++) {
		if (!journeys.converted[j]) continue;
		let mask = 0;
		for (let t = journeys.start[j]; t < journeys.start[j + 1]; t++) mask |= 1 << player[journeys.touchGroup[t]];
		c[mask] += 1;
		val[mask] += journeys.value[j];
	}
	const phiConversions = shapleyValues(zeta(c, n), n);
	const phiValue = shapleyValues(zeta(val, n), n);
	members.forEach((g, i) => {
		conversions[g] = phiConversions[i];
		value[g] = phiValue[i];
	});
	return { conversions, value };
}

interface Coalition {
	members: number[];
	journeys: number;
	conversions: number;
	value: number;
}

/** Conversion-rate game: per converting coalition T, the Shapley values of v(S) = rate(S) on T, × journeys(T). */
export function conversionRateShapley(journeys: Journeys): Credit {
	const k = journeys.groups.length;
	const conversions = new Float64Array(k);
	const value = new Float64Array(k);
	const { player, members: all } = players(journeys, false);
	const numeric = all.length <= 30;
	const coalitions = new Map<number | string, Coalition>();
	const seen = new Int32Array(k).fill(-1);
	const distinct: number[] = [];
	for (let j = 0; j < journeys.count; j++) {
		distinct.length = 0;
		let mask = 0;
		for (let t = journeys.start[j]; t < journeys.start[j + 1]; t++) {
			const g = journeys.touchGroup[t];
			if (seen[g] === j) continue;
			seen[g] = j;
			distinct.push(g);
			mask |= 1 << player[g];
		}
		if (distinct.length === 0) continue;
		distinct.sort((a, b) => player[a] - player[b]);
		const key = numeric ? mask : distinct.join(',');
		let coalition = coalitions.get(key);
		if (!coalition) coalitions.set(key, (coalition = { members: distinct.slice(), journeys: 0, conversions: 0, value: 0 }));
		coalition.journeys++;
		if (journeys.converted[j]) {
			coalition.conversions++;
			coalition.value += journeys.value[j];
		}
	}
	const keyOf = (members: number[], sub: number): number | string => {
		let mask = 0;
		const parts: number[] = [];
		for (let b = 0; b < members.length; b++) {
			if (!(sub & (1 << b))) continue;
			mask |= 1 << player[members[b]];
			parts.push(members[b]);
		}
		return numeric ? mask : parts.join(',');
	};
	for (const coalition of coalitions.values()) {
		if (coalition.conversions === 0) continue;
		const m = coalition.members.length;
		if (m > RATE_COALITION_LIMIT) {
			throw new AttributionError(
				`a converting journey touches ${m} different groups; the conversion-rate Shapley game is exact only up to ${RATE_COALITION_LIMIT}`,
				'Group by channel rather than campaign, or use the simplified Shapley game.',
			);
		}
		const size = 1 << m;
		const rate = new Float64Array(size);
		const valueRate = new Float64Array(size);
		for (let sub = 1; sub < size; sub++) {
			const found = coalitions.get(keyOf(coalition.members, sub));
			if (!found) continue;
			rate[sub] = found.conversions / found.journeys;
			valueRate[sub] = found.value / found.journeys;
		}
		const phiRate = shapleyValues(rate, m);
		const phiValue = shapleyValues(valueRate, m);
		coalition.members.forEach((g, i) => {
			conversions[g] += phiRate[i] * coalition.journeys;
			value[g] += phiValue[i] * coalition.journeys;
		});
	}
	return { conversions, value };
}

export function shapleyCredits(journeys: Journeys, game: 'simplified' | 'conversionRate'): Credit {
	return game === 'conversionRate' ? conversionRateShapley(journeys) : simplifiedShapley(journeys);
}
