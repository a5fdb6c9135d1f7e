/**
 * Mailchimp list webhooks: form-encoded (`type`, `fired_at`, `data[email]`, …), unsigned. The
 * secret travels in the URL you register (`?secret=…`) and is checked here.
 */
import { eventIdOf, formPairs, isoTime, lookup, missing, OK, reject, sameSecret, text } from '../signatures';
import type { DeliveryEventType, ProviderAdapter } from '../types';

const TYPES: Record<string, DeliveryEventType> = {
	unsubscribe: 'unsubscribed',
	// "cleaned" is Mailchimp removing an address that bounced or was reported as abuse.
	cleaned: 'bounced',
};

export const mailchimp: ProviderAdapter = {
	channel: 'email',
	verify(request, secrets) {
		if (!secrets.signingSecret) return missing('Signing Secret (the secret in your webhook URL)', 'Mailchimp');
		const given = request.query.secret;
		if (!given) return reject('the webhook URL has no ?secret= parameter');
		return sameSecret(given, secrets.signingSecret) ? OK : reject('the secret in the webhook URL is wrong');
	},
	normalise(request) {
		const fields = Object.fromEntries(formPairs(request.rawBody));
		const kind = fields.type ?? '';
		const reason = fields['data[reason]'];
		return [
			{
				provider: 'mailchimp',
				channel: 'email',
				type: kind === 'cleaned' && reason === 'abuse' ? 'complained' : (lookup(TYPES, kind) ?? 'other'),
				providerType: kind,
				// Mailchimp has no event id: the kind, time, address and list name the event.
				eventId: eventIdOf([kind, fields.fired_at, fields['data[email]'], fields['data[list_id]']], fields),
				messageId: text(fields['data[campaign_id]'] ?? fields['data[id]']),
				recipient: text(fields['data[email]']),
				// fired_at is "YYYY-MM-DD HH:MM:SS" in UTC.
				timestamp: isoTime(fields.fired_at ? `${fields.fired_at.replace(' ', 'T')}Z` : undefined),
				raw: fields,
			},
		];
	},
};
