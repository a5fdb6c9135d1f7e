/**
 * The Attribution node in an in-process n8n: every model and "All" against the independent Python
 * reference, grouping by campaign, spend joins (CPA, ROAS), bad-data modes, pre-built journeys,
 * the per-journey breakdown, and pairing: every input item is paired by the Credits output or by
 * the Summary, never by both.
 */
import type { IDataObject, INodeExecutionData, IPairedItemData } from 'n8n-workflow';

import { MODELS, type Model } from '../../nodes/Attribution/engine/types';
import reference from '../reference/attribution-reference.json';
import { PACKAGE, runWorkflow, singleNode, type WorkflowSpec } from '../helpers/n8n';

type Row = IDataObject & { model: Model; channel: string; conversions: number; value: number; share: number };

const eventsCase = reference.cases.find((c) => c.name === 'events') as (typeof reference.cases)[number] & {
	events: Array<{ userId: string; timestamp: number; eventType: string; channel: string | null; value: number | null }>;
};
/** The reference events as the trigger would give them: ISO timestamps, channel on touches only. */
const events: IDataObject[] = eventsCase.events.map((e) => ({
	userId: e.userId,
	timestamp: new Date(e.timestamp).toISOString(),
	eventType: e.eventType,
	...(e.channel ? { channel: e.channel } : {}),
	...(e.value !== null ? { value: e.value } : {}),
}));

const rows = (items: INodeExecutionData[]) => items.map((item) => item.json as Row);
const pairedItems = (item: INodeExecutionData): IPairedItemData[] =>
	item.pairedItem === undefined ? [] : Array.isArray(item.pairedItem) ? item.pairedItem : [item.pairedItem as IPairedItemData];
const pairedIndexes = (items: INodeExecutionData[], input = 0) =>
	new Set(items.flatMap((item) => pairedItems(item).filter((p) => (p.input ?? 0) === input).map((p) => p.item)));

function near(actual: number, expected: number, tolerance = 1e-9) {
	if (!(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)))) {
		throw new Error(`expected ${expected}, got ${actual}`);
	}
}

/** The reference credit of a channel under a model. */
function expected(model: Model, channel: string): { conversions: number; value: number } {
	const g = eventsCase.groups.indexOf(channel);
	const e = (eventsCase.expected as unknown as Record<string, { conversions: number[]; value: number[] }>)[model];
	return { conversions: e.conversions[g], value: e.value[g] };
}

/** No item paired by both outputs, and every input item paired by one of them. */
function expectPartition(credits: INodeExecutionData[], summary: INodeExecutionData[], count: number) {
	const credited = pairedIndexes(credits);
	const summarised = pairedIndexes(summary);
	for (const i of credited) expect(summarised.has(i)).toBe(false);
	expect(new Set([...credited, ...summarised]).size).toBe(count);
}

describe('Attribution node (in-process n8n)', () => {
	it('runs as dropped on the canvas (Markov by channel) on events in any order', async () => {
		const result = await runWorkflow(singleNode('attribution', {}, events));
		expect(result.error).toBeUndefined();
		const credits = result.output('Node', 0);
		const out = rows(credits);
		expect(out.every((r) => r.model === 'markov')).toBe(true);
		// Alphabetical by channel; Display has no row (its only touch was outside the window).
		expect(out.map((r) => r.channel)).toEqual(['Direct', 'Email', 'Organic Social', 'Paid Search']);
		for (const row of out) {
			near(row.conversions, expected('markov', row.channel).conversions);
			near(row.value, expected('markov', row.channel).value);
		}
		near(out.reduce((s, r) => s + r.conversions, 0), 5);
		near(out.reduce((s, r) => s + r.value, 0), 300);
		near(out.reduce((s, r) => s + r.share, 0), 1);

		const summary = result.output('Node', 1);
		expect(summary).toHaveLength(1);
		expect(summary[0].json).toMatchObject({
			models: ['markov'],
			items: 18,
			conversions: 5,
			value: 300,
			journeys: 7,
			convertingJourneys: 5,
			nonConvertingJourneys: 2,
			touchesOutsideWindow: 1,
			conversionsWithoutTouches: 1,
			valueWithoutTouches: 15,
			skippedItems: 0,
		});
		near((summary[0].json.markov as IDataObject).conversionProbability as number, reference.cases.find((c) => c.name === 'events')!.expected.markov.conversionProbability);
		// The summary pairs to the items no credit used: the Display touch (outside the window) and u3's first purchase.
		const unused = [...pairedIndexes(summary)].sort((a, b) => a - b);
		expect(unused.map((i) => [events[i].userId, events[i].eventType, events[i].channel])).toEqual([
			['u2', 'page', 'Display'],
			['u3', 'purchase', undefined],
		]);
		expectPartition(credits, summary, events.length);
	});

	it.each(MODELS.map((m) => [m]))('model %s matches the reference', async (model) => {
		const result = await runWorkflow(singleNode('attribution', { model }, events));
		expect(result.error).toBeUndefined();
		for (const row of rows(result.output('Node', 0))) {
			expect(row.model).toBe(model);
			near(row.conversions, expected(model, row.channel).conversions);
			near(row.value, expected(model, row.channel).value);
		}
		// Rule-based models and the simplified Shapley game do not use non-converting journeys: those
		// touches (u1's Organic Social, u4's Direct and Organic Social) go to the summary.
		const usesAll = model === 'markov';
		expect(pairedIndexes(result.output('Node', 1)).size).toBe(usesAll ? 2 : 5);
		expectPartition(result.output('Node', 0), result.output('Node', 1), events.length);
	});

	it('"All" emits every model side by side, each adding up to the totals', async () => {
		const result = await runWorkflow(singleNode('attribution', { model: 'all' }, events));
		const out = rows(result.output('Node', 0));
		expect([...new Set(out.map((r) => r.model))]).toEqual([...MODELS]);
		for (const model of MODELS) {
			const ofModel = out.filter((r) => r.model === model);
			near(ofModel.reduce((s, r) => s + r.conversions, 0), 5);
			near(ofModel.reduce((s, r) => s + r.value, 0), 300);
			for (const row of ofModel) near(row.conversions, expected(model, row.channel).conversions);
		}
		// A credit row pairs to the channel's touches and the conversions of the journeys it is in:
		// Email's rule-based rows → u1's Email touch and purchase, u2's two Email touches and two conversions.
		const emailLinear = result.output('Node', 0).find((item) => item.json.model === 'linear' && item.json.channel === 'Email')!;
		const paired = pairedItems(emailLinear).map((p) => p.item);
		expect(paired.map((i) => `${events[i].userId}:${events[i].eventType}:${events[i].channel ?? ''}`).sort()).toEqual([
			'u1:page:Email',
			'u1:purchase:',
			'u2:conversion:',
			'u2:page:Email',
			'u2:page:Email',
			'u2:purchase:',
		]);
		expect(emailLinear.json).toMatchObject({ touches: 3, journeys: 3 });
		expectPartition(result.output('Node', 0), result.output('Node', 1), events.length);
	});

	it('credits campaigns (campaign from the field or from context.campaign), and channel × campaign', async () => {
		const input = [
			{ userId: 'a', timestamp: '2024-05-01T00:00:00Z', eventType: 'page', channel: 'Email', campaign: 'may-news' },
			{ userId: 'a', timestamp: '2024-05-02T00:00:00Z', eventType: 'page', channel: 'Paid Search', context: { campaign: { campaign: 'brand' } } },
			{ userId: 'a', timestamp: '2024-05-03T00:00:00Z', eventType: 'purchase', value: 90 },
			{ userId: 'b', timestamp: '2024-05-01T00:00:00Z', eventType: 'page', channel: 'Paid Search' },
			{ userId: 'b', timestamp: '2024-05-01T01:00:00Z', eventType: 'purchase', value: 10 },
		];
		const byCampaign = await runWorkflow(singleNode('attribution', { model: 'linear', groupBy: 'campaign' }, input));
		expect(rows(byCampaign.output('Node', 0)).map((r) => [r.campaign, r.conversions, r.value])).toEqual([
			['(not set)', 1, 10],
			['brand', 0.5, 45],
			['may-news', 0.5, 45],
		]);
		expect(byCampaign.output('Node', 0)[0].json).not.toHaveProperty('channel');
		const both = await runWorkflow(singleNode('attribution', { model: 'firstTouch', groupBy: 'channelCampaign' }, input));
		expect(rows(both.output('Node', 0)).map((r) => [r.channel, r.campaign, r.conversions])).toEqual([
			['Email', 'may-news', 1],
			['Paid Search', '(not set)', 1],
			['Paid Search', 'brand', 0],
		]);
	});

	it('derives the channel from UTM tags and referrer when the Channel field is empty; reads value from properties', async () => {
		const input = [
			{ userId: 'a', timestamp: '2024-05-01T00:00:00Z', eventType: 'page', context: { campaign: { source: 'google', medium: 'cpc' } } },
			{ userId: 'a', timestamp: '2024-05-01T00:10:00Z', eventType: 'page', context: { page: { referrer: 'https://www.facebook.com/' } } },
			{ userId: 'a', timestamp: '2024-05-01T00:20:00Z', eventType: 'page' },
			{ userId: 'a', timestamp: '2024-05-01T00:30:00Z', eventType: 'Purchase', properties: { revenue: '42.50' } },
		];
		const result = await runWorkflow(singleNode('attribution', { model: 'lastNonDirect' }, input));
		expect(result.error).toBeUndefined();
		expect(rows(result.output('Node', 0)).map((r) => [r.channel, r.conversions, r.value])).toEqual([
			['Direct', 0, 0],
			['Organic Social', 1, 42.5],
			['Paid Search', 0, 0],
		]);
	});

	it('joins spend from a table: CPA and ROAS, and a row for a channel with spend but no conversion', async () => {
		const parameters = { model: 'lastTouch', spendSource: 'table', spendTable: '{"Paid Search": 120, "Email": 30, "Display": 50, "TV": 400}' };
		const result = await runWorkflow(singleNode('attribution', parameters, events));
		expect(result.error).toBeUndefined();
		const out = Object.fromEntries(rows(result.output('Node', 0)).map((r) => [r.channel, r]));
		// Last touch: Paid Search 2 conversions (120 + 60 = 180), Email 2 (80 + 30 = 110), Direct 1 (10).
		expect(out['Paid Search']).toMatchObject({ conversions: 2, value: 180, spend: 120, cpa: 60, roas: 1.5 });
		expect(out.Email).toMatchObject({ conversions: 2, value: 110, spend: 30, cpa: 15 });
		near(out.Email.roas as number, 110 / 30);
		expect(out.Direct).toMatchObject({ conversions: 1, spend: 0, cpa: 0, roas: null });
		// Display's only touch was outside the window, TV has no touch at all: spend, no conversions.
		expect(out.Display).toMatchObject({ conversions: 0, value: 0, spend: 50, cpa: null, roas: 0 });
		expect(out.TV).toMatchObject({ conversions: 0, spend: 400, cpa: null, roas: 0 });
	});

	it('joins spend from a second input, pairing each row with its spend items', async () => {
		const spend = [
			{ channel: 'Paid Search', cost: { total: 100 } },
			{ channel: 'Paid Search', cost: { total: '20' } },
			{ channel: 'Email', cost: { total: 30 } },
		];
		const spec: WorkflowSpec = {
			nodes: [
				{ name: 'Start', type: 'test.fixture', parameters: { items: '[{}]' } },
				{ name: 'Events', type: 'test.fixture', parameters: { items: JSON.stringify(events) } },
				{ name: 'Spend', type: 'test.fixture', parameters: { items: JSON.stringify(spend) } },
				{
					name: 'Node',
					type: `${PACKAGE}.attribution`,
					parameters: { model: 'lastTouch', spendSource: 'input', spendAmountField: 'cost.total' },
				},
			],
			connections: {
				Start: { main: [[{ node: 'Events', type: 'main', index: 0 }, { node: 'Spend', type: 'main', index: 0 }]] },
				Events: { main: [[{ node: 'Node', type: 'main', index: 0 }]] },
				Spend: { main: [[{ node: 'Node', type: 'main', index: 1 }]] },
			},
		};
		const result = await runWorkflow(spec);
		expect(result.error).toBeUndefined();
		const credits = result.output('Node', 0);
		const search = credits.find((item) => item.json.channel === 'Paid Search')!;
		expect(search.json).toMatchObject({ spend: 120, cpa: 60, roas: 1.5 });
		expect(pairedItems(search).filter((p) => p.input === 1)).toEqual([
			{ item: 0, input: 1 },
			{ item: 1, input: 1 },
		]);
		expect(pairedIndexes(credits, 1)).toEqual(new Set([0, 1, 2]));
	});

	describe('bad data', () => {
		const bad = [
			...events.slice(0, 4),
			{ userId: 'x', timestamp: 'last tuesday', eventType: 'page', channel: 'Email' },
			{ timestamp: '2024-05-01T00:00:00Z', eventType: 'page', channel: 'Email' },
			{ userId: 'y', timestamp: '2024-05-01T00:00:00Z', eventType: 'purchase', value: -5 },
			{ userId: 'z', timestamp: '2024-05-01T00:00:00Z', eventType: 'purchase', value: 'a lot' },
		];

		it('stops at the first bad item, naming it, the field and the fix', async () => {
			const result = await runWorkflow(singleNode('attribution', {}, bad));
			expect(result.error?.message).toBe('Item 4: Timestamp "last tuesday" cannot be read as a time');
			expect(result.error?.description).toMatch(/ISO 8601/);
		});

		it.each([
			[{ userId: 'a', timestamp: '2024-05-01T00:00:00Z', channel: 'Email' }, 'Item 0: the event has no event type'],
			[{ timestamp: '2024-05-01T00:00:00Z', eventType: 'page' }, 'Item 0: the event has no user'],
			[{ userId: 'a', eventType: 'page' }, 'Item 0: Timestamp is missing'],
			[{ userId: 'a', timestamp: '2024-05-01T00:00:00Z', eventType: 'purchase', value: -1 }, 'Item 0: Conversion Value is negative (-1)'],
			[{ userId: 'a', timestamp: '2024-05-01T00:00:00Z', eventType: 'purchase', value: 'lots' }, 'Item 0: Conversion Value is "lots", not a number'],
		])('names the problem: %p', async (item, message) => {
			const result = await runWorkflow(singleNode('attribution', {}, [item]));
			expect(result.error?.message).toBe(message);
			expect(result.error?.description).toBeTruthy();
		});

		it('with Continue On Fail, turns each bad item into an error item and attributes the rest', async () => {
			const result = await runWorkflow(singleNode('attribution', { model: 'linear' }, bad, { continueOnFail: true }));
			expect(result.error).toBeUndefined();
			const credits = result.output('Node', 0);
			const errors = credits.filter((item) => item.json.error);
			expect(errors.map((item) => [item.pairedItem, item.json.error])).toEqual([
				[{ item: 4 }, 'Item 4: Timestamp "last tuesday" cannot be read as a time'],
				[{ item: 5 }, 'Item 5: the event has no user'],
				[{ item: 6 }, 'Item 6: Conversion Value is negative (-5)'],
				[{ item: 7 }, 'Item 7: Conversion Value is "a lot", not a number'],
			]);
			expect(result.output('Node', 1)[0].json).toMatchObject({ errorItems: 4, skippedItems: 0 });
		});

		it('"Skip and Count" leaves them out, counts them by reason and lists them in the summary', async () => {
			const result = await runWorkflow(singleNode('attribution', { model: 'linear', onBadData: 'skip' }, bad));
			expect(result.error).toBeUndefined();
			const summary = result.output('Node', 1)[0];
			expect(summary.json).toMatchObject({
				skippedItems: 4,
				skippedByReason: { badTimestamp: 1, noUser: 1, negativeValue: 1, badValue: 1 },
			});
			expect((summary.json.skipped as IDataObject[])[0]).toEqual({ item: 4, field: 'Timestamp', reason: 'Timestamp "last tuesday" cannot be read as a time' });
			for (const i of [4, 5, 6, 7]) expect(pairedIndexes([summary]).has(i)).toBe(true);
			expectPartition(result.output('Node', 0), result.output('Node', 1), bad.length);
		});

		it('no NaN or Infinity gets in: a lookback of NaN, a timestamp of 1e308, a value of 1e308 are named', async () => {
			const lookback = await runWorkflow(singleNode('attribution', { lookbackDays: '={{ 0/0 }}' }, events));
			expect(lookback.error?.message).toBe('Lookback Window (Days) is NaN, not a number of days');
			expect(lookback.error?.description).toMatch(/0 for no limit/);
			const far = [{ userId: 'a', timestamp: 1e308, eventType: 'purchase', value: 5 }];
			expect((await runWorkflow(singleNode('attribution', {}, far))).error?.message).toBe('Item 0: Timestamp 1e+308 cannot be read as a time');
			const nan = await runWorkflow(singleNode('attribution', { timestamp: '={{ 0/0 }}' }, [{ userId: 'a', eventType: 'page', channel: 'Email' }]));
			expect(nan.error?.message).toBe('Item 0: Timestamp NaN cannot be read as a time');
			const huge = [
				{ userId: 'a', timestamp: '2024-05-01T00:00:00Z', eventType: 'page', channel: 'Email' },
				{ userId: 'a', timestamp: '2024-05-02T00:00:00Z', eventType: 'purchase', value: 1e308 },
			];
			expect((await runWorkflow(singleNode('attribution', {}, huge))).error?.message).toBe('Item 1: Conversion Value is 1e+308, above 1,000,000,000,000');
			const spend = await runWorkflow(singleNode('attribution', { spendSource: 'table', spendTable: '{"Email": 1e308}' }, events));
			expect(spend.error?.message).toBe('Spend table: the spend amount 1e+308 is above 1,000,000,000,000');
		});

		it('refuses impossible settings with the fix', async () => {
			const result = await runWorkflow(singleNode('attribution', { model: 'positionBased', options: { positionFirst: 70, positionLast: 50 } }, events));
			expect(result.error?.message).toMatch(/position-based weights 70% \(first\) and 50% \(last\)/);
			expect(result.error?.description).toMatch(/at most 100%/);
			const spend = await runWorkflow(singleNode('attribution', { spendSource: 'table', spendTable: '{"Email": -3}' }, events));
			expect(spend.error?.message).toBe('Spend table: the spend amount -3 is negative');
		});
	});

	it('takes pre-built journeys: names, "A > B" text or touch objects; pairs each row to its journeys', async () => {
		const hand = reference.cases.find((c) => c.name === 'hand')!;
		// The hand case: A > B (100), A, B (50), C > A > B (30), Direct > C (20), Direct > Direct.
		const input = [
			{ touches: ['A', 'B'], converted: true, value: 100 },
			{ touches: 'A', converted: false },
			{ touches: [{ channel: 'B', timestamp: '2024-05-01T00:00:00Z' }], converted: 'yes', value: '50' },
			{ touches: 'C > A > B', converted: 1, value: 30 },
			{ touches: ['Direct', 'C'], converted: true, value: 20 },
			{ touches: ['Direct', 'Direct'], converted: false },
			{ touches: [], converted: true, value: 5 },
		];
		for (const model of MODELS.filter((m) => m !== 'timeDecay')) {
			const run = await runWorkflow(singleNode('attribution', { input: 'journeys', model }, input));
			expect(run.error).toBeUndefined();
			for (const row of rows(run.output('Node', 0))) {
				const g = hand.groups.indexOf(row.channel);
				near(row.conversions, (hand.expected as unknown as Record<string, { conversions: number[] }>)[model].conversions[g]);
			}
		}
		// Time decay needs the time of every touch of a converting journey.
		const decay = await runWorkflow(singleNode('attribution', { input: 'journeys', model: 'timeDecay' }, input));
		expect(decay.error?.message).toBe('time decay needs the time of every touch, and journey 0 has a touch without one');
		const result = await runWorkflow(singleNode('attribution', { input: 'journeys', model: 'markov' }, input));
		const linearRun = await runWorkflow(singleNode('attribution', { input: 'journeys', model: 'linear' }, input));
		const summary = result.output('Node', 1)[0].json;
		expect(summary).toMatchObject({ conversionsWithoutTouches: 1, valueWithoutTouches: 5, journeys: 6 });
		const markovA = result.output('Node', 0).find((item) => item.json.model === 'markov' && item.json.channel === 'A')!;
		expect(pairedItems(markovA).map((p) => p.item)).toEqual([0, 1, 3]);
		const linearA = linearRun.output('Node', 0).find((item) => item.json.model === 'linear' && item.json.channel === 'A')!;
		expect(pairedItems(linearA).map((p) => p.item)).toEqual([0, 3]);
	});

	it('adds the per-journey breakdown as a third output when asked', async () => {
		const result = await runWorkflow(singleNode('attribution', { model: 'all', options: { includeJourneys: true } }, events));
		const journeys = result.output('Node', 2);
		expect(journeys).toHaveLength(7);
		const first = journeys[0];
		expect(first.json).toMatchObject({ userId: 'u1', converted: true, value: 120, conversionTime: '2024-05-04T00:00:00.000Z' });
		expect(first.json.touches).toEqual([
			{ channel: 'Email', timestamp: '2024-05-01T00:00:00.000Z' },
			{ channel: 'Paid Search', timestamp: '2024-05-03T00:00:00.000Z' },
		]);
		const credits = first.json.credits as Record<string, Array<{ channel: string; conversions: number; value: number }>>;
		expect(credits.linear).toEqual([
			{ channel: 'Email', conversions: 0.5, value: 60 },
			{ channel: 'Paid Search', conversions: 0.5, value: 60 },
		]);
		expect(credits.shapley).toEqual(credits.linear);
		expect(credits).not.toHaveProperty('markov');
		expect(pairedItems(first).map((p) => events[p.item]).map((e) => `${e.eventType}:${e.channel ?? ''}`)).toEqual([
			'page:Email',
			'purchase:',
			'page:Paid Search',
		]);
	});
});
