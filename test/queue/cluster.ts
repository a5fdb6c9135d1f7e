/**
 * A throwaway n8n queue-mode cluster for tests, as a self-hoster runs it: Redis (Debian's
 * `redis-server` on a free loopback port, no persistence), PostgreSQL (test/helpers/postgres.ts),
 * one `n8n start` main and `n8n worker` processes, all on one shared user folder where Campaign Kit
 * is installed as a community package. A worker can be killed (any signal) and started again.
 *
 * Nothing is skipped: without `redis-server` or PostgreSQL the start fails and says what to install.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

import { startPostgres, type PostgresCluster } from '../helpers/postgres';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const host = require('../../scripts/host');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureCommand } = require('../../scripts/system');

/**
 * redis-server: CK_REDIS_SERVER, or Debian's (installed with apt-get when missing and running as root).
 * npm's redis-memory-server builds Redis from a source download at install, which needs more than the npm registry.
 */
function redisBinary(): string {
	return ensureCommand('redis-server', 'redis-server', 'queue-mode tests start a throwaway Redis', [process.env.CK_REDIS_SERVER, '/usr/bin/redis-server', '/usr/local/bin/redis-server']);
}

/** Sends one inline command and resolves with Redis's first reply line. */
function redisCommand(port: number, command: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const socket = net.connect(port, '127.0.0.1');
		let reply = '';
		socket.setTimeout(2000, () => socket.destroy(new Error('redis did not answer')));
		socket.on('connect', () => socket.write(`${command}\r\n`));
		socket.on('data', (chunk) => {
			reply += chunk.toString();
			if (reply.includes('\r\n')) {
				socket.end();
				resolve(reply.split('\r\n')[0]);
			}
		});
		socket.on('error', reject);
	});
}

export interface RedisServer {
	port: number;
	stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
	const bin = redisBinary();
	const dir = mkdtempSync(path.join(tmpdir(), 'ck-redis-'));
	const port: number = await host.freePort();
	const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout?.on('data', (chunk) => (output += chunk.toString()));
	child.stderr?.on('data', (chunk) => (output += chunk.toString()));
	await host.waitFor(async () => (await redisCommand(port, 'PING')) === '+PONG', { timeoutMs: 15_000, what: 'redis-server answering PING', onTimeout: () => output });
	const stop = () =>
		new Promise<void>((resolve) => {
			const done = () => {
				rmSync(dir, { recursive: true, force: true });
				resolve();
			};
			if (child.exitCode !== null || child.signalCode !== null) return done();
			child.once('exit', done);
			child.kill('SIGKILL');
		});
	return { port, stop };
}

interface N8nProcess {
	baseUrl: string;
	port: number;
	child: ChildProcess;
	stop(): Promise<void>;
	logText(): string;
	logFile: string;
}

export interface Worker {
	name: string;
	process: N8nProcess;
	/** Sends `signal` and waits for the process to be gone. */
	kill(signal: NodeJS.Signals): Promise<void>;
	/** Starts this worker again (same name, new process); resolves when it is ready. */
	restart(): Promise<void>;
}

export interface QueueCluster {
	main: N8nProcess;
	workers: Worker[];
	postgres: PostgresCluster;
	redis: RedisServer;
	userFolder: string;
	/** An N8nClient (scripts/host.js) signed in as the owner, with an API key. */
	client: {
		baseUrl: string;
		apiKey: string;
		api(method: string, route: string, body?: unknown): Promise<Record<string, unknown> & { data: Array<Record<string, unknown>>; nextCursor?: string | null }>;
		upsertWorkflow(workflow: unknown): Promise<{ id: string; name: string }>;
		activate(id: string): Promise<unknown>;
		deactivate(id: string): Promise<unknown>;
		publishSubWorkflow(id: string): Promise<unknown>;
	};
	/** The last lines of every process's log, for failing tests. */
	logs(lines?: number): string;
	stop(): Promise<void>;
}

export interface ClusterOptions {
	workers?: number;
	/** Jobs each worker runs at once (`n8n worker --concurrency`). */
	concurrency?: number;
	/** Extra environment for every n8n process (main and workers). */
	env?: Record<string, string>;
}

/** Starts Redis, PostgreSQL, the main and the workers (about 40–60 s on two cores). */
export async function startQueueCluster({ workers = 2, concurrency = 20, env = {} }: ClusterOptions = {}): Promise<QueueCluster> {
	await host.ensureHost();
	const stops: Array<() => Promise<void>> = [];
	const stopAll = async () => {
		for (const stop of stops.reverse()) await stop().catch(() => undefined);
		stops.length = 0;
	};
	try {
		const postgres = await startPostgres({ maxConnections: 300 });
		stops.push(() => postgres.stop());
		const redis = await startRedis();
		stops.push(() => redis.stop());
		const userFolder = mkdtempSync(path.join(tmpdir(), 'ck-queue-n8n-'));
		stops.push(async () => {
			// CK_QUEUE_LOGS=<folder> keeps the n8n logs of the run there.
			if (process.env.CK_QUEUE_LOGS) cpSync(userFolder, process.env.CK_QUEUE_LOGS, { recursive: true, filter: (src) => !src.includes('node_modules') });
			rmSync(userFolder, { recursive: true, force: true });
		});
		host.installPackage(userFolder);

		const shared: Record<string, string> = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: postgres.host,
			DB_POSTGRESDB_PORT: String(postgres.port),
			DB_POSTGRESDB_DATABASE: postgres.database,
			DB_POSTGRESDB_USER: postgres.user,
			DB_POSTGRESDB_PASSWORD: '',
			DB_POSTGRESDB_POOL_SIZE: '6',
			// Every process must decrypt the same credentials.
			N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
			// Manual runs go to the workers too, as in production queue mode.
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
			N8N_RUNNERS_ENABLED: 'true',
			...env,
		};
		const main: N8nProcess = await host.startN8n({ userFolder, env: shared, logName: 'main.log' });
		stops.push(() => main.stop());
		const client = new host.N8nClient(main.baseUrl);
		await client.signIn({ email: 'queue@campaign-kit.local', password: 'Queue-password-1' });
		await client.createApiKey('queue');

		const list: Worker[] = [];
		for (let i = 0; i < workers; i++) {
			const name = `worker-${i + 1}`;
			const start = async (): Promise<N8nProcess> =>
				await host.startN8n({ userFolder, env: shared, command: 'worker', args: [`--concurrency=${concurrency}`], logName: `${name}.log` });
			const worker: Worker = {
				name,
				process: await start(),
				async kill(signal) {
					const child = worker.process.child;
					if (child.exitCode !== null || child.signalCode !== null) return;
					await new Promise<void>((resolve) => {
						child.once('exit', () => resolve());
						child.kill(signal);
					});
				},
				async restart() {
					worker.process = await start();
				},
			};
			list.push(worker);
		}
		stops.push(async () => {
			for (const worker of list) await worker.process.stop();
		});

		const logs = (lines = 40) =>
			[main, ...list.map((w) => w.process)]
				.map((p) => `--- ${path.basename(p.logFile)} ---\n${existsSync(p.logFile) ? readFileSync(p.logFile, 'utf8').split('\n').slice(-lines).join('\n') : ''}`)
				.join('\n');
		return { main, workers: list, postgres, redis, userFolder, client, logs, stop: stopAll };
	} catch (error) {
		await stopAll();
		throw error;
	}
}
