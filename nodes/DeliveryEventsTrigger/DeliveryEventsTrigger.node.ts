import type {
	IDataObject,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { now } from '../shared/clock';
import { shortened, shortenedAnswer } from '../shared/show';
import {
	DEFAULT_KIT_EVENT,
	firstDeliveries,
	KIT_EVENTS,
	PROVIDERS,
	REMEMBERED_EVENTS,
	sameSecret,
	type ProviderName,
	type WebhookRequest,
	type WebhookSecrets,
} from './engine';

const PROVIDER_OPTIONS: Array<{ name: string; value: ProviderName; description: string }> = [
	{ name: 'SendGrid', value: 'sendgrid', description: 'Signed Event Webhook (ECDSA)' },
	{ name: 'Twilio', value: 'twilio', description: 'Message status callbacks (X-Twilio-Signature)' },
	{ name: 'Telnyx', value: 'telnyx', description: 'Messaging webhooks (Ed25519)' },
	{ name: 'Postmark', value: 'postmark', description: 'Delivery, bounce, open, click and spam webhooks (Basic auth)' },
	{ name: 'Mailchimp', value: 'mailchimp', description: 'List webhooks: unsubscribes and cleaned addresses (URL secret)' },
	{ name: 'Kit', value: 'kit', description: 'Subscriber webhooks (X-Kit-Signature); one Kit event per trigger, set in Kit Event' },
	{ name: 'Meta (WhatsApp)', value: 'meta', description: 'Message status webhooks (X-Hub-Signature-256)' },
];

const KIT_EVENT_OPTIONS = Object.keys(KIT_EVENTS).map((value) => ({ name: value.replace('subscriber.', ''), value }));

/** Answers the provider at once; what it sent is echoed at most 200 characters at a time. */
function answer(ctx: IWebhookFunctions, status: number, body: IDataObject): IWebhookResponseData {
	ctx.getResponseObject().status(status).json(shortenedAnswer(body));
	return { noWebhookResponse: true };
}

/** The provider's call as the engine needs it: raw bytes, lower-case headers, the URL it signed. */
function incoming(ctx: IWebhookFunctions, publicUrl: string): WebhookRequest {
	const req = ctx.getRequestObject();
	const search = req.originalUrl?.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
	const headers: Record<string, string | undefined> = {};
	for (const [name, value] of Object.entries(ctx.getHeaderData() as IDataObject)) {
		headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : (value as string | undefined);
	}
	const query: Record<string, string | undefined> = {};
	for (const [name, value] of Object.entries(ctx.getQueryData() as IDataObject)) query[name] = Array.isArray(value) ? String(value[0]) : (value as string);
	return {
		method: req.method,
		url: `${(publicUrl || ctx.getNodeWebhookUrl('default') || '').replace(/\?.*$/, '')}${search}`,
		headers,
		// n8n keeps the body's bytes for webhooks; signatures cover them, not a re-serialised body.
		rawBody: (req as unknown as { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0),
		query,
	};
}

// No webhookMethods: the marketer pastes the URL into the provider's settings; registering it
// through each provider's API would need API credentials this trigger otherwise never uses.
// eslint-disable-next-line @n8n/community-nodes/webhook-lifecycle-complete
export class DeliveryEventsTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Delivery Events Trigger',
		name: 'deliveryEventsTrigger',
		icon: { light: 'file:deliveryEvents.svg', dark: 'file:deliveryEvents.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["provider"] }}',
		description:
			'Starts the workflow when an email, SMS or WhatsApp provider reports a delivery, open, click, bounce, complaint or unsubscribe',
		defaults: { name: 'Delivery Events Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'campaignKitWebhookSecretsApi', required: true }],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'delivery-events' },
			// Mailchimp checks a webhook URL with a GET before saving it; Meta sends its subscription challenge by GET.
			{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', path: 'delivery-events' },
		],
		properties: [
			{
				displayName:
					'Paste this node\'s Production URL into the provider\'s webhook settings. Each event arrives as one item: provider, channel, type (sent, delivered, opened, clicked, bounced, complained, unsubscribed, failed or other), messageId, recipient, timestamp and the raw event. Requests whose signature does not check out get 401 and start nothing.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Provider',
				name: 'provider',
				type: 'options',
				noDataExpression: true,
				options: PROVIDER_OPTIONS,
				default: 'sendgrid',
				description: 'Who sends the events; decides how they are checked and read',
			},
			{
				displayName: 'Kit Event',
				name: 'kitEvent',
				type: 'options',
				noDataExpression: true,
				options: KIT_EVENT_OPTIONS,
				default: DEFAULT_KIT_EVENT,
				displayOptions: { show: { provider: ['kit'] } },
				description:
					'The Kit event this trigger\'s URL is registered for. Kit does not sign the event name, so it is set here: a request whose URL names another ?event= is refused.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Signature Tolerance (Seconds)',
						name: 'toleranceSeconds',
						type: 'number',
						default: 300,
						typeOptions: { minValue: 1 },
						description: 'Signed timestamps older (or newer) than this are refused, so a captured request cannot be replayed later (SendGrid, Telnyx, Kit)',
					},
					{
						displayName: 'Remembered Events',
						name: 'rememberedEvents',
						type: 'number',
						default: REMEMBERED_EVENTS,
						typeOptions: { minValue: 100 },
						description:
							'How many recent event IDs the trigger remembers: a request carrying a remembered event again (a replay, or the provider delivering twice) answers 200 and starts nothing',
					},
					{
						displayName: 'Public URL',
						name: 'publicUrl',
						type: 'string',
						default: '',
						placeholder: 'https://automation.example.com/webhook/…/delivery-events',
						description:
							'The exact URL the provider calls, when n8n sits behind a proxy that changes it. Twilio signs the URL, so it must match to the letter.',
					},
				],
			},
		],
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const provider = this.getNodeParameter('provider') as ProviderName;
		const options = this.getNodeParameter('options', {}) as { toleranceSeconds?: number; publicUrl?: string; rememberedEvents?: number };
		const secrets = (await this.getCredentials('campaignKitWebhookSecretsApi')) as WebhookSecrets;
		const res = this.getResponseObject();

		if (this.getWebhookName() === 'setup') {
			const query = this.getQueryData() as IDataObject;
			if (provider === 'meta') {
				const ok = query['hub.mode'] === 'subscribe' && !!secrets.verifyToken && sameSecret(String(query['hub.verify_token'] ?? ''), secrets.verifyToken);
				res.status(ok ? 200 : 403).send(ok ? String(query['hub.challenge'] ?? '') : 'Verify token does not match');
			} else {
				res.status(200).send('OK');
			}
			return { noWebhookResponse: true };
		}

		const adapter = PROVIDERS[provider];
		const request = incoming(this, options.publicUrl ?? '');
		const eventType = provider === 'kit' ? (this.getNodeParameter('kitEvent', DEFAULT_KIT_EVENT) as string) : undefined;
		const verdict = adapter.verify(request, secrets, { toleranceSeconds: options.toleranceSeconds ?? 300, now: now(), eventType });
		if (!verdict.ok) {
			this.logger.warn(`Delivery Events Trigger refused a ${provider} request: ${shortened(verdict.reason)}`);
			return answer(this, 401, { error: 'Unauthorized', reason: verdict.reason });
		}
		let events;
		try {
			events = adapter.normalise(request, { eventType });
		} catch (error) {
			return answer(this, 400, { error: 'Bad Request', reason: `the body is not a ${provider} event: ${(error as Error).message}` });
		}
		const { fresh, replayed } = firstDeliveries(events, this.getWorkflowStaticData('node'), options.rememberedEvents);
		// Answer the provider ourselves: with workflow data, n8n 2.40 would send the description's
		// responseData default instead of webhookResponse. A replay gets 200 too, so the provider stops sending it.
		answer(this, 200, { received: events.length, ...(replayed ? { replayed } : {}) });
		if (fresh.length === 0) return { noWebhookResponse: true };
		return { noWebhookResponse: true, workflowData: [this.helpers.returnJsonArray(fresh as unknown as IDataObject[])] };
	}
}
