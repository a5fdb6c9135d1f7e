/**
 * The e2e tests' environment: Node's, with the project's n8n (testEnvironmentOptions.n8nHost,
 * default '2') in CK_N8N_URL, CK_N8N_API_KEY, CK_N8N_LOG, CK_N8N_VERSION, plus n8n's log printed
 * whenever a test fails, so a red run shows what the real n8n said.
 */
import { readFileSync } from 'node:fs';

import NodeEnvironment from 'jest-environment-node';
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import type { Circus } from '@jest/types';

/** The environment variable in which global setup leaves a host's address, e.g. CK_N8N_HOST_1_123. */
export const hostVariable = (name: string) => `CK_N8N_HOST_${name.replace(/\W/g, '_')}`;

export default class E2eEnvironment extends NodeEnvironment {
	private readonly logFile?: string;

	constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
		super(config, context);
		const name = String(config.projectConfig.testEnvironmentOptions.n8nHost ?? '2');
		const started = process.env[hostVariable(name)];
		if (!started) return; // no global setup ran (a single file run outside its project): n8n.ts says so
		const { url, apiKey, log, version } = JSON.parse(started) as Record<string, string>;
		Object.assign(this.global.process.env, { CK_N8N_URL: url, CK_N8N_API_KEY: apiKey, CK_N8N_LOG: log, CK_N8N_VERSION: version });
		this.logFile = log;
	}

	async handleTestEvent(event: Circus.Event) {
		if (event.name !== 'test_fn_failure' || !this.logFile) return;
		try {
			const tail = readFileSync(this.logFile, 'utf8').split('\n').slice(-60).join('\n');
			console.error(`--- n8n log (last 60 lines) after "${event.test.name}" failed ---\n${tail}`);
		} catch {
			// n8n has not written a log yet: nothing to show
		}
	}
}
