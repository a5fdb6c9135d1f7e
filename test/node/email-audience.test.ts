/**
 * The Email Audience node in an in-process n8n against the Mailchimp, Kit and SendGrid Marketing
 * stand-ins: Mailchimp members upserted by subscriber hash, tagged, unsubscribed, archived, batch
 * subscribed 500 per request with every item getting its own line of the answer, and listed page
 * by page within the connection limit; Kit subscribers created, tagged, put on a sequence and
 * unsubscribed inside the key's budget; SendGrid contacts upserted through a job checked until it
 * completes, found by email, and suppressed globally or per group; list hygiene from delivery events.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';

import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { CampaignKitKitApi } from '../../credentials/CampaignKitKitApi.credentials';
import { CampaignKitMailchimpApi } from '../../credentials/CampaignKitMailchimpApi.credentials';
import { runWorkflow, singleNode, testCredential } from '../helpers/n8n';
import { CONTRACTS_DIR } from '../stand-ins/contracts';
import { KitStandIn } from '../stand-ins/kit';
import { MailchimpStandIn } from '../stand-ins/mailchimp';
import { SendGridMarketingStandIn } from '../stand-ins/sendgrid-marketing';

const MC_KEY = '0123456789abcdef0123456789abcdef-us21';
const KIT_KEY = 'kit_0123456789abcdef0123456789';
const SG_KEY = 'SG.marketing-test.key-0123456789';
const LIST = 'a1b2c3d4e5';

const mailchimp = new MailchimpStandIn(MC_KEY);
const kit = new KitStandIn(KIT_KEY, 10, 1000);
const sendgrid = new SendGridMarketingStandIn(SG_KEY);

const json = (items: INodeExecutionData[]) => items.map((item) => item.json);
const pairs = (items: INodeExecutionData[]) => items.map((item) => (item.pairedItem as { item: number }).item);
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

function run(credential: string, data: ICredentialDataDecryptedObject, parameters: IDataObject, items: IDataObject[], extra: IDataObject = {}) {
	return runWorkflow(singleNode('emailAudience', parameters, items, { credentials: { [credential]: { id: '1', name: 'under test' } }, ...extra }), {
		credentials: { [credential]: data },
	});
}
const mc = (parameters: IDataObject, items: IDataObject[], extra: IDataObject = {}) =>
	run('campaignKitMailchimpApi', { apiKey: MC_KEY, baseUrl: `${mailchimp.url}/3.0` }, { resource: 'mailchimpMember', listId: LIST, ...parameters }, items, extra);
const kt = (parameters: IDataObject, items: IDataObject[], extra: IDataObject = {}) =>
	run('campaignKitKitApi', { apiKey: KIT_KEY, baseUrl: kit.url }, { resource: 'kitSubscriber', kitOptions: { requestsPerMinute: 10, windowSeconds: 1 }, ...parameters }, items, extra);
const sg = (parameters: IDataObject, items: IDataObject[], extra: IDataObject = {}) => run('campaignKitSendGridApi', { apiKey: SG_KEY, baseUrl: sendgrid.url }, parameters, items, extra);

const people = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ email: `Person${from + i}@Example.com`, firstName: `P${from + i}` }));

beforeAll(async () => {
	await Promise.all([mailchimp.start(), kit.start(), sendgrid.start()]);
});
afterAll(async () => await Promise.all([mailchimp.stop(), kit.stop(), sendgrid.stop()]));
beforeEach(() => {
	mailchimp.reset();
	mailchimp.addList(LIST);
	kit.reset();
	kit.tags.add(42);
	kit.sequences.add(7);
	sendgrid.reset();
	sendgrid.lists.add('0c3b9ad8-5f2f-4a0e-9c2c-1b0a3c3b9ad8');
	sendgrid.groups.set(123, new Set());
});

describe('credentials (as n8n’s credential tester runs them)', () => {
	it('Mailchimp: GET /ping with Basic auth (any user, the key as password) at the base URL', async () => {
		const ok = await testCredential(new CampaignKitMailchimpApi(), { apiKey: MC_KEY, baseUrl: `${mailchimp.url}/3.0` });
		expect(ok.error).toBeUndefined();
		expect(mailchimp.requests.map((r) => [r.method, r.path])).toEqual([['GET', '/3.0/ping']]);
		const wrong = await testCredential(new CampaignKitMailchimpApi(), { apiKey: 'nope-us21', baseUrl: `${mailchimp.url}/3.0` });
		expect(wrong.error).toBeDefined();
	});

	it('Kit: GET /v4/account with X-Kit-Api-Key', async () => {
		const ok = await testCredential(new CampaignKitKitApi(), { apiKey: KIT_KEY, baseUrl: kit.url });
		expect(ok.error).toBeUndefined();
		expect(kit.requests.map((r) => [r.method, r.path, r.headers['x-kit-api-key']])).toEqual([['GET', '/v4/account', KIT_KEY]]);
		const wrong = await testCredential(new CampaignKitKitApi(), { apiKey: 'kit_wrong', baseUrl: kit.url });
		expect(wrong.error).toBeDefined();
	});
});

describe('Mailchimp members', () => {
	it('upserts by MD5 of the lower-cased address with status_if_new; an existing member keeps their status', async () => {
		const first = await mc({ operation: 'upsert', statusIfNew: 'pending', memberFields: { firstName: '={{ $json.firstName }}', mergeFields: '{ "CITY": "Berlin" }' } }, people(2));
		expect(first.error).toBeUndefined();
		expect(mailchimp.requests.map((r) => [r.method, r.path]).sort()).toEqual(
			[0, 1].map((i) => ['PUT', `/3.0/lists/${LIST}/members/${md5(`person${i}@example.com`)}`]).sort(),
		);
		expect(json(first.output('Node')).map((m) => [m.email, m.status, m.operation])).toEqual([
			['Person0@example.com', 'pending', 'upserted'],
			['Person1@example.com', 'pending', 'upserted'],
		]);
		expect(mailchimp.member(LIST, 'person0@example.com')?.merge_fields).toMatchObject({ FNAME: 'P0', CITY: 'Berlin' });
		mailchimp.member(LIST, 'person0@example.com')!.status = 'subscribed';
		const again = await mc({ operation: 'upsert', statusIfNew: 'pending' }, people(1));
		expect(json(again.output('Node'))[0]).toMatchObject({ status: 'subscribed' });
		expect(pairs(first.output('Node'))).toEqual([0, 1]);
	});

	it('adds and removes tags, unsubscribes and archives one member per item', async () => {
		await mc({ operation: 'upsert', statusIfNew: 'subscribed' }, people(2));
		const tagged = await mc({ operation: 'addTags', tags: 'vip, customer' }, people(2));
		expect(tagged.error).toBeUndefined();
		expect(mailchimp.member(LIST, 'person1@example.com')?.tags.map((t) => t.name)).toEqual(['vip', 'customer']);
		await mc({ operation: 'removeTags', tags: 'vip' }, people(1));
		expect(mailchimp.member(LIST, 'person0@example.com')?.tags.map((t) => t.name)).toEqual(['customer']);
		const unsub = await mc({ operation: 'unsubscribe' }, people(1));
		expect(json(unsub.output('Node'))[0]).toMatchObject({ email: 'Person0@example.com', status: 'unsubscribed' });
		const archived = await mc({ operation: 'archive' }, people(1, 1));
		expect(json(archived.output('Node'))[0]).toMatchObject({ status: 'archived' });
		expect(mailchimp.member(LIST, 'person1@example.com')?.status).toBe('archived');
		const tagBody = mailchimp.requestsTo('/3.0/lists/:list/members/:hash/tags', 'POST')[0].body;
		expect(tagBody).toEqual({ tags: [{ name: 'vip', status: 'active' }, { name: 'customer', status: 'active' }] });
	});

	it('a bad address stops the run naming the item, or (Continue On Fail) becomes that item’s error; Mailchimp’s own refusal reads as Mailchimp wrote it', async () => {
		const stopped = await mc({ operation: 'upsert', statusIfNew: 'subscribed' }, [{ email: 'ok@example.com' }, { email: 'no-at-sign' }]);
		expect(stopped.error?.message).toBe('Item 1: Email: "no-at-sign" has no @');
		const items = [{ email: 'ok@example.com' }, { email: 'no-at-sign' }, { email: 'ghost@example.com' }];
		const cont = await mc({ operation: 'unsubscribe' }, items, { continueOnFail: true });
		const out = cont.output('Node');
		expect(pairs(out)).toEqual([0, 1, 2]);
		expect(json(out)[1].error).toBe('Item 1: Email: "no-at-sign" has no @');
		expect(json(out)[2].error).toBe('The requested resource could not be found.');
	});

	it('batch subscribes 1,200 people in 3 requests (500, 500, 200) and maps created, updated and refused back to each item', async () => {
		// Two members exist before the batch; one address is one Mailchimp judges fake.
		await mc({ operation: 'upsert', statusIfNew: 'subscribed' }, people(2, 0));
		mailchimp.requests.length = 0;
		const input: IDataObject[] = people(1200);
		input[700] = { email: 'throwaway@mailinator.com' };
		const result = await mc({ operation: 'batchSubscribe', statusIfNew: 'subscribed', updateExisting: true, memberFields: { firstName: '={{ $json.firstName }}' } }, input, { continueOnFail: true });
		expect(result.error).toBeUndefined();
		const batches = mailchimp.requestsTo('/3.0/lists/:list', 'POST');
		expect(batches.map((r) => (r.body as { members: unknown[] }).members.length)).toEqual([500, 500, 200]);
		expect(batches.every((r) => (r.body as { update_existing: boolean }).update_existing === true)).toBe(true);
		const out = result.output('Node');
		expect(out).toHaveLength(1200);
		expect(pairs(out)).toEqual(input.map((_, i) => i));
		const ops = json(out).map((j) => j.operation ?? 'error');
		expect(ops.filter((o) => o === 'created')).toHaveLength(1200 - 1 - 2);
		expect(ops.slice(0, 2)).toEqual(['updated', 'updated']);
		expect(json(out)[700].error).toMatch(/^Item 700: Mailchimp did not add throwaway@mailinator.com: throwaway@mailinator.com looks fake or invalid/);
		expect(json(out)[1199]).toMatchObject({ email: 'Person1199@example.com', batch: 3, batchSize: 200, status: 'subscribed' });
		expect(mailchimp.lists.get(LIST)?.size).toBe(1199);
	});

	it('lists an audience page by page (count ≤ 1,000) and stays under 10 connections when upserting many at once', async () => {
		const many = people(2500);
		await mc({ operation: 'batchSubscribe', statusIfNew: 'subscribed', updateExisting: true }, many);
		mailchimp.requests.length = 0;
		const all = await mc({ operation: 'list', returnAll: true }, [{}]);
		expect(all.output('Node')).toHaveLength(2500);
		expect(mailchimp.requestsTo('/3.0/lists/:list/members', 'GET').map((r) => [r.query.offset, r.query.count])).toEqual([
			['0', '1000'],
			['1000', '1000'],
			['2000', '1000'],
		]);
		const some = await mc({ operation: 'list', returnAll: false, limit: 30 }, [{}]);
		expect(json(some.output('Node')).map((m) => m.email)).toEqual(many.slice(0, 30).map((p) => p.email.replace('Example', 'example')));

		mailchimp.latencyMs = 20;
		const upserts = await mc({ operation: 'upsert', statusIfNew: 'subscribed' }, people(40, 5000));
		mailchimp.latencyMs = 5;
		expect(upserts.output('Node')).toHaveLength(40);
		expect(mailchimp.throttled).toBe(0);
		expect(mailchimp.peakConnections).toBeGreaterThan(1);
		expect(mailchimp.peakConnections).toBeLessThanOrEqual(10);
	});
	it('Mailchimp’s 429 for too many connections (no rate headers) is waited out and every member still arrives', async () => {
		const strict = new MailchimpStandIn(MC_KEY, 2);
		await strict.start();
		try {
			strict.addList(LIST);
			strict.latencyMs = 50;
			const result = await run('campaignKitMailchimpApi', { apiKey: MC_KEY, baseUrl: `${strict.url}/3.0` }, { resource: 'mailchimpMember', listId: LIST, operation: 'upsert', statusIfNew: 'subscribed' }, people(6));
			expect(result.error).toBeUndefined();
			expect(strict.throttled).toBeGreaterThan(0);
			expect(strict.lists.get(LIST)?.size).toBe(6);
			expect(strict.requests.filter((r) => r.method === 'PUT').length).toBe(6 + strict.throttled);
		} finally {
			await strict.stop();
		}
	});
});

describe('Kit subscribers', () => {
	it('creates then updates, tags, adds to a sequence and unsubscribes', async () => {
		const created = await kt({ operation: 'upsert', subscriberFields: { firstName: '={{ $json.firstName }}', fields: '{ "city": "Oslo" }' } }, people(2));
		expect(created.error).toBeUndefined();
		expect(json(created.output('Node')).map((s) => [s.email, s.operation, s.state])).toEqual([
			['Person0@example.com', 'created', 'active'],
			['Person1@example.com', 'created', 'active'],
		]);
		const updated = await kt({ operation: 'upsert' }, people(1));
		expect(json(updated.output('Node'))[0].operation).toBe('updated');
		const tagged = await kt({ operation: 'tag', tagId: '42' }, people(2));
		expect(json(tagged.output('Node')).map((s) => s.tagId)).toEqual([42, 42]);
		expect(kit.subscribers.get('person1@example.com')?.tags).toEqual([42]);
		await kt({ operation: 'addToSequence', sequenceId: '7' }, people(1));
		expect(kit.subscribers.get('person0@example.com')?.sequences).toEqual([7]);
		const unsub = await kt({ operation: 'unsubscribe' }, people(1, 1));
		expect(json(unsub.output('Node'))[0]).toMatchObject({ operation: 'unsubscribed', state: 'cancelled' });
		expect(kit.subscribers.get('person1@example.com')?.state).toBe('cancelled');
		const missing = await kt({ operation: 'tag', tagId: '42' }, [{ email: 'nobody@example.com' }], { continueOnFail: true });
		expect(json(missing.output('Node'))[0].error).toBe('Not Found');
	});

	it('paces requests to the key’s budget: 30 subscribers against 10 per second never meet a 429', async () => {
		const started = Date.now();
		const result = await kt({ operation: 'upsert' }, people(30));
		const took = Date.now() - started;
		expect(result.error).toBeUndefined();
		expect(result.output('Node')).toHaveLength(30);
		expect(kit.rateLimited).toBe(0);
		expect(kit.peakInWindow()).toBeLessThanOrEqual(10);
		// 30 requests at 10 per second (plus the slack): the 21st cannot start before 2 s have passed.
		expect(took).toBeGreaterThanOrEqual(2000);
	});

	it('without pacing the same run meets Kit’s 429 "Retry later"; the transport waits and every item still succeeds (the cross-execution backstop)', async () => {
		const result = await kt({ operation: 'upsert', kitOptions: { requestsPerMinute: 1000, windowSeconds: 1 } }, people(14));
		expect(result.error).toBeUndefined();
		expect(json(result.output('Node')).every((s) => s.operation === 'created')).toBe(true);
		expect(kit.rateLimited).toBeGreaterThan(0);
		expect(kit.subscribers.size).toBe(14);
	});
});

describe('SendGrid Marketing contacts and suppressions', () => {
	it('upserts contacts in one job, checks the job until it completes, and reports it on every item', async () => {
		const listId = '0c3b9ad8-5f2f-4a0e-9c2c-1b0a3c3b9ad8';
		const result = await sg(
			{ resource: 'sendgridContact', operation: 'upsert', contactFields: { firstName: '={{ $json.firstName }}', listIds: listId }, jobOptions: { pollSeconds: 0.05 } },
			people(3),
		);
		expect(result.error).toBeUndefined();
		const puts = sendgrid.requestsTo('/v3/marketing/contacts', 'PUT');
		expect(puts).toHaveLength(1);
		expect(puts[0].body).toEqual({ list_ids: [listId], contacts: people(3).map((p) => ({ email: p.email.replace('Example', 'example'), first_name: p.firstName })) });
		expect(sendgrid.requestsTo('/v3/marketing/contacts/imports/:id', 'GET')).toHaveLength(3);
		const out = json(result.output('Node'));
		expect(out.map((o) => [o.operation, (o.job as IDataObject).jobStatus, (o.job as IDataObject).created])).toEqual([
			['upserted', 'completed', 3],
			['upserted', 'completed', 3],
			['upserted', 'completed', 3],
		]);
		expect(sendgrid.contractChecked ? sendgrid.contractErrors : []).toEqual([]);
		expect(sendgrid.contacts.get('person2@example.com')).toMatchObject({ first_name: 'P2', list_ids: [listId] });
	});

	it('sends at most 30,000 contacts per upsert: 30,001 items go up in 2 jobs, every body within SendGrid’s contract', async () => {
		if (!sendgrid.contractChecked) console.warn('../shared/contracts is absent: SendGrid bodies are checked against the documented rules only');
		expect(sendgrid.contractChecked).toBe(existsSync(CONTRACTS_DIR));
		const many = Array.from({ length: 30_001 }, (_, i) => ({ email: `c${i}@example.com` }));
		const result = await sg({ resource: 'sendgridContact', operation: 'upsert', jobOptions: { pollSeconds: 0.05 } }, many);
		expect(result.error).toBeUndefined();
		const puts = sendgrid.requestsTo('/v3/marketing/contacts', 'PUT');
		expect(puts.map((r) => (r.body as { contacts: unknown[] }).contacts.length)).toEqual([30_000, 1]);
		const out = result.output('Node');
		expect(out).toHaveLength(30_001);
		expect(pairs(out)).toEqual(many.map((_, i) => i));
		expect(new Set(json(out).map((o) => (o.job as IDataObject).jobId)).size).toBe(2);
		expect(sendgrid.contacts.size).toBe(30_001);
		expect(sendgrid.contractErrors).toEqual([]);
	});

	it('finds contacts by email, and says so when one is not there', async () => {
		await sg({ resource: 'sendgridContact', operation: 'upsert', jobOptions: { pollSeconds: 0.05 } }, people(1));
		const found = await sg({ resource: 'sendgridContact', operation: 'search' }, [{ email: 'person0@example.com' }, { email: 'nobody@example.com' }]);
		expect(json(found.output('Node')).map((o) => [o.email, o.found, typeof o.contactId])).toEqual([
			['person0@example.com', true, 'string'],
			['nobody@example.com', false, 'object'],
		]);
	});

	it('adds global suppressions in one request, lists and removes them; group suppressions by group ID', async () => {
		const added = await sg({ resource: 'sendgridSuppression', operation: 'add', scope: 'global' }, people(3));
		expect(sendgrid.requestsTo('/v3/asm/suppressions/global', 'POST').map((r) => r.body)).toEqual([{ recipient_emails: people(3).map((p) => p.email.replace('Example', 'example')) }]);
		expect(json(added.output('Node')).every((o) => o.confirmed === true)).toBe(true);
		const listed = await sg({ resource: 'sendgridSuppression', operation: 'list', scope: 'global', returnAll: true }, [{}]);
		expect(json(listed.output('Node')).map((o) => o.email).sort()).toEqual(['person0@example.com', 'person1@example.com', 'person2@example.com']);
		await sg({ resource: 'sendgridSuppression', operation: 'remove', scope: 'global' }, people(1));
		expect([...sendgrid.globalSuppressions.keys()].sort()).toEqual(['person1@example.com', 'person2@example.com']);

		await sg({ resource: 'sendgridSuppression', operation: 'add', scope: 'group', groupId: '123' }, people(2));
		const group = await sg({ resource: 'sendgridSuppression', operation: 'list', scope: 'group', groupId: '123', returnAll: true }, [{}]);
		expect(json(group.output('Node')).map((o) => o.email)).toEqual(['person0@example.com', 'person1@example.com']);
		await sg({ resource: 'sendgridSuppression', operation: 'remove', scope: 'group', groupId: '123' }, people(1));
		expect([...(sendgrid.groups.get(123) ?? [])]).toEqual(['person1@example.com']);
		const wrongGroup = await sg({ resource: 'sendgridSuppression', operation: 'add', scope: 'group', groupId: '999' }, people(1), { continueOnFail: true });
		expect(json(wrongGroup.output('Node'))[0].error).toBe('Unsubscribe group not found');
		expect(sendgrid.contractChecked ? sendgrid.contractErrors : []).toEqual([]);
	});

	it('retries a 429 with SendGrid’s rate headers', async () => {
		sendgrid.rateLimitNext('POST', '/v3/asm/suppressions/global', 1, 1);
		const result = await sg({ resource: 'sendgridSuppression', operation: 'add', scope: 'global' }, people(1));
		expect(result.error).toBeUndefined();
		expect(sendgrid.requestsTo('/v3/asm/suppressions/global', 'POST')).toHaveLength(2);
	});
});

describe('list hygiene through the node', () => {
	it('one verdict per address, paired with every event behind it; an event without an address is an error item', async () => {
		const events = [
			{ provider: 'sendgrid', channel: 'email', type: 'bounced', recipient: 'gone@example.com', timestamp: '2026-01-01T00:00:00Z', raw: { type: 'bounce' } },
			{ provider: 'sendgrid', channel: 'email', type: 'delivered', recipient: 'quiet@example.com', timestamp: '2026-01-01T00:01:00Z', raw: {} },
			{ provider: 'kit', channel: 'email', type: 'complained', recipient: 'angry@example.com', timestamp: '2026-01-01T00:02:00Z', raw: {} },
			{ provider: 'sendgrid', channel: 'email', type: 'delivered', recipient: 'quiet@example.com', timestamp: '2026-01-01T00:03:00Z', raw: {} },
			{ provider: 'sendgrid', channel: 'email', type: 'opened', recipient: null, timestamp: '2026-01-01T00:04:00Z', raw: {} },
		];
		const result = await runWorkflow(singleNode('emailAudience', { resource: 'listHygiene', operation: 'analyze', hygieneOptions: { reengageAfterDeliveries: 2 } }, events, { continueOnFail: true }));
		expect(result.error).toBeUndefined();
		const out = result.output('Node');
		expect(out.map((o) => [o.json.email ?? o.json.error, o.json.action ?? null, o.pairedItem])).toEqual([
			['Item 4: the delivery event recipient: no email address', null, { item: 4 }],
			['gone@example.com', 'suppress', [{ item: 0 }]],
			['quiet@example.com', 'reengage', [{ item: 1 }, { item: 3 }]],
			['angry@example.com', 'suppress', [{ item: 2 }]],
		]);
	});

	it('refuses an option of NaN or 0 by name instead of never suppressing anyone', async () => {
		const events = [{ provider: 'sendgrid', channel: 'email', type: 'delivered', recipient: 'a@example.com', timestamp: '2026-01-01T00:00:00Z' }];
		const nan = await runWorkflow(singleNode('emailAudience', { resource: 'listHygiene', operation: 'analyze', hygieneOptions: { softBounceLimit: '={{ 0/0 }}' } }, events));
		expect(nan.error?.message).toBe('Soft Bounces Before Suppressing is NaN, not a whole number of 1 or more');
		const zero = await runWorkflow(singleNode('emailAudience', { resource: 'listHygiene', operation: 'analyze', hygieneOptions: { reengageAfterDeliveries: 0 } }, events));
		expect(zero.error?.message).toBe('Deliveries Without Opens Before Re-Engaging is 0, not a whole number of 1 or more');
	});
});
