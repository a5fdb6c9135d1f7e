/** The provider adapters' batching and answers, without n8n or HTTP. */
import { compileTemplate, escapeHtml } from '../../nodes/shared/channel/merge';
import type { Message } from '../../nodes/shared/channel/types';
import type { EmailContent } from '../../nodes/Email/content';
import { postmark } from '../../nodes/Email/providers/postmark';
import { sendGrid } from '../../nodes/Email/providers/sendgrid';
import { ses } from '../../nodes/Email/providers/ses';

const html = compileTemplate('<p>Hi {{ first_name | "there" }}, your code is {{ code }}</p>');
const text = compileTemplate('Hi {{ first_name | "there" }}, your code is {{ code }}');
const plainHtml = compileTemplate('<p>Same for everyone</p>');
const plainText = compileTemplate('Same for everyone');
const from = { email: 'news@brand.example', name: 'Brand' };

function written(i: number, contact: Record<string, unknown>, templates = { html, text }): Message<EmailContent> {
	return {
		itemIndex: i,
		recipient: `r${i}@example.com`,
		key: `key-${i}`,
		content: {
			kind: 'message',
			from,
			subject: `Offer for ${String(contact.first_name ?? 'you')}`,
			html: templates.html.render(contact, { escape: escapeHtml }),
			text: templates.text.render(contact),
		},
	};
}

function templated(i: number, templateId = 'd-123'): Message<EmailContent> {
	return { itemIndex: i, recipient: `r${i}@example.com`, key: `key-${i}`, content: { kind: 'template', templateId, data: { first_name: `F${i}` }, from } };
}

type Body = Record<string, unknown> & { personalizations: Array<Record<string, unknown>> };

describe('SendGrid', () => {
	const provider = sendGrid();

	it('sends 2,500 personalised emails in 3 requests: fixed text once, each contact’s values as substitutions', () => {
		const messages = Array.from({ length: 2500 }, (_, i) => written(i, { first_name: i % 7 ? `F${i}` : '', code: `C${i}` }));
		const requests = provider.plan(messages);
		expect(requests.map((request) => request.messages.length)).toEqual([1000, 1000, 500]);
		const body = requests[0].http().body as Body;
		expect(body.content).toEqual([
			{ type: 'text/plain', value: 'Hi %ck_t0%, your code is %ck_t1%' },
			{ type: 'text/html', value: '<p>Hi %ck_h0%, your code is %ck_h1%</p>' },
		]);
		expect(body.from).toEqual(from);
		expect(body.personalizations[1]).toEqual({
			to: [{ email: 'r1@example.com' }],
			subject: 'Offer for F1',
			substitutions: { '%ck_h0%': 'F1', '%ck_h1%': 'C1', '%ck_t0%': 'F1', '%ck_t1%': 'C1' },
			custom_args: { ck_idempotency_key: 'key-1' },
		});
		expect((body.personalizations[0].substitutions as Record<string, string>)['%ck_t0%']).toBe('there');
	});

	it('escapes values for the HTML part only', () => {
		const body = provider.plan([written(0, { first_name: 'Tom & Jerry', code: 1 }), written(1, { first_name: 'B', code: 2 })])[0].http().body as Body;
		expect(body.personalizations[0].substitutions).toMatchObject({ '%ck_h0%': 'Tom &amp; Jerry', '%ck_t0%': 'Tom & Jerry' });
	});

	it('sends a lone recipient, or content without merge tags, as finished text', () => {
		const alone = provider.plan([written(0, { first_name: 'Ann', code: 'X' })])[0].http().body as Body;
		expect(alone.content).toEqual([
			{ type: 'text/plain', value: 'Hi Ann, your code is X' },
			{ type: 'text/html', value: '<p>Hi Ann, your code is X</p>' },
		]);
		expect(alone.personalizations[0].substitutions).toBeUndefined();
		const same = provider.plan([0, 1, 2].map((i) => written(i, {}, { html: plainHtml, text: plainText })));
		expect(same).toHaveLength(1);
		expect((same[0].http().body as Body).personalizations.every((p) => p.substitutions === undefined)).toBe(true);
	});

	it('keeps different content in different requests', () => {
		const other = compileTemplate('<p>Other {{ first_name }}</p>');
		const messages = [written(0, {}), written(1, {}, { html: other, text }), written(2, {})];
		expect(provider.plan(messages).map((request) => request.messages.map((m) => m.itemIndex))).toEqual([[0, 2], [1]]);
	});

	it('gives a contact whose values exceed 10,000 bytes a request of their own', () => {
		const messages = [written(0, { code: 'x'.repeat(6000) }), written(1, { code: 'y' }), written(2, { code: 'z' })];
		expect(provider.plan(messages).map((request) => request.messages.map((m) => m.itemIndex))).toEqual([[0], [1, 2]]);
	});

	it('templates: template_id once, each contact’s data as dynamic_template_data', () => {
		const requests = provider.plan([templated(0), templated(1), templated(2, 'd-999')]);
		expect(requests).toHaveLength(2);
		expect(requests[0].http().body).toEqual({
			personalizations: [
				{ to: [{ email: 'r0@example.com' }], dynamic_template_data: { first_name: 'F0' }, custom_args: { ck_idempotency_key: 'key-0' } },
				{ to: [{ email: 'r1@example.com' }], dynamic_template_data: { first_name: 'F1' }, custom_args: { ck_idempotency_key: 'key-1' } },
			],
			from,
			template_id: 'd-123',
		});
	});

	it('narrows a request to one contact for Simulate, keeping what they share', () => {
		const request = provider.plan([written(0, { first_name: 'A' }), written(1, { first_name: 'B' })])[0];
		const whole = request.http().body as Body;
		const one = request.http(1).body as Body;
		expect(one.personalizations).toEqual([whole.personalizations[1]]);
		expect({ ...one, personalizations: [] }).toEqual({ ...whole, personalizations: [] });
	});

	it('reads the request’s X-Message-Id for every recipient', () => {
		const request = provider.plan([written(0, {}), written(1, {})])[0];
		expect(provider.results(request, { statusCode: 202, headers: { 'x-message-id': 'abc' }, body: '' })).toEqual([
			{ ok: true, messageId: 'abc' },
			{ ok: true, messageId: 'abc' },
		]);
	});
});

describe('Postmark', () => {
	const provider = postmark({ messageStream: 'broadcast' });

	it('sends finished messages to /email/batch, at most 500 per request', () => {
		const requests = provider.plan(Array.from({ length: 1201 }, (_, i) => written(i, { first_name: `F${i}`, code: i })));
		expect(requests.map((request) => request.messages.length)).toEqual([500, 500, 201]);
		const http = requests[0].http(3);
		expect(http).toEqual({
			method: 'POST',
			url: '/email/batch',
			body: [
				{
					From: '"Brand" <news@brand.example>',
					To: 'r3@example.com',
					Subject: 'Offer for F3',
					HtmlBody: '<p>Hi F3, your code is 3</p>',
					TextBody: 'Hi F3, your code is 3',
					Metadata: { ck_idempotency_key: 'key-3' },
					MessageStream: 'broadcast',
				},
			],
		});
	});

	it('sends templates to /email/batchWithTemplates, by ID when numeric and by alias otherwise', () => {
		const requests = provider.plan([templated(0, '12345'), written(1, {}), templated(2, 'welcome')]);
		expect(requests.map((request) => request.http().url)).toEqual(['/email/batchWithTemplates', '/email/batch']);
		expect((requests[0].http().body as { Messages: unknown[] }).Messages).toEqual([
			expect.objectContaining({ TemplateId: 12345, TemplateModel: { first_name: 'F0' } }),
			expect.objectContaining({ TemplateAlias: 'welcome', TemplateModel: { first_name: 'F2' } }),
		]);
	});

	it('reads one result per message; a refused message fails without fallback', () => {
		const request = provider.plan([written(0, {}), written(1, {})])[0];
		const body = [
			{ ErrorCode: 0, Message: 'OK', MessageID: 'm-0' },
			{ ErrorCode: 406, Message: 'You tried to send to recipient(s) that have been marked as inactive.' },
		];
		expect(provider.results(request, { statusCode: 200, headers: {}, body })).toEqual([
			{ ok: true, messageId: 'm-0' },
			{ ok: false, reason: 'You tried to send to recipient(s) that have been marked as inactive. (Postmark error 406)', fallback: false },
		]);
	});
});

describe('Amazon SES', () => {
	const provider = ses({ configurationSet: 'events' });

	it('batches identical content up to 50 destinations; personalised content goes one per call', () => {
		const same = Array.from({ length: 120 }, (_, i) => written(i, {}, { html: plainHtml, text: plainText }));
		expect(provider.plan(same).map((request) => request.messages.length)).toEqual([50, 50, 20]);
		expect(provider.plan([written(0, { first_name: 'A' }), written(1, { first_name: 'B' })])).toHaveLength(2);
	});

	it('writes the content inline and tags each destination with its key', () => {
		const http = provider.plan([written(0, { first_name: 'Zoë', code: 7 })])[0].http();
		expect(http).toEqual({
			method: 'POST',
			url: '/v2/email/outbound-bulk-emails',
			headers: { 'Content-Type': 'application/json' },
			body: {
				FromEmailAddress: '"Brand" <news@brand.example>',
				DefaultContent: { Template: { TemplateContent: { Subject: 'Offer for Zoë', Html: '<p>Hi Zoë, your code is 7</p>', Text: 'Hi Zoë, your code is 7' }, TemplateData: '{}' } },
				BulkEmailEntries: [{ Destination: { ToAddresses: ['r0@example.com'] }, ReplacementTags: [{ Name: 'ck_idempotency_key', Value: 'key-0' }] }],
				ConfigurationSetName: 'events',
			},
		});
	});

	it('stored templates: one call for up to 50 contacts, each with their data; non-ASCII names encoded', () => {
		const messages = [templated(0, 'welcome'), { ...templated(1, 'welcome'), content: { ...templated(1, 'welcome').content, toName: 'Zoë' } }];
		const body = provider.plan(messages)[0].http().body as { BulkEmailEntries: unknown[]; DefaultContent: unknown };
		expect(body.DefaultContent).toEqual({ Template: { TemplateName: 'welcome', TemplateData: '{}' } });
		expect(body.BulkEmailEntries[1]).toEqual({
			Destination: { ToAddresses: ['=?UTF-8?B?Wm/Dqw==?= <r1@example.com>'] },
			ReplacementTags: [{ Name: 'ck_idempotency_key', Value: 'key-1' }],
			ReplacementEmailContent: { ReplacementTemplate: { ReplacementTemplateData: '{"first_name":"F1"}' } },
		});
	});

	it('reads each entry’s status; throttling and quota may go to the fallback, a rejection may not', () => {
		const request = provider.plan([0, 1, 2].map((i) => written(i, {}, { html: plainHtml, text: plainText })))[0];
		const body = {
			BulkEmailEntryResults: [
				{ Status: 'SUCCESS', MessageId: 'm-0' },
				{ Status: 'ACCOUNT_DAILY_QUOTA_EXCEEDED', Error: 'Daily message quota exceeded.' },
				{ Status: 'MESSAGE_REJECTED', Error: 'Email address is not verified.' },
			],
		};
		expect(provider.results(request, { statusCode: 200, headers: {}, body })).toEqual([
			{ ok: true, messageId: 'm-0' },
			{ ok: false, reason: 'Daily message quota exceeded. (Amazon SES ACCOUNT_DAILY_QUOTA_EXCEEDED)', fallback: true },
			{ ok: false, reason: 'Email address is not verified. (Amazon SES MESSAGE_REJECTED)', fallback: false },
		]);
	});

	it('uses the credential’s region for its address', () => {
		expect(provider.defaultBaseUrl({ region: 'eu-central-1' })).toBe('https://email.eu-central-1.amazonaws.com');
		expect(provider.defaultBaseUrl(undefined)).toBe('https://email.us-east-1.amazonaws.com');
	});
});
