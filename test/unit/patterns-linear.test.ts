/**
 * No pattern can freeze n8n: every place a marketer's regular expression meets data matches in time
 * linear in the text. Each check first times short inputs of 20, 22, … 40 characters and stops at
 * the first that takes over 250 ms (a backtracking engine doubles its time with every character:
 * the issue measured 94 s at 32), so a backtracking engine fails the test within seconds instead of
 * hanging the suite on the long input, which a linear engine matches in milliseconds.
 */
import { compileSegment } from '../../nodes/AudienceSegment/engine/compile';
import { parseDefinition } from '../../nodes/AudienceSegment/engine/parse';
import { compileRules, groupChannel } from '../../nodes/shared/channelGrouping';
import { findLinks } from '../../nodes/SocialPost/engine/text';

const EMAIL = '^([a-z0-9]+[._-]?)+@example[.]com$';
const NESTED = '(a+)+$';
const LONG = 100_000;

/** Milliseconds one call takes. */
function timed(run: () => unknown): number {
	const start = process.hrtime.bigint();
	run();
	return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Short inputs first (each must be near-instant), then the long one (must stay well under a second). */
function expectLinear(match: (text: string) => boolean): void {
	for (let n = 20; n <= 40; n += 2) {
		const text = 'a'.repeat(n) + '!';
		const ms = timed(() => expect(match(text)).toBe(false));
		if (ms > 250) throw new Error(`${text.length} characters took ${Math.round(ms)} ms: the engine backtracks`);
	}
	const ms = timed(() => expect(match('a'.repeat(LONG) + '!')).toBe(false));
	expect(ms).toBeLessThan(1000);
}

describe('marketers\' patterns run in linear time', () => {
	it.each([EMAIL, NESTED])('Audience Segment regex %s on 20–40 and 100,000 characters', (pattern) => {
		const segment = compileSegment(parseDefinition({ field: 'email', op: 'regex', value: pattern }), { now: 0, timeZone: 'UTC' });
		expectLinear((text) => segment.test({ email: text }) as boolean);
		expect(segment.test({ email: 'ann.lee-1@example.com' })).toBe(pattern === EMAIL);
		expect(segment.test({ email: 'aaa' })).toBe(pattern === NESTED);
	}, 20_000);

	it.each([EMAIL.slice(1, -1), NESTED.slice(0, -1)])('channel rule %s on 20–40 and 100,000 characters', (pattern) => {
		const rules = compileRules([{ channel: 'Partners', source: pattern }]);
		expectLinear((text) => groupChannel({ source: text, medium: 'x' }, { rules }).channel === 'Partners');
		expect(groupChannel({ source: pattern.startsWith('(a') ? 'AAA' : 'ann@example.com', medium: 'x' }, { rules }).channel).toBe('Partners');
	}, 20_000);

	it('refuses a channel rule the linear-time engine cannot run, naming the rule', () => {
		expect(() => compileRules([{ channel: 'X', source: '(?=a)a' }])).toThrow(/^channel rule 1 \(X\): source "\(\?=a\)a" is not a valid pattern: .*lookaround/);
		expect(() => compileRules([{ channel: 'X', medium: '(a)\\1' }])).toThrow(/^channel rule 1 \(X\): medium "\(a\)\\1" is not a valid pattern: /);
	});

	it('Social Post finds links in time linear in the post, whatever punctuation it holds', () => {
		const post = (dots: number) => `see https://shop.example.com/${'.'.repeat(dots)}a and more`;
		// Quadratic before: each doubling takes four times as long; stop at the first slow size.
		for (let dots = 2500; dots <= 20_000; dots *= 2) {
			const ms = timed(() => expect(findLinks(post(dots))).toHaveLength(1));
			if (ms > 250) throw new Error(`${dots} dots took ${Math.round(ms)} ms: the link scan is quadratic`);
		}
		const ms = timed(() => expect(findLinks(post(LONG))[0].text).toHaveLength(`https://shop.example.com/${'.'.repeat(LONG)}a`.length));
		expect(ms).toBeLessThan(1000);
		expect(findLinks('(see www.example.com/x?!).')[0].text).toBe('www.example.com/x');
	});
});
