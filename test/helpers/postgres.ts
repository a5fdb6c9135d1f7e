/**
 * A throwaway PostgreSQL cluster for tests: `initdb` into a temporary folder, `pg_ctl start` on a
 * free loopback port, and `stop()` to shut it down and delete the folder. Used by the Audience
 * Segment's SQL equivalence test and meant for the Audience Guard's Postgres ledger tests too.
 *
 * The server binaries come from Debian's `postgresql` package (/usr/lib/postgresql/<version>/bin);
 * set CK_PG_BIN to use others. PostgreSQL refuses to run as root, so as root every server command
 * runs as the `postgres` OS user (which the Debian package creates) through `runuser`.
 *
 * Nothing is skipped: without the binaries, `startPostgres()` fails and says how to install them.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Client, type ClientConfig } from 'pg';

export interface PostgresCluster {
	host: string;
	port: number;
	user: string;
	database: string;
	/** The temporary folder holding the data directory and the server log; gone after stop(). */
	dir: string;
	/** postgres://postgres@127.0.0.1:<port>/postgres (trust authentication: no password). */
	connectionString: string;
	/** The settings for `new pg.Client(...)` / `new pg.Pool(...)`. */
	config: ClientConfig;
	/** A connected client; the caller ends it. */
	connect(): Promise<Client>;
	/** What the server logged (for failing tests). */
	log(): string;
	/** Stops the server and deletes its data folder. Safe to call twice. */
	stop(): Promise<void>;
}

export const MISSING_POSTGRES =
	'PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found. The tests start a throwaway ' +
	'PostgreSQL cluster; `.ci/run` installs Debian\'s `postgresql` package for them (apt-get install -y ' +
	'postgresql). On your machine: `sudo apt-get install postgresql`, or set CK_PG_BIN to a folder that ' +
	'holds initdb and pg_ctl.';

/** The folder holding initdb and pg_ctl, or undefined. */
export function findPostgresBin(): string | undefined {
	const candidates: string[] = [];
	// An explicit folder is the only one tried.
	if (process.env.CK_PG_BIN) return ['initdb', 'pg_ctl'].every((t) => existsSync(path.join(process.env.CK_PG_BIN as string, t))) ? process.env.CK_PG_BIN : undefined;
	const debian = '/usr/lib/postgresql';
	if (existsSync(debian)) {
		const versions = readdirSync(debian)
			.filter((v) => /^\d+$/.test(v))
			.sort((a, b) => Number(b) - Number(a));
		for (const version of versions) candidates.push(path.join(debian, version, 'bin'));
	}
	try {
		candidates.push(execFileSync('pg_config', ['--bindir'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim());
	} catch {
		// no pg_config on the PATH
	}
	return candidates.find((dir) => existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl')));
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

const running = new Set<() => void>();
let exitHookInstalled = false;

/** Starts a new, empty cluster. Takes about 2 s. `maxConnections`: for tests with many clients (queue mode). */
export async function startPostgres({ maxConnections = 50 }: { maxConnections?: number } = {}): Promise<PostgresCluster> {
	const bin = findPostgresBin();
	if (!bin) throw new Error(MISSING_POSTGRES);

	const asRoot = process.getuid?.() === 0;
	const run = (tool: string, args: string[]) => {
		const command = asRoot ? 'runuser' : path.join(bin, tool);
		const argv = asRoot ? ['-u', 'postgres', '--', path.join(bin, tool), ...args] : args;
		try {
			return execFileSync(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: tmpdir() }).toString();
		} catch (error) {
			const e = error as { stderr?: Buffer; stdout?: Buffer; message: string };
			throw new Error(`${tool} ${args.join(' ')} failed: ${e.stderr?.toString() || e.stdout?.toString() || e.message}`);
		}
	};

	const dir = mkdtempSync(path.join(tmpdir(), 'ck-pg-'));
	if (asRoot) {
		let uid: number;
		let gid: number;
		try {
			uid = Number(execFileSync('id', ['-u', 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim());
			gid = Number(execFileSync('id', ['-g', 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim());
		} catch {
			rmSync(dir, { recursive: true, force: true });
			throw new Error(`Running as root, but there is no \`postgres\` OS user to run PostgreSQL as. ${MISSING_POSTGRES}`);
		}
		chownSync(dir, uid, gid);
	}
	const data = path.join(dir, 'data');
	const logFile = path.join(dir, 'server.log');
	const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');

	run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync', '--no-instructions']);
	let port = 0;
	for (let attempt = 0; ; attempt++) {
		port = await freePort();
		const serverOptions = [
			`-p ${port}`,
			"-c listen_addresses='127.0.0.1'",
			`-c unix_socket_directories='${dir}'`,
			'-c fsync=off',
			'-c synchronous_commit=off',
			'-c full_page_writes=off',
			`-c max_connections=${maxConnections}`,
			// LLVM JIT spends seconds compiling the large expressions of compiled segments on tiny test tables.
			'-c jit=off',
		].join(' ');
		try {
			run('pg_ctl', ['-D', data, '-l', logFile, '-o', serverOptions, '-w', '-t', '60', 'start']);
			break;
		} catch (error) {
			// Another process may have taken the port between the check and the start.
			if (attempt >= 2) {
				rmSync(dir, { recursive: true, force: true });
				throw new Error(`${(error as Error).message}\n--- server log ---\n${log()}`);
			}
		}
	}

	let stopped = false;
	const stopNow = () => {
		if (stopped) return;
		stopped = true;
		running.delete(stopNow);
		try {
			run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
		} catch {
			// already down
		}
		rmSync(dir, { recursive: true, force: true });
	};
	running.add(stopNow);
	if (!exitHookInstalled) {
		exitHookInstalled = true;
		// A test that forgets stop() (or a crash) must not leave a server behind.
		process.once('exit', () => [...running].forEach((stop) => stop()));
	}

	const config: ClientConfig = { host: '127.0.0.1', port, user: 'postgres', database: 'postgres' };
	return {
		host: '127.0.0.1',
		port,
		dir,
		user: 'postgres',
		database: 'postgres',
		connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`,
		config,
		async connect() {
			const client = new Client(config);
			await client.connect();
			return client;
		},
		log,
		async stop() {
			stopNow();
		},
	};
}
