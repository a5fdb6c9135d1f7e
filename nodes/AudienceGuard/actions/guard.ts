/**
 * Guard: reads each contact's fields, asks the engine, and routes every item to exactly one of
 * Send now, Delay or Blocked, paired to its input.
 *
 * Three phases: (1) per item, everything that needs no ledger: consent, suppression, quiet hours,
 * and with the "From Input" ledger the Message ID and the caps too (the history is on the item;
 * earlier items of the same contact in this run count as sent). (2) With the Postgres ledger, the
 * contacts that could go now, and every contact with a Message ID (only the ledger knows whether
 * that message went out before, and a repeat goes even in quiet hours), are decided one by one,
 * each in its own transaction under the contact's advisory lock, on one connection opened for this
 * execution and closed before the node returns. (3) Routing: Send now and Blocked in input order;
 * Delay soonest first (ties in input order), because n8n's Wait node waits until the time of its
 * first item: "Delay → Wait (At Specified Time: guard.resumeAt) → back into the guard" then wakes
 * for the earliest contact, and the guard sends those due and delays the others again, until the
 * next one.
 *
 * Not routeItems: the ledger is asynchronous, and a guard must fail closed. Under "Continue On
 * Fail" an item the guard could not judge leaves on Blocked (never on Send now) as the shared
 * error item; "continue using error output" moves it to the error output.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { Client } from 'pg';

import { fieldReader, readText, type Field, type FieldReader } from '../../shared/fields';
import { asNodeError, errorItem, itemError } from '../../shared/items';
import {
	checkContact,
	decideTiming,
	GuardInputError,
	GuardSettingsError,
	isoUtc,
	firstPass,
	parseHistory,
	repeatOf,
	resolveSettings,
	RunReservations,
	type CapSpec,
	type Eligible,
	type GuardSettings,
	type Verdict,
} from '../engine';
import {
	connectionConfig,
	decideInLedger,
	ensureLedgerTable,
	ledgerTable,
	type LedgerTable,
	type PostgresCredential,
} from './postgresLedger';
import { now as clockNow } from '../../shared/clock';

const OUTPUT = { send: 0, delay: 1, blocked: 2 } as const;

const FIELDS = {
	contactId: { parameter: 'contactId', label: 'Contact ID', example: '{{ $json.userId }}' },
	messageId: { parameter: 'messageId', label: 'Message ID', example: 'welcome or {{ $json.campaign }}-tips' },
	consent: { parameter: 'consent', label: 'Consent', example: '{{ $json.consent.email }}' },
	unsubscribed: { parameter: 'unsubscribed', label: 'Unsubscribed', example: '{{ $json.unsubscribed }}' },
	suppression: { parameter: 'suppression', label: 'Suppression', example: '{{ $json.suppression }}' },
	timezone: { parameter: 'timezone', label: 'Time Zone', example: '{{ $json.timezone }}' },
	history: { parameter: 'history', label: 'Send History', example: '{{ $json.sendHistory }}' },
} satisfies Record<string, Field>;

function readSettings(ctx: IExecuteFunctions): GuardSettings {
	const caps = (ctx.getNodeParameter('caps.cap', 0, []) as IDataObject[]).map(
		(cap): CapSpec => ({
			limit: Number(cap.maxMessages),
			amount: Number(cap.amount),
			unit: cap.unit as CapSpec['unit'],
			scope: cap.scope as CapSpec['scope'],
		}),
	);
	try {
		return resolveSettings({
			channel: ctx.getNodeParameter('channel', 0) as string,
			unknownConsent: ctx.getNodeParameter('unknownConsent', 0) as 'block' | 'send',
			quietHoursStart: ctx.getNodeParameter('quietHoursStart', 0, '21:00') as string,
			quietHoursEnd: ctx.getNodeParameter('quietHoursEnd', 0, '08:00') as string,
			defaultTimezone: ctx.getNodeParameter('defaultTimezone', 0, '') as string,
			whenCapped: ctx.getNodeParameter('whenCapped', 0) as 'delay' | 'block',
			caps,
		});
	} catch (error) {
		if (!(error instanceof GuardSettingsError)) throw asNodeError(ctx, error);
		throw new NodeOperationError(ctx.getNode(), error.message, {
			description: error.fix,
		});
	}
}

/** A raw field value: a fast read for plain {{ $json.x }} mappings, n8n's expression otherwise. */
function raw(read: FieldReader, field: Field, i: number): unknown {
	const value = read(field.parameter, i);
	return typeof value === 'string' && value.trim() === '' ? undefined : value;
}

/** Engine errors about one contact's data become errors naming the item, the field and the fix. */
function inputError(ctx: IExecuteFunctions, error: unknown, i: number): Error {
	if (error instanceof GuardInputError) return itemError(ctx, i, error.message, error.fix);
	return asNodeError(ctx, error, i);
}

function contactIdOf(ctx: IExecuteFunctions, read: FieldReader, i: number): string {
	const id = readText(ctx, read, FIELDS.contactId, i);
	if (!id) {
		throw itemError(
			ctx,
			i,
			'Contact ID is missing',
			`Set "Contact ID" to a field every contact has, e.g. ${FIELDS.contactId.example} or {{ $json.email }}, or filter out contacts without one before this node.`,
		);
	}
	return id;
}

/** What the guard adds to an item beside its verdict. */
interface Extra {
	messageId?: string;
	reservationId?: number | string;
}

function guardJson(verdict: Verdict, settings: GuardSettings, now: number, { messageId, reservationId }: Extra): IDataObject {
	const guard: IDataObject = { decision: verdict.decision, channel: settings.channel, checkedAt: isoUtc(now) };
	if (messageId) guard.messageId = messageId;
	if (verdict.decision === 'send' && verdict.repeat) {
		guard.repeat = true;
		if (verdict.firstSentAt !== undefined) guard.firstSentAt = isoUtc(verdict.firstSentAt);
	}
	if (verdict.decision === 'delay') guard.resumeAt = isoUtc(verdict.resumeAt);
	if (verdict.decision !== 'send') {
		guard.reason = verdict.reason;
		guard.code = verdict.code;
	}
	if (reservationId !== undefined) guard.reservationId = reservationId;
	return guard;
}

interface Pending {
	index: number;
	contactId: string;
	eligible: Eligible;
	messageId: string;
}

export async function guardItems(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const settings = readSettings(ctx);
	const ledger = ctx.getNodeParameter('ledger', 0) as 'input' | 'postgres';
	const table = ledger === 'postgres' ? readLedgerTable(ctx) : undefined;
	const continueOnFail = ctx.continueOnFail();
	const read = fieldReader(ctx);
	const now = clockNow();
	const outputs: INodeExecutionData[][] = [[], [], []];
	const routed = new Array<{ output: number; item: INodeExecutionData; resumeAt?: number } | undefined>(items.length);

	const route = (i: number, verdict: Verdict, extra: Extra = {}) => {
		const item: INodeExecutionData = {
			json: { ...items[i].json, guard: guardJson(verdict, settings, now, extra) },
			pairedItem: { item: i },
		};
		if (items[i].binary) item.binary = items[i].binary;
		routed[i] = { output: OUTPUT[verdict.decision], item, resumeAt: verdict.decision === 'delay' ? verdict.resumeAt : undefined };
	};
	const fail = (i: number, error: Error) => {
		if (!continueOnFail) throw error;
		routed[i] = { output: OUTPUT.blocked, item: errorItem(error, i) };
	};

	// Phase 1: everything that needs no database.
	const reservations = new RunReservations();
	const pending: Pending[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const messageId = readText(ctx, read, FIELDS.messageId, i);
			const checked = checkContact(
				{
					consent: raw(read, FIELDS.consent, i),
					unsubscribed: raw(read, FIELDS.unsubscribed, i),
					suppression: raw(read, FIELDS.suppression, i),
					timezone: raw(read, FIELDS.timezone, i),
				},
				settings,
			);
			if ('blocked' in checked) {
				route(i, checked.blocked, { messageId });
				continue;
			}
			if (ledger === 'postgres') {
				// With a Message ID the ledger must first be asked for a repeat, which quiet hours do not hold.
				const early = messageId ? null : decideTiming(checked, settings, now, null);
				if (early && early.decision !== 'send') route(i, early);
				else pending.push({ index: i, contactId: contactIdOf(ctx, read, i), eligible: checked, messageId });
				continue;
			}
			const history = parseHistory(raw(read, FIELDS.history, i), settings.channel);
			// Contact ID finds the contact's earlier items in this run: needed for caps or a Message ID only.
			const contactId = settings.caps.length > 0 || messageId ? contactIdOf(ctx, read, i) : '';
			const sends = reservations.withReservations(contactId, history);
			const first = firstPass(sends, settings.channel, messageId);
			if (first) {
				route(i, repeatOf(first), { messageId });
				continue;
			}
			const verdict = decideTiming(checked, settings, now, sends);
			if (verdict.decision === 'send' && contactId) reservations.reserve(contactId, settings.channel, now, messageId);
			route(i, verdict, { messageId });
		} catch (error) {
			fail(i, inputError(ctx, error, i));
		}
	}

	// Phase 2: the Postgres ledger, for the contacts that could go now.
	if (table && pending.length > 0) await decideWithPostgres(ctx, table, settings, now, pending, route, fail);

	// Phase 3: every item on its output; Delay soonest first (a stable sort keeps input order on ties).
	const delayed: Array<{ item: INodeExecutionData; resumeAt: number }> = [];
	for (const entry of routed) {
		if (!entry) continue;
		if (entry.resumeAt !== undefined) delayed.push({ item: entry.item, resumeAt: entry.resumeAt });
		else outputs[entry.output].push(entry.item);
	}
	outputs[OUTPUT.delay] = delayed.sort((a, b) => a.resumeAt - b.resumeAt).map((entry) => entry.item);
	return outputs;
}

const NETWORK_FAILURES: Record<string, string> = {
	ECONNREFUSED: 'nothing accepted the connection (is the server running, and are the host and port right?)',
	ENOTFOUND: 'the host name was not found',
	EAI_AGAIN: 'the host name could not be looked up',
	ETIMEDOUT: 'the connection timed out',
	EHOSTUNREACH: 'the host is unreachable',
	ECONNRESET: 'the server closed the connection',
};

/**
 * What went wrong, in words: network failures by their code (n8n would otherwise replace the whole
 * message with a generic one when it sees the code in it), database errors by their own message.
 */
function describeFailure(error: unknown): string {
	const e = error as Error & { code?: string };
	if (e?.code && NETWORK_FAILURES[e.code]) return NETWORK_FAILURES[e.code];
	const text = String(e?.message ?? error);
	return text
		.replace(/\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ECONNRESET|ECONNABORTED|EADDRNOTAVAIL)\b/gi, '')
		.replace(/\s{2,}/g, ' ')
		.trim();
}

/** The ledger's table name, read before any contact is judged so a wrong name stops every run, at any hour. */
function readLedgerTable(ctx: IExecuteFunctions): LedgerTable {
	try {
		return ledgerTable(ctx.getNodeParameter('table', 0) as string);
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), 'Ledger Table is not a plain table name', { description: (error as Error).message });
	}
}

async function decideWithPostgres(
	ctx: IExecuteFunctions,
	table: LedgerTable,
	settings: GuardSettings,
	now: number,
	pending: Pending[],
	route: (i: number, verdict: Verdict, extra?: Extra) => void,
	fail: (i: number, error: Error) => void,
): Promise<void> {
	const credential = await ctx.getCredentials<PostgresCredential & IDataObject>('postgres');
	if (credential.sshTunnel) {
		throw new NodeOperationError(ctx.getNode(), 'The Postgres credential uses an SSH tunnel, which the Audience Guard does not support', {
			description: 'Use a Postgres credential that connects to the database directly (host and port reachable from n8n).',
		});
	}
	const config = connectionConfig(credential);
	const where = `${config.host}:${config.port}/${config.database}`;
	const client = new Client(config);
	// A dropped connection must fail this execution, not crash n8n with an unhandled 'error' event.
	let lost: Error | undefined;
	client.on('error', (error) => (lost = error));
	try {
		try {
			await client.connect();
			await ensureLedgerTable(client, table);
		} catch (error) {
			const problem = new NodeOperationError(ctx.getNode(), `Could not use the send ledger in Postgres at ${where}: ${describeFailure(error)}`, {
				description: `Check the Postgres credential (host, port, database, user, password, SSL) and that the user may create and write the table ${table.name}.`,
			});
			for (const { index } of pending) fail(index, problem);
			return;
		}
		const workflowId = String(ctx.getWorkflow().id ?? '');
		const executionId = String(ctx.getExecutionId() ?? '');
		const nodeName = ctx.getNode().name;
		for (const { index, contactId, eligible, messageId } of pending) {
			try {
				const { verdict, reservationId } = await decideInLedger(client, table, {
					contactId,
					channel: settings.channel,
					message: messageId || undefined,
					now,
					lookbackMs: settings.lookbackMs,
					workflowId,
					executionId,
					itemKey: `${nodeName}#${index}`,
					decide: (sends) => decideTiming(eligible, settings, now, sends),
				});
				route(index, verdict, { messageId, reservationId });
			} catch (error) {
				const cause = lost ?? (error as Error);
				fail(
					index,
					itemError(
						ctx,
						index,
						`the send ledger in Postgres failed: ${describeFailure(cause)}`,
						'Nothing was reserved for this contact. Check that the database is reachable, then run the workflow again.',
					),
				);
			}
		}
	} finally {
		await client.end().catch(() => undefined);
	}
}
