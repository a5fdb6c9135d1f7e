/**
 * The Email node in a real n8n: a credential created through n8n's public API points SendGrid at
 * the local stand-in (its base URL), a webhook workflow sends a list, and n8n's own
 * de-duplication store (its database) keeps a second run from sending again.
 */
import { SendGridStandIn } from '../stand-ins/sendgrid';
import { client, connect, deploy, PREFIX, respond, webhook } from './n8n';

const API_KEY = 'SG.e2e-key.M4nT9vB2xC6zL8kJ1hG3fD5s';
const BAD = ['bob.example.com', 'ann@@example.com', 'sam@example'];

interface Delivery {
	status: string;
	provider: string;
	messageId: string | null;
	idempotencyKey: string | null;
	attempts: number;
	reason?: string;
}

type Item = { email: string; first_name: string; delivery: Delivery };

describe('Email in a real n8n', () => {
	const sendGrid = new SendGridStandIn(API_KEY);
	let credentialId = '';

	beforeAll(async () => {
		await sendGrid.start();
		const created = (await client().api('POST', '/credentials', {
			name: `e2e SendGrid ${Date.now()}`,
			type: 'campaignKitSendGridApi',
			data: { apiKey: API_KEY, baseUrl: sendGrid.url },
		})) as unknown as { id: string };
		credentialId = created.id;
	});

	afterAll(async () => {
		if (credentialId) await client().api('DELETE', `/credentials/${credentialId}`).catch(() => undefined);
		await sendGrid.stop();
	});

	it('sends 2,500 emails in 3 requests, rides out a 429, skips 3 malformed addresses, and a second run sends nothing new', async () => {
		const path = `email-${Date.now()}`;
		const workflow = await deploy({
			name: 'e2e: Email through SendGrid',
			nodes: [
				webhook(path),
				{ name: 'Contacts', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'body.contacts', options: {} } },
				{
					name: 'Email',
					type: `${PREFIX}.email`,
					typeVersion: 1,
					parameters: {
						provider: 'sendGrid',
						to: '={{ $json.email }}',
						fromEmail: 'news@brand.example',
						fromName: 'Brand',
						subject: '{{ first_name | "Hello" }}, your spring offer',
						html: '<p>Hi {{ first_name | "there" }},</p><p><a href="https://shop.example/sale">Shop the sale</a></p>',
						utm: { source: 'newsletter', medium: 'email', campaign: 'spring' },
						options: {},
					},
					credentials: { campaignKitSendGridApi: { id: credentialId, name: 'e2e SendGrid' } },
				},
				{ name: 'Sent and Skipped', type: 'n8n-nodes-base.merge', typeVersion: 3.2, parameters: { numberInputs: 2 } },
				respond(),
			],
			connections: connect(['Webhook', 'Contacts'], ['Contacts', 'Email'], ['Email', 'Sent and Skipped', 0, 0], ['Email', 'Sent and Skipped', 1, 1], ['Sent and Skipped', 'Respond']),
		});
		try {
			const contacts = Array.from({ length: 2500 }, (_, i) => ({ email: `contact${i}@example.com`, first_name: i % 10 ? `F${i}` : '' }));
			BAD.forEach((email, k) => contacts.splice([10, 1000, 2000][k], 0, { email, first_name: 'Bad' }));

			sendGrid.rateLimitNext(1, { retryAfter: 1 });
			const started = Date.now();
			const first = await workflow.post(path, { contacts });
			expect(first.status).toBe(200);
			expect(Date.now() - started).toBeGreaterThanOrEqual(1000); // the Retry-After wait was really waited
			const items = first.body as Item[];
			expect(items).toHaveLength(2503);
			const sent = items.filter((item) => item.delivery.status === 'sent');
			const skipped = items.filter((item) => item.delivery.status === 'skipped');
			expect(sent).toHaveLength(2500);
			expect(skipped.map((item) => [item.email, item.delivery.reason])).toEqual([
				['bob.example.com', 'invalid email address: "bob.example.com" has no @'],
				['ann@@example.com', 'invalid email address: "ann@@example.com" has more than one @'],
				['sam@example', 'invalid email address: "sam@example" has no dot in its domain (e.g. example.com)'],
			]);
			// 3 accepted requests of at most 1,000, plus the one answered 429 and sent again.
			expect(sendGrid.requests).toHaveLength(4);
			expect(sendGrid.accepted.map((request) => (request.body as { personalizations: unknown[] }).personalizations.length).sort()).toEqual([1000, 1000, 500].sort());
			expect(new Set(sendGrid.delivered.map((email) => email.to)).size).toBe(2500);
			// The batches go out concurrently: whichever reached SendGrid first was the one refused with 429.
			const refused = sendGrid.requests.find((request) => !sendGrid.accepted.includes(request));
			const refusedSize = (refused?.body as { personalizations: unknown[] }).personalizations.length;
			expect([1000, 500]).toContain(refusedSize);
			expect(sent.filter((item) => item.delivery.attempts === 2)).toHaveLength(refusedSize);
			expect(sendGrid.delivered.find((email) => email.to === 'contact7@example.com')).toMatchObject({
				subject: 'F7, your spring offer',
				html: '<p>Hi F7,</p><p><a href="https://shop.example/sale?utm_source=newsletter&utm_medium=email&utm_campaign=spring">Shop the sale</a></p>',
			});

			// The same list again: n8n's de-duplication store knows every one of them.
			const second = await workflow.post(path, { contacts });
			expect(second.status).toBe(200);
			const again = second.body as Item[];
			expect(again).toHaveLength(2503);
			expect(sendGrid.requests).toHaveLength(4);
			expect(again.filter((item) => item.delivery.status === 'sent')).toHaveLength(0);
			const remembered = again.filter((item) => item.delivery.reason?.startsWith('already sent by this node'));
			expect(remembered).toHaveLength(2500);
			const keys = new Map(sent.map((item) => [item.email, item.delivery.idempotencyKey]));
			expect(remembered.every((item) => keys.get(item.email) === item.delivery.idempotencyKey)).toBe(true);
		} finally {
			await workflow.stop();
		}
	});
});
