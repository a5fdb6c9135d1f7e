import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { parseProviderChoice, providerCredentials, providerProperty, providerSubtitle, whenProvider } from '../shared/channel/description';
import { CHANNEL_OUTPUT_NAMES, sendThroughChannel } from '../shared/channel/send';
import { smsDrafts } from './compose';
import type { SmsProviderId } from './content';
import { SMS_PROVIDERS, smsProvider } from './providers';
import type { SegmentCount } from './segments';

const DEFAULT_HISTORY = 100_000;
const DEFAULT_MAX_WAIT_SECONDS = 300;
const DEFAULT_CONCURRENCY = 10;

/** Each item's segment count joins its delivery: what the carrier bills, and why (GSM-7 or UCS-2). */
function withSegments(outputs: INodeExecutionData[][], counted: Map<number, SegmentCount>): INodeExecutionData[][] {
	for (const output of outputs) {
		for (const item of output) {
			const count = counted.get((item.pairedItem as { item: number }).item);
			const delivery = item.json.delivery as IDataObject | undefined;
			if (!count || !delivery) continue;
			delivery.segments = count.segments;
			delivery.encoding = count.encoding;
			delivery.characters = count.characters;
			if (count.unicodeCharacters.length) delivery.unicodeCharacters = count.unicodeCharacters;
		}
	}
	return outputs;
}

// Not usableAsTool: n8n's tool wrapper returns only the first output, so an agent would never
// see skipped or failed contacts.
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool
export class Sms implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SMS',
		name: 'sms',
		icon: { light: 'file:sms.svg', dark: 'file:sms.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: providerSubtitle(SMS_PROVIDERS),
		description: 'Send personalised text messages through Twilio or Telnyx, with an optional fallback provider. Never sends the same text twice.',
		defaults: { name: 'SMS' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: CHANNEL_OUTPUT_NAMES,
		credentials: providerCredentials(SMS_PROVIDERS),
		properties: [
			providerProperty(SMS_PROVIDERS, 'twilio'),
			{
				displayName: 'Simulate',
				name: 'simulate',
				type: 'boolean',
				default: false,
				description:
					'Whether to only build and check every message and show the exact request the provider would receive, sending nothing. Works without credentials.',
			},
			{
				displayName: 'To Phone Number',
				name: 'to',
				type: 'string',
				default: '={{ $json.phone }}',
				required: true,
				description:
					'The contact\'s mobile number in international format (+ and country code, e.g. +14155550123). Invalid numbers leave on the Skipped output with the reason.',
			},
			{
				displayName: 'Twilio Sender',
				name: 'twilioFrom',
				type: 'string',
				default: '',
				required: true,
				displayOptions: whenProvider('twilio'),
				placeholder: '+14155550123',
				description:
					'A phone number, short code or alphanumeric sender ID from your Twilio account, or a Messaging Service SID (MG…) to let Twilio pick one',
			},
			{
				displayName: 'Telnyx Sender',
				name: 'telnyxFrom',
				type: 'string',
				default: '',
				required: true,
				displayOptions: whenProvider('telnyx'),
				placeholder: '+14155550123',
				description:
					'A phone number, short code or alphanumeric sender ID from your Telnyx account, or a messaging profile ID to send from its number pool',
			},
			{
				displayName: 'Message',
				name: 'message',
				type: 'string',
				typeOptions: { rows: 4 },
				default: '',
				required: true,
				placeholder: 'Hi {{ first_name | "there" }}, your code {{ code }} gets 20% off today: https://shop.example/sale',
				description:
					'The text, with merge tags such as {{ first_name | "there" }} (the contact\'s field, or the text after | when they have none). Links get the UTM parameters set under Campaign Tracking. Each result says how many segments it took.',
			},
			{
				displayName: 'Campaign Tracking (UTM)',
				name: 'utm',
				type: 'collection',
				placeholder: 'Add Field',
				default: {},
				description: 'Added to every link in the message as utm_source, utm_medium, … so analytics and the Attribution node credit this campaign. Longer links can cost an extra segment.',
				options: [
					{ displayName: 'Campaign', name: 'campaign', type: 'string', default: '', placeholder: 'spring-sale' },
					{ displayName: 'Content', name: 'content', type: 'string', default: '', placeholder: 'variant-b', description: 'Tells apart versions of the same message, such as A/B variants' },
					{ displayName: 'Medium', name: 'medium', type: 'string', default: 'sms' },
					{ displayName: 'Source', name: 'source', type: 'string', default: '', placeholder: 'reminder' },
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Give Up After (Seconds)',
						name: 'maxRetryWait',
						type: 'number',
						default: DEFAULT_MAX_WAIT_SECONDS,
						typeOptions: { minValue: 0 },
						description:
							'How long to keep retrying a provider that is down or rate limiting before its messages fail, or go to the fallback provider',
					},
					{
						displayName: 'Remember Sends',
						name: 'historySize',
						type: 'number',
						default: DEFAULT_HISTORY,
						typeOptions: { minValue: 1 },
						description:
							'How many sends this node remembers so it never sends the same text to the same number twice. Set it above your list size.',
					},
					{
						displayName: 'Requests at Once',
						name: 'concurrency',
						type: 'number',
						default: DEFAULT_CONCURRENCY,
						typeOptions: { minValue: 1, maxValue: 100 },
						description:
							'Messages sent in parallel (each is one request). Keep it within your account\'s limit; the provider queues what its senders cannot send at once.',
					},
					{
						displayName: 'Send Again',
						name: 'sendAgain',
						type: 'boolean',
						default: false,
						description: 'Whether to send even to numbers that already got this exact text from this node (a re-run normally skips them)',
					},
					{
						displayName: 'Status Callback URL',
						name: 'statusCallback',
						type: 'string',
						default: '',
						placeholder: 'https://n8n.example.com/webhook/delivery-events/twilio',
						description:
							'Where the provider reports each message\'s delivery (e.g. a Delivery Events Trigger). The idempotency key is added to it so events can be traced back.',
					},
					{
						displayName: 'Telnyx Messaging Profile ID',
						name: 'telnyxMessagingProfileId',
						type: 'string',
						default: '',
						description: 'The messaging profile to send with; Telnyx needs it for alphanumeric sender IDs',
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const { primary, fallback } = parseProviderChoice(this.getNodeParameter('provider', 0) as string);
		const options = this.getNodeParameter('options', 0, {}) as {
			maxRetryWait?: number;
			historySize?: number;
			concurrency?: number;
			sendAgain?: boolean;
			statusCallback?: string;
			telnyxMessagingProfileId?: string;
		};
		const settings = { statusCallback: options.statusCallback, messagingProfileId: options.telnyxMessagingProfileId };
		const primaryProvider = smsProvider(primary, settings);
		const fallbackProvider = fallback ? smsProvider(fallback, settings) : undefined;
		const ids = [primaryProvider, fallbackProvider].filter((provider) => provider !== undefined).map((provider) => provider.id as SmsProviderId);
		const counted = new Map<number, SegmentCount>();
		const outputs = await sendThroughChannel(this, {
			primary: primaryProvider,
			fallback: fallbackProvider,
			drafts: () => smsDrafts(this, ids, counted),
			simulate: this.getNodeParameter('simulate', 0, false) as boolean,
			sendAgain: options.sendAgain ?? false,
			historySize: options.historySize ?? DEFAULT_HISTORY,
			maxWaitMs: (options.maxRetryWait ?? DEFAULT_MAX_WAIT_SECONDS) * 1000,
			concurrency: Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY)),
		});
		return withSegments(outputs, counted);
	}
}
