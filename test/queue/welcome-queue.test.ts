/**
 * Issue 10's queue-mode run: n8n main + 2 workers + Redis + PostgreSQL, the welcome series for
 * 10,000 signups posted to the main's webhook, one worker killed with SIGKILL midway and started
 * again. Every contact must get each message exactly once, counted at the SendGrid stand-in.
 *
 * What n8n 2.40 does with a killed worker's jobs: Bull's stalled-job check (run by the surviving
 * worker once the dead worker's job locks expire) fails them — n8n sets maxStalledCount to 0, so
 * they are never run again by themselves — and the main's queue recovery marks their executions
 * `crashed`. The recovery step below (what an operator's scheduled "retry crashed executions" job
 * does, through n8n's public API) retries each crashed execution once; the channel nodes' send
 * history makes the retry skip what was already sent.
 *
 * CK_QUEUE_SIGNUPS sets the number of signups (default 10,000).
 */
import { SendGridStandIn } from '../stand-ins/sendgrid';
import { startQueueCluster, type QueueCluster } from './cluster';
import { loadWorkflow } from './welcome-workflow';

const SIGNUPS = Number(process.env.CK_QUEUE_SIGNUPS ?? 10_000);
const KILL_AT = 0.3; // share of welcome emails counted before the kill
const API_KEY = 'SG.queue-key.Q8uE2uW9oR4kN7mB1vC3xZ5a';
const WAIT_SECONDS = 2;
/** Signups posted at once (each request is answered when its series has run). */
const POSTING = 200;

const contact = (i: number) => `signup${i}@example.com`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `task` for 0..count-1 with at most `limit` at once. */
async function pool(count: number, limit: number, task: (i: number) => Promise<void>) {
	let next = 0;
	await Promise.all(
		Array.from({ length: limit }, async () => {
			while (next < count) await task(next++);
		}),
	);
}

interface Tally {
	byStatus: Record<string, number>;
	/** Crashed executions nobody has retried yet. */
	unretried: string[];
}

describe('The welcome series in queue mode (main + 2 workers), a worker killed midway', () => {
	const sendGrid = new SendGridStandIn(API_KEY);
	let cluster: QueueCluster;

	beforeAll(async () => {
		await sendGrid.start();
		cluster = await startQueueCluster({
			workers: 2,
			concurrency: 50,
			env: {
				// A dead worker's jobs are noticed sooner than n8n's defaults (60 s lock, 30 s check,
				// recovery every 180 min); the mechanism is the same.
				QUEUE_WORKER_LOCK_DURATION: '10000',
				QUEUE_WORKER_LOCK_RENEW_TIME: '2500',
				QUEUE_WORKER_STALLED_INTERVAL: '5000',
				N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL: '0.25',
				N8N_EXECUTIONS_QUEUE_RECOVERY_BATCH: '1000',
			},
		});
	}, 240_000);

	afterAll(async () => {
		await cluster?.stop();
		await sendGrid.stop();
	}, 120_000);

	it(`sends ${SIGNUPS.toLocaleString('en')} contacts each message exactly once`, async () => {
		const { client } = cluster;
		const credential = (await client.api('POST', '/credentials', {
			name: 'queue SendGrid',
			type: 'campaignKitSendGridApi',
			data: { apiKey: API_KEY, baseUrl: sendGrid.url },
		})) as unknown as { id: string; name: string };
		// The send history in the cluster's own Postgres, through n8n's Postgres credential.
		const pg = cluster.postgres;
		const history = (await client.api('POST', '/credentials', {
			name: 'queue Postgres',
			type: 'postgres',
			data: { host: pg.host, port: pg.port, database: pg.database, user: pg.user, password: '', ssl: 'disable', sshTunnel: false },
		})) as unknown as { id: string };
		const hookPath = `welcome-${Date.now()}`;
		const { workflow, subjects, source } = loadWorkflow({
			credential: { id: credential.id, name: 'queue SendGrid' },
			history: { id: history.id, name: 'queue Postgres' },
			path: hookPath,
			waitSeconds: WAIT_SECONDS,
		});
		const saved = await client.upsertWorkflow(workflow);
		await client.activate(saved.id);
		const db = await cluster.postgres.connect();
		// The cluster's teardown stops Postgres under this connection if the test fails first.
		db.on('error', () => undefined);

		const tally = async (): Promise<Tally> => {
			const rows = await db.query<{ status: string; n: string }>('SELECT status, count(*) AS n FROM execution_entity WHERE "workflowId" = $1 GROUP BY status', [saved.id]);
			const crashed = await db.query<{ id: string }>(
				`SELECT id::text AS id FROM execution_entity e WHERE "workflowId" = $1 AND status = 'crashed'
				 AND NOT EXISTS (SELECT 1 FROM execution_entity r WHERE r."retryOf" = e.id::text)`,
				[saved.id],
			);
			return { byStatus: Object.fromEntries(rows.rows.map((r) => [r.status, Number(r.n)])), unretried: crashed.rows.map((r) => r.id) };
		};
		const welcomes = () => sendGrid.delivered.reduce((n, e) => n + (e.subject === subjects[0] ? 1 : 0), 0);

		const started = Date.now();
		let killedAt = 0;
		let killedWelcomes = 0;
		const kill = (async () => {
			while (welcomes() < SIGNUPS * KILL_AT) await sleep(50);
			killedWelcomes = welcomes();
			killedAt = Date.now() - started;
			await cluster.workers[0].kill('SIGKILL');
			await cluster.workers[0].restart();
		})();

		// Like a signup backend: a signup is posted until n8n answers 200 (the series has run), and
		// posted again when n8n answers an error or the connection drops.
		let reposted = 0;
		const answers: Record<string, number> = {};
		await pool(SIGNUPS, POSTING, async (i) => {
			for (let attempt = 0; ; attempt++) {
				let status = 0;
				let text = '';
				try {
					const res = await fetch(`${client.baseUrl}/webhook/${hookPath}`, {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify({ email: contact(i), first_name: `F${i}` }),
					});
					status = res.status;
					text = await res.text();
				} catch (error) {
					text = (error as Error).message;
				}
				if (status === 200) return;
				answers[`${status} ${text.slice(0, 120)}`] = (answers[`${status} ${text.slice(0, 120)}`] ?? 0) + 1;
				// Activation answers before the webhook is registered: a "not registered" 404 ran nothing.
				if (!(status === 404 && text.includes('not registered'))) reposted++;
				if (attempt > 50) throw new Error(`signup ${i}: n8n answered ${status} ${text.slice(0, 300)}`);
				await sleep(200);
			}
		});
		const posted = Date.now() - started;
		await kill;

		// Until every execution has ended: retry crashed ones (once each), as an operator's recovery job would.
		const retried = new Set<string>();
		const deadline = Date.now() + 20 * 60_000;
		let last: Tally;
		for (;;) {
			last = await tally();
			const pending = (last.byStatus.new ?? 0) + (last.byStatus.running ?? 0) + (last.byStatus.waiting ?? 0);
			const fresh = last.unretried.filter((id) => !retried.has(id));
			for (const id of fresh) {
				retried.add(id);
				// The retry answers when its execution has finished; no need to wait for it here.
				void client.api('POST', `/executions/${id}/retry`, { loadWorkflow: false }).catch((error: Error) => console.error(`retry of ${id}: ${error.message}`));
			}
			if (!pending && !fresh.length && !last.unretried.length) break;
			if (Date.now() > deadline) throw new Error(`executions did not end: ${JSON.stringify(last.byStatus)}\n${cluster.logs()}`);
			await sleep(1000);
		}
		const total = Date.now() - started;
		// The Email nodes' send history: one row per key in campaign_kit_send_history.
		const rows = (await db.query<{ key: string; sent: boolean }>('SELECT key, sent FROM campaign_kit_send_history WHERE workflow_id = $1', [saved.id])).rows;
		const remembered = new Set(rows.map((row) => row.key));
		const forgotten = sendGrid.delivered.filter((e) => !remembered.has(String(e.customArgs?.ck_idempotency_key))).length;
		const unconfirmed = rows.filter((row) => !row.sent).length;
		await db.end();

		const counts = new Map<string, number>();
		for (const e of sendGrid.delivered) counts.set(`${e.to}\n${e.subject}`, (counts.get(`${e.to}\n${e.subject}`) ?? 0) + 1);
		const missing: string[] = [];
		const doubled: string[] = [];
		for (let i = 0; i < SIGNUPS; i++) {
			for (const subject of subjects) {
				const n = counts.get(`${contact(i)}\n${subject}`) ?? 0;
				if (n === 0) missing.push(`${contact(i)}: ${subject}`);
				if (n > 1) doubled.push(`${contact(i)}: ${subject} ×${n}`);
			}
		}
		console.log(
			[
				`[queue] workflow: ${source}; ${SIGNUPS} signups, 2 workers × concurrency 50, ${POSTING} signups posted at once, waits ${WAIT_SECONDS} s`,
				`[queue] posted in ${(posted / 1000).toFixed(1)} s; worker-1 SIGKILLed at ${(killedAt / 1000).toFixed(1)} s after ${killedWelcomes} welcome emails`,
				`[queue] executions: ${JSON.stringify(last.byStatus)}; crashed and retried: ${retried.size}`,
				`[queue] emails at the stand-in: ${sendGrid.delivered.length} (expected ${SIGNUPS * subjects.length}); missing ${missing.length}, doubled ${doubled.length}`,
				`[queue] signups posted again after an error: ${reposted}; answers other than 200: ${JSON.stringify(answers)}`,
				`[queue] send history: ${remembered.size} keys; ${forgotten} delivered emails missing from it; ${unconfirmed} claimed but never confirmed sent`,
				`[queue] all done in ${(total / 1000).toFixed(1)} s`,
				...missing.slice(0, 10).map((m) => `  missing ${m}`),
				...doubled.slice(0, 10).map((d) => `  doubled ${d}`),
			].join('\n'),
		);

		expect(killedWelcomes).toBeGreaterThanOrEqual(SIGNUPS * KILL_AT);
		expect(missing).toEqual([]);
		expect(doubled).toEqual([]);
		expect(sendGrid.delivered).toHaveLength(SIGNUPS * subjects.length);
		expect(forgotten).toBe(0);
		expect(unconfirmed).toBe(0);
	}, 30 * 60_000);
});
