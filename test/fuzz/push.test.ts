/** The Push node sending through the OneSignal stand-in. */
import fc from 'fast-check';

import { OneSignalStandIn } from '../stand-ins/onesignal';
import { fuzzNode, printSummary, stopWatchdog } from './harness';
import { item, items, plausible } from './hostile';

const APP_ID = '0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0';
const API_KEY = 'os_v2_app_fz7kq2lm9np4rs6tv8wx_fuzz_secret';
const oneSignal = new OneSignalStandIn({ appId: APP_ID, apiKey: API_KEY });

beforeAll(async () => {
	await oneSignal.start();
});
afterAll(async () => {
	printSummary();
	await stopWatchdog();
	await oneSignal.stop();
});

const PARAMETERS = {
	provider: 'oneSignal',
	sendTo: 'subscription',
	to: '={{ $json.subscriptionId }}',
	title: 'Spring sale',
	body: 'Everything half price, {{ first_name | "friend" }}',
	link: 'https://shop.example/sale',
	data: '{"screen": "sale"}',
};

const subscriptionId = () => fc.oneof(fc.uuid(), fc.constantFrom('6f0c0001-1a58-489e-b136-7c74a864b434', 'not-a-uuid'));
const credentials = () => ({
	ids: { campaignKitOneSignalApi: { id: '2', name: 'OneSignal' } },
	data: { campaignKitOneSignalApi: { appId: APP_ID, apiKey: API_KEY, keyType: 'key', baseUrl: oneSignal.url } },
});

describe('Push with hostile subscribers', () => {
	it('OneSignal: every subscriber sent, skipped or failed, or an error naming the item and field', async () => {
		await fuzzNode({
			label: 'push oneSignal',
			node: 'push',
			share: 0.6,
			parameters: PARAMETERS,
			items: items(item({ subscriptionId: subscriptionId(), first_name: plausible.text() })),
			pairing: 'partition',
			credentials,
			secrets: [API_KEY],
			before: () => oneSignal.reset(),
		});
	});

	it('Simulate', async () => {
		await fuzzNode({
			label: 'push simulate',
			node: 'push',
			share: 0.4,
			parameters: { ...PARAMETERS, simulate: true },
			items: items(item({ subscriptionId: subscriptionId(), first_name: plausible.text() })),
			pairing: 'partition',
			credentials,
			secrets: [API_KEY],
		});
	});
});
