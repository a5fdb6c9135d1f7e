/** One figure a benchmark prints: what was measured, against the target its issue names. */
export interface BenchRow {
	name: string;
	value: number;
	unit: string;
	target: string;
	pass: boolean;
}
