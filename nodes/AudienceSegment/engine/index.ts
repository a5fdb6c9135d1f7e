/** The Audience Segment engine: plain TypeScript, no n8n import. SEGMENTS.md documents the semantics. */
export { parseDefinition } from './parse';
export { compileSegment, type CompiledSegment, type CompileOptions } from './compile';
export { DEFAULT_EXPRESSION_LIMITS, type ExpressionLimits } from './expression';
export { compileSql, COLUMN_TYPES, DEFAULT_MAPPING, quoteIdent, type ColumnMapping, type ColumnType, type CompiledSql, type SqlMapping, type SqlParameter } from './sql';
export { isConsented, pickSample, snapshotOf, type Snapshot } from './audience';
export { SegmentDefinitionError, SegmentEvaluationError, SegmentSqlError } from './errors';
export { FIELD_OPS, VALUE_TYPES, type Explained, type Reason, type SegmentDefinition } from './types';
