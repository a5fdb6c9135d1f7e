/**
 * Custom audiences: create a customer-list audience, add or remove people (one per item,
 * normalised and SHA-256-hashed here, uploaded in one session per audience of at most 10,000
 * records per call), and create lookalikes.
 */
import { randomInt } from 'node:crypto';

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { asNodeError, errorItem, itemError } from '../../shared/items';
import { shown } from '../../shared/show';
import { matchValue, type MatchKey } from '../engine/hashing';
import { sessionBatches } from '../engine/sessions';
import { item, perItem, type Graph } from './shared';

type Json = IDataObject;

/** The parameter holding each key's field mapping. */
const FIELD_OF: Record<MatchKey, string> = {
	EMAIL: 'email',
	PHONE: 'phone',
	FN: 'firstName',
	LN: 'lastName',
	CT: 'city',
	ST: 'state',
	ZIP: 'zip',
	COUNTRY: 'country',
	GEN: 'gender',
	DOBY: 'birthYear',
	EXTERN_ID: 'externalId',
	MADID: 'madid',
};

export async function createAudience(ctx: IExecuteFunctions, g: Graph, lookalike: boolean): Promise<INodeExecutionData[]> {
	return await perItem(ctx, async (i) => {
		const name = String(ctx.getNodeParameter('audienceName', i)).trim();
		let body: Json;
		if (!lookalike) {
			body = { name, subtype: 'CUSTOM', description: ctx.getNodeParameter('description', i, ''), customer_file_source: 'USER_PROVIDED_ONLY' };
		} else {
			const country = String(ctx.getNodeParameter('country', i)).trim().toUpperCase();
			if (!/^[A-Z]{2}$/.test(country)) throw itemError(ctx, i, `Country is ${shown(country)}`, 'Use a two-letter country code such as US or DE.');
			const ratio = Number(ctx.getNodeParameter('ratio', i));
			if (!(ratio >= 1 && ratio <= 20)) throw itemError(ctx, i, `Size is ${ratio}%`, 'Use 1 to 20 (percent of the country).');
			body = {
				name,
				subtype: 'LOOKALIKE',
				origin_audience_id: String(ctx.getNodeParameter('originAudienceId', i)).trim(),
				lookalike_spec: { type: 'similarity', ratio: ratio / 100, country },
			};
		}
		const { body: created } = await g.api.request<{ id: string }>({ method: 'POST', url: `${g.version}/${g.account}/customaudiences`, body, itemIndex: i });
		return [item({ id: created.id, audienceId: created.id, ...body }, i)];
	});
}

interface Person {
	item: number;
	values: string[];
}

/** Add or remove: every item is one person; all people of one audience go up as one session. */
export async function changeUsers(ctx: IExecuteFunctions, g: Graph, remove: boolean): Promise<INodeExecutionData[]> {
	const count = ctx.getInputData().length;
	const out: INodeExecutionData[] = [];
	const fail = (error: unknown, i: number) => {
		const nodeError = asNodeError(ctx, error, i);
		if (!ctx.continueOnFail()) throw nodeError;
		out.push(errorItem(nodeError, i));
	};
	const keys = ctx.getNodeParameter('matchKeys', 0) as MatchKey[];
	if (!keys.length) throw itemError(ctx, 0, 'no Match Keys are chosen', 'Choose at least one, such as Email.');
	const audiences = new Map<string, Person[]>();
	for (let i = 0; i < count; i++) {
		try {
			const audienceId = String(ctx.getNodeParameter('audienceId', i)).trim();
			if (!audienceId) throw itemError(ctx, i, 'Audience ID is empty', 'Set "Audience ID" to the custom audience to change.');
			const code = keys.includes('PHONE') ? String(ctx.getNodeParameter('defaultCallingCode', i, '') ?? '') : '';
			const raw = keys.map((key) => ctx.getNodeParameter(FIELD_OF[key], i, '') as unknown);
			const values = keys.map((key, k) => matchValue(key, raw[k], code));
			if (values.every((value) => value === '')) {
				const given = keys.map((key, k) => `${key.toLowerCase()} ${shown(raw[k] ?? '')}`).join(', ');
				throw itemError(ctx, i, `has no usable identifier (${given})`, 'Map the match keys to fields that hold an email address, a phone number with its country code, …');
			}
			let list = audiences.get(audienceId);
			if (!list) audiences.set(audienceId, (list = []));
			list.push({ item: i, values });
		} catch (error) {
			fail(error, i);
		}
	}
	for (const [audienceId, people] of audiences) {
		const sessionId = randomInt(1, 2 ** 47);
		for (const batch of sessionBatches(people, sessionId)) {
			const first = batch.rows[0].item;
			try {
				const { body } = await g.api.request<Json>({
					method: remove ? 'DELETE' : 'POST',
					url: `${g.version}/${audienceId}/users`,
					body: { payload: { schema: keys, data: batch.rows.map((person) => person.values) }, session: batch.session },
					itemIndex: first,
				});
				for (const person of batch.rows) {
					out.push(
						item(
							{
								audienceId,
								operation: remove ? 'removed' : 'added',
								matchKeys: keys.filter((_, k) => person.values[k] !== ''),
								sessionId: String(body.session_id ?? sessionId),
								batch: batch.session.batch_seq,
								batchRecords: batch.rows.length,
								numReceived: (body.num_received as number | undefined) ?? null,
								numInvalidEntries: (body.num_invalid_entries as number | undefined) ?? null,
							},
							person.item,
						),
					);
				}
			} catch (error) {
				for (const person of batch.rows) fail(error, person.item);
			}
		}
	}
	return out.sort((a, b) => (a.pairedItem as { item: number }).item - (b.pairedItem as { item: number }).item);
}


