/**
 * Mailchimp members: upsert (PUT by subscriber hash with status_if_new), tags, unsubscribe,
 * archive, batch subscribe (500 per request, Mailchimp's answer mapped back to each item) and
 * listing an audience page by page.
 */
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { textValue } from '../../shared/fields';
import { itemError } from '../../shared/items';
import { chunk, createTransport, type Transport } from '../../shared/transport';
import { batchOutcomes, MAILCHIMP_BATCH_LIMIT, MAILCHIMP_PAGE_LIMIT, mailchimpBaseUrl, subscriberHash, type BatchAnswer } from '../engine/mailchimp';
import { emailOf, item, ItemResults, jsonObject, listOf, perItem } from './shared';

export const MAILCHIMP_CREDENTIAL = 'campaignKitMailchimpApi';

/** Mailchimp allows 10 connections at once per key; half leaves room for other workflows. */
const CONCURRENCY = 5;

export async function mailchimpApi(ctx: IExecuteFunctions): Promise<Transport> {
	const credentials = await ctx.getCredentials<ICredentialDataDecryptedObject>(MAILCHIMP_CREDENTIAL);
	const custom = String(credentials.baseUrl ?? '').trim();
	const derived = mailchimpBaseUrl(String(credentials.apiKey ?? ''));
	if (!custom && !derived) {
		throw new NodeOperationError(ctx.getNode(), 'The Mailchimp API key has no data center at its end (such as "-us21")', {
			description: 'Copy the whole key from Mailchimp (Profile → Extras → API keys), or set the credential\'s Base URL.',
		});
	}
	return createTransport(ctx, { credentialType: MAILCHIMP_CREDENTIAL, defaultBaseUrl: derived ?? custom, provider: 'Mailchimp', concurrency: CONCURRENCY });
}

type Json = IDataObject;

/** The member body from the item's fields: merge fields (FNAME, LNAME and any others), language, tags. */
function memberBody(ctx: IExecuteFunctions, i: number, email: string): Json {
	const fields = ctx.getNodeParameter('memberFields', i, {}) as Json;
	const merge: Json = { ...jsonObject(ctx, fields.mergeFields, 'Merge Fields (JSON)', i) };
	const text = (key: string, label: string) => (fields[key] ? textValue(ctx, fields[key], i, label, `{{ $json.${key} }}`) : '');
	if (text('firstName', 'First Name')) merge.FNAME = text('firstName', 'First Name');
	if (text('lastName', 'Last Name')) merge.LNAME = text('lastName', 'Last Name');
	const body: Json = { email_address: email };
	if (Object.keys(merge).length) body.merge_fields = merge;
	if (text('language', 'Language')) body.language = text('language', 'Language');
	const tags = listOf(fields.tags);
	if (tags.length) body.tags = tags;
	if (text('status', 'Status')) body.status = text('status', 'Status');
	return body;
}

const memberPath = (listId: string, email: string) => `/lists/${encodeURIComponent(listId)}/members/${subscriberHash(email)}`;

function listIdOf(ctx: IExecuteFunctions, i: number): string {
	const listId = String(ctx.getNodeParameter('listId', i, '')).trim();
	if (!listId) throw itemError(ctx, i, 'Audience ID is empty', 'Set "Audience ID" to the audience\'s ID (Audience → Settings → Audience name and defaults).');
	return listId;
}

/** The fields a marketer wants from Mailchimp's member object, plus the object itself. */
const memberJson = (member: Json, extra: Json = {}): Json => ({
	email: member.email_address,
	status: member.status,
	subscriberHash: member.id,
	...extra,
	member,
});

export async function runMailchimp(ctx: IExecuteFunctions, api: Transport, operation: string): Promise<INodeExecutionData[]> {
	switch (operation) {
		case 'upsert':
			return await perItem(ctx, api, async (i) => {
				const email = emailOf(ctx, i);
				const body = { ...memberBody(ctx, i, email), status_if_new: ctx.getNodeParameter('statusIfNew', i) as string };
				// Tags in a PUT apply to new members only; Mailchimp ignores them on existing ones.
				const { body: member } = await api.request<Json>({ method: 'PUT', url: memberPath(listIdOf(ctx, i), email), body, itemIndex: i });
				return memberJson(member, { operation: 'upserted' });
			});
		case 'addTags':
		case 'removeTags': {
			const active = operation === 'addTags';
			return await perItem(ctx, api, async (i) => {
				const email = emailOf(ctx, i);
				const tags = listOf(ctx.getNodeParameter('tags', i, ''));
				if (!tags.length) throw itemError(ctx, i, 'Tags is empty', 'List the tag names, comma-separated, e.g. customer, vip.');
				await api.request({
					method: 'POST',
					url: `${memberPath(listIdOf(ctx, i), email)}/tags`,
					body: { tags: tags.map((name) => ({ name, status: active ? 'active' : 'inactive' })) },
					itemIndex: i,
				});
				return { email, subscriberHash: subscriberHash(email), operation: active ? 'tagged' : 'untagged', tags };
			});
		}
		case 'unsubscribe':
			return await perItem(ctx, api, async (i) => {
				const email = emailOf(ctx, i);
				const { body: member } = await api.request<Json>({ method: 'PATCH', url: memberPath(listIdOf(ctx, i), email), body: { status: 'unsubscribed' }, itemIndex: i });
				return memberJson(member, { operation: 'unsubscribed' });
			});
		case 'archive':
			return await perItem(ctx, api, async (i) => {
				const email = emailOf(ctx, i);
				await api.request({ method: 'DELETE', url: memberPath(listIdOf(ctx, i), email), itemIndex: i });
				return { email, subscriberHash: subscriberHash(email), status: 'archived', operation: 'archived' };
			});
		case 'batchSubscribe':
			return await batchSubscribe(ctx, api);
		case 'list':
			return await listMembers(ctx, api);
		default:
			throw new NodeOperationError(ctx.getNode(), `The operation "${operation}" is not known for Mailchimp members`);
	}
}

interface Entry {
	item: number;
	email: string;
	body: Json;
}

/** Members go up 500 per request to `POST /lists/{id}`, grouped by audience; each item gets its own line of the answer. */
async function batchSubscribe(ctx: IExecuteFunctions, api: Transport): Promise<INodeExecutionData[]> {
	const results = new ItemResults(ctx);
	const byList = new Map<string, Entry[]>();
	ctx.getInputData().forEach((_, i) => {
		try {
			const email = emailOf(ctx, i);
			const listId = listIdOf(ctx, i);
			const body = { ...memberBody(ctx, i, email), status: ctx.getNodeParameter('statusIfNew', i) as string };
			const fields = ctx.getNodeParameter('memberFields', i, {}) as Json;
			// In a batch, `status` is what new members get; an explicit status is the same field.
			if (fields.status) body.status = textValue(ctx, fields.status, i, 'Status', '{{ $json.status }}');
			let entries = byList.get(listId);
			if (!entries) byList.set(listId, (entries = []));
			entries.push({ item: i, email, body });
		} catch (error) {
			results.fail(i, error);
		}
	});
	const updateExisting = ctx.getNodeParameter('updateExisting', 0, true) as boolean;
	const batches = [...byList].flatMap(([listId, entries]) => chunk(entries, MAILCHIMP_BATCH_LIMIT).map((part) => ({ listId, part })));
	const answers = await api.mapConcurrent(batches, async ({ listId, part }) => {
		try {
			const { body } = await api.request<BatchAnswer>({
				method: 'POST',
				url: `/lists/${encodeURIComponent(listId)}`,
				body: { members: part.map((entry) => entry.body), update_existing: updateExisting },
				itemIndex: part[0].item,
			});
			return { body };
		} catch (error) {
			return { error };
		}
	});
	batches.forEach(({ listId, part }, b) => {
		const answer = answers[b];
		if ('error' in answer) {
			for (const entry of part) results.fail(entry.item, answer.error);
			return;
		}
		const outcomes = batchOutcomes(
			part.map((entry) => entry.email),
			answer.body,
		);
		part.forEach((entry, n) => {
			const outcome = outcomes[n];
			if (!outcome.ok) {
				results.fail(entry.item, itemError(ctx, entry.item, `Mailchimp did not add ${entry.email}: ${outcome.message}`, `Mailchimp's code: ${outcome.code ?? 'none'}. Fix the address or field it names; the other members of the batch were not affected.`));
				return;
			}
			const common = { email: entry.email, subscriberHash: subscriberHash(entry.email), listId, operation: outcome.result, batch: b + 1, batchSize: part.length };
			results.ok(entry.item, item(outcome.member ? memberJson(outcome.member as Json, common) : { ...common, status: null }, entry.item));
		});
	});
	return results.all();
}

async function listMembers(ctx: IExecuteFunctions, api: Transport): Promise<INodeExecutionData[]> {
	return await perItem(ctx, api, async (i) => {
		const all = ctx.getNodeParameter('returnAll', i, false) as boolean;
		const max = all ? Infinity : (ctx.getNodeParameter('limit', i, 50) as number);
		const filters = ctx.getNodeParameter('memberFilters', i, {}) as Json;
		const qs: Json = {};
		if (filters.status) qs.status = filters.status;
		if (filters.sinceLastChanged) qs.since_last_changed = new Date(String(filters.sinceLastChanged)).toISOString();
		const members = await api.paginate<Json>(
			{ method: 'GET', url: `/lists/${encodeURIComponent(listIdOf(ctx, i))}/members`, qs, itemIndex: i },
			{ style: 'offset', limit: Math.min(MAILCHIMP_PAGE_LIMIT, max), offsetParam: 'offset', limitParam: 'count', items: (body) => body.members, max },
		);
		return members.map((member) => item(memberJson(member), i));
	});
}
