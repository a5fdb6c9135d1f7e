import { groupInBatches } from '../../nodes/shared/channel/batch';
import { canonicalJson, contentHash, idempotencyKey } from '../../nodes/shared/channel/keys';

describe('batching', () => {
	it('groups by identical key in order of first appearance, each group cut at the maximum', () => {
		const items = Array.from({ length: 2500 }, (_, i) => ({ i, content: i % 5 === 4 ? 'B' : 'A' }));
		const batches = groupInBatches(items, (item) => item.content, 1000);
		expect(batches.map((batch) => [batch[0].content, batch.length])).toEqual([
			['A', 1000],
			['A', 1000],
			['B', 500],
		]);
		expect(batches.flat().map((item) => item.i).sort((a, b) => a - b)).toEqual(items.map((item) => item.i));
		expect(batches[0].map((item) => item.i).slice(0, 5)).toEqual([0, 1, 2, 3, 5]);
	});

	it('handles nothing to batch and refuses a maximum below 1', () => {
		expect(groupInBatches([], () => 'x', 10)).toEqual([]);
		expect(() => groupInBatches([1], () => 'x', 0)).toThrow(RangeError);
	});
});

describe('content hash and idempotency key', () => {
	const parts = { workflowId: 'wf1', nodeId: 'node-uuid', recipient: 'ann@example.com', contentHash: contentHash({ subject: 'Hi', text: 'x' }) };

	it('does not depend on key order, and tells different content apart', () => {
		expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"e":1,"f":2}]},"b":1}');
		expect(contentHash({ subject: 'Hi', text: 'x' })).toBe(contentHash({ text: 'x', subject: 'Hi' }));
		expect(contentHash({ subject: 'Hi', text: 'x' })).not.toBe(contentHash({ subject: 'Hi', text: 'y' }));
	});

	it('is stable: the same workflow, node, recipient and content always give this key', () => {
		// Computed independently: sha256('{"subject":"Hi","text":"x"}'), then sha256 of the joined parts (python3 hashlib).
		expect(parts.contentHash).toBe('39719dabf667f33a01cc117352d714b1aff52658cafa87b1bf191e9dbd88328a');
		const key = idempotencyKey(parts);
		expect(key).toMatch(/^[0-9a-f]{32}$/);
		expect(idempotencyKey({ ...parts })).toBe(key);
		expect(key).toBe(KEY_SNAPSHOT);
	});

	it('changes with each of its parts', () => {
		const key = idempotencyKey(parts);
		for (const change of [{ workflowId: 'wf2' }, { nodeId: 'other' }, { recipient: 'bob@example.com' }, { contentHash: contentHash('other') }]) {
			expect(idempotencyKey({ ...parts, ...change })).not.toBe(key);
		}
	});
});

// Pinned so that a change to how keys are made (which would make every earlier send look new,
// and a re-run send again) cannot slip through unnoticed.
const KEY_SNAPSHOT = '03c4629a35f7fc330d4b48de9a1e2168';
