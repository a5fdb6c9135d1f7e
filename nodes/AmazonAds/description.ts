/** What the Amazon Ads node shows on the canvas: resources, operations and their fields. */
import type { INodeProperties } from 'n8n-workflow';

import { on, operation, resource, returnAllAndLimit, text } from '../shared/description';

const ENTITIES = ['campaigns', 'adGroups', 'keywords', 'negativeKeywords', 'targets'];

const stateOption = (withArchived = false) => [
	{ name: 'Enabled', value: 'ENABLED' },
	{ name: 'Paused', value: 'PAUSED' },
	...(withArchived ? [{ name: 'Archived', value: 'ARCHIVED' }] : []),
];

const entityOperations = (label: string, plural: string) => [
	{ name: 'Archive', value: 'archive', action: `Archive ${plural}`, description: `Archive ${plural} by ID (permanent: Amazon cannot enable them again)` },
	{ name: 'Create', value: 'create', action: `Create ${plural}`, description: `Create one ${label} per item, up to 1,000 per request` },
	{ name: 'List', value: 'list', action: `List ${plural}`, description: `List ${plural}, with filters` },
	{ name: 'Update', value: 'update', action: `Update ${plural}`, description: `Change one ${label} per item, up to 1,000 per request` },
];

export const properties: INodeProperties[] = [
	resource(
		[
			{ name: 'Ad Group', value: 'adGroups' },
			{ name: 'Bid Optimizer Change', value: 'changes' },
			{ name: 'Campaign', value: 'campaigns' },
			{ name: 'Keyword', value: 'keywords' },
			{ name: 'Negative Keyword', value: 'negativeKeywords' },
			{ name: 'Product Target', value: 'targets' },
			{ name: 'Report', value: 'reports' },
		],
		'keywords',
	),
	operation('campaigns', entityOperations('campaign', 'campaigns'), 'list'),
	operation('adGroups', entityOperations('ad group', 'ad groups'), 'list'),
	operation('keywords', entityOperations('keyword', 'keywords'), 'update'),
	operation('negativeKeywords', entityOperations('negative keyword', 'negative keywords'), 'create'),
	operation('targets', entityOperations('product target', 'product targets'), 'update'),
	operation(
		'reports',
		[
			{ name: 'Create', value: 'create', action: 'Create a report', description: 'Ask for a report; wait for it and output its rows, or output its ID for a Wait loop' },
			{ name: 'Download', value: 'download', action: 'Download a report', description: 'Output the rows of a completed report, one item per row' },
			{ name: 'Get Status', value: 'get', action: 'Get a report status', description: 'Whether a report is ready: PENDING, PROCESSING, COMPLETED or FAILED' },
		],
		'create',
	),
	operation(
		'changes',
		[
			{
				name: 'Apply',
				value: 'apply',
				action: 'Apply bid optimizer changes',
				description: 'Send the Bid Optimizer\'s changes to Amazon: new bids, paused keywords and targets, harvested and negative keywords',
			},
		],
		'apply',
	),
	{
		displayName:
			'Connect the Bid Optimizer\'s Changes output. Each change is sent to the right Amazon endpoint, up to 1,000 per request; each item comes back with its own result (Amazon may accept some and refuse others).',
		name: 'changesNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['changes'] } },
	},

	// ---- Create
	text('Name', 'name', on(['campaigns', 'adGroups'], ['create'])),
	{
		displayName: 'Targeting Type',
		name: 'targetingType',
		type: 'options',
		options: [
			{ name: 'Manual (Keywords and Product Targets)', value: 'MANUAL' },
			{ name: 'Automatic', value: 'AUTO' },
		],
		default: 'MANUAL',
		displayOptions: on(['campaigns'], ['create']),
	},
	{
		displayName: 'Daily Budget',
		name: 'dailyBudget',
		type: 'number',
		typeOptions: { minValue: 1, numberPrecision: 2 },
		default: 10,
		required: true,
		displayOptions: on(['campaigns'], ['create']),
		description: 'In the marketplace currency',
	},
	text('Campaign ID', 'campaignId', on(['adGroups', 'keywords', 'negativeKeywords', 'targets'], ['create']), { default: '={{ $json.campaignId }}' }),
	text('Ad Group ID', 'adGroupId', on(['keywords', 'negativeKeywords', 'targets'], ['create']), { default: '={{ $json.adGroupId }}' }),
	{
		displayName: 'Default Bid',
		name: 'defaultBid',
		type: 'number',
		typeOptions: { minValue: 0.02, numberPrecision: 2 },
		default: 0.5,
		required: true,
		displayOptions: on(['adGroups'], ['create']),
	},
	text('Keyword Text', 'keywordText', on(['keywords', 'negativeKeywords'], ['create']), { default: '={{ $json.keywordText }}' }),
	{
		displayName: 'Match Type',
		name: 'matchType',
		type: 'options',
		options: [
			{ name: 'Exact', value: 'EXACT' },
			{ name: 'Phrase', value: 'PHRASE' },
			{ name: 'Broad', value: 'BROAD' },
		],
		default: 'EXACT',
		displayOptions: on(['keywords'], ['create']),
	},
	{
		displayName: 'Match Type',
		name: 'negativeMatchType',
		type: 'options',
		options: [
			{ name: 'Negative Exact', value: 'NEGATIVE_EXACT' },
			{ name: 'Negative Phrase', value: 'NEGATIVE_PHRASE' },
		],
		default: 'NEGATIVE_EXACT',
		displayOptions: on(['negativeKeywords'], ['create']),
	},
	{
		displayName: 'Expression (JSON)',
		name: 'expression',
		type: 'json',
		default: '[{ "type": "ASIN_SAME_AS", "value": "B0..." }]',
		required: true,
		displayOptions: on(['targets'], ['create']),
		description: 'Amazon\'s targeting expression: a list of predicates such as ASIN_SAME_AS or ASIN_CATEGORY_SAME_AS',
	},
	{
		displayName: 'Bid',
		name: 'bid',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 2 },
		default: 0,
		displayOptions: on(['keywords', 'targets'], ['create']),
		description: 'The bid; 0 uses the ad group\'s default bid',
	},
	{
		displayName: 'State',
		name: 'state',
		type: 'options',
		options: stateOption(),
		default: 'ENABLED',
		displayOptions: on(ENTITIES, ['create']),
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: on(['campaigns'], ['create']),
		options: [
			{
				displayName: 'Bidding Strategy',
				name: 'biddingStrategy',
				type: 'options',
				options: [
					{ name: 'Dynamic Bids: Down Only', value: 'LEGACY_FOR_SALES' },
					{ name: 'Dynamic Bids: Up and Down', value: 'AUTO_FOR_SALES' },
					{ name: 'Fixed Bids', value: 'MANUAL' },
				],
				default: 'LEGACY_FOR_SALES',
			},
			{ displayName: 'End Date', name: 'endDate', type: 'string', default: '', placeholder: '2026-12-31' },
			{ displayName: 'Portfolio ID', name: 'portfolioId', type: 'string', default: '' },
			{ displayName: 'Start Date', name: 'startDate', type: 'string', default: '', placeholder: '2026-01-31', description: 'Empty: today' },
		],
	},

	// ---- Update and Archive: the entity's ID per item
	text('Campaign ID', 'id', on(['campaigns'], ['update', 'archive']), { default: '={{ $json.campaignId }}' }),
	text('Ad Group ID', 'id', on(['adGroups'], ['update', 'archive']), { default: '={{ $json.adGroupId }}' }),
	text('Keyword ID', 'id', on(['keywords'], ['update', 'archive']), { default: '={{ $json.keywordId }}' }),
	text('Negative Keyword ID', 'id', on(['negativeKeywords'], ['update', 'archive']), { default: '={{ $json.keywordId }}' }),
	text('Target ID', 'id', on(['targets'], ['update', 'archive']), { default: '={{ $json.targetId }}' }),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: on(ENTITIES, ['update']),
		options: [
			{
				displayName: 'Bid',
				name: 'bid',
				type: 'number',
				typeOptions: { minValue: 0.02, numberPrecision: 2 },
				default: 0.5,
				displayOptions: { show: { '/resource': ['keywords', 'targets'] } },
			},
			{
				displayName: 'Bidding Strategy',
				name: 'biddingStrategy',
				type: 'options',
				options: [
					{ name: 'Dynamic Bids: Down Only', value: 'LEGACY_FOR_SALES' },
					{ name: 'Dynamic Bids: Up and Down', value: 'AUTO_FOR_SALES' },
					{ name: 'Fixed Bids', value: 'MANUAL' },
				],
				default: 'LEGACY_FOR_SALES',
				displayOptions: { show: { '/resource': ['campaigns'] } },
			},
			{
				displayName: 'Daily Budget',
				name: 'dailyBudget',
				type: 'number',
				typeOptions: { minValue: 1, numberPrecision: 2 },
				default: 10,
				displayOptions: { show: { '/resource': ['campaigns'] } },
			},
			{
				displayName: 'Default Bid',
				name: 'defaultBid',
				type: 'number',
				typeOptions: { minValue: 0.02, numberPrecision: 2 },
				default: 0.5,
				displayOptions: { show: { '/resource': ['adGroups'] } },
			},
			{
				displayName: 'Name',
				name: 'name',
				type: 'string',
				default: '',
				displayOptions: { show: { '/resource': ['campaigns', 'adGroups'] } },
			},
			{ displayName: 'State', name: 'state', type: 'options', options: stateOption(), default: 'PAUSED' },
		],
	},

	// ---- List
	...returnAllAndLimit(on(ENTITIES, ['list'])),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: on(ENTITIES, ['list']),
		options: [
			{
				displayName: 'Ad Group IDs',
				name: 'adGroupIds',
				type: 'string',
				default: '',
				description: 'Comma-separated, at most 100',
				displayOptions: { show: { '/resource': ['keywords', 'negativeKeywords', 'targets', 'adGroups'] } },
			},
			{ displayName: 'Campaign IDs', name: 'campaignIds', type: 'string', default: '', description: 'Comma-separated, at most 100' },
			{ displayName: 'IDs', name: 'ids', type: 'string', default: '', description: 'Comma-separated IDs of the entities themselves, at most 1,000' },
			{
				displayName: 'Name Contains',
				name: 'name',
				type: 'string',
				default: '',
				displayOptions: { show: { '/resource': ['campaigns', 'adGroups'] } },
			},
			{
				displayName: 'States',
				name: 'states',
				type: 'multiOptions',
				options: stateOption(true),
				default: ['ENABLED', 'PAUSED'],
			},
		],
	},

	// ---- Reports
	{
		displayName: 'Report Type',
		name: 'reportType',
		type: 'options',
		options: [
			{ name: 'Campaigns', value: 'spCampaigns', description: 'One row per campaign (spCampaigns)' },
			{ name: 'Keywords and Targets', value: 'spTargeting', description: 'One row per keyword or target, with its bid (spTargeting): the Bid Optimizer\'s input' },
			{ name: 'Search Terms', value: 'spSearchTerm', description: 'One row per customer search term (spSearchTerm): for harvesting' },
		],
		default: 'spTargeting',
		displayOptions: on(['reports'], ['create']),
	},
	text('Start Date', 'startDate', on(['reports'], ['create']), {
		default: "={{ $today.minus({ days: 7 }).toFormat('yyyy-MM-dd') }}",
		description: 'First day of the report (YYYY-MM-DD, in the profile\'s time zone)',
	}),
	text('End Date', 'endDate', on(['reports'], ['create']), {
		default: "={{ $today.minus({ days: 1 }).toFormat('yyyy-MM-dd') }}",
		description: 'Last day of the report (YYYY-MM-DD); at most 31 days after the start',
	}),
	{
		displayName: 'Wait for the Report',
		name: 'wait',
		type: 'boolean',
		default: true,
		displayOptions: on(['reports'], ['create']),
		description:
			'Whether to wait in this execution until the report is ready and output its rows. Turn off for long reports: the node outputs the report ID, and a Wait node → Get Status → If loop picks it up (reports can take up to 3 hours).',
	},
	text('Report ID', 'reportId', on(['reports'], ['get', 'download']), { default: '={{ $json.reportId }}' }),
	{
		displayName: 'Options',
		name: 'reportOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: on(['reports'], ['create', 'download']),
		options: [
			{
				displayName: 'Columns',
				name: 'columns',
				type: 'string',
				default: '',
				description: 'Comma-separated report columns; empty asks for the ones the Bid Optimizer needs',
				displayOptions: { show: { '/operation': ['create'] } },
			},
			{
				displayName: 'First Check After (Seconds)',
				name: 'pollSeconds',
				type: 'number',
				typeOptions: { minValue: 0.01 },
				default: 5,
				description: 'Seconds before the first status check; each later wait doubles, up to a minute',
			},
			{
				displayName: 'Include Product Targets',
				name: 'includeTargets',
				type: 'boolean',
				default: false,
				description: 'Whether a keywords report also holds product and automatic targets',
				displayOptions: { show: { '/operation': ['create'] } },
			},
			{
				displayName: 'Maximum Wait (Minutes)',
				name: 'maxWaitMinutes',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 15,
				description: 'How long to wait for the report in this execution before failing with its ID (a Wait loop can pick it up from there)',
			},
			{
				displayName: 'Report Name',
				name: 'name',
				type: 'string',
				default: '',
				displayOptions: { show: { '/operation': ['create'] } },
			},
			{
				displayName: 'Time Unit',
				name: 'timeUnit',
				type: 'options',
				options: [
					{ name: 'Summary (One Row for the Whole Range)', value: 'SUMMARY' },
					{ name: 'Daily (One Row per Day)', value: 'DAILY' },
				],
				default: 'SUMMARY',
				displayOptions: { show: { '/operation': ['create'] } },
			},
		],
	},
];
