/**
 * JSONata conditions with bounds, so that no expression can hang or kill n8n: each evaluation stops
 * after a time limit, below a depth limit, and once the lists it builds hold more entries in all
 * than a size limit (a range such as [1..10000000] is refused before it is allocated). Regular
 * expressions inside JSONata run on the linear-time engine (shared/patterns.ts). Exceeding a bound
 * fails that contact with the condition's path and the limit; the node's options raise the limits.
 */
import jsonata from 'jsonata';

import { LinearRegExp, PatternError } from '../../shared/patterns';
import { SegmentDefinitionError, SegmentEvaluationError } from './errors';

export interface ExpressionLimits {
	/** Milliseconds one evaluation may run. */
	timeMs: number;
	/** Levels of nested evaluation (JSONata's own stack, recursion included). */
	depth: number;
	/** Entries of all the lists one evaluation builds, counted together. */
	listSize: number;
}

export const DEFAULT_EXPRESSION_LIMITS: ExpressionLimits = { timeMs: 1000, depth: 1000, listSize: 1_000_000 };

const RAISE = 'raise it in the node\'s options, or simplify the expression';

/** Every regular expression written in the expression, with its position (walked without recursion). */
function regexLiterals(ast: unknown): Array<{ regex: RegExp; position: number }> {
	const found: Array<{ regex: RegExp; position: number }> = [];
	const stack: unknown[] = [ast];
	const seen = new Set<unknown>();
	while (stack.length) {
		const node = stack.pop();
		if (node === null || typeof node !== 'object' || seen.has(node)) continue;
		seen.add(node);
		const n = node as { type?: unknown; value?: unknown; position?: unknown };
		if (n.type === 'regex' && n.value instanceof RegExp) found.push({ regex: n.value, position: typeof n.position === 'number' ? n.position : 0 });
		for (const child of Object.values(node)) if (child !== null && typeof child === 'object' && !(child instanceof RegExp)) stack.push(child);
	}
	return found;
}

/** Compiles an expression for reading a definition: syntax, and regular expressions RE2 can run. */
export function checkExpression(expression: string, path: string): jsonata.Expression {
	let compiled: jsonata.Expression;
	try {
		compiled = jsonata(expression);
	} catch (error) {
		const e = error as { message?: string; position?: number };
		const where = typeof e.position === 'number' ? ` at position ${e.position}` : '';
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the engine has no n8n import; the node wraps it with the item
		throw new SegmentDefinitionError(path, `JSONata syntax error${where}: ${e.message ?? String(error)}`, 'Correct the expression; try it at try.jsonata.org with a sample contact.');
	}
	for (const { regex, position } of regexLiterals(compiled.ast())) {
		try {
			new LinearRegExp(regex);
		} catch (error) {
			// A bug, not a bad pattern: let it surface. (The engine has no n8n import; the node wraps it.)
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
			if (!(error instanceof PatternError)) throw error;
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the engine has no n8n import; the node wraps it with the item
			throw new SegmentDefinitionError(
				path,
				`the regular expression /${regex.source.slice(0, 60)}/ cannot run on the linear-time engine: ${error.message} (position ${position})`,
				'Rewrite it without backreferences or lookaround (e.g. test the parts separately and combine them with "and").',
			);
		}
	}
	return compiled;
}

/** The limits as given, each a whole number of at least 1; the defaults for the rest. */
export function expressionLimits(given: Partial<ExpressionLimits> = {}): ExpressionLimits {
	const out = { ...DEFAULT_EXPRESSION_LIMITS };
	for (const key of Object.keys(out) as Array<keyof ExpressionLimits>) {
		const v = given[key];
		if (v !== undefined) out[key] = Math.max(1, Math.floor(Number.isFinite(v) ? v : out[key]));
	}
	return out;
}

export type BoundedExpression = (input: unknown) => Promise<unknown>;

/**
 * After this many contacts of one run have hit the time limit, the rest of the run gets at most
 * STRICT_TIME_MS each: many slow contacts (a list of hostile sign-ups) then cost milliseconds each,
 * not the full limit each, while ordinary contacts (well under a millisecond) are unaffected.
 */
export const TIMEOUTS_BEFORE_STRICT = 3;
export const STRICT_TIME_MS = 20;

/** An expression whose every evaluation is bounded; errors name `path` (the condition's `….jsonata`). */
export function boundedExpression(expression: string, path: string, limits: ExpressionLimits): BoundedExpression {
	const normal = compileBounded(expression, limits);
	let strict: jsonata.Expression | undefined;
	let timeouts = 0;
	return async (input) => {
		const compiled = timeouts >= TIMEOUTS_BEFORE_STRICT ? (strict ??= compileBounded(expression, { ...limits, timeMs: Math.min(limits.timeMs, STRICT_TIME_MS) })) : normal;
		try {
			return await compiled.evaluate(input);
		} catch (error) {
			if ((error as { code?: string } | undefined)?.code === 'D1012') timeouts++;
			throw evaluationError(error, path, limits, compiled === strict);
		}
	};
}

function compileBounded(expression: string, limits: ExpressionLimits): jsonata.Expression {
	const compiled = jsonata(expression, { timeout: limits.timeMs, stack: limits.depth, sequence: limits.listSize, RegexEngine: LinearRegExp as unknown as RegExpConstructor });
	// Entries built so far, per evaluation (JSONata gives each evaluation its own base frame).
	const built = new WeakMap<object, number>();
	const countLists = (_expr: unknown, _input: unknown, environment: { base: object }, result: unknown) => {
		if (!Array.isArray(result) || result.length === 0) return;
		const total = (built.get(environment.base) ?? 0) + result.length;
		built.set(environment.base, total);
		if (total > limits.listSize) throw { code: 'D2015', value: total };
	};
	compiled.assign(Symbol.for('jsonata.__evaluate_exit') as unknown as string, countLists);
	return compiled;
}

function evaluationError(error: unknown, path: string, limits: ExpressionLimits, strict: boolean): SegmentEvaluationError {
	const e = (error ?? {}) as { code?: string; message?: string; position?: number };
	switch (e.code) {
		case 'D1012':
			return strict
				? new SegmentEvaluationError(
						path,
						`the expression ran longer than ${STRICT_TIME_MS} ms, the limit for each contact once ${TIMEOUTS_BEFORE_STRICT} contacts of this run had run out of the Expression Time Limit of ${limits.timeMs} ms`,
						`Simplify the expression, or check the contacts it runs on for very large fields.`,
					)
				: new SegmentEvaluationError(path, `the expression ran longer than the Expression Time Limit of ${limits.timeMs} ms`, `Expression Time Limit (Milliseconds): ${RAISE}.`);
		case 'D1011':
			return new SegmentEvaluationError(path, `the expression went deeper than the Expression Depth Limit of ${limits.depth} levels`, `Expression Depth Limit: ${RAISE} (an endless recursion never fits).`);
		case 'D2014':
		case 'D2015':
			return new SegmentEvaluationError(
				path,
				`the expression builds lists of more than ${limits.listSize} entries in all (the Expression List Size Limit)`,
				`Expression List Size Limit: ${RAISE}.`,
			);
	}
	const where = typeof e.position === 'number' ? ` at position ${e.position}` : '';
	return new SegmentEvaluationError(path, `JSONata error${where}: ${e.message ?? String(error)}`, 'Correct the expression, or guard it against contacts that lack the fields it reads.');
}
