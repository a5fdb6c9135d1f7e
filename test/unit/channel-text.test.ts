import { decodeEntities, htmlToText } from '../../nodes/shared/channel/text';

describe('HTML to text', () => {
	it('keeps paragraphs, line breaks and list items, and drops markup, head and styles', () => {
		const html = `<html><head><title>T</title><style>p { color: red }</style></head>
			<body><h1>Spring   sale</h1><p>Hi {{ first_name | "there" }},<br>our <b>best</b> offer.</p>
			<ul><li>Shoes</li><li>Hats</li></ul><!-- tracking --><script>x()</script></body></html>`;
		expect(htmlToText(html)).toBe('Spring sale\n\nHi {{ first_name | "there" }},\nour best offer.\n\n- Shoes\n- Hats');
	});

	it('writes a link as its words and address, once when they are the same', () => {
		expect(htmlToText('<p><a href="https://shop.example/?a=1&amp;b=2">Shop <em>now</em></a></p>')).toBe('Shop now (https://shop.example/?a=1&b=2)');
		expect(htmlToText('<a href="https://x.example/">https://x.example/</a>')).toBe('https://x.example/');
		expect(htmlToText('<a href="mailto:help@x.example">help@x.example</a>')).toBe('help@x.example');
		expect(htmlToText('<a href="#top">Back to top</a>')).toBe('Back to top');
	});

	it('decodes entities and keeps image alt text', () => {
		expect(htmlToText('<p>Caf&eacute;? No: Tom &amp; Jerry&nbsp;&mdash; &#8364;5 &#x2764;</p><img src="a.png" alt="Logo">')).toBe('Caf&eacute;? No: Tom & Jerry — €5 ❤\n\nLogo');
		expect(decodeEntities('&lt;b&gt; &quot;q&quot; &#39;s&#39; &unknown;')).toBe('<b> "q" \'s\' &unknown;');
	});

	it('lays out table cells on one line per row', () => {
		expect(htmlToText('<table><tr><td>Item</td><td>Price</td></tr><tr><td>Hat</td><td>€5</td></tr></table>')).toBe('Item Price\nHat €5');
	});

	it('does not read markup into merge tags or expressions', () => {
		expect(htmlToText('<p>{{ $json.n < 3 ? "few" : "many" }} items</p>')).toBe('{{ $json.n < 3 ? "few" : "many" }} items');
	});
});
