/** Dispatches to the resource's operation. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { changeUsers, createAudience } from './audiences';
import { applyBudgets } from './changes';
import { getInsights } from './insights';
import { runObjects, type ObjectResource } from './objects';
import { graph } from './shared';

export async function router(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const g = await graph(ctx);
	switch (resource) {
		case 'insights':
			return await getInsights(ctx, g);
		case 'changes':
			return await applyBudgets(ctx, g);
		case 'customAudiences':
			if (operation === 'addUsers' || operation === 'removeUsers') return await changeUsers(ctx, g, operation === 'removeUsers');
			return await createAudience(ctx, g, operation === 'createLookalike');
		case 'campaigns':
		case 'adSets':
		case 'ads':
			return await runObjects(ctx, g, resource as ObjectResource, operation);
		default:
			throw new NodeOperationError(ctx.getNode(), `Unknown resource "${resource}"`);
	}
}
