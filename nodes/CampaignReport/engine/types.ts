import type { BandSettings } from './anomalies';
import type { PeriodKind } from './days';
import type { Forecast } from './forecast';
import type { Change, Kpis, Metric } from './kpis';

export type Column = 'date' | 'channel' | 'campaign' | Metric | 'budget' | 'eventType';

export interface Budget {
	/** Empty: every channel (a total budget). */
	channel?: string;
	/** Empty: the whole channel. */
	campaign?: string;
	amount: number;
	per: 'day' | 'period';
}

export interface ReportSettings {
	/** Field (dotted path) of each column in the rows; empty or absent: not read. */
	columns: Partial<Record<Column, string>>;
	/** The channel of rows without one (an Amazon Ads report's rows are all "Amazon Ads"). */
	defaultChannel: string;
	timeZone: string;
	/** The moment the report is made, epoch milliseconds. */
	asOf: number;
	period: PeriodKind;
	/** Custom period, 'YYYY-MM-DD' both ends included. */
	customStart?: string;
	customEnd?: string;
	budgets: Budget[];
	/** What a budget on the rows is: a daily budget (Amazon's campaignBudgetAmount) or one for the period. */
	budgetFieldPer: 'day' | 'period';
	thresholds: {
		/** Alert when ROAS is below; null: off. */
		minRoas: number | null;
		/** Alert when the bounce rate is above (0.05 = 5%); null: off. */
		maxBounceRate: number | null;
		/** Alert when a day's spend is above this share of the daily budget (1.2 = 120%); null: off. */
		maxDailySpendShare: number | null;
		/** Pacing is "on track" within this share of the budget (0.1 = ±10%). */
		pacingTolerance: number;
	};
	/** Null: no anomaly check. */
	anomalies: (BandSettings & { metrics: Metric[]; campaigns?: never }) | null;
	/** Null: no forecast. */
	forecast: { horizons: number[]; window: number; level: number; metrics: Metric[] } | null;
}

export type Level = 'total' | 'channel' | 'campaign';

export interface PeriodSide {
	start: string;
	end: string;
	metrics: Partial<Record<Metric, number>>;
	kpis: Kpis;
}

export interface Pacing {
	budget: number;
	dailyBudget: number;
	spendToDate: number;
	/** The budget's share for the days elapsed. */
	expectedToDate: number;
	/** Spend to date ÷ expected to date: 1.2 = spending 20% faster than the budget allows. */
	pace: number | null;
	/** Spend at the end of the period if the days to come spend like the days so far. */
	projectedSpend: number;
	projectedShare: number | null;
	remaining: number;
	status: 'overspent' | 'overpacing' | 'onTrack' | 'underpacing';
	overspend: boolean;
}

export interface ReportRow {
	level: Level;
	channel: string | null;
	campaign: string | null;
	metrics: Partial<Record<Metric, number>>;
	kpis: Kpis;
	previous: PeriodSide | null;
	lastYear: PeriodSide | null;
	changes: {
		vsPrevious: Record<string, Change> | null;
		vsLastYear: Record<string, Change> | null;
	};
	pacing: Pacing | null;
	forecast: Partial<Record<Metric, Forecast[]>> | null;
	alerts: number;
	notes: string[];
}

export type AlertType = 'lowRoas' | 'highBounceRate' | 'dailyOverspend' | 'overspend' | 'anomaly';

export interface Alert {
	type: AlertType;
	severity: 'critical' | 'warning';
	level: Level;
	channel: string | null;
	campaign: string | null;
	metric: string;
	value: number;
	/** The threshold crossed, or the band's far edge for anomalies. */
	threshold: number;
	date?: string;
	days?: Array<{ date: string; spend: number; dailyBudget: number }>;
	band?: { low: number; high: number; median: number; mad: number; seasonal: boolean; history: number };
	message: string;
}

export interface DailyPoint {
	date: string;
	metrics: Partial<Record<Metric, number>>;
}

export interface DataQuality {
	rows: number;
	/** Rows counted in the report period. */
	rowsInPeriod: number;
	missingColumns: Array<{ column: Column; field: string; missingIn: number; message: string }>;
	badDates: { count: number; rows: Array<{ row: number; value: unknown }> };
	badNumbers: Array<{ column: Column; field: string; count: number; rows: Array<{ row: number; value: unknown }> }>;
	/** Dated rows outside every period the report looks at (too old) or after the as-of day. */
	rowsBefore: number;
	rowsAfter: number;
	/** Delivery events whose type is not a counted metric (complained, failed, …), by type. */
	otherEvents: Record<string, number>;
	notes: string[];
}

export interface Report {
	title: string;
	dated: boolean;
	period: {
		kind: string;
		start: string;
		end: string;
		/** The last day compared and paced (the as-of day, or the period's end). */
		toDate: string;
		days: number;
		daysElapsed: number;
		inProgress: boolean;
		asOf: string;
		timeZone: string;
	} | null;
	previous: { start: string; end: string; hasData: boolean } | null;
	lastYear: { start: string; end: string; hasData: boolean } | null;
	metrics: Metric[];
	kpis: string[];
	rows: ReportRow[];
	alerts: Alert[];
	/** The total of each day so far in the period, and of the same days in the previous period. */
	daily: DailyPoint[];
	dailyPrevious: DailyPoint[];
	dataQuality: DataQuality;
	/** Per input row: the index in `rows` of its campaign row, or −1 when it is not in the period. */
	rowOf: Int32Array;
	/** Per input row: its day number, NaN when it has none. */
	dayOf: Float64Array;
}
