/** The Email Audience node: Mailchimp members on the Mailchimp stand-in, and list hygiene (no provider). */
import fc from 'fast-check';

import { MailchimpStandIn } from '../stand-ins/mailchimp';
import { fuzzNode, printSummary, stopWatchdog } from './harness';
import { hostileValue, item, items, plausible } from './hostile';

const MC_KEY = 'fz0123456789abcdef7kq2lm9np4rs6t-us21';
const LIST = 'a1b2c3d4e5';
const mailchimp = new MailchimpStandIn(MC_KEY);

beforeAll(async () => {
	await mailchimp.start();
});
afterAll(async () => {
	printSummary();
	await stopWatchdog();
	await mailchimp.stop();
});

describe('Email Audience with hostile contacts and events', () => {
	it('Mailchimp upsert: every contact answered once, or an error naming the item and field', async () => {
		await fuzzNode({
			label: 'emailAudience mailchimp upsert',
			node: 'emailAudience',
			share: 0.5,
			parameters: { resource: 'mailchimpMember', listId: LIST, operation: 'upsert', statusIfNew: 'pending', memberFields: { firstName: '={{ $json.firstName }}' } },
			items: items(item({ email: plausible.email(), firstName: plausible.text() }), 4),
			pairing: 'partition',
			credentials: () => ({ ids: { campaignKitMailchimpApi: { id: '1', name: 'Mailchimp' } }, data: { campaignKitMailchimpApi: { apiKey: MC_KEY, baseUrl: `${mailchimp.url}/3.0` } } }),
			secrets: [MC_KEY],
			before: () => {
				mailchimp.reset();
				mailchimp.addList(LIST);
			},
		});
	});

	it('list hygiene: every event behind exactly one verdict, or an error naming the item and field', async () => {
		await fuzzNode({
			label: 'emailAudience listHygiene',
			node: 'emailAudience',
			share: 0.5,
			parameters: { resource: 'listHygiene', operation: 'analyze', hygieneOptions: { reengageAfterDeliveries: 2 } },
			items: items(
				item({
					provider: fc.constantFrom('sendgrid', 'kit', 'postmark'),
					channel: fc.constantFrom('email', 'sms'),
					type: fc.constantFrom('bounced', 'delivered', 'complained', 'opened', 'unsubscribed', 'other'),
					recipient: fc.constantFrom('gone@example.com', 'quiet@example.com', 'Quiet@Example.com'),
					timestamp: plausible.date(),
					lastEventAt: fc.oneof(plausible.date(), hostileValue()),
					raw: fc.constant({}),
				}),
				8,
			),
			pairing: 'partition',
		});
	});
});
