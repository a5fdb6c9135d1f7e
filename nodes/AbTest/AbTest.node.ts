import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { asNodeError, errorItem, itemError, routeItems } from '../shared/items';
import {
	analyzeExperiments,
	resolveSettings,
	type ArmInput,
	type ExperimentInput,
	type MetricType,
	type ResolvedSettings,
} from './engine/analyze';
import { AbTestSettingsError } from './engine/errors';
import type { Correction } from './engine/multiple';
import { planSampleSize, SampleSizeInputError } from './engine/sampleSize';

const analyze = { show: { operation: ['analyze'] } };
const sampleSize = { show: { operation: ['sampleSize'] } };
const conversion = { show: { operation: ['analyze'], metricType: ['conversion'] } };
const continuous = { show: { operation: ['analyze'], metricType: ['continuous'] } };

const properties: INodeProperties[] = [
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

const FIELD_HINTS: Record<string, string> = {
	Arm: '{{ $json.variant }}',
	Visitors: '{{ $json.users }}',
	Conversions: '{{ $json.orders }}',
	Mean: '{{ $json.revenuePerVisitor }}',
	'Standard Deviation': '{{ $json.revenueSd }}',
	'Expected Share': '{{ $json.weight }}',
	Experiment: '{{ $json.experiment.key }}',
	'Control Arm': '{{ $json.controlName }}',
};

type Read = (name: string, i: number) => unknown;

const SIMPLE_FIELD = /^=\{\{\s*\$json\.([A-Za-z_$][\w$]*)\s*\}\}$/;

/**
 * Reads per-item field mappings. A plain `={{ $json.field }}` (the defaults, and most mappings) is
 * read straight from the item, which is exactly what n8n's expression would return; anything else
 * goes through n8n. n8n spends tens of microseconds on each expression, which for 10,000
 * experiments of 5 arms with 4 mapped fields was most of a 20-second run.
 */
function fieldReader(ctx: IExecuteFunctions): Read {
	const items = ctx.getInputData();
	const parameters = ctx.getNode().parameters;
	const keys = new Map<string, string | null>();
	return (name, i) => {
		let key = keys.get(name);
		if (key === undefined) {
			const raw = name.split('.').reduce<unknown>((o, part) => (o as IDataObject | undefined)?.[part], parameters);
			key = typeof raw === 'string' ? (SIMPLE_FIELD.exec(raw)?.[1] ?? null) : null;
			keys.set(name, key);
		}
		return key === null ? ctx.getNodeParameter(name, i, undefined) : items[i].json[key];
	};
}

/** A number from a field mapping: numbers and numeric text (as spreadsheets give) are accepted. */
function readNumber(ctx: IExecuteFunctions, read: Read, name: string, label: string, i: number, optional = false): number | undefined {
	const raw = read(name, i);
	if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
		if (optional) return undefined;
		throw itemError(
			ctx,
			i,
			`${label} is missing`,
			`Set "${label}" to the field that holds it, e.g. ${FIELD_HINTS[label]}, or check that every item has that field.`,
		);
	}
	const value = typeof raw === 'string' ? Number(raw.trim()) : raw;
	if (typeof value !== 'number' || !Number.isFinite(value)) {
		throw itemError(
			ctx,
			i,
			`${label} is ${JSON.stringify(raw)}, not a number`,
			`Set "${label}" to a field holding a plain number, e.g. ${FIELD_HINTS[label]}.`,
		);
	}
	return value;
}

function readText(ctx: IExecuteFunctions, read: Read, name: string, label: string, i: number): string {
	const raw = read(name, i);
	if (raw === undefined || raw === null) return '';
	if (typeof raw === 'string' || typeof raw === 'number') return String(raw).trim();
	throw itemError(
		ctx,
		i,
		`${label} is ${JSON.stringify(raw)}, not text`,
		`Set "${label}" to a field holding a name, e.g. ${FIELD_HINTS[label]}.`,
	);
}

function readArm(ctx: IExecuteFunctions, read: Read, i: number, metric: MetricType): ArmInput {
	const name = readText(ctx, read, 'arm', 'Arm', i);
	if (!name) {
		throw itemError(ctx, i, 'Arm is missing', `Set "Arm Name" to the field that names each arm, e.g. ${FIELD_HINTS.Arm}.`);
	}
	const arm: ArmInput = { name, visitors: readNumber(ctx, read, 'visitors', 'Visitors', i) as number };
	if (metric === 'conversion') {
		arm.conversions = readNumber(ctx, read, 'conversions', 'Conversions', i);
	} else {
		arm.mean = readNumber(ctx, read, 'mean', 'Mean', i);
		arm.sd = readNumber(ctx, read, 'sd', 'Standard Deviation', i);
	}
	arm.expectedShare = readNumber(ctx, read, 'expectedShare', 'Expected Share', i, true) ?? null;
	return arm;
}

function readSettings(ctx: IExecuteFunctions, metric: MetricType): ResolvedSettings {
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const effectType = ctx.getNodeParameter('effectType', 0) as 'relative' | 'absolute';
	const mde = ctx.getNodeParameter('minimumDetectableEffect', 0) as number;
	try {
		return resolveSettings({
			metric,
			confidenceLevel: (ctx.getNodeParameter('confidenceLevel', 0) as number) / 100,
			power: (ctx.getNodeParameter('power', 0) as number) / 100,
			minimumSample: ctx.getNodeParameter('minimumSample', 0) as number,
			// Percent for relative effects and for conversion rates; a continuous metric's own units otherwise.
			minimumDetectableEffect: effectType === 'absolute' && metric === 'continuous' ? mde : mde / 100,
			effectType,
			correction: options.correction as Correction | undefined,
			srmThreshold: options.srmThreshold as number | undefined,
			sequentialTuning: options.sequentialTuning as number | undefined,
			decideWith: options.decideWith as 'fixed' | 'sequential' | undefined,
			higherIsBetter: options.betterWhen === undefined ? undefined : options.betterWhen !== 'lower',
		});
	} catch (error) {
		if (!(error instanceof AbTestSettingsError)) throw asNodeError(ctx, error);
		throw new NodeOperationError(ctx.getNode(), `Setting out of range: ${error.message}`, { description: error.fix });
	}
}

interface Group {
	key: string;
	items: number[];
	arms: ArmInput[];
	/** The first item of this experiment whose data is bad; the others are not analysed. */
	failed?: number;
}

/**
 * Analyze: every input item (one arm) comes out once, in input order, paired to itself: a variant
 * as its comparison with the control, the control as its own row with decision "control". Under
 * "Continue On Fail" a bad item becomes an error item, and the other arms of its experiment become
 * error items saying why they were not analysed (an experiment is never analysed with an arm missing).
 */
function analyzeItems(ctx: IExecuteFunctions): INodeExecutionData[] {
	const items = ctx.getInputData();
	const metric = ctx.getNodeParameter('metricType', 0) as MetricType;
	const settings = readSettings(ctx, metric);
	const continueOnFail = ctx.continueOnFail();
	const grouped = 'experiment' in (ctx.getNodeParameter('options', 0, {}) as IDataObject);
	const read = fieldReader(ctx);
	const out = new Array<INodeExecutionData>(items.length);
	const groups = new Map<string, Group>();

	const failItem = (error: unknown, i: number) => {
		const nodeError = asNodeError(ctx, error, i);
		if (!continueOnFail) throw nodeError;
		out[i] = errorItem(nodeError, i);
	};

	for (let i = 0; i < items.length; i++) {
		let key = '';
		try {
			if (grouped) key = readText(ctx, read, 'options.experiment', 'Experiment', i);
		} catch (error) {
			failItem(error, i);
			continue;
		}
		let group = groups.get(key);
		if (!group) groups.set(key, (group = { key, items: [], arms: [] }));
		try {
			const arm = readArm(ctx, read, i, metric);
			group.items.push(i);
			group.arms.push(arm);
		} catch (error) {
			failItem(error, i);
			group.failed ??= i;
		}
	}

	const analysed: Group[] = [];
	const experiments: ExperimentInput[] = [];
	for (const group of groups.values()) {
		if (group.failed !== undefined) {
			for (const i of group.items) {
				failItem(
					itemError(
						ctx,
						i,
						`not analysed, because item ${group.failed} of the same experiment has an error`,
						`Fix item ${group.failed}; its error says what is wrong.`,
					),
					i,
				);
			}
			continue;
		}
		if (group.items.length === 0) continue;
		let control: string;
		try {
			control = readText(ctx, read, 'controlArm', 'Control Arm', group.items[0]);
		} catch (error) {
			for (const i of group.items) failItem(error, i);
			continue;
		}
		analysed.push(group);
		experiments.push({ key: group.key || undefined, control: control || undefined, arms: group.arms });
	}

	const results = analyzeExperiments(experiments, settings);
	results.forEach((result, g) => {
		const group = analysed[g];
		if ('rows' in result) {
			result.rows.forEach((row, a) => {
				const i = group.items[a];
				out[i] = { json: row as unknown as IDataObject, pairedItem: { item: i } };
			});
			return;
		}
		const { error } = result;
		const culprit = group.items[error.armIndex ?? 0];
		const problem = itemError(ctx, culprit, error.message, error.fix);
		failItem(problem, culprit);
		for (const i of group.items) {
			if (i === culprit) continue;
			failItem(
				itemError(
					ctx,
					i,
					`not analysed, because item ${culprit} of the same experiment has an error`,
					`Fix item ${culprit}: ${error.message}.`,
				),
				i,
			);
		}
	});
	return out;
}

function sampleSizeItems(ctx: IExecuteFunctions): INodeExecutionData[] {
	const labels: Record<string, string> = {
		baselineRate: 'Baseline Conversion Rate',
		minimumDetectableEffect: 'Minimum Detectable Effect',
		confidenceLevel: 'Confidence Level',
		power: 'Power',
		arms: 'Number of Arms',
		dailyVisitors: 'Daily Visitors',
	};
	return routeItems(ctx, 1, (item, i) => {
		const percent = (name: string) => (ctx.getNodeParameter(name, i) as number) / 100;
		const options = ctx.getNodeParameter('sampleSizeOptions', i, {}) as IDataObject;
		try {
			const plan = planSampleSize({
				baselineRate: percent('baselineRate'),
				minimumDetectableEffect: percent('minimumDetectableEffect'),
				effectType: ctx.getNodeParameter('effectType', i) as 'relative' | 'absolute',
				alpha: 1 - percent('confidenceLevel'),
				power: percent('power'),
				arms: ctx.getNodeParameter('arms', i) as number,
				dailyVisitors: ctx.getNodeParameter('dailyVisitors', i, 0) as number,
				adjustForArms: options.adjustForArms === true,
			});
			return { output: 0, json: { ...item.json, ...(plan as unknown as IDataObject) } };
		} catch (error) {
			if (!(error instanceof SampleSizeInputError)) throw asNodeError(ctx, error, i);
			throw itemError(ctx, i, `${error.message} (the ${labels[error.field]} setting)`, error.fix);
		}
	})[0];
}

export class AbTest implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'A/B Test',
		name: 'abTest',
		icon: { light: 'file:abTest.svg', dark: 'file:abTest.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] === "sampleSize" ? "Sample size" : "Analyze " + $parameter["metricType"] }}',
		description:
			'Find out whether a variant really beats the control: significance, lift, chance to win, sample size and a plain-English verdict',
		defaults: { name: 'A/B Test' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		if (operation === 'sampleSize') return [sampleSizeItems(this)];
		return [analyzeItems(this)];
	}
}
