import type { IExecuteFunctions, INodeExecutionData, INodeParameters, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { attributeItems } from './actions/attribute';
import { properties } from './description';

// Stringified into the `inputs` / `outputs` expressions that the editor evaluates: no imports, no closures.
const configuredInputs = (parameters: INodeParameters) =>
	parameters.spendSource === 'input'
		? [
				{ type: 'main', displayName: 'Events' },
				{ type: 'main', displayName: 'Spend' },
			]
		: [{ type: 'main', displayName: 'Events' }];
const configuredOutputs = (parameters: INodeParameters) => {
	const outputs = [
		{ type: 'main', displayName: 'Credits' },
		{ type: 'main', displayName: 'Summary' },
	];
	if ((parameters.options as { includeJourneys?: boolean } | undefined)?.includeJourneys) outputs.push({ type: 'main', displayName: 'Journeys' });
	return outputs;
};

// Not usableAsTool: n8n's tool wrapper returns only the first output, so an agent would never see
// the summary (skipped items, Markov removal effects).
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool
export class Attribution implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Attribution',
		name: 'attribution',
		icon: { light: 'file:attribution.svg', dark: 'file:attribution.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ ({ all: "All models", firstTouch: "First touch", lastTouch: "Last touch", lastNonDirect: "Last non-direct", linear: "Linear", positionBased: "Position-based", timeDecay: "Time decay", markov: "Markov", shapley: "Shapley" })[$parameter["model"]] }}',
		description:
			'Credit conversions and revenue to the channels and campaigns that led to them: first/last touch, linear, position-based, time decay, Markov and Shapley, with CPA and ROAS',
		defaults: { name: 'Attribution' },
		inputs: `={{(${configuredInputs})($parameter)}}`,
		outputs: `={{(${configuredOutputs})($parameter)}}`,
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return attributeItems(this);
	}
}
