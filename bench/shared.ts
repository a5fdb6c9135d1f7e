/** Helpers every engine benchmark uses: a seeded random stream and a wall-clock / CPU timer. */

/** mulberry32: a fixed, seeded stream so every run measures the same data. */
export function random(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Wall-clock seconds, and the CPU seconds of this process (all threads, the garbage collector's included). */
export function time<T>(fn: () => T): { seconds: number; cpuSeconds: number; result: T } {
	const cpu = process.cpuUsage();
	const start = process.hrtime.bigint();
	const result = fn();
	const used = process.cpuUsage(cpu);
	return { seconds: Number(process.hrtime.bigint() - start) / 1e9, cpuSeconds: (used.user + used.system) / 1e6, result };
}
