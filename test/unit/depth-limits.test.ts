/**
 * Depth limits (shared/limits.ts, 256 levels): a definition, a pattern or an event nested deeper is
 * refused with a clear error naming where, never "Maximum call stack size exceeded".
 */
import { parseDefinition } from '../../nodes/AudienceSegment/engine/parse';
import { compileSegment } from '../../nodes/AudienceSegment/engine/compile';
import { SegmentDefinitionError } from '../../nodes/AudienceSegment/engine/errors';
import { eventsOfRequest } from '../../nodes/MarketingEventTrigger/engine/request';
import { MAX_DEPTH, tooDeep } from '../../nodes/shared/limits';

/** `levels` objects inside each other around `inner`. */
function nest(levels: number, key: string, inner: unknown): unknown {
	let value = inner;
	for (let i = 0; i < levels; i++) value = { [key]: value };
	return value;
}

/** What reading the definition threw. */
const definitionError = (definition: unknown): SegmentDefinitionError => {
	let thrown: unknown;
	try {
		parseDefinition(definition);
	} catch (error) {
		thrown = error;
	}
	expect(thrown).toBeInstanceOf(SegmentDefinitionError);
	return thrown as SegmentDefinitionError;
};

describe('depth limits', () => {
	it('finds the first object or list deeper than the limit, without recursion', () => {
		expect(MAX_DEPTH).toBe(256);
		expect(tooDeep(nest(256, 'a', 1))).toBeUndefined();
		expect(tooDeep(nest(257, 'a', 1))).toMatch(/^\$(\.a){8}…(\.a){4}$/);
		expect(tooDeep([[[1]]], 2)).toBe('$[0][0]');
		expect(tooDeep({ x: [{ 'odd key': {} }] }, 3)).toBe('$.x[0]["odd key"]');
		expect(tooDeep(nest(200_000, 'a', 1))).toMatch(/^\$\.a/);
	});

	it('refuses a definition nested 5,000 deep with its path, as an object or as JSON text', () => {
		const deep = nest(5000, 'not', { field: 'a', op: 'exists' });
		// As text written by hand: JSON.stringify itself overflows the stack at this depth.
		const text = `${'{"not":'.repeat(5000)}{"field":"a","op":"exists"}${'}'.repeat(5000)}`;
		for (const input of [deep, text]) {
			const error = definitionError(input);
			expect(error.path).toMatch(/^\$\.not\.not\.not.*…(\.not)+$/);
			expect(error.problem).toBe('the definition nests objects and lists more than 256 levels deep');
		}
	});

	it('still reads a definition nested within the limit (255 groups)', () => {
		const segment = compileSegment(parseDefinition(nest(254, 'not', { field: 'a', op: 'exists' })), { now: 0, timeZone: 'UTC' });
		expect(segment.test({ a: 1 })).toBe(true);
	});

	it('refuses a pattern with groups nested 5,000 deep when the definition is read', () => {
		const error = definitionError({ field: 'a', op: 'regex', value: `${'('.repeat(5000)}a${')'.repeat(5000)}` });
		expect(error.path).toBe('$.value');
		expect(error.problem).toBe('regex error: groups nested more than 256 deep at character 257');
	});

	it('the trigger refuses a request with an event nested 10,000 deep: 400 naming the event', () => {
		const ok = { event_type: 'page', user_id: 'u1', timestamp: '2024-05-01T10:00:00Z' };
		const answer = eventsOfRequest({ batch: [ok, { ...ok, event_id: 'deep-1', properties: nest(10_000, 'a', 1) }] });
		expect(answer).toEqual({
			status: 400,
			error: expect.stringMatching(/^Event 1 \(eventId "deep-1"\) nests objects and lists more than 256 levels deep, at \$\.properties\.a\.a.*: flatten it/),
		});
		expect(eventsOfRequest(nest(300, 'a', 1))).toMatchObject({ status: 400, error: expect.stringMatching(/^Event 0 nests/) });
		expect(eventsOfRequest({ batch: [ok, { ...ok, properties: nest(200, 'a', 1) }] })).toMatchObject({ batch: true });
	});
});
