/**
 * Runs workflows in-process through n8n-core's WorkflowExecute, as n8n's own node tests do: real
 * parameter resolution, expressions, item pairing, "Continue On Fail" and the real HTTP helpers
 * (`httpRequestWithAuthentication` applies our credential types' `authenticate` blocks through
 * n8n-workflow's expression engine, as n8n's CLI does). Only the database-backed services of the
 * full n8n process are absent; the e2e tests cover those in a real n8n.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { DataDeduplicationService, ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	DeduplicationItemTypes,
	DeduplicationScope,
	ICheckProcessedContextData,
	ICheckProcessedOptions,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRun,
	IRunExecutionData,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	IConnections,
	ICredentialsHelper as CredentialsHelperType,
	IDataDeduplicator,
	IDeduplicationOutput,
} from 'n8n-workflow';
import { ICredentialsHelper, LoggerProxy, Workflow } from 'n8n-workflow';

const ROOT = path.resolve(__dirname, '../..');

// n8n-core logs every node error to the console; the tests assert on the errors themselves.
const quiet = () => {};
LoggerProxy.init({ error: quiet, warn: quiet, info: quiet, debug: quiet } as never);
export const PACKAGE = 'n8n-nodes-campaign-kit';

/**
 * n8n's de-duplication store (`this.helpers.checkProcessedAndRecord` and friends) in memory, with
 * the semantics of the store the n8n CLI installs (DeduplicationHelper, mode "entries"): one list
 * per workflow (scope "workflow") or per workflow and node (scope "node"); a call checks its keys
 * against the list as it was before the call (so a key twice in one call is new twice) and
 * appends the new ones; past `maxEntries` the oldest are dropped. Tests read it through
 * `deduplicationStore` and clear it between tests.
 */
class MemoryDeduplicator implements IDataDeduplicator {
	private readonly lists = new Map<string, string[]>();

	private context(scope: DeduplicationScope, data: ICheckProcessedContextData): string {
		if (scope === 'node' && !data.node) throw new Error("No node information has been provided and so cannot use scope 'node'");
		return `${data.workflow.id}|${scope === 'node' ? `n:${data.node?.id}` : ''}`;
	}

	async checkProcessedAndRecord(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		data: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<IDeduplicationOutput> {
		if (options.mode !== 'entries') throw new Error(`The in-memory store only implements mode "entries", not "${options.mode}"`);
		const context = this.context(scope, data);
		const list = this.lists.get(context);
		const before = new Set(list ?? []);
		const out: IDeduplicationOutput = { new: [], processed: [] };
		const next = [...(list ?? [])];
		for (const item of items) {
			if (before.has(String(item))) out.processed.push(item);
			else {
				out.new.push(item);
				next.push(String(item));
			}
		}
		if (options.maxEntries) next.splice(0, Math.max(0, next.length - options.maxEntries));
		this.lists.set(context, next);
		return out;
	}

	async removeProcessed(items: DeduplicationItemTypes[], scope: DeduplicationScope, data: ICheckProcessedContextData): Promise<void> {
		const list = this.lists.get(this.context(scope, data));
		if (!list) return;
		for (const item of items) {
			const at = list.indexOf(String(item));
			if (at !== -1) list.splice(at, 1);
		}
	}

	async clearAllProcessedItems(scope: DeduplicationScope, data: ICheckProcessedContextData): Promise<void> {
		this.lists.delete(this.context(scope, data));
	}

	async getProcessedDataCount(scope: DeduplicationScope, data: ICheckProcessedContextData): Promise<number> {
		return this.lists.get(this.context(scope, data))?.length ?? 0;
	}

	/** Puts entries in one workflow node's list as a run would have left them (scope "node"). */
	seed(workflowId: string, nodeId: string, entries: string[]): void {
		const context = `${workflowId}|n:${nodeId}`;
		this.lists.set(context, [...(this.lists.get(context) ?? []), ...entries]);
	}

	/** Keys recorded for one workflow's node (scope "node"). */
	keys(workflowId: string, nodeId: string): string[] {
		return [...(this.lists.get(`${workflowId}|n:${nodeId}`) ?? [])];
	}

	clear(): void {
		this.lists.clear();
	}
}

export const deduplicationStore = new MemoryDeduplicator();
// n8n-core keeps one store per process (per test file under jest); the n8n CLI sets it at start-up.
void DataDeduplicationService.init(deduplicationStore);

/** Loads a class listed in package.json's n8n section from its TypeScript source. */
function loadListed(distPath: string): { name: string; instance: unknown } {
	const source = path.join(ROOT, distPath.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
	const className = path.basename(source).split('.')[0];
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const Class = require(source)[className];
	if (!Class) throw new Error(`${source} does not export ${className}`);
	return { name: className, instance: new Class() };
}

const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).n8n as {
	nodes: string[];
	credentials: string[];
};

/** A test-only source node: emits the items in its `items` parameter, standing in for a trigger. */
class FixtureNode implements INodeType {
	description = {
		displayName: 'Fixture',
		name: 'fixture',
		group: ['input'],
		version: 1,
		description: 'Test input',
		defaults: { name: 'Fixture' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	} as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0) as string | IDataObject[];
		const items = (typeof raw === 'string' ? JSON.parse(raw) : raw) as IDataObject[];
		return [items.map((json, i) => ({ json, pairedItem: { item: i } }))];
	}
}

export class TestNodeTypes implements INodeTypes {
	private readonly types: Record<string, INodeType | IVersionedNodeType> = {};

	constructor(extra: Record<string, INodeType> = {}) {
		for (const listed of manifest.nodes) {
			const node = loadListed(listed).instance as INodeType;
			this.types[`${PACKAGE}.${node.description.name}`] = node;
		}
		this.types['test.fixture'] = new FixtureNode();
		Object.assign(this.types, extra);
	}

	getByName(nodeType: string) {
		const type = this.types[nodeType];
		if (!type) throw new Error(`Unknown node type ${nodeType}`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		const type = this.getByName(nodeType);
		return 'nodeVersions' in type ? type.getNodeType(version) : type;
	}

	getKnownTypes() {
		return {};
	}
}

export function credentialTypes(extra: ICredentialType[] = []): Record<string, ICredentialType> {
	const types: Record<string, ICredentialType> = {};
	for (const listed of manifest.credentials) {
		const credential = loadListed(listed).instance as ICredentialType;
		types[credential.name] = credential;
	}
	for (const credential of extra) types[credential.name] = credential;
	return types;
}

/** Applies credential types the way n8n's CLI does: functions are called, generic blocks resolved. */
class TestCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly types: Record<string, ICredentialType>,
		private readonly data: Record<string, ICredentialDataDecryptedObject>,
		private readonly nodeTypes: INodeTypes,
	) {
		super();
	}

	/** The types a credential type extends (`oAuth2Api` for OAuth2 ones): n8n-core signs those requests with its OAuth2 client. */
	getParentTypes(name: string) {
		return this.types[name]?.extends ?? [];
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const type = this.types[typeName];
		if (!type?.authenticate) return requestOptions;
		if (typeof type.authenticate === 'function') return await type.authenticate(credentials, requestOptions);
		const resolve = (value: string) =>
			workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials }, undefined, undefined) as string;
		const options = { ...requestOptions } as IHttpRequestOptions & Record<string, unknown>;
		const properties = type.authenticate.properties as Record<string, Record<string, string> | undefined>;
		for (const where of ['headers', 'qs', 'body'] as const) {
			const block = properties[where];
			if (!block) continue;
			const target = { ...((options[where] as IDataObject) ?? {}) };
			for (const [key, value] of Object.entries(block)) target[resolve(key)] = resolve(value);
			options[where] = target;
		}
		if (properties.auth) {
			const auth = properties.auth as unknown as Record<string, string>;
			options.auth = { username: resolve(auth.username), password: resolve(auth.password) };
		}
		return options;
	}

	/**
	 * As n8n's CLI does: a credential type with a hidden `expirable` field and a `preAuthentication`
	 * function gets that field filled when it is empty or the provider answered 401 (`expired`). The
	 * CLI saves it with the credential; here it stays in the test's credential object, which n8n-core
	 * updates in place (getDecrypted hands out that same object).
	 */
	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		expired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.types[typeName];
		const expirable = type?.properties.find((property) => property.type === 'hidden' && property.typeOptions?.expirable === true);
		if (!expirable || typeof type.preAuthentication !== 'function') return undefined;
		// The CLI fills defaults before this check, so an absent field counts as empty.
		const current = credentials[expirable.name];
		if (current !== undefined && current !== '' && !expired) return undefined;
		const output = await type.preAuthentication.call(helpers, credentials);
		return output[expirable.name] === undefined ? undefined : (output as ICredentialDataDecryptedObject);
	}

	async runPreAuthentication() {
		return undefined;
	}

	getCredentialsProperties() {
		return [];
	}

	async getDecrypted(_additionalData: unknown, _nodeCredentials: unknown, type: string) {
		const data = this.data[type];
		if (!data) throw new Error(`No test credentials of type ${type}`);
		return data;
	}

	async getCredentials(): Promise<never> {
		throw new Error('getCredentials is not available in node tests');
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	isCredentialUsableByNode() {
		return true;
	}

	// Unused by these tests, present to satisfy the abstract class.
	getNodeTypes() {
		return this.nodeTypes;
	}
}

export interface WorkflowSpec {
	nodes: Array<Partial<INode> & Pick<INode, 'name' | 'type' | 'parameters'>>;
	connections: IConnections;
}

export interface RunOptions {
	/** The same id in two runs makes them runs of the same workflow (as a re-run or a retried execution is). */
	workflowId?: string;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	credentialTypes?: ICredentialType[];
	nodeTypes?: Record<string, INodeType>;
}

export interface RunResult {
	run: IRun;
	/** The items a node sent out on one output, in order. */
	output(nodeName: string, outputIndex?: number): INodeExecutionData[];
	/** The items of every output of a node. */
	outputs(nodeName: string): INodeExecutionData[][];
	/** The error that stopped the execution, if any. */
	error: (Error & { description?: string; context?: IDataObject }) | undefined;
}

let counter = 0;

/** Executes a workflow in-process. The first node in `nodes` is where the run starts. */
export async function runWorkflow(spec: WorkflowSpec, options: RunOptions = {}): Promise<RunResult> {
	const nodeTypes = new TestNodeTypes(options.nodeTypes);
	const nodes: INode[] = spec.nodes.map((node, i) => ({
		id: node.id ?? `node-${i}`,
		typeVersion: 1,
		position: [i * 200, 0],
		...node,
	})) as INode[];
	++counter;
	const workflow = new Workflow({
		id: options.workflowId ?? `test-${counter}`,
		name: 'test',
		nodes,
		connections: spec.connections,
		active: false,
		nodeTypes,
		settings: { executionOrder: 'v1' },
	});
	const hooks = new ExecutionLifecycleHooks('manual', `${counter}`, {
		id: workflow.id,
		name: 'test',
		active: false,
		isArchived: false,
		nodes,
		connections: spec.connections,
		createdAt: new Date(),
		updatedAt: new Date(),
		activeVersionId: null,
	} as never);
	let finished: (run: IRun) => void = () => {};
	const done = new Promise<IRun>((resolve) => (finished = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => finished(run));
	const credentialsHelper = new TestCredentialsHelper(
		credentialTypes(options.credentialTypes),
		options.credentials ?? {},
		nodeTypes,
	) as unknown as CredentialsHelperType;
	const additionalData = {
		hooks,
		credentialsHelper,
		currentNodeParameters: undefined,
		executionId: `${counter}`,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		variables: {},
		userId: 'test-user',
		setExecutionStatus: () => {},
		sendDataToUI: () => {},
	} as unknown as IWorkflowExecuteAdditionalData;

	const start = nodes[0];
	const runExecutionData: IRunExecutionData = {
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [{ node: start, data: { main: [[{ json: {} }]] }, source: null }],
		},
	} as unknown as IRunExecutionData;
	const execute = new WorkflowExecute(additionalData, 'manual', runExecutionData);
	await execute.processRunExecutionData(workflow);
	const run = await done;

	const outputs = (nodeName: string) => {
		const taskData = run.data.resultData.runData[nodeName];
		if (!taskData) return [];
		return (taskData[0].data?.main ?? []).map((items) => items ?? []);
	};
	return {
		run,
		outputs,
		output: (nodeName, outputIndex = 0) => outputs(nodeName)[outputIndex] ?? [],
		error: run.data.resultData.error as RunResult['error'],
	};
}

/** A two-node workflow: the fixture items flow into one node under test. */
export function singleNode(
	type: string,
	parameters: IDataObject,
	items: IDataObject[],
	extra: Partial<INode> = {},
): WorkflowSpec {
	return {
		nodes: [
			{ name: 'Input', type: 'test.fixture', parameters: { items: JSON.stringify(items) } },
			{ name: 'Node', type: type.includes('.') ? type : `${PACKAGE}.${type}`, parameters, ...extra } as INode,
		],
		connections: { Input: { main: [[{ node: 'Node', type: 'main', index: 0 }]] } },
	};
}

/** What n8n's CredentialsTester builds for a credential's `test` request. */
function testerNode(credential: ICredentialType): INodeType {
	return {
		description: {
			displayName: 'Credential test',
			name: 'credentialTest',
			group: ['transform'],
			version: 1,
			description: 'Runs a credential test request',
			defaults: { name: 'Credential test' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: credential.name, required: true }],
			properties: [{ displayName: 'Temp', name: 'temp', type: 'string', default: '', routing: { request: credential.test?.request } }],
		},
	} as unknown as INodeType;
}

/** Runs a credential's `test` request through n8n's helpers, as n8n's credential tester does. */
export async function testCredential(credential: ICredentialType, data: ICredentialDataDecryptedObject) {
	return await runWorkflow(singleNode('test.credentialTest', {}, [{}], { credentials: { [credential.name]: { id: '1', name: 'under test' } } }), {
		nodeTypes: { 'test.credentialTest': testerNode(credential) },
		credentials: { [credential.name]: data },
	});
}
