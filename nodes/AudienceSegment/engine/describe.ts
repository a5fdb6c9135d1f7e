/** Short readable text for a condition, as reasons show it: `country in ["DE","AT"]`, `purchase ≥ 2 times within P30D`. */
import type { Aggregate, Bounds, DateSpec, EventNode, FieldNode, RegexSpec, Scalar, SegmentNode } from './types';

const OP_TEXT: Partial<Record<FieldNode['op'], string>> = {
	eq: '=',
	neq: '≠',
	gt: '>',
	gte: '≥',
	lt: '<',
	lte: '≤',
	in: 'in',
	notIn: 'not in',
	contains: 'contains',
	notContains: 'does not contain',
	startsWith: 'starts with',
	endsWith: 'ends with',
	regex: 'matches',
	before: 'before',
	after: 'after',
};

function scalarText(value: Scalar): string {
	if (typeof value === 'object') return dateText(value);
	return JSON.stringify(value);
}

function dateText(spec: DateSpec): string {
	switch (spec.kind) {
		case 'iso':
			return spec.text;
		case 'now':
			return 'now';
		case 'today':
			return 'today';
		case 'relative':
			return `${spec.sign < 0 ? '-' : '+'}${spec.duration}`;
	}
}

function boundsText(b: Bounds): string {
	const parts: string[] = [];
	if (b.eq !== undefined) parts.push(`= ${b.eq}`);
	if (b.gt !== undefined) parts.push(`> ${b.gt}`);
	if (b.gte !== undefined) parts.push(`≥ ${b.gte}`);
	if (b.lt !== undefined) parts.push(`< ${b.lt}`);
	if (b.lte !== undefined) parts.push(`≤ ${b.lte}`);
	return parts.join(' and ');
}

export function describeField(node: FieldNode): string {
	const f = node.field;
	const ci = node.ignoreCase ? ' (ignoring case)' : '';
	switch (node.op) {
		case 'isEmpty':
			return `${f} is empty`;
		case 'isNotEmpty':
			return `${f} is not empty`;
		case 'exists':
			return `${f} exists`;
		case 'between': {
			const [lo, hi] = node.value as Scalar[];
			return `${f} between ${scalarText(lo)} and ${scalarText(hi)}${ci}`;
		}
		case 'in':
		case 'notIn':
			return `${f} ${OP_TEXT[node.op]} [${(node.value as Scalar[]).map(scalarText).join(', ')}]${ci}`;
		case 'regex':
			return `${f} matches /${(node.value as RegexSpec).source}/`;
		case 'withinLast':
			return `${f} within the last ${node.value}`;
		case 'notWithinLast':
			return `${f} not within the last ${node.value}`;
		case 'anniversary':
			return node.value ? `${f} anniversary within ${node.value}` : `${f} anniversary today`;
		default: {
			const type = node.type === 'date' && (node.op === 'gt' || node.op === 'gte' || node.op === 'lt' || node.op === 'lte') ? ' (date)' : '';
			return `${f} ${OP_TEXT[node.op]} ${scalarText(node.value as Scalar)}${type}${ci}`;
		}
	}
}

function aggregateText(name: string, a: Aggregate): string {
	return `${name} of ${a.property} ${boundsText(a)}`;
}

export function describeEvent(node: EventNode): string {
	const parts = [node.event];
	if (node.count) parts.push(`count ${boundsText(node.count)}`);
	else if (!node.sum && !node.avg) parts.push('at least once');
	if (node.sum) parts.push(aggregateText('sum', node.sum));
	if (node.avg) parts.push(aggregateText('avg', node.avg));
	if (node.within) parts.push(`within ${node.within}`);
	if (node.where) parts.push(`where ${describe(node.where)}`);
	return parts.join(', ');
}

export function describe(node: SegmentNode): string {
	if (node.label) return node.label;
	switch (node.kind) {
		case 'field':
			return describeField(node);
		case 'event':
			return describeEvent(node);
		case 'jsonata':
			return `JSONata ${node.expression}`;
		case 'not':
			return `not (${describe(node.child)})`;
		case 'all':
			return node.children.length === 0 ? 'everyone' : node.children.map(describe).join(' and ');
		case 'any':
			return node.children.length === 0 ? 'no one' : `(${node.children.map(describe).join(' or ')})`;
	}
}
