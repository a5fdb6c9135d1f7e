/**
 * Meta Ads engine: identifiers normalised as Meta's documentation asks and hashed with SHA-256
 * (hashes quoted from Python's hashlib, computed apart from this code), upload sessions of at
 * most 10,000 records, throttling read from error codes and usage headers, insights simplified.
 */
import { matchValue, normalise, schemaName } from '../../nodes/MetaAds/engine/hashing';
import { simplifyInsight } from '../../nodes/MetaAds/engine/insights';
import { currencyOffset, fromMinorUnits, toMinorUnits } from '../../nodes/MetaAds/engine/money';
import { MAX_RECORDS_PER_CALL, sessionBatches } from '../../nodes/MetaAds/engine/sessions';
import { classifyMetaAnswer, isThrottleCode, usageWaitMs } from '../../nodes/MetaAds/engine/throttle';

// python3 -c "import hashlib; print(hashlib.sha256(b'ana@example.com').hexdigest())" and so on.
const HASHLIB = {
	'ana@example.com': '8e43ca37701228e74983efdbd0cff5c16b3b1e5d4e29a7c05626d4d25a018e11',
	'447700900123': '033134b911b137918338415ee3d20a064b24773d36a3b02e8b99fdd3fcd6b4cd',
	'14155550123': '413ba75461ab5f99d36820e561ea97e2bd80f9cb586f7ecea6cf4c496518950a',
	us: '79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621',
	m: '62c66a7a5dd70c3146618063c344e531e6d4b59e379808443ce962b3abd63c5a',
	'94103': '91dc2519ea98c5002cf2091e6a12b772eafdce9dca618e626d7d3b8275361789',
};

describe('Meta identifiers: normalise, then SHA-256', () => {
	it('normalises emails (trim, lowercase) and hashes them as hashlib does', () => {
		expect(normalise('EMAIL', '  Ana@Example.COM ')).toBe('ana@example.com');
		expect(matchValue('EMAIL', '  Ana@Example.COM ')).toBe(HASHLIB['ana@example.com']);
		expect(matchValue('EMAIL', 'not an email')).toBe('');
	});

	it('keeps phone digits with the country code, adding the default one where it is missing', () => {
		expect(normalise('PHONE', '+44 7700 900123')).toBe('447700900123');
		expect(normalise('PHONE', '0044 (7700) 900-123')).toBe('447700900123');
		expect(normalise('PHONE', '07700 900123', '44')).toBe('447700900123');
		expect(normalise('PHONE', '(415) 555-0123', '+1')).toBe('14155550123');
		expect(normalise('PHONE', '1 415 555 0123', '1')).toBe('14155550123');
		expect(matchValue('PHONE', '+44 7700 900123')).toBe(HASHLIB['447700900123']);
		expect(matchValue('PHONE', '(415) 555-0123', '1')).toBe(HASHLIB['14155550123']);
		expect(normalise('PHONE', '12')).toBe('');
	});

	it('normalises names, places, country, gender, ZIP and birth year; leaves external IDs unhashed', () => {
		expect(normalise('FN', ' José ')).toBe('josé');
		expect(normalise('LN', "O'Brien-Smith")).toBe('obriensmith');
		expect(normalise('CT', 'São Paulo')).toBe('sãopaulo');
		expect(normalise('COUNTRY', 'US')).toBe('us');
		expect(matchValue('COUNTRY', 'US')).toBe(HASHLIB.us);
		expect(normalise('COUNTRY', 'USA')).toBe('');
		expect(matchValue('GEN', 'Male')).toBe(HASHLIB.m);
		expect(matchValue('ZIP', '94103-1234')).toBe(HASHLIB['94103']);
		expect(normalise('ZIP', 'SW1A 1AA')).toBe('sw1a1aa');
		expect(normalise('DOBY', '1990')).toBe('1990');
		expect(normalise('DOBY', '90')).toBe('');
		expect(matchValue('EXTERN_ID', ' user-42 ')).toBe('user-42');
		expect(matchValue('MADID', 'AB12-CD')).toBe('ab12-cd');
		expect(schemaName('EMAIL')).toBe('EMAIL_SHA256');
		expect(schemaName('EXTERN_ID')).toBe('EXTERN_ID');
	});
});

describe('upload sessions', () => {
	it('splits 25,001 records into 10,000 + 10,000 + 5,001, numbered, the last flagged', () => {
		const rows = Array.from({ length: 25_001 }, (_, i) => i);
		const batches = sessionBatches(rows, 77);
		expect(MAX_RECORDS_PER_CALL).toBe(10_000);
		expect(batches.map((b) => [b.rows.length, b.session])).toEqual([
			[10_000, { session_id: 77, batch_seq: 1, last_batch_flag: false, estimated_num_total: 25_001 }],
			[10_000, { session_id: 77, batch_seq: 2, last_batch_flag: false, estimated_num_total: 25_001 }],
			[5_001, { session_id: 77, batch_seq: 3, last_batch_flag: true, estimated_num_total: 25_001 }],
		]);
		expect(batches.flatMap((b) => b.rows)).toEqual(rows);
	});
});

describe('throttling', () => {
	it('retries Meta\'s rate-limit codes and transient errors, with the wait from the usage headers', () => {
		expect([4, 17, 32, 613, 80000, 80004, 80014].every(isThrottleCode)).toBe(true);
		expect([1, 100, 190, 80015].some(isThrottleCode)).toBe(false);
		const buc = JSON.stringify({ '123': [{ type: 'ads_management', call_count: 100, estimated_time_to_regain_access: 3 }, { type: 'ads_insights', estimated_time_to_regain_access: 1 }] });
		expect(usageWaitMs({ 'x-business-use-case-usage': buc })).toEqual({ ms: 180_000, source: 'X-Business-Use-Case-Usage' });
		expect(usageWaitMs({ 'x-ad-account-usage': '{"acc_id_util_pct":100,"reset_time_duration":45}' })).toEqual({ ms: 45_000, source: 'X-Ad-Account-Usage' });
		expect(classifyMetaAnswer({ statusCode: 400, headers: { 'x-business-use-case-usage': buc }, body: { error: { code: 80004, message: 'Too many calls' } } })).toEqual({
			retry: true,
			waitMs: 180_000,
			source: 'X-Business-Use-Case-Usage',
		});
		expect(classifyMetaAnswer({ statusCode: 400, headers: {}, body: { error: { code: 17 } } })).toEqual({ retry: true });
		expect(classifyMetaAnswer({ statusCode: 500, headers: {}, body: { error: { code: 2, is_transient: true } } })).toEqual({ retry: true });
		expect(classifyMetaAnswer({ statusCode: 400, headers: {}, body: { error: { code: 100, message: 'Invalid parameter' } } })).toBeUndefined();
	});
});

describe('money and insights', () => {
	it('converts budgets to the currency\'s smallest unit (cents; whole yen)', () => {
		expect([currencyOffset('USD'), currencyOffset('EUR'), currencyOffset('JPY'), currencyOffset(undefined)]).toEqual([100, 100, 1, 100]);
		expect(toMinorUnits(12.34, 100)).toBe(1234);
		expect(toMinorUnits(0.29, 100)).toBe(29);
		expect(fromMinorUnits('2000', 100)).toBe(20);
		expect(fromMinorUnits('2000', 1)).toBe(2000);
	});

	it('simplifies an insights row: numbers, purchases and purchase value, ROAS', () => {
		const row = simplifyInsight({
			adset_id: '42',
			adset_name: 'Lookalike 1%',
			campaign_id: '7',
			campaign_name: 'Launch',
			impressions: '12000',
			clicks: '340',
			spend: '250.50',
			actions: [{ action_type: 'link_click', value: '340' }, { action_type: 'purchase', value: '9' }, { action_type: 'omni_purchase', value: '11' }],
			action_values: [{ action_type: 'omni_purchase', value: '990.25' }],
			date_start: '2026-03-01',
			date_stop: '2026-03-07',
		});
		expect(row).toEqual({
			campaignId: '7',
			campaignName: 'Launch',
			adSetId: '42',
			adSetName: 'Lookalike 1%',
			dateStart: '2026-03-01',
			dateStop: '2026-03-07',
			impressions: 12000,
			clicks: 340,
			spend: 250.5,
			purchases: 11,
			purchaseValue: 990.25,
			roas: 990.25 / 250.5,
		});
	});
});
