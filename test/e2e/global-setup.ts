/**
 * Starts one real n8n 2.x for all end-to-end tests: installs the host on first use, packs and
 * installs Campaign Kit as a community package, creates the owner and an API key. Tests reach it
 * through the environment (CK_N8N_URL, CK_N8N_API_KEY, CK_N8N_LOG).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const host = require('../../scripts/host');

import { OWNER } from './n8n';

export default async function globalSetup() {
	const started = Date.now();
	await host.ensureHost();
	const userFolder = mkdtempSync(path.join(tmpdir(), 'ck-e2e-n8n-'));
	host.installPackage(userFolder);
	const n8n = await host.startN8n({ userFolder });
	const client = new host.N8nClient(n8n.baseUrl);
	try {
		await client.signIn(OWNER);
		await client.createApiKey('e2e');
	} catch (error) {
		console.error(n8n.logText());
		await n8n.stop();
		throw error;
	}
	(globalThis as Record<string, unknown>).__CK_N8N__ = n8n;
	process.env.CK_N8N_URL = n8n.baseUrl;
	process.env.CK_N8N_API_KEY = client.apiKey;
	process.env.CK_N8N_LOG = n8n.logFile;
	console.log(`\n[e2e] n8n ready at ${n8n.baseUrl} in ${Math.round((Date.now() - started) / 1000)} s`);
}
