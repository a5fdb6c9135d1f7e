#!/usr/bin/env node
'use strict';
/**
 * `npm start`: builds Campaign Kit, installs it into a local n8n (installed on first run), imports
 * every workflow under templates/, and serves n8n on http://localhost:5678 until Ctrl-C.
 * The instance lives in .n8n-dev/ so that your workflows and executions survive restarts;
 * delete that folder to start afresh.
 */
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const host = require('./host');

const PORT = Number(process.env.N8N_PORT || 5678);
const USER_FOLDER = path.resolve(process.env.CAMPAIGN_KIT_USER_FOLDER || path.join(host.ROOT, '.n8n-dev'));
const OWNER = {
	email: process.env.CAMPAIGN_KIT_OWNER_EMAIL || 'owner@campaign-kit.local',
	password: process.env.CAMPAIGN_KIT_OWNER_PASSWORD || 'CampaignKit-local-1',
};

async function main() {
	console.log('[campaign-kit] building the package');
	execFileSync('npm', ['run', 'build', '--silent'], { cwd: host.ROOT, stdio: 'inherit' });
	await host.ensureHost();
	console.log('[campaign-kit] installing the package into the local n8n');
	host.installPackage(USER_FOLDER);

	const n8n = await host.startN8n({ userFolder: USER_FOLDER, port: PORT, listen: process.env.N8N_LISTEN_ADDRESS || '127.0.0.1' });
	let stopping = false;
	const stop = async (signal) => {
		if (stopping) return;
		stopping = true;
		console.log(`\n[campaign-kit] ${signal}: stopping n8n`);
		await n8n.stop();
		process.exit(0);
	};
	process.on('SIGINT', () => stop('Ctrl-C'));
	process.on('SIGTERM', () => stop('SIGTERM'));
	n8n.child.on('exit', (code) => {
		if (stopping) return;
		console.error(`[campaign-kit] n8n stopped unexpectedly (exit ${code}); its log: ${n8n.logFile}`);
		process.exit(1);
	});

	const client = new host.N8nClient(n8n.baseUrl, n8n.n8nVersion);
	await client.signIn(OWNER);
	await client.createApiKey('campaign-kit-npm-start');
	const imported = await host.importTemplates(client, process.env.CAMPAIGN_KIT_TEMPLATES_DIR);

	console.log(`
  Campaign Kit is running in n8n: http://localhost:${PORT}
  Log in as ${OWNER.email} / ${OWNER.password}
  Templates imported: ${imported.length ? imported.map((t) => t.name).join(', ') : 'none yet'}
  n8n's log: ${n8n.logFile}
  Press Ctrl-C to stop.
`);
}

main().catch((error) => {
	console.error(`[campaign-kit] npm start failed: ${error.stack || error}`);
	process.exit(1);
});
