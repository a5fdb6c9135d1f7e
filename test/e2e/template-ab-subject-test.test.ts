/**
 * The A/B subject-line template in a real n8n, imported through the public API with only a
 * user's changes (Settings values, Simulate off, credentials picked). Live: 1,000 tagged contacts
 * in the contacts Data Table; 10% get subject A and 10% subject B at the SendGrid stand-in; while
 * the template waits, opens arrive in the delivery-events Data Table (as the delivery-events
 * template writes them) so that B converts 40% against A's 10%; the A/B Test node calls B the
 * winner and the other 80% get subject B, and nothing else. Assignments are recomputed here from
 * the documented rule (SHA-256 buckets), not read back from the workflow.
 * As shipped (Simulate, only the wait shortened): every email is simulated and, with no opens to
 * count, the rest gets the control subject A, as the template documents.
 */
import { createHash } from 'node:crypto';

import { SendGridStandIn } from '../stand-ins/sendgrid';
import { client, createCredential, executions, importTemplate, n8nLog, outputOf, runManually, templateTables, until } from './n8n';

const SENDGRID_KEY = 'SG.template-ab.Z9x8C7v6B5n4M3l2K1j0H9g8';
const FILE = 'ab-subject-test.json';
const TRIGGER = 'Start the test';

const sendGrid = new SendGridStandIn(SENDGRID_KEY);

beforeAll(async () => await sendGrid.start());
afterAll(async () => await sendGrid.stop());

type Row = Record<string, unknown>;

/** The A/B Split's documented assignment: bucket = first 8 hex digits of SHA-256("experiment:id") mod 10,000; A owns 0–999, B 1,000–1,999, the rest 2,000–9,999 at a 20% test share. */
const groupOf = (experiment: string, id: string) => {
	const bucket = parseInt(createHash('sha256').update(`${experiment}:${id}`).digest('hex').slice(0, 8), 16) % 10_000;
	return bucket < 1000 ? 'A' : bucket < 2000 ? 'B' : 'rest';
};

describe('template: A/B subject-line test with winner send, in a real n8n', () => {
	it('live: A and B go to 10% each, B wins on opens, and the other 80% get only subject B', async () => {
		const stamp = Date.now();
		const tag = `abtest-${stamp}`;
		const experiment = `subject-test-${stamp}`;
		const tables = await templateTables();
		const names = ['Ana', 'Ben', 'Cleo', 'Dev'];
		const contacts = Array.from({ length: 1000 }, (_, i) => ({ email: `ab${stamp}-${i}@example.com`, firstName: names[i % 4], emailConsent: 'opted_in', status: 'active', tags: `newsletter,${tag}` }));
		// Contacts outside the audience: another tag, an unsubscribe, an opt-out.
		const outsiders = [
			{ email: `other${stamp}@example.com`, firstName: 'Olga', emailConsent: 'opted_in', status: 'active', tags: 'newsletter' },
			{ email: `gone${stamp}@example.com`, firstName: 'Gus', emailConsent: 'opted_in', status: 'unsubscribed', tags: tag },
			{ email: `nope${stamp}@example.com`, firstName: 'Nina', emailConsent: 'opted_out', status: 'active', tags: tag },
		];
		await client().api('POST', `/data-tables/${tables.campaign_kit_contacts}/rows`, { data: [...contacts, ...outsiders] });
		const group = new Map(contacts.map((c) => [c.email, groupOf(experiment, c.email)]));
		const inGroup = (g: string) => contacts.filter((c) => group.get(c.email) === g);
		const [a, b, rest] = [inGroup('A'), inGroup('B'), inGroup('rest')];
		expect(a.length + b.length + rest.length).toBe(1000);

		const credential = { campaignKitSendGridApi: await createCredential('campaignKitSendGridApi', { apiKey: SENDGRID_KEY, baseUrl: sendGrid.url }) };
		const settings = {
			experimentName: experiment,
			subjectA: 'Spring is here',
			subjectB: '20 new pieces for spring',
			audienceTag: tag,
			// Over 65 s, n8n parks the execution in its database and resumes it later, as it does with the default 4 hours.
			waitAmount: 70,
			waitUnit: 'seconds',
			minimumPerSubject: 50,
			fromEmail: 'news@brand.example',
		};
		const template = await importTemplate(FILE, { settings, live: true, credentials: credential, suffix: `live ${stamp}` });
		const run = runManually(template.id, TRIGGER, 240_000);

		// The test sends reach SendGrid; while the template waits, opens come in as the delivery-events template stores them.
		const sent = await until('the test sends', () => (sendGrid.delivered.length >= a.length + b.length ? [...sendGrid.delivered] : undefined));
		expect(sent).toHaveLength(a.length + b.length);
		const messageOf = new Map(sent.map((email) => [email.to, email.messageId]));
		const now = new Date().toISOString();
		const open = (email: string, messageId = messageOf.get(email)!) => ({ provider: 'sendgrid', channel: 'email', type: 'opened', messageId, recipient: email, timestamp: now, campaign: '', variant: '' });
		const openedA = a.filter((_, i) => i % 10 === 0); // 10%
		const openedB = b.filter((_, i) => i % 5 < 2); // 40%
		const events = [
			...openedA.map((c) => open(c.email)),
			...openedB.map((c) => open(c.email)),
			...openedB.slice(0, 5).map((c) => open(c.email)), // opened twice: counted once
			...a.slice(1, 30).map((c) => open(c.email, 'another-campaign-message')), // an open of some other email: not counted
			{ ...open(a[3].email), type: 'delivered' },
			{ ...open(a[4].email), timestamp: new Date(Date.now() - 3_600_000).toISOString() }, // before the test: not counted
		];
		await client().api('POST', `/data-tables/${tables.campaign_kit_delivery_events}/rows`, { data: events });
		// Meanwhile the execution is parked in n8n's database (status "waiting"), not held in memory.
		await until('the execution to wait in the database', async () => (await executions(template.id))[0]?.status === 'waiting', 15_000);

		const execution = await run;
		if (execution.status !== 'success') console.error(JSON.stringify(execution.data?.resultData, null, 1).slice(0, 4000), n8nLog());
		expect(execution.status).toBe('success');

		// The analysis saw what was sent and opened, as counted here.
		const arms = outputOf(execution, 'Which subject wins?');
		expect(arms.map((arm) => [arm.arm, arm.visitors, arm.conversions])).toEqual([
			['A', a.length, openedA.length],
			['B', b.length, openedB.length],
		]);
		const challenger = arms[1];
		expect(challenger.decision).toBe('winner');
		expect(challenger.significant).toBe(true);
		// The two-proportion z-test, pooled, computed here: far beyond 1.96.
		const pA = openedA.length / a.length;
		const pB = openedB.length / b.length;
		const pooled = (openedA.length + openedB.length) / (a.length + b.length);
		const z = (pB - pA) / Math.sqrt(pooled * (1 - pooled) * (1 / a.length + 1 / b.length));
		expect(challenger.zScore as number).toBeCloseTo(z, 6);

		// Who got what at SendGrid: each contact exactly one email; A and B their subject; the rest only the winner.
		const received = new Map<string, string[]>();
		for (const email of sendGrid.delivered) received.set(email.to, [...(received.get(email.to) ?? []), email.subject ?? '']);
		const subjectB = () => settings.subjectB;
		for (const c of a) expect([c.email, received.get(c.email)]).toEqual([c.email, ['Spring is here']]);
		for (const c of b) expect([c.email, received.get(c.email)]).toEqual([c.email, [subjectB()]]);
		for (const c of rest) expect([c.email, received.get(c.email)]).toEqual([c.email, [subjectB()]]);
		for (const c of outsiders) expect(received.has(c.email)).toBe(false);
		expect(sendGrid.delivered).toHaveLength(1000);
		expect(outputOf(execution, 'The winning subject')[0]).toMatchObject({ winningArm: 'B', subject: settings.subjectB });
		expect(execution.data?.resultData.runData['No clear winner: send A']).toBeUndefined();
		// The links carry the arm as utm_content, so the winner's visits show up under it.
		const restMail = sendGrid.delivered.find((email) => email.to === rest[0].email)!;
		expect(restMail.html).toContain(`utm_campaign=${experiment}&utm_content=B`);
	}, 300_000);

	it('as shipped (Simulate, wait shortened): simulates every email and, with no opens, sends the control subject A to the rest', async () => {
		const template = await importTemplate(FILE, { settings: { waitAmount: 1, waitUnit: 'seconds' }, suffix: `simulate ${Date.now()}` });
		const before = sendGrid.requests.length;
		const execution = await runManually(template.id, TRIGGER);
		if (execution.status !== 'success') console.error(JSON.stringify(execution.data?.resultData, null, 1).slice(0, 4000), n8nLog());
		expect(execution.status).toBe('success');
		const test = outputOf(execution, 'Send the test');
		const testA = test.filter((item) => (item.experiment as Row).arm === 'A');
		const testB = test.filter((item) => (item.experiment as Row).arm === 'B');
		const winner = outputOf(execution, 'Send the winner to the rest');
		expect(testA.length).toBeGreaterThan(0);
		expect(testB.length).toBeGreaterThan(0);
		expect(winner.length).toBeGreaterThan(testA.length + testB.length); // about 80% against 20%
		for (const item of [...testA, ...testB, ...winner]) expect((item.delivery as Row).status).toBe('simulated');
		const [decision] = outputOf(execution, 'No clear winner: send A');
		expect(decision.subject).toBe('Our spring collection is here');
		expect(decision.why).toMatch(/^No significant difference yet, so the rest gets subject A/);
		expect(winner.every((item) => item.subject === 'Our spring collection is here')).toBe(true);
		expect(sendGrid.requests.length).toBe(before);
	});
});
