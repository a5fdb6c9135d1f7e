/**
 * What an end-to-end test needs from the real n8n that global-setup started: deploy a workflow
 * through the public API (import + activate, as a user would), call its webhook, and show n8n's
 * log when something fails.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

import type { IDataObject } from 'n8n-workflow';

import { importTemplateWith, type TemplateChanges } from '../helpers/templates';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { N8nClient, ensureDataTables, dataTableSpecs } = require('../../scripts/host');

export { PREFIX } from '../helpers/templates';

/** The owner global-setup creates (the editor's REST API needs a signed-in user). */
export const OWNER = { email: 'e2e@campaign-kit.local', password: 'E2e-password-1' };

export function client() {
	const url = process.env.CK_N8N_URL;
	if (!url) throw new Error('CK_N8N_URL is not set: e2e tests run through `npm test` (jest global setup starts n8n)');
	const c = new N8nClient(url, process.env.CK_N8N_VERSION);
	c.apiKey = process.env.CK_N8N_API_KEY;
	c.owner = OWNER; // n8n 1.x: Data Tables only through the editor's REST API
	return c as {
		baseUrl: string;
		api(method: string, route: string, body?: unknown): Promise<IDataObject & { data: IDataObject[] }>;
		upsertWorkflow(workflow: IDataObject): Promise<{ id: string; name: string }>;
		activate(id: string): Promise<unknown>;
		deactivate(id: string): Promise<unknown>;
		publishSubWorkflow(id: string): Promise<unknown>;
	};
}

export function n8nLog(lines = 80): string {
	const file = process.env.CK_N8N_LOG;
	if (!file || !existsSync(file)) return '(no n8n log)';
	return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

/** Creates the templates' Data Tables that are missing (as `npm start` does); returns { name: id }. */
export async function templateTables(): Promise<Record<string, string>> {
	return ensureDataTables(client(), dataTableSpecs());
}

/** Every row of a Data Table whose `column` starts with `prefix` (tests share tables: each uses its own prefix). */
export async function tableRows(tableId: string, column: string, prefix: string): Promise<IDataObject[]> {
	const filter = encodeURIComponent(JSON.stringify({ type: 'and', filters: [{ columnName: column, condition: 'like', value: `${prefix}%` }] }));
	const rows: IDataObject[] = [];
	let cursor: string | undefined;
	do {
		const page = await client().api('GET', `/data-tables/${tableId}/rows?limit=250&filter=${filter}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
		rows.push(...page.data);
		cursor = page.nextCursor as string | undefined;
	} while (cursor);
	return rows;
}

/** Creates a credential through the public API; returns what a node's `credentials` entry needs. */
export async function createCredential(type: string, data: IDataObject, name = `${type} ${randomUUID().slice(0, 8)}`) {
	const saved = await client().api('POST', '/credentials', { name, type, data });
	return { id: String(saved.id), name };
}

/** The finished executions of a workflow, newest first, with their data. */
export async function executions(workflowId: string): Promise<Array<IDataObject & { data?: { resultData: { runData: Record<string, Array<{ data?: { main: Array<Array<{ json: IDataObject }>> } }>> } } }>> {
	const page = await client().api('GET', `/executions?workflowId=${workflowId}&includeData=true&limit=100`);
	return page.data as never;
}

/** Waits until a workflow has `count` finished executions (webhook runs finish after the answer; all e2e files share one n8n, so a busy one can take a while). */
export async function waitForExecutions(workflowId: string, count: number, timeoutMs = 60_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const list = (await executions(workflowId)).filter((e) => e.finished || e.status === 'success' || e.status === 'error');
		if (list.length >= count || Date.now() > deadline) return list;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

export interface WorkflowNode {
	name: string;
	type: string;
	typeVersion: number;
	parameters: IDataObject;
	position?: [number, number];
	webhookId?: string;
	[key: string]: unknown;
}

/** Posts to an active workflow's webhook, asking again while n8n is still registering it (a "not registered" 404 ran nothing). */
export async function postWebhook(path: string, body: unknown, init: { headers?: Record<string, string>; raw?: string } = {}): Promise<{ status: number; body: unknown }> {
	const c = client();
	// Activation answers before the webhook is registered; a "not registered" 404 ran nothing,
	// so asking again is safe.
	let res: Response;
	let text: string;
	const deadline = Date.now() + 10_000;
	for (;;) {
		res = await fetch(`${c.baseUrl}/webhook/${path}`, {
			method: 'POST',
			// One value per header whatever its case: fetch would send both spellings joined.
			headers: Object.fromEntries(
				Object.entries({ 'content-type': 'application/json', ...init.headers }).map(([name, value]) => [name.toLowerCase(), value]),
			),
			body: init.raw ?? JSON.stringify(body),
		});
		text = await res.text();
		if (res.status !== 404 || !text.includes('is not registered') || Date.now() > deadline) break;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	let parsed: unknown = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		// not JSON: keep the text
	}
	if (res.status >= 500) console.error(`n8n answered ${res.status}: ${text}\n--- n8n log ---\n${n8nLog()}`);
	return { status: res.status, body: parsed };
}

/** Imports and activates a workflow; returns a function that posts to its webhook. */
export async function deploy(workflow: { name: string; nodes: WorkflowNode[]; connections: IDataObject }) {
	const c = client();
	const nodes = workflow.nodes.map((node, i) => ({
		id: randomUUID(),
		position: [i * 220, 0] as [number, number],
		...node,
		...(node.type === 'n8n-nodes-base.webhook' || node.webhookId ? { webhookId: node.webhookId ?? randomUUID() } : {}),
	}));
	const saved = await c.upsertWorkflow({ ...workflow, nodes, settings: { executionOrder: 'v1' } });
	await c.activate(saved.id);
	return {
		id: saved.id,
		post: postWebhook,
		stop: () => c.deactivate(saved.id),
	};
}

export const webhook = (path: string): WorkflowNode => ({
	name: 'Webhook',
	type: 'n8n-nodes-base.webhook',
	typeVersion: 2,
	parameters: { httpMethod: 'POST', path, responseMode: 'responseNode', options: {} },
});

export const respond = (name = 'Respond'): WorkflowNode => ({
	name,
	type: 'n8n-nodes-base.respondToWebhook',
	typeVersion: 1.1,
	parameters: { respondWith: 'allIncomingItems', options: {} },
});

export const connect = (...pairs: Array<[from: string, to: string, fromOutput?: number, toInput?: number]>) => {
	const connections: Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }> = {};
	for (const [from, to, fromOutput = 0, toInput = 0] of pairs) {
		const main = (connections[from] ??= { main: [] }).main;
		while (main.length <= fromOutput) main.push([]);
		main[fromOutput].push({ node: to, type: 'main', index: toInput });
	}
	return connections;
};

type Execution = Awaited<ReturnType<typeof executions>>[number];

/** Items a node put out on one of its outputs, in an execution with data. */
export const outputOf = (execution: Execution, node: string, output = 0, run = 0): IDataObject[] =>
	(execution.data?.resultData.runData[node]?.[run]?.data?.main[output] ?? []).map((item) => item.json);

/** Every run's items of a node's output (a node inside a loop or fed twice runs more than once). */
export const allOutputsOf = (execution: Execution, node: string, output = 0): IDataObject[] =>
	(execution.data?.resultData.runData[node] ?? []).flatMap((run) => (run.data?.main[output] ?? []).map((item) => item.json));

export type { TemplateChanges };

/**
 * Imports a template from templates/ through the public API, as a user would, with only the
 * changes a user makes in the editor (test/helpers/templates.ts).
 */
export async function importTemplate(file: string, changes: TemplateChanges = {}) {
	return importTemplateWith(client(), file, changes);
}

/** Signs in as the owner (the editor's REST API takes a session cookie, not an API key). */
async function editorSession() {
	const c = new N8nClient(process.env.CK_N8N_URL, process.env.CK_N8N_VERSION);
	await c.signIn(OWNER);
	return c as { rest(method: string, route: string, body?: unknown): Promise<IDataObject>; runWorkflow(id: string, trigger: string): Promise<IDataObject> };
}

/**
 * Runs a saved workflow from one of its triggers as the editor's "Execute workflow" button does,
 * and waits for the execution to finish; returns it with its data.
 */
export async function runManually(workflowId: string, trigger: string, timeoutMs = 120_000): Promise<Execution> {
	const session = await editorSession();
	const started = await session.runWorkflow(workflowId, trigger);
	const executionId = String(started.executionId);
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const execution = (await client().api('GET', `/executions/${executionId}?includeData=true`)) as unknown as Execution;
		if (execution.finished || ['success', 'error', 'crashed', 'canceled'].includes(execution.status as string)) return execution;
		if (Date.now() > deadline) throw new Error(`execution ${executionId} did not finish in ${timeoutMs / 1000} s (status ${execution.status})\n${n8nLog()}`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

/** What a workflow's executions say (status, last node, error), for a failing test. */
export async function story(workflowId: string): Promise<string> {
	return (await executions(workflowId))
		.map((e) => {
			const result = (e.data as IDataObject | undefined)?.resultData as IDataObject | undefined;
			const error = result?.error as IDataObject | undefined;
			return `${e.id} ${e.status} last node: ${result?.lastNodeExecuted ?? '-'}${error ? ` error: ${error.message} ${error.description ?? ''}` : ''}`;
		})
		.join('\n');
}

/**
 * Waits until `check` gives something other than undefined or false, and returns it. On timeout
 * the error says what was awaited, with the workflow's executions when one is named, else n8n's log.
 */
export async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60_000, workflowId?: string): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined && value !== false) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${workflowId ? await story(workflowId) : n8nLog()}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}
