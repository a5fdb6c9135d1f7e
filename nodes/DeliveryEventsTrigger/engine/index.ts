/** Every provider the Delivery Events Trigger understands, by the name its Provider setting uses. */
import { kit } from './providers/kit';
import { mailchimp } from './providers/mailchimp';
import { meta } from './providers/meta';
import { postmark } from './providers/postmark';
import { sendgrid } from './providers/sendgrid';
import { telnyx } from './providers/telnyx';
import { twilio } from './providers/twilio';
import type { ProviderAdapter, ProviderName } from './types';

export const PROVIDERS: Record<ProviderName, ProviderAdapter> = { sendgrid, twilio, telnyx, postmark, mailchimp, kit, meta };

export { DEFAULT_KIT_EVENT, KIT_EVENTS } from './providers/kit';
export { firstDeliveries, REMEMBERED_EVENTS } from './replay';
export { sameSecret } from './signatures';
export type { DeliveryEvent, DeliveryEventType, ProviderName, Verdict, WebhookRequest, WebhookSecrets } from './types';
