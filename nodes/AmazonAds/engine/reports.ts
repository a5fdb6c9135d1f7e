/**
 * Sponsored Products reports (Amazon Ads reporting v3): what a report request holds, how long to
 * wait between status checks, and the rows of a downloaded report.
 *
 *   POST /reporting/reports   (Content-Type application/vnd.createasyncreportrequest.v3+json)
 *        { name, startDate, endDate, configuration: { adProduct: SPONSORED_PRODUCTS, reportTypeId,
 *          groupBy, columns, timeUnit, format: GZIP_JSON, filters? } }        → { reportId, status }
 *   GET  /reporting/reports/{reportId}   → { status: PENDING | PROCESSING | COMPLETED | FAILED, url, failureReason }
 *   GET  url   (pre-signed, no Amazon headers)   → gzip of a JSON array, one object per row
 *
 * Reports take from seconds to hours; Amazon answers 425 to a request identical to one still
 * being made, naming the report it duplicates.
 */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

export const REPORT_MEDIA_TYPE = 'application/vnd.createasyncreportrequest.v3+json';

export type ReportType = 'spCampaigns' | 'spTargeting' | 'spSearchTerm';

export interface ReportTypeInfo {
	label: string;
	groupBy: string[];
	/** Columns asked for when none are given: what the Bid Optimizer and a daily review need. */
	columns: string[];
}

export const REPORT_TYPES: Record<ReportType, ReportTypeInfo> = {
	spCampaigns: {
		label: 'Campaigns',
		groupBy: ['campaign'],
		columns: ['campaignId', 'campaignName', 'campaignStatus', 'campaignBudgetAmount', 'campaignBudgetType', 'impressions', 'clicks', 'cost', 'purchases7d', 'sales7d'],
	},
	spTargeting: {
		label: 'Keywords and targets',
		groupBy: ['targeting'],
		columns: [
			'keywordId',
			'keyword',
			'matchType',
			'keywordBid',
			'adKeywordStatus',
			'adGroupId',
			'adGroupName',
			'campaignId',
			'campaignName',
			'campaignBudgetAmount',
			'impressions',
			'clicks',
			'cost',
			'purchases7d',
			'sales7d',
		],
	},
	spSearchTerm: {
		label: 'Search terms',
		groupBy: ['searchTerm'],
		columns: ['searchTerm', 'keywordId', 'keyword', 'matchType', 'adGroupId', 'campaignId', 'impressions', 'clicks', 'cost', 'purchases7d', 'sales7d'],
	},
};

export interface ReportRequestInput {
	type: ReportType;
	startDate: string;
	endDate: string;
	/** Empty: the type's default columns. */
	columns?: string[];
	timeUnit?: 'SUMMARY' | 'DAILY';
	name?: string;
	/** Targeting reports: keywords only (BROAD, PHRASE, EXACT), leaving product targets out. */
	keywordsOnly?: boolean;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Why a report request is not valid, or undefined. */
export function checkReportRequest(input: ReportRequestInput): { field: string; problem: string; fix: string } | undefined {
	if (!(input.type in REPORT_TYPES)) return { field: 'Report Type', problem: `unknown report type ${input.type}`, fix: 'Pick Campaigns, Keywords and targets or Search terms.' };
	for (const [field, value] of [['Start Date', input.startDate], ['End Date', input.endDate]] as const) {
		if (!DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
			return { field, problem: `${field} is "${value}", not a date`, fix: `Use YYYY-MM-DD, e.g. {{ $today.minus({ days: 1 }).toFormat('yyyy-MM-dd') }}.` };
		}
	}
	if (input.startDate > input.endDate) return { field: 'Start Date', problem: `Start Date ${input.startDate} is after End Date ${input.endDate}`, fix: 'Swap them.' };
	const days = (Date.parse(`${input.endDate}T00:00:00Z`) - Date.parse(`${input.startDate}T00:00:00Z`)) / 86_400_000 + 1;
	if (days > 31) return { field: 'End Date', problem: `the range covers ${days} days`, fix: 'Amazon reports cover at most 31 days: split the range.' };
	return undefined;
}

export function reportRequestBody(input: ReportRequestInput): Record<string, unknown> {
	const info = REPORT_TYPES[input.type];
	const columns = input.columns && input.columns.length > 0 ? input.columns : info.columns;
	const timeUnit = input.timeUnit ?? 'SUMMARY';
	const configuration: Record<string, unknown> = {
		adProduct: 'SPONSORED_PRODUCTS',
		groupBy: info.groupBy,
		columns: timeUnit === 'DAILY' && !columns.includes('date') ? ['date', ...columns] : columns,
		reportTypeId: input.type,
		timeUnit,
		format: 'GZIP_JSON',
	};
	if (input.type === 'spTargeting' && input.keywordsOnly !== false) {
		configuration.filters = [{ field: 'keywordType', values: ['BROAD', 'PHRASE', 'EXACT'] }];
	}
	return {
		name: input.name || `Campaign Kit ${info.label} ${input.startDate} to ${input.endDate}`,
		startDate: input.startDate,
		endDate: input.endDate,
		configuration,
	};
}

/**
 * Seconds to wait before status check n (0-based): `first`, doubling each time, at most 60 s.
 * With the default 5 s: 5, 10, 20, 40, 60, 60, … (a report ready in 2 minutes is seen within a minute of it).
 */
export function pollDelaySeconds(n: number, first: number): number {
	return Math.min(first * 2 ** n, Math.max(60, first));
}

/** The report a 425 duplicates: "The Request is a duplicate of : <reportId>". */
export function duplicateOf(message: string | undefined): string | undefined {
	return message ? /duplicate of\s*:?\s*([0-9a-f-]{8,})/i.exec(message)?.[1] : undefined;
}

const gunzipAsync = promisify(gunzip);

/** The rows of a downloaded report: gunzipped (when gzip) and parsed as a JSON array. */
export async function reportRows(data: Buffer | string | unknown): Promise<Array<Record<string, unknown>>> {
	let parsed: unknown = data;
	if (Buffer.isBuffer(data)) {
		const raw = data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b ? await gunzipAsync(data) : data;
		parsed = JSON.parse(raw.toString('utf8'));
	} else if (typeof data === 'string') {
		parsed = JSON.parse(data);
	}
	if (!Array.isArray(parsed)) throw new Error('The report file is not a JSON array of rows');
	return parsed as Array<Record<string, unknown>>;
}
