import type { IExecuteFunctions, INodeExecutionData, INodeParameters, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { compileSqlItems } from './actions/compileSql';
import { countItems } from './actions/count';
import { filterItems } from './actions/filter';
import { snapshotItems } from './actions/snapshot';
import { properties } from './description';

// Stringified into the `outputs` expression that the editor evaluates: no imports, no closures.
const configuredOutputs = (parameters: INodeParameters) =>
	(parameters.operation ?? 'filter') === 'filter'
		? [
				{ type: 'main', displayName: 'In Segment' },
				{ type: 'main', displayName: 'Not in Segment' },
			]
		: [{ type: 'main' }];

// Not usableAsTool: n8n's tool wrapper returns only the first output, so Filter would silently drop
// every non-member, and Count and Snapshot summarise an input list an agent cannot pass. Compile to
// SQL would make sense as a tool, but the setting is per node.
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool
export class AudienceSegment implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Audience Segment',
		name: 'audienceSegment',
		icon: { light: 'file:audienceSegment.svg', dark: 'file:audienceSegment.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ {filter: "Filter", count: "Count", snapshot: "Snapshot", compileSql: "Compile to SQL"}[$parameter["operation"]] }}',
		description:
			'Select contacts by fields, dates and events: route members and non-members with the reason, count, snapshot, or compile the segment to SQL',
		defaults: { name: 'Audience Segment' },
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{(${configuredOutputs})($parameter)}}`,
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		if (operation === 'count') return [await countItems(this)];
		if (operation === 'snapshot') return [await snapshotItems(this)];
		if (operation === 'compileSql') return [compileSqlItems(this)];
		return await filterItems(this);
	}
}
