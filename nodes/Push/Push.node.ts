import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { parseProviderChoice, providerProperty, providerSubtitle } from '../shared/channel/description';
import { campaignTracking, requestsAtOnce, requestsAtOnceSetting, channelCredentials, sendHistoryProperty, sendingOptionsCollection, sendingSettings, type ChannelWords } from '../shared/channel/options';
import { CHANNEL_OUTPUT_NAMES, sendThroughChannel } from '../shared/channel/send';
import { pushDrafts } from './compose';
import { PUSH_CHOICE, PUSH_PROVIDERS, pushProvider } from './providers';

/** How this channel's shared settings speak. */
const WORDS: ChannelWords = { noun: 'notification', linksIn: 'the Open URL', medium: 'push', source: 'app', campaign: 'cart-reminder', same: 'the same notification to the same device', already: 'devices that already got this exact notification' };


// Not usableAsTool: n8n's tool wrapper returns only the first output, so an agent would never
// see skipped or failed contacts.
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool
export class Push implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Push',
		name: 'push',
		icon: { light: 'file:push.svg', dark: 'file:push.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: providerSubtitle(PUSH_PROVIDERS, PUSH_CHOICE),
		description: 'Send personalised push notifications through Firebase Cloud Messaging or OneSignal. Never sends the same notification twice.',
		defaults: { name: 'Push' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: CHANNEL_OUTPUT_NAMES,
		credentials: channelCredentials(PUSH_PROVIDERS),
		properties: [
			providerProperty(PUSH_PROVIDERS, 'fcm', PUSH_CHOICE),
			{
				displayName: 'Simulate',
				name: 'simulate',
				type: 'boolean',
				default: false,
				description:
					'Whether to only build and check every notification and show the exact request the provider would receive, sending nothing. Works without credentials.',
			},
			{
				displayName: 'Send To',
				name: 'sendTo',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { provider: ['fcm'] } },
				options: [
					{ name: 'Device', value: 'token', description: 'One device, by its Firebase registration token' },
					{ name: 'Topic', value: 'topic', description: 'Every device subscribed to a topic' },
				],
				default: 'token',
			},
			{
				displayName: 'Send To',
				name: 'sendTo',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { provider: ['oneSignal'] } },
				options: [
					{ name: 'Subscription', value: 'subscription', description: 'One device or browser, by its OneSignal subscription ID' },
					{ name: 'User', value: 'externalId', description: 'Every push subscription of a user, by the External ID your app set' },
				],
				default: 'subscription',
			},
			{
				displayName: 'Recipient',
				name: 'to',
				type: 'string',
				default: '={{ $json.pushToken }}',
				required: true,
				description:
					'The device\'s push token or subscription ID, the topic, or the user\'s External ID, as Send To says. Contacts without one leave on the Skipped output.',
			},
			{
				displayName: 'Title',
				name: 'title',
				type: 'string',
				default: '',
				placeholder: '{{ first_name | "Hi" }}, your cart misses you',
				description: 'The bold first line, with merge tags such as {{ first_name | "there" }}. Empty: the app\'s name shows.',
			},
			{
				displayName: 'Message',
				name: 'body',
				type: 'string',
				typeOptions: { rows: 3 },
				default: '',
				required: true,
				placeholder: 'Your {{ product | "items" }} are still waiting. Check out in one tap.',
				description: 'The notification\'s text, with merge tags such as {{ first_name | "there" }} (the contact\'s field, or the text after | when they have none)',
			},
			{
				displayName: 'Open URL',
				name: 'link',
				type: 'string',
				default: '',
				placeholder: 'https://shop.example/cart',
				description: 'Opened when the notification is tapped (web push opens it; apps get it as data.link). Gets the UTM parameters set under Campaign Tracking.',
			},
			{
				displayName: 'Data',
				name: 'data',
				type: 'json',
				default: '{}',
				description: 'Key-value data for your app, such as {"screen": "cart"}. Firebase receives every value as text.',
			},
			campaignTracking(WORDS),
			sendHistoryProperty,
			sendingOptionsCollection(WORDS, [
				requestsAtOnce('Requests sent in parallel: one per device for Firebase, one per 2,000 recipients of the same notification for OneSignal'),
			]),
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const { primary } = parseProviderChoice(this.getNodeParameter('provider', 0) as string);
		const options = this.getNodeParameter('options', 0, {}) as { concurrency?: number };
		const sending = sendingSettings(options);
		// OneSignal drops a call it has seen for 30 days; a deliberate resend must not look like one.
		const provider = pushProvider(primary, { salt: sending.sendAgain ? `again:${this.getExecutionId()}` : '' });
		return await sendThroughChannel(this, {
			primary: provider,
			drafts: () => pushDrafts(this, provider.id as 'fcm' | 'oneSignal'),
			simulate: this.getNodeParameter('simulate', 0, false) as boolean,
			...sending,
			concurrency: requestsAtOnceSetting(options),
		});
	}
}
