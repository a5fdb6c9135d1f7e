/** Dispatches to the resource's operation (the Airtable v2 layout: one module per provider). */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runHygiene } from './hygiene';
import { kitApi, runKit } from './kit';
import { mailchimpApi, runMailchimp } from './mailchimp';
import { runSendGrid, sendGridApi } from './sendgrid';

export async function router(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const operation = ctx.getNodeParameter('operation', 0) as string;
	switch (resource) {
		case 'mailchimpMember':
			return await runMailchimp(ctx, await mailchimpApi(ctx), operation);
		case 'kitSubscriber':
			return await runKit(ctx, kitApi(ctx), operation);
		case 'sendgridContact':
		case 'sendgridSuppression':
			return await runSendGrid(ctx, sendGridApi(ctx), resource, operation);
		case 'listHygiene':
			return runHygiene(ctx);
		default:
			throw new NodeOperationError(ctx.getNode(), `Unknown resource "${resource}"`);
	}
}
