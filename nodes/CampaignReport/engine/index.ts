export { buildReport, ReportSettingError, NOT_SET } from './report';
export { reportPeriods, dayReader, isoDay, dayOfIso, weekday, type PeriodKind } from './days';
export { robustBand, MAD_SCALE, MEAN_AD_SCALE, type Band, type BandSettings } from './anomalies';
export { trendForecast, type Forecast } from './forecast';
export { KPIS, METRICS, computeKpis, change, type Metric } from './kpis';
export { toCsv } from './csv';
export { toHtml } from './html';
export { STANDARD_COLUMNS, DEFAULT_THRESHOLDS, DEFAULT_ANOMALIES, DEFAULT_FORECAST } from './defaults';
export type * from './types';
