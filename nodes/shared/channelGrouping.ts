/**
 * Marketing channels: the names every Campaign Kit node and template uses, and the default
 * channel grouping that turns UTM tags, click IDs and referrers into one of them.
 *
 * The default table follows Google Analytics 4's default channel group (first matching rule wins,
 * values compared case-insensitively), reduced to the channels a marketing-automation stack
 * reports on. Plain TypeScript with no n8n import: the Marketing Event Trigger, the Attribution
 * node and the templates share it.
 */
import { linearPattern, type LinearPattern } from './patterns';

export const CHANNELS = {
	paidSearch: 'Paid Search',
	organicSearch: 'Organic Search',
	paidSocial: 'Paid Social',
	organicSocial: 'Organic Social',
	email: 'Email',
	sms: 'SMS',
	push: 'Push',
	referral: 'Referral',
	direct: 'Direct',
	affiliate: 'Affiliate',
	display: 'Display',
	/** Tagged traffic that no rule recognises (GA4 calls it "Unassigned"). */
	other: 'Other',
} as const;

export type ChannelName = (typeof CHANNELS)[keyof typeof CHANNELS];

/** Search engines, as a host label (google in www.google.co.uk) or a utm_source value. */
export const SEARCH_SOURCES = [
	'google',
	'bing',
	'yahoo',
	'duckduckgo',
	'baidu',
	'yandex',
	'ecosia',
	'naver',
	'seznam',
	'startpage',
	'qwant',
	'ask',
	'aol',
	'brave',
];

/** Social networks, as a host label or a utm_source value; short hosts are matched whole. */
export const SOCIAL_SOURCES = [
	'facebook',
	'fb',
	'instagram',
	'ig',
	'meta',
	'linkedin',
	'twitter',
	'x',
	'tiktok',
	'pinterest',
	'reddit',
	'youtube',
	'snapchat',
	'threads',
	'whatsapp',
	'messenger',
	'vk',
	'weibo',
	'tumblr',
	'quora',
	'discord',
	'telegram',
	'mastodon',
	'bluesky',
];
const SOCIAL_HOSTS = ['t.co', 'x.com', 'lnkd.in', 'fb.com', 'fb.me', 'm.me', 'ig.me', 'youtu.be', 'pin.it', 'redd.it', 'bsky.app'];

/** The parts of an event a channel rule looks at, all optional. */
export interface TrafficSource {
	/** utm_source */
	source?: string | null;
	/** utm_medium */
	medium?: string | null;
	/** utm_campaign */
	campaign?: string | null;
	/** The referring page's URL (or host). */
	referrer?: string | null;
	/** The landing page's URL: its utm_* parameters and click IDs are read when the tags are absent. */
	pageUrl?: string | null;
}

/**
 * One row of a channel-grouping table. Each given pattern must match its value; a rule with no
 * pattern never matches. Patterns are regular expressions matched against the whole value,
 * case-insensitively ("cpc|ppc" matches "CPC" but not "cpc-brand").
 */
export interface ChannelRule {
	channel: string;
	source?: string;
	medium?: string;
	campaign?: string;
	/** Matched against the referrer's host name, e.g. "(.*\\.)?partner\\.com". */
	referrer?: string;
}

/** How a channel was decided, for the event's record. */
export type ChannelBasis = 'rule' | 'utm' | 'clickId' | 'referrer' | 'none';

export interface ChannelDecision {
	channel: string;
	basis: ChannelBasis;
	source: string | null;
	medium: string | null;
	campaign: string | null;
}

const PAID_MEDIUM = /^(.*cp.*|ppc|retargeting|paid.*)$/;
const SOCIAL_MEDIUM = /^(social|social[-_ ]network|social[-_ ]media|sm)$/;
const EMAIL_VALUE = /^(email|e[-_ ]mail|newsletter)$/;
const DISPLAY_MEDIUM = /^(display|banner|expandable|interstitial|cpm)$/;
const PUSH_MEDIUM = /(push$|mobile|notification)/;
const NONE_MEDIUM = /^(|\(none\)|\(not set\)|none)$/;

/** Click IDs ad platforms append to landing pages, and the channel each implies. */
const CLICK_IDS: Array<[parameter: string, channel: string, source: string]> = [
	['gclid', CHANNELS.paidSearch, 'google'],
	['gbraid', CHANNELS.paidSearch, 'google'],
	['wbraid', CHANNELS.paidSearch, 'google'],
	['msclkid', CHANNELS.paidSearch, 'bing'],
	['dclid', CHANNELS.display, 'google'],
];

const clean = (value: string | null | undefined): string => (typeof value === 'string' ? value.trim().toLowerCase() : '');

/** The host of a URL or bare host name, lower case, without "www."; '' when there is none. */
export function hostOf(urlOrHost: string | null | undefined): string {
	const text = clean(urlOrHost);
	if (!text) return '';
	const match = /^(?:[a-z][a-z0-9+.-]*:)?\/\/([^/?#:@]*@)?([^/?#:]+)/.exec(text) ?? /^([^/?#:@]*@)?([^/?#:\s]+)/.exec(text);
	const host = match?.[2] ?? '';
	return host.startsWith('www.') ? host.slice(4) : host;
}

/** Whether a utm_source value or a host belongs to a list (by label: google in news.google.de). */
function inList(value: string, names: readonly string[], wholeHosts: readonly string[] = []): boolean {
	if (!value) return false;
	if (wholeHosts.includes(value)) return true;
	if (!value.includes('.')) return names.includes(value);
	// Any label but the top-level domain: google in news.google.co.uk. A short name (x, fb, vk) counts
	// only as the domain name itself (x.com, vk.com), never as a subdomain (ig.example.com).
	const labels = value.split('.');
	const last = labels.length - 1;
	for (let i = 0; i < last; i++) {
		if (names.includes(labels[i]) && (labels[i].length > 2 || i === last - 1)) return true;
	}
	return false;
}

export const isSearchSource = (value: string) => inList(value, SEARCH_SOURCES);
export const isSocialSource = (value: string) => inList(value, SOCIAL_SOURCES, SOCIAL_HOSTS);

/**
 * The default grouping of tagged traffic (UTM source / medium), GA4's order: the first rule that
 * matches decides. Returns undefined when no rule applies.
 */
export function defaultChannelForTags(source: string, medium: string): string | undefined {
	if ((source === '(direct)' || source === 'direct') && NONE_MEDIUM.test(medium)) return CHANNELS.direct;
	if (medium === 'affiliate' || medium === 'affiliates') return CHANNELS.affiliate;
	if (DISPLAY_MEDIUM.test(medium)) return CHANNELS.display;
	const paid = PAID_MEDIUM.test(medium);
	if (/^paid[-_ ]?social$/.test(medium) || (paid && isSocialSource(source))) return CHANNELS.paidSocial;
	if (/^(cpc|ppc|paid[-_ ]?search|sem)$/.test(medium) || (paid && isSearchSource(source))) return CHANNELS.paidSearch;
	if (SOCIAL_MEDIUM.test(medium) || isSocialSource(source)) return CHANNELS.organicSocial;
	if (medium === 'organic' || isSearchSource(source)) return CHANNELS.organicSearch;
	if (EMAIL_VALUE.test(medium) || EMAIL_VALUE.test(source)) return CHANNELS.email;
	if (medium === 'sms' || source === 'sms') return CHANNELS.sms;
	if (PUSH_MEDIUM.test(medium) || source === 'firebase') return CHANNELS.push;
	if (medium === 'referral' || medium === 'app' || medium === 'link') return CHANNELS.referral;
	return undefined;
}

/** A compiled channel rule: its patterns as case-insensitive whole-value regular expressions (linear-time engine). */
export interface CompiledRule {
	channel: string;
	patterns: Array<[field: 'source' | 'medium' | 'campaign' | 'referrer', pattern: LinearPattern]>;
}

/** Thrown for a rule whose pattern is not a valid regular expression, or one the linear-time engine cannot run. */
export class ChannelRuleError extends Error {
	constructor(
		message: string,
		readonly ruleIndex: number,
	) {
		super(message);
		this.name = 'ChannelRuleError';
	}
}

export function compileRules(rules: readonly ChannelRule[]): CompiledRule[] {
	return rules.map((rule, index) => {
		const channel = String(rule.channel ?? '').trim();
		if (!channel) throw new ChannelRuleError(`channel rule ${index + 1} has no channel name`, index);
		const patterns: CompiledRule['patterns'] = [];
		for (const field of ['source', 'medium', 'campaign', 'referrer'] as const) {
			const text = typeof rule[field] === 'string' ? (rule[field] as string).trim() : '';
			if (!text) continue;
			let problem = '';
			try {
				// Written in JavaScript's dialect, run on RE2: linear in the value whatever the pattern.
				patterns.push([field, linearPattern(`^(?:${text})$`, { ignoreCase: true, javascript: true })]);
			} catch (error) {
				problem = (error as Error).message;
			}
			if (problem) throw new ChannelRuleError(`channel rule ${index + 1} (${channel}): ${field} "${text}" is not a valid pattern: ${problem}`, index);
		}
		return { channel, patterns };
	});
}

/** The utm_* tags and click IDs of a landing-page URL. */
function urlParameters(pageUrl: string | null | undefined): URLSearchParams | undefined {
	if (typeof pageUrl !== 'string' || !pageUrl.includes('?')) return undefined;
	const query = pageUrl.slice(pageUrl.indexOf('?') + 1).split('#')[0];
	try {
		return new URLSearchParams(query);
	} catch {
		return undefined;
	}
}

export interface GroupingOptions {
	/** The marketer's own rules, tried before the defaults. */
	rules?: readonly CompiledRule[];
	/** Whether the default table applies after the marketer's rules (default true). */
	useDefaults?: boolean;
	/** The site's own hosts: a referrer from one of them is not a referral (e.g. "shop.example.com"). */
	internalHosts?: readonly string[];
}

/**
 * The channel of one visit. Order: the marketer's rules; UTM tags (from the event, or else the
 * landing page's URL); ad click IDs; the referrer (search engine, social network, another site);
 * and Direct when nothing is known. Tagged traffic that no rule recognises is "Other".
 */
export function groupChannel(traffic: TrafficSource, options: GroupingOptions = {}): ChannelDecision {
	let source = clean(traffic.source);
	let medium = clean(traffic.medium);
	let campaign = typeof traffic.campaign === 'string' && traffic.campaign.trim() ? traffic.campaign.trim() : '';
	const query = !source && !medium ? urlParameters(traffic.pageUrl) : undefined;
	if (query) {
		source = clean(query.get('utm_source'));
		medium = clean(query.get('utm_medium'));
		campaign ||= (query.get('utm_campaign') ?? '').trim();
	}
	const referrerHost = hostOf(traffic.referrer);
	const internal = referrerHost !== '' && (options.internalHosts ?? []).some((h) => referrerHost === h || referrerHost.endsWith(`.${h}`));
	const decided = (channel: string, basis: ChannelBasis): ChannelDecision => ({
		channel,
		basis,
		source: source || null,
		medium: medium || null,
		campaign: campaign || null,
	});

	if (options.rules?.length) {
		const values = { source, medium, campaign: campaign.toLowerCase(), referrer: internal ? '' : referrerHost };
		for (const rule of options.rules) {
			if (rule.patterns.length && rule.patterns.every(([field, pattern]) => pattern.test(values[field]))) return decided(rule.channel, 'rule');
		}
	}
	if (options.useDefaults === false) return decided(CHANNELS.other, 'none');

	if (source || medium) return decided(defaultChannelForTags(source, medium) ?? CHANNELS.other, 'utm');
	const clickQuery = query ?? urlParameters(traffic.pageUrl);
	if (clickQuery) {
		for (const [parameter, channel, clickSource] of CLICK_IDS) {
			if (clickQuery.get(parameter)) {
				source = clickSource;
				medium = channel === CHANNELS.display ? 'display' : 'cpc';
				return decided(channel, 'clickId');
			}
		}
	}
	if (referrerHost && !internal) {
		source = referrerHost;
		if (isSearchSource(referrerHost)) {
			medium = 'organic';
			return decided(CHANNELS.organicSearch, 'referrer');
		}
		if (isSocialSource(referrerHost)) {
			medium = 'social';
			return decided(CHANNELS.organicSocial, 'referrer');
		}
		medium = 'referral';
		return decided(CHANNELS.referral, 'referrer');
	}
	return decided(CHANNELS.direct, 'none');
}
