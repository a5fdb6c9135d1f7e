/**
 * Starts one real n8n for all end-to-end tests of a jest project: installs the host on first use,
 * packs and installs Campaign Kit as a community package, creates the owner and an API key.
 * `startE2eHost('2')` is the e2e project's n8n 2.x; test/e2e-n8n1/global-setup.ts starts 1.123.x.
 * Each host's address goes in CK_N8N_HOST_<host>; test/e2e/environment.ts hands the one its
 * project names to the tests as CK_N8N_URL, CK_N8N_API_KEY, CK_N8N_LOG (both projects can run in
 * one jest, each against its own n8n).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const host = require('../../scripts/host');

import { hostVariable } from './environment';
import { OWNER } from './n8n';

export async function startE2eHost(name: string) {
	const started = Date.now();
	await host.ensureHost(name);
	const userFolder = mkdtempSync(path.join(tmpdir(), `ck-e2e-n8n-${name}-`));
	host.installPackage(userFolder);
	const n8n = await host.startN8n({ host: name, userFolder });
	const client = new host.N8nClient(n8n.baseUrl, n8n.n8nVersion);
	try {
		await client.signIn(OWNER);
		await client.createApiKey('e2e');
	} catch (error) {
		console.error(n8n.logText());
		await n8n.stop();
		throw error;
	}
	const running = ((globalThis as Record<string, unknown>).__CK_N8N__ ??= []) as unknown[];
	running.push(n8n);
	process.env[hostVariable(name)] = JSON.stringify({ url: n8n.baseUrl, apiKey: client.apiKey, log: n8n.logFile, version: n8n.n8nVersion });
	console.log(`\n[e2e] n8n ${n8n.n8nVersion} ready at ${n8n.baseUrl} in ${Math.round((Date.now() - started) / 1000)} s`);
}

export default function globalSetup() {
	return startE2eHost('2');
}
