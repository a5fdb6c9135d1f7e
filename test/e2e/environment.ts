/**
 * The e2e tests' environment: Node's, plus n8n's log printed whenever a test fails, so a red run
 * shows what the real n8n said.
 */
import { readFileSync } from 'node:fs';

import NodeEnvironment from 'jest-environment-node';
import type { Circus } from '@jest/types';

export default class E2eEnvironment extends NodeEnvironment {
	async handleTestEvent(event: Circus.Event) {
		if (event.name !== 'test_fn_failure') return;
		const file = process.env.CK_N8N_LOG;
		if (!file) return;
		try {
			const tail = readFileSync(file, 'utf8').split('\n').slice(-60).join('\n');
			console.error(`--- n8n log (last 60 lines) after "${event.test.name}" failed ---\n${tail}`);
		} catch {
			// n8n has not written a log yet: nothing to show
		}
	}
}
