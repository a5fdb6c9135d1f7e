/**
 * The Email node in real n8n-core executions, sending through SendGrid's stand-in: batching,
 * rate limits, validation, de-duplication across runs, Simulate and Continue On Fail.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { deduplicationStore, runWorkflow, singleNode, type RunResult } from '../helpers/n8n';
import { SendGridStandIn, type MailSendBody } from '../stand-ins/sendgrid';

const API_KEY = 'SG.test-key.Z9pXqR7sT2uV4wY6zA8bC0dE';
const sendGrid = new SendGridStandIn(API_KEY);

const BAD = ['bob.example.com', 'ann@@example.com', 'sam@example'];

/** `n` contacts, every 10th without a first name; the malformed addresses at positions 10, 1000 and 2000 when asked. */
function contacts(n: number, withBad = false): IDataObject[] {
	const list: IDataObject[] = Array.from({ length: n }, (_, i) => ({ email: `contact${i}@example.com`, first_name: i % 10 ? `F${i}` : '', code: `C${i}` }));
	if (withBad) BAD.forEach((email, k) => list.splice([10, 1000, 2000][k], 0, { email, first_name: 'Bad', code: 'X' }));
	return list;
}

const PARAMETERS: IDataObject = {
	provider: 'sendGrid',
	fromEmail: 'news@brand.example',
	fromName: 'Brand',
	subject: '{{ first_name | "Hello" }}, your spring offer',
	html: '<p>Hi {{ first_name | "there" }},</p><p>Your code: <b>{{ code }}</b>. <a href="https://shop.example/sale?ref=mail#top">Shop now</a></p>',
	utm: { source: 'newsletter', medium: 'email', campaign: 'spring' },
};

const UTM = 'utm_source=newsletter&utm_medium=email&utm_campaign=spring';

async function send(items: IDataObject[], parameters: IDataObject = {}, options: { workflowId?: string; continueOnFail?: boolean; credentials?: boolean } = {}) {
	const started = Date.now();
	const result = await runWorkflow(
		singleNode('email', { ...PARAMETERS, ...parameters }, items, {
			credentials: options.credentials === false ? undefined : { campaignKitSendGridApi: { id: '1', name: 'SendGrid account' } },
			...(options.continueOnFail ? { continueOnFail: true } : {}),
		}),
		{ workflowId: options.workflowId, credentials: options.credentials === false ? {} : { campaignKitSendGridApi: { apiKey: API_KEY, baseUrl: sendGrid.url } } },
	);
	return { result, ms: Date.now() - started, ...outputsOf(result) };
}

function outputsOf(result: RunResult) {
	const [sent = [], skipped = [], failed = []] = result.outputs('Node');
	return { sent, skipped, failed };
}

const delivery = (item: INodeExecutionData) => item.json.delivery as IDataObject & { request?: IDataObject & { body: MailSendBody } };

beforeAll(async () => {
	await sendGrid.start();
});
afterAll(async () => await sendGrid.stop());
beforeEach(() => {
	sendGrid.reset();
	deduplicationStore.clear();
});

describe('Email node with SendGrid (in-process n8n)', () => {
	it('sends 2,500 personalised emails in 3 requests and skips 3 malformed addresses with the reason', async () => {
		const items = contacts(2500, true);
		const { result, sent, skipped, failed } = await send(items);
		expect(result.error).toBeUndefined();
		expect(sent).toHaveLength(2500);
		expect(failed).toHaveLength(0);
		expect(skipped.map((item) => [item.json.email, delivery(item).reason])).toEqual([
			['bob.example.com', 'invalid email address: "bob.example.com" has no @'],
			['ann@@example.com', 'invalid email address: "ann@@example.com" has more than one @'],
			['sam@example', 'invalid email address: "sam@example" has no dot in its domain (e.g. example.com)'],
		]);
		expect(skipped.map((item) => delivery(item))).toEqual(
			skipped.map(() => expect.objectContaining({ status: 'skipped', provider: 'SendGrid', messageId: null, idempotencyKey: null, attempts: 0 })),
		);

		// 3 requests of at most 1,000 personalizations, each email once.
		expect(sendGrid.accepted.map((request) => (request.body as MailSendBody).personalizations.length)).toEqual([1000, 1000, 500]);
		expect(sendGrid.requests).toHaveLength(3);
		expect(new Set(sendGrid.delivered.map((email) => email.to)).size).toBe(2500);

		// What each contact receives, after SendGrid's substitutions.
		const byAddress = new Map(sendGrid.delivered.map((email) => [email.to, email]));
		for (const i of [0, 1, 1234, 2499]) {
			const name = i % 10 ? `F${i}` : '';
			const email = byAddress.get(`contact${i}@example.com`);
			expect(email).toMatchObject({
				subject: `${name || 'Hello'}, your spring offer`,
				html: `<p>Hi ${name || 'there'},</p><p>Your code: <b>C${i}</b>. <a href="https://shop.example/sale?ref=mail&${UTM}#top">Shop now</a></p>`,
				text: `Hi ${name || 'there'},\n\nYour code: C${i}. Shop now (https://shop.example/sale?ref=mail&${UTM}#top)`,
			});
		}

		// Every item is paired to its input, carries its delivery and keeps its fields.
		const paired = [...sent, ...skipped].map((item) => (item.pairedItem as { item: number }).item).sort((a, b) => a - b);
		expect(paired).toEqual(items.map((_, i) => i));
		const first = sent[0];
		expect(first.json).toMatchObject({ email: 'contact0@example.com', code: 'C0' });
		expect(delivery(first)).toEqual({
			status: 'sent',
			provider: 'SendGrid',
			messageId: sendGrid.delivered.find((email) => email.to === 'contact0@example.com')?.messageId,
			idempotencyKey: expect.stringMatching(/^[0-9a-f]{32}$/),
			attempts: 1,
		});
		expect(byAddress.get('contact0@example.com')?.customArgs).toEqual({ ck_idempotency_key: delivery(first).idempotencyKey });
	});

	(sendGrid.contractChecked ? it : it.skip)(
		sendGrid.contractChecked
			? 'every request it sent passes SendGrid’s published contract (sendgrid-mail-v3.json)'
			: 'every request passes SendGrid’s published contract — skipped: ../shared/contracts/sendgrid-mail-v3.json is absent',
		async () => {
			await send(contacts(30));
			await send(contacts(3), { content: 'template', templateId: 'd-abc', templateData: '={{ { first_name: $json.first_name } }}' }, { workflowId: 'templates' });
			expect(sendGrid.accepted).toHaveLength(2);
			// The stand-in answers 400 with the contract's complaints; a 1,001-personalization body shows it is listening.
			const tooMany = { ...(sendGrid.accepted[0].body as MailSendBody) };
			tooMany.personalizations = Array.from({ length: 1001 }, (_, i) => ({ to: [{ email: `x${i}@example.com` }], subject: 's' }));
			const answer = await fetch(`${sendGrid.url}/v3/mail/send`, {
				method: 'POST',
				headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
				body: JSON.stringify(tooMany),
			});
			expect(answer.status).toBe(400);
			expect(JSON.stringify(await answer.json())).toContain('/personalizations must NOT have more than 1000 items');
		},
	);

	it('rides out a 429 with Retry-After: 1, then sends everything once', async () => {
		sendGrid.rateLimitNext(1, { retryAfter: 1 });
		const { result, sent, ms } = await send(contacts(2500));
		expect(result.error).toBeUndefined();
		expect(sent).toHaveLength(2500);
		expect(sendGrid.requests).toHaveLength(4);
		expect(sendGrid.accepted).toHaveLength(3);
		expect(new Set(sendGrid.delivered.map((email) => email.to)).size).toBe(2500);
		expect(ms).toBeGreaterThanOrEqual(1000);
		// The 1,000 emails of the request that waited took two attempts.
		const attempts = sent.map((item) => delivery(item).attempts as number);
		expect(attempts.filter((n) => n === 2)).toHaveLength(1000);
		expect(attempts.filter((n) => n === 1)).toHaveLength(1500);
	});

	it("rides out SendGrid's own 429, which says when to come back in X-RateLimit-Reset", async () => {
		sendGrid.rateLimitNext(1, { resetInSeconds: 1 });
		const { sent } = await send(contacts(5));
		expect(sent.map((item) => delivery(item).attempts)).toEqual([2, 2, 2, 2, 2]);
		expect(sendGrid.requests).toHaveLength(2);
	});

	it('a second run of the same workflow sends nothing new; new content or "Send Again" sends', async () => {
		const items = contacts(1200);
		const firstRun = await send(items, {}, { workflowId: 'repeat' });
		expect(firstRun.sent).toHaveLength(1200);
		expect(sendGrid.requests).toHaveLength(2);

		const again = await send(items, {}, { workflowId: 'repeat' });
		expect(again.result.error).toBeUndefined();
		expect(sendGrid.requests).toHaveLength(2);
		expect(again.sent).toHaveLength(0);
		expect(again.skipped).toHaveLength(1200);
		expect(delivery(again.skipped[0])).toEqual({
			status: 'skipped',
			provider: 'SendGrid',
			messageId: null,
			idempotencyKey: delivery(firstRun.sent[0]).idempotencyKey,
			attempts: 0,
			reason: 'already sent by this node in an earlier execution (same recipient and content); turn on "Send Again" to send it anyway',
		});

		// One contact's content changed (a new code): only they get the new email.
		const changed = items.map((item, i) => (i === 7 ? { ...item, code: 'NEW' } : item));
		const third = await send(changed, {}, { workflowId: 'repeat' });
		expect(third.sent.map((item) => item.json.email)).toEqual(['contact7@example.com']);

		const forced = await send(items.slice(0, 10), { options: { sendAgain: true } }, { workflowId: 'repeat' });
		expect(forced.sent).toHaveLength(10);
		expect(sendGrid.delivered).toHaveLength(1200 + 1 + 10);
	});

	it('the same contact twice in one run gets one email', async () => {
		const items = [{ email: 'ann@example.com', first_name: 'Ann' }, { email: 'ANN@example.com ', first_name: 'Ann' }, { email: 'bob@example.com' }];
		const { sent, skipped } = await send(items);
		expect(sent.map((item) => item.json.email)).toEqual(['ann@example.com', 'bob@example.com']);
		expect(delivery(skipped[0]).reason).toBe('the same message to the same recipient as item 0');
		expect(sendGrid.delivered).toHaveLength(2);
	});

	it('Simulate: the exact request each contact would go out in, without secrets; nothing sent or remembered', async () => {
		const items = contacts(1500);
		const simulated = await send(items, { simulate: true }, { workflowId: 'sim' });
		expect(simulated.result.error).toBeUndefined();
		expect(sendGrid.requests).toHaveLength(0);
		expect(simulated.sent).toHaveLength(1500);
		expect(JSON.stringify(simulated.result.run)).not.toContain(API_KEY);
		const shown = delivery(simulated.sent[1200]);
		expect(shown).toMatchObject({ status: 'simulated', provider: 'SendGrid', messageId: null, attempts: 0 });
		expect(shown.request).toMatchObject({
			method: 'POST',
			url: `${sendGrid.url}/v3/mail/send`,
			headers: { Authorization: 'Bearer **hidden**', 'Content-Type': 'application/json', Accept: 'application/json' },
			batch: { number: 2, of: 2, messages: 500 },
		});

		// Sent for real, the second request is the simulated one with every contact's part in it.
		const real = await send(items, {}, { workflowId: 'sim' });
		expect(real.sent).toHaveLength(1500);
		const body = sendGrid.accepted.map((request) => request.body as MailSendBody).find((b) => b.personalizations.length === 500);
		const position = body?.personalizations.findIndex((p) => p.to?.[0].email === 'contact1200@example.com') ?? -1;
		expect(shown.request?.body).toEqual({ ...body, personalizations: [body?.personalizations[position]] });
		expect(delivery(real.sent[1200]).idempotencyKey).toBe(shown.idempotencyKey);
	});

	it('Simulate works before any credential is connected', async () => {
		const { result, sent } = await send(contacts(2), { simulate: true }, { credentials: false });
		expect(result.error).toBeUndefined();
		expect(delivery(sent[0]).request?.url).toBe('https://api.sendgrid.com/v3/mail/send');
	});

	it('says what to do when no credential is connected and Simulate is off', async () => {
		const { result } = await send(contacts(2), {}, { credentials: false });
		expect(result.error?.message).toBe('No SendGrid credential is connected to this node');
		expect(result.error?.description).toMatch(/turn on Simulate/);
	});

	it('a refusal (400) stops the run with SendGrid’s message, and the next run sends it', async () => {
		sendGrid.failNext('POST', '/v3/mail/send', 1, {
			status: 400,
			body: { errors: [{ message: 'The from address does not match a verified Sender Identity.', field: 'from', help: null }] },
		});
		const failedRun = await send(contacts(3), {}, { workflowId: 'refused' });
		expect(failedRun.result.error?.message).toBe('The from address does not match a verified Sender Identity. (field: from)');
		expect(failedRun.result.error?.description).toBe('POST /v3/mail/send answered HTTP 400 Bad Request');
		expect(deduplicationStore.keys('refused', 'node-1')).toEqual([]);
		const retry = await send(contacts(3), {}, { workflowId: 'refused' });
		expect(retry.sent).toHaveLength(3);
	});

	it('with Continue On Fail, refused emails leave on Failed with the reason, the rest are sent', async () => {
		// 1,500 contacts go in two requests; the first to arrive is refused.
		sendGrid.failNext('POST', '/v3/mail/send', 1, { status: 400, body: { errors: [{ message: 'Invalid recipient', field: 'personalizations.0.to' }] } });
		const { result, sent, failed } = await send(contacts(1500), {}, { continueOnFail: true, workflowId: 'cof' });
		expect(result.error).toBeUndefined();
		expect([500, 1000]).toContain(failed.length);
		expect(sent).toHaveLength(1500 - failed.length);
		expect(delivery(failed[0])).toEqual({
			status: 'failed',
			provider: 'SendGrid',
			messageId: null,
			idempotencyKey: expect.stringMatching(/^[0-9a-f]{32}$/),
			attempts: 1,
			reason: 'Invalid recipient (field: personalizations.0.to)',
		});
		// Only what was sent is remembered: a re-run sends the refused ones.
		expect(deduplicationStore.keys('cof', 'node-1')).toHaveLength(sent.length);
		const rerun = await send(contacts(1500), {}, { continueOnFail: true, workflowId: 'cof' });
		expect(rerun.sent).toHaveLength(failed.length);
	});

	it('a setting to fix stops the run naming the item; with Continue On Fail the item leaves on Failed', async () => {
		const stopped = await send(contacts(2), { fromEmail: '={{ $json.first_name ? "news@brand.example" : "brand" }}' });
		expect(stopped.result.error?.message).toBe('Item 0: the From Email "brand" has no @');
		expect(sendGrid.requests).toHaveLength(0);

		const continued = await send(contacts(2), { fromEmail: '={{ $json.first_name ? "news@brand.example" : "brand" }}' }, { continueOnFail: true });
		expect(continued.failed.map((item) => delivery(item).reason)).toEqual(['Item 0: the From Email "brand" has no @']);
		expect(continued.sent.map((item) => item.json.email)).toEqual(['contact1@example.com']);
	});

	it('with Continue On Fail, a problem that concerns every item (no body, no credential) sends them all to Failed, never to Sent', async () => {
		const noBody = await send(contacts(3), { html: '', text: '' }, { continueOnFail: true });
		expect(noBody.result.error).toBeUndefined();
		expect(noBody.sent).toHaveLength(0);
		expect(noBody.failed.map((item) => delivery(item).reason)).toEqual(['The email has no body', 'The email has no body', 'The email has no body']);
		const noCredential = await send(contacts(2), {}, { continueOnFail: true, credentials: false });
		expect(noCredential.failed.map((item) => [item.json.email, delivery(item).status, delivery(item).reason])).toEqual([
			['contact0@example.com', 'failed', 'No SendGrid credential is connected to this node'],
			['contact1@example.com', 'failed', 'No SendGrid credential is connected to this node'],
		]);
		expect(sendGrid.requests).toHaveLength(0);
	});

	it('stored templates: template_id and each contact’s data', async () => {
		const { sent } = await send(contacts(3), { content: 'template', templateId: 'd-1234', templateData: '={{ { name: $json.first_name || "friend", code: $json.code } }}' });
		expect(sent).toHaveLength(3);
		const body = sendGrid.accepted[0].body as MailSendBody;
		expect(body.template_id).toBe('d-1234');
		expect(body.personalizations.map((p) => p.dynamic_template_data)).toEqual([
			{ name: 'friend', code: 'C0' },
			{ name: 'F1', code: 'C1' },
			{ name: 'F2', code: 'C2' },
		]);
	});

	it('merge tags and n8n expressions together, even when n8n stores the field as an expression', async () => {
		const { sent } = await send([{ email: 'ann@example.com', first_name: 'Ann', order: { id: 42 } }], {
			subject: '={{ first_name | "Hi" }}: order {{ $json.order.id }} ({{ 20 + 22 }})',
			html: '',
			text: 'Dear {{ first_name }}, see https://shop.example/orders',
		});
		expect(sent).toHaveLength(1);
		expect(sendGrid.delivered[0]).toMatchObject({
			subject: 'Ann: order 42 (42)',
			text: `Dear Ann, see https://shop.example/orders?${UTM}`,
			html: undefined,
		});
	});

	it('skips a contact whose subject comes out empty, and names the field of an expression that fails', async () => {
		const empty = await send([{ email: 'ann@example.com' }], { subject: '{{ first_name }}' });
		expect(delivery(empty.skipped[0]).reason).toBe('the subject is empty for this contact (its merge tags have no value and no fallback)');
		const broken = await send([{ email: 'ann@example.com' }], { subject: 'Hi {{ $json.name( }}' });
		expect(broken.result.error?.message).toBe('Item 0: the Subject could not be filled in: invalid syntax');
		expect(broken.result.error?.description).toMatch(/^Merge tags look like \{\{ first_name \| "there" \}\}/);
		expect(sendGrid.requests).toHaveLength(0);
	});
});
