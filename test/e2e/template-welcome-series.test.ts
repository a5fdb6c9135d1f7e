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
import { client, createCredential, executions, importTemplate, outputOf, postWebhook, tableRows, templateTables, until } from './n8n';
import { screenshotWorkflow } from './screenshot';

const SENDGRID_KEY = 'SG.e2e-welcome.K8sJ2mQ4vX7bN1cR5tY9wZ3a';
const TWILIO = { accountSid: `AC${'7'.repeat(32)}`, authToken: 'e2e-welcome-auth-token-0001' };
const TELNYX_KEY = 'KEY-e2e-welcome-telnyx-0001';
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
		expect((await postWebhook(path, { email, firstName: 'Sam', timezone: 'Europe/Berlin' })).status).toBe(200);

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

		const shot = await screenshotWorkflow(workflow.id, `${__dirname}/../../docs/templates/welcome-series.png`);
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
		expect(statuses).toEqual([200, 200, 200, 200, 200]);

		// The welcome emails go out at once; then ann opens hers and dan buys, before the tips wait ends.
		await until('five welcome emails', () => sendGrid.delivered.filter((d) => d.subject?.startsWith('Welcome')).length === 5, 60_000, workflow.id);
		await client().api('POST', `/data-tables/${tables.campaign_kit_delivery_events}/rows`, {
			data: [{ provider: 'sendgrid', channel: 'email', type: 'opened', messageId: 'm-ann', recipient: people.ann.email, timestamp: new Date().toISOString(), campaign: 'welcome', variant: '' }],
		});
		await client().api('POST', `/data-tables/${tables.campaign_kit_marketing_events}/rows`, {
			data: [{ eventId: `buy-${run}`, eventType: 'purchase', userId: people.dan.userId, timestamp: new Date().toISOString(), channel: 'Email', value: 80 }],
		});
		// eve signs up again: her welcome is in the send ledger now, so the guard holds the second one (1 email a day).
		await until('eve\'s welcome in the send ledger', async () => (await tableRows(tables.campaign_kit_send_ledger, 'contactId', people.eve.email)).length === 1, 30_000, workflow.id);
		expect((await postWebhook(path, people.eve)).status).toBe(200);

		// Five journeys finish; eve's second sign-up waits for tomorrow.
		await until('the journeys', async () => {
			const list = await executions(workflow.id);
			return list.filter((e) => e.status === 'success').length === 5 && list.some((e) => e.status === 'waiting');
		}, 90_000, workflow.id);
		const list = await executions(workflow.id);
		expect(list.filter((e) => e.status === 'error')).toEqual([]);

		expect(sentTo(people.ann.email)).toEqual(['Welcome, Ann!', '3 tips to get the most out of Example Shop', 'A welcome gift: 10% off with HELLO15']);
		expect(sentTo(people.ben.email)).toEqual(['Welcome, Ben!', '3 tips to get the most out of Example Shop']);
		expect(sentTo(people.cat.email)).toEqual(['Welcome, Cat!', '3 tips to get the most out of Example Shop', 'A welcome gift: 10% off with HELLO15']);
		expect(sentTo(people.dan.email)).toEqual(['Welcome, Dan!']);
		expect(sentTo(people.eve.email)).toEqual(['Welcome, Eve!', '3 tips to get the most out of Example Shop', 'A welcome gift: 10% off with HELLO15']);
		expect(twilio.delivered.map((m) => [m.to, m.body.startsWith('Hi Ben, your welcome gift is waiting')])).toEqual([['+14155550101', true]]);
		expect(telnyx.requests).toHaveLength(0); // the fallback was not needed
		// UTM-tagged links, per message.
		expect(sendGrid.delivered.find((d) => d.to === people.ann.email && d.subject?.startsWith('A welcome'))?.html).toContain('utm_campaign=welcome-offer');

		const waiting = list.find((e) => e.status === 'waiting')!;
		const held = (await client().api('GET', `/executions/${waiting.id}?includeData=true`)) as unknown as Parameters<typeof outputOf>[0];
		expect(outputOf(held, 'Audience Guard', 1)).toEqual([expect.objectContaining({ email: people.eve.email, guard: expect.objectContaining({ code: 'capped' }) })]);

		// The send ledger has every real send; the contacts table every contact once.
		const ledger = (await Promise.all(Object.values(people).map((p) => tableRows(tables.campaign_kit_send_ledger, 'contactId', p.email)))).map((rows) => rows.map((r) => r.channel).sort());
		expect(ledger).toEqual([['email', 'email', 'email'], ['email', 'email', 'sms'], ['email', 'email', 'email'], ['email'], ['email', 'email', 'email']]);
		const contacts = await tableRows(tables.campaign_kit_contacts, 'email', '');
		const ours = contacts.filter((c) => (c.email as string).endsWith(`${run}@example.com`));
		expect(ours.map((c) => c.email).sort()).toEqual(Object.values(people).map((p) => p.email).sort());
		expect(ours.find((c) => c.email === people.ben.email)).toMatchObject({ phone: '+14155550101', smsConsent: 'opted_in', emailConsent: 'opted_in', status: 'subscribed' });
	}, 240_000);
});
