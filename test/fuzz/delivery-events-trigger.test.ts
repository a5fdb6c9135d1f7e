/**
 * The Delivery Events Trigger with hostile provider bodies: Postmark (Basic auth), Mailchimp (URL
 * secret) and Meta (HMAC) through webhook() with a valid signature, so the body is read; SendGrid,
 * Twilio, Telnyx and Kit (signed with keys a test cannot cheaply make per run) through the engine's
 * normalise(), which is what webhook() runs on a verified body. Every request gets 200 with one item
 * per event, or a 4xx with a reason; never an exception, NaN, Infinity or secret.
 */
import { createHmac } from 'node:crypto';

import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { PROVIDERS, type ProviderName } from '../../nodes/DeliveryEventsTrigger/engine';
import { DeliveryEventsTrigger } from '../../nodes/DeliveryEventsTrigger/DeliveryEventsTrigger.node';
import { callWebhook } from '../helpers/webhook';
import { CONFIG, errorProblems, fuzz, leaks, longStrings, nonFinite, preview, printSummary, secretFragments, stopWatchdog, type CheckContext } from './harness';
import { allowDepth, hostileValue, item, plausible, toJson } from './hostile';

const SECRETS = { signingSecret: 'dlv-fz-signing-7Kq2Lm9Np4Rs6T', username: 'postmark-hook', password: 'dlv-fz-password-8Wx3Yz6Ab1' };
const fragments = secretFragments([SECRETS.signingSecret, SECRETS.password, Buffer.from(`${SECRETS.username}:${SECRETS.password}`).toString('base64')]);
const trigger = new DeliveryEventsTrigger();

// Bodies reach the trigger's code without n8n-core copying them first: nest them as deep as an attacker would.
allowDepth(10_000);

afterAll(async () => {
	printSummary();
	await stopWatchdog();
});

const v = hostileValue;
const recipient = () => fc.oneof(plausible.email(), plausible.phone());
const time = () => fc.oneof(plausible.date(), fc.integer({ min: 0, max: 9e15 }), fc.constantFrom('1714557600', 'abc'));

/** A body in the provider's shape (fields plausible, hostile or missing), or anything at all. */
const shaped: Record<ProviderName, fc.Arbitrary<unknown>> = {
	postmark: item({ RecordType: fc.constantFrom('Delivery', 'Bounce', 'SpamComplaint', 'Open', 'Click', 'SubscriptionChange'), MessageID: plausible.id(), Recipient: recipient(), DeliveredAt: time(), SuppressSending: fc.boolean() }),
	meta: fc
		.array(item({ id: plausible.id(), status: fc.constantFrom('sent', 'delivered', 'read', 'failed'), timestamp: time(), recipient_id: recipient() }), { maxLength: 4 })
		.map((statuses) => ({ object: 'whatsapp_business_account', entry: [{ changes: [{ value: { statuses } }] }] })),
	mailchimp: item({ type: fc.constantFrom('unsubscribe', 'cleaned', 'profile'), 'data[email]': recipient(), 'data[reason]': fc.constantFrom('abuse', 'hard'), fired_at: time() }),
	sendgrid: fc.array(item({ event: fc.constantFrom('delivered', 'open', 'bounce', 'dropped', 'deferred'), email: recipient(), timestamp: time(), sg_message_id: plausible.id() }), { maxLength: 4 }),
	twilio: item({ MessageStatus: fc.constantFrom('delivered', 'failed', 'sent'), MessageSid: plausible.id(), To: recipient(), Timestamp: time() }),
	telnyx: item({ event_type: fc.constantFrom('message.finalized', 'message.sent'), occurred_at: time(), payload: item({ id: plausible.id(), to: fc.array(item({ phone_number: plausible.phone(), status: fc.constantFrom('delivered', 'delivery_failed') }), { maxLength: 3 }) }) }).map((data) => ({ data })),
	kit: item({ subscriber: item({ email_address: recipient(), id: plausible.id(), state: fc.constantFrom('active', 'cancelled') }) }),
};

const FORM: ProviderName[] = ['mailchimp', 'twilio'];
const THROUGH_WEBHOOK: ProviderName[] = ['postmark', 'mailchimp', 'meta'];

const call = fc
	.constantFrom<ProviderName>('postmark', 'mailchimp', 'meta', 'sendgrid', 'twilio', 'telnyx', 'kit')
	.chain((provider) => fc.tuple(fc.constant(provider), fc.oneof({ weight: 4, arbitrary: shaped[provider] }, { weight: 1, arbitrary: v() })))
	.map(([provider, body]) => {
		// What arrives over HTTP: JSON text, or a form whose values are text.
		const raw = FORM.includes(provider)
			? new URLSearchParams(Object.entries(body && typeof body === 'object' ? body : { value: body }).map(([k, x]): [string, string] => [k, typeof x === 'string' ? x : toJson(x)])).toString()
			: toJson(body);
		return { provider, raw };
	});

async function problemsOf({ provider, raw }: { provider: ProviderName; raw: string }): Promise<string[]> {
	const context: CheckContext = { input: [], fragments, fieldNames: [], longInputs: longStrings([raw]).flatMap((s) => [s]), inputObjects: new Set() };
	const problems: string[] = [];
	const started = Date.now();
	let events: unknown[] = [];
	if (THROUGH_WEBHOOK.includes(provider)) {
		const headers: Record<string, string> = {};
		let url = 'https://automation.example.com/webhook/delivery-events';
		let query: IDataObject = {};
		if (provider === 'postmark') headers.authorization = `Basic ${Buffer.from(`${SECRETS.username}:${SECRETS.password}`).toString('base64')}`;
		if (provider === 'meta') headers['x-hub-signature-256'] = `sha256=${createHmac('sha256', SECRETS.signingSecret).update(raw).digest('hex')}`;
		if (provider === 'mailchimp') {
			query = { secret: SECRETS.signingSecret };
			url += `?secret=${SECRETS.signingSecret}`;
		}
		let body: unknown = raw;
		try {
			body = FORM.includes(provider) ? Object.fromEntries(new URLSearchParams(raw)) : JSON.parse(raw);
		} catch {}
		let answer;
		try {
			answer = await callWebhook(trigger, { parameters: { provider }, body, rawBody: raw, headers, query, url, credentials: { campaignKitWebhookSecretsApi: SECRETS } });
		} catch (error) {
			return [`webhook() threw (n8n answers 500, the events are lost): ${preview((error as Error).message, 300)}`];
		}
		const { status, sent, result } = answer;
		problems.push(...nonFinite('the answer', sent, undefined, new Set()), ...leaks('the answer', sent, fragments));
		if (status === 200) {
			events = (result.workflowData?.[0] ?? []).map((out) => out.json);
			if ((sent as IDataObject).received !== events.length) problems.push(`the answer says ${(sent as IDataObject).received} received; ${events.length} items started the workflow`);
		} else if (status === 400) problems.push(...errorProblems('the 400 answer', (sent as IDataObject).reason, '', context, false));
		else problems.push(`answered ${status} to a correctly signed request: ${preview(sent, 300)}`);
	} else {
		const request = { method: 'POST', url: 'https://automation.example.com/webhook/delivery-events', headers: {}, rawBody: Buffer.from(raw), query: provider === 'kit' ? { event: 'subscriber.subscriber_unsubscribe' } : {} };
		try {
			events = PROVIDERS[provider].normalise(request, provider === 'kit' ? { eventType: 'subscriber.subscriber_unsubscribe' } : {});
		} catch (error) {
			// webhook() answers this 400 with the message as the reason.
			problems.push(...errorProblems(`${provider} normalise() (answered 400)`, (error as Error).message, '', context, false));
		}
	}
	if (Date.now() - started > CONFIG.runMs) problems.push(`the run took ${Date.now() - started} ms (bound ${CONFIG.runMs} ms)`);
	events.forEach((event, i) => problems.push(...nonFinite(`${provider} event ${i}`, event, undefined, new Set()), ...leaks(`${provider} event ${i}`, event, fragments)));
	return [...new Set(problems)];
}

describe('Delivery Events Trigger with hostile provider bodies', () => {
	it('one item per event with a 200, or a 4xx with a reason; never an exception, NaN, Infinity or secret', async () => {
		await fuzz('deliveryEventsTrigger', 1, call, problemsOf, ({ provider, raw }) => `${provider} body (${raw.length} bytes): ${raw.length > 1500 ? `${raw.slice(0, 1500)}…` : raw}`, () => 1);
	});
});
