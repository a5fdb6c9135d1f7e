/**
 * Attribution through a real n8n: 100,000 events (10,000 users, 12 channels) made by a Code node,
 * then in the same execution the Attribution node and the same model written as an n8n Code node
 * (plain JavaScript, as a user would write it), for Markov and for linear. Reported: each node's
 * own execution time as n8n records it, and the ratio Code node / Attribution node. Both give the
 * same credits (checked). `npm run build && npm run bench -- attribution-n8n` runs it alone.
 */
import { randomUUID } from 'node:crypto';

import { finishedExecutions, postWebhook, startBenchN8n } from './n8n-host';
import type { BenchRow } from './types';

const USERS = 10_000;
const EVENTS_PER_USER = 10;

/** The events, generated inside n8n (a seeded stream: the same events every run). */
const GENERATE = `
let a = 12345;
const next = () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const channels = ['Direct', 'Email', 'SMS', 'Push', 'Paid Search', 'Organic Search', 'Paid Social', 'Organic Social', 'Referral', 'Affiliate', 'Display', 'Other'];
const strength = channels.map(() => 0.01 + 0.07 * next());
const out = [];
const start = Date.UTC(2024, 0, 1);
for (let u = 0; u < ${USERS}; u++) {
  let t = start + Math.floor(next() * 300 * 86400000);
  let stay = 1;
  for (let k = 0; k < ${EVENTS_PER_USER}; k++) {
    const last = k === ${EVENTS_PER_USER - 1};
    if (last && next() > stay) {
      out.push({ json: { userId: 'user-' + u, timestamp: new Date(t).toISOString(), eventType: 'purchase', value: Math.round(5 + 195 * next()) } });
    } else {
      const g = Math.floor(next() * channels.length);
      stay *= 1 - strength[g];
      out.push({ json: { userId: 'user-' + u, timestamp: new Date(t).toISOString(), eventType: 'page', channel: channels[g] } });
    }
    t += Math.floor(next() * 2.5 * 86400000);
  }
}
return out;`;

/** The model as a user would write it in a Code node: journeys per user, then linear or Markov. */
const modelInCode = (model: 'markov' | 'linear') => `
const MODEL = '${model}';
const LOOKBACK = 30 * 86400000;
const byUser = new Map();
for (const item of $input.all()) {
  const e = item.json;
  let list = byUser.get(e.userId);
  if (!list) byUser.set(e.userId, (list = []));
  list.push({ t: Date.parse(e.timestamp), conv: e.eventType === 'purchase' || e.eventType === 'conversion', channel: e.channel, value: Number(e.value) || 0 });
}
const journeys = [];
for (const list of byUser.values()) {
  list.sort((a, b) => a.t - b.t);
  let pending = [];
  for (const e of list) {
    if (!e.conv) { pending.push(e); continue; }
    const kept = pending.filter((p) => e.t - p.t <= LOOKBACK);
    if (kept.length) journeys.push({ path: kept.map((p) => p.channel), converted: true, value: e.value });
    pending = [];
  }
  if (pending.length) journeys.push({ path: pending.map((p) => p.channel), converted: false, value: 0 });
}
const channels = [...new Set(journeys.flatMap((j) => j.path))].sort();
const credit = {};
for (const c of channels) credit[c] = { conversions: 0, value: 0 };
let totalConversions = 0, totalValue = 0;
for (const j of journeys) if (j.converted) { totalConversions++; totalValue += j.value; }
if (MODEL === 'linear') {
  for (const j of journeys) {
    if (!j.converted) continue;
    for (const c of j.path) { credit[c].conversions += 1 / j.path.length; credit[c].value += j.value / j.path.length; }
  }
} else {
  const index = new Map(channels.map((c, i) => [c, i + 1]));
  const m = channels.length + 1;
  const counts = Array.from({ length: m }, () => new Array(m + 2).fill(0));
  for (const j of journeys) {
    let s = 0;
    for (const c of j.path) { const n = index.get(c); counts[s][n]++; s = n; }
    counts[s][j.converted ? m : m + 1]++;
  }
  const conversionProbability = (removed) => {
    const A = [], b = [];
    for (let i = 0; i < m; i++) {
      const total = counts[i].reduce((x, y) => x + y, 0);
      A.push(new Array(m).fill(0)); A[i][i] = 1; b.push(0);
      if (!total) continue;
      for (let c = 0; c < m; c++) if (c !== removed) A[i][c] -= counts[i][c] / total;
      b[i] = counts[i][m] / total;
    }
    for (let col = 0; col < m; col++) {
      let p = col;
      for (let r = col + 1; r < m; r++) if (Math.abs(A[r][col]) > Math.abs(A[p][col])) p = r;
      [A[col], A[p]] = [A[p], A[col]]; [b[col], b[p]] = [b[p], b[col]];
      for (let r = col + 1; r < m; r++) {
        const f = A[r][col] / A[col][col];
        for (let c = col; c < m; c++) A[r][c] -= f * A[col][c];
        b[r] -= f * b[col];
      }
    }
    const x = new Array(m).fill(0);
    for (let r = m - 1; r >= 0; r--) { let s = b[r]; for (let c = r + 1; c < m; c++) s -= A[r][c] * x[c]; x[r] = s / A[r][r]; }
    return x[0];
  };
  const p = conversionProbability(-1);
  const effects = channels.map((c, i) => Math.max(0, 1 - conversionProbability(i + 1) / p));
  const sum = effects.reduce((x, y) => x + y, 0);
  channels.forEach((c, i) => { credit[c].conversions = totalConversions * effects[i] / sum; credit[c].value = totalValue * effects[i] / sum; });
}
return channels.map((c) => ({ json: { channel: c, conversions: credit[c].conversions, value: credit[c].value } }));`;

const code = (name: string, jsCode: string) => ({
	name,
	type: 'n8n-nodes-base.code',
	typeVersion: 2,
	parameters: { mode: 'runOnceForAllItems', language: 'javaScript', jsCode },
});

const attribution = (name: string, model: string) => ({
	name,
	type: 'n8n-nodes-campaign-kit.attribution',
	typeVersion: 1,
	parameters: { model },
});

export async function run(): Promise<BenchRow[]> {
	const n8n = await startBenchN8n();
	try {
		const route = `attribution-bench-${randomUUID().slice(0, 8)}`;
		const nodes = [
			{ name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, webhookId: randomUUID(), parameters: { httpMethod: 'POST', path: route, responseMode: 'onReceived', options: {} } },
			code('Generate Events', GENERATE),
			attribution('Attribution (Markov)', 'markov'),
			code('Code node (Markov)', modelInCode('markov')),
			attribution('Attribution (linear)', 'linear'),
			code('Code node (linear)', modelInCode('linear')),
		].map((node, i) => ({ id: randomUUID(), position: [i * 220, 0], ...node }));
		const main = (...targets: string[]) => ({ main: [targets.map((node) => ({ node, type: 'main', index: 0 }))] });
		const connections = {
			Webhook: main('Generate Events'),
			'Generate Events': main('Attribution (Markov)', 'Code node (Markov)', 'Attribution (linear)', 'Code node (linear)'),
		};
		const saved = await n8n.client.upsertWorkflow({ name: 'bench: attribution vs Code node', nodes, connections, settings: { executionOrder: 'v1' } });
		await n8n.client.activate(saved.id);

		const rows: BenchRow[] = [];
		const runs = 3;
		const times: Record<string, number[]> = {};
		for (let r = 0; r < runs; r++) {
			const answer = await postWebhook(n8n.baseUrl, route, {});
			if (answer.status !== 200) throw new Error(`webhook answered ${answer.status}: ${answer.text}`);
			const [execution] = await finishedExecutions(n8n.client, saved.id, r + 1, 300_000, true);
			if (execution.status !== 'success') throw new Error(`execution ${execution.id} ended ${execution.status}\n${n8n.logText().slice(-3000)}`);
			const runData = execution.data!.resultData.runData;
			if (runData['Generate Events'][0].data!.main[0].length !== USERS * EVENTS_PER_USER) throw new Error('the generator did not make 100,000 events');
			for (const model of ['Markov', 'linear']) {
				// Same credits from both nodes.
				const ours = new Map(runData[`Attribution (${model})`][0].data!.main[0].map((i) => [i.json.channel, i.json]));
				for (const row of runData[`Code node (${model})`][0].data!.main[0].map((i) => i.json)) {
					const mine = ours.get(row.channel) as { conversions: number; value: number } | undefined;
					const theirs = row as { conversions: number; value: number };
					if (!mine || Math.abs(mine.conversions - theirs.conversions) > 1e-9 * Math.max(1, theirs.conversions) || Math.abs(mine.value - theirs.value) > 1e-9 * Math.max(1, theirs.value)) {
						throw new Error(`${model}: the Code node and the Attribution node disagree on ${String(row.channel)}: ${JSON.stringify(theirs)} vs ${JSON.stringify(mine)}`);
					}
				}
			}
			for (const name of ['Attribution (Markov)', 'Code node (Markov)', 'Attribution (linear)', 'Code node (linear)']) {
				(times[name] ??= []).push(runData[name][0].executionTime);
			}
		}
		const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
		for (const model of ['Markov', 'linear']) {
			const ours = median(times[`Attribution (${model})`]) / 1000;
			const theirs = median(times[`Code node (${model})`]) / 1000;
			rows.push({ name: `Attribution in n8n: ${model}, 100,000 events, Attribution node`, value: ours, unit: 's', target: 'no target', pass: true });
			rows.push({ name: `Attribution in n8n: ${model}, 100,000 events, same model in a Code node`, value: theirs, unit: 's', target: 'no target', pass: true });
			rows.push({ name: `Attribution in n8n: ${model}, Code node time / Attribution node time`, value: Math.round((theirs / ours) * 100) / 100, unit: '×', target: 'report', pass: true });
		}
		return rows;
	} finally {
		await n8n.stop();
	}
}

// Alone: npm run build && npx tsc -p tsconfig.bench.json && node .bench/bench/attribution-n8n.bench.js
if (require.main === module) {
	run().then((rows) => console.table(rows), (error) => {
		console.error(error);
		process.exitCode = 1;
	});
}
