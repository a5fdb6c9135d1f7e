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

/** An expression whose every evaluation is bounded; errors name `path` (the condition's `….jsonata`). */
export function boundedExpression(expression: string, path: string, limits: ExpressionLimits): BoundedExpression {
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
	return async (input) => {
		try {
			return await compiled.evaluate(input);
		} catch (error) {
			throw evaluationError(error, path, limits);
		}
	};
}

function evaluationError(error: unknown, path: string, limits: ExpressionLimits): SegmentEvaluationError {
	const e = (error ?? {}) as { code?: string; message?: string; position?: number };
	switch (e.code) {
		case 'D1012':
			return new SegmentEvaluationError(path, `the expression ran longer than the Expression Time Limit of ${limits.timeMs} ms`, `Expression Time Limit (Milliseconds): ${RAISE}.`);
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
