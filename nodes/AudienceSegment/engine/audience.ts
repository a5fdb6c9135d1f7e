/**
 * What Count and Snapshot report about the members of a segment: consent per channel, a
 * deterministic sample, and the snapshot's content hash.
 */
import { createHash } from 'node:crypto';

import { compareText } from './values';

/** Consent values that count as "yes" (compared without case). */
const YES = new Set(['true', 'yes', 'y', '1', 'granted', 'subscribed', 'opted_in', 'opted-in', 'opt_in', 'opt-in', 'optin', 'confirmed']);

/**
 * Whether a consent value allows contact: true, 1, or text such as "granted", "subscribed",
 * "opted_in" (any case); an object counts by its `status`, `granted` or `value`.
 */
export function isConsented(value: unknown): boolean {
	if (value === true || value === 1) return true;
	if (typeof value === 'string') return YES.has(value.trim().toLowerCase());
	if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
		const v = value as Record<string, unknown>;
		for (const key of ['status', 'granted', 'value', 'consent']) if (key in v) return isConsented(v[key]);
	}
	return false;
}

/** 32-bit FNV-1a: a cheap, stable spread of ids for sampling (not for security). */
function fnv1a(text: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h >>> 0;
}

/**
 * A deterministic sample of up to `size` members: those whose key hashes lowest. The same members
 * and segment give the same sample in any input order; a different segment id gives another one.
 */
export function pickSample<T>(members: Array<{ key: string; value: T }>, size: number, salt: string): T[] {
	if (size <= 0) return [];
	return members
		.map((m) => ({ rank: fnv1a(`${salt}:${m.key}`), key: m.key, value: m.value }))
		.sort((a, b) => a.rank - b.rank || compareText(a.key, b.key))
		.slice(0, size)
		.map((m) => m.value);
}

export interface Snapshot {
	/** Member ids, unique, sorted by Unicode code point (PostgreSQL's COLLATE "C" order). */
	members: string[];
	/** SHA-256 (hex) of the sorted ids joined with "\n". */
	hash: string;
	/** How many ids appeared more than once (each is kept once). */
	duplicates: number;
}

/**
 * The frozen member list and its content hash. The hash depends only on the set of ids, never on
 * their order; in SQL it is
 * `SELECT encode(sha256(convert_to(string_agg(id, E'\n' ORDER BY id COLLATE "C"), 'UTF8')), 'hex') FROM (SELECT DISTINCT id FROM members) AS m`.
 */
export function snapshotOf(ids: readonly string[]): Snapshot {
	const sorted = [...ids].sort(compareText);
	const members: string[] = [];
	for (const id of sorted) if (members.length === 0 || members[members.length - 1] !== id) members.push(id);
	const hash = createHash('sha256').update(members.join('\n'), 'utf8').digest('hex');
	return { members, hash, duplicates: ids.length - members.length };
}
