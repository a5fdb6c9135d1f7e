/**
 * How many SMS segments a text takes, which is what carriers bill. A text that uses only the GSM
 * 03.38 alphabet travels as GSM-7: 160 characters in one segment, 153 per segment once it is split
 * (the rest of each segment holds the header that joins them); the extension characters
 * (^ { } \ [ ~ ] | € and form feed) take two. One character outside that alphabet (an emoji, a
 * curly quote, most accented letters) switches the whole text to UCS-2: 70 UTF-16 code units in
 * one segment, 67 per segment when split, and an emoji takes two units. Neither kind of pair is
 * ever cut across segments.
 *
 * Pure: no n8n, unit-tested against hand-counted texts.
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentCount {
	encoding: SmsEncoding;
	/** Characters as people count them (code points). */
	characters: number;
	segments: number;
	/** The characters that forced UCS-2, once each, in order of appearance (empty for GSM-7). */
	unicodeCharacters: string[];
}

export const GSM_SINGLE = 160;
export const GSM_PART = 153;
export const UCS2_SINGLE = 70;
export const UCS2_PART = 67;

// GSM 03.38 basic character set (3GPP TS 23.038, section 6.2.1), in table order.
const BASIC =
	'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
	'¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
// Its extension table: each is sent as the escape code and the character (two septets).
const EXTENDED = '\f^{}\\[~]|€';

const BASIC_SET = new Set(BASIC);
const EXTENDED_SET = new Set(EXTENDED);

/** Septets a character takes in GSM-7, or 0 when GSM-7 cannot carry it. */
export function gsmSeptets(character: string): 0 | 1 | 2 {
	if (BASIC_SET.has(character)) return 1;
	if (EXTENDED_SET.has(character)) return 2;
	return 0;
}

/** Segments for a run of indivisible units of the given sizes, filled greedily. */
function fill(sizes: number[], single: number, part: number): number {
	const total = sizes.reduce((sum, size) => sum + size, 0);
	if (total === 0) return 0;
	if (total <= single) return 1;
	let segments = 1;
	let used = 0;
	for (const size of sizes) {
		if (used + size > part) {
			segments++;
			used = 0;
		}
		used += size;
	}
	return segments;
}

export function countSegments(text: string): SegmentCount {
	const characters = [...text];
	const unicode: string[] = [];
	const seen = new Set<string>();
	const septets: number[] = [];
	for (const character of characters) {
		const size = gsmSeptets(character);
		if (size === 0 && !seen.has(character)) {
			seen.add(character);
			unicode.push(character);
		}
		septets.push(size);
	}
	if (!unicode.length) {
		return { encoding: 'GSM-7', characters: characters.length, segments: fill(septets, GSM_SINGLE, GSM_PART), unicodeCharacters: [] };
	}
	// UTF-16 code units: 2 for characters beyond the Basic Multilingual Plane (most emoji).
	const units = characters.map((character) => character.length);
	return { encoding: 'UCS-2', characters: characters.length, segments: fill(units, UCS2_SINGLE, UCS2_PART), unicodeCharacters: unicode };
}
