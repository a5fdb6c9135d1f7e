/**
 * Attribution in a real n8n: events posted to a webhook, split into items, attributed with every
 * model side by side, answered by Respond to Webhook. Every credit as the independent Python
 * reference (test/reference/attribution_reference.py) computes it.
 */
import type { IDataObject } from 'n8n-workflow';

import reference from '../reference/attribution-reference.json';
import { connect, deploy, PREFIX, respond, webhook } from './n8n';

const eventsCase = reference.cases.find((c) => c.name === 'events') as (typeof reference.cases)[number] & {
	events: Array<{ userId: string; timestamp: number; eventType: string; channel: string | null; value: number | null }>;
};
const expected = eventsCase.expected as unknown as Record<string, { conversions: number[]; value: number[] }>;

describe('Attribution in a real n8n', () => {
	it('events → Attribution (all models, spend joined) → Respond: credits as computed independently', async () => {
		const path = `attribution-${Date.now()}`;
		const workflow = await deploy({
			name: 'e2e: Attribution',
			nodes: [
				webhook(path),
				{ name: 'Events', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'body.events', options: {} } },
				{
					name: 'Attribution',
					type: `${PREFIX}.attribution`,
					typeVersion: 1,
					parameters: { model: 'all', spendSource: 'table', spendTable: '={{ $("Webhook").first().json.body.spend }}' },
				},
				respond(),
			],
			connections: connect(['Webhook', 'Events'], ['Events', 'Attribution'], ['Attribution', 'Respond', 0]),
		});
		try {
			const events = eventsCase.events.map((e) => ({
				userId: e.userId,
				timestamp: new Date(e.timestamp).toISOString(),
				eventType: e.eventType,
				...(e.channel ? { channel: e.channel } : {}),
				...(e.value !== null ? { value: e.value } : {}),
			}));
			const spend = { Email: 40, 'Paid Search': 90 };
			const { status, body } = await workflow.post(path, { events, spend });
			expect(status).toBe(200);
			const rows = body as Array<IDataObject & { model: string; channel: string; conversions: number; value: number }>;
			const models = ['firstTouch', 'lastTouch', 'lastNonDirect', 'linear', 'positionBased', 'timeDecay', 'markov', 'shapley'];
			expect([...new Set(rows.map((r) => r.model))]).toEqual(models);
			for (const row of rows) {
				const g = eventsCase.groups.indexOf(row.channel);
				expect(Math.abs(row.conversions - expected[row.model].conversions[g])).toBeLessThan(1e-9);
				expect(Math.abs(row.value - expected[row.model].value[g])).toBeLessThan(1e-9);
				if (row.channel === 'Email' || row.channel === 'Paid Search') {
					const spent = spend[row.channel as keyof typeof spend];
					expect(row.spend).toBe(spent);
					expect(row.cpa).toBeCloseTo(row.conversions > 0 ? spent / row.conversions : NaN, 9);
					expect(row.roas).toBeCloseTo(row.value / spent, 9);
				}
			}
			for (const model of models) {
				const ofModel = rows.filter((r) => r.model === model);
				expect(ofModel.reduce((s, r) => s + r.conversions, 0)).toBeCloseTo(5, 9);
				expect(ofModel.reduce((s, r) => s + r.value, 0)).toBeCloseTo(300, 9);
			}
			expect(JSON.stringify(rows)).not.toMatch(/NaN|Infinity/);
		} finally {
			await workflow.stop();
		}
	});
});
