/**
 * What makes two sends "the same message": a content hash over what the recipient would read,
 * and an idempotency key per (workflow, node, recipient, content). The key is recorded in n8n's
 * de-duplication store and sent to the provider with the message, so a re-run or retried
 * execution finds it and does not send again, and provider events can be traced back.
 */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level: equal data always gives equal text. */
export function canonicalJson(value: unknown): string {
	if (value === undefined) return 'null';
	if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	const entries = Object.entries(value as Record<string, unknown>)
		.filter(([, entry]) => entry !== undefined)
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
}

/** SHA-256 (hex) of what the recipient would read. */
export function contentHash(content: unknown): string {
	return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

export interface KeyParts {
	workflowId: string;
	nodeId: string;
	/** The recipient's de-duplication key (see RecipientCheck.key). */
	recipient: string;
	contentHash: string;
}

/** 32 hex characters: short enough for every provider's metadata field, unique in practice. */
export function idempotencyKey({ workflowId, nodeId, recipient, contentHash: hash }: KeyParts): string {
	return createHash('sha256').update(['campaign-kit/1', workflowId, nodeId, recipient, hash].join('\n')).digest('hex').slice(0, 32);
}
