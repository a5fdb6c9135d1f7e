/**
 * The Email Audience node in a real n8n, with credentials created through n8n's public API
 * pointing at the stand-ins: 1,200 members synced into Mailchimp's stand-in in exactly 3 calls
 * (500 + 500 + 200) with one answer per member, a SendGrid contacts upsert whose import job is
 * checked until it completes, and a Kit tag inside the key's budget.
 */
import type { IDataObject } from 'n8n-workflow';

import { KitStandIn } from '../stand-ins/kit';
import { md5, MailchimpStandIn } from '../stand-ins/mailchimp';
import { SendGridMarketingStandIn } from '../stand-ins/sendgrid-marketing';
import { connect, createCredential, deploy, PREFIX, respond, webhook } from './n8n';

const MC_KEY = 'e2e0123456789abcdef0123456789abc-us21';
const KIT_KEY = 'kit_e2e0123456789abcdef012345';
const SG_KEY = 'SG.e2e-marketing.K3y0123456789abcdef';
const LIST = 'e2e0list01';

const mailchimp = new MailchimpStandIn(MC_KEY);
const kit = new KitStandIn(KIT_KEY);
const sendgrid = new SendGridMarketingStandIn(SG_KEY);

beforeAll(async () => {
	await Promise.all([mailchimp.start(), kit.start(), sendgrid.start()]);
	mailchimp.addList(LIST);
	kit.tags.add(42);
});
afterAll(async () => await Promise.all([mailchimp.stop(), kit.stop(), sendgrid.stop()]));

/** Webhook → Split Out (body.people) → Email Audience → Respond. */
async function audienceWorkflow(name: string, credentials: Record<string, { id: string; name: string }>, parameters: IDataObject) {
	const path = `email-audience-${name}-${Date.now()}`;
	const workflow = await deploy({
		name: `e2e: Email Audience ${name}`,
		nodes: [
			webhook(path),
			{ name: 'People', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'body.people', options: {} } },
			{ name: 'Email Audience', type: `${PREFIX}.emailAudience`, typeVersion: 1, credentials, parameters },
			respond(),
		],
		connections: connect(['Webhook', 'People'], ['People', 'Email Audience'], ['Email Audience', 'Respond']),
	});
	return { workflow, post: async (people: unknown[]) => await workflow.post(path, { people }) };
}

describe('Email Audience in a real n8n', () => {
	it('syncs 1,200 members into Mailchimp in exactly 3 calls (500 + 500 + 200), one answer per member', async () => {
		const credential = await createCredential('campaignKitMailchimpApi', { apiKey: MC_KEY, baseUrl: `${mailchimp.url}/3.0` });
		const people = Array.from({ length: 1200 }, (_, i) => ({ email: `Reader${i}@Example.com`, firstName: `Reader ${i}` }));
		// 100 of them are already members: they are updated, not duplicated.
		for (const person of people.slice(0, 100)) {
			mailchimp.lists.get(LIST)!.set(md5(person.email), { id: md5(person.email), email_address: person.email.toLowerCase(), unique_email_id: 'x', status: 'subscribed', merge_fields: {}, language: '', tags: [], list_id: LIST, last_changed: '' });
		}
		const { workflow, post } = await audienceWorkflow('mailchimp', { campaignKitMailchimpApi: credential }, {
			resource: 'mailchimpMember',
			operation: 'batchSubscribe',
			listId: LIST,
			statusIfNew: 'subscribed',
			updateExisting: true,
			memberFields: { firstName: '={{ $json.firstName }}' },
		});
		try {
			const { status, body } = await post(people);
			expect(status).toBe(200);
			const out = body as Array<Record<string, unknown>>;
			expect(out).toHaveLength(1200);
			const calls = mailchimp.requestsTo('/3.0/lists/:list', 'POST');
			// Up to five requests go at once, so they may arrive in any order.
			expect(calls.map((r) => (r.body as { members: unknown[] }).members.length).sort((a, b) => b - a)).toEqual([500, 500, 200]);
			expect(mailchimp.requests.filter((r) => r.path !== '/3.0/ping')).toHaveLength(3);
			expect(out.filter((o) => o.operation === 'updated')).toHaveLength(100);
			expect(out.filter((o) => o.operation === 'created')).toHaveLength(1100);
			expect(out.map((o) => o.email)).toEqual(people.map((p) => p.email.replace('Example', 'example')));
			expect(mailchimp.lists.get(LIST)?.size).toBe(1200);
			expect(mailchimp.member(LIST, 'reader1199@example.com')?.merge_fields.FNAME).toBe('Reader 1199');
			// Basic auth with the key as the password on every call.
			for (const call of calls) expect(Buffer.from(String(call.headers.authorization).slice(6), 'base64').toString().endsWith(`:${MC_KEY}`)).toBe(true);
		} finally {
			await workflow.stop();
		}
	});

	it('upserts SendGrid contacts and checks the import job until it completes', async () => {
		const credential = await createCredential('campaignKitSendGridApi', { apiKey: SG_KEY, baseUrl: sendgrid.url });
		sendgrid.pendingChecks = 2;
		const { workflow, post } = await audienceWorkflow('sendgrid', { campaignKitSendGridApi: credential }, {
			resource: 'sendgridContact',
			operation: 'upsert',
			contactFields: { firstName: '={{ $json.firstName }}' },
			jobOptions: { pollSeconds: 0.2 },
		});
		try {
			const people = [{ email: 'ana@example.com', firstName: 'Ana' }, { email: 'ben@example.com', firstName: 'Ben' }];
			const { status, body } = await post(people);
			expect(status).toBe(200);
			const out = body as Array<{ email: string; job: { jobStatus: string; jobChecks: number; created: number } }>;
			expect(out.map((o) => [o.email, o.job.jobStatus, o.job.jobChecks, o.job.created])).toEqual([
				['ana@example.com', 'completed', 3, 2],
				['ben@example.com', 'completed', 3, 2],
			]);
			expect(sendgrid.requestsTo('/v3/marketing/contacts', 'PUT')).toHaveLength(1);
			expect(sendgrid.requestsTo('/v3/marketing/contacts/imports/:id', 'GET')).toHaveLength(3);
			expect(sendgrid.contacts.get('ben@example.com')).toMatchObject({ first_name: 'Ben' });
			if (!sendgrid.contractChecked) console.warn('SendGrid contracts not found in ../shared/contracts: request bodies were checked against the documented rules only');
			expect(sendgrid.contractErrors).toEqual([]);
		} finally {
			await workflow.stop();
		}
	});

	it('tags Kit subscribers by email within the key’s budget', async () => {
		const credential = await createCredential('campaignKitKitApi', { apiKey: KIT_KEY, baseUrl: kit.url });
		for (const email of ['cy@example.com', 'dee@example.com']) {
			kit.subscribers.set(email, { id: kit.subscribers.size + 1, first_name: null, email_address: email, state: 'active', created_at: '', fields: {}, tags: [], sequences: [] });
		}
		const { workflow, post } = await audienceWorkflow('kit', { campaignKitKitApi: credential }, { resource: 'kitSubscriber', operation: 'tag', tagId: '42' });
		try {
			const { status, body } = await post([{ email: 'cy@example.com' }, { email: 'dee@example.com' }]);
			expect(status).toBe(200);
			expect((body as Array<Record<string, unknown>>).map((o) => [o.email, o.operation, o.tagId])).toEqual([
				['cy@example.com', 'tagged', 42],
				['dee@example.com', 'tagged', 42],
			]);
			expect(kit.subscribers.get('dee@example.com')?.tags).toEqual([42]);
			expect(kit.requests.every((r) => r.headers['x-kit-api-key'] === KIT_KEY)).toBe(true);
			expect(kit.rateLimited).toBe(0);
		} finally {
			await workflow.stop();
		}
	});
});
