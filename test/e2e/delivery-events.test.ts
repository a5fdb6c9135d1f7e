/**
 * Delivery Events Trigger in a real n8n: providers' signed callbacks start the workflow with one
 * normalised item per event; a tampered or stale one gets 401 and starts nothing.
 */
import { createHmac, generateKeyPairSync, randomUUID, sign } from 'node:crypto';

import { Ecdsa, PrivateKey } from 'starkbank-ecdsa';
import twilioLib from 'twilio';

import { createCredential, deploy, executions, PREFIX, waitForExecutions } from './n8n';

const SECRETS = 'campaignKitWebhookSecretsApi';

async function deployTrigger(provider: string, secrets: Record<string, string>) {
	const webhookId = randomUUID();
	const credential = await createCredential(SECRETS, secrets);
	const workflow = await deploy({
		name: `e2e: delivery events (${provider}) ${webhookId.slice(0, 8)}`,
		nodes: [
			{
				name: 'Delivery Events',
				type: `${PREFIX}.deliveryEventsTrigger`,
				typeVersion: 1,
				webhookId,
				parameters: { provider },
				credentials: { [SECRETS]: credential },
			},
		],
		connections: {},
	});
	return { workflow, path: `${webhookId}/delivery-events` };
}

const emitted = (execution: Awaited<ReturnType<typeof executions>>[number]) =>
	execution.data!.resultData.runData['Delivery Events'][0].data!.main[0].map((item) => item.json);

describe('Delivery Events Trigger in a real n8n', () => {
	it('SendGrid: a signed batch becomes one item per event; a flipped byte answers 401 and runs nothing', async () => {
		const privateKey = new PrivateKey();
		const publicKey = privateKey.publicKey().toPem().replace(/-----[^-]+-----/g, '').replace(/\s/g, '');
		const { workflow, path } = await deployTrigger('sendgrid', { publicKey });
		try {
			const body = JSON.stringify([
				{ email: 'ana@example.com', timestamp: 1795341600, event: 'delivered', sg_message_id: 'msg-1.f1' },
				{ email: 'ana@example.com', timestamp: 1795341660, event: 'click', sg_message_id: 'msg-1.f2', url: 'https://example.com' },
				{ email: 'bo@example.com', timestamp: 1795341700, event: 'spamreport', sg_message_id: 'msg-2.f1' },
			]);
			const timestamp = String(Math.floor(Date.now() / 1000));
			const headers = {
				'X-Twilio-Email-Event-Webhook-Signature': Ecdsa.sign(timestamp + body, privateKey).toBase64(),
				'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
			};
			const ok = await workflow.post(path, undefined, { headers, raw: body });
			expect(ok).toEqual({ status: 200, body: { received: 3 } });

			const tampered = body.replace('bo@example.com', 'bo@exbmple.com');
			const refused = await workflow.post(path, undefined, { headers, raw: tampered });
			expect(refused.status).toBe(401);
			expect(refused.body).toEqual({ error: 'Unauthorized', reason: 'the SendGrid signature does not match the body' });

			const runs = await waitForExecutions(workflow.id, 1);
			await new Promise((resolve) => setTimeout(resolve, 1000)); // a wrongly started run would show by now
			expect(await executions(workflow.id)).toHaveLength(1);
			expect(emitted(runs[0]).map((e) => [e.type, e.messageId, e.recipient, e.channel, e.provider])).toEqual([
				['delivered', 'msg-1', 'ana@example.com', 'email', 'sendgrid'],
				['clicked', 'msg-1', 'ana@example.com', 'email', 'sendgrid'],
				['complained', 'msg-2', 'bo@example.com', 'email', 'sendgrid'],
			]);
		} finally {
			await workflow.stop();
		}
	});

	it('Twilio: a status callback signed by Twilio’s library over the URL n8n serves is accepted', async () => {
		const authToken = 'e2e-twilio-auth-token-0123456789';
		const { workflow, path } = await deployTrigger('twilio', { signingSecret: authToken });
		try {
			// n8n's own idea of its webhook URL (N8N_HOST defaults to localhost), which Twilio would have called.
			const url = `${process.env.CK_N8N_URL!.replace('127.0.0.1', 'localhost')}/webhook/${path}`;
			const params = { MessageSid: 'SM42', MessageStatus: 'undelivered', To: '+15551234567', ErrorCode: '30003' };
			const form = new URLSearchParams(params).toString();
			const headers = {
				'Content-Type': 'application/x-www-form-urlencoded',
				'X-Twilio-Signature': twilioLib.getExpectedTwilioSignature(authToken, url, params),
			};
			expect(await workflow.post(path, undefined, { headers, raw: form })).toEqual({ status: 200, body: { received: 1 } });
			const wrong = { ...headers, 'X-Twilio-Signature': twilioLib.getExpectedTwilioSignature('not-the-token-000000', url, params) };
			expect((await workflow.post(path, undefined, { headers: wrong, raw: form })).status).toBe(401);
			const [run] = await waitForExecutions(workflow.id, 1);
			expect(emitted(run)).toEqual([expect.objectContaining({ type: 'failed', messageId: 'SM42', recipient: '+15551234567', channel: 'sms' })]);
			// The same signed callback again (Twilio signs no time): 200, and nothing starts.
			expect(await workflow.post(path, undefined, { headers, raw: form })).toEqual({ status: 200, body: { received: 1, replayed: 1 } });
			await new Promise((resolve) => setTimeout(resolve, 1000)); // a wrongly started run would show by now
			expect(await executions(workflow.id)).toHaveLength(1);
		} finally {
			await workflow.stop();
		}
	});

	it('Telnyx and Kit: signed events accepted; a timestamp older than 5 minutes answers 401', async () => {
		const { publicKey, privateKey } = generateKeyPairSync('ed25519');
		const telnyxKey = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64');
		const telnyx = await deployTrigger('telnyx', { publicKey: telnyxKey });
		const kitSecret = 'e2e-kit-secret-abcdef';
		const kit = await deployTrigger('kit', { signingSecret: kitSecret });
		try {
			const body = JSON.stringify({ data: { event_type: 'message.sent', occurred_at: new Date().toISOString(), payload: { id: 'tx-1', to: [{ phone_number: '+15550001111' }] } } });
			const telnyxHeaders = (t: number) => ({
				'Telnyx-Timestamp': String(t),
				'Telnyx-Signature-Ed25519': sign(null, Buffer.from(`${t}|${body}`), privateKey).toString('base64'),
			});
			const now = Math.floor(Date.now() / 1000);
			expect(await telnyx.workflow.post(telnyx.path, undefined, { headers: telnyxHeaders(now), raw: body })).toEqual({ status: 200, body: { received: 1 } });
			const stale = await telnyx.workflow.post(telnyx.path, undefined, { headers: telnyxHeaders(now - 301), raw: body });
			expect(stale.status).toBe(401);

			const kitBody = JSON.stringify({ subscriber: { id: 9, email_address: 'gus@example.com' } });
			const kitHeader = (t: number) => ({ 'X-Kit-Signature': `t=${t},v1=${createHmac('sha256', kitSecret).update(`${t}.${kitBody}`).digest('hex')}` });
			const kitPath = `${kit.path}?event=subscriber.subscriber_unsubscribe`;
			expect(await kit.workflow.post(kitPath, undefined, { headers: kitHeader(now), raw: kitBody })).toEqual({ status: 200, body: { received: 1 } });
			// The same signed request with another event in the URL, which Kit does not sign: refused.
			const asClick = await kit.workflow.post(`${kit.path}?event=subscriber.link_click`, undefined, { headers: kitHeader(now), raw: kitBody });
			expect(asClick.status).toBe(401);
			expect((await kit.workflow.post(kitPath, undefined, { headers: kitHeader(now - 400), raw: kitBody })).status).toBe(401);

			const [telnyxRun] = await waitForExecutions(telnyx.workflow.id, 1);
			expect(emitted(telnyxRun)).toEqual([expect.objectContaining({ provider: 'telnyx', type: 'sent', messageId: 'tx-1' })]);
			const [kitRun] = await waitForExecutions(kit.workflow.id, 1);
			expect(emitted(kitRun)).toEqual([expect.objectContaining({ provider: 'kit', type: 'unsubscribed', recipient: 'gus@example.com' })]);
			expect(await executions(telnyx.workflow.id)).toHaveLength(1);
			expect(await executions(kit.workflow.id)).toHaveLength(1);
		} finally {
			await telnyx.workflow.stop();
			await kit.workflow.stop();
		}
	});
});
