/**
 * Attribute: events (or pre-built journeys) in, credited conversions and value per channel out.
 *
 * How items leave this aggregating node (the package's rule "every input item leaves on exactly
 * one output", applied to aggregates):
 * - Credits (output 1): one item per group (channel, campaign or both) and model. It pairs to every
 *   input item it was computed from: the group's touches in the journeys the model uses (converting
 *   journeys; all journeys for Markov and the conversion-rate Shapley game), the conversions of
 *   the converting journeys the group is part of, and the group's spend items (second input).
 * - Summary (output 2): one item with the totals and counts. It pairs to every input item that no
 *   Credits item used: skipped bad items, events of other types, touches outside the lookback
 *   window, conversions without touches, and non-converting touches when no chosen model uses them.
 * So every input item is paired by the Credits output or by the Summary, never by both, and none is
 * lost; the Summary's counts add up to the number of input items. Under "Continue On Fail" a bad
 * item becomes an error item on the Credits output, paired to itself.
 * - Journeys (optional output 3): one item per journey with its touches and each per-journey split,
 *   paired to the journey's items. It repeats items already counted above: a breakdown, not a route.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, IPairedItemData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readText } from '../../shared/fields';
import { asNodeError, errorItem } from '../../shared/items';
import { shown } from '../../shared/show';
import { journeySplit, runModels, totals, usesNonConverting } from '../engine/attribute';
import { buildJourneys, journeysFromList, type BuiltJourneys, type JourneyInput, type JourneyStats } from '../engine/journeys';
import { spendAmount, spendMetrics, spendTableRows, type SpendRow } from '../engine/spend';
import { DAY_MS } from '../../shared/timestamps';
import {
	AttributionError,
	EVENT_FATE,
	MODELS,
	type EventTable,
	type Journeys,
	type Model,
	type ModelSettings,
} from '../engine/types';
import {
	atPath,
	BadData,
	campaignFromContext,
	channelFromContext,
	FIELDS,
	NOT_SET,
	pathReader,
	readConverted,
	readTime,
	readTouches,
	readUser,
	readValue,
} from './read';

type GroupBy = 'channel' | 'campaign' | 'channelCampaign';

interface GroupLabel {
	channel?: string;
	campaign?: string;
}

/** Groups numbered in the order first seen, with their labels. */
class Groups {
	readonly names: string[] = [];
	readonly labels: GroupLabel[] = [];
	private readonly index = new Map<string, number>();

	constructor(private readonly by: GroupBy) {}

	of(channel: string | undefined, campaign: string | undefined): number {
		const key = this.by === 'channel' ? channel! : this.by === 'campaign' ? campaign! : `${channel}\u0000${campaign}`;
		let g = this.index.get(key);
		if (g === undefined) {
			g = this.names.length;
			this.index.set(key, g);
			const label: GroupLabel = {};
			if (this.by !== 'campaign') label.channel = channel;
			if (this.by !== 'channel') label.campaign = campaign;
			this.labels.push(label);
			this.names.push(this.by === 'channelCampaign' ? `${channel} / ${campaign}` : key);
		}
		return g;
	}
}

interface Skipped {
	item: number;
	input?: number;
	field: string;
	reason: string;
}

const SKIPPED_LISTED = 100;

const list = (text: string) =>
	new Set(
		text
			.split(',')
			.map((s) => s.trim().toLowerCase())
			.filter(Boolean),
	);

/** The lookback window in days, 0 for none; NaN, true or text is refused (NaN would silently mean "no limit"). */
function lookbackOf(ctx: IExecuteFunctions): number {
	const days = ctx.getNodeParameter('lookbackDays', 0, 30) as unknown;
	if (typeof days === 'number' && Number.isFinite(days) && days >= 0) return days;
	throw new NodeOperationError(ctx.getNode(), `Lookback Window (Days) is ${shown(days)}, not a number of days`, {
		description: 'Set the number of days before a conversion that a touch still counts, e.g. 30, or 0 for no limit.',
	});
}

function settingsFrom(options: IDataObject): ModelSettings {
	return {
		positionFirst: ((options.positionFirst as number | undefined) ?? 40) / 100,
		positionLast: ((options.positionLast as number | undefined) ?? 40) / 100,
		halfLifeMs: ((options.halfLifeDays as number | undefined) ?? 7) * DAY_MS,
		shapleyGame: (options.shapleyGame as ModelSettings['shapleyGame'] | undefined) ?? 'simplified',
	};
}

export function attributeItems(ctx: IExecuteFunctions): INodeExecutionData[][] {
	const items = ctx.getInputData(0);
	const input = ctx.getNodeParameter('input', 0) as 'events' | 'journeys';
	const modelParameter = ctx.getNodeParameter('model', 0) as Model | 'all';
	const models: readonly Model[] = modelParameter === 'all' ? MODELS : [modelParameter];
	const groupBy = ctx.getNodeParameter('groupBy', 0) as GroupBy;
	const onBadData = ctx.getNodeParameter('onBadData', 0) as 'error' | 'skip';
	const spendSource = ctx.getNodeParameter('spendSource', 0) as 'none' | 'input' | 'table';
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const settings = settingsFrom(options);
	const directChannel = String(options.directChannel ?? 'Direct').trim().toLowerCase();
	const collapseRepeats = options.collapseRepeats === true;
	const includeJourneys = options.includeJourneys === true;
	const continueOnFail = ctx.continueOnFail();
	const read = pathReader(ctx, items);
	const groups = new Groups(groupBy);
	const usesCampaign = groupBy !== 'channel';
	const usesChannel = groupBy !== 'campaign';

	const errorItems: INodeExecutionData[] = [];
	const skipped: Skipped[] = [];
	const skippedByReason: Record<string, number> = {};
	/** Handles one bad item: stop, error item (Continue On Fail) or skip and count. */
	const bad = (error: unknown, i: number, inputIndex = 0) => {
		if (onBadData === 'skip') {
			const field = error instanceof BadData ? error.field : inputIndex ? 'spend' : 'item';
			const code = error instanceof BadData ? error.code : inputIndex ? 'badSpend' : 'badField';
			skippedByReason[code] = (skippedByReason[code] ?? 0) + 1;
			skipped.push({ item: i, ...(inputIndex ? { input: inputIndex } : {}), field, reason: (error as Error).message });
			return;
		}
		const where = inputIndex ? `Spend item ${i}` : `Item ${i}`;
		const nodeError =
			error instanceof BadData || error instanceof AttributionError
				? new NodeOperationError(ctx.getNode(), `${where}: ${error.message}`, { itemIndex: inputIndex ? undefined : i, description: error.fix })
				: asNodeError(ctx, error, inputIndex ? undefined : i);
		if (!continueOnFail) throw nodeError;
		const failed = errorItem(nodeError, i);
		if (inputIndex) failed.pairedItem = { item: i, input: inputIndex };
		errorItems.push(failed);
	};
	const settingError = (error: unknown): never => {
		if (error instanceof AttributionError) throw new NodeOperationError(ctx.getNode(), error.message, { description: error.fix });
		throw asNodeError(ctx, error);
	};

	// Spend first, so that a channel with spend and no touch still gets its row.
	const spendByGroup = new Map<number, { amount: number; items: number[] }>();
	const addSpend = (row: SpendRow, amount: number, item?: number) => {
		let channel = row.channel?.trim();
		let campaign = row.campaign?.trim();
		if (row.key !== undefined) {
			if (groupBy === 'channelCampaign') {
				throw new AttributionError(
					'a spend table written as {"name": amount} cannot say both the channel and the campaign',
					'Write it as a list of {"channel", "campaign", "spend"} rows.',
				);
			}
			if (groupBy === 'channel') channel = row.key.trim();
			else campaign = row.key.trim();
		}
		if ((usesChannel && !channel) || (usesCampaign && !campaign)) {
			const missing = usesChannel && !channel ? 'channel' : 'campaign';
			throw new BadData('badSpend', `spend ${missing}`, `the spend row has no ${missing}`, `Give every spend row a ${missing}, matching the names in your events.`);
		}
		const g = groups.of(channel, campaign);
		const entry = spendByGroup.get(g) ?? { amount: 0, items: [] };
		entry.amount += amount;
		if (item !== undefined) entry.items.push(item);
		spendByGroup.set(g, entry);
	};
	if (spendSource === 'table') {
		let rows: SpendRow[] = [];
		try {
			rows = spendTableRows(ctx.getNodeParameter('spendTable', 0));
			for (const row of rows) addSpend(row, spendAmount(row.spend));
		} catch (error) {
			settingError(
				error instanceof BadData || error instanceof AttributionError ? new AttributionError(`Spend table: ${error.message}`, error.fix) : error,
			);
		}
	} else if (spendSource === 'input') {
		const spendItems = (() => {
			try {
				return ctx.getInputData(1);
			} catch {
				return [];
			}
		})();
		const channelPath = String(ctx.getNodeParameter('spendChannelField', 0, 'channel')).split('.');
		const campaignPath = String(ctx.getNodeParameter('spendCampaignField', 0, 'campaign')).split('.');
		const amountPath = String(ctx.getNodeParameter('spendAmountField', 0, 'spend')).split('.');
		spendItems.forEach((item, s) => {
			try {
				const name = (path: string[]) => {
					const v = atPath(item.json, path);
					return v === undefined || v === null ? undefined : String(v);
				};
				const amount = spendAmount(atPath(item.json, amountPath));
				addSpend({ channel: name(channelPath), campaign: name(campaignPath), spend: amount }, amount, s);
			} catch (error) {
				bad(error, s, 1);
			}
		});
	}

	const ignored: number[] = [];
	let built: BuiltJourneys | undefined;
	let table: EventTable | undefined;
	let journeys: Journeys;
	let stats: JourneyStats;
	/** Events mode: event row → input item. Journeys mode: journey → input item. */
	let rowItem: Int32Array;
	const users: string[] = [];
	const withoutTouches: number[] = [];

	if (input === 'events') {
		const conversionTypes = list(ctx.getNodeParameter('conversionEvents', 0, 'purchase, conversion') as string);
		const touchTypes = list((options.touchEvents as string | undefined) ?? '');
		const lookbackDays = lookbackOf(ctx);
		const userIndex = new Map<string, number>();
		const n = items.length;
		const user = new Int32Array(n);
		const time = new Float64Array(n);
		const conversion = new Uint8Array(n);
		const group = new Int32Array(n);
		const direct = new Uint8Array(n);
		const value = new Float64Array(n);
		const item = new Int32Array(n);
		let rows = 0;
		for (let i = 0; i < n; i++) {
			try {
				const type = readText(ctx, read, FIELDS.eventType, i).toLowerCase();
				if (!type) {
					throw new BadData('noEventType', FIELDS.eventType.label, 'the event has no event type', 'Map "Event Type" to a field every event has, e.g. {{ $json.eventType }}.');
				}
				const isConversion = conversionTypes.has(type);
				if (!isConversion && touchTypes.size > 0 && !touchTypes.has(type)) {
					ignored.push(i);
					continue;
				}
				const name = readUser(ctx, read, i);
				const at = readTime(read(FIELDS.timestamp.parameter, i), FIELDS.timestamp.label, true);
				let u = userIndex.get(name);
				if (u === undefined) {
					u = users.length;
					userIndex.set(name, u);
					users.push(name);
				}
				user[rows] = u;
				time[rows] = at;
				item[rows] = i;
				if (isConversion) {
					conversion[rows] = 1;
					value[rows] = readValue(read(FIELDS.value.parameter, i), FIELDS.value.label, () => {
						const properties = items[i].json.properties as IDataObject | undefined;
						return properties?.value ?? properties?.revenue;
					});
				} else {
					// The channel is read under every grouping: "last non-direct" needs it.
					const channel = readText(ctx, read, FIELDS.channel, i) || channelFromContext(items[i].json);
					const campaign = usesCampaign ? readText(ctx, read, FIELDS.campaign, i) || campaignFromContext(items[i].json) || NOT_SET : undefined;
					group[rows] = groups.of(usesChannel ? channel : undefined, campaign);
					direct[rows] = channel.toLowerCase() === directChannel ? 1 : 0;
				}
				rows++;
			} catch (error) {
				bad(error, i);
			}
		}
		table = {
			length: rows,
			user: user.subarray(0, rows),
			userCount: users.length,
			time: time.subarray(0, rows),
			conversion: conversion.subarray(0, rows),
			group: group.subarray(0, rows),
			direct: direct.subarray(0, rows),
			value: value.subarray(0, rows),
			item: item.subarray(0, rows),
			groups: groups.names,
		};
		built = buildJourneys(table, { lookbackMs: lookbackDays > 0 ? lookbackDays * DAY_MS : Infinity, collapseRepeats });
		journeys = built.journeys;
		stats = built.stats;
		rowItem = table.item;
	} else {
		const list: JourneyInput[] = [];
		const journeyItems: number[] = [];
		let touchCount = 0;
		let conversions = 0;
		let valueWithoutTouches = 0;
		for (let i = 0; i < items.length; i++) {
			try {
				const touches = readTouches(read(FIELDS.touches.parameter, i));
				const converted = readConverted(read(FIELDS.converted.parameter, i));
				const value = converted ? readValue(read(FIELDS.journeyValue.parameter, i), FIELDS.journeyValue.label, () => undefined) : 0;
				const conversionTime = readTime(read(FIELDS.conversionTime.parameter, i), FIELDS.conversionTime.label, false);
				const campaignOf = (touch: { campaign?: string }) =>
					usesCampaign ? touch.campaign || readText(ctx, read, FIELDS.campaign, i) || NOT_SET : undefined;
				touchCount += touches.length;
				if (converted) conversions++;
				if (touches.length === 0) {
					if (converted) {
						withoutTouches.push(i);
						valueWithoutTouches += value;
					} else ignored.push(i);
					continue;
				}
				list.push({
					touches: touches.map((touch) => ({
						group: groups.of(usesChannel ? touch.channel : undefined, campaignOf(touch)),
						time: touch.time,
						direct: touch.channel.toLowerCase() === directChannel,
					})),
					converted,
					value,
					conversionTime: Number.isNaN(conversionTime) ? undefined : conversionTime,
				});
				journeyItems.push(i);
			} catch (error) {
				bad(error, i);
			}
		}
		journeys = journeysFromList(list, groups.names, collapseRepeats);
		rowItem = Int32Array.from(journeyItems);
		let converting = 0;
		for (let j = 0; j < journeys.count; j++) converting += journeys.converted[j];
		stats = {
			events: items.length,
			touches: touchCount,
			conversions,
			journeys: journeys.count,
			convertingJourneys: converting,
			nonConvertingJourneys: journeys.count - converting,
			journeyTouches: journeys.touchGroup.length,
			touchesOutsideWindow: 0,
			collapsedTouches: touchCount - journeys.touchGroup.length,
			conversionsWithoutTouches: withoutTouches.length,
			valueWithoutTouches,
		};
	}

	let runs;
	try {
		runs = runModels(models, journeys, settings);
	} catch (error) {
		return settingError(error);
	}
	const total = totals(journeys);

	// Which input items each group's rows pair to.
	const k = groups.names.length;
	const converting: number[][] = Array.from({ length: k }, () => []);
	const nonConverting: number[][] = Array.from({ length: k }, () => []);
	const touchesIn = new Float64Array(k);
	const journeysIn = new Float64Array(k);
	const seen = new Int32Array(k).fill(-1);
	const journeyGroups: number[][] = new Array(journeys.count);
	for (let j = 0; j < journeys.count; j++) {
		const distinct: number[] = [];
		for (let t = journeys.start[j]; t < journeys.start[j + 1]; t++) {
			const g = journeys.touchGroup[t];
			if (journeys.converted[j]) touchesIn[g]++;
			if (seen[g] !== j) {
				seen[g] = j;
				distinct.push(g);
				if (journeys.converted[j]) journeysIn[g]++;
			}
		}
		journeyGroups[j] = distinct;
	}
	const anyUsesNonConverting = models.some((m) => usesNonConverting(m, settings));
	const unused: number[] = [...ignored, ...withoutTouches];
	if (built) {
		const { fate, eventJourney } = built;
		for (let e = 0; e < fate.length; e++) {
			const i = rowItem[e];
			switch (fate[e]) {
				case EVENT_FATE.convertingTouch:
					converting[table!.group[e]].push(i);
					break;
				case EVENT_FATE.nonConvertingTouch:
					if (anyUsesNonConverting) nonConverting[table!.group[e]].push(i);
					else unused.push(i);
					break;
				case EVENT_FATE.conversion:
					for (const g of journeyGroups[eventJourney[e]]) converting[g].push(i);
					break;
				default:
					unused.push(i);
			}
		}
	} else {
		for (let j = 0; j < journeys.count; j++) {
			const i = rowItem[j];
			if (journeys.converted[j]) for (const g of journeyGroups[j]) converting[g].push(i);
			else if (anyUsesNonConverting) for (const g of journeyGroups[j]) nonConverting[g].push(i);
			else unused.push(i);
		}
	}

	const pairs = new Array<IPairedItemData>(items.length);
	const pair = (i: number) => (pairs[i] ??= { item: i });
	const pairing = (g: number, withNonConverting: boolean): IPairedItemData[] => {
		const own = withNonConverting ? [...converting[g], ...nonConverting[g]] : converting[g].slice();
		own.sort((a, b) => a - b);
		const out = own.map(pair);
		for (const s of spendByGroup.get(g)?.items ?? []) out.push({ item: s, input: 1 });
		return out;
	};
	const pairingCache = new Map<string, IPairedItemData[]>();

	const order = groups.names.map((_, g) => g).sort((a, b) => groups.names[a].localeCompare(groups.names[b]));
	const credits: INodeExecutionData[] = [...errorItems];
	for (const run of runs) {
		const withNonConverting = usesNonConverting(run.model, settings);
		for (const g of order) {
			const cacheKey = `${g}:${withNonConverting}`;
			let paired = pairingCache.get(cacheKey);
			if (!paired) pairingCache.set(cacheKey, (paired = pairing(g, withNonConverting)));
			// A group takes part when items were used for it, or when it has spend (even from a table).
			if (paired.length === 0 && !spendByGroup.has(g)) continue;
			const conversions = run.credit.conversions[g];
			const value = run.credit.value[g];
			const json: IDataObject = { model: run.model, ...groups.labels[g] };
			json.conversions = conversions;
			json.value = value;
			json.share = total.conversions > 0 ? conversions / total.conversions : 0;
			json.valueShare = total.value > 0 ? value / total.value : 0;
			json.touches = touchesIn[g];
			json.journeys = journeysIn[g];
			if (spendSource !== 'none') Object.assign(json, spendMetrics(conversions, value, spendByGroup.get(g)?.amount ?? 0));
			credits.push({ json, pairedItem: paired });
		}
	}

	const labelOf = (g: number) => groups.names[g];
	const summary: IDataObject = {
		models: [...models],
		creditBy: groupBy,
		...(input === 'events' ? { lookbackDays: lookbackOf(ctx) } : {}),
		items: items.length,
		conversions: total.conversions,
		value: total.value,
		journeys: stats.journeys,
		convertingJourneys: stats.convertingJourneys,
		nonConvertingJourneys: stats.nonConvertingJourneys,
		touches: stats.touches,
		journeyTouches: stats.journeyTouches,
		collapsedTouches: stats.collapsedTouches,
		touchesOutsideWindow: stats.touchesOutsideWindow,
		conversionsWithoutTouches: stats.conversionsWithoutTouches,
		valueWithoutTouches: stats.valueWithoutTouches,
		ignoredItems: ignored.length,
		skippedItems: skipped.length,
		skippedByReason,
		skipped: skipped.slice(0, SKIPPED_LISTED),
		errorItems: errorItems.length,
	};
	const markov = runs.find((r) => r.markov)?.markov;
	if (markov) {
		const effects: IDataObject = {};
		for (const g of order) effects[labelOf(g)] = markov.removalEffects[g];
		summary.markov = { conversionProbability: markov.conversionProbability, removalEffects: effects };
	}
	const shapley = runs.find((r) => r.model === 'shapley');
	if (shapley && settings.shapleyGame === 'conversionRate') {
		const negative = order.filter((g) => shapley.credit.conversions[g] < -1e-12).map(labelOf);
		summary.shapleyGame = 'conversionRate';
		if (negative.length) {
			summary.notes = [
				`Shapley (conversion rate) gives negative credit to ${negative.join(', ')}: journeys with ${negative.length > 1 ? 'these channels' : 'it'} convert less often than the same journeys without.`,
			];
		}
	}
	const summaryPairs: IPairedItemData[] = unused.sort((a, b) => a - b).map(pair);
	for (const s of skipped) summaryPairs.push(s.input ? { item: s.item, input: s.input } : pair(s.item));
	const outputs: INodeExecutionData[][] = [credits, [{ json: summary, pairedItem: summaryPairs }]];

	if (includeJourneys) outputs.push(journeyBreakdown(journeys, models, settings, groups, users, built, rowItem, pair));
	return outputs;
}

function journeyBreakdown(
	journeys: Journeys,
	models: readonly Model[],
	settings: ModelSettings,
	groups: Groups,
	users: string[],
	built: BuiltJourneys | undefined,
	rowItem: Int32Array,
	pair: (i: number) => IPairedItemData,
): INodeExecutionData[] {
	const itemsOf: number[][] = Array.from({ length: journeys.count }, () => []);
	if (built) {
		built.eventJourney.forEach((j, e) => {
			if (j >= 0) itemsOf[j].push(rowItem[e]);
		});
	} else {
		for (let j = 0; j < journeys.count; j++) itemsOf[j].push(rowItem[j]);
	}
	const iso = (ms: number) => (Number.isNaN(ms) ? null : new Date(ms).toISOString());
	const out: INodeExecutionData[] = [];
	for (let j = 0; j < journeys.count; j++) {
		const touches: IDataObject[] = [];
		for (let t = journeys.start[j]; t < journeys.start[j + 1]; t++) {
			touches.push({ ...groups.labels[journeys.touchGroup[t]], timestamp: iso(journeys.touchTime[t]) });
		}
		const credits: IDataObject = {};
		const split = journeySplit(models, journeys, j, settings);
		for (const [model, byGroup] of Object.entries(split)) {
			credits[model] = [...byGroup!.entries()].map(([g, share]) => ({
				...groups.labels[g],
				conversions: share,
				value: share * journeys.value[j],
			}));
		}
		out.push({
			json: {
				journey: j,
				userId: journeys.user[j] >= 0 ? users[journeys.user[j]] : null,
				converted: journeys.converted[j] === 1,
				conversionTime: iso(journeys.conversionTime[j]),
				value: journeys.value[j],
				touches,
				credits,
			},
			pairedItem: itemsOf[j].sort((a, b) => a - b).map(pair),
		});
	}
	return out;
}
