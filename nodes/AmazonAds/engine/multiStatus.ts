/**
 * Amazon's 207 multi-status answer, unpacked per entity. A write of n entities answers
 *
 *     { "<key>": { "success": [{ "index": 0, "<id>": "…", "<entity>": {…} }, …],
 *                  "error":   [{ "index": 3, "errors": [{ "errorType": "…", "errorValue": { "<kind>Error": { "reason", "message", … } } }] }] } }
 *
 * where `index` is the entity's position in the request. Every position gets exactly one outcome;
 * a position the answer leaves out is reported as such, never taken for a success.
 */
import type { Resource } from './resources';

type Json = Record<string, unknown>;

export interface EntityOutcome {
	ok: boolean;
	/** The entity's ID (created or updated), when Amazon gave it. */
	id?: string;
	/** The full entity, when asked for with Prefer: return=representation. */
	entity?: Json;
	/** Why it failed: Amazon's reasons and messages joined, e.g. "BID_BELOW_MINIMUM: bid 0.01 is below 0.02". */
	message?: string;
	/** Amazon's error types and reasons, e.g. ["rangeError/TOO_LOW"]. */
	codes?: string[];
	/** Amazon's error entries as given. */
	errors?: unknown[];
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** One error entry of a failure: its type, and the reason and message inside its `errorValue`. */
export function describeError(entry: unknown): { code: string; message: string } {
	if (!isObject(entry)) return { code: 'unknown', message: String(entry) };
	const type = typeof entry.errorType === 'string' ? entry.errorType : 'error';
	let reason: string | undefined;
	let message: string | undefined;
	if (isObject(entry.errorValue)) {
		for (const detail of Object.values(entry.errorValue)) {
			if (!isObject(detail)) continue;
			reason ??= typeof detail.reason === 'string' ? detail.reason : undefined;
			message ??= typeof detail.message === 'string' ? detail.message : undefined;
		}
	}
	message ??= typeof entry.message === 'string' ? entry.message : undefined;
	const code = reason ? `${type}/${reason}` : type;
	return { code, message: message ? (reason ? `${reason}: ${message}` : message) : reason ?? type };
}

/** Outcomes in request order for a 207 (or 200) answer to a write of `count` entities. */
export function unpackMultiStatus(body: unknown, resource: Resource, count: number): EntityOutcome[] {
	const outcomes: Array<EntityOutcome | undefined> = new Array(count).fill(undefined);
	const block = isObject(body) && isObject(body[resource.key]) ? (body[resource.key] as Json) : undefined;
	const success = Array.isArray(block?.success) ? block.success : [];
	const failed = Array.isArray(block?.error) ? block.error : [];
	for (const entry of success) {
		if (!isObject(entry) || typeof entry.index !== 'number' || entry.index < 0 || entry.index >= count) continue;
		const entity = isObject(entry[resource.entityField]) ? (entry[resource.entityField] as Json) : undefined;
		const id = entry[resource.answerIdField] ?? entity?.[resource.answerIdField] ?? entity?.[resource.idField];
		outcomes[entry.index] = { ok: true, id: id === undefined ? undefined : String(id), entity };
	}
	for (const entry of failed) {
		if (!isObject(entry) || typeof entry.index !== 'number' || entry.index < 0 || entry.index >= count) continue;
		const errors = Array.isArray(entry.errors) ? entry.errors : [];
		const described = errors.map(describeError);
		outcomes[entry.index] = {
			ok: false,
			message: described.map((d) => d.message).join('; ') || 'Amazon refused it without saying why',
			codes: described.map((d) => d.code),
			errors,
		};
	}
	return outcomes.map(
		(outcome) => outcome ?? { ok: false, message: 'Amazon\'s answer did not mention it: it may or may not have been applied', codes: ['missingFromAnswer'] },
	);
}
