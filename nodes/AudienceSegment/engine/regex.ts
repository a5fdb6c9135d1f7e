/**
 * Regular expressions that mean the same on the linear-time engine (RE2, shared/patterns.ts) and in
 * PostgreSQL (its advanced regular expressions, ARE).
 *
 * The two dialects differ (what `.` and `\w` match, Unicode handling, escapes), so a pattern is
 * parsed here, in a portable subset, and written out for each engine:
 *   literals and escaped punctuation (\. \* \\ …), \n \t \r \f \v, \uXXXX, \u{X…}
 *   .            any character, newlines included
 *   [a-z0-9_]    classes with ranges, [^…] negated; \d \w \s inside them
 *   \d \w \s     [0-9], [A-Za-z0-9_], [ \t\n\v\f\r] (ASCII only); \D \W \S their complements
 *   ^ $          start and end of the text
 *   ( ) (?: )    groups (capturing or not: only whether the text matches is asked)
 *   |            alternatives
 *   * + ? {n} {n,} {n,m}   repetition, n and m at most 255; a trailing ? (lazy) is accepted
 * Anything else (backreferences, lookaround, \b, flags) is refused with its position, and so are
 * groups nested more than 256 deep (shared/limits.ts).
 */
import { MAX_DEPTH } from '../../shared/limits';
import { linearPattern, PatternError } from '../../shared/patterns';

export class RegexSyntaxError extends Error {
	constructor(
		message: string,
		/** 1-based character position in the pattern. */
		readonly position: number,
	) {
		super(`${message} at character ${position}`);
		this.name = 'RegexSyntaxError';
	}
}

type Range = [number, number];

type Node =
	| { t: 'alt'; alts: Node[] }
	| { t: 'seq'; items: Node[] }
	| { t: 'char'; cp: number }
	| { t: 'any' }
	| { t: 'class'; negated: boolean; ranges: Range[] }
	| { t: 'group'; body: Node }
	| { t: 'start' }
	| { t: 'end' }
	| { t: 'repeat'; body: Node; min: number; max: number };

const DIGIT: Range[] = [[48, 57]];
const WORD: Range[] = [
	[48, 57],
	[65, 90],
	[95, 95],
	[97, 122],
];
const SPACE: Range[] = [
	[9, 13],
	[32, 32],
];
const MAX_REPEAT = 255;
const SIMPLE_ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, f: 12, v: 11 };
const PUNCTUATION = new Set('\\^$.|?*+()[]{}/-'.split(''));

class Parser {
	private i = 0;
	private depth = 0;
	private readonly cps: number[];
	/** UTF-16 offset of each code point, for positions as the user counts them. */
	private readonly offsets: number[];

	constructor(source: string) {
		this.cps = [];
		this.offsets = [];
		for (let k = 0; k < source.length; ) {
			const cp = source.codePointAt(k) as number;
			if (cp >= 0xd800 && cp <= 0xdfff) throw new RegexSyntaxError('a broken Unicode character (lone surrogate)', k + 1);
			if (cp === 0) throw new RegexSyntaxError('the NUL character (text never holds it)', k + 1);
			this.cps.push(cp);
			this.offsets.push(k);
			k += cp > 0xffff ? 2 : 1;
		}
		this.offsets.push(source.length);
	}

	private fail(message: string, at = this.i): never {
		throw new RegexSyntaxError(message, this.offsets[Math.min(at, this.offsets.length - 1)] + 1);
	}

	private peek(ahead = 0): string | undefined {
		const cp = this.cps[this.i + ahead];
		return cp === undefined ? undefined : String.fromCodePoint(cp);
	}

	parse(): Node {
		const node = this.alternation();
		if (this.i < this.cps.length) this.fail(this.peek() === ')' ? 'an unmatched ")"' : `unexpected "${this.peek()}"`);
		return node;
	}

	private alternation(): Node {
		const alts = [this.sequence()];
		while (this.peek() === '|') {
			this.i++;
			alts.push(this.sequence());
		}
		return alts.length === 1 ? alts[0] : { t: 'alt', alts };
	}

	private sequence(): Node {
		const items: Node[] = [];
		for (;;) {
			const c = this.peek();
			if (c === undefined || c === '|' || c === ')') break;
			const start = this.i;
			let atom = this.atom();
			const quantifier = this.quantifier();
			if (quantifier) {
				if (atom.t === 'start' || atom.t === 'end') this.fail('nothing to repeat', start + 1);
				atom = { t: 'repeat', body: atom, min: quantifier[0], max: quantifier[1] };
				if (this.quantifier(true)) this.fail('a repetition of a repetition; put the inner one in a group');
			}
			items.push(atom);
		}
		return items.length === 1 ? items[0] : { t: 'seq', items };
	}

	private quantifier(peekOnly = false): [number, number] | null {
		const c = this.peek();
		let result: [number, number] | null = null;
		const start = this.i;
		if (c === '*') result = [0, Infinity];
		else if (c === '+') result = [1, Infinity];
		else if (c === '?') result = [0, 1];
		else if (c === '{') {
			const rest = String.fromCodePoint(...this.cps.slice(this.i, this.i + 16));
			const match = /^\{(\d+)(,(\d*))?\}/.exec(rest);
			if (!match) this.fail('"{" must start a repetition such as {2}, {2,} or {2,5}; write \\{ for the character');
			if (peekOnly) return [0, 0];
			const min = Number(match[1]);
			const max = match[2] ? (match[3] ? Number(match[3]) : Infinity) : min;
			if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) this.fail(`a repetition count above ${MAX_REPEAT}`);
			if (max < min) this.fail(`{${min},${max}} counts down`);
			this.i += match[0].length;
			if (this.peek() === '?') this.i++;
			return [min, max];
		}
		if (!result || peekOnly) return result;
		this.i = start + 1;
		if (this.peek() === '?') this.i++;
		return result;
	}

	private atom(): Node {
		const c = this.peek() as string;
		const at = this.i;
		this.i++;
		switch (c) {
			case '.':
				return { t: 'any' };
			case '^':
				return { t: 'start' };
			case '$':
				return { t: 'end' };
			case '(': {
				if (this.peek() === '?') {
					if (this.peek(1) !== ':') this.fail('lookaround and named groups are not supported; use (…) or (?:…)');
					this.i += 2;
				}
				if (++this.depth > MAX_DEPTH) this.fail(`groups nested more than ${MAX_DEPTH} deep`, at);
				const body = this.alternation();
				if (this.peek() !== ')') this.fail('a "(" without its ")"', at);
				this.i++;
				this.depth--;
				return { t: 'group', body };
			}
			case '[':
				return this.characterClass(at);
			case '*':
			case '+':
			case '?':
				return this.fail('nothing to repeat', at);
			case '{':
				return this.fail('"{" must follow something to repeat; write \\{ for the character', at);
			case '}':
			case ']':
				return this.fail(`write \\${c} for the character "${c}"`, at);
			case '\\':
				return this.escape(false, at) as Node;
			default:
				return { t: 'char', cp: c.codePointAt(0) as number };
		}
	}

	/** After a backslash. In a class, returns ranges; outside, a node. */
	private escape(inClass: boolean, at: number): Node | Range[] {
		const c = this.peek();
		if (c === undefined) this.fail('a "\\" at the end of the pattern', at);
		this.i++;
		const shorthand: Record<string, Range[]> = { d: DIGIT, w: WORD, s: SPACE };
		if (c in shorthand) return inClass ? shorthand[c] : { t: 'class', negated: false, ranges: shorthand[c] };
		const upper = c.toLowerCase();
		if ((c === 'D' || c === 'W' || c === 'S') && upper in shorthand) {
			if (inClass) this.fail(`\\${c} inside [ ] is not supported; use [^…] instead`, at);
			return { t: 'class', negated: true, ranges: shorthand[upper] };
		}
		if (c in SIMPLE_ESCAPES) return this.literal(SIMPLE_ESCAPES[c], inClass);
		if (c === 'u') {
			if (this.peek() === '{') {
				const rest = String.fromCodePoint(...this.cps.slice(this.i, this.i + 10));
				const match = /^\{([0-9A-Fa-f]{1,6})\}/.exec(rest);
				const cp = match ? parseInt(match[1], 16) : NaN;
				if (!match || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) this.fail('\\u{…} needs a code point in hex, e.g. \\u{1F600}', at);
				this.i += match[0].length;
				return this.literal(cp, inClass);
			}
			const hex = String.fromCodePoint(...this.cps.slice(this.i, this.i + 4));
			if (!/^[0-9A-Fa-f]{4}$/.test(hex)) this.fail('\\u needs four hex digits, e.g. \\u00e9', at);
			const cp = parseInt(hex, 16);
			if (cp >= 0xd800 && cp <= 0xdfff) this.fail('\\u of a surrogate; write the character as \\u{…}', at);
			this.i += 4;
			return this.literal(cp, inClass);
		}
		if (PUNCTUATION.has(c)) return this.literal(c.codePointAt(0) as number, inClass);
		if (c === 'b' || c === 'B') this.fail('word boundaries (\\b, \\B) are not supported', at);
		if (/[1-9]/.test(c)) this.fail('backreferences are not supported', at);
		return this.fail(`the escape \\${c} is not supported`, at);
	}

	private literal(cp: number, inClass: boolean): Node | Range[] {
		if (cp === 0) this.fail('the NUL character (text never holds it)', this.i - 1);
		return inClass ? [[cp, cp]] : { t: 'char', cp };
	}

	private characterClass(at: number): Node {
		let negated = false;
		if (this.peek() === '^') {
			negated = true;
			this.i++;
		}
		const ranges: Range[] = [];
		let first = true;
		for (;;) {
			const c = this.peek();
			if (c === undefined) this.fail('a "[" without its "]"', at);
			if (c === ']' && !first) {
				this.i++;
				break;
			}
			if (c === ']') this.fail('an empty class "[]"; write \\] for the character', this.i);
			first = false;
			const itemAt = this.i;
			const low = this.classAtom();
			if (this.peek() === '-' && this.peek(1) !== undefined && this.peek(1) !== ']') {
				this.i++;
				const high = this.classAtom();
				if (low.length !== 1 || high.length !== 1 || low[0][0] !== low[0][1] || high[0][0] !== high[0][1]) {
					this.fail('a range between a class and a character', itemAt);
				}
				if (high[0][0] < low[0][0]) this.fail('a range that counts down', itemAt);
				ranges.push([low[0][0], high[0][0]]);
			} else {
				ranges.push(...low);
			}
		}
		return { t: 'class', negated, ranges: normalize(ranges) };
	}

	private classAtom(): Range[] {
		const c = this.peek() as string;
		const at = this.i;
		this.i++;
		if (c === '\\') return this.escape(true, at) as Range[];
		if (c === '[') this.fail('write \\[ for "[" inside a class', at);
		const cp = c.codePointAt(0) as number;
		return [[cp, cp]];
	}
}

function normalize(ranges: Range[]): Range[] {
	const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
	const out: Range[] = [];
	for (const [lo, hi] of sorted) {
		const last = out[out.length - 1];
		if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
		else out.push([lo, hi]);
	}
	return out;
}

const plain = (cp: number) => (cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122);

const re2Char = (cp: number) => (plain(cp) ? String.fromCodePoint(cp) : `\\x{${cp.toString(16)}}`);
const pgChar = (cp: number) =>
	plain(cp) ? String.fromCodePoint(cp) : cp <= 0xffff ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\U${cp.toString(16).padStart(8, '0')}`;

function emit(node: Node, char: (cp: number) => string): string {
	switch (node.t) {
		case 'alt':
			return node.alts.map((a) => emit(a, char)).join('|');
		case 'seq':
			return node.items.map((a) => emit(a, char)).join('');
		case 'char':
			return char(node.cp);
		case 'any':
			return '.';
		case 'start':
			return '^';
		case 'end':
			return '$';
		case 'group':
			return `(?:${emit(node.body, char)})`;
		case 'class': {
			const body = node.ranges.map(([lo, hi]) => (lo === hi ? char(lo) : `${char(lo)}-${char(hi)}`)).join('');
			return `[${node.negated ? '^' : ''}${body}]`;
		}
		case 'repeat': {
			const inner = node.body.t === 'char' || node.body.t === 'any' || node.body.t === 'class' || node.body.t === 'group'
				? emit(node.body, char)
				: `(?:${emit(node.body, char)})`;
			const { min, max } = node;
			const q =
				min === 0 && max === Infinity ? '*' : min === 1 && max === Infinity ? '+' : min === 0 && max === 1 ? '?' : max === Infinity ? `{${min},}` : min === max ? `{${min}}` : `{${min},${max}}`;
			return inner + q;
		}
	}
}

/** Parses a pattern of the portable subset and writes it for RE2 (`.` matching newlines) and PostgreSQL. */
export function translateRegex(source: string): { re2: string; pg: string } {
	const node = new Parser(source).parse();
	const re2 = emit(node, re2Char);
	const pg = emit(node, pgChar);
	try {
		linearPattern(re2, { dotAll: true });
	} catch (error) {
		// A bug, not a bad pattern: let it surface.
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		if (!(error instanceof PatternError)) throw error;
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the engine has no n8n import; parse.ts reports it with its path
		throw new RegexSyntaxError(`the pattern does not compile (${error.message})`, 1);
	}
	return { re2, pg };
}
