/**
 * SendGrid Marketing: contacts upserted in one asynchronous job per 30,000 (the job checked until
 * it is done), contacts found by email, and suppressions (global or per unsubscribe group) added,
 * removed and listed.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { itemError } from '../../shared/items';
import { shown } from '../../shared/show';
import { chunk, createTransport, formatDuration, type Transport } from '../../shared/transport';
import { emailOf, item, ItemResults, jsonObject, listOf, perItem } from './shared';
import { now } from '../../shared/clock';

export const SENDGRID_CREDENTIAL = 'campaignKitSendGridApi';

/** `PUT /v3/marketing/contacts` takes at most 30,000 contacts (and 6 MB) per request. */
export const SENDGRID_UPSERT_LIMIT = 30_000;
/** Suppression additions: SendGrid documents no maximum; 1,000 per request keeps bodies small. */
const SUPPRESSION_BATCH = 1000;
/** `GET /v3/suppression/unsubscribes` pages of at most 500. */
const UNSUBSCRIBES_PAGE = 500;

type Json = IDataObject;

export function sendGridApi(ctx: IExecuteFunctions): Transport {
	return createTransport(ctx, { credentialType: SENDGRID_CREDENTIAL, defaultBaseUrl: 'https://api.sendgrid.com', provider: 'SendGrid', concurrency: 3 });
}

interface ImportJob {
	id?: string;
	status?: string;
	job_type?: string;
	results?: { requested_count?: number; created_count?: number; updated_count?: number; errored_count?: number; errors_url?: string };
	started_at?: string;
	finished_at?: string;
}

const CONTACT_FIELDS: Array<[string, string]> = [
	['firstName', 'first_name'],
	['lastName', 'last_name'],
	['city', 'city'],
	['country', 'country'],
	['postalCode', 'postal_code'],
];

async function upsertContacts(ctx: IExecuteFunctions, api: Transport): Promise<INodeExecutionData[]> {
	const results = new ItemResults(ctx);
	// Contacts are grouped by their list IDs: one request carries one set of lists.
	const groups = new Map<string, Array<{ item: number; contact: Json }>>();
	ctx.getInputData().forEach((_, i) => {
		try {
			const fields = ctx.getNodeParameter('contactFields', i, {}) as Json;
			const contact: Json = { email: emailOf(ctx, i) };
			for (const [from, to] of CONTACT_FIELDS) if (fields[from]) contact[to] = String(fields[from]);
			const custom = jsonObject(ctx, fields.customFields, 'Custom Fields (JSON)', i);
			if (Object.keys(custom).length) contact.custom_fields = custom;
			const key = listOf(fields.listIds).join(',');
			let group = groups.get(key);
			if (!group) groups.set(key, (group = []));
			group.push({ item: i, contact });
		} catch (error) {
			results.fail(i, error);
		}
	});
	const options = ctx.getNodeParameter('jobOptions', 0, {}) as Json;
	const wait = options.waitForJob !== false;
	const pollMs = Number(options.pollSeconds ?? 5) * 1000;
	const maxWaitMs = Number(options.maxWaitMinutes ?? 30) * 60_000;
	const signal = ctx.getExecutionCancelSignal();

	for (const [key, group] of groups) {
		for (const part of chunk(group, SENDGRID_UPSERT_LIMIT)) {
			const first = part[0].item;
			try {
				const body: Json = { contacts: part.map((entry) => entry.contact) };
				if (key) body.list_ids = key.split(',');
				const { body: accepted } = await api.request<{ job_id?: string }>({ method: 'PUT', url: '/v3/marketing/contacts', body, itemIndex: first });
				const jobId = accepted.job_id;
				if (!jobId) throw new NodeOperationError(ctx.getNode(), 'SendGrid accepted the contacts but returned no job ID', { itemIndex: first });
				let job: ImportJob = { id: jobId, status: 'pending' };
				let checks = 0;
				if (wait) {
					const started = now();
					while (job.status === 'pending') {
						if (now() - started > maxWaitMs) {
							throw new NodeOperationError(ctx.getNode(), `SendGrid's import job ${jobId} was still pending after ${formatDuration(maxWaitMs)}`, {
								itemIndex: first,
								description: 'The contacts may still arrive. Raise "Give Up After", or check the job later with its ID.',
							});
						}
						await sleep(pollMs, signal);
						checks++;
						({ body: job } = await api.request<ImportJob>({ method: 'GET', url: `/v3/marketing/contacts/imports/${encodeURIComponent(jobId)}`, itemIndex: first }));
					}
				}
				if (job.status === 'failed') {
					throw new NodeOperationError(ctx.getNode(), `SendGrid's import job ${jobId} failed: none of the ${part.length} contacts were saved`, {
						itemIndex: first,
						description: job.results?.errors_url ? `SendGrid lists the reasons at ${job.results.errors_url}` : 'Check the contacts\' fields and try again.',
					});
				}
				const summary: Json = {
					jobId,
					jobStatus: job.status ?? null,
					jobChecks: checks,
					requested: job.results?.requested_count ?? part.length,
					created: job.results?.created_count ?? null,
					updated: job.results?.updated_count ?? null,
					errored: job.results?.errored_count ?? null,
					errorsUrl: job.results?.errors_url ?? null,
				};
				for (const entry of part) {
					results.ok(entry.item, item({ email: entry.contact.email, listIds: key ? key.split(',') : [], operation: wait ? 'upserted' : 'queued', job: summary }, entry.item));
				}
			} catch (error) {
				for (const entry of part) results.fail(entry.item, error);
			}
		}
	}
	return results.all();
}

async function searchContacts(ctx: IExecuteFunctions, api: Transport): Promise<INodeExecutionData[]> {
	return await perItem(ctx, api, async (i) => {
		const email = emailOf(ctx, i);
		const response = await api
			.request<{ result?: Record<string, { contact?: Json; error?: string }> }>({ method: 'POST', url: '/v3/marketing/contacts/search/emails', body: { emails: [email] }, itemIndex: i })
			.catch((error: { httpCode?: string }) => {
				// SendGrid answers 404 when none of the addresses is a contact: for one address, "not found".
				if (error.httpCode === '404') return undefined;
				throw error;
			});
		const entry = Object.entries(response?.body.result ?? {}).find(([key]) => key.toLowerCase() === email.toLowerCase())?.[1];
		return entry?.contact ? { email, found: true, contactId: entry.contact.id, contact: entry.contact } : { email, found: false, contactId: null, contact: null };
	});
}

function suppressionBase(ctx: IExecuteFunctions, i: number): { scope: 'global' | 'group'; groupId?: string; base: string } {
	const scope = ctx.getNodeParameter('scope', i, 'global') as 'global' | 'group';
	if (scope === 'global') return { scope, base: '/v3/asm/suppressions/global' };
	const groupId = String(ctx.getNodeParameter('groupId', i, '')).trim();
	if (!/^\d+$/.test(groupId)) throw itemError(ctx, i, `Group ID is ${shown(groupId)}, not a number`, 'Set "Group ID" to the unsubscribe group\'s ID (Marketing → Unsubscribe Groups).');
	return { scope, groupId, base: `/v3/asm/groups/${groupId}/suppressions` };
}

async function addSuppressions(ctx: IExecuteFunctions, api: Transport): Promise<INodeExecutionData[]> {
	const results = new ItemResults(ctx);
	const groups = new Map<string, { scope: string; groupId?: string; entries: Array<{ item: number; email: string }> }>();
	ctx.getInputData().forEach((_, i) => {
		try {
			const email = emailOf(ctx, i);
			const target = suppressionBase(ctx, i);
			let group = groups.get(target.base);
			if (!group) groups.set(target.base, (group = { scope: target.scope, groupId: target.groupId, entries: [] }));
			group.entries.push({ item: i, email });
		} catch (error) {
			results.fail(i, error);
		}
	});
	for (const [base, group] of groups) {
		for (const part of chunk(group.entries, SUPPRESSION_BATCH)) {
			try {
				const { body } = await api.request<{ recipient_emails?: string[] }>({
					method: 'POST',
					url: base,
					body: { recipient_emails: part.map((entry) => entry.email) },
					itemIndex: part[0].item,
				});
				const confirmed = new Set((body.recipient_emails ?? []).map((email) => email.toLowerCase()));
				for (const entry of part) {
					results.ok(
						entry.item,
						item({ email: entry.email, scope: group.scope, groupId: group.groupId ? Number(group.groupId) : null, operation: 'suppressed', confirmed: confirmed.has(entry.email.toLowerCase()) }, entry.item),
					);
				}
			} catch (error) {
				for (const entry of part) results.fail(entry.item, error);
			}
		}
	}
	return results.all();
}

async function removeSuppressions(ctx: IExecuteFunctions, api: Transport): Promise<INodeExecutionData[]> {
	return await perItem(ctx, api, async (i) => {
		const email = emailOf(ctx, i);
		const target = suppressionBase(ctx, i);
		await api.request({ method: 'DELETE', url: `${target.base}/${encodeURIComponent(email)}`, itemIndex: i });
		return { email, scope: target.scope, groupId: target.groupId ? Number(target.groupId) : null, operation: 'unsuppressed' };
	});
}

async function listSuppressions(ctx: IExecuteFunctions, api: Transport): Promise<INodeExecutionData[]> {
	return await perItem(ctx, api, async (i) => {
		const all = ctx.getNodeParameter('returnAll', i, false) as boolean;
		const max = all ? Infinity : (ctx.getNodeParameter('limit', i, 50) as number);
		const target = suppressionBase(ctx, i);
		if (target.scope === 'group') {
			// A group's suppressions come as one plain list of addresses, without paging.
			const { body } = await api.request<string[]>({ method: 'GET', url: target.base, itemIndex: i });
			return (body ?? []).slice(0, max).map((email) => item({ email, scope: 'group', groupId: Number(target.groupId), suppressedAt: null }, i));
		}
		const rows = await api.paginate<{ email: string; created: number }>(
			{ method: 'GET', url: '/v3/suppression/unsubscribes', itemIndex: i },
			{ style: 'offset', limit: Math.min(UNSUBSCRIBES_PAGE, max), items: (body) => body, max },
		);
		return rows.map((row) => item({ email: row.email, scope: 'global', groupId: null, suppressedAt: new Date(row.created * 1000).toISOString() }, i));
	});
}

export async function runSendGrid(ctx: IExecuteFunctions, api: Transport, resource: string, operation: string): Promise<INodeExecutionData[]> {
	if (resource === 'sendgridContact') {
		if (operation === 'upsert') return await upsertContacts(ctx, api);
		if (operation === 'search') return await searchContacts(ctx, api);
	} else {
		if (operation === 'add') return await addSuppressions(ctx, api);
		if (operation === 'remove') return await removeSuppressions(ctx, api);
		if (operation === 'list') return await listSuppressions(ctx, api);
	}
	throw new NodeOperationError(ctx.getNode(), `The operation "${operation}" is not known for ${resource}`);
}
