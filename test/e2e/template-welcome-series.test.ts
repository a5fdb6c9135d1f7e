/**
 * The welcome series template in a real n8n, imported through the public API with only a user's
 * changes (Settings: waits of seconds, no quiet hours; Simulate off; credentials chosen), run
 * against the SendGrid and Twilio stand-ins: who got which message, counted at the stand-ins.
 */
import { randomUUID } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { SendGridStandIn } from '../stand-ins/sendgrid';
import { TelnyxStandIn } from '../stand-ins/telnyx';
import { TwilioStandIn } from '../stand-ins/twilio';
import { client, createCredential, executions, importTemplate, outputOf, postWebhook, runManually, tableRows, templateTables, until } from './n8n';
import { screenshotFile } from '../helpers/screenshots';
import { screenshotWorkflow } from './screenshot';

const SENDGRID_KEY = 'SG.e2e-welcome.K8sJ2mQ4vX7bN1cR5tY9wZ3a';
const TWILIO = { accountSid: `AC${'7'.repeat(32)}`, authToken: 'e2e-welcome-auth-token-0001' };
const TELNYX_KEY = 'KEY-e2e-welcome-telnyx-0001';
const SWEEP = 'Every 15 minutes: pick up stalled series';
const FAST = { tipsAfter: 3, tipsAfterUnit: 'seconds', offerAfter: 3, offerAfterUnit: 'seconds', quietHoursStart: '00:00', quietHoursEnd: '00:00' };

describe('Template: welcome series', () => {
	const sendGrid = new SendGridStandIn(SENDGRID_KEY);
	const twilio = new TwilioStandIn(TWILIO);
	const telnyx = new TelnyxStandIn(TELNYX_KEY);
	const cleanup: Array<() => Promise<unknown>> = [];

	beforeAll(async () => {
		await Promise.all([sendGrid.start(), twilio.start(), telnyx.start()]);
	});

	afterAll(async () => {
		for (const step of cleanup.reverse()) await step().catch(() => undefined);
		await Promise.all([sendGrid.stop(), twilio.stop(), telnyx.stop()]);
	});

	it('runs as shipped in Simulate mode: no account, every message shows the request it would send', async () => {
		const path = `welcome-sim-${randomUUID().slice(0, 8)}`;
		const workflow = await importTemplate('welcome-series.json', { settings: FAST, webhookPaths: { 'New signup': path }, suffix: path });
		await client().activate(workflow.id);
		cleanup.push(() => client().deactivate(workflow.id));
		const email = `sim-${randomUUID().slice(0, 8)}@example.com`;
		// Answered once the sign-up is saved (a sender whose post failed posts again).
		expect(await postWebhook(path, { email, firstName: 'Sam', timezone: 'Europe/Berlin' })).toMatchObject({ status: 202, body: { status: 'enrolled', email } });

		await until('the simulated journey', async () => (await executions(workflow.id)).some((e) => e.status === 'success'), 90_000, workflow.id);
		const [run] = await executions(workflow.id);
		const welcome = outputOf(run, 'Welcome email');
		expect(welcome).toHaveLength(1);
		expect(welcome[0].delivery).toMatchObject({ status: 'simulated', provider: 'SendGrid' });
		const request = (welcome[0].delivery as IDataObject).request as IDataObject;
		expect(JSON.stringify(request.body)).toContain('Welcome, Sam!');
		// Tips, then (no open, no phone) the offer by email: every step ran, nothing reached a provider.
		expect(outputOf(run, 'Tips email')[0].delivery).toMatchObject({ status: 'simulated' });
		expect(outputOf(run, 'Offer email')[0].delivery).toMatchObject({ status: 'simulated' });
		expect(sendGrid.requests).toHaveLength(0);
		// Simulated sends are not written to the send ledger.
		expect(outputOf(run, 'Sent for real (email)')).toEqual([]);

		const shot = await screenshotWorkflow(workflow.id, screenshotFile('templates/welcome-series'));
		expect(shot.nodes).toBeGreaterThanOrEqual(20);
	});

	it('live against the stand-ins: each contact gets exactly the messages the journey promises', async () => {
		const tables = await templateTables();
		const sendGridCredential = await createCredential('campaignKitSendGridApi', { apiKey: SENDGRID_KEY, baseUrl: sendGrid.url }, 'Campaign Kit SendGrid');
		const twilioCredential = await createCredential('campaignKitTwilioApi', { ...TWILIO, authType: 'authToken', baseUrl: twilio.url }, 'Campaign Kit Twilio');
		const telnyxCredential = await createCredential('campaignKitTelnyxApi', { apiKey: TELNYX_KEY, baseUrl: telnyx.url }, 'Campaign Kit Telnyx');
		for (const { id } of [sendGridCredential, twilioCredential, telnyxCredential]) cleanup.push(() => client().api('DELETE', `/credentials/${id}`));
		const path = `welcome-${randomUUID().slice(0, 8)}`;
		const workflow = await importTemplate('welcome-series.json', {
			settings: { ...FAST, offerCode: 'HELLO15' },
			live: true,
			credentials: { campaignKitSendGridApi: sendGridCredential, campaignKitTwilioApi: twilioCredential, campaignKitTelnyxApi: telnyxCredential },
			webhookPaths: { 'New signup': path },
			suffix: path,
		});
		await client().activate(workflow.id);
		cleanup.push(() => client().deactivate(workflow.id));

		const run = randomUUID().slice(0, 8);
		const address = (name: string) => `${name}.${run}@example.com`;
		// ann opens the welcome email; ben does not, but gave a phone and SMS consent; cat neither;
		// dan buys before the tips; eve signs up twice.
		const people = {
			ann: { email: address('ann'), firstName: 'Ann', timezone: 'Europe/Berlin' },
			ben: { email: address('ben'), firstName: 'Ben', timezone: 'America/New_York', phone: '+14155550101', smsOptIn: true },
			cat: { email: address('cat'), firstName: 'Cat', timezone: 'Asia/Tokyo' },
			dan: { email: address('dan'), firstName: 'Dan', timezone: 'Europe/London', userId: `dan-${run}` },
			eve: { email: address('eve'), firstName: 'Eve', timezone: 'Europe/Paris' },
		};
		const sentTo = (email: string) => sendGrid.delivered.filter((d) => d.to === email).map((d) => d.subject);
		const statuses = await Promise.all(Object.values(people).map(async (person) => (await postWebhook(path, person)).status));
		expect(statuses).toEqual([202, 202, 202, 202, 202]);

		// The welcome emails go out at once; then ann opens hers and dan buys, before the tips wait ends.
		await until('five welcome emails', () => sendGrid.delivered.filter((d) => d.subject?.startsWith('Welcome')).length === 5, 60_000, workflow.id);
		await client().api('POST', `/data-tables/${tables.campaign_kit_delivery_events}/rows`, {
			data: [{ provider: 'sendgrid', channel: 'email', type: 'opened', messageId: 'm-ann', recipient: people.ann.email, timestamp: new Date().toISOString(), campaign: 'welcome', variant: '' }],
		});
		await client().api('POST', `/data-tables/${tables.campaign_kit_marketing_events}/rows`, {
			data: [{ eventId: `buy-${run}`, eventType: 'purchase', userId: people.dan.userId, timestamp: new Date().toISOString(), channel: 'Email', value: 80 }],
		});
		// eve signs up again: the guard knows her welcome (Message ID "welcome"), so the second series
		// goes through at once and every message is skipped as already sent.
		await until('eve\'s welcome in the send ledger', async () => (await tableRows(tables.campaign_kit_send_ledger, 'contactId', people.eve.email)).length === 1, 30_000, workflow.id);
		expect((await postWebhook(path, people.eve)).status).toBe(202);
		// fay's series stalled (as when the worker running it dies): saved, never sent, its checkpoint passed.
		const fay = { email: address('fay'), firstName: 'Fay', timezone: 'Europe/Rome', userId: address('fay'), emailConsent: 'opted_in', smsConsent: 'unknown' };
		await client().api('POST', `/data-tables/${tables.campaign_kit_contacts}/rows`, {
			data: [{ ...fay, signedUpAt: new Date(Date.now() - 120_000).toISOString(), welcomeStatus: 'running', welcomeCheckAt: new Date(Date.now() - 60_000).toISOString() }],
		});
		const sweep = await runManually(workflow.id, SWEEP);
		expect(outputOf(sweep, 'Mark as picked up').map((row) => row.email)).toEqual([fay.email]);
		expect(outputOf(sweep, 'Pick up each').map((row) => row.email)).toEqual([fay.email]);
		// Claimed: the next sweep finds her checkpoint moved and picks up nothing.
		expect(outputOf(await runManually(workflow.id, SWEEP), 'Pick up each')).toEqual([]);

		// Seven series end: five sign-ups, eve's second and fay's picked-up one.
		const over = async () => (await tableRows(tables.campaign_kit_contacts, 'email', '')).filter((c) => (c.email as string).endsWith(`${run}@example.com`));
		await until('every series over', async () => {
			const list = await executions(workflow.id);
			const done = (await over()).filter((c) => c.welcomeStatus === 'done').length;
			return list.filter((e) => e.status === 'success').length >= 9 && done === 6 && !list.some((e) => e.status === 'running');
		}, 90_000, workflow.id);
		const list = await executions(workflow.id);
		expect(list.filter((e) => e.status === 'error' || e.status === 'waiting')).toEqual([]);

		expect(sentTo(people.ann.email)).toEqual(['Welcome, Ann!', '3 tips to get the most out of Example Shop', 'A welcome gift: 10% off with HELLO15']);
		expect(sentTo(people.ben.email)).toEqual(['Welcome, Ben!', '3 tips to get the most out of Example Shop']);
		expect(sentTo(people.cat.email)).toEqual(['Welcome, Cat!', '3 tips to get the most out of Example Shop', 'A welcome gift: 10% off with HELLO15']);
		expect(sentTo(people.dan.email)).toEqual(['Welcome, Dan!']);
		expect(sentTo(people.eve.email)).toEqual(['Welcome, Eve!', '3 tips to get the most out of Example Shop', 'A welcome gift: 10% off with HELLO15']);
		expect(sentTo(fay.email)).toEqual(['Welcome, Fay!', '3 tips to get the most out of Example Shop', 'A welcome gift: 10% off with HELLO15']);
		expect(twilio.delivered.map((m) => [m.to, m.body.startsWith('Hi Ben, your welcome gift is waiting')])).toEqual([['+14155550101', true]]);
		expect(telnyx.requests).toHaveLength(0); // the fallback was not needed
		// UTM-tagged links, per message.
		expect(sendGrid.delivered.find((d) => d.to === people.ann.email && d.subject?.startsWith('A welcome'))?.html).toContain('utm_campaign=welcome-offer');

		// eve's second series: the guard let her welcome through as the same message, and the email node skipped it.
		const again = list.filter((e) => e.status === 'success').map((e) => e.id);
		const runs = await Promise.all(again.map(async (id) => (await client().api('GET', `/executions/${id}?includeData=true`)) as unknown as Parameters<typeof outputOf>[0]));
		const eveAgain = runs.find((r) => outputOf(r, 'Welcome email', 1).some((item) => item.email === people.eve.email));
		expect(outputOf(eveAgain!, 'Audience Guard')).toEqual([expect.objectContaining({ guard: expect.objectContaining({ repeat: true, messageId: 'welcome' }) })]);

		// The send ledger has every real send; the contacts table every contact once.
		const ledger = (await Promise.all(Object.values(people).map((p) => tableRows(tables.campaign_kit_send_ledger, 'contactId', p.email)))).map((rows) => rows.map((r) => `${r.channel} ${r.message}`).sort());
		expect(ledger).toEqual([['email ', 'email ', 'email welcome'], ['email ', 'email welcome', 'sms '], ['email ', 'email ', 'email welcome'], ['email welcome'], ['email ', 'email ', 'email welcome']]);
		const ours = await over();
		expect(ours.map((c) => c.email).sort()).toEqual([...Object.values(people), fay].map((p) => p.email).sort());
		expect(ours.map((c) => c.welcomeStatus)).toEqual(ours.map(() => 'done'));
		expect(ours.find((c) => c.email === people.ben.email)).toMatchObject({ phone: '+14155550101', smsConsent: 'opted_in', emailConsent: 'opted_in', status: 'subscribed' });
	}, 240_000);
});
