/** The Provider parameter for channels without a fallback, and display rules for one provider's parameters. */
import { PUSH_CHOICE, PUSH_PROVIDERS } from '../../nodes/Push/providers';
import { providerOptions, providerProperty, whenProvider } from '../../nodes/shared/channel/description';
import { SMS_PROVIDERS } from '../../nodes/Sms/providers';

describe('channel description', () => {
	it('SMS offers each provider alone and with the other as fallback; Push offers no fallback', () => {
		expect(providerOptions(SMS_PROVIDERS).map((option) => option.value)).toEqual(['telnyx', 'telnyx>twilio', 'twilio', 'twilio>telnyx']);
		expect(providerOptions(PUSH_PROVIDERS, PUSH_CHOICE).map((option) => option.value)).toEqual(['fcm', 'oneSignal']);
		expect(providerProperty(PUSH_PROVIDERS, 'fcm', PUSH_CHOICE).description).toBe('Who sends the messages');
	});

	it('shows a provider’s own parameter whenever the choice names it, first or as fallback', () => {
		expect(whenProvider('telnyx')).toEqual({
			show: { provider: ['telnyx', { _cnd: { startsWith: 'telnyx>' } }, { _cnd: { endsWith: '>telnyx' } }] },
		});
	});
});
