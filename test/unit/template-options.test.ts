/**
 * A template's Campaign Kit nodes set their choice fields (Provider, Resource, Operation, …) to
 * values the node offers. A value the node does not offer shows as an error in the editor and,
 * where the node reads it unchecked, fails at run time (the delivery-events template's provider
 * "sendGrid" against the option "sendgrid" answered every callback with 500).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const PREFIX = 'n8n-nodes-campaign-kit.';
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { n8n: { nodes: string[] } };

interface Property {
	name: string;
	type: string;
	options?: Array<{ value?: unknown }>;
}

/** Every node's choice fields by node type: field name → the values it offers (a name may appear once per resource). */
const choices = new Map<string, Map<string, Set<unknown>>>();
for (const listed of manifest.n8n.nodes) {
	const file = path.join(ROOT, listed.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
	const className = path.basename(file).split('.')[0];
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const description = new (require(file)[className])().description as { name: string; properties: Property[] };
	const fields = new Map<string, Set<unknown>>();
	for (const property of description.properties.filter((p) => p.type === 'options')) {
		const offered = fields.get(property.name) ?? new Set<unknown>();
		for (const option of property.options ?? []) offered.add(option.value);
		fields.set(property.name, offered);
	}
	choices.set(`${PREFIX}${description.name}`, fields);
}

const templates = readdirSync(path.join(ROOT, 'templates'))
	.filter((file) => file.endsWith('.json'))
	.map((file) => ({ file, workflow: JSON.parse(readFileSync(path.join(ROOT, 'templates', file), 'utf8')) as { nodes?: Array<{ name: string; type: string; parameters: Record<string, unknown> }> } }))
	.filter(({ workflow }) => Array.isArray(workflow.nodes));

describe('templates: choice fields hold values the node offers', () => {
	it.each(templates.map(({ file, workflow }) => [file, workflow] as const))('%s', (_file, workflow) => {
		const wrong: string[] = [];
		for (const node of workflow.nodes!.filter((n) => n.type.startsWith(PREFIX))) {
			const fields = choices.get(node.type);
			expect(fields).toBeDefined();
			for (const [name, value] of Object.entries(node.parameters)) {
				const offered = fields!.get(name);
				if (!offered || (typeof value === 'string' && value.startsWith('='))) continue;
				if (!offered.has(value)) wrong.push(`${node.name}: ${name} = ${JSON.stringify(value)} (offered: ${[...offered].map((v) => JSON.stringify(v)).join(', ')})`);
			}
		}
		expect(wrong).toEqual([]);
	});
});
