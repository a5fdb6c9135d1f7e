/**
 * The one place a marketer's regular expression meets data (segment conditions, channel rules,
 * regular expressions inside JSONata). Matching uses RE2 semantics through re2js, a pure-JavaScript
 * port: time linear in the text whatever the pattern. V8's own engine backtracks, and an ordinary
 * looking pattern such as `^([a-z0-9]+[._-]?)+@example[.]com$` blocks n8n for minutes on one value.
 * RE2 has no backreferences and no lookaround: such a pattern is refused when it is compiled.
 */
import { RE2JS } from 're2js';

/** A pattern the linear-time engine cannot compile; the message says why. */
export class PatternError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'PatternError';
	}
}

export interface PatternOptions {
	ignoreCase?: boolean;
	/** `.` matches newlines too. */
	dotAll?: boolean;
	/** `^` and `$` match at line breaks too. */
	multiline?: boolean;
	/** The pattern is written in JavaScript's dialect (\u00e9, (?<name>…)): translate it first. */
	javascript?: boolean;
}

export interface LinearPattern {
	/** Whether the pattern matches anywhere in the text. */
	test(text: string): boolean;
}

function compile(source: string, options: PatternOptions): RE2JS {
	let flags = 0;
	if (options.ignoreCase) flags |= RE2JS.CASE_INSENSITIVE;
	if (options.dotAll) flags |= RE2JS.DOTALL;
	if (options.multiline) flags |= RE2JS.MULTILINE;
	// re2js's translation reads \k<name> as the letter k: a named backreference is refused here.
	if (options.javascript && /\\k</.test(source)) throw new PatternError('backreferences (\\k<…>) are not supported by the linear-time engine (RE2)');
	let problem = '';
	try {
		return RE2JS.compile(options.javascript ? RE2JS.translateRegExp(source) : source, flags);
	} catch (error) {
		problem = ((error as Error).message ?? String(error)).replace(/^error parsing regexp: /, '');
	}
	throw new PatternError(`${problem} (the linear-time engine, RE2, has no backreferences or lookaround)`);
}

/** Compiles a pattern once; throws PatternError when RE2 cannot run it. */
export function linearPattern(source: string, options: PatternOptions = {}): LinearPattern {
	const re = compile(source, options);
	return { test: (text) => re.test(text) };
}

/**
 * A stand-in for RegExp with the parts JSONata uses (`new RegexEngine(regex)`, `lastIndex`,
 * `exec`), so regular expressions written inside JSONata run on the linear-time engine too.
 */
export class LinearRegExp {
	lastIndex = 0;
	readonly source: string;
	readonly flags: string;
	private readonly re: RE2JS;

	constructor(pattern: RegExp | string, flags?: string) {
		this.source = typeof pattern === 'string' ? pattern : pattern.source;
		this.flags = flags ?? (typeof pattern === 'string' ? '' : pattern.flags);
		this.re = compile(this.source, {
			javascript: true,
			ignoreCase: this.flags.includes('i'),
			multiline: this.flags.includes('m'),
			dotAll: this.flags.includes('s'),
		});
	}

	exec(text: string): RegExpExecArray | null {
		const matcher = this.re.matcher(text);
		if (this.lastIndex > text.length || !matcher.find(this.lastIndex)) {
			this.lastIndex = 0;
			return null;
		}
		const groups: Array<string | undefined> = [matcher.group(0) ?? ''];
		for (let i = 1; i <= matcher.groupCount(); i++) groups.push(matcher.group(i) ?? undefined);
		this.lastIndex = matcher.end();
		return Object.assign(groups, { index: matcher.start(), input: text }) as RegExpExecArray;
	}

	test(text: string): boolean {
		return this.exec(text) !== null;
	}
}
