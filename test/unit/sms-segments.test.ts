/** SMS segment counting, checked against hand-counted texts. */
import { countSegments, gsmSeptets } from '../../nodes/Sms/segments';

const a = (n: number) => 'a'.repeat(n);

describe('GSM-7', () => {
	it('fits 160 characters in one segment and 153 in each part after that', () => {
		expect(countSegments('Hello')).toEqual({ encoding: 'GSM-7', characters: 5, segments: 1, unicodeCharacters: [] });
		expect(countSegments(a(160)).segments).toBe(1);
		expect(countSegments(a(161)).segments).toBe(2);
		expect(countSegments(a(306)).segments).toBe(2);
		expect(countSegments(a(307)).segments).toBe(3);
		expect(countSegments(a(1530)).segments).toBe(10);
		expect(countSegments(a(1531)).segments).toBe(11);
	});

	it('counts the extension characters twice and never splits one across segments', () => {
		expect(['^', '{', '}', '\\', '[', '~', ']', '|', '€', '\f'].map(gsmSeptets)).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
		expect(countSegments(`${a(159)}€`).segments).toBe(2); // 161 septets
		expect(countSegments(`${a(158)}€`).segments).toBe(1); // exactly 160
		// 152 + 2 does not fit in 153: the brace starts the second part, which leaves one "a" for a third.
		expect(countSegments(`${a(152)}{${a(152)}`)).toMatchObject({ encoding: 'GSM-7', characters: 305, segments: 3 });
	});

	it('keeps the GSM alphabet’s accented letters, Greek capitals and symbols in GSM-7', () => {
		expect(countSegments('Café für Jürgen: 5€ à Ørsted, ΔΩ §1 ¿¡ @£$¥').encoding).toBe('GSM-7');
		expect(countSegments('line one\nline two\r\n').encoding).toBe('GSM-7');
	});

	it('counts nothing for an empty text', () => {
		expect(countSegments('')).toEqual({ encoding: 'GSM-7', characters: 0, segments: 0, unicodeCharacters: [] });
	});
});

describe('UCS-2', () => {
	it('switches the whole text for one character outside the alphabet, and says which', () => {
		const count = countSegments(`It’s ready ${a(10)} – ê`);
		expect(count.encoding).toBe('UCS-2');
		expect(count.unicodeCharacters).toEqual(['’', '–', 'ê']);
		expect(countSegments('`backtick`').unicodeCharacters).toEqual(['`']);
	});

	it('fits 70 units in one segment and 67 per part', () => {
		expect(countSegments('ê'.repeat(70)).segments).toBe(1);
		expect(countSegments('ê'.repeat(71)).segments).toBe(2);
		expect(countSegments('ê'.repeat(134)).segments).toBe(2);
		expect(countSegments('ê'.repeat(135)).segments).toBe(3);
	});

	it('counts an emoji as two units and never splits it across segments', () => {
		expect(countSegments(`${a(68)}😀`)).toEqual({ encoding: 'UCS-2', characters: 69, segments: 1, unicodeCharacters: ['😀'] });
		expect(countSegments(`${a(69)}😀`).segments).toBe(2); // 71 units
		// 66 + 2 does not fit in 67: the emoji starts the second part, which leaves one "a" for a third.
		expect(countSegments(`${a(66)}😀${a(66)}`)).toMatchObject({ characters: 133, segments: 3 });
	});
});
