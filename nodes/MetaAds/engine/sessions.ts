/**
 * Uploads of customer lists in sessions: Meta takes at most 10,000 records per call to
 * /{audience_id}/users, and a larger list goes as one session of several calls:
 *   session = { session_id, batch_seq (1, 2, …), last_batch_flag (true on the last), estimated_num_total }
 * so that Meta treats the calls as one upload (a replace, or a large add, completes as a whole).
 */
export const MAX_RECORDS_PER_CALL = 10_000;

export interface Batch<T> {
	rows: T[];
	session: { session_id: number; batch_seq: number; last_batch_flag: boolean; estimated_num_total: number };
}

export function sessionBatches<T>(rows: readonly T[], sessionId: number, size = MAX_RECORDS_PER_CALL): Array<Batch<T>> {
	const count = Math.max(1, Math.ceil(rows.length / size));
	return Array.from({ length: count }, (_, n) => ({
		rows: rows.slice(n * size, (n + 1) * size),
		session: { session_id: sessionId, batch_seq: n + 1, last_batch_flag: n === count - 1, estimated_num_total: rows.length },
	}));
}
