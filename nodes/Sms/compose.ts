/**
 * Reads the SMS node's parameters into one message per item. The text is read raw (n8n would
 * otherwise evaluate `{{ first_name }}` as an expression and fail), its links tagged with UTM
 * parameters and compiled once per execution; each item then only renders it, and its segments
 * are counted for the result.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { tagTextLinks, utmParameters, type Utm } from '../shared/channel/links';
import { compileTemplate, type MergeTemplate } from '../shared/channel/merge';
import { phoneNumber } from '../shared/channel/recipients';
import type { Draft } from '../shared/channel/send';
import { itemError } from '../shared/items';
import type { SmsContent, SmsProviderId } from './content';
import { countSegments, type SegmentCount } from './segments';

/** Both providers refuse (or split badly) anything longer: Telnyx at 10 parts, Twilio at 1,600 characters. */
export const MAX_SEGMENTS = 10;

const MERGE_HELP =
	'Merge tags look like {{ first_name | "there" }} (the contact\'s field, then a fallback); n8n expressions like {{ $json.first_name }} work too.';

const NAMES: Record<SmsProviderId, string> = { twilio: 'Twilio', telnyx: 'Telnyx' };

const SENDER_KINDS: Record<SmsProviderId, string> = {
	twilio: 'a phone number in E.164 (+14155550123), a short code, an alphanumeric sender ID (up to 11 letters and digits) or a Messaging Service SID (MG…)',
	telnyx: 'a phone number in E.164 (+14155550123), a short code, an alphanumeric sender ID (up to 11 letters and digits) or a messaging profile ID',
};

/** A sender as the provider accepts it (numbers tidied), or why it cannot be one. */
export function senderCheck(provider: SmsProviderId, raw: unknown): { ok: true; sender: string } | { ok: false; reason: string } {
	const value = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
	if (!value) return { ok: false, reason: 'is empty' };
	if (provider === 'twilio' && /^MG[0-9a-fA-F]{32}$/.test(value)) return { ok: true, sender: value };
	if (provider === 'telnyx' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return { ok: true, sender: value.toLowerCase() };
	if (value.startsWith('+')) {
		const number = phoneNumber(value);
		return number.ok ? { ok: true, sender: number.address } : { ok: false, reason: number.reason.replace(/^"[^"]*" /, '') };
	}
	if (/^\d{3,8}$/.test(value)) return { ok: true, sender: value }; // short code
	if (/^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/.test(value)) return { ok: true, sender: value }; // alphanumeric sender ID
	return { ok: false, reason: `is not ${SENDER_KINDS[provider]}` };
}

/**
 * The per-item reader for `sendThroughChannel`. `providers` are the ones the Provider parameter
 * names (primary, then fallback): each needs its own sender. `counted` receives every rendered
 * text's segment count by item, for the node to add to the results.
 */
export function smsDrafts(ctx: IExecuteFunctions, providers: SmsProviderId[], counted: Map<number, SegmentCount>): (itemIndex: number) => Draft<SmsContent> {
	const items = ctx.getInputData();
	// The text as typed, whether n8n stores it as fixed text or as an expression (`=` first).
	const source = String(ctx.getNodeParameter('message', 0, '', { rawExpressions: true }) ?? '').replace(/^=/, '');
	if (!source.trim()) {
		throw new NodeOperationError(ctx.getNode(), 'The message is empty', { description: 'Write the text to send. ' + MERGE_HELP });
	}

	// Compiled once per distinct source: the UTM fields may differ per item, the text does not.
	const compiled = new Map<string, MergeTemplate>();
	const compile = (text: string) => {
		let template = compiled.get(text);
		if (!template) compiled.set(text, (template = compileTemplate(text)));
		return template;
	};

	return (i) => {
		const to = phoneNumber(ctx.getNodeParameter('to', i, '') as unknown);
		if (!to.ok) return { skip: `invalid phone number: ${to.reason}` };

		const from: SmsContent['from'] = {};
		for (const provider of providers) {
			const name = NAMES[provider];
			const check = senderCheck(provider, ctx.getNodeParameter(`${provider}From`, i, '') as unknown);
			if (!check.ok) {
				throw itemError(ctx, i, `the ${name} Sender ${check.reason}`, `Set "${name} Sender" to ${SENDER_KINDS[provider]} from your ${name} account.`);
			}
			from[provider] = check.sender;
		}

		const utm = utmParameters(ctx.getNodeParameter('utm', i, {}) as Utm);
		let text: string;
		try {
			text = compile(tagTextLinks(source, utm))
				.render(items[i].json, { evaluate: (code) => ctx.evaluateExpression(`{{ ${code} }}`, i) })
				.text.trim();
		} catch (error) {
			throw itemError(ctx, i, `the Message could not be filled in: ${(error as Error).message}`, MERGE_HELP);
		}
		if (!text) return { skip: 'the message is empty for this contact (its merge tags have no value and no fallback)' };
		const count = countSegments(text);
		counted.set(i, count);
		if (count.segments > MAX_SEGMENTS) {
			return {
				skip: `the message takes ${count.segments} segments (${count.characters} characters, ${count.encoding}); SMS providers take at most ${MAX_SEGMENTS}: shorten it${count.encoding === 'UCS-2' ? ` or replace ${count.unicodeCharacters.slice(0, 5).join(' ')} to send it as GSM-7` : ''}`,
			};
		}
		return { recipient: { address: to.address, key: to.key }, content: { text, from }, fingerprint: { text } };
	};
}
