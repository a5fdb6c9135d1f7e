import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { parseProviderChoice, providerProperty, providerSubtitle, whenProvider } from '../shared/channel/description';
import { campaignTracking, requestsAtOnce, requestsAtOnceSetting, channelCredentials, sendHistoryProperty, sendingOptionsCollection, sendingSettings, type ChannelWords } from '../shared/channel/options';
import { CHANNEL_OUTPUT_NAMES, sendThroughChannel } from '../shared/channel/send';
import { smsDrafts } from './compose';
import type { SmsProviderId } from './content';
import { SMS_PROVIDERS, smsProvider } from './providers';
import type { SegmentCount } from './segments';

/** How this channel's shared settings speak. */
const WORDS: ChannelWords = { noun: 'message', linksIn: 'every link in the message', medium: 'sms', source: 'reminder', utmNote: 'Longer links can cost an extra segment.', same: 'the same text to the same number', already: 'numbers that already got this exact text' };


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
		credentials: channelCredentials(SMS_PROVIDERS),
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
			campaignTracking(WORDS),
			sendHistoryProperty,
			sendingOptionsCollection(WORDS, [
				requestsAtOnce(
					'Messages sent in parallel (each is one request). Keep it within your account\'s limit; the provider queues what its senders cannot send at once.',
				),
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
			]),
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const { primary, fallback } = parseProviderChoice(this.getNodeParameter('provider', 0) as string);
		const options = this.getNodeParameter('options', 0, {}) as { concurrency?: number; statusCallback?: string; telnyxMessagingProfileId?: string };
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
			...sendingSettings(options),
			concurrency: requestsAtOnceSetting(options),
		});
		return withSegments(outputs, counted);
	}
}
