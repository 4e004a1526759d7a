// Public API of sql/builtins: the registry of functions, operators and aggregates with
// PostgreSQL's overload resolution. Bind resolves a call once (types in; implementation and
// the argument types to coerce to out); exec calls `fn` per row with datums already coerced.
// Names are unqualified and lowercase ("pg_catalog." is stripped here).

import type { SqlType } from '../types/index.js';
import { Registry } from './registry.js';
import type { AggregateImpl, FunctionImpl, OperatorImpl } from './registry.js';
import { registerOperators } from './operators.js';
import { registerStringFunctions } from './string.js';
import { registerMathFunctions } from './math.js';
import { registerDateTimeFunctions } from './datetime.js';
import { registerJsonFunctions } from './json.js';
import { registerArrayFunctions } from './array.js';
import { registerSystemFunctions } from './system.js';
import { registerAggregates, wrapDistinct } from './aggregates.js';
import { setFunctionNames } from './srf.js';

export type { EvalContext, SessionInfo, CatalogInfo } from './context.js';
export type {
  OperatorImpl, FunctionImpl, AggregateImpl, Volatility, ScalarFn, BinaryFn, UnaryFn,
} from './registry.js';
export { poly } from './registry.js';
export { resolveSetFunction, isSetFunction } from './srf.js';
export type { SetFunctionImpl, SetColumn } from './srf.js';
/** timestamp(tz) + interval with PostgreSQL's calendar rules (the engine's generate_series uses it). */
export { addInterval } from './time-arith.js';

const registry = new Registry();
registerOperators(registry);
registerStringFunctions(registry);
registerMathFunctions(registry);
registerDateTimeFunctions(registry);
registerJsonFunctions(registry);
registerArrayFunctions(registry);
registerSystemFunctions(registry);
registerAggregates(registry);

function bare(name: string): string {
  const n = name.toLowerCase();
  return n.startsWith('pg_catalog.') ? n.slice('pg_catalog.'.length) : n;
}

/**
 * Resolves `left op right` (left null for prefix operators such as unary minus). Throws
 * 42883 "operator does not exist: integer + text" with PostgreSQL's hint. NOT, AND, OR,
 * IS [NOT] DISTINCT FROM, IN and = ANY(...) are the caller's (ANY resolves `=` on elements).
 */
export function resolveOperator(op: string, left: SqlType | null, right: SqlType): OperatorImpl {
  return registry.resolveOperator(op, left, right);
}

/** Resolves a scalar function call; 42883 "function foo(integer) does not exist". */
export function resolveFunction(name: string, argTypes: readonly SqlType[]): FunctionImpl {
  return registry.resolveFunction(bare(name), argTypes);
}

/**
 * Resolves an aggregate: count(*) is `resolveAggregate('count', [], { distinct: false, star: true })`.
 * With `distinct`, duplicate argument rows are skipped inside step(). ORDER BY inside the
 * call (string_agg(x, ',' ORDER BY y)) is the caller's: feed rows in that order.
 */
export function resolveAggregate(
  name: string,
  argTypes: readonly SqlType[],
  opts: { distinct: boolean; star?: boolean } = { distinct: false },
): AggregateImpl {
  const n = bare(name);
  const agg = registry.resolveAggregate(n === 'count' && opts.star ? 'count(*)' : n, opts.star ? [] : argTypes);
  return opts.distinct ? wrapDistinct(agg) : agg;
}

export function isAggregateName(name: string): boolean {
  return registry.isAggregate(bare(name));
}

/** Whether a function or aggregate of that name exists (any signature). */
export function functionExists(name: string): boolean {
  return registry.hasFunction(bare(name));
}

/** Every registered function and aggregate name (for pg_proc). */
export function allFunctionNames(): string[] {
  return [...registry.functionNames().filter((n) => n !== 'count(*)'), ...setFunctionNames()];
}
