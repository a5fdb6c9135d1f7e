/** The SMS node sending through the Twilio stand-in, and in Simulate mode. */
import fc from 'fast-check';

import { TwilioStandIn } from '../stand-ins/twilio';
import { fuzzNode, printSummary, stopWatchdog } from './harness';
import { item, items, plausible } from './hostile';

const ACCOUNT_SID = 'AC0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const AUTH_TOKEN = 'tw-fz-5Qk8Lp2Rm7Tn4Vs9Wx3Yz6';
const twilio = new TwilioStandIn({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });

beforeAll(async () => {
	await twilio.start();
});
afterAll(async () => {
	printSummary();
	await stopWatchdog();
	await twilio.stop();
});

const PARAMETERS = {
	provider: 'twilio',
	twilioFrom: '+14155550100',
	message: 'Hi {{ first_name | "there" }}, code {{ code }} gets 20% off: https://shop.example/sale',
	utm: { source: 'reminder', medium: 'sms', campaign: 'spring' },
};

const contact = () => item({ phone: plausible.phone(), first_name: plausible.text(), code: fc.string({ maxLength: 8 }) });
const credentials = () => ({
	ids: { campaignKitTwilioApi: { id: '1', name: 'Twilio' } },
	data: { campaignKitTwilioApi: { accountSid: ACCOUNT_SID, authType: 'authToken', authToken: AUTH_TOKEN, baseUrl: twilio.url } },
});
// The token, and the Basic credential a provider might echo (base64 of "SID:token").
const SECRETS = [AUTH_TOKEN, Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')];

describe('SMS with hostile contacts', () => {
	it('Twilio: every contact sent, skipped or failed, or an error naming the item and field', async () => {
		await fuzzNode({ label: 'sms twilio', node: 'sms', share: 0.6, parameters: PARAMETERS, items: items(contact()), pairing: 'partition', credentials, secrets: SECRETS, before: () => twilio.reset() });
	});

	it('Simulate', async () => {
		await fuzzNode({ label: 'sms simulate', node: 'sms', share: 0.4, parameters: { ...PARAMETERS, simulate: true }, items: items(contact()), pairing: 'partition', credentials, secrets: SECRETS });
	});
});
