/** What the Audience Guard node shows on the canvas: the checks, the caps and the ledger. */
import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_LEDGER_TABLE } from './actions/postgresLedger';

const fromInput = { show: { ledger: ['input'] } };
const postgres = { show: { ledger: ['postgres'] } };

export const OUTPUT_NAMES = ['Send now', 'Delay', 'Blocked'];

export const properties: INodeProperties[] = [
	{
		displayName:
			'Each contact leaves on one output: Send now, Delay (with guard.resumeAt, soonest first) or Blocked (with guard.reason). Connect Delay to a Wait node (At Specified Time: {{ $json.guard.resumeAt }}) and the Wait node back into this node: it wakes for the earliest contact, and the others are delayed again.',
		name: 'outputsNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Channel',
		name: 'channel',
		type: 'options',
		options: [
			{ name: 'Email', value: 'email' },
			{ name: 'SMS', value: 'sms' },
			{ name: 'Push', value: 'push' },
		],
		default: 'email',
		description: 'The channel the message goes out on. Consent and "This Channel" caps are per channel.',
	},
	{
		displayName: 'Contact ID',
		name: 'contactId',
		type: 'string',
		default: '={{ $json.email }}',
		required: true,
		description:
			'What identifies the contact in the send history, such as a user ID or email address. Use the same ID on every channel so that caps across channels count every message.',
	},
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '',
		placeholder: 'e.g. welcome',
		description:
			"Name of this message in the journey, e.g. welcome, or built from the item with an expression, such as the campaign name followed by -tips. When this contact's send history already holds a send on this channel with the same Message ID, this is that message again (a retried or re-run execution): it goes out on Send now at once, neither counted against the caps again nor held for quiet hours; the channel node then skips what it already sent. Unsubscribed, suppressed and opted-out contacts are still blocked. Give each message a contact should get its own ID (a weekly digest: include the week). Leave empty to count every pass.",
	},
	{
		displayName: 'Consent',
		name: 'consent',
		type: 'string',
		default: '={{ $json.consent.email }}',
		description:
			"The contact's consent for this channel: opted_in, opted_out or unknown (true, false, subscribed, unsubscribed work too). Empty counts as unknown.",
	},
	{
		displayName: 'Unknown Consent',
		name: 'unknownConsent',
		type: 'options',
		options: [
			{ name: 'Block', value: 'block', description: 'Only contacts who opted in get messages (required for marketing email in the EU)' },
			{ name: 'Send', value: 'send', description: 'Contacts who never answered get messages too; opted-out contacts never do' },
		],
		default: 'block',
		description: 'What to do with contacts whose consent for this channel is not recorded',
	},
	{
		displayName: 'Unsubscribed',
		name: 'unsubscribed',
		type: 'string',
		default: '={{ $json.unsubscribed }}',
		description:
			'Whether the contact unsubscribed from all messages: true or false, or the date they did. Such contacts are always blocked.',
	},
	{
		displayName: 'Suppression',
		name: 'suppression',
		type: 'string',
		default: '={{ $json.suppression }}',
		description:
			'Why the contact must not be messaged, if they must not: bounced, complained, manual (or a list of reasons). Empty means not suppressed.',
	},
	{
		displayName: 'Quiet Hours Start',
		name: 'quietHoursStart',
		type: 'string',
		default: '21:00',
		placeholder: '21:00',
		description:
			"From this time (24-hour clock, in the contact's time zone) no messages go out. Set start and end to the same time for no quiet hours.",
	},
	{
		displayName: 'Quiet Hours End',
		name: 'quietHoursEnd',
		type: 'string',
		default: '08:00',
		placeholder: '08:00',
		description: 'Messages held back by quiet hours go out at this time, local to the contact',
	},
	{
		displayName: 'Time Zone',
		name: 'timezone',
		type: 'string',
		default: '={{ $json.timezone }}',
		description: "The contact's time zone, an IANA name such as Europe/Berlin or America/New_York",
	},
	{
		displayName: 'Default Time Zone',
		name: 'defaultTimezone',
		type: 'string',
		default: '',
		placeholder: 'e.g. Europe/Berlin',
		description:
			'Used for contacts without a time zone. Leave empty to stop with an error on such contacts instead of guessing their local time.',
	},
	{
		displayName: 'Frequency Caps',
		name: 'caps',
		type: 'fixedCollection',
		placeholder: 'Add Cap',
		typeOptions: { multipleValues: true },
		default: { cap: [{ maxMessages: 1, amount: 1, unit: 'days', scope: 'channel' }] },
		description:
			'At most this many messages per contact in a rolling window. Every cap must allow a message; e.g. 1 per day and 3 per 7 days on this channel, and 5 per week across all channels.',
		options: [
			{
				displayName: 'Cap',
				name: 'cap',
				values: [
					{
						displayName: 'Max Messages',
						name: 'maxMessages',
						type: 'number',
						default: 1,
						typeOptions: { minValue: 1 },
						description: 'How many messages a contact may get within the window',
					},
					{
						displayName: 'Per',
						name: 'amount',
						type: 'number',
						default: 1,
						typeOptions: { minValue: 1 },
						description: 'The window length, in the unit below',
					},
					{
						displayName: 'Unit',
						name: 'unit',
						type: 'options',
						options: [
							{ name: 'Minutes', value: 'minutes' },
							{ name: 'Hours', value: 'hours' },
							{ name: 'Days', value: 'days' },
							{ name: 'Weeks', value: 'weeks' },
						],
						default: 'days',
						description: 'A day is 24 hours, counted back from the moment of sending',
					},
					{
						displayName: 'Count',
						name: 'scope',
						type: 'options',
						options: [
							{ name: 'This Channel', value: 'channel', description: 'Only messages on the channel above' },
							{ name: 'All Channels', value: 'all', description: 'Messages on every channel together' },
						],
						default: 'channel',
					},
				],
			},
		],
	},
	{
		displayName: 'When Capped',
		name: 'whenCapped',
		type: 'options',
		options: [
			{ name: 'Delay', value: 'delay', description: 'Send it when the caps allow (Delay output, with the time)' },
			{ name: 'Block', value: 'block', description: 'Drop the message (Blocked output)' },
		],
		default: 'delay',
		description: 'What happens to a message that a frequency cap does not allow now',
	},
	{
		displayName: 'Send Ledger',
		name: 'ledger',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'From Input',
				value: 'input',
				description:
					'Each contact carries its recent sends (read from a Data Table before this node, written after sending). For one n8n instance.',
			},
			{
				name: 'Postgres',
				value: 'postgres',
				description:
					'Sends are recorded in a Postgres table, exact however many workers run at once. For queue mode.',
			},
		],
		default: 'input',
		description: 'Where the sends that frequency caps count come from',
	},
	{
		displayName: 'Send History',
		name: 'history',
		type: 'string',
		default: '={{ $json.sendHistory }}',
		displayOptions: fromInput,
		description:
			'The contact\'s recent sends: a list like [{"channel": "email", "sentAt": "2026-11-22T07:00:00Z", "message": "welcome"}], message being the Message ID a send went out under (record guard.messageId with each send). Empty for contacts with none. Contacts earlier in the same run count too.',
	},
	{
		displayName: 'Ledger Table',
		name: 'table',
		type: 'string',
		default: DEFAULT_LEDGER_TABLE,
		required: true,
		displayOptions: postgres,
		description:
			'The Postgres table that records every send this node lets through; created on first use. Optionally schema.table.',
	},
];
