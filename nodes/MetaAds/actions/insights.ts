/**
 * Insights: one request for short ranges; for long ones an async report run
 * (POST /{object}/insights → report_run_id, GET /{report_run_id} until "Job Completed",
 * then GET /{report_run_id}/insights page by page), which Meta recommends for large results.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { itemError } from '../../shared/items';
import { rangeDays, simplifyInsight } from '../engine/insights';
import { item, perItem, type Graph } from './shared';

type Json = IDataObject;

const DEFAULT_FIELDS = 'account_id,campaign_id,campaign_name,adset_id,adset_name,ad_id,ad_name,impressions,clicks,spend,actions,action_values';

/** Presets long enough that one request tends to time out. */
const LONG_PRESETS = new Set(['last_90d', 'maximum', 'this_year', 'last_year']);

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export async function getInsights(ctx: IExecuteFunctions, g: Graph): Promise<INodeExecutionData[]> {
	const { api, version, account } = g;
	return await perItem(ctx, async (i) => {
		const options = ctx.getNodeParameter('insightOptions', i, {}) as Json;
		const preset = ctx.getNodeParameter('datePreset', i) as string;
		const params: Json = { level: ctx.getNodeParameter('level', i), fields: String(options.fields || DEFAULT_FIELDS), limit: 500 };
		let days = 7;
		if (preset === 'custom') {
			const since = String(ctx.getNodeParameter('since', i)).trim();
			const until = String(ctx.getNodeParameter('until', i)).trim();
			if (!DATE.test(since) || !DATE.test(until) || since > until) {
				throw itemError(ctx, i, `the range ${since} to ${until} is not two dates in order`, 'Use YYYY-MM-DD for Since and Until, Since first.');
			}
			params.time_range = JSON.stringify({ since, until });
			days = rangeDays(since, until);
		} else {
			params.date_preset = preset;
			days = LONG_PRESETS.has(preset) ? 90 : 30;
		}
		const breakdowns = options.breakdowns as string[] | undefined;
		if (breakdowns?.length) params.breakdowns = breakdowns.join(',');
		if (options.daily) params.time_increment = 1;
		const object = String(options.objectId || account).trim();
		const mode = String(options.async ?? 'auto');
		const useAsync = mode === 'always' || (mode === 'auto' && (days > 31 || (preset !== 'custom' && LONG_PRESETS.has(preset))));
		const pages = { style: 'cursor' as const, cursorParam: 'after', items: (page: Json) => page?.data as Json[], next: (page: Json) => ((page?.paging as Json)?.next ? ((page.paging as Json).cursors as Json)?.after as string : undefined) };

		let rows: Json[];
		if (!useAsync) {
			rows = await api.paginate<Json>({ method: 'GET', url: `${version}/${object}/insights`, qs: params, itemIndex: i }, pages);
		} else {
			const { body: run } = await api.request<{ report_run_id: string }>({ method: 'POST', url: `${version}/${object}/insights`, body: params, itemIndex: i });
			const runId = run.report_run_id;
			const firstWait = Number(options.pollSeconds ?? 2);
			const maxWaitMs = Number(options.maxWaitMinutes ?? 10) * 60_000;
			let waited = 0;
			for (let n = 0; ; n++) {
				const delay = Math.min(firstWait * 2 ** n, Math.max(60, firstWait)) * 1000;
				if (waited + delay > maxWaitMs) {
					throw itemError(ctx, i, `insights report run ${runId} is not finished after ${Math.round(waited / 1000)} s`, 'Raise "Maximum Wait", or ask for a shorter range.');
				}
				await sleep(delay, ctx.getExecutionCancelSignal());
				waited += delay;
				const { body: status } = await api.request<Json>({ method: 'GET', url: `${version}/${runId}`, qs: { fields: 'async_status,async_percent_completion' }, itemIndex: i });
				if (status.async_status === 'Job Completed') break;
				if (status.async_status === 'Job Failed' || status.async_status === 'Job Skipped') {
					throw itemError(ctx, i, `Meta could not make insights report run ${runId} (${String(status.async_status)})`, 'Try a shorter range or fewer breakdowns.');
				}
			}
			rows = await api.paginate<Json>({ method: 'GET', url: `${version}/${runId}/insights`, qs: { limit: 500 }, itemIndex: i }, pages);
		}
		const simplify = options.simplify !== false;
		return rows.map((row) => item(simplify ? (simplifyInsight(row) as Json) : row, i));
	});
}
