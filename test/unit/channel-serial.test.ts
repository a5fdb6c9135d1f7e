import { oneAtATime } from '../../nodes/shared/channel/serial';

const tick = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 3));

/** A store like n8n's de-duplication store: read the one record, extend it, write it back. */
function readModifyWriteStore() {
	let record: string[] = [];
	return {
		get keys() {
			return record;
		},
		async add(keys: string[]) {
			const read = [...record];
			await tick();
			record = [...read, ...keys.filter((key) => !read.includes(key))];
		},
	};
}

describe('oneAtATime', () => {
	it('overlapping read-modify-write calls lose keys without it and keep all of them with it', async () => {
		const loose = readModifyWriteStore();
		await Promise.all(Array.from({ length: 20 }, (_, i) => loose.add([`k${i}`])));
		expect(loose.keys.length).toBeLessThan(20);

		const queued = readModifyWriteStore();
		await Promise.all(Array.from({ length: 20 }, (_, i) => oneAtATime('workflow/node', () => queued.add([`k${i}`]))));
		expect([...queued.keys].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `k${i}`).sort());
	});

	it('queues per key only, passes results and errors through, and goes on after a failure', async () => {
		const order: string[] = [];
		const slow = oneAtATime('a', async () => {
			await new Promise((resolve) => setTimeout(resolve, 30));
			order.push('a1');
			return 1;
		});
		const other = oneAtATime('b', async () => {
			order.push('b1');
			return 2;
		});
		const failing = oneAtATime('a', async () => {
			order.push('a2');
			throw new Error('store down');
		});
		const after = oneAtATime('a', async () => {
			order.push('a3');
			return 3;
		});
		await expect(slow).resolves.toBe(1);
		await expect(other).resolves.toBe(2);
		await expect(failing).rejects.toThrow('store down');
		await expect(after).resolves.toBe(3);
		expect(order).toEqual(['b1', 'a1', 'a2', 'a3']);
	});
});
