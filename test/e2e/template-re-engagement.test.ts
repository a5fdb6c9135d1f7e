/**
 * The re-engagement template in a real n8n: contacts and activity in the Data Tables, win-back
 * emails through the SendGrid stand-in, at_risk tags through the Mailchimp stand-in. Who is in the
 * segment, who gets which email and who is tagged are worked out here from the rules the template
 * documents (and the A/B Split's bucket rule), not read back from the workflow.
 */
import { createHash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { MailchimpStandIn } from '../stand-ins/mailchimp';
import { SendGridStandIn } from '../stand-ins/sendgrid';
import { client, createCredential, importTemplate, outputOf, runManually, tableRows, templateTables, until } from './n8n';
import { screenshotFile } from '../helpers/screenshots';
import { screenshotWorkflow } from './screenshot';

const SENDGRID_KEY = 'SG.e2e-reengage.Q2wE4rT6yU8iO0pA1sD3fG5h';
const MAILCHIMP_KEY = '0123456789abcdef0123456789abcdef-us21';
const AUDIENCE = 'a1b2c3d4e5';
const TRIGGER = 'Every day at 10';
const DAY = 86_400_000;
const FAST = { waitAfter: 8, waitAfterUnit: 'seconds', quietHoursStart: '00:00', quietHoursEnd: '00:00' };

/** The A/B Split's documented rule: SHA-256("experiment:id") → bucket 0–9,999; holdout 10% owns 9,000 and up, the two arms split the rest. */
function arm(experiment: string, id: string): 'Offer' | 'No offer' | 'Holdout' {
	const bucket = parseInt(createHash('sha256').update(`${experiment}:${id}`).digest('hex').slice(0, 8), 16) % 10_000;
	return bucket < 4500 ? 'Offer' : bucket < 9000 ? 'No offer' : 'Holdout';
}

const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

describe('Template: re-engagement', () => {
	const sendGrid = new SendGridStandIn(SENDGRID_KEY);
	const mailchimp = new MailchimpStandIn(MAILCHIMP_KEY);
	const cleanup: Array<() => Promise<unknown>> = [];

	beforeAll(async () => {
		await Promise.all([sendGrid.start(), mailchimp.start()]);
	});

	afterAll(async () => {
		for (const step of cleanup.reverse()) await step().catch(() => undefined);
		await Promise.all([sendGrid.stop(), mailchimp.stop()]);
	});

	it('runs as shipped in Simulate mode: emails simulated, nobody tagged', async () => {
		const template = await importTemplate('re-engagement.json', { settings: FAST, suffix: `simulate ${Date.now()}` });
		const execution = await runManually(template.id, TRIGGER);
		expect(execution.status).toBe('success');
		const segment = outputOf(execution, 'Inactive, valuable, subscribed');
		const emails = [...outputOf(execution, 'Win-back email with offer'), ...outputOf(execution, 'Win-back email')];
		for (const item of emails) expect(item.delivery).toMatchObject({ status: 'simulated' });
		// Whatever the shared contacts table holds: everyone emailed is in the segment, and whoever stayed
		// inactive reaches the dry run, not Mailchimp.
		expect(emails.every((item) => segment.some((member) => member.email === item.email))).toBe(true);
		expect(outputOf(execution, 'Tag at_risk in Mailchimp')).toEqual([]);
		expect(sendGrid.requests).toHaveLength(0);
		expect(mailchimp.requests).toHaveLength(0);
		const shot = await screenshotWorkflow(template.id, screenshotFile('templates/re-engagement'));
		expect(shot.nodes).toBeGreaterThanOrEqual(20);
	});

	it('live: the quiet, valuable subscribers get a win-back email (offer or not, 10% holdout), and a week later the still-quiet are tagged at_risk', async () => {
		const tables = await templateTables();
		const api = client();
		const contact = (name: string, extra: IDataObject = {}) => ({
			email: `${name}@reengage.example`,
			firstName: name.replace(/-\d+$/, ''),
			userId: `user-${name}`,
			timezone: 'Europe/Berlin',
			emailConsent: 'opted_in',
			smsConsent: 'unknown',
			status: 'subscribed',
			lifetimeValue: 120,
			signedUpAt: ago(120),
			lastActiveAt: ago(40),
			...extra,
		});
		const sleepers = Array.from({ length: 40 }, (_, i) => contact(`sleeper-${i}`, { lifetimeValue: 50 + i * 5 }));
		const outsiders = [
			contact('low-value', { lifetimeValue: 49 }),
			contact('browsed-lately'), // has a page view 3 days ago
			contact('active-lately', { lastActiveAt: ago(5) }),
			contact('new-signup', { signedUpAt: ago(3) }),
			contact('never-opted-in', { emailConsent: 'unknown' }),
			contact('unsubscribed', { status: 'unsubscribed' }),
		];
		await api.api('POST', `/data-tables/${tables.campaign_kit_contacts}/rows`, { data: [...sleepers, ...outsiders] });
		await api.api('POST', `/data-tables/${tables.campaign_kit_marketing_events}/rows`, {
			data: [
				{ eventId: 'reengage-browse', eventType: 'page', userId: 'user-browsed-lately', timestamp: ago(3), channel: 'Direct' },
				{ eventId: 'reengage-old', eventType: 'purchase', userId: 'user-sleeper-0', timestamp: ago(30), channel: 'Email', value: 40 },
			],
		});
		// Another journey emailed sleeper-1 an hour ago: the guard's 1-a-day cap leaves them out today.
		await api.api('POST', `/data-tables/${tables.campaign_kit_send_ledger}/rows`, { data: [{ contactId: 'sleeper-1@reengage.example', channel: 'email', sentAt: ago(1 / 24) }] });
		// The Mailchimp audience mirrors the contacts table (every contact there, from any test, is a member).
		const everyone = await tableRows(tables.campaign_kit_contacts, 'email', '');
		for (const row of everyone) mailchimp.addMember(AUDIENCE, String(row.email));

		const sendGridCredential = await createCredential('campaignKitSendGridApi', { apiKey: SENDGRID_KEY, baseUrl: sendGrid.url });
		const mailchimpCredential = await createCredential('campaignKitMailchimpApi', { apiKey: MAILCHIMP_KEY, baseUrl: `${mailchimp.url}/3.0` });
		for (const { id } of [sendGridCredential, mailchimpCredential]) cleanup.push(() => api.api('DELETE', `/credentials/${id}`));
		const template = await importTemplate('re-engagement.json', {
			settings: { ...FAST, simulate: false, mailchimpAudienceId: AUDIENCE, offerCode: 'BACK25' },
			live: true,
			credentials: { campaignKitSendGridApi: sendGridCredential, campaignKitMailchimpApi: mailchimpCredential },
			suffix: `live ${Date.now()}`,
		});

		const ours = (email: string) => email.endsWith('@reengage.example');
		const expected = sleepers.filter((s) => s.email !== 'sleeper-1@reengage.example');
		const emailed = expected.filter((s) => arm('re-engagement', s.email) !== 'Holdout');
		expect(emailed.length).toBeGreaterThan(25);
		expect(expected.length - emailed.length).toBeGreaterThan(0); // the holdout is not empty

		const run = runManually(template.id, TRIGGER, 180_000);
		// Both groups are emailed at once (the week starts for everyone together); three of them come
		// back to the shop before their "week" (8 s here) is over.
		await until('the win-back emails', () => sendGrid.delivered.filter((d) => ours(d.to)).length >= emailed.length);
		const sent = sendGrid.accepted.map((request) => request.time);
		expect(Math.max(...sent) - Math.min(...sent)).toBeLessThan(5_000);
		const returners = [emailed.find((s) => arm('re-engagement', s.email) === 'Offer')!, ...emailed.filter((s) => arm('re-engagement', s.email) === 'No offer').slice(0, 2)];
		await api.api('POST', `/data-tables/${tables.campaign_kit_marketing_events}/rows`, {
			data: returners.map((r, i) => ({ eventId: `reengage-back-${i}`, eventType: 'page', userId: r.userId, timestamp: new Date().toISOString(), channel: 'Email' })),
		});
		const execution = await run;
		expect(execution.status).toBe('success');

		const delivered = sendGrid.delivered.filter((d) => ours(d.to));
		expect(delivered.map((d) => d.to).sort()).toEqual(emailed.map((s) => s.email).sort());
		for (const sleeper of emailed) {
			const subject = delivered.find((d) => d.to === sleeper.email)!.subject;
			expect(subject).toBe(arm('re-engagement', sleeper.email) === 'Offer' ? `We miss you, ${sleeper.firstName}: BACK25 for 20% off` : `We miss you, ${sleeper.firstName}`);
		}
		// The guard held sleeper-1 back, with the reason.
		expect(outputOf(execution, 'Not now (capped or blocked)')).toEqual(
			expect.arrayContaining([expect.objectContaining({ email: 'sleeper-1@reengage.example', guard: expect.objectContaining({ code: 'capped' }) })]),
		);

		const tagged = (mailchimp.lists.get(AUDIENCE) ? [...mailchimp.lists.get(AUDIENCE)!.values()] : [])
			.filter((member) => ours(member.email_address) && member.tags.some((tag) => tag.name === 'at_risk'))
			.map((member) => member.email_address)
			.sort();
		const returned = new Set(returners.map((r) => r.email));
		expect(tagged).toEqual(emailed.filter((s) => !returned.has(s.email)).map((s) => s.email).sort());
		// Each real send is in the shared send ledger.
		const ledger = await tableRows(tables.campaign_kit_send_ledger, 'contactId', 'sleeper-');
		expect(ledger.length).toBe(emailed.length + 1);
	}, 240_000);
});
