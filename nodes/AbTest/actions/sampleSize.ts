/** Sample Size: how many visitors an experiment needs, and how many days that takes. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { asNodeError, itemError, routeItems } from '../../shared/items';
import { planSampleSize, SampleSizeInputError } from '../engine/sampleSize';

export function sampleSizeItems(ctx: IExecuteFunctions): INodeExecutionData[] {
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
