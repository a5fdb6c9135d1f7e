/**
 * What an end-to-end test needs from the real n8n that global-setup started: deploy a workflow
 * through the public API (import + activate, as a user would), call its webhook, and show n8n's
 * log when something fails.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

import type { IDataObject } from 'n8n-workflow';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { N8nClient, ensureDataTables, dataTableSpecs } = require('../../scripts/host');

export const PREFIX = 'n8n-nodes-campaign-kit';

export function client() {
	const url = process.env.CK_N8N_URL;
	if (!url) throw new Error('CK_N8N_URL is not set: e2e tests run through `npm test` (jest global setup starts n8n)');
	const c = new N8nClient(url);
	c.apiKey = process.env.CK_N8N_API_KEY;
	return c as {
		baseUrl: string;
		api(method: string, route: string, body?: unknown): Promise<IDataObject & { data: IDataObject[] }>;
		upsertWorkflow(workflow: IDataObject): Promise<{ id: string; name: string }>;
		activate(id: string): Promise<unknown>;
		deactivate(id: string): Promise<unknown>;
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
		async post(path: string, body: unknown, init: { headers?: Record<string, string>; raw?: string } = {}): Promise<{ status: number; body: unknown }> {
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
		},
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
