/**
 * The channel model: what every sending node (Email, SMS, Push) shares.
 *
 * Pure parts (no n8n import; unit-tested and benchmarked on their own):
 *   merge.ts       merge tags `{{ first_name | "there" }}`, compiled once, rendered per contact
 *   links.ts       UTM tagging of every web link
 *   text.ts        plain text from HTML
 *   recipients.ts  recipient validators (email address, E.164 phone number)
 *   keys.ts        content hash and idempotency key
 *   batch.ts       grouping messages that share content into batches of a provider's maximum
 *   sigv4.ts       AWS Signature Version 4, for providers on AWS (used by the SES credential)
 *   jwt.ts         RS256 JSON Web Tokens and Google service accounts (used by the Firebase credential)
 *   session.ts     a short-lived provider token kept for one execution (Firebase's access token)
 *   types.ts       Message, Provider (the adapter each provider implements), Delivery
 * n8n parts:
 *   send.ts        the runner: drafts → de-duplication → batches → transport → fallback → outputs
 *   description.ts the Provider parameter (with fallback) and its credentials
 */
export * from './types';
export { compileTemplate, escapeHtml, fill, lookup, type MergeTemplate, type Rendered, type RenderOptions, type Slot } from './merge';
export { tagHtmlLinks, tagTextLinks, tagUrl, utmParameters, type Utm } from './links';
export { htmlToText } from './text';
export { emailAddress, phoneNumber, type RecipientCheck, type RecipientValidator } from './recipients';
export { canonicalJson, contentHash, idempotencyKey } from './keys';
export { groupInBatches } from './batch';
export { CHANNEL_OUTPUT_NAMES, FAILED, SENT, SKIPPED, sendThroughChannel, type ChannelSend, type Draft } from './send';
export { parseProviderChoice, providerCredentials, providerOptions, providerProperty, providerSubtitle, whenProvider, type ChoiceOptions, type ProviderInfo } from './description';
export { grantCache } from './session';
export { campaignTracking, DEFAULT_CONCURRENCY, DEFAULT_HISTORY, DEFAULT_MAX_WAIT_SECONDS, requestsAtOnce, requestsAtOnceSetting, sendingOptions, sendingOptionsCollection, sendingSettings, type ChannelWords } from './options';
