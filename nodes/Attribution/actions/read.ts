/**
 * Reading the Attribution node's inputs: events or pre-built journeys from the first input, spend
 * from the second input or a table. Bad data is reported per item (a BadData error naming the
 * field and the fix); the caller decides whether it stops the run, becomes an error item or is
 * skipped and counted.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { groupChannel } from '../../shared/channelGrouping';
import { readText, type Field, type FieldReader } from '../../shared/fields';
import { FIGURE_LIMIT, FIGURE_LIMIT_TEXT } from '../../shared/limits';
import { shown } from '../../shared/show';
import { toMillis } from '../../shared/timestamps';

/** One item's data is unusable: `code` counts it in the summary, `fix` tells the marketer what to do. */
export class BadData extends Error {
	constructor(
		readonly code: string,
		readonly field: string,
		message: string,
		readonly fix: string,
	) {
		super(message);
		this.name = 'BadData';
	}
}

export const FIELDS = {
	userId: { parameter: 'userId', label: 'User ID', example: '{{ $json.userId }}' },
	timestamp: { parameter: 'timestamp', label: 'Timestamp', example: '{{ $json.timestamp }}' },
	eventType: { parameter: 'eventType', label: 'Event Type', example: '{{ $json.eventType }}' },
	channel: { parameter: 'channel', label: 'Channel', example: '{{ $json.channel }}' },
	campaign: { parameter: 'campaign', label: 'Campaign', example: '{{ $json.utm_campaign }}' },
	value: { parameter: 'value', label: 'Conversion Value', example: '{{ $json.properties.revenue }}' },
	touches: { parameter: 'touches', label: 'Touches', example: '{{ $json.path }}' },
	converted: { parameter: 'converted', label: 'Converted', example: '{{ $json.conversions > 0 }}' },
	journeyValue: { parameter: 'journeyValue', label: 'Journey Value', example: '{{ $json.revenue }}' },
	conversionTime: { parameter: 'conversionTime', label: 'Conversion Time', example: '{{ $json.convertedAt }}' },
} satisfies Record<string, Field>;

const SIMPLE_PATH = /^=\{\{\s*\$json((?:\.[A-Za-z_$][\w$]*)+)\s*\}\}$/;

/** A value at a dotted path of an object; undefined when any step is missing. */
export function atPath(json: unknown, path: readonly string[]): unknown {
	let value = json;
	for (const key of path) {
		if (value === null || typeof value !== 'object') return undefined;
		value = (value as IDataObject)[key];
	}
	return value;
}

/**
 * Like the shared fieldReader, for nested fields too: a mapping that is exactly
 * `={{ $json.a.b }}` is read straight from the item (undefined when a step is missing, where n8n's
 * expression would fail); anything else goes through n8n's expression engine.
 */
export function pathReader(ctx: IExecuteFunctions, items: INodeExecutionData[]): FieldReader {
	const parameters = ctx.getNode().parameters;
	const paths = new Map<string, string[] | null>();
	return (parameter, i) => {
		let path = paths.get(parameter);
		if (path === undefined) {
			const raw = parameters[parameter];
			const match = typeof raw === 'string' ? SIMPLE_PATH.exec(raw) : null;
			path = match ? match[1].slice(1).split('.') : null;
			paths.set(parameter, path);
		}
		return path === null ? ctx.getNodeParameter(parameter, i, undefined) : atPath(items[i].json, path);
	};
}

const text = (value: unknown): string | undefined =>
	typeof value === 'string' && value.trim() ? value.trim() : typeof value === 'number' ? String(value) : undefined;

/** The channel of an event whose Channel field is empty: its UTM tags and referrer, default grouping. */
export function channelFromContext(json: IDataObject): string {
	const context = json.context as IDataObject | undefined;
	const campaign = context?.campaign as IDataObject | undefined;
	const page = context?.page as IDataObject | undefined;
	return groupChannel({
		source: text(campaign?.source),
		medium: text(campaign?.medium),
		campaign: text(campaign?.campaign) ?? text(campaign?.name),
		referrer: text(page?.referrer),
		pageUrl: text(page?.url),
	}).channel;
}

/** The campaign of an event whose Campaign field is empty: context.campaign.campaign (utm_campaign). */
export function campaignFromContext(json: IDataObject): string | undefined {
	const campaign = (json.context as IDataObject | undefined)?.campaign as IDataObject | undefined;
	return text(campaign?.campaign) ?? text(campaign?.name);
}

export const NOT_SET = '(not set)';

/** A conversion value: a number ≥ 0 (numeric text accepted); empty is `fallback`. */
export function readValue(raw: unknown, label: string, fallback: () => unknown): number {
	let value = raw;
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) value = fallback();
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return 0;
	const number = typeof value === 'string' ? Number(value.trim()) : value;
	if (typeof number !== 'number' || !Number.isFinite(number)) {
		throw new BadData('badValue', label, `${label} is ${shown(value)}, not a number`, `Map "${label}" to a field holding a plain number, e.g. 49.90.`);
	}
	if (number < 0) {
		throw new BadData('negativeValue', label, `${label} is negative (${number})`, `Conversion values must be 0 or more; refunds belong in a separate report.`);
	}
	if (number > FIGURE_LIMIT) {
		throw new BadData('badValue', label, `${label} is ${number}, above ${FIGURE_LIMIT_TEXT}`, 'Give the value of one conversion in currency units, e.g. 49.90.');
	}
	return number;
}

export function readTime(raw: unknown, label: string, required: boolean): number {
	if (raw === undefined || raw === null || raw === '') {
		if (!required) return NaN;
		throw new BadData('badTimestamp', label, `${label} is missing`, `Map "${label}" to the event's time, e.g. {{ $json.timestamp }}.`);
	}
	const millis = toMillis(raw);
	if (Number.isNaN(millis)) {
		throw new BadData(
			'badTimestamp',
			label,
			`${label} ${shown(raw)} cannot be read as a time`,
			'Use ISO 8601 (e.g. 2024-05-01T09:30:00Z or 2024-05-01T11:30:00+02:00) or epoch milliseconds.',
		);
	}
	return millis;
}

export function readUser(ctx: IExecuteFunctions, read: FieldReader, i: number): string {
	const user = readText(ctx, read, FIELDS.userId, i);
	if (!user) {
		throw new BadData('noUser', FIELDS.userId.label, 'the event has no user', 'Map "User ID" to a field every event has, e.g. {{ $json.userId || $json.anonymousId }}.');
	}
	return user;
}

/** A pre-built journey's Converted field: booleans, yes/no, true/false, 1/0. */
export function readConverted(raw: unknown): boolean {
	if (typeof raw === 'boolean') return raw;
	if (typeof raw === 'number' && Number.isFinite(raw)) return raw > 0;
	if (typeof raw === 'string') {
		const t = raw.trim().toLowerCase();
		if (['true', 'yes', '1'].includes(t)) return true;
		if (['false', 'no', '0', ''].includes(t)) return false;
	}
	throw new BadData(
		'badConverted',
		FIELDS.converted.label,
		`Converted is ${shown(raw)}, not true or false`,
		'Map "Converted" to a true/false field, e.g. {{ $json.conversions > 0 }}.',
	);
}

export interface RawTouch {
	channel: string;
	campaign?: string;
	time: number;
}

/** A pre-built journey's touches: a list of names or of {channel, campaign, timestamp}, or "A > B" text. */
export function readTouches(raw: unknown): RawTouch[] {
	if (typeof raw === 'string') {
		return raw
			.split('>')
			.map((s) => s.trim())
			.filter(Boolean)
			.map((channel) => ({ channel, time: NaN }));
	}
	if (!Array.isArray(raw)) {
		throw new BadData(
			'badTouches',
			FIELDS.touches.label,
			`Touches is ${shown(raw) ?? 'missing'}, not a list`,
			'Map "Touches" to a list such as ["Email", "Paid Search"] or [{"channel": "Email", "timestamp": "…"}].',
		);
	}
	return raw.map((touch, k) => {
		if (typeof touch === 'string' && touch.trim()) return { channel: touch.trim(), time: NaN };
		if (touch && typeof touch === 'object' && !Array.isArray(touch)) {
			const t = touch as IDataObject;
			const channel = text(t.channel);
			if (!channel) {
				throw new BadData('badTouches', FIELDS.touches.label, `touch ${k} has no channel`, 'Give every touch a channel, e.g. {"channel": "Email"}.');
			}
			const when = t.timestamp ?? t.time;
			return { channel, campaign: text(t.campaign), time: readTime(when, `Touch ${k} timestamp`, false) };
		}
		throw new BadData('badTouches', FIELDS.touches.label, `touch ${k} is ${shown(touch)}`, 'Each touch is a channel name or an object with a channel.');
	});
}
