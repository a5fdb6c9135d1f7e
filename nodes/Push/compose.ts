/**
 * Reads the Push node's parameters into one notification per item. Title, text and link are read
 * raw (n8n would otherwise evaluate `{{ first_name }}` as an expression and fail) and compiled once
 * per execution; each item then only renders them. A push token (or topic, subscription ID,
 * External ID) being there is the recipient check: whether a device still has it only the push
 * service knows, and says so when sending.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { tagUrl, utmParameters, type Utm } from '../shared/channel/links';
import { compileTemplate, type MergeTemplate } from '../shared/channel/merge';
import type { RecipientCheck } from '../shared/channel/recipients';
import type { Draft } from '../shared/channel/send';
import { itemError } from '../shared/items';
import { shown } from '../shared/show';
import type { PushContent, PushTarget } from './content';

const MERGE_HELP =
	'Merge tags look like {{ first_name | "there" }} (the contact\'s field, then a fallback); n8n expressions like {{ $json.first_name }} work too.';

const TARGET_NAMES: Record<PushTarget, string> = {
	token: 'push token',
	topic: 'topic',
	subscription: 'OneSignal subscription ID',
	externalId: 'External ID',
};

/** The longest identifier accepted; Firebase registration tokens run to a few hundred characters. */
const MAX_ID_LENGTH = 4096;
// Firebase's documented topic name characters.
const TOPIC = /^[a-zA-Z0-9\-_.~%]{1,900}$/;

/** The recipient as the provider takes it, and the key that makes "the same recipient" for de-duplication. */
export function pushRecipient(target: PushTarget, raw: unknown): RecipientCheck {
	const name = TARGET_NAMES[target];
	const value = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
	if (!value) return { ok: false, reason: `no ${name}` };
	if (value.length > MAX_ID_LENGTH) return { ok: false, reason: `the ${name} is longer than ${MAX_ID_LENGTH} characters` };
	if (target === 'topic') {
		const topic = value.replace(/^\/topics\//, '');
		if (!TOPIC.test(topic)) return { ok: false, reason: `"${topic}" is not a topic name (letters, digits and - _ . ~ % only)` };
		return { ok: true, address: topic, key: `topic:${topic}` };
	}
	if (target !== 'externalId' && /\s/.test(value)) return { ok: false, reason: `the ${name} contains a space` };
	if (target === 'subscription') return { ok: true, address: value, key: `subscription:${value.toLowerCase()}` };
	return { ok: true, address: value, key: `${target}:${value}` };
}

/** Data keys Firebase keeps for itself. */
const RESERVED_KEY = /^(from|notification|message_type)$|^(google|gcm)/i;

export function pushDrafts(ctx: IExecuteFunctions, provider: 'fcm' | 'oneSignal'): (itemIndex: number) => Draft<PushContent> {
	const items = ctx.getInputData();
	const raw = (name: string) => String(ctx.getNodeParameter(name, 0, '', { rawExpressions: true }) ?? '').replace(/^=/, '');
	const sources = { title: raw('title'), body: raw('body'), link: raw('link') };
	if (!sources.body.trim()) {
		throw new NodeOperationError(ctx.getNode(), 'The notification has no text', { description: 'Write the Message that the notification shows. ' + MERGE_HELP });
	}
	const templates = {
		title: sources.title.trim() ? compileTemplate(sources.title) : undefined,
		body: compileTemplate(sources.body),
		link: sources.link.trim() ? compileTemplate(sources.link) : undefined,
	};
	const defaultTarget: PushTarget = provider === 'fcm' ? 'token' : 'subscription';

	return (i) => {
		const target = ctx.getNodeParameter('sendTo', i, defaultTarget) as PushTarget;
		const recipient = pushRecipient(target, ctx.getNodeParameter('to', i, '') as unknown);
		if (!recipient.ok) return { skip: `no one to send to: ${recipient.reason}` };

		const render = (field: string, template: MergeTemplate) => {
			try {
				return template.render(items[i].json, { evaluate: (code) => ctx.evaluateExpression(`{{ ${code} }}`, i) }).text.trim();
			} catch (error) {
				throw itemError(ctx, i, `the ${field} could not be filled in: ${(error as Error).message}`, MERGE_HELP);
			}
		};
		// One line each: a line break in a contact's value would not show on a lock screen anyway.
		const title = templates.title ? render('Title', templates.title).replace(/\s*[\r\n]+\s*/g, ' ') : '';
		const body = render('Message', templates.body);
		if (!body) return { skip: 'the notification is empty for this contact (its merge tags have no value and no fallback)' };

		let url: string | undefined;
		if (templates.link) {
			const link = render('Open URL', templates.link);
			if (link && !/^https?:\/\/\S+$/i.test(link)) {
				throw itemError(ctx, i, `the Open URL ${shown(link)} is not a web address`, 'Give a full address starting with https://, or leave Open URL empty.');
			}
			if (link) url = tagUrl(link, utmParameters(ctx.getNodeParameter('utm', i, {}) as Utm));
		}

		const data = pushData(ctx, i);
		if (provider === 'fcm') {
			const reserved = Object.keys(data).find((key) => RESERVED_KEY.test(key));
			if (reserved) throw itemError(ctx, i, `the Data key ${shown(reserved)} is reserved by Firebase`, 'Rename it: Firebase refuses the keys from, notification, message_type and any starting with google or gcm.');
		}
		const content: PushContent = { target, ...(title ? { title } : {}), body, ...(Object.keys(data).length ? { data } : {}), ...(url ? { url } : {}) };
		return {
			recipient: { address: recipient.address, key: recipient.key },
			content,
			fingerprint: { title, body, data, url: url ?? null },
		};
	};
}

function pushData(ctx: IExecuteFunctions, i: number): IDataObject {
	let data = ctx.getNodeParameter('data', i, {}) as unknown;
	if (typeof data === 'string') {
		try {
			data = data.trim() ? JSON.parse(data) : {};
		} catch (error) {
			throw itemError(ctx, i, `the Data is not valid JSON (${(error as Error).message})`, 'Give an object such as {"screen": "offers"}, or an expression such as {{ { orderId: $json.orderId } }}.');
		}
	}
	if (data === null || data === undefined) return {};
	if (typeof data !== 'object' || Array.isArray(data)) {
		throw itemError(ctx, i, 'the Data is not an object', 'Give an object such as {"screen": "offers"}, or an expression such as {{ { orderId: $json.orderId } }}.');
	}
	return data as IDataObject;
}
