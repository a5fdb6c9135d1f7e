/** What the Marketing Event Trigger shows on the canvas. */
import type { INodeProperties } from 'n8n-workflow';

import { CHANNELS } from '../shared/channelGrouping';

const secret = { show: { authentication: ['sharedSecret', 'hmac'] } };
const hmac = { show: { authentication: ['hmac'] } };

export const properties: INodeProperties[] = [
	{
		displayName:
			'Send events here from your site, app or server: one event as JSON, or {"batch": [ … ]} with up to 1,000. The caller gets 202 with how many were accepted and why any were rejected. Valid events come out of Accepted, invalid and repeated ones out of Rejected. To store each event once across requests, write Accepted events with a Data Table Upsert (or Postgres insert) keyed by eventId, as the Marketing Events template does.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Path',
		name: 'path',
		type: 'string',
		default: 'marketing-events',
		required: true,
		placeholder: 'marketing-events',
		description: 'The URL path events are posted to: &lt;n8n URL&gt;/webhook/&lt;path&gt;',
	},
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		options: [
			{ name: 'None', value: 'none', description: 'Anyone who knows the URL can send events' },
			{ name: 'Shared Secret', value: 'sharedSecret', description: 'The caller sends a secret in a header' },
			{
				name: 'HMAC Signature',
				value: 'hmac',
				description: 'The caller signs "&lt;epoch seconds&gt;.&lt;body&gt;" with a secret (HMAC) and sends the signature and the seconds in two headers',
			},
		],
		default: 'none',
		description: 'How requests prove they come from you. Refused requests get 401 and start nothing.',
	},
	{
		displayName: 'Header Name',
		name: 'headerName',
		type: 'string',
		default: 'X-Api-Key',
		description: 'The request header that carries the shared secret',
		displayOptions: { show: { authentication: ['sharedSecret'] } },
	},
	{
		displayName: 'Header Name',
		name: 'signatureHeader',
		type: 'string',
		default: 'X-Signature',
		description: 'The request header that carries the signature',
		displayOptions: hmac,
	},
	{
		displayName: 'Timestamp Header',
		name: 'timestampHeader',
		type: 'string',
		default: 'X-Signature-Timestamp',
		description: 'The request header that carries the signed time in epoch seconds',
		displayOptions: hmac,
	},
	{
		displayName: 'Signature Tolerance (Seconds)',
		name: 'toleranceSeconds',
		type: 'number',
		default: 300,
		typeOptions: { minValue: 1 },
		description: 'A signed time further from now than this is refused, so a captured request cannot be replayed later',
		displayOptions: hmac,
	},
	{
		displayName: 'Secret',
		name: 'secret',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		required: true,
		description: 'The shared secret, or the key the HMAC signature is made with',
		displayOptions: secret,
	},
	{
		displayName: 'Algorithm',
		name: 'hmacAlgorithm',
		type: 'options',
		options: [
			{ name: 'SHA-256', value: 'sha256' },
			{ name: 'SHA-1', value: 'sha1' },
			{ name: 'SHA-512', value: 'sha512' },
		],
		default: 'sha256',
		displayOptions: hmac,
	},
	{
		displayName: 'Signature Encoding',
		name: 'hmacEncoding',
		type: 'options',
		options: [
			{ name: 'Hex', value: 'hex' },
			{ name: 'Base64', value: 'base64' },
		],
		default: 'hex',
		displayOptions: hmac,
	},
	{
		displayName: 'Signature Prefix',
		name: 'signaturePrefix',
		type: 'string',
		default: '',
		placeholder: 'e.g. sha256=',
		description: 'Text the caller puts before the signature in the header, if any',
		displayOptions: hmac,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Add Received At',
				name: 'addReceivedAt',
				type: 'boolean',
				default: true,
				description: 'Whether to add the time the request arrived to every event, as receivedAt',
			},
			{
				displayName: 'Channel Rules',
				name: 'channelRules',
				type: 'fixedCollection',
				placeholder: 'Add Rule',
				typeOptions: { multipleValues: true, sortable: true },
				default: {},
				description:
					'Your own channel grouping, tried in order before the default one. Each pattern is a regular expression matched against the whole value, ignoring case; empty patterns are not checked.',
				options: [
					{
						displayName: 'Rule',
						name: 'rule',
						values: [
							{
								displayName: 'Campaign Pattern',
								name: 'campaign',
								type: 'string',
								default: '',
								placeholder: 'e.g. brand-.*',
								description: 'Matched against utm_campaign',
							},
							{
								displayName: 'Channel',
								name: 'channel',
								type: 'string',
								default: '',
								placeholder: `e.g. ${CHANNELS.paidSocial}`,
								description: 'The channel an event matching this rule gets',
							},
							{
								displayName: 'Medium Pattern',
								name: 'medium',
								type: 'string',
								default: '',
								placeholder: 'e.g. cpc|ppc',
								description: 'Matched against utm_medium',
							},
							{
								displayName: 'Referrer Pattern',
								name: 'referrer',
								type: 'string',
								default: '',
								placeholder: 'e.g. (.*\\.)?partner\\.com',
								description: "Matched against the referring site's host name",
							},
							{
								displayName: 'Source Pattern',
								name: 'source',
								type: 'string',
								default: '',
								placeholder: 'e.g. newsletter|brevo',
								description: 'Matched against utm_source',
							},
						],
					},
				],
			},
			{
				displayName: 'Internal Domains',
				name: 'internalDomains',
				type: 'string',
				default: '',
				placeholder: 'e.g. example.com, shop.example.com',
				description: 'Your own sites, comma-separated: a visit referred by one of them is not a referral',
			},
			{
				displayName: 'IP Addresses',
				name: 'ipAddresses',
				type: 'options',
				options: [
					{ name: 'Anonymise', value: 'anonymise', description: 'Drop the last part: 203.0.113.57 → 203.0.113.0, IPv6 keeps its first 48 bits' },
					{ name: 'Keep', value: 'keep', description: 'Keep the full address (you need a legal basis for it)' },
					{ name: 'Remove', value: 'remove', description: 'Drop the address altogether' },
				],
				default: 'anonymise',
				description: 'What to do with ip and context.ip',
			},
			{
				displayName: 'Max Batch Size',
				name: 'maxBatchSize',
				type: 'number',
				default: 1000,
				typeOptions: { minValue: 1, maxValue: 1000 },
				description: 'Larger batches are refused with 413 and start nothing',
			},
			{
				displayName: 'Require Event ID',
				name: 'requireEventId',
				type: 'boolean',
				default: false,
				description:
					'Whether an event without eventId is rejected. When off, such an event gets an ID made from its content, so the same event sent twice gets the same ID.',
			},
			{
				displayName: 'Use Default Channel Rules',
				name: 'useDefaultChannelRules',
				type: 'boolean',
				default: true,
				description:
					'Whether events that match none of your rules are grouped like Google Analytics does (Paid Search, Organic Search, Paid Social, Organic Social, Email, SMS, Push, Referral, Direct, Affiliate, Display); when off they get "Other"',
			},
		],
	},
];
