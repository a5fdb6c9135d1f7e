/**
 * The SMS and Push credentials' test requests, run the way n8n's credential tester runs them: a
 * declarative node whose only property routes the test request, executed by n8n-core's
 * RoutingNode with the credential applied (base URL expression, authenticate, JWT signing).
 */
import { generateKeyPairSync } from 'node:crypto';

import { CampaignKitFirebaseApi } from '../../credentials/CampaignKitFirebaseApi.credentials';
import { CampaignKitOneSignalApi } from '../../credentials/CampaignKitOneSignalApi.credentials';
import { CampaignKitTelnyxApi } from '../../credentials/CampaignKitTelnyxApi.credentials';
import { CampaignKitTwilioApi } from '../../credentials/CampaignKitTwilioApi.credentials';
import { testCredential } from '../helpers/n8n';
import { FcmStandIn } from '../stand-ins/fcm';
import { OneSignalStandIn } from '../stand-ins/onesignal';
import { TelnyxStandIn } from '../stand-ins/telnyx';
import { TwilioStandIn } from '../stand-ins/twilio';

const ACCOUNT_SID = 'AC5ef8732a3c49700934481addd5ce1659';
const twilio = new TwilioStandIn({ accountSid: ACCOUNT_SID, authToken: 'credential-test-auth-token-01', apiKey: { sid: 'SKabcdefabcdefabcdefabcdefabcdefab', secret: 'credential-test-api-secret' } });
const telnyx = new TelnyxStandIn('KEY-credential-test-0123456789');
const oneSignal = new OneSignalStandIn({ appId: 'app-0000-1111', apiKey: 'os_v2_app_credential_test_key' });
const legacyOneSignal = new OneSignalStandIn({ appId: 'app-0000-1111', apiKey: 'legacy-rest-api-key-0123456789', legacy: true });
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const fcm = new FcmStandIn({ projectId: 'p-1', clientEmail: 'sa@p-1.iam.gserviceaccount.com', publicKey });

const servers = [twilio, telnyx, oneSignal, legacyOneSignal, fcm];
beforeAll(async () => {
	await Promise.all(servers.map((server) => server.start()));
});
afterAll(async () => {
	await Promise.all(servers.map((server) => server.stop()));
});
beforeEach(() => servers.forEach((server) => server.reset()));

describe('credential tests (as n8n’s credential tester runs them)', () => {
	it('Twilio: reads its own account, with the Auth Token or an API key', async () => {
		const ok = await testCredential(new CampaignKitTwilioApi(), { accountSid: ACCOUNT_SID, authType: 'authToken', authToken: 'credential-test-auth-token-01', baseUrl: twilio.url });
		expect(ok.error).toBeUndefined();
		expect(twilio.requests.map((request) => [request.method, request.path])).toEqual([['GET', `/2010-04-01/Accounts/${ACCOUNT_SID}.json`]]);
		const keyed = await testCredential(new CampaignKitTwilioApi(), { accountSid: ACCOUNT_SID, authType: 'apiKey', apiSid: 'SKabcdefabcdefabcdefabcdefabcdefab', apiKeySecret: 'credential-test-api-secret', baseUrl: twilio.url });
		expect(keyed.error).toBeUndefined();
		const wrong = await testCredential(new CampaignKitTwilioApi(), { accountSid: ACCOUNT_SID, authType: 'authToken', authToken: 'nope', baseUrl: twilio.url });
		expect(wrong.error).toBeDefined();
	});

	it('Telnyx: lists messaging profiles with the API key', async () => {
		const ok = await testCredential(new CampaignKitTelnyxApi(), { apiKey: 'KEY-credential-test-0123456789', baseUrl: telnyx.url });
		expect(ok.error).toBeUndefined();
		expect(telnyx.requests.map((request) => [request.method, request.path, request.query['page[size]']])).toEqual([['GET', '/v2/messaging_profiles', '1']]);
		expect((await testCredential(new CampaignKitTelnyxApi(), { apiKey: 'KEY-wrong', baseUrl: telnyx.url })).error).toBeDefined();
	});

	it('OneSignal: lists the app’s latest message, with a current (Key) or legacy (Basic) key', async () => {
		const ok = await testCredential(new CampaignKitOneSignalApi(), { appId: 'app-0000-1111', apiKey: 'os_v2_app_credential_test_key', keyType: 'key', baseUrl: oneSignal.url });
		expect(ok.error).toBeUndefined();
		expect(oneSignal.requests.map((request) => [request.path, request.query.app_id, request.headers.authorization])).toEqual([['/notifications', 'app-0000-1111', 'Key os_v2_app_credential_test_key']]);
		const legacy = await testCredential(new CampaignKitOneSignalApi(), { appId: 'app-0000-1111', apiKey: 'legacy-rest-api-key-0123456789', keyType: 'legacy', baseUrl: legacyOneSignal.url });
		expect(legacy.error).toBeUndefined();
		expect((await testCredential(new CampaignKitOneSignalApi(), { appId: 'other-app', apiKey: 'os_v2_app_credential_test_key', keyType: 'key', baseUrl: oneSignal.url })).error).toBeDefined();
	});

	it('Firebase: asks the token endpoint for an access token with a signed JWT, which proves the key', async () => {
		const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
		const fields = { format: 'fields', projectId: 'p-1', clientEmail: 'sa@p-1.iam.gserviceaccount.com', privateKey: pem.trim().split('\n').join('\\n'), oauthUrl: `${fcm.url}/token`, baseUrl: fcm.url };
		const ok = await testCredential(new CampaignKitFirebaseApi(), fields);
		expect(ok.error).toBeUndefined();
		expect(fcm.tokenRequests).toHaveLength(1);
		expect(fcm.assertions[0]).toMatchObject({ iss: 'sa@p-1.iam.gserviceaccount.com', scope: 'https://www.googleapis.com/auth/firebase.messaging' });
		const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
		const wrong = await testCredential(new CampaignKitFirebaseApi(), { ...fields, privateKey: other });
		expect(wrong.error).toBeDefined();
		expect(fcm.tokenRequests).toHaveLength(2);
	});
});
