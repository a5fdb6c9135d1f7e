/** What the A/B Test node shows on the canvas: its operations and settings. */
import type { INodeProperties } from 'n8n-workflow';

const analyze = { show: { operation: ['analyze'] } };
const sampleSize = { show: { operation: ['sampleSize'] } };
const conversion = { show: { operation: ['analyze'], metricType: ['conversion'] } };
const continuous = { show: { operation: ['analyze'], metricType: ['continuous'] } };

export const properties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Analyze',
				value: 'analyze',
				action: 'Analyze an experiment',
				description: 'Compare each variant with the control and say whether there is a winner',
			},
			{
				name: 'Sample Size',
				value: 'sampleSize',
				action: 'Calculate a sample size',
				description: 'How many visitors an experiment needs, and how many days that takes',
			},
		],
		default: 'analyze',
	},
	{
		displayName:
			'Send one item per arm (the control and each variant), with its visitors and conversions. Each arm comes out as one item with the comparison against the control and a plain-English summary.',
		name: 'analyzeNotice',
		type: 'notice',
		default: '',
		displayOptions: analyze,
	},
	{
		displayName: 'Metric Type',
		name: 'metricType',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Conversion',
				value: 'conversion',
				description: 'Visitors who did something: clicked, signed up, bought',
			},
			{
				name: 'Continuous',
				value: 'continuous',
				description: 'An average per visitor, such as revenue or time on page, with its standard deviation',
			},
		],
		default: 'conversion',
		displayOptions: analyze,
	},
	{
		displayName: 'Arm Name',
		name: 'arm',
		type: 'string',
		default: '={{ $json.arm }}',
		required: true,
		description: 'The name of the arm (group) each item describes, such as "A" or "New subject line"',
		displayOptions: analyze,
	},
	{
		displayName: 'Visitors',
		name: 'visitors',
		type: 'string',
		default: '={{ $json.visitors }}',
		required: true,
		description: 'How many people saw this arm (exposures, recipients, sessions)',
		displayOptions: analyze,
	},
	{
		displayName: 'Conversions',
		name: 'conversions',
		type: 'string',
		default: '={{ $json.conversions }}',
		required: true,
		description: 'How many of those visitors converted. Count each visitor once.',
		displayOptions: conversion,
	},
	{
		displayName: 'Mean',
		name: 'mean',
		type: 'string',
		default: '={{ $json.mean }}',
		required: true,
		description: 'The average value per visitor in this arm, such as revenue per visitor',
		displayOptions: continuous,
	},
	{
		displayName: 'Standard Deviation',
		name: 'sd',
		type: 'string',
		default: '={{ $json.sd }}',
		required: true,
		description: 'The standard deviation of the value per visitor in this arm',
		displayOptions: continuous,
	},
	{
		displayName: 'Expected Share',
		name: 'expectedShare',
		type: 'string',
		default: '={{ $json.expectedShare }}',
		description:
			'The share of traffic this arm should get, e.g. 50 or 0.5, used to detect a broken split. Leave it out for every arm to assume an even split.',
		displayOptions: analyze,
	},
	{
		displayName: 'Control Arm',
		name: 'controlArm',
		type: 'string',
		default: '',
		placeholder: 'e.g. A',
		description: 'The arm the others are compared with. Leave empty to use the first item.',
		displayOptions: analyze,
	},
	{
		displayName: 'Baseline Conversion Rate (%)',
		name: 'baselineRate',
		type: 'number',
		default: 5,
		typeOptions: { minValue: 0, maxValue: 100, numberPrecision: 4 },
		description: 'Your current conversion rate, e.g. 4.5 for 4.5%',
		displayOptions: sampleSize,
	},
	{
		displayName: 'Minimum Detectable Effect',
		name: 'minimumDetectableEffect',
		type: 'number',
		default: 10,
		typeOptions: { minValue: 0, numberPrecision: 4 },
		description:
			'The smallest change worth detecting. Relative: percent of the baseline (10 = from 5% to 5.5%). Absolute: percentage points for conversions (1 = from 5% to 6%), the metric\'s own units for continuous metrics.',
	},
	{
		displayName: 'Effect Type',
		name: 'effectType',
		type: 'options',
		options: [
			{ name: 'Relative (% of Baseline)', value: 'relative' },
			{ name: 'Absolute', value: 'absolute' },
		],
		default: 'relative',
		description: 'Whether the minimum detectable effect is a percentage of the baseline or an absolute change',
	},
	{
		displayName: 'Confidence Level (%)',
		name: 'confidenceLevel',
		type: 'number',
		default: 95,
		typeOptions: { minValue: 50, maxValue: 99.99, numberPrecision: 2 },
		description: 'How sure a result must be to count as significant. 95 means a 5% chance of a false winner.',
	},
	{
		displayName: 'Power (%)',
		name: 'power',
		type: 'number',
		default: 80,
		typeOptions: { minValue: 1, maxValue: 99.99, numberPrecision: 2 },
		description: 'The chance of detecting an effect of the minimum size if it is real; sets the sample needed',
	},
	{
		displayName: 'Minimum Visitors per Arm',
		name: 'minimumSample',
		type: 'number',
		default: 500,
		typeOptions: { minValue: 0 },
		description: 'No winner is declared before every arm has at least this many visitors, however significant the result',
		displayOptions: analyze,
	},
	{
		displayName: 'Number of Arms',
		name: 'arms',
		type: 'number',
		default: 2,
		typeOptions: { minValue: 2 },
		description: 'The control plus every variant',
		displayOptions: sampleSize,
	},
	{
		displayName: 'Daily Visitors',
		name: 'dailyVisitors',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0 },
		description: 'Visitors entering the experiment per day, all arms together, to estimate how long it runs. 0 if unknown.',
		displayOptions: sampleSize,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: analyze,
		options: [
			{
				displayName: 'Better When',
				name: 'betterWhen',
				type: 'options',
				options: [
					{ name: 'Higher', value: 'higher', description: 'More is better: conversions, revenue' },
					{ name: 'Lower', value: 'lower', description: 'Less is better: unsubscribes, bounces, cost' },
				],
				default: 'higher',
				description: 'Which direction counts as winning',
			},
			{
				displayName: 'Decide With',
				name: 'decideWith',
				type: 'options',
				options: [
					{
						name: 'Fixed-Horizon P-Value',
						value: 'fixed',
						description: 'The classic test: look once, when the planned sample is reached',
					},
					{
						name: 'Sequential P-Value',
						value: 'sequential',
						description: 'Safe to check every day: stays valid however often you look, at the cost of needing more data',
					},
				],
				default: 'fixed',
				description: 'Which p-value decides significance',
			},
			{
				displayName: 'Experiment',
				name: 'experiment',
				type: 'string',
				default: '={{ $json.experiment }}',
				description: 'Analyze several experiments at once: items with the same value here form one experiment',
			},
			{
				displayName: 'Multiple-Comparison Correction',
				name: 'correction',
				type: 'options',
				options: [
					{
						name: 'Holm',
						value: 'holm',
						description: 'Keeps the chance of any false winner at the chosen level (strict)',
					},
					{
						name: 'Benjamini-Hochberg',
						value: 'benjaminiHochberg',
						description: 'Keeps the share of false winners at the chosen level (less strict)',
					},
					{ name: 'None', value: 'none', description: 'Compare each variant on its own' },
				],
				default: 'holm',
				description: 'How p-values are adjusted when there are several variants',
			},
			{
				displayName: 'Sequential Tuning',
				name: 'sequentialTuning',
				type: 'number',
				default: 5000,
				typeOptions: { minValue: 1 },
				description:
					'The total visitors at which the sequential p-value is most sensitive. Set it near the experiment\'s expected size.',
			},
			{
				displayName: 'SRM Alert Threshold',
				name: 'srmThreshold',
				type: 'number',
				default: 0.001,
				typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 6 },
				description:
					'A sample ratio mismatch is flagged when the split\'s chi-square p-value is below this. A flagged experiment never gets a winner.',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'sampleSizeOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: sampleSize,
		options: [
			{
				displayName: 'Adjust for Several Variants',
				name: 'adjustForArms',
				type: 'boolean',
				default: false,
				description:
					'Whether to divide the significance level by the number of variants (Bonferroni), as the Holm correction of the analysis will need with more than one variant',
			},
		],
	},
];
