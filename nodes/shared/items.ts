/**
 * How every Campaign Kit node treats items: each input item leaves on exactly one output, paired
 * to its input, and a bad item either stops the run with an error that names the item, the field
 * and the fix, or (with "Continue On Fail") leaves as an error item on the first output, where
 * n8n's "continue using error output" setting finds it and moves it to the error output.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/** A problem with one item's data or the node's settings, phrased for the marketer. */
export function itemError(
	ctx: IExecuteFunctions,
	itemIndex: number,
	problem: string,
	fix: string,
): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `Item ${itemIndex}: ${problem}`, {
		itemIndex,
		description: fix,
	});
}

/**
 * The item that carries a failure onward under "Continue On Fail". Only `error`, `message` and
 * `details` may be in it: n8n moves an item to the error output only when its JSON has no other key.
 */
export function errorItem(error: Error & { description?: string | null }, itemIndex: number): INodeExecutionData {
	const json: IDataObject = { error: error.message };
	if (error.description) json.details = error.description;
	return { json, pairedItem: { item: itemIndex } };
}

/**
 * Runs `route` for every item and collects the results onto `outputCount` outputs. `route` returns
 * the output index and the new JSON; an error it throws stops the run, or becomes an error item on
 * output 0 when the node continues on fail.
 */
export function routeItems(
	ctx: IExecuteFunctions,
	outputCount: number,
	route: (item: INodeExecutionData, itemIndex: number) => { output: number; json: IDataObject },
): INodeExecutionData[][] {
	const items = ctx.getInputData();
	const outputs: INodeExecutionData[][] = Array.from({ length: outputCount }, () => []);
	const continueOnFail = ctx.continueOnFail();
	for (let i = 0; i < items.length; i++) {
		try {
			const { output, json } = route(items[i], i);
			const routed: INodeExecutionData = { json, pairedItem: { item: i } };
			if (items[i].binary) routed.binary = items[i].binary;
			outputs[output].push(routed);
		} catch (error) {
			if (!continueOnFail) throw asNodeError(ctx, error, i);
			outputs[0].push(errorItem(error as Error, i));
		}
	}
	return outputs;
}

/** n8n shows NodeOperationError / NodeApiError with their item and description; wrap anything else. */
export function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex?: number): NodeOperationError | NodeApiError {
	if (error instanceof NodeOperationError || error instanceof NodeApiError) return error;
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}
