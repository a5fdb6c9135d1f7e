/**
 * Turns a provider's refusal into the error a marketer reads: the provider's own words as the
 * message, the request (method and path, never the query) in the description, and only redacted
 * data in the JSON that n8n stores with the execution.
 */
import { STATUS_CODES } from 'node:http';

import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { Redactor } from './redact';

export interface ProviderError {
	/** The provider's explanation, e.g. SendGrid's `errors[].message` or Twilio's `message`. */
	message?: string;
	/** The provider's own error code (Twilio 21211, Meta 190, …). */
	code?: string;
	/** A link the provider gives for more help (Twilio's `more_info`). */
	moreInfo?: string;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown): string | undefined =>
	typeof value === 'string' && value.trim() ? value.trim() : undefined;

const MESSAGE_KEYS = ['error_description', 'message', 'Message', 'detail', 'details', 'title', 'error_message', 'errorMessage', 'msg'];

/** One entry of an `errors` array: SendGrid `{message, field}`, Telnyx `{title, detail}`, or a string. */
function entryMessage(entry: unknown): string | undefined {
	if (typeof entry === 'string') return text(entry);
	if (!isObject(entry)) return undefined;
	const message = text(entry.message) ?? text(entry.detail) ?? text(entry.title);
	const field = text(entry.field);
	return message && field ? `${message} (field: ${field})` : message;
}

function messageOf(body: unknown, depth = 0): string | undefined {
	if (typeof body === 'string') {
		const trimmed = body.trim();
		// A proxy's HTML error page says nothing a marketer can use; the status line says more.
		if (!trimmed || /^<(!doctype|html|\?xml)/i.test(trimmed)) return undefined;
		return trimmed.length > 500 ? `${trimmed.slice(0, 500)}…` : trimmed;
	}
	if (!isObject(body) || depth > 3) return undefined;
	if (Array.isArray(body.errors)) {
		const messages = body.errors.map(entryMessage).filter(Boolean);
		if (messages.length) return messages.join('; ');
	}
	if (isObject(body.error)) {
		const nested = messageOf(body.error, depth + 1);
		if (nested) return nested;
	}
	for (const key of MESSAGE_KEYS) {
		const found = text(body[key]);
		if (found) return found;
	}
	return text(body.error);
}

function codeOf(body: unknown): string | undefined {
	if (!isObject(body)) return undefined;
	const first = Array.isArray(body.errors) ? body.errors[0] : undefined;
	const candidates = [body.code, isObject(body.error) ? body.error.code : undefined, isObject(first) ? first.code : undefined, body.ErrorCode];
	const code = candidates.find((value) => typeof value === 'number' || text(value));
	return code === undefined ? undefined : String(code);
}

/**
 * What the provider said about a failure, from any of the error shapes providers use. With a
 * redactor, secrets are hidden before a long message is cut: a cut through a key would otherwise
 * leave its first characters in clear.
 */
export function parseProviderError(body: unknown, redactor?: Redactor): ProviderError {
	let parsed = body;
	if (typeof body === 'string' && /^\s*[{[]/.test(body)) {
		try {
			parsed = JSON.parse(body);
		} catch {
			// not JSON after all: keep the text
		}
	}
	if (Buffer.isBuffer(parsed)) parsed = parsed.toString('utf8');
	if (redactor) parsed = redactor.deep(parsed);
	const moreInfo = isObject(parsed) ? text(parsed.more_info) ?? text(parsed.moreInfo) : undefined;
	return { message: messageOf(parsed), code: codeOf(parsed), moreInfo };
}

export const statusLine = (status: number) => `HTTP ${status}${STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : ''}`;

export interface ApiErrorParts {
	message: string;
	description: string;
	httpCode?: number;
	itemIndex?: number;
	/** Goes into the error's stored JSON (`errorResponse`) after redaction. */
	details: Json;
}

/**
 * A NodeApiError that says exactly what we tell it. n8n's constructor would otherwise swap the
 * provider's message for its generic text per status code ("Bad request - please check your
 * parameters"), so the message is passed explicitly and set again afterwards.
 */
export function apiError(node: INode, redactor: Redactor, parts: ApiErrorParts): NodeApiError {
	const message = redactor.text(parts.message);
	const description = redactor.text(parts.description);
	const error = new NodeApiError(node, redactor.deep({ message, ...parts.details }) as JsonObject, {
		message,
		description,
		httpCode: parts.httpCode === undefined ? undefined : String(parts.httpCode),
		itemIndex: parts.itemIndex,
	});
	error.message = message;
	error.description = description;
	error.messages = [message];
	return error;
}
