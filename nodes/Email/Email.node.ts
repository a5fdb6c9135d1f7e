import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { parseProviderChoice, providerProperty, providerSubtitle } from '../shared/channel/description';
import { campaignTracking, channelCredentials, sendHistoryProperty, sendingOptionsCollection, sendingSettings, type ChannelWords } from '../shared/channel/options';
import { CHANNEL_OUTPUT_NAMES, sendThroughChannel } from '../shared/channel/send';
import { emailDrafts } from './compose';
import { EMAIL_PROVIDERS, emailProvider } from './providers';

/** How this channel's shared settings speak. */
const WORDS: ChannelWords = { noun: 'email', linksIn: 'every link in the email', medium: 'email', source: 'newsletter', same: 'the same email to the same contact', already: 'contacts who already got this exact email' };


// Not usableAsTool: n8n's tool wrapper returns only the first output, so an agent would never
// see skipped or failed contacts.
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool
export class Email implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Email',
		name: 'email',
		icon: { light: 'file:email.svg', dark: 'file:email.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: providerSubtitle(EMAIL_PROVIDERS),
		description:
			'Send personalised emails through SendGrid, Amazon SES or Postmark, with an optional fallback provider. Never sends the same email twice.',
		defaults: { name: 'Email' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: CHANNEL_OUTPUT_NAMES,
		credentials: channelCredentials(EMAIL_PROVIDERS),
		properties: [
			providerProperty(EMAIL_PROVIDERS, 'sendGrid'),
			{
				displayName: 'Simulate',
				name: 'simulate',
				type: 'boolean',
				default: false,
				description:
					'Whether to only build and check every email and show the exact request each provider would receive, sending nothing. Works without credentials.',
			},
			{
				displayName: 'To Email',
				name: 'to',
				type: 'string',
				default: '={{ $json.email }}',
				required: true,
				description: 'The contact\'s email address. Invalid addresses leave on the Skipped output with the reason.',
			},
			{
				displayName: 'From Email',
				name: 'fromEmail',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'news@yourbrand.com',
				description: 'A sender address verified with your email provider',
			},
			{
				displayName: 'From Name',
				name: 'fromName',
				type: 'string',
				default: '',
				placeholder: 'Your Brand',
				description: 'The name recipients see as the sender',
			},
			{
				displayName: 'Content',
				name: 'content',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Subject and Body', value: 'message', description: 'Write the email here, with merge tags' },
					{ name: 'Provider Template', value: 'template', description: 'Use a template stored at the provider, filled with data from each contact' },
				],
				default: 'message',
			},
			{
				displayName: 'Subject',
				name: 'subject',
				type: 'string',
				default: '',
				required: true,
				displayOptions: { show: { content: ['message'] } },
				placeholder: '{{ first_name | "Hi there" }}, your offer is waiting',
				description:
					'Merge tags such as {{ first_name | "there" }} put each contact\'s field in, or the text after | when the contact has none',
			},
			{
				displayName: 'HTML Body',
				name: 'html',
				type: 'string',
				typeOptions: { editor: 'htmlEditor' },
				default: '',
				displayOptions: { show: { content: ['message'] } },
				description:
					'The email as HTML, with merge tags such as {{ first_name | "there" }}. Contact values are HTML-escaped; links get the UTM parameters set under Campaign Tracking.',
			},
			{
				displayName: 'Text Body',
				name: 'text',
				type: 'string',
				typeOptions: { rows: 6 },
				default: '',
				displayOptions: { show: { content: ['message'] } },
				description: 'The plain-text version. Leave empty to derive it from the HTML body.',
			},
			{
				displayName: 'Template ID',
				name: 'templateId',
				type: 'string',
				default: '',
				required: true,
				displayOptions: { show: { content: ['template'] } },
				placeholder: 'd-8f2a…',
				description:
					'SendGrid: the dynamic template ID (d-…). Amazon SES: the template name. Postmark: the template ID or alias.',
			},
			{
				displayName: 'Template Data',
				name: 'templateData',
				type: 'json',
				default: '={{ $json }}',
				displayOptions: { show: { content: ['template'] } },
				description: 'The values the template fills in, per contact',
			},
			campaignTracking(WORDS, { displayOptions: { show: { content: ['message'] } } }),
			sendHistoryProperty,
			sendingOptionsCollection(WORDS, [
				{
					displayName: 'Postmark Message Stream',
					name: 'postmarkMessageStream',
					type: 'string',
					default: '',
					placeholder: 'broadcast',
					description: 'Postmark stream to send through; Postmark\'s transactional stream when empty. Use a broadcast stream for campaigns.',
				},
				{
					displayName: 'Recipient Name',
					name: 'recipientName',
					type: 'string',
					default: '',
					placeholder: 'Ann Smith',
					description: 'The contact\'s name in the To line, e.g. an expression for their name field',
				},
				{
					displayName: 'Reply-To Email',
					name: 'replyTo',
					type: 'string',
					default: '',
					placeholder: 'support@yourbrand.com',
				},
				{
					displayName: 'SES Configuration Set',
					name: 'sesConfigurationSet',
					type: 'string',
					default: '',
					description: 'Amazon SES configuration set that publishes delivery events (opens, clicks, bounces)',
				},
			]),
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const { primary, fallback } = parseProviderChoice(this.getNodeParameter('provider', 0) as string);
		const options = this.getNodeParameter('options', 0, {}) as { postmarkMessageStream?: string; sesConfigurationSet?: string };
		const settings = { messageStream: options.postmarkMessageStream, configurationSet: options.sesConfigurationSet };
		return await sendThroughChannel(this, {
			primary: emailProvider(primary, settings),
			fallback: fallback ? emailProvider(fallback, settings) : undefined,
			drafts: () => emailDrafts(this),
			simulate: this.getNodeParameter('simulate', 0, false) as boolean,
			...sendingSettings(options),
		});
	}
}
