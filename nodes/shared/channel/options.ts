/**
 * The settings every channel node shows the same way: Campaign Tracking (UTM) and the sending
 * options (how long to retry, how many sends to remember, send again), with the reading side.
 */
import type { IDataObject, INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

import { providerCredentials, type ProviderInfo } from './description';

export const DEFAULT_HISTORY = 100_000;
export const DEFAULT_MAX_WAIT_SECONDS = 300;
export const DEFAULT_CONCURRENCY = 10;

export interface ChannelWords {
	/** What one send is called: "email", "message", "notification". */
	noun: string;
	/** Where the UTM tags go: "every link in the email". */
	linksIn: string;
	/** The UTM medium's default: "email", "sms", "push". */
	medium: string;
	/** Example sources and campaigns for the placeholders. */
	source: string;
	campaign?: string;
	/** A sentence added to the UTM description. */
	utmNote?: string;
	/** How a repeat is described: "the same email to the same contact". */
	same: string;
	/** Who a resend reaches: "contacts who already got this exact email". */
	already: string;
}

export function campaignTracking(words: ChannelWords, extra: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Campaign Tracking (UTM)',
		name: 'utm',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: `Added to ${words.linksIn} as utm_source, utm_medium, … so analytics and the Attribution node credit this campaign${words.utmNote ? `. ${words.utmNote}` : ''}`,
		options: [
			{ displayName: 'Campaign', name: 'campaign', type: 'string', default: '', placeholder: words.campaign ?? 'spring-sale' },
			{ displayName: 'Content', name: 'content', type: 'string', default: '', placeholder: 'variant-b', description: `Tells apart versions of the same ${words.noun}, such as A/B variants` },
			// The default is the channel's own medium (email, sms, push), not one literal.
			// eslint-disable-next-line n8n-nodes-base/node-param-default-missing
			{ displayName: 'Medium', name: 'medium', type: 'string', default: words.medium },
			{ displayName: 'Source', name: 'source', type: 'string', default: '', placeholder: words.source },
		],
		...extra,
	};
}

/** The shared sending options merged with a node's own, in the alphabetical order n8n shows. */
export function sendingOptions(words: ChannelWords, own: INodeProperties[] = []): INodeProperties[] {
	const shared: INodeProperties[] = [
		{
			displayName: 'Give Up After (Seconds)',
			name: 'maxRetryWait',
			type: 'number',
			default: DEFAULT_MAX_WAIT_SECONDS,
			typeOptions: { minValue: 0 },
			description: `How long to keep retrying a provider that is down or rate limiting before its ${words.noun}s fail, or go to the fallback provider`,
		},
		{
			displayName: 'Remember Sends',
			name: 'historySize',
			type: 'number',
			default: DEFAULT_HISTORY,
			typeOptions: { minValue: 1 },
			description: `How many sends this node remembers so it never sends ${words.same} twice. Set it above your list size.`,
		},
		{
			displayName: 'Send Again',
			name: 'sendAgain',
			type: 'boolean',
			default: false,
			description: `Whether to send even to ${words.already} from this node (a re-run normally skips them)`,
		},
	];
	return [...shared, ...own].sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/** The Options collection of a sending node: the shared sending options and the node's own. */
export function sendingOptionsCollection(words: ChannelWords, own: INodeProperties[] = []): INodeProperties {
	return { displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', default: {}, options: sendingOptions(words, own) };
}

/** "Requests at Once", for channels that send one request per message (SMS, Push). */
export function requestsAtOnce(description: string): INodeProperties {
	return {
		displayName: 'Requests at Once',
		name: 'concurrency',
		type: 'number',
		default: DEFAULT_CONCURRENCY,
		typeOptions: { minValue: 1, maxValue: 100 },
		description,
	};
}

/** The Requests at Once setting as a whole number of at least 1. */
export function requestsAtOnceSetting(options: IDataObject): number {
	return Math.max(1, Math.floor((options.concurrency as number | undefined) ?? DEFAULT_CONCURRENCY));
}

/** What the shared sending options mean for sendThroughChannel. */
export function sendingSettings(options: IDataObject): { sendAgain: boolean; historySize: number; maxWaitMs: number } {
	return {
		sendAgain: options.sendAgain === true,
		historySize: (options.historySize as number | undefined) ?? DEFAULT_HISTORY,
		maxWaitMs: ((options.maxRetryWait as number | undefined) ?? DEFAULT_MAX_WAIT_SECONDS) * 1000,
	};
}

/**
 * Send History: where the node remembers what it sent. n8n's own store is right while runs of the
 * node do not overlap; overlapping runs (queue mode, many signups at once) need Postgres.
 */
export const sendHistoryProperty: INodeProperties = {
	displayName: 'Send History',
	name: 'sendHistory',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'In N8n',
			value: 'n8n',
			description: 'The de-duplication store n8n has built in. Exact on one n8n; not across queue-mode workers.',
		},
		{
			name: 'In Postgres',
			value: 'postgres',
			description: 'A table in your Postgres (created on first use), exact however many runs and workers send at once. For queue mode.',
		},
	],
	default: 'n8n',
	description: 'Where this node remembers what it sent, so that a re-run never sends the same message twice',
};

/**
 * A channel node's credentials: one per provider, and n8n's own Postgres credential when the send
 * history is in Postgres (the same one as n8n's Postgres node and the Audience Guard's ledger:
 * queue-mode setups already have one).
 */
export function channelCredentials(providers: readonly ProviderInfo[]): INodeCredentialDescription[] {
	return [...providerCredentials(providers), { name: 'postgres', required: true, displayOptions: { show: { sendHistory: ['postgres'] } } }];
}
