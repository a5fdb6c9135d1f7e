import { createHash } from 'node:crypto';

import { runWorkflow, singleNode } from '../helpers/n8n';

function referenceArm(key: string, id: string, bounds: number[], names: string[]): string {
	const bucket = parseInt(createHash('sha256').update(`${key}:${id}`).digest('hex').slice(0, 8), 16) % 10000;
	return names[bounds.findIndex((bound) => bucket < bound)];
}

const contacts = (n: number) => Array.from({ length: n }, (_, i) => ({ userId: `u${i}`, email: `u${i}@example.com` }));

describe('A/B Split node (in-process n8n)', () => {
	it('runs as dropped on the canvas: experiment "experiment", A and B at 50%', async () => {
		const result = await runWorkflow(singleNode('abSplit', {}, contacts(200)));
		expect(result.error).toBeUndefined();
		const [a, b] = result.outputs('Node');
		expect(a.length + b.length).toBe(200);
		for (const [output, arm] of [
			[a, 'A'],
			[b, 'B'],
		] as const) {
			for (const item of output) {
				const { userId } = item.json as { userId: string };
				expect(item.json.experiment).toMatchObject({ key: 'experiment', arm });
				expect(referenceArm('experiment', userId, [5000, 10000], ['A', 'B'])).toBe(arm);
				expect(item.json.email).toBe(`${userId}@example.com`);
			}
		}
		// Every item is paired to its input, exactly once.
		const paired = [...a, ...b].map((item) => (item.pairedItem as { item: number }).item).sort((x, y) => x - y);
		expect(paired).toEqual(Array.from({ length: 200 }, (_, i) => i));
	});

	it('routes to one output per configured arm plus Holdout', async () => {
		const parameters = {
			experimentName: 'welcome-offer',
			unitId: '={{ $json.email }}',
			arms: { arm: [{ name: 'Offer', weight: 70 }, { name: 'No offer', weight: 30 }] },
			holdout: 10,
		};
		const result = await runWorkflow(singleNode('abSplit', parameters, contacts(300)));
		const outputs = result.outputs('Node');
		expect(outputs).toHaveLength(3);
		const names = ['Offer', 'No offer', 'Holdout'];
		outputs.forEach((items, index) => {
			for (const item of items) {
				expect(item.json.experiment).toMatchObject({ arm: names[index] });
				expect(referenceArm('welcome-offer', item.json.email as string, [6300, 9000, 10000], names)).toBe(names[index]);
			}
		});
		expect(outputs.flat()).toHaveLength(300);
	});

	it('stops with an error naming the item and the field when a contact ID is missing', async () => {
		const items = [{ userId: 'a' }, { userId: '' }, { userId: 'c' }];
		const result = await runWorkflow(singleNode('abSplit', {}, items));
		expect(result.error?.message).toBe('Item 1: the Contact ID is empty');
		expect(result.error?.description).toMatch(/Set "Contact ID" to a field/);
	});

	it('refuses a contact ID that is an object or a list instead of putting them all in one group', async () => {
		const objects = await runWorkflow(singleNode('abSplit', {}, [{ userId: 'a' }, { userId: { id: 1 } }, { userId: { id: 2 } }]));
		expect(objects.error?.message).toBe('Item 1: Contact ID is {"id":1}, not text');
		expect(objects.error?.description).toMatch(/Set "Contact ID" to a field/);
		const list = await runWorkflow(singleNode('abSplit', {}, [{ userId: ['a', 'b'] }]));
		expect(list.error?.message).toBe('Item 0: Contact ID is ["a","b"], not text');
	});

	it('with Continue On Fail, turns the bad item into an error item and routes the rest', async () => {
		const items = [{ userId: 'a' }, { email: 'no-id@example.com' }, { userId: 'c' }];
		const result = await runWorkflow(singleNode('abSplit', {}, items, { continueOnFail: true }));
		expect(result.error).toBeUndefined();
		const all = result.outputs('Node').flat();
		expect(all).toHaveLength(3);
		const errorItem = all.find((item) => item.json.error);
		expect(errorItem?.json.error).toBe('Item 1: the Contact ID is empty');
		expect(errorItem?.pairedItem).toEqual({ item: 1 });
	});

	it('with "continue using error output", n8n moves the bad item to the error output', async () => {
		const items = [{ userId: 'a' }, { email: 'no-id@example.com' }, { userId: 'c' }];
		const result = await runWorkflow(singleNode('abSplit', {}, items, { onError: 'continueErrorOutput' }));
		expect(result.error).toBeUndefined();
		const [a, b, errors] = result.outputs('Node');
		expect([...a, ...b].map((item) => item.json.userId).sort()).toEqual(['a', 'c']);
		expect(errors).toHaveLength(1);
		expect(errors[0].json).toMatchObject({ error: 'Item 1: the Contact ID is empty', details: expect.stringMatching(/Set "Contact ID"/) });
	});

	it('rejects groups whose shares do not total 100%', async () => {
		const parameters = { arms: { arm: [{ name: 'A', weight: 60 }, { name: 'B', weight: 30 }] } };
		const result = await runWorkflow(singleNode('abSplit', parameters, contacts(3)));
		expect(result.error?.message).toBe('The arm weights add up to 90%, not 100%. Adjust them so they total 100%.');
	});
});
