/**
 * The Email node with Send History: In Postgres, in real n8n-core executions against a real
 * PostgreSQL and SendGrid's stand-in: overlapping runs of the same list send each email once in
 * total, a re-run sends nothing again, and an email the provider refused is sent by the next run.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { runWorkflow, singleNode } from '../helpers/n8n';
import { startPostgres, type PostgresCluster } from '../helpers/postgres';
import { SendGridStandIn } from '../stand-ins/sendgrid';

const API_KEY = 'SG.history-key.H4kP8sL2nQ6wE1rT5yU9iO3a';
const sendGrid = new SendGridStandIn(API_KEY);
let pg: PostgresCluster;

const contacts = (n: number): IDataObject[] => Array.from({ length: n }, (_, i) => ({ email: `member${i}@example.com` }));

async function send(items: IDataObject[], workflowId: string) {
	const result = await runWorkflow(
		singleNode(
			'email',
			{ provider: 'sendGrid', fromEmail: 'news@brand.example', subject: 'Welcome', html: '<p>Welcome</p>', sendHistory: 'postgres' },
			items,
			{ credentials: { campaignKitSendGridApi: { id: '1', name: 'SendGrid' }, postgres: { id: 'pg', name: 'Postgres' } }, continueOnFail: true },
		),
		{
			workflowId,
			credentials: {
				campaignKitSendGridApi: { apiKey: API_KEY, baseUrl: sendGrid.url },
				postgres: { host: pg.host, port: pg.port, database: pg.database, user: pg.user, password: '', ssl: 'disable' },
			},
		},
	);
	const [sent = [], skipped = [], failed = []] = result.outputs('Node');
	return { sent, skipped, failed };
}

const reasons = (items: INodeExecutionData[]) => [...new Set(items.map((item) => String((item.json.delivery as IDataObject).reason).split(' (')[0].split(';')[0]))].sort();

beforeAll(async () => {
	await sendGrid.start();
	pg = await startPostgres();
}, 60_000);
afterAll(async () => {
	await sendGrid.stop();
	await pg.stop();
});
beforeEach(() => sendGrid.reset());

describe('Email with Send History: In Postgres', () => {
	it('sends each of 30 emails once in total when 6 runs of the same list overlap, and a re-run sends nothing', async () => {
		const runs = await Promise.all(Array.from({ length: 6 }, () => send(contacts(30), 'wf-overlap')));
		const perContact = new Map<string, number>();
		for (const email of sendGrid.delivered) perContact.set(email.to, (perContact.get(email.to) ?? 0) + 1);
		expect(perContact.size).toBe(30);
		expect([...perContact.values()].every((n) => n === 1)).toBe(true);
		// Every item left on one output: 30 Sent across the runs, the other 150 Skipped, none Failed.
		expect(runs.reduce((n, run) => n + run.sent.length, 0)).toBe(30);
		expect(runs.reduce((n, run) => n + run.skipped.length, 0)).toBe(150);
		expect(runs.reduce((n, run) => n + run.failed.length, 0)).toBe(0);
		const why = reasons(runs.flatMap((run) => run.skipped));
		expect(why.every((reason) => ['already sent by this node in an earlier execution', 'another run of this node is sending the same message to this recipient right now'].includes(reason))).toBe(true);

		const again = await send(contacts(30), 'wf-overlap');
		expect(sendGrid.delivered).toHaveLength(30);
		expect(again.skipped).toHaveLength(30);
		expect(reasons(again.skipped)).toEqual(['already sent by this node in an earlier execution']);
	});

	it('forgets what the provider refused, so the next run sends exactly that', async () => {
		sendGrid.failNext('POST', '/v3/mail/send', 1, { status: 400, body: { errors: [{ message: 'The from address does not match a verified Sender Identity.', field: 'from', help: null }] } });
		const first = await send(contacts(5), 'wf-refused');
		expect(first.failed).toHaveLength(5);
		expect(sendGrid.delivered).toHaveLength(0);
		const second = await send(contacts(5), 'wf-refused');
		expect(second.sent).toHaveLength(5);
		expect(sendGrid.delivered.map((email) => email.to).sort()).toEqual(contacts(5).map((c) => String(c.email)).sort());
		const { rows } = await (async () => {
			const client = await pg.connect();
			try {
				return await client.query<{ n: number }>("SELECT count(*)::int AS n FROM campaign_kit_send_history WHERE workflow_id = 'wf-refused' AND sent");
			} finally {
				await client.end();
			}
		})();
		expect(rows[0].n).toBe(5);
	});

	it('a run whose database connection is cut while SendGrid holds its request: 1 email, the run that came meanwhile reports it unconfirmed', async () => {
		const held = sendGrid.hold();
		const first = send(contacts(5), 'wf-cut');
		while (sendGrid.requests.length < 1) await new Promise((resolve) => setTimeout(resolve, 10));
		const admin = await pg.connect();
		const databaseNow = Number((await admin.query<{ ms: string }>('SELECT (extract(epoch FROM now()) * 1000)::bigint AS ms')).rows[0].ms);
		try {
			// Run A's backend is terminated (a failover, a proxy's idle cut) while it waits on SendGrid.
			const { rows } = await admin.query<{ n: number }>(
				"SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = 'n8n Campaign Kit send history'",
			);
			expect(rows[0].n).toBe(1);
			for (;;) {
				const { rows: left } = await admin.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'n8n Campaign Kit send history'");
				if (left[0].n === 0) break;
				await new Promise((resolve) => setTimeout(resolve, 20));
			}
			// Run B cannot know whether A's request reached SendGrid: it sends nothing and says so.
			const running = send(contacts(5), 'wf-cut');
			// A run that sends would wait on the held answer too: B must finish without it.
			const finished = await Promise.race([running.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000))]);
			held.release();
			const second = await running;
			expect(sendGrid.delivered).toHaveLength(5);
			expect(finished).toBe(true);
			expect(second.sent).toHaveLength(0);
			expect(second.failed).toHaveLength(5);
			for (const item of second.failed) {
				const delivery = item.json.delivery as IDataObject;
				expect(delivery.status).toBe('unconfirmed');
				expect(delivery.claimedBy).toEqual(expect.any(String));
				// claimedAt is the database's clock, not this process's (they differ under faketime).
				expect(Date.parse(String(delivery.claimedAt))).toBeGreaterThan(databaseNow - 60_000);
				expect(String(delivery.reason)).toMatch(/may have reached SendGrid/);
			}
			// A's request completes: its emails are sent, and marked sent over a new connection.
			const a = await first;
			expect(a.sent).toHaveLength(5);
			expect(sendGrid.delivered).toHaveLength(5);
			const third = await send(contacts(5), 'wf-cut');
			expect(reasons(third.skipped)).toEqual(['already sent by this node in an earlier execution']);
			expect(sendGrid.delivered.map((email) => email.to).sort()).toEqual(contacts(5).map((c) => String(c.email)).sort());
		} finally {
			held.release();
			await admin.end();
		}
	});
});
