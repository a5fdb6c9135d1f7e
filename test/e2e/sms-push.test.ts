/**
 * The SMS and Push nodes in a real n8n. Credentials are created through n8n's public API and point
 * the providers at local stand-ins (their base URLs); webhook workflows send a list and answer
 * with every contact's delivery, and n8n's own de-duplication store keeps a second run from
 * sending again. SMS falls back from Twilio to Telnyx for the numbers Twilio cannot serve; Push
 * signs its service-account JWT inside n8n's credential layer and asks for one token per execution.
 */
import { generateKeyPairSync } from 'node:crypto';

import { FcmStandIn } from '../stand-ins/fcm';
import { TelnyxStandIn } from '../stand-ins/telnyx';
import { TwilioStandIn } from '../stand-ins/twilio';
import { client, connect, createCredential, deploy, PREFIX, respond, webhook, type WorkflowNode } from './n8n';

interface Delivery {
	status: string;
	provider: string;
	messageId: string | null;
	idempotencyKey: string | null;
	attempts: number;
	reason?: string;
	segments?: number;
	encoding?: string;
}

type Item = Record<string, unknown> & { delivery: Delivery };

const split = (): WorkflowNode => ({ name: 'Contacts', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'body.contacts', options: {} } });
const merge = (inputs: number): WorkflowNode => ({ name: 'Results', type: 'n8n-nodes-base.merge', typeVersion: 3.2, parameters: { numberInputs: inputs } });

describe('SMS in a real n8n', () => {
	const ACCOUNT_SID = 'AC5ef8732a3c49700934481addd5ce1659';
	const AUTH_TOKEN = 'e2e-twilio-auth-token-7d6c5b4a3928';
	const TELNYX_KEY = 'KEY-e2e-telnyx-0187A3B4C5D6E7F8';
	const twilio = new TwilioStandIn({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
	const telnyx = new TelnyxStandIn(TELNYX_KEY);
	const created: string[] = [];
	let twilioCredential = { id: '', name: '' };
	let telnyxCredential = { id: '', name: '' };

	beforeAll(async () => {
		await Promise.all([twilio.start(), telnyx.start()]);
		twilioCredential = await createCredential('campaignKitTwilioApi', { accountSid: ACCOUNT_SID, authType: 'authToken', authToken: AUTH_TOKEN, baseUrl: twilio.url });
		telnyxCredential = await createCredential('campaignKitTelnyxApi', { apiKey: TELNYX_KEY, baseUrl: telnyx.url });
		created.push(twilioCredential.id, telnyxCredential.id);
	});

	afterAll(async () => {
		for (const id of created) await client().api('DELETE', `/credentials/${id}`).catch(() => undefined);
		await Promise.all([twilio.stop(), telnyx.stop()]);
	});

	it('sends through Twilio, falls back to Telnyx for the numbers Twilio cannot reach, skips an invalid number, and a second run sends nothing new', async () => {
		const path = `sms-${Date.now()}`;
		const workflow = await deploy({
			name: 'e2e: SMS through Twilio, falling back to Telnyx',
			nodes: [
				webhook(path),
				split(),
				{
					name: 'SMS',
					type: `${PREFIX}.sms`,
					typeVersion: 1,
					parameters: {
						provider: 'twilio>telnyx',
						to: '={{ $json.phone }}',
						twilioFrom: '+14155550100',
						telnyxFrom: '+14155550199',
						message: 'Hi {{ first_name | "there" }}, your table is ready: https://bistro.example/t',
						utm: { source: 'reminder', medium: 'sms' },
						options: { maxRetryWait: 2 },
					},
					credentials: { campaignKitTwilioApi: twilioCredential, campaignKitTelnyxApi: telnyxCredential },
				},
				merge(2),
				respond(),
			],
			connections: connect(['Webhook', 'Contacts'], ['Contacts', 'SMS'], ['SMS', 'Results', 0, 0], ['SMS', 'Results', 1, 1], ['Results', 'Respond']),
		});
		try {
			const contacts = [
				{ phone: '+1 415 555 1000', first_name: 'Ann' },
				{ phone: '+14155551001', first_name: 'Bo' },
				{ phone: '+14155551002', first_name: '' },
				{ phone: '0415 555 1003', first_name: 'Bad' },
				{ phone: '+14155551004', first_name: 'Dee' },
				{ phone: '+14155551005', first_name: 'Zoë' },
			];
			twilio.outageFor.add('+14155551001').add('+14155551004');
			const first = await workflow.post(path, { contacts });
			expect(first.status).toBe(200);
			const items = first.body as Item[];
			expect(items).toHaveLength(6);
			const byPhone = new Map(items.map((item) => [item.phone, item.delivery]));
			expect(byPhone.get('0415 555 1003')).toMatchObject({
				status: 'skipped',
				reason: 'invalid phone number: "0415 555 1003" does not start with + and the country code (e.g. +14155550123)',
			});
			for (const phone of ['+1 415 555 1000', '+14155551002']) expect(byPhone.get(phone)).toMatchObject({ status: 'sent', provider: 'Twilio', attempts: 1, segments: 1, encoding: 'GSM-7' });
			// One "ë" makes the whole text UCS-2: 70 characters a segment, so this one costs two.
			expect(byPhone.get('+14155551005')).toMatchObject({ status: 'sent', provider: 'Twilio', segments: 2, encoding: 'UCS-2' });
			for (const phone of ['+14155551001', '+14155551004']) {
				const fellBack = byPhone.get(phone) as Delivery;
				expect(fellBack).toMatchObject({ status: 'sent', provider: 'Telnyx', reason: expect.stringMatching(/^Twilio failed \(Service Unavailable \(gave up after \d attempts\)\); sent through Telnyx$/) });
				expect(fellBack.messageId).toBe(telnyx.delivered.find((message) => message.to === phone)?.id);
			}
			expect(twilio.delivered.map((message) => message.to).sort()).toEqual(['+14155551000', '+14155551002', '+14155551005']);
			expect(telnyx.delivered.map((message) => [message.to, message.from]).sort()).toEqual([
				['+14155551001', '+14155550199'],
				['+14155551004', '+14155550199'],
			]);
			expect(twilio.delivered.find((message) => message.to === '+14155551002')?.body).toBe('Hi there, your table is ready: https://bistro.example/t?utm_source=reminder&utm_medium=sms');
			const sentToTwilio = twilio.requests.length;

			// The same list again: n8n's de-duplication store knows every one of them, whichever provider sent it.
			const second = await workflow.post(path, { contacts });
			expect(second.status).toBe(200);
			const again = second.body as Item[];
			expect(again.filter((item) => item.delivery.status === 'sent')).toHaveLength(0);
			expect(again.filter((item) => item.delivery.reason?.startsWith('already sent by this node'))).toHaveLength(5);
			expect(twilio.requests).toHaveLength(sentToTwilio);
			expect(telnyx.delivered).toHaveLength(2);
		} finally {
			await workflow.stop();
		}
	});
});

describe('Push in a real n8n', () => {
	const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
	const PROJECT = 'shop-app-4821';
	const CLIENT_EMAIL = `campaign-kit@${PROJECT}.iam.gserviceaccount.com`;
	const fcm = new FcmStandIn({ projectId: PROJECT, clientEmail: CLIENT_EMAIL, publicKey });
	let credential = { id: '', name: '' };

	beforeAll(async () => {
		await fcm.start();
		const keyFile = {
			type: 'service_account',
			project_id: PROJECT,
			private_key_id: '7c1e4b2a9d',
			private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
			client_email: CLIENT_EMAIL,
		};
		credential = await createCredential('campaignKitFirebaseApi', { format: 'json', serviceAccountJson: JSON.stringify(keyFile), baseUrl: fcm.url, oauthUrl: `${fcm.url}/token` });
	});

	afterAll(async () => {
		if (credential.id) await client().api('DELETE', `/credentials/${credential.id}`).catch(() => undefined);
		await fcm.stop();
	});

	it('asks for one token with a signed JWT, sends to every device, fails the unregistered one on its own, and a second run sends nothing', async () => {
		const path = `push-${Date.now()}`;
		const workflow = await deploy({
			name: 'e2e: Push through Firebase Cloud Messaging',
			nodes: [
				webhook(path),
				split(),
				{
					name: 'Push',
					type: `${PREFIX}.push`,
					typeVersion: 1,
					parameters: {
						provider: 'fcm',
						sendTo: 'token',
						to: '={{ $json.pushToken }}',
						title: '{{ first_name | "Hi" }}, your order shipped',
						body: 'Order {{ order }} is on its way.',
						link: 'https://shop.example/orders',
						data: '={{ { order: $json.order } }}',
						utm: { source: 'app', medium: 'push' },
						options: {},
					},
					onError: 'continueRegularOutput',
					credentials: { campaignKitFirebaseApi: credential },
				},
				merge(3),
				respond(),
			],
			connections: connect(['Webhook', 'Contacts'], ['Contacts', 'Push'], ['Push', 'Results', 0, 0], ['Push', 'Results', 1, 1], ['Push', 'Results', 2, 2], ['Results', 'Respond']),
		});
		try {
			const contacts = Array.from({ length: 12 }, (_, i) => ({ pushToken: `fcm-${i}:APA91b${'k'.repeat(40)}`, first_name: i % 3 ? `F${i}` : '', order: 1000 + i }));
			contacts.push({ pushToken: '', first_name: 'No device', order: 2000 });
			fcm.unregistered.add(contacts[5].pushToken);
			const first = await workflow.post(path, { contacts });
			expect(first.status).toBe(200);
			const items = first.body as Item[];
			expect(items).toHaveLength(13);
			const statuses = items.map((item) => item.delivery.status);
			expect(statuses.filter((status) => status === 'sent')).toHaveLength(11);
			expect(items.find((item) => item.order === 1005)?.delivery).toMatchObject({ status: 'failed', provider: 'Firebase Cloud Messaging', attempts: 1, reason: 'token no longer registered: remove it' });
			expect(items.find((item) => item.order === 2000)?.delivery).toMatchObject({ status: 'skipped', reason: 'no one to send to: no push token' });

			expect(fcm.tokenRequests).toHaveLength(1);
			expect(fcm.assertions[0]).toMatchObject({ iss: CLIENT_EMAIL, aud: 'https://oauth2.googleapis.com/token' });
			expect(fcm.delivered).toHaveLength(11);
			expect(fcm.delivered.find((message) => message.token === contacts[4].pushToken)).toMatchObject({
				title: 'F4, your order shipped',
				body: 'Order 1004 is on its way.',
				data: { order: '1004', link: 'https://shop.example/orders?utm_source=app&utm_medium=push' },
			});
			const sent = items.find((item) => item.order === 1004)?.delivery;
			expect(sent?.messageId).toBe(fcm.delivered.find((message) => message.token === contacts[4].pushToken)?.name);

			// Again: n8n's store remembers the 11 sent; the unregistered token is tried (and refused) again, with a fresh token.
			const second = await workflow.post(path, { contacts });
			expect(second.status).toBe(200);
			const again = second.body as Item[];
			expect(again.filter((item) => item.delivery.reason?.startsWith('already sent by this node'))).toHaveLength(11);
			expect(fcm.delivered).toHaveLength(11);
			expect(fcm.tokenRequests).toHaveLength(2);
		} finally {
			await workflow.stop();
		}
	});
});
