import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { fieldReader, readText, type Field } from '../shared/fields';
import { itemError, routeItems } from '../shared/items';
import { bucketOf, outputFor, planSplit, type ArmWeight } from './engine/split';

const CONTACT_ID: Field = { parameter: 'unitId', label: 'Contact ID', example: '{{ $json.userId }}' };

// Stringified into the `outputs` expression that the editor evaluates: no imports, no closures.
const configuredOutputs = (parameters: INodeParameters) => {
	const arms = ((parameters.arms as { arm?: Array<{ name?: string }> } | undefined)?.arm ?? []).map(
		(arm, index) => ({ type: 'main', displayName: String(arm.name || `Arm ${index + 1}`) }),
	);
	if (Number(parameters.holdout) > 0) arms.push({ type: 'main', displayName: 'Holdout' });
	return arms;
};

// Not usableAsTool: n8n's tool wrapper returns only the first output, so an agent would get
// nothing back for contacts assigned to any other group.
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool
export class AbSplit implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'A/B Split',
		name: 'abSplit',
		icon: { light: 'file:abSplit.svg', dark: 'file:abSplit.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["experimentName"] }}',
		description:
			'Split contacts into test groups (arms) and an optional holdout. The same contact always lands in the same group.',
		defaults: { name: 'A/B Split' },
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{(${configuredOutputs})($parameter)}}`,
		properties: [
			{
				displayName: 'Experiment Name',
				name: 'experimentName',
				type: 'string',
				default: 'experiment',
				required: true,
				description:
					'Names this test. A contact always gets the same group for the same name; use a new name to reshuffle everyone.',
			},
			{
				displayName: 'Contact ID',
				name: 'unitId',
				type: 'string',
				default: '={{ $json.userId }}',
				required: true,
				description: 'What identifies each contact, such as a user ID or email address',
			},
			{
				displayName: 'Groups',
				name: 'arms',
				type: 'fixedCollection',
				placeholder: 'Add Group',
				typeOptions: { multipleValues: true, sortable: true },
				default: {
					arm: [
						{ name: 'A', weight: 50 },
						{ name: 'B', weight: 50 },
					],
				},
				description: 'The groups to split into. Each gets its own output; their shares must add up to 100%.',
				options: [
					{
						displayName: 'Group',
						name: 'arm',
						values: [
							{
								displayName: 'Name',
								name: 'name',
								type: 'string',
								default: '',
								description: 'Shown on the output and stored on each contact as experiment.arm',
							},
							{
								displayName: 'Share (%)',
								name: 'weight',
								type: 'number',
								default: 50,
								typeOptions: { minValue: 0, maxValue: 100, numberPrecision: 2 },
								description: 'Percentage of the tested contacts (those not held out) who get this group',
							},
						],
					},
				],
			},
			{
				displayName: 'Holdout (%)',
				name: 'holdout',
				type: 'number',
				default: 0,
				typeOptions: { minValue: 0, maxValue: 99.99, numberPrecision: 2 },
				description:
					'Percentage of all contacts who get none of the groups, to measure what the campaign really adds. They leave on a Holdout output.',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const experimentKey = (this.getNodeParameter('experimentName', 0) as string).trim();
		if (!experimentKey) {
			throw new NodeOperationError(this.getNode(), 'The experiment name is empty', {
				description: 'Give the experiment a name, e.g. "welcome-subject-test".',
			});
		}
		const arms = ((this.getNodeParameter('arms.arm', 0, []) as ArmWeight[]) ?? []).map((arm) => ({
			name: String(arm.name ?? ''),
			weight: Number(arm.weight),
		}));
		let plan;
		try {
			plan = planSplit(arms, this.getNodeParameter('holdout', 0, 0) as number);
		} catch (error) {
			throw new NodeOperationError(this.getNode(), (error as Error).message, {
				description: 'Open the Groups setting of this node and correct the shares.',
			});
		}

		const read = fieldReader(this);
		return routeItems(this, plan.outputs.length, (item, i) => {
			// Text or a number only: String({id: 1}) is "[object Object]" for every contact, one group for all.
			const unitId = readText(this, read, CONTACT_ID, i);
			if (!unitId) {
				throw itemError(
					this,
					i,
					'the Contact ID is empty',
					'Set "Contact ID" to a field that every contact has, e.g. {{ $json.userId }} or {{ $json.email }}, or filter out contacts without one before this node.',
				);
			}
			const bucket = bucketOf(experimentKey, unitId);
			const output = outputFor(plan, bucket);
			const experiment: IDataObject = { key: experimentKey, arm: plan.outputs[output], bucket };
			return { output, json: { ...item.json, experiment } };
		});
	}
}
