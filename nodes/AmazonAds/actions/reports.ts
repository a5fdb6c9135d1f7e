/**
 * Reports (v3): create, then either wait in this execution (checking the status with a growing
 * pause, up to a maximum) and output one item per row, or output the report ID for a Wait-based
 * loop (Wait → Get Status → If COMPLETED → Download), which suits reports that take hours.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import { asNodeError, errorItem, itemError } from '../../shared/items';
import type { Transport } from '../../shared/transport';
import { checkReportRequest, duplicateOf, pollDelaySeconds, REPORT_MEDIA_TYPE, reportRequestBody, reportRows, type ReportType } from '../engine/reports';

interface ReportStatus {
	reportId: string;
	status: string;
	url?: string | null;
	urlExpiresAt?: string | null;
	fileSize?: number | null;
	failureReason?: string | null;
	[key: string]: unknown;
}

const STATUS_ACCEPT = 'application/vnd.createasyncreportresponse.v3+json';

async function createReport(ctx: IExecuteFunctions, api: Transport, i: number): Promise<ReportStatus> {
	const options = ctx.getNodeParameter('reportOptions', i, {}) as IDataObject;
	const input = {
		type: ctx.getNodeParameter('reportType', i) as ReportType,
		startDate: String(ctx.getNodeParameter('startDate', i)).trim(),
		endDate: String(ctx.getNodeParameter('endDate', i)).trim(),
		columns: String(options.columns ?? '')
			.split(',')
			.map((column) => column.trim())
			.filter(Boolean),
		timeUnit: (options.timeUnit as 'SUMMARY' | 'DAILY' | undefined) ?? 'SUMMARY',
		name: options.name ? String(options.name) : undefined,
		keywordsOnly: options.includeTargets !== true,
	};
	const problem = checkReportRequest(input);
	if (problem) throw itemError(ctx, i, problem.problem, problem.fix);
	try {
		const { body } = await api.request<ReportStatus>({
			method: 'POST',
			url: '/reporting/reports',
			headers: { 'Content-Type': REPORT_MEDIA_TYPE, Accept: STATUS_ACCEPT },
			body: reportRequestBody(input),
			itemIndex: i,
		});
		return body;
	} catch (error) {
		// The same request while Amazon is still making the first: carry on with that report.
		if (error instanceof NodeApiError && String(error.httpCode) === '425') {
			const duplicate = duplicateOf(`${error.message} ${error.description ?? ''} ${JSON.stringify(error.context ?? {})}`);
			if (duplicate) return { reportId: duplicate, status: 'PENDING', duplicate: true };
		}
		throw asNodeError(ctx, error, i);
	}
}

async function reportStatus(api: Transport, reportId: string, i: number): Promise<ReportStatus> {
	const { body } = await api.request<ReportStatus>({
		method: 'GET',
		url: `/reporting/reports/${encodeURIComponent(reportId)}`,
		headers: { Accept: STATUS_ACCEPT },
		itemIndex: i,
	});
	return body;
}

/** The status as an item: never the download URL, which is a signed link to the data. */
const statusJson = (status: ReportStatus): IDataObject => {
	const json: IDataObject = { ...status, completed: status.status === 'COMPLETED' };
	delete json.url;
	return json;
};

async function waitForReport(ctx: IExecuteFunctions, api: Transport, first: ReportStatus, i: number): Promise<ReportStatus> {
	const options = ctx.getNodeParameter('reportOptions', i, {}) as IDataObject;
	const firstWait = Number(options.pollSeconds ?? 5);
	const maxWaitMs = Number(options.maxWaitMinutes ?? 15) * 60_000;
	const signal = ctx.getExecutionCancelSignal();
	let status = first;
	let waited = 0;
	for (let n = 0; status.status !== 'COMPLETED'; n++) {
		if (status.status === 'FAILED') {
			throw itemError(ctx, i, `Amazon could not make report ${status.reportId}: ${status.failureReason ?? 'no reason given'}`, 'Check the report type, columns and dates, then ask again.');
		}
		const delay = pollDelaySeconds(n, firstWait) * 1000;
		if (waited + delay > maxWaitMs) {
			throw itemError(
				ctx,
				i,
				`report ${status.reportId} is still ${status.status} after ${Math.round(waited / 1000)} s`,
				`Raise "Maximum Wait", or turn off "Wait for the Report" and check report ${status.reportId} later with Get Status (a Wait node loop); reports can take up to 3 hours.`,
			);
		}
		await sleep(delay, signal);
		waited += delay;
		status = await reportStatus(api, status.reportId, i);
	}
	return status;
}

async function downloadRows(ctx: IExecuteFunctions, api: Transport, status: ReportStatus, i: number): Promise<INodeExecutionData[]> {
	if (!status.url) throw itemError(ctx, i, `report ${status.reportId} is ${status.status} but has no download link`, 'Ask for its status again in a minute.');
	// A pre-signed link: it carries its own signature and must go without Amazon's headers.
	const { body } = await api.request<Buffer>({ method: 'GET', url: status.url, withoutCredential: true, json: false, encoding: 'arraybuffer', itemIndex: i });
	let rows: Array<Record<string, unknown>>;
	try {
		rows = await reportRows(body);
	} catch (error) {
		throw itemError(ctx, i, `report ${status.reportId} could not be read: ${(error as Error).message}`, 'Download it again; if it keeps failing, ask for a new report.');
	}
	return rows.map((row) => ({ json: row as IDataObject, pairedItem: { item: i } }));
}

export async function runReports(ctx: IExecuteFunctions, api: Transport, operation: string): Promise<INodeExecutionData[]> {
	const out: INodeExecutionData[] = [];
	const count = ctx.getInputData().length;
	for (let i = 0; i < count; i++) {
		try {
			if (operation === 'create') {
				const created = await createReport(ctx, api, i);
				if (!(ctx.getNodeParameter('wait', i) as boolean)) {
					out.push({ json: statusJson(created), pairedItem: { item: i } });
					continue;
				}
				out.push(...(await downloadRows(ctx, api, await waitForReport(ctx, api, created, i), i)));
				continue;
			}
			const reportId = String(ctx.getNodeParameter('reportId', i) ?? '').trim();
			if (!reportId) throw itemError(ctx, i, 'Report ID is empty', 'Map "Report ID" to the ID the Create operation gave, e.g. {{ $json.reportId }}.');
			const status = await reportStatus(api, reportId, i);
			if (operation === 'get') {
				out.push({ json: statusJson(status), pairedItem: { item: i } });
			} else if (status.status !== 'COMPLETED') {
				throw itemError(ctx, i, `report ${reportId} is ${status.status}, not ready to download`, 'Check it with Get Status and download once it is COMPLETED (a Wait node loop does this).');
			} else {
				out.push(...(await downloadRows(ctx, api, status, i)));
			}
		} catch (error) {
			const nodeError = asNodeError(ctx, error, i);
			if (!ctx.continueOnFail()) throw nodeError;
			out.push(errorItem(nodeError, i));
		}
	}
	return out;
}
