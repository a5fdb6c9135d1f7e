/** What the Email Audience node shows on the canvas: resources, operations and their fields. */
import type { INodeProperties } from 'n8n-workflow';

import { on, operation, resource, returnAllAndLimit, text, type DisplayOptions } from '../shared/description';

const email = (displayOptions: DisplayOptions): INodeProperties => ({
	displayName: 'Email',
	name: 'email',
	type: 'string',
	placeholder: 'name@email.com',
	default: '={{ $json.email }}',
	required: true,
	displayOptions,
	description: 'The contact\'s email address, usually mapped from the incoming item',
});

const MC_MEMBER_OPS = ['upsert', 'batchSubscribe'];
const MC_ALL_BUT_LIST = ['upsert', 'addTags', 'removeTags', 'unsubscribe', 'archive', 'batchSubscribe'];

export const properties: INodeProperties[] = [
	resource(
		[
			{ name: 'Kit Subscriber', value: 'kitSubscriber' },
			{ name: 'List Hygiene', value: 'listHygiene' },
			{ name: 'Mailchimp Member', value: 'mailchimpMember' },
			{ name: 'SendGrid Contact', value: 'sendgridContact' },
			{ name: 'SendGrid Suppression', value: 'sendgridSuppression' },
		],
		'mailchimpMember',
	),
	operation(
		'mailchimpMember',
		[
			{ name: 'Add Tags', value: 'addTags', action: 'Add tags to Mailchimp members', description: 'Tag one member per item' },
			{ name: 'Archive', value: 'archive', action: 'Archive Mailchimp members', description: 'Archive one member per item (they can be re-added later)' },
			{ name: 'Batch Subscribe', value: 'batchSubscribe', action: 'Batch subscribe Mailchimp members', description: 'Add or update many members, 500 per request' },
			{ name: 'List', value: 'list', action: 'List Mailchimp members', description: 'Read an audience\'s members, page by page' },
			{ name: 'Remove Tags', value: 'removeTags', action: 'Remove tags from Mailchimp members', description: 'Untag one member per item' },
			{ name: 'Unsubscribe', value: 'unsubscribe', action: 'Unsubscribe Mailchimp members', description: 'Set one member per item to unsubscribed' },
			{ name: 'Create or Update', value: 'upsert', action: 'Add or update a Mailchimp member', description: 'Create a new record, or update the current one if it already exists (upsert)' },
		],
		'upsert',
	),
	operation(
		'kitSubscriber',
		[
			{ name: 'Add to Sequence', value: 'addToSequence', action: 'Add Kit subscribers to a sequence', description: 'Start one subscriber per item on a sequence' },
			{ name: 'Create or Update', value: 'upsert', action: 'Create or update Kit subscribers', description: 'Create a new record, or update the current one if it already exists (upsert)' },
			{ name: 'Tag', value: 'tag', action: 'Tag Kit subscribers', description: 'Tag one subscriber per item' },
			{ name: 'Unsubscribe', value: 'unsubscribe', action: 'Unsubscribe Kit subscribers', description: 'Unsubscribe one subscriber per item from everything' },
		],
		'upsert',
	),
	operation(
		'sendgridContact',
		[
			{ name: 'Search by Email', value: 'search', action: 'Find SendGrid contacts by email', description: 'Look up one contact per item' },
			{ name: 'Create or Update', value: 'upsert', action: 'Add or update SendGrid contacts', description: 'Create a new record, or update the current one if it already exists (upsert)' },
		],
		'upsert',
	),
	operation(
		'sendgridSuppression',
		[
			{ name: 'Add', value: 'add', action: 'Suppress email addresses in SendGrid', description: 'Stop sending to one address per item, everywhere or for one unsubscribe group' },
			{ name: 'List', value: 'list', action: 'List SendGrid suppressions', description: 'The addresses that are suppressed' },
			{ name: 'Remove', value: 'remove', action: 'Remove SendGrid suppressions', description: 'Allow sending to one address per item again' },
		],
		'add',
	),
	operation(
		'listHygiene',
		[{ name: 'Analyze Delivery Events', value: 'analyze', action: 'Find addresses to suppress or re-engage', description: 'Turn delivery events into suppressions and re-engagement candidates' }],
		'analyze',
	),

	// ---- Mailchimp
	text('Audience ID', 'listId', on(['mailchimpMember']), { description: 'Audience → Settings → Audience name and defaults → Audience ID (also called list ID)' }),
	email(on(['mailchimpMember'], MC_ALL_BUT_LIST)),
	{
		displayName: 'Status for New Members',
		name: 'statusIfNew',
		type: 'options',
		options: [
			{ name: 'Pending (Double Opt-In Email)', value: 'pending' },
			{ name: 'Subscribed', value: 'subscribed' },
			{ name: 'Transactional (No Marketing)', value: 'transactional' },
			{ name: 'Unsubscribed', value: 'unsubscribed' },
		],
		default: 'subscribed',
		displayOptions: on(['mailchimpMember'], MC_MEMBER_OPS),
		description: 'Only people not yet in the audience get this status; existing members keep theirs unless you set Status below',
	},
	{
		displayName: 'Update Existing Members',
		name: 'updateExisting',
		type: 'boolean',
		default: true,
		displayOptions: on(['mailchimpMember'], ['batchSubscribe']),
		description: 'Whether members already in the audience get the new names and fields; off leaves them as they are',
	},
	{
		displayName: 'Tags',
		name: 'tags',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'customer, vip',
		displayOptions: on(['mailchimpMember'], ['addTags', 'removeTags']),
		description: 'Tag names, comma-separated',
	},
	{
		displayName: 'Additional Fields',
		name: 'memberFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: on(['mailchimpMember'], MC_MEMBER_OPS),
		options: [
			{ displayName: 'First Name', name: 'firstName', type: 'string', default: '', description: 'Goes into the FNAME merge field' },
			{ displayName: 'Language', name: 'language', type: 'string', default: '', placeholder: 'en', description: 'Mailchimp language code' },
			{ displayName: 'Last Name', name: 'lastName', type: 'string', default: '', description: 'Goes into the LNAME merge field' },
			{ displayName: 'Merge Fields (JSON)', name: 'mergeFields', type: 'json', default: '{}', description: 'Other merge fields by tag, e.g. { "CITY": "Berlin" }' },
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: [
					{ name: 'Pending', value: 'pending' },
					{ name: 'Subscribed', value: 'subscribed' },
					{ name: 'Unsubscribed', value: 'unsubscribed' },
				],
				default: 'subscribed',
				description: 'Set this status on existing members too (only when they agreed to it)',
			},
			{ displayName: 'Tags', name: 'tags', type: 'string', default: '', description: 'Tags for new members, comma-separated' },
		],
	},
	...returnAllAndLimit(on(['mailchimpMember'], ['list'])),
	{
		displayName: 'Filters',
		name: 'memberFilters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: on(['mailchimpMember'], ['list']),
		options: [
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: [
					{ name: 'Archived', value: 'archived' },
					{ name: 'Cleaned', value: 'cleaned' },
					{ name: 'Pending', value: 'pending' },
					{ name: 'Subscribed', value: 'subscribed' },
					{ name: 'Transactional', value: 'transactional' },
					{ name: 'Unsubscribed', value: 'unsubscribed' },
				],
				default: 'subscribed',
			},
			{ displayName: 'Changed Since', name: 'sinceLastChanged', type: 'dateTime', default: '', description: 'Only members changed after this time' },
		],
	},

	// ---- Kit
	email(on(['kitSubscriber'])),
	text('Tag ID', 'tagId', on(['kitSubscriber'], ['tag']), { description: 'The number in the tag\'s page address in Kit (Subscribers → Tags)' }),
	text('Sequence ID', 'sequenceId', on(['kitSubscriber'], ['addToSequence']), { description: 'The number in the sequence\'s page address in Kit' }),
	{
		displayName: 'Additional Fields',
		name: 'subscriberFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: on(['kitSubscriber'], ['upsert']),
		options: [
			{ displayName: 'First Name', name: 'firstName', type: 'string', default: '' },
			{ displayName: 'Custom Fields (JSON)', name: 'fields', type: 'json', default: '{}', description: 'Custom fields by key, e.g. { "city": "Berlin" }; Kit ignores keys it does not know' },
		],
	},
	{
		displayName: 'Options',
		name: 'kitOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: on(['kitSubscriber']),
		options: [
			{
				displayName: 'Requests per Minute',
				name: 'requestsPerMinute',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 120,
				description: 'Kit allows 120 per API key; lower it when other workflows use the same key at the same time',
			},
			{
				displayName: 'Budget Window (Seconds)',
				name: 'windowSeconds',
				type: 'number',
				typeOptions: { minValue: 0.1 },
				default: 60,
				description: 'The period the requests-per-minute budget counts over. Leave at 60.',
			},
		],
	},

	// ---- SendGrid contacts
	email(on(['sendgridContact'])),
	{
		displayName: 'Additional Fields',
		name: 'contactFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: on(['sendgridContact'], ['upsert']),
		options: [
			{ displayName: 'City', name: 'city', type: 'string', default: '' },
			{ displayName: 'Country', name: 'country', type: 'string', default: '' },
			{ displayName: 'Custom Fields (JSON)', name: 'customFields', type: 'json', default: '{}', description: 'By custom field ID, e.g. { "e1_T": "gold" }' },
			{ displayName: 'First Name', name: 'firstName', type: 'string', default: '' },
			{ displayName: 'Last Name', name: 'lastName', type: 'string', default: '' },
			{ displayName: 'List IDs', name: 'listIds', type: 'string', default: '', description: 'Marketing list IDs to add the contacts to, comma-separated' },
			{ displayName: 'Postal Code', name: 'postalCode', type: 'string', default: '' },
		],
	},
	{
		displayName: 'Options',
		name: 'jobOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: on(['sendgridContact'], ['upsert']),
		options: [
			{ displayName: 'Wait for SendGrid to Finish', name: 'waitForJob', type: 'boolean', default: true, description: 'Whether to check the import job until it is done; off returns at once with the job ID' },
			{ displayName: 'Check Every (Seconds)', name: 'pollSeconds', type: 'number', typeOptions: { minValue: 0.1 }, default: 5 },
			{ displayName: 'Give Up After (Minutes)', name: 'maxWaitMinutes', type: 'number', typeOptions: { minValue: 0.1 }, default: 30 },
		],
	},

	// ---- SendGrid suppressions
	{
		displayName: 'Scope',
		name: 'scope',
		type: 'options',
		options: [
			{ name: 'Everything (Global Unsubscribe)', value: 'global' },
			{ name: 'One Unsubscribe Group', value: 'group' },
		],
		default: 'global',
		displayOptions: on(['sendgridSuppression']),
		description: 'A global suppression stops all marketing email; a group suppression only the emails of that group',
	},
	text('Group ID', 'groupId', { show: { resource: ['sendgridSuppression'], scope: ['group'] } }, { description: 'Marketing → Unsubscribe Groups, the group\'s ID' }),
	email(on(['sendgridSuppression'], ['add', 'remove'])),
	...returnAllAndLimit(on(['sendgridSuppression'], ['list'])),

	// ---- List hygiene
	{
		displayName:
			'Connect the Delivery Events Trigger (or stored delivery events). Each address comes out once with action "suppress", "reengage" or "keep" and the reason; feed the suppressions into an Unsubscribe, Archive or Add Suppression step.',
		name: 'hygieneNotice',
		type: 'notice',
		default: '',
		displayOptions: on(['listHygiene']),
	},
	{
		displayName: 'Options',
		name: 'hygieneOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: on(['listHygiene']),
		options: [
			{ displayName: 'Soft Bounces Before Suppressing', name: 'softBounceLimit', type: 'number', typeOptions: { minValue: 1 }, default: 3, description: 'Soft bounces in a row (no delivery, open or click in between) that count as a dead address' },
			{ displayName: 'Deliveries Without Opens Before Re-Engaging', name: 'reengageAfterDeliveries', type: 'number', typeOptions: { minValue: 1 }, default: 3, description: 'Emails delivered with no open or click that make an address a re-engagement candidate' },
			{ displayName: 'Suppress Unsubscribes', name: 'suppressUnsubscribes', type: 'boolean', default: true, description: 'Whether unsubscribes become suppressions too, to carry them to your other platforms' },
			{
				displayName: 'Bounces of Unknown Kind Count As',
				name: 'unknownBounce',
				type: 'options',
				options: [
					{ name: 'Hard (Suppress at Once)', value: 'hard' },
					{ name: 'Soft', value: 'soft' },
				],
				default: 'hard',
				description: 'For bounces whose provider does not say whether the address is gone for good',
			},
		],
	},
];
