/**
 * A real n8n for benchmarks, started as the e2e global setup does (scripts/host.js): the host
 * installed once, the built package packed and installed as a community package in a fresh user
 * folder, n8n started on a free port, an owner and an API key created. `npm run build` first.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The project root, from bench/ (ts) or .bench/bench/ (compiled). */
export const ROOT = path.resolve(__dirname, __dirname.split(path.sep).includes('.bench') ? '../..' : '..');

interface HostModule {
	ensureHost(): Promise<unknown>;
	installPackage(userFolder: string): void;
	startN8n(options: { userFolder: string; env?: Record<string, string> }): Promise<{ baseUrl: string; stop(): Promise<void>; logText(): string }>;
	N8nClient: new (baseUrl: string) => N8nClient;
}

export interface N8nClient {
	baseUrl: string;
	apiKey: string;
	signIn(user: { email: string; password: string }): Promise<void>;
	createApiKey(label?: string): Promise<string>;
	api(method: string, route: string, body?: unknown): Promise<Record<string, unknown> & { data: Array<Record<string, unknown>> }>;
	upsertWorkflow(workflow: Record<string, unknown>): Promise<{ id: string }>;
	activate(id: string): Promise<unknown>;
	deactivate(id: string): Promise<unknown>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const host = require(path.join(ROOT, 'scripts', 'host')) as HostModule;

export interface BenchN8n {
	baseUrl: string;
	client: N8nClient;
	stop(): Promise<void>;
	logText(): string;
}

export async function startBenchN8n(env: Record<string, string> = {}): Promise<BenchN8n> {
	if (!existsSync(path.join(ROOT, 'dist', 'nodes'))) throw new Error('dist/ is missing: run `npm run build` before this benchmark');
	await host.ensureHost();
	const userFolder = mkdtempSync(path.join(tmpdir(), 'ck-bench-n8n-'));
	host.installPackage(userFolder);
	const n8n = await host.startN8n({ userFolder, env });
	const client = new host.N8nClient(n8n.baseUrl);
	try {
		await client.signIn({ email: 'bench@campaign-kit.local', password: 'Bench-password-1' });
		await client.createApiKey('bench');
	} catch (error) {
		console.error(n8n.logText());
		await n8n.stop();
		throw error;
	}
	return { baseUrl: n8n.baseUrl, client, stop: n8n.stop, logText: n8n.logText };
}

/** Posts until the webhook is registered (activation answers before it is). */
export async function postWebhook(baseUrl: string, route: string, body: unknown): Promise<{ status: number; text: string }> {
	const deadline = Date.now() + 15_000;
	for (;;) {
		const res = await fetch(`${baseUrl}/webhook/${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
		const text = await res.text();
		if (res.status !== 404 || !text.includes('is not registered') || Date.now() > deadline) return { status: res.status, text };
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

export interface ExecutionSummary {
	id: string;
	status: string;
	startedAt: string;
	stoppedAt: string;
	data?: { resultData: { runData: Record<string, Array<{ executionTime: number; data?: { main: Array<Array<{ json: Record<string, unknown> }>> } }>> } };
}

/** Waits for `count` finished executions of a workflow (newest first). */
export async function finishedExecutions(client: N8nClient, workflowId: string, count: number, timeoutMs: number, includeData = false): Promise<ExecutionSummary[]> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const all: ExecutionSummary[] = [];
		let cursor: string | undefined;
		try {
			do {
				const page = await client.api(
					'GET',
					`/executions?workflowId=${workflowId}&includeData=${includeData}&limit=250${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
				);
				all.push(...(page.data as unknown as ExecutionSummary[]));
				cursor = page.nextCursor as string | undefined;
			} while (cursor);
		} catch (error) {
			// A busy n8n may time out on its own database: ask again until the deadline.
			if (Date.now() > deadline) throw error;
			await new Promise((resolve) => setTimeout(resolve, 1000));
			continue;
		}
		const done = all.filter((e) => e.status === 'success' || e.status === 'error' || e.status === 'crashed');
		if (done.length >= count) return done;
		if (Date.now() > deadline) throw new Error(`only ${done.length} of ${count} executions finished within ${timeoutMs / 1000} s`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}
