/** Dispatches to the resource's operation (the Airtable v2 layout: one module per concern). */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ResourceName } from '../engine/resources';
import { applyChanges } from './changes';
import { listEntities, writeEntities } from './entities';
import { runReports } from './reports';
import { amazonApi } from './shared';

export async function router(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const api = await amazonApi(ctx);
	if (resource === 'changes') return await applyChanges(ctx, api);
	if (resource === 'reports') return await runReports(ctx, api, operation);
	if (operation === 'list') return await listEntities(ctx, api, resource as ResourceName);
	if (operation === 'create' || operation === 'update' || operation === 'archive') return await writeEntities(ctx, api, resource as ResourceName, operation);
	throw new NodeOperationError(ctx.getNode(), `The operation "${operation}" is not known for ${resource}`);
}
