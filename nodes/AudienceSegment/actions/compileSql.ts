/**
 * Compile to SQL: each item gains sql {where, parameters, query, countQuery} for PostgreSQL, ready
 * for n8n's Postgres node (Execute Query with {{ $json.sql.query }} and Query Parameters
 * {{ $json.sql.parameters }}). The definition is read per item, so definitions kept in a table
 * compile one per row; the same definition is parsed once.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeItems } from '../../shared/items';
import { compileSql, type ColumnMapping, type SegmentDefinition, type SqlMapping } from '../engine';
import { definitionError, readDefinition, runSettings, segmentId } from './common';

function mappingFor(ctx: IExecuteFunctions, i: number): SqlMapping {
	const text = (name: string, fallback = '') => String(ctx.getNodeParameter(name, i, fallback) ?? '').trim();
	return {
		contactsTable: text('contactsTable', 'contacts'),
		contactId: text('contactIdColumn', 'id'),
		columns: ((ctx.getNodeParameter('columns.column', i, []) as ColumnMapping[]) ?? []).map((c) => ({
			field: String(c.field ?? '').trim(),
			column: String(c.column ?? '').trim(),
			type: c.type ?? 'text',
		})),
		jsonColumn: text('jsonColumn'),
		eventsTable: text('eventsTable'),
		eventContactId: text('eventContactIdColumn'),
		eventType: text('eventTypeColumn'),
		eventTimestamp: text('eventTimestampColumn'),
		eventProperties: text('eventPropertiesColumn'),
	};
}

export function compileSqlItems(ctx: IExecuteFunctions): INodeExecutionData[] {
	const settings = runSettings(ctx);
	const cache = new Map<string, SegmentDefinition>();
	return routeItems(ctx, 1, (item, i) => {
		try {
			const definition = readDefinition(ctx, i, cache);
			const sql = compileSql(definition, mappingFor(ctx, i), settings);
			return {
				output: 0,
				json: {
					...item.json,
					segment: { id: segmentId(ctx, definition, i), definitionHash: definition.hash },
					sql: { ...sql, compiledAt: new Date(settings.now).toISOString(), timeZone: settings.timeZone },
				},
			};
		} catch (error) {
			throw definitionError(ctx, error, i);
		}
	})[0];
}
