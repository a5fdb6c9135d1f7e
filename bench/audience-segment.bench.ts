/**
 * Audience Segment engine: 1,000,000 contacts (each with 0–6 events) through a 10-condition nested
 * definition with two event conditions (one with a count, a window and an exact sum), compiled once
 * and run in one loop, as the Filter operation does. The target: at most 1.5 s.
 * `npm run bench -- audience-segment` runs it (and the n8n comparison, audience-segment-n8n).
 */
import { compileSegment } from '../nodes/AudienceSegment/engine/compile';
import { parseDefinition } from '../nodes/AudienceSegment/engine/parse';
import { random } from './shared';
import type { BenchRow } from './types';

export const CONTACTS = 1_000_000;
export const NOW = Date.parse('2024-06-15T12:00:00Z');
const DAY = 86_400_000;

/** The benchmark definition: 10 conditions, nested three deep, two of them on events. */
export const DEFINITION = {
	all: [
		{ field: 'country', op: 'in', value: ['DE', 'AT', 'CH', 'FR', 'NL', 'BE'] },
		{ field: 'age', op: 'between', value: [21, 65] },
		{ not: { field: 'unsubscribed', op: 'eq', value: true } },
		{
			any: [
				{ field: 'plan', op: 'in', value: ['pro', 'team'] },
				{ field: 'tags', op: 'contains', value: 'vip' },
				{ field: 'email', op: 'endsWith', value: '@gmail.com', ignoreCase: true },
			],
		},
		{ field: 'signupDate', op: 'before', value: '-P30D' },
		{ field: 'lastSeenAt', op: 'withinLast', value: 'P90D' },
		{
			any: [
				{ event: 'purchase', within: 'P365D', count: { gte: 2 }, sum: { property: 'value', gte: 100 } },
				{ event: 'email_click', within: 'P30D' },
			],
		},
	],
};

/**
 * The expensive case: the same ten conditions arranged so that nearly every contact reaches the event
 * conditions (the field conditions sit in an "any" that almost everyone meets), and the first of them
 * (count, window and exact sum) reads all of a contact's events.
 */
export const EVENT_HEAVY = {
	all: [
		{
			any: [
				{ field: 'country', op: 'in', value: ['DE', 'AT', 'CH', 'FR', 'NL', 'BE'] },
				{ field: 'age', op: 'between', value: [21, 65] },
				{ not: { field: 'unsubscribed', op: 'eq', value: true } },
				{ field: 'plan', op: 'in', value: ['pro', 'team'] },
				{ field: 'tags', op: 'contains', value: 'vip' },
				{ field: 'email', op: 'endsWith', value: '@gmail.com', ignoreCase: true },
				{ field: 'signupDate', op: 'before', value: '-P30D' },
				{ field: 'lastSeenAt', op: 'withinLast', value: 'P90D' },
			],
		},
		{
			not: {
				all: [
					{ event: 'purchase', within: 'P365D', count: { gte: 2 }, sum: { property: 'value', gte: 100 } },
					{ event: 'email_click', within: 'P30D' },
				],
			},
		},
	],
};

const COUNTRIES = ['DE', 'DE', 'DE', 'AT', 'CH', 'FR', 'NL', 'BE', 'US', 'GB'];
const PLANS = ['free', 'free', 'free', 'pro', 'team'];
const DOMAINS = ['gmail.com', 'GMail.com', 'example.com', 'web.de', 'outlook.com'];
const EVENT_TYPES = ['purchase', 'email_click', 'email_open', 'page_view', 'page_view'];

/** Contacts shaped as n8n items from a CRM: ISO timestamps as text, events embedded. */
export function makeContacts(n: number, seed = 42): Array<Record<string, unknown>> {
	const next = random(seed);
	const iso = (ms: number) => new Date(ms).toISOString();
	const contacts = new Array<Record<string, unknown>>(n);
	for (let i = 0; i < n; i++) {
		const events: Array<Record<string, unknown>> = [];
		const count = Math.floor(next() * 7);
		for (let k = 0; k < count; k++) {
			const eventType = EVENT_TYPES[Math.floor(next() * EVENT_TYPES.length)];
			const event: Record<string, unknown> = { eventType, timestamp: iso(NOW - Math.floor(next() * 400 * DAY)) };
			if (eventType === 'purchase') event.properties = { value: Math.round(next() * 15000) / 100 };
			events.push(event);
		}
		const tags: string[] = [];
		if (next() < 0.1) tags.push('vip');
		if (next() < 0.5) tags.push('newsletter');
		contacts[i] = {
			id: `contact-${i}`,
			email: `user${i}@${DOMAINS[Math.floor(next() * DOMAINS.length)]}`,
			country: COUNTRIES[Math.floor(next() * COUNTRIES.length)],
			age: 16 + Math.floor(next() * 70),
			plan: PLANS[Math.floor(next() * PLANS.length)],
			tags,
			unsubscribed: next() < 0.05,
			signupDate: iso(NOW - Math.floor(next() * 1000 * DAY)),
			lastSeenAt: iso(NOW - Math.floor(next() * 180 * DAY)),
			events,
		};
	}
	return contacts;
}

function time(fn: () => number): { seconds: number; result: number } {
	const start = process.hrtime.bigint();
	const result = fn();
	return { seconds: Number(process.hrtime.bigint() - start) / 1e9, result };
}

export async function run(): Promise<BenchRow[]> {
	const contacts = makeContacts(CONTACTS);
	const segment = compileSegment(parseDefinition(DEFINITION), { now: NOW, timeZone: 'Europe/Berlin' });
	const test = (c: Record<string, unknown>) => segment.test(c, c.events) as boolean;
	// Warm-up on a slice, then the measured passes (the best of three, as the machine allows).
	for (let i = 0; i < 50_000; i++) test(contacts[i]);
	const passes = [0, 1, 2].map(() =>
		time(() => {
			let members = 0;
			for (let i = 0; i < contacts.length; i++) if (test(contacts[i])) members++;
			return members;
		}),
	);
	const best = passes.reduce((a, b) => (b.seconds < a.seconds ? b : a));
	const explained = time(() => {
		let members = 0;
		for (let i = 0; i < contacts.length; i++) if ((segment.explain(contacts[i], contacts[i].events) as { matched: boolean }).matched) members++;
		return members;
	});
	if (explained.result !== best.result) throw new Error(`explain found ${explained.result} members, test ${best.result}`);
	const heavy = compileSegment(parseDefinition(EVENT_HEAVY), { now: NOW, timeZone: 'Europe/Berlin' });
	const heavyPasses = [0, 1].map(() =>
		time(() => {
			let members = 0;
			for (let i = 0; i < contacts.length; i++) if (heavy.test(contacts[i], contacts[i].events)) members++;
			return members;
		}),
	);
	const heavyBest = heavyPasses.reduce((a, b) => (b.seconds < a.seconds ? b : a));
	const compile = time(() => {
		compileSegment(parseDefinition(JSON.stringify(DEFINITION)), { now: NOW, timeZone: 'Europe/Berlin' });
		return 0;
	});
	return [
		{ name: 'Audience Segment: 1,000,000 contacts, 10 nested conditions (2 on events)', value: best.seconds, unit: 's', target: '≤ 1.5', pass: best.seconds <= 1.5 },
		{ name: 'Audience Segment: contacts per second', value: Math.round(CONTACTS / best.seconds), unit: 'contacts/s', target: 'no target', pass: true },
		{ name: 'Audience Segment: members found', value: best.result, unit: 'contacts', target: 'no target', pass: true },
		{ name: 'Audience Segment: 1,000,000 contacts, event conditions reached by nearly all', value: heavyBest.seconds, unit: 's', target: '≤ 1.5', pass: heavyBest.seconds <= 1.5 },
		{ name: 'Audience Segment: same 1,000,000 with reasons (explain)', value: explained.seconds, unit: 's', target: 'no target', pass: true },
		{ name: 'Audience Segment: parse and compile the definition', value: compile.seconds * 1000, unit: 'ms', target: 'no target', pass: true },
	];
}

// Alone: npx tsc -p tsconfig.bench.json && node .bench/bench/audience-segment.bench.js
if (require.main === module) {
	run().then((rows) => console.table(rows), (error) => {
		console.error(error);
		process.exitCode = 1;
	});
}
