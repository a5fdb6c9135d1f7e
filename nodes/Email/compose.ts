/**
 * Reads the Email node's parameters into one message per item. Subject and bodies are read raw
 * (n8n would otherwise evaluate `{{ first_name }}` as an expression and fail), tagged with UTM
 * parameters and compiled once per execution; each item then only renders them.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { utmParameters, tagHtmlLinks, tagTextLinks, type Utm } from '../shared/channel/links';
import { compileTemplate, escapeHtml, type MergeTemplate, type RenderOptions } from '../shared/channel/merge';
import { emailAddress } from '../shared/channel/recipients';
import type { Draft } from '../shared/channel/send';
import { htmlToText } from '../shared/channel/text';
import { itemError } from '../shared/items';
import type { EmailContent, Mailbox } from './content';

const MERGE_HELP =
	'Merge tags look like {{ first_name | "there" }} (the contact\'s field, then a fallback); n8n expressions like {{ $json.first_name }} work too.';

export function emailDrafts(ctx: IExecuteFunctions): (itemIndex: number) => Draft<EmailContent> {
	const items = ctx.getInputData();
	const mode = ctx.getNodeParameter('content', 0, 'message') as 'message' | 'template';
	// The text as typed, whether n8n stores it as fixed text or as an expression (`=` first).
	const raw = (name: string) => String(ctx.getNodeParameter(name, 0, '', { rawExpressions: true }) ?? '').replace(/^=/, '');
	const sources = mode === 'message' ? { subject: raw('subject'), html: raw('html'), text: raw('text') } : undefined;
	if (sources && !sources.subject.trim()) {
		throw new NodeOperationError(ctx.getNode(), 'The Subject is empty', { description: 'Write a subject line. ' + MERGE_HELP });
	}
	if (sources && !sources.html.trim() && !sources.text.trim()) {
		throw new NodeOperationError(ctx.getNode(), 'The email has no body', { description: 'Write the HTML Body, the Text Body, or both.' });
	}

	// Compiled once per distinct source: the UTM fields may differ per item, everything else does not.
	const compiled = new Map<string, MergeTemplate>();
	const compile = (source: string) => {
		let template = compiled.get(source);
		if (!template) compiled.set(source, (template = compileTemplate(source)));
		return template;
	};

	const FROM_FIX = 'Set "From Email" to an address verified with your email provider, e.g. news@yourbrand.com.';
	const mailbox = (i: number, field: string, emailParameter: string, name: string, fix: string): Mailbox | undefined => {
		const value = ctx.getNodeParameter(emailParameter, i, '') as unknown;
		if (value === '' || value === null || value === undefined) return undefined;
		const check = emailAddress(value);
		if (!check.ok) throw itemError(ctx, i, `the ${field} ${check.reason}`, fix);
		return name.trim() ? { email: check.address, name: name.trim() } : { email: check.address };
	};

	return (i) => {
		const contact = items[i].json;
		const to = emailAddress(ctx.getNodeParameter('to', i, '') as unknown);
		if (!to.ok) return { skip: `invalid email address: ${to.reason}` };

		const from = mailbox(i, 'From Email', 'fromEmail', String(ctx.getNodeParameter('fromName', i, '') ?? ''), FROM_FIX);
		if (!from) throw itemError(ctx, i, 'the From Email is empty', FROM_FIX);
		const replyTo = mailbox(i, 'Reply-To Email', 'options.replyTo', '', 'Set "Reply-To Email" (Options) to a full address, e.g. support@yourbrand.com, or remove it.');
		const toName = String(ctx.getNodeParameter('options.recipientName', i, '') ?? '').trim() || undefined;
		const envelope = { from, ...(replyTo ? { replyTo } : {}), ...(toName ? { toName } : {}) };
		const recipient = { address: to.address, key: to.key };

		if (!sources) {
			const templateId = String(ctx.getNodeParameter('templateId', i, '') ?? '').trim();
			if (!templateId) throw itemError(ctx, i, 'the Template ID is empty', 'Copy the template\'s ID (or alias) from your email provider into "Template ID".');
			const data = templateData(ctx, i);
			return { recipient, content: { kind: 'template', templateId, data, ...envelope }, fingerprint: { templateId, data, from, replyTo } };
		}

		const utm = utmParameters(ctx.getNodeParameter('utm', i, {}) as Utm);
		const html = sources.html.trim() ? compile(tagHtmlLinks(sources.html, utm)) : undefined;
		const text = compile(sources.text.trim() ? tagTextLinks(sources.text, utm) : htmlToText(tagHtmlLinks(sources.html, utm)));
		const render = (field: string, template: MergeTemplate, options: RenderOptions = {}) => {
			try {
				return template.render(contact, { ...options, evaluate: (code) => ctx.evaluateExpression(`{{ ${code} }}`, i) });
			} catch (error) {
				throw itemError(ctx, i, `the ${field} could not be filled in: ${(error as Error).message}`, MERGE_HELP);
			}
		};
		// A subject is one line: a value with a line break must not start a new mail header.
		const subject = render('Subject', compile(sources.subject)).text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
		if (!subject) return { skip: 'the subject is empty for this contact (its merge tags have no value and no fallback)' };
		const renderedHtml = html ? render('HTML Body', html, { escape: escapeHtml }) : undefined;
		const renderedText = render('Text Body', text);
		if (!renderedText.text.trim() && !renderedHtml?.text.trim()) {
			return { skip: 'the message is empty for this contact (its merge tags have no value and no fallback)' };
		}
		return {
			recipient,
			content: { kind: 'message', subject, ...(renderedHtml ? { html: renderedHtml } : {}), text: renderedText, ...envelope },
			fingerprint: { subject, html: renderedHtml?.text ?? null, text: renderedText.text, from, replyTo },
		};
	};
}

function templateData(ctx: IExecuteFunctions, i: number): IDataObject {
	let data = ctx.getNodeParameter('templateData', i, {}) as unknown;
	if (typeof data === 'string') {
		try {
			data = data.trim() ? JSON.parse(data) : {};
		} catch (error) {
			throw itemError(ctx, i, `the Template Data is not valid JSON (${(error as Error).message})`, 'Give an object such as {"first_name": "Ann"}, or an expression such as {{ $json }}.');
		}
	}
	if (data === null || typeof data !== 'object' || Array.isArray(data)) {
		throw itemError(ctx, i, 'the Template Data is not an object', 'Give an object such as {"first_name": "Ann"}, or an expression such as {{ $json }}.');
	}
	return data as IDataObject;
}
