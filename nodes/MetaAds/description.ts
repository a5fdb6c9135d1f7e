/** What the Meta Ads node shows on the canvas: resources, operations and their fields. */
import type { INodeProperties } from 'n8n-workflow';

import { on, operation, resource, returnAllAndLimit, text } from '../shared/description';

const OBJECTS = ['campaigns', 'adSets', 'ads'];

const status = (displayOptions: INodeProperties['displayOptions'], value = 'PAUSED'): INodeProperties => ({
	displayName: 'Status',
	name: 'status',
	type: 'options',
	options: [
		{ name: 'Active', value: 'ACTIVE' },
		{ name: 'Paused', value: 'PAUSED' },
	],
	default: value,
	displayOptions,
});

const objectOperations = (plural: string) => [
	{ name: 'Create', value: 'create', action: `Create ${plural}`, description: 'Create one per item' },
	{ name: 'List', value: 'list', action: `List ${plural}`, description: `List ${plural} of the ad account, page by page` },
	{ name: 'Update', value: 'update', action: `Update ${plural}`, description: 'Change status, budget, bid strategy or name' },
];

const BID_STRATEGIES = [
	{ name: 'Bid Cap', value: 'LOWEST_COST_WITH_BID_CAP' },
	{ name: 'Cost Cap', value: 'COST_CAP' },
	{ name: 'Highest Volume (Lowest Cost)', value: 'LOWEST_COST_WITHOUT_CAP' },
	{ name: 'ROAS Goal', value: 'LOWEST_COST_WITH_MIN_ROAS' },
];

const MATCH_KEY_OPTIONS = [
	{ name: 'Birth Year', value: 'DOBY' },
	{ name: 'City', value: 'CT' },
	{ name: 'Country', value: 'COUNTRY' },
	{ name: 'Email', value: 'EMAIL' },
	{ name: 'External ID', value: 'EXTERN_ID' },
	{ name: 'First Name', value: 'FN' },
	{ name: 'Gender', value: 'GEN' },
	{ name: 'Last Name', value: 'LN' },
	{ name: 'Mobile Advertiser ID', value: 'MADID' },
	{ name: 'Phone', value: 'PHONE' },
	{ name: 'State', value: 'ST' },
	{ name: 'ZIP / Postal Code', value: 'ZIP' },
];

/** One field mapping per match key, shown when the key is chosen. */
const MATCH_FIELDS: Array<[string, string, string, string]> = [
	['EMAIL', 'Email', 'email', 'email'],
	['PHONE', 'Phone', 'phone', 'phone'],
	['FN', 'First Name', 'firstName', 'firstName'],
	['LN', 'Last Name', 'lastName', 'lastName'],
	['CT', 'City', 'city', 'city'],
	['ST', 'State', 'state', 'state'],
	['ZIP', 'ZIP / Postal Code', 'zip', 'zip'],
	['COUNTRY', 'Country', 'country', 'country'],
	['GEN', 'Gender', 'gender', 'gender'],
	['DOBY', 'Birth Year', 'birthYear', 'birthYear'],
	['EXTERN_ID', 'External ID', 'externalId', 'userId'],
	['MADID', 'Mobile Advertiser ID', 'madid', 'madid'],
];

const usersOps = ['addUsers', 'removeUsers'];

export const properties: INodeProperties[] = [
	resource(
		[
			{ name: 'Ad', value: 'ads' },
			{ name: 'Ad Set', value: 'adSets' },
			{ name: 'Bid Optimizer Change', value: 'changes' },
			{ name: 'Campaign', value: 'campaigns' },
			{ name: 'Custom Audience', value: 'customAudiences' },
			{ name: 'Insight', value: 'insights' },
		],
		'insights',
	),
	operation('campaigns', objectOperations('campaigns'), 'list'),
	operation('adSets', objectOperations('ad sets'), 'list'),
	operation('ads', objectOperations('ads'), 'list'),
	operation('insights', [{ name: 'Get', value: 'get', action: 'Get insights', description: 'Spend, results and purchase value by account, campaign, ad set or ad' }], 'get'),
	operation(
		'customAudiences',
		[
			{ name: 'Add Users', value: 'addUsers', action: 'Add users to a custom audience', description: 'Normalise, hash (SHA-256) and upload one person per item' },
			{ name: 'Create', value: 'create', action: 'Create a custom audience', description: 'A customer-list audience' },
			{ name: 'Create Lookalike', value: 'createLookalike', action: 'Create a lookalike audience', description: 'People like a source audience, in one country' },
			{ name: 'Remove Users', value: 'removeUsers', action: 'Remove users from a custom audience', description: 'Normalise, hash and remove one person per item' },
		],
		'addUsers',
	),
	operation('changes', [{ name: 'Apply', value: 'apply', action: 'Apply bid optimizer budgets', description: 'Set the ad set budgets the Bid Optimizer worked out' }], 'apply'),
	{
		displayName: 'Connect the Bid Optimizer\'s Changes output (Reallocate Meta Budgets). Each new daily budget is set on its ad set; each item comes back with its own result.',
		name: 'changesNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['changes'] } },
	},

	// ---- Create
	text('Name', 'name', on(OBJECTS, ['create'])),
	{
		displayName: 'Objective',
		name: 'objective',
		type: 'options',
		options: [
			{ name: 'App Promotion', value: 'OUTCOME_APP_PROMOTION' },
			{ name: 'Awareness', value: 'OUTCOME_AWARENESS' },
			{ name: 'Engagement', value: 'OUTCOME_ENGAGEMENT' },
			{ name: 'Leads', value: 'OUTCOME_LEADS' },
			{ name: 'Sales', value: 'OUTCOME_SALES' },
			{ name: 'Traffic', value: 'OUTCOME_TRAFFIC' },
		],
		default: 'OUTCOME_SALES',
		displayOptions: on(['campaigns'], ['create']),
	},
	text('Campaign ID', 'campaignId', on(['adSets'], ['create']), { default: '={{ $json.campaignId }}' }),
	text('Ad Set ID', 'adSetId', on(['ads'], ['create']), { default: '={{ $json.adSetId }}' }),
	text('Creative ID', 'creativeId', on(['ads'], ['create'])),
	{
		displayName: 'Daily Budget',
		name: 'dailyBudget',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 2 },
		default: 20,
		displayOptions: on(['adSets'], ['create']),
		description: 'In the account currency (not cents)',
	},
	{
		displayName: 'Optimization Goal',
		name: 'optimizationGoal',
		type: 'options',
		options: [
			{ name: 'Landing Page Views', value: 'LANDING_PAGE_VIEWS' },
			{ name: 'Link Clicks', value: 'LINK_CLICKS' },
			{ name: 'Offsite Conversions', value: 'OFFSITE_CONVERSIONS' },
			{ name: 'Reach', value: 'REACH' },
			{ name: 'Value', value: 'VALUE' },
		],
		default: 'OFFSITE_CONVERSIONS',
		displayOptions: on(['adSets'], ['create']),
	},
	{
		displayName: 'Billing Event',
		name: 'billingEvent',
		type: 'options',
		options: [
			{ name: 'Impressions', value: 'IMPRESSIONS' },
			{ name: 'Link Clicks', value: 'LINK_CLICKS' },
		],
		default: 'IMPRESSIONS',
		displayOptions: on(['adSets'], ['create']),
	},
	{
		displayName: 'Targeting (JSON)',
		name: 'targeting',
		type: 'json',
		default: '{ "geo_locations": { "countries": ["US"] } }',
		displayOptions: on(['adSets'], ['create']),
		description: 'Meta\'s targeting spec',
	},
	status(on(OBJECTS, ['create'])),
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: on(['campaigns', 'adSets'], ['create']),
		options: [
			{ displayName: 'Bid Amount', name: 'bidAmount', type: 'number', typeOptions: { numberPrecision: 2 }, default: 0, description: 'For bid and cost caps, in the account currency' },
			{ displayName: 'Bid Strategy', name: 'bidStrategy', type: 'options', options: BID_STRATEGIES, default: 'LOWEST_COST_WITHOUT_CAP' },
			{ displayName: 'Daily Budget', name: 'dailyBudget', type: 'number', typeOptions: { numberPrecision: 2 }, default: 0, description: 'Campaign budget (Advantage campaign budget), in the account currency' },
			{ displayName: 'Special Ad Categories', name: 'specialAdCategories', type: 'string', default: '', description: 'Comma-separated: CREDIT, EMPLOYMENT, HOUSING, ISSUES_ELECTIONS_POLITICS; empty for none' },
			{ displayName: 'Start Time', name: 'startTime', type: 'string', default: '', placeholder: '2026-04-01T09:00:00+0000' },
		],
	},

	// ---- Update
	text('ID', 'id', on(OBJECTS, ['update']), { default: '={{ $json.id }}', description: 'The campaign, ad set or ad to change' }),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: on(OBJECTS, ['update']),
		options: [
			{ displayName: 'Bid Amount', name: 'bidAmount', type: 'number', typeOptions: { numberPrecision: 2 }, default: 0, displayOptions: { show: { '/resource': ['adSets'] } } },
			{ displayName: 'Bid Strategy', name: 'bidStrategy', type: 'options', options: BID_STRATEGIES, default: 'LOWEST_COST_WITHOUT_CAP', displayOptions: { show: { '/resource': ['campaigns', 'adSets'] } } },
			{ displayName: 'Daily Budget', name: 'dailyBudget', type: 'number', typeOptions: { numberPrecision: 2 }, default: 0, displayOptions: { show: { '/resource': ['campaigns', 'adSets'] } }, description: 'In the account currency (not cents)' },
			{ displayName: 'Lifetime Budget', name: 'lifetimeBudget', type: 'number', typeOptions: { numberPrecision: 2 }, default: 0, displayOptions: { show: { '/resource': ['campaigns', 'adSets'] } } },
			{ displayName: 'Name', name: 'name', type: 'string', default: '' },
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: [
					{ name: 'Active', value: 'ACTIVE' },
					{ name: 'Archived', value: 'ARCHIVED' },
					{ name: 'Paused', value: 'PAUSED' },
				],
				default: 'PAUSED',
			},
		],
	},

	// ---- List
	...returnAllAndLimit(on(OBJECTS, ['list'])),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: on(OBJECTS, ['list']),
		options: [
			{ displayName: 'Campaign ID', name: 'campaignId', type: 'string', default: '', description: 'Only this campaign\'s ad sets or ads', displayOptions: { show: { '/resource': ['adSets', 'ads'] } } },
			{
				displayName: 'Effective Status',
				name: 'effectiveStatus',
				type: 'multiOptions',
				options: [
					{ name: 'Active', value: 'ACTIVE' },
					{ name: 'Archived', value: 'ARCHIVED' },
					{ name: 'Campaign Paused', value: 'CAMPAIGN_PAUSED' },
					{ name: 'In Process', value: 'IN_PROCESS' },
					{ name: 'Paused', value: 'PAUSED' },
					{ name: 'With Issues', value: 'WITH_ISSUES' },
				],
				default: [],
			},
			{ displayName: 'Fields', name: 'fields', type: 'string', default: '', description: 'Comma-separated Graph fields; empty for the usual ones (budgets, status, bid strategy, learning stage)' },
		],
	},

	// ---- Insights
	{
		displayName: 'Level',
		name: 'level',
		type: 'options',
		options: [
			{ name: 'Account', value: 'account' },
			{ name: 'Ad', value: 'ad' },
			{ name: 'Ad Set', value: 'adset' },
			{ name: 'Campaign', value: 'campaign' },
		],
		default: 'adset',
		displayOptions: on(['insights'], ['get']),
	},
	{
		displayName: 'Date Range',
		name: 'datePreset',
		type: 'options',
		options: [
			{ name: 'Custom', value: 'custom' },
			{ name: 'Last 14 Days', value: 'last_14d' },
			{ name: 'Last 30 Days', value: 'last_30d' },
			{ name: 'Last 7 Days', value: 'last_7d' },
			{ name: 'Last 90 Days', value: 'last_90d' },
			{ name: 'Yesterday', value: 'yesterday' },
		],
		default: 'last_7d',
		displayOptions: on(['insights'], ['get']),
	},
	text('Since', 'since', on(['insights'], ['get'], { datePreset: ['custom'] }), { placeholder: '2026-03-01', description: 'First day (YYYY-MM-DD)' }),
	text('Until', 'until', on(['insights'], ['get'], { datePreset: ['custom'] }), { placeholder: '2026-03-07', description: 'Last day (YYYY-MM-DD)' }),
	{
		displayName: 'Options',
		name: 'insightOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: on(['insights'], ['get']),
		options: [
			{
				displayName: 'Breakdowns',
				name: 'breakdowns',
				type: 'multiOptions',
				options: [
					{ name: 'Age', value: 'age' },
					{ name: 'Country', value: 'country' },
					{ name: 'Device Platform', value: 'device_platform' },
					{ name: 'Gender', value: 'gender' },
					{ name: 'Placement', value: 'platform_position' },
					{ name: 'Platform', value: 'publisher_platform' },
				],
				default: [],
			},
			{ displayName: 'Daily Rows', name: 'daily', type: 'boolean', default: false, description: 'Whether to return one row per day instead of one for the whole range' },
			{ displayName: 'Fields', name: 'fields', type: 'string', default: '', description: 'Comma-separated insights fields; empty: IDs, names, impressions, clicks, spend, actions, action values' },
			{ displayName: 'First Check After (Seconds)', name: 'pollSeconds', type: 'number', typeOptions: { minValue: 0.01 }, default: 2, description: 'For async report runs: seconds before the first status check; each later wait doubles, up to a minute' },
			{ displayName: 'Maximum Wait (Minutes)', name: 'maxWaitMinutes', type: 'number', typeOptions: { minValue: 0 }, default: 10 },
			{ displayName: 'Object ID', name: 'objectId', type: 'string', default: '', description: 'A campaign, ad set or ad to report on; empty: the whole ad account' },
			{
				displayName: 'Report Run',
				name: 'async',
				type: 'options',
				options: [
					{ name: 'Automatic (Async for Long Ranges)', value: 'auto' },
					{ name: 'Always Async', value: 'always' },
					{ name: 'Never (One Request)', value: 'never' },
				],
				default: 'auto',
				description: 'Long ranges time out as one request; an async report run is made and then read page by page',
			},
			{ displayName: 'Simplify', name: 'simplify', type: 'boolean', default: true, description: 'Whether to add camelCase numbers (spend, purchases, purchaseValue, roas) next to Meta\'s fields' },
		],
	},

	// ---- Custom audiences
	text('Name', 'audienceName', on(['customAudiences'], ['create', 'createLookalike'])),
	{ displayName: 'Description', name: 'description', type: 'string', default: '', displayOptions: on(['customAudiences'], ['create']) },
	text('Source Audience ID', 'originAudienceId', on(['customAudiences'], ['createLookalike'])),
	text('Country', 'country', on(['customAudiences'], ['createLookalike']), { default: 'US', description: 'Two-letter country code of the people to find' }),
	{
		displayName: 'Size (%)',
		name: 'ratio',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 20 },
		default: 1,
		displayOptions: on(['customAudiences'], ['createLookalike']),
		description: 'The share of the country\'s population: 1% is the closest match, 20% the widest',
	},
	text('Audience ID', 'audienceId', on(['customAudiences'], usersOps)),
	{
		displayName: 'Match Keys',
		name: 'matchKeys',
		type: 'multiOptions',
		options: MATCH_KEY_OPTIONS,
		default: ['EMAIL', 'PHONE'],
		displayOptions: on(['customAudiences'], usersOps),
		description: 'What identifies each person; more keys match more people. Values are normalised and hashed (SHA-256) in n8n.',
	},
	...MATCH_FIELDS.map(
		([key, label, name, json]): INodeProperties => ({
			displayName: label,
			name,
			type: 'string',
			default: `={{ $json.${json} }}`,
			displayOptions: on(['customAudiences'], usersOps, { matchKeys: [key] }),
		}),
	),
	{
		displayName: 'Default Country Calling Code',
		name: 'defaultCallingCode',
		type: 'string',
		default: '',
		placeholder: '1',
		displayOptions: on(['customAudiences'], usersOps, { matchKeys: ['PHONE'] }),
		description: 'Added to phone numbers written without one (a national leading 0 is dropped); numbers starting with + or 00 keep their own',
	},
];
