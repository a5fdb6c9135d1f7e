/**
 * SigV4 against AWS's published test suite ("get-vanilla", "get-vanilla-query-order-key-case":
 * keys AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 2015-08-30T12:36:00Z, us-east-1,
 * service "service") and against values computed independently with python3's hmac/hashlib.
 */
import type { IHttpRequestOptions } from 'n8n-workflow';

import { CampaignKitAmazonSesApi } from '../../credentials/CampaignKitAmazonSesApi.credentials';
import { amzDate, canonicalRequest, signRequest } from '../../nodes/shared/channel/sigv4';

const suite = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', region: 'us-east-1', service: 'service' };
const at = new Date('2015-08-30T12:36:00Z');

describe('AWS Signature Version 4', () => {
	it('get-vanilla: canonical request and Authorization as AWS publishes them', () => {
		const request = { method: 'GET', url: 'https://example.amazonaws.com/', body: '' };
		expect(amzDate(at)).toBe('20150830T123600Z');
		expect(canonicalRequest(request, { Host: 'example.amazonaws.com', 'X-Amz-Date': '20150830T123600Z' }).text).toBe(
			'GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
		);
		expect(signRequest(request, suite, at)).toEqual({
			'X-Amz-Date': '20150830T123600Z',
			Authorization:
				'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
		});
	});

	it('get-vanilla-query-order-key-case: query parameters sorted', () => {
		const signed = signRequest({ method: 'GET', url: 'https://example.amazonaws.com/?Param2=value2&Param1=value1', body: '' }, suite, at);
		expect(signed.Authorization).toMatch(/Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500$/);
	});

	it('encodes path segments twice and query values as RFC 3986 (python3 reference)', () => {
		const signed = signRequest(
			{ method: 'GET', url: 'https://email.us-east-1.amazonaws.com/v2/email/contact-lists/my%20list?PageSize=10&NextToken=a%20b', body: '' },
			{ ...suite, service: 'ses' },
			new Date('2026-01-01T09:00:00Z'),
		);
		expect(signed.Authorization).toMatch(/Signature=319fe8cde669b046c95a73d2d95ea80cbb69b51f648bb50ef557134212e6c1e4$/);
	});

	it('signs the body and a session token (python3 reference)', () => {
		const signed = signRequest(
			{ method: 'POST', url: 'https://email.eu-west-1.amazonaws.com/v2/email/outbound-bulk-emails', body: '{"FromEmailAddress":"news@example.com"}' },
			{ ...suite, region: 'eu-west-1', service: 'ses', sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN' },
			new Date('2026-01-01T09:00:00Z'),
		);
		expect(signed).toEqual({
			'X-Amz-Date': '20260101T090000Z',
			'X-Amz-Security-Token': 'FwoGZXIvYXdzEXAMPLETOKEN',
			Authorization:
				'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/eu-west-1/ses/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=b9f670b705e55853aa82d8297fcd6f6e5d5755195d8023c60ab2bdb5081e2a1d',
		});
	});
});

describe('the Amazon SES credential signs every request n8n sends with it', () => {
	const credential = new CampaignKitAmazonSesApi();
	const keys = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: suite.secretAccessKey, region: 'eu-west-1', sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN', baseUrl: '' };

	beforeAll(() => jest.useFakeTimers().setSystemTime(new Date('2026-01-01T09:00:00Z')));
	afterAll(() => jest.useRealTimers());

	it('a JSON body: sent as the exact string it signed', async () => {
		const request: IHttpRequestOptions = {
			method: 'POST',
			url: 'https://email.eu-west-1.amazonaws.com/v2/email/outbound-bulk-emails',
			body: { FromEmailAddress: 'news@example.com' },
			json: true,
			headers: { Accept: 'application/json' },
		};
		const signed = await credential.authenticate(keys, request);
		expect(signed.body).toBe('{"FromEmailAddress":"news@example.com"}');
		expect(signed.headers).toEqual({
			'Content-Type': 'application/json',
			Accept: 'application/json',
			'X-Amz-Date': '20260101T090000Z',
			'X-Amz-Security-Token': 'FwoGZXIvYXdzEXAMPLETOKEN',
			Authorization: expect.stringMatching(/Signature=b9f670b705e55853aa82d8297fcd6f6e5d5755195d8023c60ab2bdb5081e2a1d$/),
		});
		expect(request.headers).toEqual({ Accept: 'application/json' }); // the caller's object is not changed
	});

	it('the credential test: a relative URL on a base URL, query parameters folded into the signed URL', async () => {
		const signed = await credential.authenticate(
			{ ...keys, region: 'us-east-1', sessionToken: '' },
			{ method: 'GET', baseURL: 'https://email.us-east-1.amazonaws.com', url: '/v2/email/contact-lists/my%20list', qs: { PageSize: 10, NextToken: 'a b' } },
		);
		expect(signed.url).toBe('https://email.us-east-1.amazonaws.com/v2/email/contact-lists/my%20list?PageSize=10&NextToken=a%20b');
		expect(signed.baseURL).toBeUndefined();
		expect(signed.qs).toBeUndefined();
		expect(signed.body).toBeUndefined();
		expect(signed.headers?.Authorization).toMatch(/Signature=319fe8cde669b046c95a73d2d95ea80cbb69b51f648bb50ef557134212e6c1e4$/);
	});
});
