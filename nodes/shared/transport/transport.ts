/**
 * The one HTTP path to providers. It sends through n8n's `httpRequestWithAuthentication` (so n8n
 * applies and refreshes the credential, proxies and SSRF rules), but asks n8n to hand back every
 * answer whatever its status, so it can read status and headers and decide itself: retry 429, 5xx
 * and dropped connections on a back-off schedule within a budget, fail other 4xx at once, and put
 * the provider's own message (redacted) into the error.
 */
import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { apiError, parseProviderError, statusLine } from './errors';
import { createLimiter, mapConcurrent } from './limit';
import { paginate, type Pagination } from './paginate';
import { createRedactor, type Redactor } from './redact';
import { backoffMs, formatDuration, isRetryableStatus, serverWait, transientCode } from './retry';
import type { Clock, TransportContext, TransportOptions, TransportRequest, TransportResponse } from './types';
import { now } from '../clock';

export interface Transport {
	/** Sends one request, retrying as the provider allows; throws a NodeApiError when it cannot succeed. */
	request<T = unknown>(options: TransportRequest): Promise<TransportResponse<T>>;
	/** Every item of a paged list, reading pages one after another. */
	paginate<T>(options: TransportRequest, pagination: Pagination<T>): Promise<T[]>;
	/** `fn` over items with at most the transport's concurrency running; results in input order. */
	mapConcurrent<I, R>(items: readonly I[], fn: (item: I, index: number) => Promise<R>): Promise<R[]>;
}

const DEFAULTS = { concurrency: 5, maxWaitMs: 5 * 60_000, maxAttempts: 5 };

interface Answer {
	body: unknown;
	headers: Record<string, string>;
	statusCode: number;
}

function normaliseHeaders(headers: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	if (!headers || typeof headers !== 'object') return out;
	for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
		if (value === undefined || value === null) continue;
		out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
	}
	return out;
}

/** The HTTP answer inside an error n8n threw (only 401s do, when n8n may refresh the token). */
function answerInError(error: unknown): Answer | undefined {
	const seen = new Set<unknown>();
	for (let current = error; current && typeof current === 'object' && !seen.has(current); ) {
		seen.add(current);
		const response = (current as { response?: { status?: unknown; headers?: unknown; data?: unknown } }).response;
		if (response && typeof response.status === 'number') {
			return { statusCode: response.status, headers: normaliseHeaders(response.headers), body: response.data };
		}
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

const isAbsolute = (url: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(url);

const pathOf = (url: string) => (URL.canParse(url) ? new URL(url).pathname : url.split('?')[0]);

export function createTransport(ctx: TransportContext, options: TransportOptions): Transport {
	const { credentialType, defaultBaseUrl, provider = 'The provider', classify } = options;
	const concurrency = options.concurrency ?? DEFAULTS.concurrency;
	const maxWaitMs = options.maxWaitMs ?? DEFAULTS.maxWaitMs;
	const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULTS.maxAttempts);
	const clock: Required<Clock> = {
		now: options.clock?.now ?? now,
		// Aborts the wait when the execution is cancelled.
		sleep:
			options.clock?.sleep ??
			(async (ms) => await sleep(ms, 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined)),
		random: options.clock?.random ?? Math.random,
	};
	const limiter = createLimiter(concurrency);
	const node = ctx.getNode();

	// Read once per transport, when the first request needs them: a node in Simulate mode never does.
	let setup: Promise<{ baseUrl: string; redactor: Redactor; refreshOn401: boolean }> | undefined;
	const ready = async () =>
		(setup ??= (async () => {
			const credentials = await ctx.getCredentials<ICredentialDataDecryptedObject>(credentialType);
			const custom = typeof credentials.baseUrl === 'string' ? credentials.baseUrl.trim() : '';
			return {
				baseUrl: (custom || defaultBaseUrl).replace(/\/+$/, ''),
				redactor: createRedactor(credentials, options.publicCredentialFields),
				refreshOn401: options.refreshOn401 ?? credentials.oauthTokenData !== undefined,
			};
		})());

	const resolveUrl = async (url: string) => {
		if (isAbsolute(url)) return url;
		const { baseUrl } = await ready();
		return `${baseUrl}${url.startsWith('/') ? '' : '/'}${url}`;
	};

	/** One attempt: the provider's answer whatever its status, or why there was none. */
	const send = async (http: IHttpRequestOptions, refreshOn401: boolean, withoutCredential = false): Promise<Answer | { failed: unknown }> => {
		try {
			const options: IHttpRequestOptions = {
				json: true,
				...http,
				// Fresh copies: n8n adds the credential into these objects.
				headers: { ...http.headers },
				...(http.qs ? { qs: { ...http.qs } } : {}),
				returnFullResponse: true,
				// A 401 must throw inside n8n for n8n to refresh the token and send again.
				ignoreHttpStatusErrors: refreshOn401 && !withoutCredential ? { ignore: true, except: [401] } : true,
			};
			const raw = (
				withoutCredential
					? await ctx.helpers.httpRequest.call(ctx, options)
					: await ctx.helpers.httpRequestWithAuthentication.call(ctx, credentialType, options)
			) as { body: unknown; headers: unknown; statusCode: number };
			return { body: raw.body, headers: normaliseHeaders(raw.headers), statusCode: raw.statusCode };
		} catch (error) {
			return answerInError(error) ?? { failed: error };
		}
	};

	async function request<T>(options: TransportRequest): Promise<TransportResponse<T>> {
		const { redactor, refreshOn401 } = await ready();
		const { itemIndex, retryNetworkErrors = true, withoutCredential = false, ...http } = options;
		const url = await resolveUrl(http.url);
		const method = (http.method ?? 'GET').toUpperCase();
		const label = redactor.text(`${method} ${pathOf(url)}`);
		let waited = 0;

		for (let attempt = 1; ; attempt++) {
			const sent = await limiter.run(async () => await send({ ...http, url }, refreshOn401, withoutCredential));
			let answer: Answer | undefined;
			let failure: { code: string; error: unknown } | undefined;
			if ('failed' in sent) {
				const error = sent.failed;
				// n8n's own refusals (no credential set, blocked domain) are about the setup: pass them on.
				if (error instanceof NodeOperationError) throw error;
				const code = transientCode(error);
				if (!code || !retryNetworkErrors) throw connectionError(redactor, label, url, error, attempt, itemIndex);
				failure = { code, error };
			} else {
				answer = sent;
			}
			if (answer && answer.statusCode < 400) return { ...answer, body: answer.body as T, attempts: attempt };
			const verdict = answer ? classify?.(answer) : undefined;
			if (answer && !isRetryableStatus(answer.statusCode) && !verdict?.retry) throw httpError(redactor, label, answer, attempt, waited, itemIndex);

			// Worth another try, if the budget allows.
			const asked =
				verdict?.retry && verdict.waitMs !== undefined
					? { ms: verdict.waitMs, header: verdict.source ?? 'the provider' }
					: answer
						? serverWait(answer.statusCode, answer.headers, clock.now())
						: undefined;
			const remaining = maxWaitMs - waited;
			if (attempt >= maxAttempts || remaining <= 0) {
				if (answer) throw httpError(redactor, label, answer, attempt, waited, itemIndex);
				throw connectionError(redactor, label, url, failure?.error, attempt, itemIndex);
			}
			if (answer && asked && asked.ms > remaining) {
				const said = parseProviderError(answer.body, redactor).message;
				throw apiError(node, redactor, {
					message: `${provider} asked to wait ${formatDuration(asked.ms)} before trying again (${asked.header}), longer than this request may wait (${formatDuration(remaining)} left of ${formatDuration(maxWaitMs)})`,
					description: `${label} answered ${statusLine(answer.statusCode)}${said ? `: ${said}` : ''}. Try again later, or send fewer requests at once.`,
					httpCode: answer.statusCode,
					itemIndex,
					details: { httpCode: answer.statusCode, request: label, attempts: attempt, requestedWaitMs: asked.ms, maxWaitMs, body: answer.body },
				});
			}
			// The server's word is exact; our own guess gets jitter and is cut to what the budget has left.
			const wait = asked ? asked.ms : Math.min(backoffMs(attempt, clock.random()), remaining);
			ctx.logger?.debug(
				redactor.text(
					`${label} ${answer ? `answered ${answer.statusCode}` : `failed (${failure?.code})`}; attempt ${attempt + 1} of ${maxAttempts} in ${formatDuration(wait)}`,
				),
				{ node: node.name },
			);
			await clock.sleep(wait);
			waited += wait;
		}
	}

	function httpError(redactor: Redactor, label: string, answer: Answer, attempts: number, waited: number, itemIndex?: number) {
		const said = parseProviderError(answer.body, redactor);
		const retried = attempts > 1 ? ` after ${attempts} attempts` : '';
		const extra = [said.code && `code ${said.code}`, said.moreInfo].filter(Boolean).join(', ');
		return apiError(node, redactor, {
			message: `${said.message ?? `${provider} answered ${statusLine(answer.statusCode)}`}${retried ? ` (gave up${retried})` : ''}`,
			description:
				`${label} answered ${statusLine(answer.statusCode)}` +
				(extra ? ` (${extra})` : '') +
				(retried ? `; ${attempts} attempts over ${formatDuration(waited)} of waiting` : ''),
			httpCode: answer.statusCode,
			itemIndex,
			details: { httpCode: answer.statusCode, request: label, attempts, body: answer.body },
		});
	}

	function connectionError(redactor: Redactor, label: string, url: string, error: unknown, attempts: number, itemIndex?: number) {
		const code = transientCode(error) ?? (error as { code?: unknown })?.code;
		const host = URL.canParse(url) ? new URL(url).host : url;
		// n8n's message for the wrapped error is friendly ("The service refused the connection…"); the raw one may hold a URL.
		const reason = error instanceof Error ? error.message : String(error);
		const codeText = code ? ` (${String(code)})` : '';
		return apiError(node, redactor, {
			message: transientCode(error)
				? `Could not reach ${host}${codeText}${attempts > 1 ? ` after ${attempts} attempts` : ''}`
				: `The request to ${host} failed${codeText}`,
			description: `${label} failed: ${reason}`,
			itemIndex,
			details: { request: label, attempts, code: code === undefined ? null : String(code) },
		});
	}

	return {
		request,
		async paginate<T>(first: TransportRequest, pagination: Pagination<T>) {
			const { redactor } = await ready();
			const label = redactor.text(`${(first.method ?? 'GET').toUpperCase()} ${pathOf(first.url)}`);
			return await paginate(node, label, request, resolveUrl, first, pagination);
		},
		mapConcurrent: async (items, fn) => await mapConcurrent(items, concurrency, fn),
	};
}
