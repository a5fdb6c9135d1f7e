/** The Email node sending through the SendGrid stand-in, and in Simulate mode. */
import fc from 'fast-check';

import { SendGridStandIn } from '../stand-ins/sendgrid';
import { fuzzNode, printSummary, stopWatchdog } from './harness';
import { item, items, plausible } from './hostile';

const API_KEY = 'SG.fz7Kq2Lm9Np4Rs6Tv8Wx.Yz1Ab3Cd5Ef7Gh9Ij2Kl4Mn6Op8Qr0St';
const sendGrid = new SendGridStandIn(API_KEY);

beforeAll(async () => {
	await sendGrid.start();
});
afterAll(async () => {
	printSummary();
	await stopWatchdog();
	await sendGrid.stop();
});

const PARAMETERS = {
	provider: 'sendGrid',
	fromEmail: 'news@brand.example',
	fromName: 'Brand',
	subject: '{{ first_name | "Hello" }}, your spring offer',
	html: '<p>Hi {{ first_name | "there" }},</p><p>Your code: <b>{{ code }}</b>. <a href="https://shop.example/sale">Shop now</a></p>',
	utm: { source: 'newsletter', medium: 'email', campaign: 'spring' },
};

const contact = () => item({ email: plausible.email(), first_name: plausible.text(), code: fc.string({ maxLength: 8 }) });
const credentials = () => ({ ids: { campaignKitSendGridApi: { id: '1', name: 'SendGrid' } }, data: { campaignKitSendGridApi: { apiKey: API_KEY, baseUrl: sendGrid.url } } });

describe('Email with hostile contacts', () => {
	it('SendGrid: every contact sent, skipped or failed, or an error naming the item and field', async () => {
		await fuzzNode({ label: 'email sendGrid', node: 'email', share: 0.6, parameters: PARAMETERS, items: items(contact()), pairing: 'partition', credentials, secrets: [API_KEY], before: () => sendGrid.reset() });
	});

	it('Simulate', async () => {
		await fuzzNode({ label: 'email simulate', node: 'email', share: 0.4, parameters: { ...PARAMETERS, simulate: true }, items: items(contact()), pairing: 'partition', credentials, secrets: [API_KEY] });
	});
});
