import { createHash } from 'node:crypto';

import { connect, deploy, PREFIX, respond, webhook, type WorkflowNode } from './n8n';

/** The documented assignment, computed here without the engine. */
function expectedArm(key: string, id: string): string {
	const bucket = parseInt(createHash('sha256').update(`${key}:${id}`).digest('hex').slice(0, 8), 16) % 10000;
	// Weights 50 / 30 / 20 → bounds 5000, 8000, 10000.
	return bucket < 5000 ? 'Control' : bucket < 8000 ? 'Subject B' : 'Subject C';
}

const tagArm = (name: string, arm: string): WorkflowNode => ({
	name,
	type: 'n8n-nodes-base.set',
	typeVersion: 3.4,
	parameters: {
		mode: 'manual',
		includeOtherFields: true,
		assignments: { assignments: [{ id: name, name: 'routedBy', value: arm, type: 'string' }] },
		options: {},
	},
});

describe('A/B Split in a real n8n', () => {
	it('routes 3,000 contacts through 3 arms: every id back exactly once, on the arm the method defines', async () => {
		const path = `ab-split-${Date.now()}`;
		const workflow = await deploy({
			name: 'e2e: A/B Split 3 arms',
			nodes: [
				webhook(path),
				{
					name: 'Contacts',
					type: 'n8n-nodes-base.splitOut',
					typeVersion: 1,
					parameters: { fieldToSplitOut: 'body.contacts', options: {} },
				},
				{
					name: 'A/B Split',
					type: `${PREFIX}.abSplit`,
					typeVersion: 1,
					parameters: {
						experimentName: 'subject-line-test',
						unitId: '={{ $json.userId }}',
						arms: {
							arm: [
								{ name: 'Control', weight: 50 },
								{ name: 'Subject B', weight: 30 },
								{ name: 'Subject C', weight: 20 },
							],
						},
					},
				},
				tagArm('Tag Control', 'Control'),
				tagArm('Tag B', 'Subject B'),
				tagArm('Tag C', 'Subject C'),
				{ name: 'Merge', type: 'n8n-nodes-base.merge', typeVersion: 3.2, parameters: { numberInputs: 3 } },
				respond(),
			],
			connections: connect(
				['Webhook', 'Contacts'],
				['Contacts', 'A/B Split'],
				['A/B Split', 'Tag Control', 0],
				['A/B Split', 'Tag B', 1],
				['A/B Split', 'Tag C', 2],
				['Tag Control', 'Merge', 0, 0],
				['Tag B', 'Merge', 0, 1],
				['Tag C', 'Merge', 0, 2],
				['Merge', 'Respond'],
			),
		});
		try {
			const contacts = Array.from({ length: 3000 }, (_, i) => ({ userId: `contact-${i}`, firstName: `F${i}` }));
			const { status, body } = await workflow.post(path, { contacts });
			expect(status).toBe(200);
			const items = body as Array<{ userId: string; firstName: string; routedBy: string; experiment: { key: string; arm: string; bucket: number } }>;
			expect(items).toHaveLength(3000);
			const seen = new Set<string>();
			const perArm: Record<string, number> = {};
			for (const item of items) {
				expect(seen.has(item.userId)).toBe(false);
				seen.add(item.userId);
				const arm = expectedArm('subject-line-test', item.userId);
				expect(item.experiment).toMatchObject({ key: 'subject-line-test', arm });
				expect(item.routedBy).toBe(arm); // it left on that arm's output, not just labelled so
				expect(item.firstName).toBe(`F${item.userId.slice('contact-'.length)}`);
				perArm[arm] = (perArm[arm] ?? 0) + 1;
			}
			expect(seen.size).toBe(3000);
			expect(Object.keys(perArm).sort()).toEqual(['Control', 'Subject B', 'Subject C']);
		} finally {
			await workflow.stop();
		}
	});
});
