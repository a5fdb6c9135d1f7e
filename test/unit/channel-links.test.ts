import { tagHtmlLinks, tagTextLinks, tagUrl, utmParameters } from '../../nodes/shared/channel/links';

const utm = utmParameters({ source: 'newsletter', medium: 'email', campaign: 'spring sale', content: 'hero' });
const Q = 'utm_source=newsletter&utm_medium=email&utm_campaign=spring%20sale&utm_content=hero';

describe('UTM tagging', () => {
	it('takes only the set fields, in the conventional order', () => {
		expect(utmParameters({ campaign: 'c', source: ' s ', medium: '' })).toEqual([
			['utm_source', 's'],
			['utm_campaign', 'c'],
		]);
		expect(utmParameters(undefined)).toEqual([]);
	});

	it('appends to a link without a query string', () => {
		expect(tagUrl('https://shop.example/sale', utm)).toBe(`https://shop.example/sale?${Q}`);
	});

	it('joins an existing query string with &', () => {
		expect(tagUrl('https://shop.example/p?id=7', utm)).toBe(`https://shop.example/p?id=7&${Q}`);
		expect(tagUrl('https://shop.example/p?', utm)).toBe(`https://shop.example/p?${Q}`);
		expect(tagUrl('https://shop.example/p?id=7&', utm)).toBe(`https://shop.example/p?id=7&${Q}`);
	});

	it('puts the parameters before the #anchor', () => {
		expect(tagUrl('https://shop.example/p?id=7#reviews', utm)).toBe(`https://shop.example/p?id=7&${Q}#reviews`);
		expect(tagUrl('https://shop.example/#top', utm)).toBe(`https://shop.example/?${Q}#top`);
	});

	it('keeps a parameter the link already has', () => {
		expect(tagUrl('https://shop.example/?utm_content=footer', utm)).toBe(
			'https://shop.example/?utm_content=footer&utm_source=newsletter&utm_medium=email&utm_campaign=spring%20sale',
		);
	});

	it('leaves mailto:, tel:, anchors and relative links alone, and everything when no field is set', () => {
		for (const url of ['mailto:a@b.com', 'tel:+4917', '#top', '/relative', '{{ offer_url }}']) expect(tagUrl(url, utm)).toBe(url);
		expect(tagUrl('https://x.example/', [])).toBe('https://x.example/');
	});

	it('tags every <a href> and <area href> in HTML, whatever the quotes', () => {
		const html = `<a href="https://a.example/">A</a> <A class="x" HREF='https://b.example/?q=1&amp;r=2'>B</A> <area href=https://c.example/x> <a href="mailto:x@y.z">mail</a> <link href="https://style.example/s.css">`;
		expect(tagHtmlLinks(html, utm)).toBe(
			`<a href="https://a.example/?${Q}">A</a> <A class="x" HREF='https://b.example/?q=1&amp;r=2&${Q}'>B</A> <area href=https://c.example/x?${Q}> <a href="mailto:x@y.z">mail</a> <link href="https://style.example/s.css">`,
		);
	});

	it('tags links whose path holds a merge tag, and not a link that is only one', () => {
		const html = '<a href="https://shop.example/p/{{ sku | "all" }}">Buy</a> <a href="{{ offer_url }}">Offer</a>';
		expect(tagHtmlLinks(html, utm)).toBe(`<a href="https://shop.example/p/{{ sku | "all" }}?${Q}">Buy</a> <a href="{{ offer_url }}">Offer</a>`);
	});

	it('tags web addresses in plain text, leaving the sentence’s punctuation outside', () => {
		expect(tagTextLinks('Shop now: https://shop.example/sale. Or (https://shop.example/b), thanks', utm)).toBe(
			`Shop now: https://shop.example/sale?${Q}. Or (https://shop.example/b?${Q}), thanks`,
		);
		expect(tagTextLinks('See https://shop.example/p/{{ sku | "a b" }} today', utm)).toBe(`See https://shop.example/p/{{ sku | "a b" }}?${Q} today`);
	});
});

describe('UTM tagging on hostile HTML', () => {
	const utm = utmParameters({ source: 'newsletter' });
	it('reads each character a bounded number of times: 200,000 "<a " with no ">" in well under a second of work', () => {
		// The whole-text regex took 1.3 s on 60 KB of this, growing with the square of the length.
		const html = '<a '.repeat(200_000);
		const start = Date.now();
		expect(tagHtmlLinks(html, utm)).toBe(html);
		expect(Date.now() - start).toBeLessThan(3000); // the old scan: over a minute
		const quotes = '<a href="'.repeat(50_000);
		expect(tagHtmlLinks(quotes, utm)).toBe(quotes);
	});

	it('still tags a link after a broken tag, and a tag cut off at the end of the text', () => {
		expect(tagHtmlLinks('<a <a href="https://x.test/">x</a>', utm)).toBe('<a <a href="https://x.test/?utm_source=newsletter">x</a>');
		expect(tagHtmlLinks('<p>see <a href=https://x.test/a', utm)).toBe('<p>see <a href=https://x.test/a?utm_source=newsletter');
	});
});
