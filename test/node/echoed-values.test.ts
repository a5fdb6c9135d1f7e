/**
 * A 1 MB field never comes back whole in an error: every node shows a value it refuses in at most
 * 200 characters (nodes/shared/show.ts), whatever field it came from.
 */
import type { IDataObject } from 'n8n-workflow';

import { runWorkflow, singleNode } from '../helpers/n8n';

const HUGE = 'x'.repeat(1_000_000);

async function errorOf(type: string, parameters: IDataObject, items: IDataObject[], extra: IDataObject = {}, credentials: IDataObject = {}) {
	const result = await runWorkflow(singleNode(type, parameters, items, extra), { credentials: credentials as never });
	expect(result.error).toBeDefined();
	return `${result.error!.message} ${result.error!.description ?? ''}`;
}

describe('values echoed in errors are cut to 200 characters', () => {
	it.each([
		['Audience Guard, Time Zone', 'audienceGuard', {}, [{ id: 'ann', email: 'a@x.io', timezone: HUGE, consent: { email: 'opted_in' } }]],
		['Audience Guard, Consent', 'audienceGuard', {}, [{ id: 'ann', email: 'a@x.io', timezone: 'Europe/Berlin', consent: { email: HUGE } }]],
		['Audience Guard, Send History', 'audienceGuard', {}, [{ id: 'ann', email: 'a@x.io', timezone: 'Europe/Berlin', consent: { email: 'opted_in' }, sendHistory: HUGE }]],
		['Attribution, Timestamp', 'attribution', {}, [{ userId: 'a', eventType: 'page', timestamp: HUGE }]],
		['A/B Test, Visitors', 'abTest', {}, [{ arm: 'A', visitors: HUGE, conversions: 1 }]],
		['A/B Split, Contact ID', 'abSplit', {}, [{ userId: { id: HUGE } }]],
		['Bid Optimizer, Keyword ID', 'bidOptimizer', { targetAcos: 30 }, [{ keywordId: { id: HUGE }, clicks: 1 }]],
		['Campaign Report, Time Zone', 'campaignReport', { options: { timeZone: HUGE } }, [{ date: '2026-03-01', spend: 1 }]],
	])('%s', async (_, type, parameters, items) => {
		const message = await errorOf(type, parameters as IDataObject, items as IDataObject[]);
		expect(message.length).toBeLessThan(1000);
	});

	it.each([
		['Amazon Ads, platform', 'amazonAds', 'campaignKitAmazonAdsApi', { platform: HUGE, action: 'setBid', entityId: 'K1', after: { bid: 1 } }],
		['Amazon Ads, action', 'amazonAds', 'campaignKitAmazonAdsApi', { platform: 'amazon', action: HUGE, entityId: 'K1' }],
		['Meta Ads, platform', 'metaAds', 'campaignKitMetaAdsApi', { platform: HUGE, action: 'setDailyBudget', entityId: 'S1' }],
	])('%s', async (_, type, credential, item) => {
		const message = await errorOf(
			type,
			{ resource: 'changes', operation: 'apply' },
			[item as IDataObject],
			{ credentials: { [credential]: { id: '1', name: 'account' } } },
			{ [credential]: { clientId: 'c', clientSecret: 's', refreshToken: 'r', profileId: '1', region: 'NA', accessToken: 't', appSecret: 's', adAccountId: '1' } },
		);
		expect(message.length).toBeLessThan(1000);
	});
});

describe('NaN and Infinity in errors are shown as themselves, not as "null"', () => {
	it.each([
		['A/B Test, Visitors', 'abTest', { visitors: '={{ 0/0 }}' }, [{ arm: 'A', conversions: 1 }], 'Item 0: Visitors is NaN, not a number'],
		['Bid Optimizer, Clicks', 'bidOptimizer', { targetAcos: 30, clicks: '={{ 1/0 }}' }, [{ keywordId: 'K1', adGroupId: 'G', campaignId: 'C', keywordBid: 1 }], 'Item 0: Clicks is Infinity, not a number'],
		['A/B Split, Contact ID', 'abSplit', { unitId: '={{ 0/0 }}' }, [{}], 'Item 0: Contact ID is NaN, not text'],
	])('%s', async (_, type, parameters, items, message) => {
		const result = await runWorkflow(singleNode(type, parameters as IDataObject, items as IDataObject[]));
		expect(result.error?.message).toBe(message);
	});
});
