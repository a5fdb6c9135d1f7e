import type {
	IDataObject,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { ChannelRuleError, compileRules, type ChannelRule, type CompiledRule } from '../shared/channelGrouping';
import { properties } from './description';
import { ingest, type IpHandling } from './engine/ingest';
import { eventsOfRequest, MAX_BATCH } from './engine/request';
import { checkHmac, checkSharedSecret, type HmacAlgorithm, type SignatureEncoding } from './engine/signature';
import { now, nowDate } from '../shared/clock';
import { shortenedAnswer } from '../shared/show';

/** Answers the caller at once, starting nothing (bad request, refused signature, misconfiguration). */
function refuse(context: IWebhookFunctions, status: number, error: string): IWebhookResponseData {
	context.getResponseObject().status(status).json(shortenedAnswer({ error }));
	return { noWebhookResponse: true };
}

/** The request body exactly as received (n8n keeps it after parsing, or reads it on demand). */
async function rawBodyOf(context: IWebhookFunctions): Promise<Buffer | undefined> {
	const req = context.getRequestObject() as ReturnType<IWebhookFunctions['getRequestObject']> & {
		rawBody?: Buffer;
		readRawBody?: () => Promise<void>;
	};
	if (!req.rawBody && req.readRawBody) await req.readRawBody();
	return req.rawBody;
}

/*
 * The answer is written here rather than returned as `webhookResponse`: when a trigger returns
 * workflow data in "onReceived" mode, n8n 2.40 answers with the webhook description's responseData
 * (default "firstEntryJson") and ignores webhookResponse. Writing it ourselves and returning
 * `noWebhookResponse` with the workflow data is what n8n's Webhook node does for streaming: the
 * caller gets 202 with the counts, then the workflow runs.
 */

export class MarketingEventTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Marketing Event Trigger',
		name: 'marketingEventTrigger',
		icon: { light: 'file:marketingEventTrigger.svg', dark: 'file:marketingEventTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "POST /" + $parameter["path"] }}',
		description: 'Receives analytics events (one or a batch of up to 1,000): validated, channel derived from UTM tags and referrer, IPs anonymised',
		eventTriggerDescription: 'Waiting for you to send an event to the test URL',
		activationMessage: 'Send events to the production URL; each request is answered with 202 and the counts.',
		defaults: { name: 'Marketing Event Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Accepted', 'Rejected'],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				isFullPath: true,
				// The path from the parameter, as a template every n8n line reads (1.x has no webhookDescriptionFields).
				path: '={{$parameter["path"]}}',
			},
		],
		properties,
	};

	// Events are posted to n8n itself: there is no third-party service to register the URL with,
	// so the lifecycle only confirms that n8n's own route exists.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const authentication = this.getNodeParameter('authentication', 'none') as 'none' | 'sharedSecret' | 'hmac';
		if (authentication !== 'none') {
			const secret = this.getNodeParameter('secret', '') as string;
			if (!secret) return refuse(this, 500, 'The Marketing Event Trigger has no secret set: open the node and fill in Secret');
			const headers = this.getHeaderData();
			let check;
			if (authentication === 'sharedSecret') {
				const name = (this.getNodeParameter('headerName', 'X-Api-Key') as string).trim();
				check = checkSharedSecret(headers[name.toLowerCase()], secret, name);
			} else {
				const name = (this.getNodeParameter('signatureHeader', 'X-Signature') as string).trim();
				// Signed bytes, not re-serialised JSON: without the raw body the check fails (401).
				const timestampHeader = (this.getNodeParameter('timestampHeader', 'X-Signature-Timestamp') as string).trim();
				check = checkHmac(headers[name.toLowerCase()], (await rawBodyOf(this)) ?? Buffer.alloc(0), secret, {
					headerName: name,
					algorithm: this.getNodeParameter('hmacAlgorithm', 'sha256') as HmacAlgorithm,
					encoding: this.getNodeParameter('hmacEncoding', 'hex') as SignatureEncoding,
					prefix: this.getNodeParameter('signaturePrefix', '') as string,
					timestampHeader,
					timestamp: headers[timestampHeader.toLowerCase()],
					toleranceSeconds: Number(this.getNodeParameter('toleranceSeconds', 300)) || 300,
					now: now(),
				});
			}
			if (!check.ok) return refuse(this, 401, `Refused: ${check.reason}`);
		}

		const options = this.getNodeParameter('options', {}) as IDataObject;
		let body: unknown = this.getBodyData();
		if (body && typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0) {
			// A body n8n did not parse (no or another content type): read it as JSON text.
			const raw = await rawBodyOf(this);
			if (raw?.length) body = raw.toString('utf8');
		}
		const request = eventsOfRequest(body, Math.min(Number(options.maxBatchSize ?? MAX_BATCH) || MAX_BATCH, MAX_BATCH));
		if ('status' in request) return refuse(this, request.status, request.error);

		let rules: CompiledRule[] = [];
		let ruleProblem = '';
		try {
			rules = compileRules(((options.channelRules as IDataObject | undefined)?.rule as ChannelRule[] | undefined) ?? []);
		} catch (error) {
			ruleProblem = error instanceof ChannelRuleError ? error.message : String(error);
		}
		if (ruleProblem) return refuse(this, 500, `The Marketing Event Trigger's ${ruleProblem}`);
		const result = ingest(request.events, {
			ip: (options.ipAddresses as IpHandling | undefined) ?? 'anonymise',
			requireEventId: options.requireEventId === true,
			receivedAt: options.addReceivedAt === false ? undefined : nowDate().toISOString(),
			grouping: {
				rules,
				useDefaults: options.useDefaultChannelRules !== false,
				internalHosts: String(options.internalDomains ?? '')
					.split(',')
					.map((h) => h.trim().toLowerCase().replace(/^www\./, ''))
					.filter(Boolean),
			},
		});
		const accepted: INodeExecutionData[] = result.accepted.map((json) => ({ json: json as IDataObject }));
		const rejected: INodeExecutionData[] = result.rejected.map((r) => ({ json: r as unknown as IDataObject }));
		this.getResponseObject().status(202).json(shortenedAnswer(result.response));
		return { noWebhookResponse: true, workflowData: [accepted, rejected] };
	}
}
