/**
 * Audience Guard in an in-process n8n with the "From Input" ledger: three outputs, every item
 * paired to its input, the defaults as dropped on the canvas, caps from the item's history and
 * within the run, Message ID repeats, and errors that name the item and the field (or error items under Continue On
 * Fail, on Blocked, never on Send now). The clock is fixed with a spy on Date.now.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { runWorkflow, singleNode } from '../helpers/n8n';

const NOW = '2026-11-22T12:00:00Z'; // 13:00 in Berlin, 07:00 in New York, 21:00 in Tokyo

beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(Date.parse(NOW)));
afterEach(() => jest.restoreAllMocks());

const guardOf = (item: INodeExecutionData) => item.json.guard as IDataObject;
const names = (items: INodeExecutionData[]) => items.map((item) => item.json.name);
const paired = (items: INodeExecutionData[]) => items.map((item) => (item.pairedItem as { item: number }).item);

const contact = (name: string, extra: IDataObject = {}): IDataObject => ({
	name,
	email: `${name}@example.com`,
	timezone: 'Europe/Berlin',
	consent: { email: 'opted_in' },
	...extra,
});

describe('Audience Guard node (in-process n8n, history from the input)', () => {
	it('runs as dropped on the canvas and routes each contact to Send now, Delay or Blocked', async () => {
		const items = [
			contact('ann'),
			contact('ben', { timezone: 'Asia/Tokyo' }), // 21:00 local: quiet hours
			contact('cat', { consent: { email: 'opted_out' } }),
			contact('dan', { sendHistory: [{ channel: 'email', sentAt: '2026-11-22T07:00:00Z' }] }),
			contact('eve', { consent: {} }), // unknown consent: blocked by default
			contact('fay', { unsubscribed: true }),
			contact('gus', { suppression: 'bounced' }),
			contact('hal', { timezone: 'America/New_York' }), // 07:00 local
		];
		const result = await runWorkflow(singleNode('audienceGuard', {}, items));
		expect(result.error).toBeUndefined();
		const [send, delay, blocked] = result.outputs('Node');
		expect(names(send)).toEqual(['ann']);
		expect(names(delay)).toEqual(['hal', 'ben', 'dan']); // soonest first: 13:00Z, 23:00Z, 07:00Z tomorrow
		expect(names(blocked)).toEqual(['cat', 'eve', 'fay', 'gus']);
		expect([...paired(send), ...paired(delay), ...paired(blocked)].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
		expect(paired(delay)).toEqual([7, 1, 3]);

		expect(send[0].json).toEqual({ ...items[0], guard: { decision: 'send', channel: 'email', checkedAt: NOW } });
		expect(guardOf(delay[0])).toMatchObject({ resumeAt: '2026-11-22T13:00:00Z', reason: 'quiet hours 21:00–08:00 in America/New_York; resumes 08:00 local' });
		expect(guardOf(delay[1])).toEqual({
			decision: 'delay',
			channel: 'email',
			checkedAt: NOW,
			resumeAt: '2026-11-22T23:00:00Z', // 08:00 in Tokyo
			code: 'quiet_hours',
			reason: 'quiet hours 21:00–08:00 in Asia/Tokyo; resumes 08:00 local',
		});
		expect(guardOf(delay[2])).toMatchObject({
			resumeAt: '2026-11-23T07:00:00Z',
			code: 'capped',
			reason: 'capped: 1 per day on email, last sent 2026-11-22T07:00:00Z; resumes 08:00 local',
		});
		expect(blocked.map((item) => guardOf(item).reason)).toEqual([
			'opted out of email',
			'no consent recorded for email (unknown consent is blocked)',
			'unsubscribed from all messages',
			'suppressed: an earlier message bounced',
		]);
		expect(blocked.map((item) => guardOf(item).code)).toEqual(['opted_out', 'consent_unknown', 'unsubscribed', 'suppressed']);
	});

	it('Delay comes out soonest first, so "Delay → Wait (first item\'s time) → back into the guard" releases each contact on time', async () => {
		// n8n's Wait node waits until the time of its first item; simulate it by moving the clock there.
		const zones = { tokyo: 'Asia/Tokyo', berlin: 'Europe/Berlin', la: 'America/Los_Angeles', kolkata: 'Asia/Kolkata' };
		let items = Object.entries(zones).map(([name, timezone]) => contact(name, { timezone }));
		let now = Date.parse('2026-11-22T22:30:00Z'); // 07:30 Tokyo, 23:30 Berlin, 14:30 Los Angeles, 04:00 Kolkata
		const released: Array<[string, string]> = [];
		for (let round = 0; round < 5 && items.length > 0; round++) {
			jest.spyOn(Date, 'now').mockReturnValue(now);
			const [send, delay] = (await runWorkflow(singleNode('audienceGuard', {}, items))).outputs('Node');
			for (const item of send) released.push([item.json.name as string, new Date(now).toISOString()]);
			items = delay.map((item) => item.json);
			if (delay.length) now = Date.parse(guardOf(delay[0]).resumeAt as string);
		}
		expect(released).toEqual([
			['la', '2026-11-22T22:30:00.000Z'],
			['tokyo', '2026-11-22T23:00:00.000Z'], // 08:00 in Tokyo
			['kolkata', '2026-11-23T02:30:00.000Z'], // 08:00 in Kolkata
			['berlin', '2026-11-23T07:00:00.000Z'], // 08:00 in Berlin
		]);
	});

	it('holds the caps within one run: a contact twice in the batch gets one message now', async () => {
		const items = [contact('ann'), contact('ben'), contact('ann'), contact('ann', { email: 'ANN@example.com' })];
		const parameters = { contactId: '={{ $json.email.toLowerCase() }}' };
		const [send, delay] = (await runWorkflow(singleNode('audienceGuard', parameters, items))).outputs('Node');
		expect(paired(send)).toEqual([0, 1]);
		expect(paired(delay)).toEqual([2, 3]);
		expect(guardOf(delay[0])).toMatchObject({
			resumeAt: '2026-11-23T12:00:00Z',
			reason: 'capped: 1 per day on email, last sent 2026-11-22T12:00:00Z (earlier in this run); resumes 13:00 local',
		});
	});

	it('several caps, across channels, from a history read with the Data Table node', async () => {
		const history = [
			{ id: 1, contactId: 'ann@example.com', channel: 'sms', sentAt: '2026-11-21T09:00:00.000Z' },
			{ id: 2, contactId: 'ann@example.com', channel: 'push', sentAt: '2026-11-20T09:00:00.000Z' },
			{ id: 3, contactId: 'ann@example.com', channel: 'email', sentAt: '2026-11-18T09:00:00.000Z' },
		];
		const parameters = {
			caps: {
				cap: [
					{ maxMessages: 1, amount: 1, unit: 'days', scope: 'channel' },
					{ maxMessages: 3, amount: 1, unit: 'weeks', scope: 'all' },
				],
			},
			history: '={{ $json.recent }}',
		};
		const items = [contact('ann', { recent: history }), contact('ann', { recent: history.slice(0, 2) })];
		const [send, delay] = (await runWorkflow(singleNode('audienceGuard', { ...parameters, contactId: '={{ $json.name }}' }, items))).outputs('Node');
		// Item 0: three messages this week on any channel → until the 18 Nov email leaves the week.
		expect(paired(delay)).toEqual([0]);
		expect(guardOf(delay[0])).toMatchObject({
			resumeAt: '2026-11-25T09:00:00Z',
			reason: 'capped: 3 per week across all channels, last sent on sms 2026-11-21T09:00:00Z; resumes Wed 25 Nov 10:00 local',
		});
		// Item 1 (the same contact, a history of two): goes now.
		expect(paired(send)).toEqual([1]);
	});

	it('When Capped: Block, other channels, consent policy Send, no quiet hours', async () => {
		const parameters = {
			channel: 'sms',
			consent: '={{ $json.consent.sms }}',
			unknownConsent: 'send',
			quietHoursStart: '00:00',
			quietHoursEnd: '00:00',
			whenCapped: 'block',
		};
		const items = [
			{ name: 'ann', email: 'ann@example.com', sendHistory: [{ channel: 'sms', sentAt: '2026-11-22T10:00:00Z' }] },
			{ name: 'ben', email: 'ben@example.com', sendHistory: [{ channel: 'email', sentAt: '2026-11-22T10:00:00Z' }] },
			{ name: 'cat', email: 'cat@example.com', consent: { sms: false } },
		];
		const [send, delay, blocked] = (await runWorkflow(singleNode('audienceGuard', parameters, items))).outputs('Node');
		expect(names(send)).toEqual(['ben']);
		expect(delay).toEqual([]);
		expect(blocked.map((item) => [item.json.name, guardOf(item).reason])).toEqual([
			['ann', 'capped: 1 per day on sms, last sent 2026-11-22T10:00:00Z'],
			['cat', 'opted out of sms'],
		]);
	});

	it('stops with an error naming the item and the field: a missing time zone, an invalid one, bad history', async () => {
		const missing = await runWorkflow(singleNode('audienceGuard', {}, [contact('ann'), contact('ben', { timezone: '' })]));
		expect(missing.error?.message).toBe('Item 1: Time Zone is missing and there is no Default Time Zone');
		expect(missing.error?.description).toMatch(/Map "Time Zone" to the contact's IANA time zone, e\.g\. \{\{ \$json\.timezone \}\}.*or set "Default Time Zone"/);

		const invalid = await runWorkflow(singleNode('audienceGuard', {}, [contact('ann', { timezone: 'Berlin' })]));
		expect(invalid.error?.message).toBe('Item 0: Time Zone is "Berlin", which is not an IANA time zone');

		const history = await runWorkflow(singleNode('audienceGuard', {}, [contact('ann', { sendHistory: [{ sentAt: 'last week' }] })]));
		expect(history.error?.message).toBe('Item 0: Send History entry 0 has the send time "last week", which is not a date with a time zone');

		const defaulted = await runWorkflow(singleNode('audienceGuard', { defaultTimezone: 'America/New_York' }, [contact('ben', { timezone: null })]));
		expect(guardOf(defaulted.output('Node', 1)[0])).toMatchObject({ reason: 'quiet hours 21:00–08:00 in America/New_York; resumes 08:00 local' });
	});

	it('stops on a wrong setting, naming it', async () => {
		const cap = await runWorkflow(singleNode('audienceGuard', { caps: { cap: [{ maxMessages: 0, amount: 1, unit: 'days' }] } }, [contact('ann')]));
		expect(cap.error?.message).toBe('Frequency Cap 1: the limit is 0');
		const zone = await runWorkflow(singleNode('audienceGuard', { defaultTimezone: 'CET+1' }, [contact('ann')]));
		expect(zone.error?.message).toBe('Default Time Zone is "CET+1", which is not an IANA time zone');
		const clock = await runWorkflow(singleNode('audienceGuard', { quietHoursStart: '9pm' }, [contact('ann')]));
		expect(clock.error?.message).toBe('Quiet Hours Start is "9pm", not a time of day');
		expect(clock.error?.description).toBe('Write the time as HH:MM on a 24-hour clock, e.g. 21:00 or 08:00.');
	});

	it('Continue On Fail: a contact it cannot judge leaves on Blocked as an error item, never on Send now', async () => {
		const items = [contact('ann'), contact('ben', { timezone: 'Mars/Base' }), contact('cat', { consent: { email: 'perhaps' } }), contact('dan')];
		const result = await runWorkflow(singleNode('audienceGuard', { contactId: '={{ $json.name }}' }, items, { continueOnFail: true }));
		expect(result.error).toBeUndefined();
		const [send, delay, blocked] = result.outputs('Node');
		expect(names(send)).toEqual(['ann', 'dan']);
		expect(delay).toEqual([]);
		expect(blocked).toEqual([
			{
				json: {
					error: 'Item 1: Time Zone is "Mars/Base", which is not an IANA time zone',
					details: expect.stringContaining('IANA database'),
				},
				pairedItem: { item: 1 },
			},
			{
				json: { error: 'Item 2: Consent is "perhaps", which is not a consent status', details: expect.stringContaining('opted_in, opted_out or unknown') },
				pairedItem: { item: 2 },
			},
		]);
	});

	it('"Continue using error output": those items move to the error output', async () => {
		const items = [contact('ann'), contact('ben', { timezone: 'Mars/Base' })];
		const result = await runWorkflow(singleNode('audienceGuard', {}, items, { onError: 'continueErrorOutput' }));
		const [send, delay, blocked, errors] = result.outputs('Node');
		expect(names(send)).toEqual(['ann']);
		expect([...delay, ...blocked]).toEqual([]);
		expect(errors).toHaveLength(1);
		expect(paired(errors)).toEqual([1]);
		expect(errors[0].json).toMatchObject({ error: 'Item 1: Time Zone is "Mars/Base", which is not an IANA time zone' });
	});

	it('Message ID: the same message again goes now, uncounted, even in quiet hours; consent still blocks', async () => {
		const welcome = [{ channel: 'email', sentAt: '2026-11-22T07:00:00Z', message: 'welcome' }];
		const items = [
			contact('ann', { message: 'welcome', sendHistory: welcome }),
			contact('ben', { message: 'welcome', sendHistory: welcome, timezone: 'Asia/Tokyo' }), // 21:00 local: quiet hours
			contact('cat', { message: 'tips', sendHistory: welcome }),
			contact('dan', { message: 'welcome', sendHistory: welcome, unsubscribed: true }),
			contact('eve', { message: 'welcome', sendHistory: [{ ...welcome[0], channel: 'sms' }] }),
			contact('fay', { sendHistory: welcome }),
		];
		const result = await runWorkflow(singleNode('audienceGuard', { messageId: '={{ $json.message }}', contactId: '={{ $json.name }}' }, items));
		expect(result.error).toBeUndefined();
		const [send, delay, blocked] = result.outputs('Node');
		expect(names(send)).toEqual(['ann', 'ben', 'eve']);
		expect(guardOf(send[0])).toEqual({ decision: 'send', channel: 'email', checkedAt: NOW, messageId: 'welcome', repeat: true, firstSentAt: '2026-11-22T07:00:00Z' });
		expect(guardOf(send[1])).toEqual({ decision: 'send', channel: 'email', checkedAt: NOW, messageId: 'welcome', repeat: true, firstSentAt: '2026-11-22T07:00:00Z' });
		// A welcome by SMS is another message: this one goes because nothing holds it, not as a repeat.
		expect(guardOf(send[2])).toEqual({ decision: 'send', channel: 'email', checkedAt: NOW, messageId: 'welcome' });
		expect(names(delay)).toEqual(['cat', 'fay']);
		expect(guardOf(delay[0])).toMatchObject({ messageId: 'tips', code: 'capped', resumeAt: '2026-11-23T07:00:00Z' });
		expect(guardOf(delay[1])).not.toHaveProperty('messageId');
		expect(names(blocked)).toEqual(['dan']);
		expect(guardOf(blocked[0])).toMatchObject({ decision: 'blocked', code: 'unsubscribed', messageId: 'welcome' });
		expect(guardOf(blocked[0])).not.toHaveProperty('repeat');
	});

	it('Message ID within one run: a contact twice with the same message is one send and its repeat', async () => {
		const items = [contact('ann', { message: 'welcome' }), contact('ann', { message: 'welcome' }), contact('ann', { message: 'tips' }), contact('ben', { message: 'welcome' })];
		const [send, delay] = (await runWorkflow(singleNode('audienceGuard', { messageId: '={{ $json.message }}', contactId: '={{ $json.name }}' }, items))).outputs('Node');
		expect(paired(send)).toEqual([0, 1, 3]);
		expect(send.map((item) => guardOf(item).repeat)).toEqual([undefined, true, undefined]);
		expect(paired(delay)).toEqual([2]);
		expect(guardOf(delay[0])).toMatchObject({ messageId: 'tips', reason: expect.stringContaining('(earlier in this run)') });
	});

	it('Message ID errors: it needs a Contact ID (caps or not), and must be text', async () => {
		const noCaps = { caps: { cap: [] }, contactId: '={{ $json.userId }}' }; // no such field
		const without = await runWorkflow(singleNode('audienceGuard', noCaps, [contact('ann')]));
		expect(without.error).toBeUndefined();
		expect(names(without.output('Node', 0))).toEqual(['ann']);
		const missing = await runWorkflow(singleNode('audienceGuard', { ...noCaps, messageId: 'welcome' }, [contact('ann')]));
		expect(missing.error?.message).toBe('Item 0: Contact ID is missing');
		const object = await runWorkflow(singleNode('audienceGuard', { messageId: '={{ $json.message }}' }, [contact('ann', { message: { name: 'welcome' } })]));
		expect(object.error?.message).toBe('Item 0: Message ID is {"name":"welcome"}, not text');
		expect(object.error?.description).toMatch(/Set "Message ID" to a field holding a name/);
	});

	it('reads nested consent for another channel', async () => {
		const result = await runWorkflow(
			singleNode('audienceGuard', { channel: 'push', consent: '={{ $json.consent.push }}', contactId: '={{ $json.name }}' }, [
				contact('ann', { consent: { email: 'opted_out', push: 'granted' } }),
			]),
		);
		expect(guardOf(result.output('Node', 0)[0])).toEqual({ decision: 'send', channel: 'push', checkedAt: NOW });
	});
});
