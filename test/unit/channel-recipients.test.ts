import { emailAddress, phoneNumber } from '../../nodes/shared/channel/recipients';

describe('email addresses (RFC 5321 practical form)', () => {
	it.each([
		['ann@example.com', 'ann@example.com'],
		['  Ann.Lee+news@Example.COM ', 'Ann.Lee+news@example.com'],
		["o'brien_{x}@mail.example.co.uk", "o'brien_{x}@mail.example.co.uk"],
		['user@xn--bcher-kva.de', 'user@xn--bcher-kva.de'],
		['user@bücher.de', 'user@xn--bcher-kva.de'],
		['user@example.com.', 'user@example.com'],
	])('accepts %j', (raw, address) => {
		expect(emailAddress(raw)).toEqual({ ok: true, address, key: address.toLowerCase() });
	});

	it('gives the same key for the same address written differently', () => {
		const a = emailAddress('Ann@Example.com');
		const b = emailAddress('ann@example.com ');
		expect(a.ok && b.ok && a.key === b.key).toBe(true);
	});

	it.each([
		[undefined, 'no email address'],
		['', 'no email address'],
		[{ email: 'a@b.c' }, 'the email address is not text'],
		['ann.example.com', '"ann.example.com" has no @'],
		['ann@@example.com', '"ann@@example.com" has more than one @'],
		['@example.com', '"@example.com" has nothing before the @'],
		['ann@', '"ann@" has nothing after the @'],
		['ann lee@example.com', '"ann lee@example.com" contains a space'],
		['ann..lee@example.com', '"ann..lee@example.com" has a dot at the start or end of the name, or two dots in a row'],
		['.ann@example.com', '".ann@example.com" has a dot at the start or end of the name, or two dots in a row'],
		['ann(x)@example.com', '"ann(x)@example.com" has characters that are not allowed before the @'],
		['ann@localhost', '"ann@localhost" has no dot in its domain (e.g. example.com)'],
		['ann@exa_mple.com', '"ann@exa_mple.com" has an invalid domain'],
		['ann@-example.com', '"ann@-example.com" has an invalid domain'],
		['ann@example.c', '"ann@example.c" has an invalid domain'],
		['ann@example.123', '"ann@example.123" has an invalid domain'],
		['ann@[192.168.0.1]', '"ann@[192.168.0.1]" has an invalid domain'],
		[`${'a'.repeat(65)}@example.com`, `"${'a'.repeat(65)}@example.com" has more than 64 characters before the @`],
	])('refuses %j: %s', (raw, reason) => {
		expect(emailAddress(raw)).toEqual({ ok: false, reason });
	});

	it('refuses more than 254 characters', () => {
		const long = `${'a'.repeat(60)}@${Array.from({ length: 4 }, () => 'b'.repeat(60)).join('.')}.com`;
		expect(emailAddress(long)).toMatchObject({ ok: false, reason: expect.stringMatching(/longer than 254 characters$/) });
	});
});

describe('phone numbers (E.164), for the SMS channel', () => {
	it('accepts international numbers, dropping what people type between digits', () => {
		expect(phoneNumber('+49 170 1234-567')).toEqual({ ok: true, address: '+491701234567', key: '+491701234567' });
		expect(phoneNumber('+1 (415) 555.0123')).toMatchObject({ ok: true, address: '+14155550123' });
	});

	it.each([
		['0170 1234567', '"0170 1234567" does not start with + and the country code (e.g. +14155550123)'],
		['+49 170 CALL', '"+49 170 CALL" has characters other than digits'],
		['+0123456789', '"+0123456789" is not a valid international number (8 to 15 digits after the +, not starting with 0)'],
		['+12345', '"+12345" is not a valid international number (8 to 15 digits after the +, not starting with 0)'],
		['', 'no phone number'],
	])('refuses %j', (raw, reason) => {
		expect(phoneNumber(raw)).toEqual({ ok: false, reason });
	});
});
