/** The Social Post node publishing to the X stand-in, and in Simulate mode. */
import fc from 'fast-check';

import { XStandIn } from '../stand-ins/x';
import { fuzzNode, printSummary, stopWatchdog } from './harness';
import { item, items, plausible } from './hostile';

const X_TOKEN = 'x-fz-user-token-7Kq2Lm9Np4Rs';
const x = new XStandIn(X_TOKEN);

beforeAll(async () => {
	await x.start();
});
afterAll(async () => {
	printSummary();
	await stopWatchdog();
	await x.stop();
});

const credentials = () => ({ ids: { campaignKitXApi: { id: 'x1', name: 'X' } }, data: { campaignKitXApi: { accessToken: X_TOKEN, baseUrl: x.url } } });
const post = () => item({ text: fc.oneof(plausible.text(), fc.string({ minLength: 250, maxLength: 400 })), link: fc.constantFrom('https://shop.example/spring', 'not a url') });

describe('Social Post with hostile posts', () => {
	it('X: every post published, skipped or failed, or an error naming the item and field', async () => {
		await fuzzNode({
			label: 'socialPost x',
			node: 'socialPost',
			share: 0.6,
			parameters: { platform: 'x', authentication: 'accessToken' },
			items: items(post(), 4),
			pairing: 'partition',
			credentials,
			secrets: [X_TOKEN],
			before: () => x.reset(),
		});
	});

	it('Simulate', async () => {
		await fuzzNode({
			label: 'socialPost simulate',
			node: 'socialPost',
			share: 0.4,
			parameters: { platform: 'x', authentication: 'accessToken', simulate: true },
			items: items(post(), 4),
			pairing: 'partition',
			credentials,
			secrets: [X_TOKEN],
		});
	});
});
