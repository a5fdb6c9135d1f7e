/** Analyze: each variant compared with its control, with a verdict a marketer can act on. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { fieldReader, readNumber, readText, type Field, type FieldReader } from '../../shared/fields';
import { asNodeError, errorItem, itemError } from '../../shared/items';
import {
	analyzeExperiments,
	resolveSettings,
	type ArmInput,
	type ExperimentInput,
	type MetricType,
	type ResolvedSettings,
} from '../engine/analyze';
import { AbTestSettingsError } from '../engine/errors';
import type { Correction } from '../engine/multiple';

/** The per-item mappings, with the example each error suggests. */
const FIELDS = {
	arm: { parameter: 'arm', label: 'Arm', example: '{{ $json.variant }}' },
	visitors: { parameter: 'visitors', label: 'Visitors', example: '{{ $json.users }}' },
	conversions: { parameter: 'conversions', label: 'Conversions', example: '{{ $json.orders }}' },
	mean: { parameter: 'mean', label: 'Mean', example: '{{ $json.revenuePerVisitor }}' },
	sd: { parameter: 'sd', label: 'Standard Deviation', example: '{{ $json.revenueSd }}' },
	expectedShare: { parameter: 'expectedShare', label: 'Expected Share', example: '{{ $json.weight }}' },
	experiment: { parameter: 'options.experiment', label: 'Experiment', example: '{{ $json.experiment.key }}' },
	control: { parameter: 'controlArm', label: 'Control Arm', example: '{{ $json.controlName }}' },
} satisfies Record<string, Field>;

function readArm(ctx: IExecuteFunctions, read: FieldReader, i: number, metric: MetricType): ArmInput {
	const name = readText(ctx, read, FIELDS.arm, i);
	if (!name) {
		throw itemError(ctx, i, 'Arm is missing', `Set "Arm Name" to the field that names each arm, e.g. ${FIELDS.arm.example}.`);
	}
	const arm: ArmInput = { name, visitors: readNumber(ctx, read, FIELDS.visitors, i) as number };
	if (metric === 'conversion') {
		arm.conversions = readNumber(ctx, read, FIELDS.conversions, i);
	} else {
		arm.mean = readNumber(ctx, read, FIELDS.mean, i);
		arm.sd = readNumber(ctx, read, FIELDS.sd, i);
	}
	arm.expectedShare = readNumber(ctx, read, FIELDS.expectedShare, i, true) ?? null;
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
export function analyzeItems(ctx: IExecuteFunctions): INodeExecutionData[] {
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
			if (grouped) key = readText(ctx, read, FIELDS.experiment, i);
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
			control = readText(ctx, read, FIELDS.control, group.items[0]);
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
