/**
 * Attribution engine: 1,000,000 touch events (plus their conversions) in 100,000 journeys over 12
 * channels, from the event table to credits: journeys built (per-user sort, lookback window), then
 * each model. The targets, end to end per model on this machine: every rule-based model at
 * most 1 s, Markov at most 2 s, exact Shapley at most 2 s. `npm run bench -- attribution` runs it alone.
 */
import { runModel } from '../nodes/Attribution/engine/attribute';
import { buildJourneys, type BuiltJourneys } from '../nodes/Attribution/engine/journeys';
import { DEFAULT_SETTINGS, MODELS, RULE_MODELS, type EventTable, type Model, type ModelSettings } from '../nodes/Attribution/engine/types';
import { random } from './shared';
import type { BenchRow } from './types';

export const CHANNELS = 12;
export const JOURNEYS = 100_000;
export const TOUCHES = 1_000_000;
const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);

/**
 * One journey per user: 1 to 19 touches (10 on average, exactly TOUCHES in all) within 27 days,
 * converting with a probability that grows with its channels' strengths (about a third do). Events
 * are sorted by time across users, as an analytics export delivers them, so the engine has to
 * regroup them by user.
 */
export function syntheticEvents(seed = 1, journeys = JOURNEYS, touches = TOUCHES, channels = CHANNELS): EventTable {
	const next = random(seed);
	const strength = Array.from({ length: channels }, () => 0.01 + 0.07 * next());
	const lengths = new Int32Array(journeys);
	const mean = touches / journeys;
	for (let j = 0; j < journeys; j += 2) {
		const d = Math.floor(next() * mean);
		lengths[j] = mean - d;
		if (j + 1 < journeys) lengths[j + 1] = mean + d;
	}
	const rows: Array<[time: number, user: number, conversion: number, group: number, value: number]> = [];
	for (let u = 0; u < journeys; u++) {
		let t = START + Math.floor(next() * 300 * DAY);
		let stay = 1;
		for (let k = 0; k < lengths[u]; k++) {
			const g = Math.floor(next() * channels);
			stay *= 1 - strength[g];
			rows.push([t, u, 0, g, 0]);
			t += Math.floor(next() * 1.5 * DAY);
		}
		if (next() > stay) rows.push([t + 3_600_000, u, 1, 0, Math.round(5 + 195 * next())]);
	}
	rows.sort((a, b) => a[0] - b[0]);
	const n = rows.length;
	const table: EventTable = {
		length: n,
		user: new Int32Array(n),
		userCount: journeys,
		time: new Float64Array(n),
		conversion: new Uint8Array(n),
		group: new Int32Array(n),
		direct: new Uint8Array(n),
		value: new Float64Array(n),
		item: new Int32Array(n),
		groups: Array.from({ length: channels }, (_, g) => (g === 0 ? 'Direct' : `Channel ${g}`)),
	};
	rows.forEach(([time, user, conversion, group, value], i) => {
		table.time[i] = time;
		table.user[i] = user;
		table.conversion[i] = conversion;
		table.group[i] = group;
		table.direct[i] = group === 0 ? 1 : 0;
		table.value[i] = value;
		table.item[i] = i;
	});
	return table;
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

function median(xs: number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)];
}

/** Median of 3 runs of build + model. */
function timeModel(table: EventTable, model: Model, settings: ModelSettings): { total: number; model: number; built: BuiltJourneys } {
	const totals: number[] = [];
	const models: number[] = [];
	let built!: BuiltJourneys;
	for (let r = 0; r < 3; r++) {
		const start = process.hrtime.bigint();
		built = buildJourneys(table, { lookbackMs: 30 * DAY });
		const mid = process.hrtime.bigint();
		runModel(model, built.journeys, settings);
		models.push(seconds(mid));
		totals.push(seconds(start));
	}
	return { total: median(totals), model: median(models), built };
}

export async function run(): Promise<BenchRow[]> {
	const table = syntheticEvents();
	// Warm-up on a tenth: let V8 optimise the hot loops.
	const warm = syntheticEvents(2, JOURNEYS / 10, TOUCHES / 10);
	for (const model of MODELS) runModel(model, buildJourneys(warm, { lookbackMs: 30 * DAY }).journeys, DEFAULT_SETTINGS);

	const rows: BenchRow[] = [];
	const builds: number[] = [];
	let stats: BuiltJourneys['stats'] | undefined;
	for (let r = 0; r < 3; r++) {
		const start = process.hrtime.bigint();
		const built = buildJourneys(table, { lookbackMs: 30 * DAY });
		builds.push(seconds(start));
		stats = built.stats;
	}
	if (stats!.journeys !== JOURNEYS || stats!.touches !== TOUCHES) throw new Error(`expected ${JOURNEYS} journeys of ${TOUCHES} touches, got ${JSON.stringify(stats)}`);
	const label = `${(TOUCHES / 1e6).toFixed(0)}M touches, ${JOURNEYS.toLocaleString('en-US')} journeys, ${CHANNELS} channels`;
	rows.push({ name: `Attribution: build journeys (${label}; ${stats!.convertingJourneys.toLocaleString('en-US')} convert)`, value: median(builds), unit: 's', target: 'no target', pass: true });

	const variants: Array<[name: string, model: Model, settings: ModelSettings, target: number]> = [
		...RULE_MODELS.map((m): [string, Model, ModelSettings, number] => [m, m, DEFAULT_SETTINGS, 1]),
		['markov', 'markov', DEFAULT_SETTINGS, 2],
		['shapley (simplified, exact)', 'shapley', DEFAULT_SETTINGS, 2],
		['shapley (conversion rate, exact)', 'shapley', { ...DEFAULT_SETTINGS, shapleyGame: 'conversionRate' }, 2],
	];
	for (const [name, model, settings, target] of variants) {
		const { total, model: alone } = timeModel(table, model, settings);
		rows.push({ name: `Attribution: ${name}, events → credits`, value: total, unit: 's', target: `≤ ${target} s`, pass: total <= target });
		rows.push({ name: `Attribution: ${name}, model alone`, value: alone, unit: 's', target: 'no target', pass: true });
	}
	return rows;
}

// Alone: npx tsc -p tsconfig.bench.json && node .bench/bench/attribution.bench.js
if (require.main === module) {
	run().then((rows) => console.table(rows), (error) => {
		console.error(error);
		process.exitCode = 1;
	});
}
