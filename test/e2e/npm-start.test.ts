/**
 * The newcomer's path: `npm start` builds, installs Campaign Kit into its own n8n, imports the
 * templates (and creates their Data Tables), prints the login, serves the editor with our nodes in the panel, and stops on Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { client } from './n8n';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const host = require('../../scripts/host');

describe('npm start', () => {
	it('serves n8n with Campaign Kit in the node panel and the templates imported; Ctrl-C stops it', async () => {
		// Builds, installs and boots a second n8n: minutes on a slow machine, not seconds.
		const folder = mkdtempSync(path.join(tmpdir(), 'ck-start-'));
		// The templates as shipped: every workflow under templates/ (the six journeys and the pieces
		// they share), after their Data Tables.
		const files = readdirSync(path.join(host.ROOT, 'templates')).filter((file) => file.endsWith('.json'));
		for (const journey of ['welcome-series', 're-engagement', 'ab-subject-test', 'amazon-bid-optimisation', 'meta-budget-reallocation', 'weekly-report']) {
			expect(files).toContain(`${journey}.json`);
		}
		const shipped = files
			.map((file) => JSON.parse(readFileSync(path.join(host.ROOT, 'templates', file), 'utf8')))
			.filter((workflow) => Array.isArray(workflow.nodes))
			.map((workflow) => workflow.name as string);
		const port = await host.freePort();
		const child = spawn(process.execPath, [path.join(host.ROOT, 'scripts', 'start.js')], {
			env: {
				...process.env,
				NODE_ENV: '',
				N8N_PORT: String(port),
				CAMPAIGN_KIT_USER_FOLDER: path.join(folder, 'n8n'),
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
			for (const name of shipped) expect(output).toContain(name);

			// Log in as the printed owner and look at what the editor would show.
			const client = new host.N8nClient(`http://127.0.0.1:${port}`);
			await client.signIn({ email: 'owner@campaign-kit.local', password: 'CampaignKit-local-1' });
			const types = (await (await fetch(`${client.baseUrl}/types/nodes.json`, { headers: { cookie: client.cookie } })).json()) as Array<{ name: string; displayName: string }>;
			const split = types.find((t) => t.name === 'n8n-nodes-campaign-kit.abSplit');
			expect(split?.displayName).toBe('A/B Split');
			const workflows = await client.rest('GET', '/workflows');
			expect(workflows.map((w: { name: string }) => w.name).sort()).toEqual([...shipped].sort());
			// The Data Tables the templates read and write exist (created by npm start).
			await client.createApiKey('npm-start-test');
			const tables = await client.api('GET', '/data-tables?limit=100');
			expect(tables.data.map((t: { name: string }) => t.name).sort()).toEqual(host.dataTableSpecs().map((t: { name: string }) => t.name).sort());
		} finally {
			child.kill('SIGINT');
		}
		expect(await exited).toBe(0);
		expect(output).toContain('Ctrl-C: stopping n8n');
	}, 300_000);
});

describe('Data Tables from an earlier version', () => {
	it('get the columns added since, and keep their rows', async () => {
		const c = client();
		const name = `ck_upgrade_${randomUUID().slice(0, 8)}`;
		// As an earlier Campaign Kit created it: without the column added since.
		const table = (await c.api('POST', '/data-tables', { name, columns: [{ name: 'contactId', type: 'string' }] })) as unknown as { id: string };
		await c.api('POST', `/data-tables/${table.id}/rows`, { data: [{ contactId: 'ann@example.com' }] });
		const spec = [{ name, columns: [{ name: 'contactId', type: 'string' }, { name: 'message', type: 'string' }, { name: 'sentAt', type: 'date' }] }];
		const ids = await host.ensureDataTables(c, spec);
		expect(ids[name]).toBe(table.id);
		const columns = (await c.api('GET', `/data-tables/${table.id}/columns`)) as unknown as Array<{ name: string; type: string }> | { data: Array<{ name: string; type: string }> };
		const list = Array.isArray(columns) ? columns : columns.data;
		expect(list.map((column) => [column.name, column.type])).toEqual([['contactId', 'string'], ['message', 'string'], ['sentAt', 'date']]);
		expect((await c.api('GET', `/data-tables/${table.id}/rows`)).data).toEqual([expect.objectContaining({ contactId: 'ann@example.com', message: null })]);
		// Run again: nothing to add.
		await host.ensureDataTables(c, spec);
		const again = (await c.api('GET', `/data-tables/${table.id}/columns`)) as unknown as Array<unknown> | { data: Array<unknown> };
		expect((Array.isArray(again) ? again : again.data)).toHaveLength(3);
		await c.api('DELETE', `/data-tables/${table.id}`);
	});
});
