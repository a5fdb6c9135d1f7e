/**
 * A template from templates/ with only the changes a user makes in the editor, imported through
 * n8n's public API: used by the e2e tests (one n8n) and the queue-mode test (a cluster's main).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureDataTables, linkSubWorkflows } = require('../../scripts/host');

export const PREFIX = 'n8n-nodes-campaign-kit';
const ROOT = path.resolve(__dirname, '../..');
const TEMPLATES = path.join(ROOT, 'templates');

interface TemplateNode {
	name: string;
	type: string;
	parameters: IDataObject;
	credentials?: IDataObject;
	[key: string]: unknown;
}

export interface Template {
	name: string;
	nodes: TemplateNode[];
	connections: IDataObject;
	settings?: IDataObject;
}

export interface TemplateChanges {
	/** New values for the template's Settings node (the knobs it offers its users), by name. */
	settings?: IDataObject;
	/** Turn Simulate off in every Campaign Kit node that has it (as a user does once accounts are connected). */
	live?: boolean;
	/** Credentials to use, by credential type ({ campaignKitSendGridApi: { id, name } }): every Campaign Kit node that accepts one gets it. */
	credentials?: Record<string, { id: string; name: string }>;
	/** Give webhooks their own path (several tests share one n8n). */
	webhookPaths?: Record<string, string>;
	/** Other parameters a user sets, by node name (e.g. a schedule's interval). */
	parameters?: Record<string, IDataObject>;
	/** Nodes the user deletes, joining what came into each to what it led to (one input, one output). */
	remove?: string[];
	/** Send History: In Postgres on every sending node (what the template's queue-mode note asks for). */
	sendHistoryInPostgres?: boolean;
	/** Name suffix, so several tests can import the same template. */
	suffix?: string;
}

export interface TemplateClient {
	api(method: string, route: string, body?: unknown): Promise<unknown>;
	upsertWorkflow(workflow: unknown): Promise<{ id: string; name: string }>;
	activate(id: string): Promise<unknown>;
	publishSubWorkflow(id: string): Promise<unknown>;
}

export const readTemplate = (file: string): Template => JSON.parse(readFileSync(path.join(TEMPLATES, file), 'utf8')) as Template;

/** The credential types a Campaign Kit node type accepts, read from the built package. */
function credentialTypesOf(type: string): string[] {
	if (!type.startsWith(`${PREFIX}.`)) return [];
	const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { n8n: { nodes: string[] } };
	for (const file of manifest.n8n.nodes) {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const module = require(path.join(ROOT, file)) as Record<string, new () => { description: { name: string; credentials?: Array<{ name: string }> } }>;
		const description = new (Object.values(module)[0])().description;
		if (`${PREFIX}.${description.name}` === type) return (description.credentials ?? []).map((credential) => credential.name);
	}
	return [];
}

/** The template's workflow with a user's changes applied (nothing else of it is touched). */
export function withChanges(file: string, template: Template, changes: TemplateChanges): Template {
	const nodes = template.nodes.map((node) => {
		let parameters = node.parameters;
		if (node.name === 'Settings' && changes.settings) {
			const assignments = ((parameters.assignments as IDataObject).assignments as IDataObject[]).map((a) =>
				a.name && Object.prototype.hasOwnProperty.call(changes.settings, a.name as string) ? { ...a, value: changes.settings![a.name as string] } : a,
			);
			const unknown = Object.keys(changes.settings).filter((name) => !assignments.some((a) => a.name === name));
			if (unknown.length) throw new Error(`${file}'s Settings node has no ${unknown.join(', ')}`);
			parameters = { ...parameters, assignments: { assignments } };
		}
		if (changes.live && node.type.startsWith(`${PREFIX}.`) && 'simulate' in parameters) parameters = { ...parameters, simulate: false };
		if (changes.sendHistoryInPostgres && node.type.startsWith(`${PREFIX}.`) && credentialTypesOf(node.type).includes('postgres') && 'simulate' in parameters) {
			parameters = { ...parameters, sendHistory: 'postgres' };
		}
		if (changes.webhookPaths?.[node.name]) parameters = { ...parameters, path: changes.webhookPaths[node.name] };
		if (changes.parameters?.[node.name]) parameters = { ...parameters, ...changes.parameters[node.name] };
		// Templates carry no credentials (n8n refuses to run a node whose credential does not exist,
		// even in Simulate mode): give each node the chosen ones its type accepts.
		const accepted = changes.credentials ? credentialTypesOf(node.type).filter((type) => changes.credentials![type]) : [];
		const chosen = accepted.length ? { ...node.credentials, ...Object.fromEntries(accepted.map((type) => [type, changes.credentials![type]])) } : node.credentials;
		return { ...node, parameters, ...(chosen ? { credentials: chosen } : {}) };
	});
	const unknown = [...Object.keys(changes.parameters ?? {}), ...(changes.remove ?? [])].filter((name) => !template.nodes.some((node) => node.name === name));
	if (unknown.length) throw new Error(`${file} has no node ${unknown.join(', ')}`);
	const name = changes.suffix ? `${template.name} (${changes.suffix})` : template.name;
	let connections = template.connections as Connections;
	for (const removed of changes.remove ?? []) connections = bypass(connections, removed);
	return { ...template, name, nodes: nodes.filter((node) => !changes.remove?.includes(node.name)), connections };
}

type Connections = Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }>;

/** The connections without `removed`: whatever led into it leads to where it led. */
function bypass(connections: Connections, removed: string): Connections {
	const next = connections[removed]?.main[0] ?? [];
	const out: Connections = {};
	for (const [from, { main }] of Object.entries(connections)) {
		if (from === removed) continue;
		out[from] = { main: main.map((targets) => targets.flatMap((target) => (target.node === removed ? next : [target]))) };
	}
	return out;
}

/**
 * Imports a template through the public API, as a user would: its Data Tables are created first,
 * and Execute Workflow nodes point at the sub-workflow templates they name (imported first).
 */
export async function importTemplateWith(c: TemplateClient, file: string, changes: TemplateChanges = {}) {
	await ensureDataTables(c);
	const template = readTemplate(file);
	const subs: Array<{ id: string; name: string }> = [];
	for (const node of template.nodes) {
		const target = node.type === 'n8n-nodes-base.executeWorkflow' ? (node.parameters.workflowId as IDataObject | undefined) : undefined;
		if (!target?.cachedResultName) continue;
		const sub = readdirSync(TEMPLATES).find((f) => f.endsWith('.json') && readTemplate(f).name === target.cachedResultName);
		if (!sub) throw new Error(`${file} calls "${target.cachedResultName}", which is not a template`);
		const saved = await c.upsertWorkflow(readTemplate(sub));
		await c.publishSubWorkflow(saved.id); // n8n 2.x runs only published sub-workflows from published parents
		subs.push(saved);
	}
	const changed = withChanges(file, template, changes);
	const saved = await c.upsertWorkflow(linkSubWorkflows(changed, subs));
	return { id: saved.id, name: changed.name, subWorkflows: subs };
}
