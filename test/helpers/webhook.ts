import type { ICredentialDataDecryptedObject, IDataObject, INode, INodeParameters, INodeType, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { PACKAGE } from './n8n';

/** n8n's response object as a trigger's webhook() writes to it: what it answered is kept in `into`. */
export interface Sent {
	status?: number;
	sent?: unknown;
}

export function fakeResponse(into: Sent) {
	const response = {
		status(code: number) {
			into.status = code;
			return response;
		},
		json(data: unknown) {
			into.sent = data;
			return response;
		},
		send(data: unknown) {
			into.sent = data;
			return response;
		},
	};
	return response;
}

// ---------------------------------------------------------------------------------------------
// A whole webhook() call, as n8n makes it in-process.

export interface WebhookCall {
	parameters?: IDataObject;
	body?: unknown;
	headers?: Record<string, string>;
	rawBody?: string | Buffer;
	query?: IDataObject;
	/** The URL n8n shows for the webhook (the provider calls it, query included). */
	url?: string;
	/** By credential type. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	webhookName?: string;
	/** The workflow's static data: pass the same object to make calls to the same workflow. */
	staticData?: IDataObject;
}

export interface WebhookAnswer extends Sent {
	result: IWebhookResponseData;
}

/** The node as saved in a workflow: the given parameters on top of the description's defaults. */
export function savedTrigger(trigger: INodeType, parameters: IDataObject = {}): INode {
	const { description } = trigger;
	const resolved = NodeHelpers.getNodeParameters(description.properties, parameters as INodeParameters, true, false, null, description);
	return {
		id: 'trigger',
		name: description.defaults.name ?? description.displayName,
		type: `${PACKAGE}.${description.name}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: resolved ?? {},
	};
}

/** Calls a trigger's webhook() with the request (parsed body, raw bytes, headers, query) and credentials given. */
export async function callWebhook(trigger: INodeType, call: WebhookCall = {}): Promise<WebhookAnswer> {
	const { parameters = {}, body, headers = {}, rawBody, query = {}, credentials = {}, webhookName = 'default', staticData = {} } = call;
	const url = call.url ?? 'https://automation.example.com/webhook/trigger';
	const answer: Partial<WebhookAnswer> = {};
	const saved = savedTrigger(trigger, parameters);
	const response = fakeResponse(answer);
	const lowerHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
	const search = url.includes('?') ? url.slice(url.indexOf('?')) : '';
	const context = {
		getNode: () => saved,
		getNodeParameter: (name: string, fallback?: unknown) => (name in saved.parameters ? saved.parameters[name] : fallback),
		getBodyData: () => body,
		getHeaderData: () => lowerHeaders,
		getQueryData: () => query,
		getWebhookName: () => webhookName,
		getNodeWebhookUrl: () => url.replace(/\?.*$/, ''),
		getWorkflowStaticData: () => staticData,
		getCredentials: async (type: string) => {
			if (!credentials[type]) throw new Error(`No test credentials of type ${type}`);
			return credentials[type];
		},
		getRequestObject: () => ({
			method: 'POST',
			originalUrl: `/webhook/trigger${search}`,
			body,
			headers: lowerHeaders,
			query,
			rawBody: rawBody === undefined ? undefined : Buffer.from(rawBody),
		}),
		getResponseObject: () => response,
		logger: { debug() {}, info() {}, warn() {}, error() {} },
		helpers: { returnJsonArray: (data: IDataObject | IDataObject[]) => (Array.isArray(data) ? data : [data]).map((json) => ({ json })) },
	} as unknown as IWebhookFunctions;
	answer.result = await trigger.webhook!.call(context);
	return answer as WebhookAnswer;
}
