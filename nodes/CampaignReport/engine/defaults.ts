/** The settings the node uses when nothing is changed: one place for the node, its tests and its benchmark. */
import { METRICS } from './kpis';
import type { Column, ReportSettings } from './types';

/** The Standard source: every column read from the field of its own name (date, channel, campaign, spend, …). */
export const STANDARD_COLUMNS: Partial<Record<Column, string>> = Object.fromEntries(
	(['date', 'channel', 'campaign', ...METRICS, 'budget'] as const).map((column) => [column, column]),
);

export const DEFAULT_THRESHOLDS: ReportSettings['thresholds'] = { minRoas: 1.5, maxBounceRate: 0.05, maxDailySpendShare: 1.2, pacingTolerance: 0.1 };

export const DEFAULT_ANOMALIES: NonNullable<ReportSettings['anomalies']> = { metrics: ['spend', 'conversions', 'revenue'], k: 3, window: 28, minHistory: 14, seasonality: 'auto' };

export const DEFAULT_FORECAST: NonNullable<ReportSettings['forecast']> = { horizons: [7, 30], window: 28, level: 0.95, metrics: ['spend', 'conversions', 'revenue'] };
