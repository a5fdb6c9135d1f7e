import { aroundSlots, compileTemplate, escapeHtml, fill, lookup } from '../../nodes/shared/channel/merge';

const ann = { first_name: 'Ann', lastName: 'Lee', address: { city: 'Lyon' }, points: 0, vip: false, tags: ['a', 'b'], blank: '  ', empty: null };

describe('merge tags', () => {
	it('puts the contact’s field in, or the fallback when it has none', () => {
		const template = compileTemplate('Hi {{ first_name | "there" }}!');
		expect(template.render(ann).text).toBe('Hi Ann!');
		expect(template.render({}).text).toBe('Hi there!');
		expect(template.render({ first_name: '' }).text).toBe('Hi there!');
		expect(template.render({ first_name: '   ' }).text).toBe('Hi there!');
		expect(template.render({ first_name: null }).text).toBe('Hi there!');
	});

	it('renders nothing for a missing field without fallback', () => {
		expect(compileTemplate('Hi {{first_name}}, from {{ city }}.').render({}).text).toBe('Hi , from .');
	});

	it('accepts single quotes, no quotes and no spaces', () => {
		expect(compileTemplate("{{ x | 'friend' }}").render({}).text).toBe('friend');
		expect(compileTemplate('{{x|friend of ours}}').render({}).text).toBe('friend of ours');
		expect(compileTemplate('{{x|""}}').render({}).text).toBe('');
		expect(compileTemplate('{{ x | "a | b" }}').render({}).text).toBe('a | b');
	});

	it('reads dotted paths, and first_name from a field called firstName', () => {
		expect(compileTemplate('{{ address.city }}').render(ann).text).toBe('Lyon');
		expect(compileTemplate('{{ address.zip | "?" }}').render(ann).text).toBe('?');
		expect(compileTemplate('{{ last_name }}').render(ann).text).toBe('Lee');
		expect(lookup({ first_name: 'exact', firstName: 'camel' }, ['first_name'])).toBe('exact');
	});

	it('shows numbers and booleans, joins lists, and treats objects as missing', () => {
		const t = compileTemplate('{{ points | "none" }} {{ vip }} {{ tags }} {{ address | "somewhere" }}');
		expect(t.render(ann).text).toBe('0 false a, b somewhere');
	});

	it('keeps fixed text and one value per tag apart, for providers that substitute per recipient', () => {
		const t = compileTemplate('Hi {{ first_name | "there" }}, see {{ address.city }}');
		expect(t.literals).toEqual(['Hi ', ', see ', '']);
		expect(t.slots.map((slot) => slot.kind)).toEqual(['tag', 'tag']);
		const rendered = t.render(ann);
		expect(rendered.values).toEqual(['Ann', 'Lyon']);
		expect(fill(t.literals, rendered.values)).toBe(rendered.text);
		expect(fill(t.literals, ['%a%', '%b%'])).toBe('Hi %a%, see %b%');
	});

	it('escapes contact values (not the fixed text) when asked: HTML bodies', () => {
		const t = compileTemplate('<p>Hi {{ name }}</p>');
		expect(t.render({ name: '<b>Tom</b> & "Jerry"' }, { escape: escapeHtml }).text).toBe('<p>Hi &lt;b&gt;Tom&lt;/b&gt; &amp; &quot;Jerry&quot;</p>');
	});

	it('hands anything that is not a merge tag to n8n as an expression, unescaped', () => {
		const t = compileTemplate('{{ $json.first_name }} {{ first_name }} {{ 1 + 1 }}');
		expect(t.slots.map((slot) => slot.kind)).toEqual(['expression', 'tag', 'expression']);
		const seen: string[] = [];
		const text = t.render(ann, { escape: escapeHtml, evaluate: (code) => (seen.push(code), code === '1 + 1' ? 2 : '<i>x</i>') }).text;
		expect(text).toBe('<i>x</i> Ann 2');
		expect(seen).toEqual(['$json.first_name', '1 + 1']);
		expect(() => t.render(ann)).toThrow('{{ $json.first_name }} is an n8n expression');
	});

	it('gives equal ids to equal sources', () => {
		expect(compileTemplate('a {{ b }}').id).toBe(compileTemplate('a {{ b }}').id);
		expect(compileTemplate('a {{ b }}').id).not.toBe(compileTemplate('a {{ c }}').id);
	});

	it('leaves text without tags as it is', () => {
		const t = compileTemplate('Plain { not a tag } and }} stray');
		expect(t.slots).toHaveLength(0);
		expect(t.render({}).text).toBe('Plain { not a tag } and }} stray');
	});

	it('protects tags from transformations of the text around them', () => {
		expect(aroundSlots('a {{ x | "b c" }} d', (text) => text.toUpperCase())).toBe('A {{ x | "b c" }} D');
	});
});

describe('merge tags on hostile text', () => {
	it('finds slots in time linear in the text: 200,000 "{{" with no "}}" in well under a second of work', () => {
		// The lazy regex rescanned to the end from every "{{": 20,000 took half a second, 200,000 about 50 s.
		const text = '{{'.repeat(200_000);
		const start = Date.now();
		expect(compileTemplate(text).slots).toHaveLength(0);
		expect(aroundSlots(text, (hidden) => hidden)).toBe(text);
		expect(Date.now() - start).toBeLessThan(3000); // the old scan: over a minute
		expect(compileTemplate('{{ {{ first_name }} }}').slots).toHaveLength(1);
	});
});
