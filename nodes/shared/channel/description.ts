/**
 * The Provider parameter and the credentials it shows, for any channel node. One parameter names
 * the provider and, optionally, a fallback ("SendGrid, Falling Back to Postmark"), because n8n
 * shows (and at run time only lends) a credential whose display rule matches, and display rules
 * cannot say "this parameter OR that one": a single value that names both providers can.
 */
import type { INodeCredentialDescription, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

export interface ProviderInfo {
	id: string;
	name: string;
	credentialType: string;
}

/** `sendGrid>postmark`: SendGrid, then Postmark for what SendGrid could not send. */
const SEPARATOR = '>';

export function parseProviderChoice(value: string): { primary: string; fallback?: string } {
	const [primary, fallback] = String(value).split(SEPARATOR);
	return fallback ? { primary, fallback } : { primary };
}

export interface ChoiceOptions {
	/**
	 * Offer each other provider as a fallback (default true). Off where providers do not share
	 * recipients: a Firebase registration token means nothing to OneSignal.
	 */
	fallback?: boolean;
}

/** Every provider alone, then with each other provider of the channel as fallback, sorted by name. */
export function providerOptions(providers: readonly ProviderInfo[], { fallback: withFallback = true }: ChoiceOptions = {}): INodePropertyOptions[] {
	const options: INodePropertyOptions[] = [];
	for (const primary of providers) {
		options.push({ name: primary.name, value: primary.id, description: `Send through ${primary.name}` });
		if (!withFallback) continue;
		for (const fallback of providers) {
			if (fallback === primary) continue;
			options.push({
				name: `${primary.name}, Falling Back to ${fallback.name}`,
				value: `${primary.id}${SEPARATOR}${fallback.id}`,
				description: `Send through ${primary.name}; what ${primary.name} cannot send after its retries (an outage, throttling) goes through ${fallback.name}`,
			});
		}
	}
	return options.sort((a, b) => a.name.localeCompare(b.name));
}

/** One credential per provider, shown when the Provider parameter names it as primary or fallback. */
export function providerCredentials(providers: readonly ProviderInfo[], parameter = 'provider'): INodeCredentialDescription[] {
	// n8n's type for credential display rules lists plain values only, but n8n evaluates them with
	// the same function as parameter rules, which understands `_cnd` conditions.
	return providers.map((provider) => ({
		name: provider.credentialType,
		// Optional: Simulate runs without any credential.
		required: false,
		displayOptions: {
			show: {
				[parameter]: [
					provider.id,
					{ _cnd: { startsWith: `${provider.id}${SEPARATOR}` } },
					{ _cnd: { endsWith: `${SEPARATOR}${provider.id}` } },
				],
			},
		},
	})) as unknown as INodeCredentialDescription[];
}

export function providerProperty(providers: readonly ProviderInfo[], defaultId: string, choice: ChoiceOptions = {}): INodeProperties {
	return {
		displayName: 'Provider',
		name: 'provider',
		type: 'options',
		noDataExpression: true,
		options: providerOptions(providers, choice),
		default: defaultId,
		description:
			choice.fallback === false
				? 'Who sends the messages'
				: 'Who sends the messages, and optionally who takes over when that provider is down',
	};
}

/**
 * Display rule for a parameter that only one provider reads (its sender, its options): shown when
 * the Provider parameter names that provider as primary or as fallback.
 */
export function whenProvider(id: string, parameter = 'provider'): NonNullable<INodeProperties['displayOptions']> {
	return {
		show: {
			[parameter]: [id, { _cnd: { startsWith: `${id}${SEPARATOR}` } }, { _cnd: { endsWith: `${SEPARATOR}${id}` } }],
		},
	};
}

/** The node's subtitle on the canvas: the provider choice by name, and whether it only simulates. */
export function providerSubtitle(providers: readonly ProviderInfo[], choice: ChoiceOptions = {}): string {
	const names = Object.fromEntries(providerOptions(providers, choice).map((option) => [option.value, option.name]));
	return `={{ ($parameter["simulate"] ? "Simulate: " : "") + (${JSON.stringify(names)}[$parameter["provider"]] || $parameter["provider"]) }}`;
}
