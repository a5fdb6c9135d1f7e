/** Every provider the Delivery Events Trigger understands, by the name its Provider setting uses. */
import { jsonTooDeep, MAX_DEPTH } from '../../shared/limits';
import { kit } from './providers/kit';
import { mailchimp } from './providers/mailchimp';
import { meta } from './providers/meta';
import { postmark } from './providers/postmark';
import { sendgrid } from './providers/sendgrid';
import { telnyx } from './providers/telnyx';
import { twilio } from './providers/twilio';
import type { ProviderAdapter, ProviderName } from './types';

/** Every adapter reads a body only once its nesting is known to be within MAX_DEPTH: deeper would overflow a recursive step. */
function depthChecked(adapter: ProviderAdapter): ProviderAdapter {
	return {
		...adapter,
		normalise(request, settings) {
			if (jsonTooDeep(request.rawBody.toString('utf8'))) throw new Error(`it nests objects and lists more than ${MAX_DEPTH} levels deep`);
			return adapter.normalise(request, settings);
		},
	};
}

export const PROVIDERS: Record<ProviderName, ProviderAdapter> = Object.fromEntries(
	Object.entries({ sendgrid, twilio, telnyx, postmark, mailchimp, kit, meta }).map(([name, adapter]) => [name, depthChecked(adapter)]),
) as Record<ProviderName, ProviderAdapter>;

export { DEFAULT_KIT_EVENT, KIT_EVENTS } from './providers/kit';
export { firstDeliveries, REMEMBERED_EVENTS } from './replay';
export { sameSecret } from './signatures';
export type { DeliveryEvent, DeliveryEventType, ProviderName, Verdict, WebhookRequest, WebhookSecrets } from './types';
