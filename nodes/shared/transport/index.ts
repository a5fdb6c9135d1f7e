/**
 * The one transport every provider request goes through. A node creates one per execution:
 *
 *   const api = createTransport(this, { credentialType: 'sendGridApi', defaultBaseUrl: 'https://api.sendgrid.com', provider: 'SendGrid' });
 *   const { body } = await api.request({ method: 'POST', url: '/v3/mail/send', body: payload, itemIndex });
 *
 * No node calls `this.helpers.httpRequest*` itself.
 */
export { createTransport, type Transport } from './transport';
export { chunk, mapConcurrent, createLimiter, type Limiter } from './limit';
export { nextLink, type Pagination } from './paginate';
export { createRedactor, scrubUrl, HIDDEN, type Redactor } from './redact';
export { parseProviderError, type ProviderError } from './errors';
export { BACKOFF_SCHEDULE_MS, backoffMs, serverWait, formatDuration } from './retry';
export type { Clock, TransportContext, TransportOptions, TransportRequest, TransportResponse } from './types';
