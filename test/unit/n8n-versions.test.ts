/**
 * n8n strips a community package's peer dependencies: the package runs against the host's own
 * n8n-workflow. These tests hold the package to the API of both supported lines, n8n 2.x
 * (n8n-workflow 2.x) and n8n 1.123.x (n8n-workflow 1.120.x, installed here as `n8n-workflow-1`):
 * every value imported from n8n-workflow exists in both, and every node and credential class loads
 * and describes itself the same under each (one class failing would hide every node of the package).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const LINES = { 'n8n 2.x': 'n8n-workflow', 'n8n 1.123.x': 'n8n-workflow-1' } as const;

function sourceFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const file = path.join(dir, name);
		if (statSync(file).isDirectory()) return sourceFiles(file);
		return file.endsWith('.ts') ? [file] : [];
	});
}

/** Names imported from n8n-workflow as values (type-only imports are erased and cost nothing). */
function valueImports(): Map<string, string[]> {
	const found = new Map<string, string[]>();
	for (const file of [...sourceFiles(path.join(ROOT, 'nodes')), ...sourceFiles(path.join(ROOT, 'credentials'))]) {
		const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
		for (const statement of source.statements) {
			if (!ts.isImportDeclaration(statement) || (statement.moduleSpecifier as ts.StringLiteral).text !== 'n8n-workflow') continue;
			const clause = statement.importClause;
			if (!clause || clause.isTypeOnly || !clause.namedBindings || !ts.isNamedImports(clause.namedBindings)) continue;
			for (const element of clause.namedBindings.elements) {
				if (element.isTypeOnly) continue;
				const name = (element.propertyName ?? element.name).text;
				found.set(name, [...(found.get(name) ?? []), path.relative(ROOT, file)]);
			}
		}
	}
	return found;
}

const classes = [...manifest.n8n.nodes, ...manifest.n8n.credentials].map((listed: string) => {
	const file = path.join(ROOT, listed.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
	return { file, className: path.basename(file).split('.')[0] };
});

/** Loads one class with `n8n-workflow` resolved to the given line's package; returns its description. */
function describeUnder(pkg: string, { file, className }: { file: string; className: string }): unknown {
	let description: unknown;
	jest.isolateModules(() => {
		jest.doMock('n8n-workflow', () => jest.requireActual(pkg));
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const instance = new (require(file)[className])();
		description = JSON.parse(JSON.stringify(instance.description ?? instance));
	});
	jest.dontMock('n8n-workflow');
	return description;
}

describe('n8n-workflow API of both supported n8n lines', () => {
	it('every value the package imports from n8n-workflow exists in 1.120.x and 2.x', () => {
		const modern = jest.requireActual('n8n-workflow');
		const old = jest.requireActual('n8n-workflow-1');
		const missing = [...valueImports()]
			.filter(([name]) => name in modern && !(name in old))
			.map(([name, files]) => `${name} (${[...new Set(files)].join(', ')})`);
		expect(missing).toEqual([]);
	});

	it('the check sees a name 1.x lacks (webhookDescriptionFields is 2.35+)', () => {
		expect('webhookDescriptionFields' in jest.requireActual('n8n-workflow')).toBe(true);
		expect('webhookDescriptionFields' in jest.requireActual('n8n-workflow-1')).toBe(false);
	});

	it.each(classes.map((c) => [path.basename(c.file), c]))('%s loads under both lines with the same description', (_name, c) => {
		const [modern, old] = Object.values(LINES).map((pkg) => describeUnder(pkg, c));
		expect(modern).toBeTruthy();
		expect(old).toEqual(modern);
	});
});
