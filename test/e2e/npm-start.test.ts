/**
 * The newcomer's path: `npm start` builds, installs Campaign Kit into its own n8n, imports the
 * templates, prints the login, serves the editor with our nodes in the panel, and stops on Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const host = require('../../scripts/host');

describe('npm start', () => {
	it('serves n8n with Campaign Kit in the node panel and the templates imported; Ctrl-C stops it', async () => {
		// Builds, installs and boots a second n8n: minutes on a slow machine, not seconds.
		const folder = mkdtempSync(path.join(tmpdir(), 'ck-start-'));
		const templates = path.join(folder, 'templates');
		mkdirSync(templates);
		writeFileSync(
			path.join(templates, 'split-demo.json'),
			JSON.stringify({
				name: 'Demo: split contacts',
				nodes: [
					{ id: 'm', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
					{ id: 's', name: 'A/B Split', type: 'n8n-nodes-campaign-kit.abSplit', typeVersion: 1, position: [220, 0], parameters: {} },
				],
				connections: { Start: { main: [[{ node: 'A/B Split', type: 'main', index: 0 }]] } },
			}),
		);
		const port = await host.freePort();
		const child = spawn(process.execPath, [path.join(host.ROOT, 'scripts', 'start.js')], {
			env: {
				...process.env,
				NODE_ENV: '',
				N8N_PORT: String(port),
				CAMPAIGN_KIT_USER_FOLDER: path.join(folder, 'n8n'),
				CAMPAIGN_KIT_TEMPLATES_DIR: templates,
			},
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';
		child.stdout.on('data', (chunk) => (output += chunk));
		child.stderr.on('data', (chunk) => (output += chunk));
		const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
		try {
			await host.waitFor(async () => output.includes('Press Ctrl-C to stop'), {
				timeoutMs: 240_000,
				what: 'npm start printing its banner',
				onTimeout: () => output,
			});
			expect(output).toContain(`Campaign Kit is running in n8n: http://localhost:${port}`);
			expect(output).toContain('Log in as owner@campaign-kit.local / CampaignKit-local-1');
			expect(output).toContain('Templates imported: Demo: split contacts');

			// Log in as the printed owner and look at what the editor would show.
			const client = new host.N8nClient(`http://127.0.0.1:${port}`);
			await client.signIn({ email: 'owner@campaign-kit.local', password: 'CampaignKit-local-1' });
			const types = (await (await fetch(`${client.baseUrl}/types/nodes.json`, { headers: { cookie: client.cookie } })).json()) as Array<{ name: string; displayName: string }>;
			const split = types.find((t) => t.name === 'n8n-nodes-campaign-kit.abSplit');
			expect(split?.displayName).toBe('A/B Split');
			const workflows = await client.rest('GET', '/workflows');
			expect(workflows.map((w: { name: string }) => w.name)).toContain('Demo: split contacts');
		} finally {
			child.kill('SIGINT');
		}
		expect(await exited).toBe(0);
		expect(output).toContain('Ctrl-C: stopping n8n');
	}, 300_000);
});
