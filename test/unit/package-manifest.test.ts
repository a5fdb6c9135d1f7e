/**
 * n8n loads exactly what package.json's "n8n" section lists: every node and credential the
 * package has must be there, and each node needs its codex file and light and dark icons.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const source = (listed: string) => path.join(ROOT, listed.replace(/^dist\//, '').replace(/\.js$/, '.ts'));

describe('package.json n8n section', () => {
	it('lists every node folder and every credential file, and nothing that does not exist', () => {
		const nodes = readdirSync(path.join(ROOT, 'nodes'))
			.filter((dir) => existsSync(path.join(ROOT, 'nodes', dir, `${dir}.node.ts`)))
			.map((dir) => `dist/nodes/${dir}/${dir}.node.js`);
		const credentials = readdirSync(path.join(ROOT, 'credentials'))
			.filter((file) => file.endsWith('.credentials.ts'))
			.map((file) => `dist/credentials/${file.replace(/\.ts$/, '.js')}`);
		expect([...manifest.n8n.nodes].sort()).toEqual(nodes.sort());
		expect([...manifest.n8n.credentials].sort()).toEqual(credentials.sort());
		for (const listed of [...manifest.n8n.nodes, ...manifest.n8n.credentials]) expect(existsSync(source(listed))).toBe(true);
	});

	it('gives every node a codex file naming its type and light and dark icons that exist', () => {
		for (const listed of manifest.n8n.nodes as string[]) {
			const file = source(listed);
			const codex = JSON.parse(readFileSync(file.replace(/\.ts$/, '.json'), 'utf8'));
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const { name, icon } = new (require(file)[path.basename(file).split('.')[0]])().description;
			expect(codex.node).toBe(`n8n-nodes-campaign-kit.${name}`);
			// Searching the node panel for the package's name or "campaign" finds every node.
			expect(codex.alias).toEqual(expect.arrayContaining(['Campaign Kit', 'campaign']));
			expect(icon).toEqual({ light: expect.stringMatching(/^file:.+\.svg$/), dark: expect.stringMatching(/^file:.+\.dark\.svg$/) });
			for (const variant of [icon.light, icon.dark]) expect(existsSync(path.join(path.dirname(file), variant.slice(5)))).toBe(true);
		}
	});
});

describe('the published package', () => {
	it('holds only the built code, README, LICENSE and package.json, and every file n8n loads', () => {
		const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
		const files: string[] = pack.files.map((file: { path: string }) => file.path);
		expect(files.filter((file) => !file.startsWith('dist/')).sort()).toEqual(['LICENSE', 'README.md', 'package.json']);
		expect(files.filter((file) => file.endsWith('.map'))).toEqual([]);
		if (existsSync(path.join(ROOT, 'dist'))) {
			for (const listed of [...manifest.n8n.nodes, ...manifest.n8n.credentials]) expect(files).toContain(listed);
		}
	});

	it('names its licence, repository and issue tracker, and no entry point that does not exist', () => {
		expect(manifest.license).toBe('MIT');
		expect(readFileSync(path.join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
		expect(manifest.repository.url).toMatch(/^git\+https:\/\/github\.com\/.+\.git$/);
		expect(manifest.bugs.url).toMatch(/^https:\/\/github\.com\/.+\/issues$/);
		if (manifest.main) expect(existsSync(path.join(ROOT, manifest.main))).toBe(true);
	});
});
