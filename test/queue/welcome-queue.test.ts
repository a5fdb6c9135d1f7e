/**
 * Issue 10's queue-mode run: n8n main + 2 workers + Redis + PostgreSQL, the welcome series for
 * signups posted to the main's webhook, one worker killed with SIGKILL midway and started again.
 * Every contact must get each message exactly once, counted at the SendGrid stand-in.
 *
 * What n8n 2.40 does with a killed worker's jobs (measured here, and read in its source): nothing
 * runs them again. n8n sets Bull's maxStalledCount to 0, so once the dead worker's job locks expire
 * the surviving worker's stalled-job check fails them, and the main saves each execution as an
 * error ("failed to be processed too many times") with its data replaced by the error: the
 * signup is gone from n8n. So the signup webhook answers only when the series has run, and the
 * sender posts a signup again when n8n answers an error, as any webhook sender retries; the
 * Email nodes' send history in Postgres (Send History: In Postgres) then skips what the killed
 * run had sent, and takes over what it had claimed but not sent.
 *
 * CK_QUEUE_SIGNUPS sets the number of signups (default 1,000, what fits the suite's time on two
 * cores; the 10,000 runs with CK_QUEUE_SIGNUPS=10000). CK_QUEUE_SIGNAL=SIGTERM stops the
 * worker gracefully instead.
 */
import { SendGridStandIn } from '../stand-ins/sendgrid';
import { startQueueCluster, type QueueCluster } from './cluster';
import { loadWorkflow } from './welcome-workflow';

const SIGNUPS = Number(process.env.CK_QUEUE_SIGNUPS ?? 1_000);
const KILL_AT = 0.3; // share of welcome emails counted before the kill
/** How the worker is stopped: SIGKILL (default), or SIGTERM to see n8n's graceful shutdown. */
const SIGNAL = (process.env.CK_QUEUE_SIGNAL ?? 'SIGKILL') as NodeJS.Signals;
const API_KEY = 'SG.queue-key.Q8uE2uW9oR4kN7mB1vC3xZ5a';
const WAIT_SECONDS = 2;
/** Signups posted at once (each request is answered when its series has run). */
const POSTING = 200;
/** How long the sender waits for n8n's answer before posting a signup again. */
const ANSWER_TIMEOUT_MS = 60_000;

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

describe(`The welcome series in queue mode (main + 2 workers), a worker stopped with ${SIGNAL} midway`, () => {
	const sendGrid = new SendGridStandIn(API_KEY);
	let cluster: QueueCluster;

	beforeAll(async () => {
		await sendGrid.start();
		cluster = await startQueueCluster({
			workers: 2,
			concurrency: 50,
			env: {
				// A dead worker's jobs are noticed sooner than with n8n's defaults (60 s lock, 30 s
				// check); the mechanism is the same.
				QUEUE_WORKER_LOCK_DURATION: '10000',
				QUEUE_WORKER_LOCK_RENEW_TIME: '2500',
				QUEUE_WORKER_STALLED_INTERVAL: '5000',
			},
		});
	}, 240_000);

	afterAll(async () => {
		await cluster?.stop();
		await sendGrid.stop();
	}, 120_000);

	it(`sends ${SIGNUPS.toLocaleString('en')} contacts each message once: none lost, none twice but an email in flight at the kill`, async () => {
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

		const tally = async (): Promise<Record<string, number>> => {
			const rows = await db.query<{ status: string; n: string }>('SELECT status, count(*) AS n FROM execution_entity WHERE "workflowId" = $1 GROUP BY status', [saved.id]);
			return Object.fromEntries(rows.rows.map((r) => [r.status, Number(r.n)]));
		};
		const welcomes = () => sendGrid.delivered.reduce((n, e) => n + (e.subject === subjects[0] ? 1 : 0), 0);

		const started = Date.now();
		let killedAt = 0;
		let killedWelcomes = 0;
		const inFlight = new Set<string>();
		const kill = (async () => {
			while (welcomes() < SIGNUPS * KILL_AT) await sleep(50);
			killedWelcomes = welcomes();
			killedAt = Date.now() - started;
			await cluster.workers[0].kill(SIGNAL);
			// The one case no sender can settle without a provider idempotency key: emails SendGrid
			// accepted that the dead worker had not yet marked sent. Live runs confirm within
			// milliseconds and a dead run's claims are taken over only after its jobs fail (10 s lock),
			// so what is still unconfirmed 2 s after the kill is the dead run's.
			await sleep(2000);
			const { rows } = await db.query<{ key: string }>('SELECT key FROM campaign_kit_send_history WHERE workflow_id = $1 AND NOT sent', [saved.id]);
			const accepted = new Set(sendGrid.delivered.map((e) => String(e.customArgs?.ck_idempotency_key)));
			for (const { key } of rows) if (accepted.has(key)) inFlight.add(key);
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
						// n8n never answers a webhook whose job finished on the killed worker but was not
						// yet reported (it sees the execution succeeded and leaves the request open): the
						// sender gives up and posts again, as webhook senders do.
						signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
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

		// Every signup was answered 200, so every series has run; no execution may be left behind.
		const last = await tally();
		expect((last.new ?? 0) + (last.running ?? 0) + (last.waiting ?? 0)).toBe(0);
		const total = Date.now() - started;
		// Whether n8n kept the signup of the runs it failed as stalled (it replaces their data with the error).
		const kept = await db.query<{ n: number }>(
			`SELECT count(*)::int AS n FROM execution_entity e JOIN execution_data d ON d."executionId" = e.id
			 WHERE e."workflowId" = $1 AND e.status = 'error' AND d.data LIKE '%@example.com%'`,
			[saved.id],
		);
		// The Email nodes' send history: one row per key in campaign_kit_send_history.
		const rows = (await db.query<{ key: string; sent: boolean }>('SELECT key, sent FROM campaign_kit_send_history WHERE workflow_id = $1', [saved.id])).rows;
		const remembered = new Set(rows.map((row) => row.key));
		const forgotten = sendGrid.delivered.filter((e) => !remembered.has(String(e.customArgs?.ck_idempotency_key))).length;
		const unconfirmed = rows.filter((row) => !row.sent).length;
		await db.end();

		const counts = new Map<string, { n: number; key: string }>();
		for (const e of sendGrid.delivered) {
			const id = `${e.to}\n${e.subject}`;
			counts.set(id, { n: (counts.get(id)?.n ?? 0) + 1, key: String(e.customArgs?.ck_idempotency_key) });
		}
		const missing: string[] = [];
		const doubled: Array<{ message: string; n: number; inFlight: boolean }> = [];
		for (let i = 0; i < SIGNUPS; i++) {
			for (const subject of subjects) {
				const got = counts.get(`${contact(i)}\n${subject}`);
				if (!got) missing.push(`${contact(i)}: ${subject}`);
				else if (got.n > 1) doubled.push({ message: `${contact(i)}: ${subject}`, n: got.n, inFlight: inFlight.has(got.key) });
			}
		}
		console.log(
			[
				`[queue] workflow: ${source}; ${SIGNUPS} signups, 2 workers × concurrency 50, ${POSTING} signups posted at once, waits ${WAIT_SECONDS} s`,
				`[queue] posted in ${(posted / 1000).toFixed(1)} s; worker-1 sent ${SIGNAL} at ${(killedAt / 1000).toFixed(1)} s after ${killedWelcomes} welcome emails`,
				`[queue] executions: ${JSON.stringify(last)} (the errors: the killed worker's, failed by n8n as stalled; ${kept.rows[0].n} of them still hold their signup)`,
				`[queue] emails at the stand-in: ${sendGrid.delivered.length} (expected ${SIGNUPS * subjects.length}); missing ${missing.length}, doubled ${doubled.length}; accepted by SendGrid but not yet marked sent when the worker died: ${inFlight.size}`,
				`[queue] signups posted again after an error: ${reposted}; answers other than 200: ${JSON.stringify(answers)}`,
				`[queue] send history: ${remembered.size} keys; ${forgotten} delivered emails missing from it; ${unconfirmed} claimed but never confirmed sent`,
				`[queue] all done in ${(total / 1000).toFixed(1)} s`,
				...missing.slice(0, 10).map((m) => `  missing ${m}`),
				...doubled.slice(0, 10).map((d) => `  doubled ${d.message} ×${d.n}${d.inFlight ? ' (in flight at the kill)' : ''}`),
			].join('\n'),
		);

		expect(killedWelcomes).toBeGreaterThanOrEqual(SIGNUPS * KILL_AT);
		expect(missing).toEqual([]);
		// Twice only an email that was in flight at the kill (accepted, not yet confirmed), and never more.
		expect(doubled.filter((d) => !d.inFlight || d.n > 2)).toEqual([]);
		expect(doubled.length).toBeLessThanOrEqual(inFlight.size);
		expect(sendGrid.delivered).toHaveLength(SIGNUPS * subjects.length + doubled.length);
		expect(forgotten).toBe(0);
		expect(unconfirmed).toBe(0);
	}, 30 * 60_000);
});
