/** What the Audience Segment node shows on the canvas: its operations and settings. */
import type { INodeProperties } from 'n8n-workflow';

import { FIELD_OPS } from './engine/types';

const on = (...operation: string[]) => ({ show: { operation } });
const json = { show: { definitionMode: ['json'] } };
const builder = { show: { definitionMode: ['builder'] } };

export const DEFAULT_DEFINITION = `{
  "all": [
    { "field": "email", "op": "isNotEmpty" },
    { "not": { "field": "unsubscribed", "op": "eq", "value": true } }
  ]
}`;

const OP_NAMES: Record<(typeof FIELD_OPS)[number], string> = {
	eq: 'Is Equal To',
	neq: 'Is Not Equal To',
	gt: 'Is Greater Than',
	gte: 'Is Greater Than or Equal To',
	lt: 'Is Less Than',
	lte: 'Is Less Than or Equal To',
	between: 'Is Between (Low, High)',
	in: 'Is One Of (Comma-Separated)',
	notIn: 'Is None Of (Comma-Separated)',
	contains: 'Contains',
	notContains: 'Does Not Contain',
	startsWith: 'Starts With',
	endsWith: 'Ends With',
	regex: 'Matches Regex',
	isEmpty: 'Is Empty',
	isNotEmpty: 'Is Not Empty',
	exists: 'Exists',
	before: 'Is Before (Date)',
	after: 'Is After (Date)',
	withinLast: 'Is Within the Last (Duration)',
	notWithinLast: 'Is Not Within the Last (Duration)',
	anniversary: 'Has Its Anniversary (Within Duration)',
};

const OPERATOR_OPTIONS = FIELD_OPS.map((op) => ({ name: OP_NAMES[op], value: op })).sort((a, b) => a.name.localeCompare(b.name));

export const properties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Compile to SQL',
				value: 'compileSql',
				action: 'Compile a segment to SQL',
				description: 'Turn the segment into a parameterised WHERE clause for the Postgres node',
			},
			{
				name: 'Count',
				value: 'count',
				action: 'Count a segment',
				description: 'How many contacts are in the segment, how many each channel can reach, and a sample',
			},
			{
				name: 'Filter',
				value: 'filter',
				action: 'Filter contacts by a segment',
				description: 'Send members to "In Segment" and the others to "Not in Segment", each with the reason',
			},
			{
				name: 'Snapshot',
				value: 'snapshot',
				action: 'Snapshot a segment',
				description: 'Freeze the member list with a content hash, so a campaign keeps its audience',
			},
		],
		default: 'filter',
	},
	{
		displayName: 'Define Segment With',
		name: 'definitionMode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'JSON',
				value: 'json',
				description: 'The full form: nested groups, date and event conditions, JSONata. Paste, version and share it.',
			},
			{
				name: 'Simple Conditions',
				value: 'builder',
				description: 'A list of field conditions that must all (or any) hold',
			},
		],
		default: 'json',
	},
	{
		displayName:
			'Groups: {"all": […]}, {"any": […]}, {"not": …}. Field conditions: {"field": "country", "op": "in", "value": ["DE", "AT"]}. Event conditions: {"event": "purchase", "within": "P30D", "count": {"gte": 2}}. Dates are relative to the time of the run.',
		name: 'definitionNotice',
		type: 'notice',
		default: '',
		displayOptions: json,
	},
	{
		displayName: 'Segment Definition',
		name: 'definition',
		type: 'json',
		default: DEFAULT_DEFINITION,
		required: true,
		typeOptions: { rows: 10 },
		description:
			'The segment as JSON. Operators: eq, neq, gt, gte, lt, lte, between, in, notIn, contains, notContains, startsWith, endsWith, regex, isEmpty, isNotEmpty, exists, before, after, withinLast, notWithinLast, anniversary.',
		displayOptions: json,
	},
	{
		displayName: 'Match',
		name: 'match',
		type: 'options',
		options: [
			{ name: 'All Conditions', value: 'all' },
			{ name: 'Any Condition', value: 'any' },
		],
		default: 'all',
		description: 'Whether a contact must meet every condition or at least one',
		displayOptions: builder,
	},
	{
		displayName: 'Conditions',
		name: 'conditions',
		type: 'fixedCollection',
		placeholder: 'Add Condition',
		typeOptions: { multipleValues: true, sortable: true },
		default: { condition: [{ field: 'email', op: 'isNotEmpty', value: '', type: 'auto', ignoreCase: false }] },
		displayOptions: builder,
		options: [
			{
				displayName: 'Condition',
				name: 'condition',
				values: [
					{
						displayName: 'Compare As',
						name: 'type',
						type: 'options',
						options: [
							{ name: 'Automatic', value: 'auto', description: 'Numbers as numbers, true/false as booleans, the rest as text' },
							{ name: 'Boolean', value: 'boolean' },
							{ name: 'Date', value: 'date' },
							{ name: 'Number', value: 'number' },
							{ name: 'Text', value: 'string' },
						],
						default: 'auto',
					},
					{
						displayName: 'Field',
						name: 'field',
						type: 'string',
						default: '',
						placeholder: 'e.g. address.country',
						description: 'The contact field, as a dotted path',
					},
					{
						displayName: 'Ignore Case',
						name: 'ignoreCase',
						type: 'boolean',
						default: false,
						description: 'Whether A–Z and a–z count as the same letters (other letters compare as written)',
					},
					{
						displayName: 'Operator',
						name: 'op',
						type: 'options',
						options: OPERATOR_OPTIONS,
						default: 'eq',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						placeholder: 'e.g. DE, or -P30D for 30 days ago',
						description:
							'What to compare with. Lists are comma-separated. Dates: 2024-05-01, now, today, or a duration from now such as -P30D. Durations: P30D, P6M.',
					},
				],
			},
		],
	},
	{
		displayName: 'Segment ID',
		name: 'segmentId',
		type: 'string',
		default: '',
		placeholder: 'e.g. lapsed-buyers-de',
		description: 'Names the segment on every output. Leave empty to use a short hash of the definition.',
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'string',
		default: '={{ $json.events }}',
		description:
			"The contact's list of events, each with eventType and timestamp (and properties), for event conditions. Not read when the definition has none.",
		displayOptions: on('filter', 'count', 'snapshot'),
	},
	{
		displayName: 'Contact ID',
		name: 'contactId',
		type: 'string',
		default: '={{ $json.id }}',
		required: true,
		description: 'What identifies each contact, such as an ID or email address',
		displayOptions: on('count', 'snapshot'),
	},
	{
		displayName: 'Consent',
		name: 'consent',
		type: 'string',
		default: '={{ $json.consent }}',
		description:
			'The contact\'s consent, one entry per channel, e.g. {"email": true, "sms": "granted"}. True, "yes", "granted", "subscribed" and "opted_in" count as consent.',
		displayOptions: on('count'),
	},
	{
		displayName: 'Channels',
		name: 'channels',
		type: 'multiOptions',
		options: [
			{ name: 'Email', value: 'email' },
			{ name: 'Push', value: 'push' },
			{ name: 'SMS', value: 'sms' },
			{ name: 'WhatsApp', value: 'whatsapp' },
		],
		default: ['email', 'sms', 'push'],
		description: 'The channels to count reachable members for',
		displayOptions: on('count'),
	},
	{
		displayName: 'Sample Size',
		name: 'sampleSize',
		type: 'number',
		default: 10,
		typeOptions: { minValue: 0, maxValue: 1000 },
		description: 'How many members to include as a preview. The same members are picked on every run.',
		displayOptions: on('count'),
	},
	{
		displayName: 'Contacts Table',
		name: 'contactsTable',
		type: 'string',
		default: 'contacts',
		required: true,
		placeholder: 'e.g. crm.contacts',
		description: 'The table of contacts, optionally with its schema',
		displayOptions: on('compileSql'),
	},
	{
		displayName: 'Contact ID Column',
		name: 'contactIdColumn',
		type: 'string',
		default: 'id',
		required: true,
		description: "The contacts table's ID column, which the events table refers to",
		displayOptions: on('compileSql'),
	},
	{
		displayName: 'Column Mapping',
		name: 'columns',
		type: 'fixedCollection',
		placeholder: 'Add Column',
		typeOptions: { multipleValues: true },
		default: {},
		description: 'Contact fields that have a column of their own. Other fields are read from the JSON column.',
		displayOptions: on('compileSql'),
		options: [
			{
				displayName: 'Column',
				name: 'column',
				values: [
					{
						displayName: 'Field',
						name: 'field',
						type: 'string',
						default: '',
						placeholder: 'e.g. email',
						description: 'The field as the definition names it',
					},
					{
						displayName: 'Column',
						name: 'column',
						type: 'string',
						default: '',
						placeholder: 'e.g. email_address',
					},
					{
						displayName: 'Column Type',
						name: 'type',
						type: 'options',
						options: [
							{ name: 'Boolean', value: 'boolean' },
							{ name: 'JSONB', value: 'jsonb', description: 'Deeper fields (field.key) are read inside it' },
							{ name: 'Number', value: 'number', description: 'Integer, real or double precision' },
							{ name: 'Text', value: 'text' },
							{ name: 'Timestamp', value: 'timestamp', description: 'Timestamp with time zone' },
						],
						default: 'text',
					},
				],
			},
		],
	},
	{
		displayName: 'JSON Column',
		name: 'jsonColumn',
		type: 'string',
		default: 'attributes',
		description: 'A JSONB column holding the fields without a column of their own. Leave empty if every field is mapped.',
		displayOptions: on('compileSql'),
	},
	{
		displayName: 'Events Table',
		name: 'eventsTable',
		type: 'string',
		default: 'events',
		description: 'The table of events, for event conditions',
		displayOptions: on('compileSql'),
	},
	{
		displayName: 'Event Contact ID Column',
		name: 'eventContactIdColumn',
		type: 'string',
		default: 'contact_id',
		displayOptions: on('compileSql'),
	},
	{
		displayName: 'Event Type Column',
		name: 'eventTypeColumn',
		type: 'string',
		default: 'event_type',
		displayOptions: on('compileSql'),
	},
	{
		displayName: 'Event Time Column',
		name: 'eventTimestampColumn',
		type: 'string',
		default: 'occurred_at',
		description: 'A timestamp with time zone column',
		displayOptions: on('compileSql'),
	},
	{
		displayName: 'Event Properties Column',
		name: 'eventPropertiesColumn',
		type: 'string',
		default: 'properties',
		description: 'A JSONB column with the event\'s properties',
		displayOptions: on('compileSql'),
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Evaluate At',
				name: 'evaluateAt',
				type: 'dateTime',
				default: '',
				description: 'The moment "now" stands for in relative dates (withinLast, -P30D, anniversaries). Leave empty for the time of the run.',
			},
			{
				displayName: 'Expression Depth Limit',
				name: 'expressionDepthLimit',
				type: 'number',
				default: 1000,
				typeOptions: { minValue: 1, maxValue: 10000 },
				description: 'How deep one JSONata evaluation may nest (recursion included). Deeper fails the contact with the condition\'s path.',
			},
			{
				displayName: 'Expression List Size Limit',
				name: 'expressionListSizeLimit',
				type: 'number',
				default: 1000000,
				typeOptions: { minValue: 1, maxValue: 10000000 },
				description: 'How many list entries one JSONata evaluation may build in all (e.g. [1..N]). More fails the contact with the condition\'s path.',
			},
			{
				displayName: 'Expression Time Limit (Milliseconds)',
				name: 'expressionTimeLimit',
				type: 'number',
				default: 1000,
				typeOptions: { minValue: 1 },
				description: 'How long one JSONata evaluation may run, in milliseconds. Longer fails the contact with the condition\'s path.',
			},
			{
				displayName: 'Include Reasons',
				name: 'includeReasons',
				type: 'boolean',
				default: true,
				description: 'Whether each item gets the conditions that decided its membership (Filter)',
			},
			{
				displayName: 'Time Zone',
				name: 'timeZone',
				type: 'string',
				default: '',
				placeholder: 'e.g. Europe/Berlin',
				description:
					"For dates without an offset, date-only values, \"today\", calendar durations and anniversaries. Leave empty for the workflow's time zone.",
			},
		],
	},
];
