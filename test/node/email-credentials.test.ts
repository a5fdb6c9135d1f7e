/**
 * Each email credential's test request, run the way n8n's credential tester runs it: a
 * declarative node whose only property routes the test request, executed by n8n-core's
 * RoutingNode with the credential applied (base URL expression, authenticate, signing).
 */

import { CampaignKitAmazonSesApi } from '../../credentials/CampaignKitAmazonSesApi.credentials';
import { CampaignKitPostmarkApi } from '../../credentials/CampaignKitPostmarkApi.credentials';
import { CampaignKitSendGridApi } from '../../credentials/CampaignKitSendGridApi.credentials';
import { testCredential } from '../helpers/n8n';
import { PostmarkStandIn } from '../stand-ins/postmark';
import { SendGridStandIn } from '../stand-ins/sendgrid';
import { SesStandIn } from '../stand-ins/ses';

const AWS = { accessKeyId: 'AKIAEXAMPLE7QRSTUVWX', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYzEXAMPLEKEY', region: 'eu-west-1' };
const sendGrid = new SendGridStandIn('SG.credential-test.key-0123456789');
const postmark = new PostmarkStandIn('pm-credential-test-token-0123');
const ses = new SesStandIn(AWS);

beforeAll(async () => {
	await Promise.all([sendGrid.start(), postmark.start(), ses.start()]);
});
afterAll(async () => {
	await Promise.all([sendGrid.stop(), postmark.stop(), ses.stop()]);
});

describe('credential tests (as n8n’s credential tester runs them)', () => {
	it('SendGrid: GET /v3/scopes with the API key, at the base URL', async () => {
		const ok = await testCredential(new CampaignKitSendGridApi(), { apiKey: 'SG.credential-test.key-0123456789', baseUrl: sendGrid.url });
		expect(ok.error).toBeUndefined();
		expect(sendGrid.requests.map((request) => [request.method, request.path])).toEqual([['GET', '/v3/scopes']]);
		const wrong = await testCredential(new CampaignKitSendGridApi(), { apiKey: 'SG.wrong', baseUrl: sendGrid.url });
		expect(wrong.error?.message).toMatch(/authoriz|401/i);
	});

	it('Postmark: GET /server with the server token', async () => {
		const ok = await testCredential(new CampaignKitPostmarkApi(), { serverToken: 'pm-credential-test-token-0123', baseUrl: postmark.url });
		expect(ok.error).toBeUndefined();
		expect(postmark.requests.map((request) => [request.method, request.path, request.headers['x-postmark-server-token']])).toEqual([['GET', '/server', 'pm-credential-test-token-0123']]);
		const wrong = await testCredential(new CampaignKitPostmarkApi(), { serverToken: 'nope', baseUrl: postmark.url });
		expect(wrong.error).toBeDefined();
	});

	it('Amazon SES: GET /v2/email/account, signed', async () => {
		const ok = await testCredential(new CampaignKitAmazonSesApi(), { ...AWS, sessionToken: '', baseUrl: ses.url });
		expect(ok.error).toBeUndefined();
		expect(ses.requests.map((request) => [request.method, request.path])).toEqual([['GET', '/v2/email/account']]);
		expect(ses.requests[0].headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE7QRSTUVWX\/\d{8}\/eu-west-1\/ses\/aws4_request/);
		const wrong = await testCredential(new CampaignKitAmazonSesApi(), { ...AWS, secretAccessKey: 'wrong-secret-key-0000000000', sessionToken: '', baseUrl: ses.url });
		expect(wrong.error).toBeDefined();
	});
});
