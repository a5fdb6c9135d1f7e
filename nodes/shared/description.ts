/**
 * Builders for resource/operation node descriptions (Meta Ads, Amazon Ads, Email Audience), so the
 * Resource and Operation pickers, required text fields and Return All / Limit look and behave the
 * same in every node.
 */
import type { INodeProperties } from 'n8n-workflow';

export type DisplayOptions = INodeProperties['displayOptions'];
type Show = Record<string, Array<string | boolean>>;

/** Shown for these resources (and, when given, these operations and further parameter values). */
export const on = (resource: string[], operation?: string[], extra: Show = {}): DisplayOptions => ({
	show: { resource, ...(operation ? { operation } : {}), ...extra },
});

/** The Resource picker. */
export const resource = (options: INodeProperties['options'], defaultValue: string): INodeProperties => ({
	displayName: 'Resource',
	name: 'resource',
	type: 'options',
	noDataExpression: true,
	options,
	default: defaultValue,
});

/** The Operation picker of one resource. */
export const operation = (resource: string, options: INodeProperties['options'], defaultValue: string): INodeProperties => ({
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: [resource] } },
	options,
	default: defaultValue,
});

/** A required text field, empty unless `extra` says otherwise. */
export const text = (displayName: string, name: string, displayOptions: DisplayOptions, extra: Partial<INodeProperties> = {}): INodeProperties => ({
	displayName,
	name,
	type: 'string',
	default: '',
	required: true,
	displayOptions,
	...extra,
});

/** n8n's usual Return All switch and the Limit shown while it is off. */
export const returnAllAndLimit = (displayOptions: DisplayOptions): INodeProperties[] => [
	{ displayName: 'Return All', name: 'returnAll', type: 'boolean', default: false, displayOptions, description: 'Whether to return all results or only up to a given limit' },
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		displayOptions: { show: { ...displayOptions?.show, returnAll: [false] } },
		description: 'Max number of results to return',
	},
];
