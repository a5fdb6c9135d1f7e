/**
 * The Email node through Postmark's and Amazon SES's stand-ins, and the fallback from one
 * provider to another, in real n8n-core executions.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { deduplicationStore, runWorkflow, singleNode } from '../helpers/n8n';
import { PostmarkStandIn } from '../stand-ins/postmark';
import { SendGridStandIn } from '../stand-ins/sendgrid';
import { sesError, SesStandIn } from '../stand-ins/ses';

const TOKEN = 'pm-server-token-7f3a9c21-5b8e-4d10';
const SG_KEY = 'SG.fallback-key.Q1w2E3r4T5y6U7i8O9p0';
const AWS = { accessKeyId: 'AKIAEXAMPLE7QRSTUVWX', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYzEXAMPLEKEY', region: 'eu-west-1' };

const postmark = new PostmarkStandIn(TOKEN);
const sendGrid = new SendGridStandIn(SG_KEY);
const ses = new SesStandIn(AWS);

const contacts = (n: number): IDataObject[] => Array.from({ length: n }, (_, i) => ({ email: `c${i}@example.com`, first_name: `F${i}` }));

const BASE: IDataObject = {
	fromEmail: 'news@brand.example',
	fromName: 'Brand',
	subject: 'Hello {{ first_name | "there" }}',
	html: '<p>Hi {{ first_name | "there" }}, <a href="https://shop.example/">shop</a></p>',
};

async function send(items: IDataObject[], parameters: IDataObject, options: { continueOnFail?: boolean; aws?: typeof AWS & { sessionToken?: string }; workflowId?: string } = {}) {
	const started = Date.now();
	const result = await runWorkflow(
		singleNode('email', { ...BASE, ...parameters }, items, {
			credentials: {
				campaignKitPostmarkApi: { id: '1', name: 'Postmark' },
				campaignKitSendGridApi: { id: '2', name: 'SendGrid' },
				campaignKitAmazonSesApi: { id: '3', name: 'SES' },
			},
			...(options.continueOnFail ? { continueOnFail: true } : {}),
		}),
		{
			workflowId: options.workflowId,
			credentials: {
				campaignKitPostmarkApi: { serverToken: TOKEN, baseUrl: postmark.url },
				campaignKitSendGridApi: { apiKey: SG_KEY, baseUrl: sendGrid.url },
				campaignKitAmazonSesApi: { ...AWS, sessionToken: '', ...options.aws, baseUrl: ses.url },
			},
		},
	);
	const [sent = [], skipped = [], failed = []] = result.outputs('Node');
	return { result, sent, skipped, failed, ms: Date.now() - started };
}

const delivery = (item: INodeExecutionData) => item.json.delivery as IDataObject;

beforeAll(async () => {
	await Promise.all([postmark.start(), sendGrid.start(), ses.start()]);
});
afterAll(async () => {
	await Promise.all([postmark.stop(), sendGrid.stop(), ses.stop()]);
});
beforeEach(() => {
	for (const server of [postmark, sendGrid, ses]) server.reset();
	deduplicationStore.clear();
});

describe('Email node with Postmark', () => {
	it('sends 1,200 emails in batches of at most 500, each with its idempotency key', async () => {
		const { result, sent } = await send(contacts(1200), { provider: 'postmark', options: { postmarkMessageStream: 'broadcast' } });
		expect(result.error).toBeUndefined();
		expect(sent).toHaveLength(1200);
		expect(postmark.requests.map((request) => (request.body as unknown[]).length)).toEqual([500, 500, 200]);
		const first = postmark.delivered.find((email) => email.to === 'c1@example.com');
		expect(first).toMatchObject({
			from: '"Brand" <news@brand.example>',
			subject: 'Hello F1',
			html: '<p>Hi F1, <a href="https://shop.example/">shop</a></p>',
			text: 'Hi F1, shop (https://shop.example/)',
			stream: 'broadcast',
		});
		const item = sent.find((entry) => entry.json.email === 'c1@example.com') as INodeExecutionData;
		expect(delivery(item)).toEqual({ status: 'sent', provider: 'Postmark', messageId: first?.messageId, idempotencyKey: first?.metadata?.ck_idempotency_key, attempts: 1 });
	});

	it('an inactive recipient fails on its own (Continue On Fail), and does not go to the fallback', async () => {
		postmark.inactive.add('c1@example.com');
		const { sent, failed } = await send(contacts(3), { provider: 'postmark>sendGrid' }, { continueOnFail: true });
		expect(sent.map((item) => item.json.email)).toEqual(['c0@example.com', 'c2@example.com']);
		expect(delivery(failed[0])).toMatchObject({ status: 'failed', provider: 'Postmark', attempts: 1 });
		expect(delivery(failed[0]).reason).toMatch(/^You tried to send to recipient\(s\) that have been marked as inactive\..* \(Postmark error 406\)$/);
		expect(sendGrid.requests).toHaveLength(0);
	});

	it('without Continue On Fail, a refused recipient stops the run naming the item and Postmark’s reason', async () => {
		postmark.inactive.add('c1@example.com');
		const { result } = await send(contacts(3), { provider: 'postmark' });
		expect(result.error?.message).toMatch(/^Item 1: Postmark did not send to c1@example.com: You tried to send to recipient\(s\) that have been marked as inactive\./);
	});

	it('falls back to SendGrid when Postmark answers 503 past its retries', async () => {
		postmark.failNext('POST', '/email/batch', 10, { status: 503, body: { ErrorCode: 500, Message: 'Service Unavailable' } });
		const { result, sent, failed, ms } = await send(contacts(3), { provider: 'postmark>sendGrid', options: { maxRetryWait: 2 } });
		expect(ms).toBeLessThan(6000); // Give Up After: 2 s bounds the wait before the fallback
		expect(result.error).toBeUndefined();
		expect(failed).toHaveLength(0);
		expect(sent).toHaveLength(3);
		const postmarkAttempts = postmark.requests.length;
		expect(postmarkAttempts).toBeGreaterThanOrEqual(2);
		expect(sendGrid.accepted).toHaveLength(1);
		expect(sendGrid.delivered.map((email) => email.subject)).toEqual(['Hello F0', 'Hello F1', 'Hello F2']);
		expect(delivery(sent[0])).toEqual({
			status: 'sent',
			provider: 'SendGrid',
			messageId: sendGrid.delivered[0].messageId,
			idempotencyKey: sendGrid.delivered[0].customArgs?.ck_idempotency_key,
			attempts: postmarkAttempts + 1,
			reason: `Postmark failed (Service Unavailable (gave up after ${postmarkAttempts} attempts)); sent through SendGrid`,
		});
	});

	it('does not fall back when Postmark refuses the request itself (422)', async () => {
		postmark.failNext('POST', '/email/batch', 1, { status: 422, body: { ErrorCode: 300, Message: "Invalid 'From' address: 'news@brand.example'." } });
		const { result, failed } = await send(contacts(2), { provider: 'postmark>sendGrid' }, { continueOnFail: true });
		expect(result.error).toBeUndefined();
		expect(failed.map((item) => delivery(item).reason)).toEqual([
			"Invalid 'From' address: 'news@brand.example'.",
			"Invalid 'From' address: 'news@brand.example'.",
		]);
		expect(postmark.requests).toHaveLength(1);
		expect(sendGrid.requests).toHaveLength(0);
	});

	it('when the fallback fails too, the run stops with the fallback’s message', async () => {
		postmark.failNext('POST', '/email/batch', 10, { status: 503, body: { ErrorCode: 500, Message: 'Service Unavailable' } });
		sendGrid.failNext('POST', '/v3/mail/send', 10, { status: 503, body: { errors: [{ message: 'Service Unavailable' }] } });
		const { result } = await send(contacts(2), { provider: 'postmark>sendGrid', options: { maxRetryWait: 1 } }, { workflowId: 'both-down' });
		expect(result.error?.message).toMatch(/^Service Unavailable \(gave up after \d attempts\)$/);
		expect(sendGrid.requests.length).toBeGreaterThanOrEqual(2);
		// Nothing was sent, so nothing is remembered: the next run tries again.
		expect(deduplicationStore.keys('both-down', 'node-1')).toEqual([]);
	});

	it('stored templates go to /email/batchWithTemplates', async () => {
		const { sent } = await send(contacts(2), { provider: 'postmark', content: 'template', templateId: 'welcome', templateData: '={{ { name: $json.first_name } }}' });
		expect(sent).toHaveLength(2);
		expect(postmark.requests[0].path).toBe('/email/batchWithTemplates');
		expect(postmark.delivered.map((email) => [email.template, email.model])).toEqual([
			['welcome', { name: 'F0' }],
			['welcome', { name: 'F1' }],
		]);
	});
});

describe('Email node with Amazon SES', () => {
	const same: IDataObject = { subject: 'Spring sale', html: '<p>Everything half price. <a href="https://shop.example/">Shop</a></p>', utm: { source: 'ses-test' } };

	it('sends identical content in signed bulk calls of at most 50 destinations', async () => {
		const { result, sent } = await send(contacts(120), { provider: 'ses', ...same, options: { sesConfigurationSet: 'events' } });
		expect(result.error).toBeUndefined();
		expect(sent).toHaveLength(120);
		expect(ses.requests.map((request) => (request.body as { BulkEmailEntries: unknown[] }).BulkEmailEntries.length)).toEqual([50, 50, 20]);
		expect(ses.requests[0].headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE7QRSTUVWX\/\d{8}\/eu-west-1\/ses\/aws4_request, SignedHeaders=host;x-amz-date, Signature=[0-9a-f]{64}$/);
		expect(ses.delivered[0]).toMatchObject({
			from: '"Brand" <news@brand.example>',
			subject: 'Spring sale',
			html: '<p>Everything half price. <a href="https://shop.example/?utm_source=ses-test">Shop</a></p>',
			text: 'Everything half price. Shop (https://shop.example/?utm_source=ses-test)',
		});
		expect(delivery(sent[0])).toEqual({ status: 'sent', provider: 'Amazon SES', messageId: ses.delivered[0].messageId, idempotencyKey: ses.delivered[0].tags?.ck_idempotency_key, attempts: 1 });
	});

	it('signs with a session token for temporary credentials', async () => {
		const token = 'FwoGZXIvYXdzEJr//////////wEaDEXAMPLETOKEN';
		const strict = new SesStandIn({ ...AWS, sessionToken: token });
		await strict.start();
		try {
			const result = await runWorkflow(singleNode('email', { ...BASE, provider: 'ses' }, contacts(1), { credentials: { campaignKitAmazonSesApi: { id: '3', name: 'SES' } } }), {
				credentials: { campaignKitAmazonSesApi: { ...AWS, sessionToken: token, baseUrl: strict.url } },
			});
			expect(result.error).toBeUndefined();
			expect(strict.delivered).toHaveLength(1);
			expect(strict.requests[0].headers['x-amz-security-token']).toBe(token);
		} finally {
			await strict.stop();
		}
	});

	it('a wrong secret key stops the run with SES’s own message, and never shows the key', async () => {
		const { result } = await send(contacts(1), { provider: 'ses' }, { aws: { ...AWS, secretAccessKey: 'not-the-right-secret-key-at-all-000' } });
		expect(result.error?.message).toBe(
			'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
		);
		expect(result.error?.description).toBe('POST /v2/email/outbound-bulk-emails answered HTTP 403 Forbidden');
		expect(JSON.stringify(result.run)).not.toContain('not-the-right-secret-key');
	});

	it('a rejected destination fails on its own; a throttled one goes to the fallback', async () => {
		ses.refuse.set('c1@example.com', 'MESSAGE_REJECTED');
		ses.refuse.set('c2@example.com', 'ACCOUNT_THROTTLED');
		const { sent, failed } = await send(contacts(3), { provider: 'ses>postmark', ...same }, { continueOnFail: true });
		expect(sent.map((item) => [item.json.email, delivery(item).provider])).toEqual([
			['c0@example.com', 'Amazon SES'],
			['c2@example.com', 'Postmark'],
		]);
		expect(delivery(failed[0])).toMatchObject({ status: 'failed', provider: 'Amazon SES', reason: 'Refused by the stand-in with MESSAGE_REJECTED. (Amazon SES MESSAGE_REJECTED)' });
		expect(postmark.delivered.map((email) => email.to)).toEqual(['c2@example.com']);
	});

	it('rides out SES throttling (429 TooManyRequestsException)', async () => {
		ses.failNext('POST', '/v2/email/outbound-bulk-emails', 1, { ...sesError(429, 'TooManyRequestsException', 'Maximum sending rate exceeded.'), headers: { 'x-amzn-ErrorType': 'TooManyRequestsException', 'Retry-After': '1' } });
		const { sent } = await send(contacts(2), { provider: 'ses', ...same });
		expect(sent.map((item) => delivery(item).attempts)).toEqual([2, 2]);
		// Each attempt was signed afresh and accepted.
		expect(ses.requests).toHaveLength(2);
	});
});
