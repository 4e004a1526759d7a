// Type coercion of bound expressions: unknown literals become constants of the target type,
// untyped parameters take the target type, everything else gets a cast node if PostgreSQL
// would allow the cast in that context. Constants are folded here so plans carry values.

import { sqlError } from '../errors.js';
import { canCast, castDatum, parseText, types, typeName } from '../types/index.js';
import type { CastContext, Datum, SqlType, TypeEnv } from '../types/index.js';
import type { ParamTypes } from './params.js';
import type { ConstExpr, Expr } from './types.js';

export function constExpr(type: SqlType, value: Datum): ConstExpr {
  return { kind: 'const', type, value };
}

export const TRUE_EXPR: ConstExpr = constExpr(types.bool, true);
export const NULL_EXPR: ConstExpr = constExpr(types.unknown, null);

/** True when the cast changes nothing at run time (same type, typmod irrelevant). */
function sameBase(a: SqlType, b: SqlType): boolean {
  if (a.oid !== b.oid) return false;
  return true;
}

/**
 * Coerces `e` to `to`. `context` decides which casts are allowed implicitly; `explicit`
 * casts also apply the target's typmod (varchar(3) truncates). Throws 42804 when impossible.
 */
export function coerceExpr(
  e: Expr,
  to: SqlType,
  context: CastContext,
  params: ParamTypes,
  env: TypeEnv,
): Expr {
  if (to.kind === 'any') return e.type.kind === 'unknown' ? coerceExpr(e, types.text, context, params, env) : e;
  if (e.kind === 'param' && e.type.kind === 'unknown') {
    const t = params.fix(e.index, to);
    const p: Expr = { kind: 'param', type: t, index: e.index };
    return to.typmod === -1 || to.kind === 'array' ? p : { kind: 'cast', type: to, arg: p, explicit: context === 'explicit' };
  }
  if (e.kind === 'const' && e.type.kind === 'unknown') {
    if (e.value === null) return constExpr(to, null);
    const parsed = parseText(to.typmod === -1 ? to : { ...to, typmod: -1 }, e.value as string, env);
    if (to.typmod === -1) return constExpr(to, parsed);
    return foldCast(constExpr(to.typmod === -1 ? to : stripTypmod(to), parsed), to, context === 'explicit' ? 'explicit' : 'assignment', env);
  }
  if (sameBase(e.type, to)) {
    if (to.typmod === -1 || e.type.typmod === to.typmod) return e;
    if (context !== 'explicit') return e; // typmods are enforced where values are stored
  }
  if (e.type.kind === 'unknown') {
    // An unknown-typed expression that is not a literal (e.g. CASE of literals): via text.
    return { kind: 'cast', type: to, arg: { ...e, type: types.text } as Expr, explicit: context === 'explicit' };
  }
  if (!canCast(e.type, to, context)) {
    if (context === 'explicit') {
      throw sqlError('42846', `cannot cast type ${typeName(e.type)} to ${typeName(to)}`);
    }
    throw sqlError('42804', `argument of type ${typeName(e.type)} cannot be coerced to ${typeName(to)}`);
  }
  if (e.kind === 'const') return foldCast(e, to, context, env);
  return { kind: 'cast', type: to, arg: e, explicit: context === 'explicit' };
}

function stripTypmod(t: SqlType): SqlType {
  return t.kind === 'array' ? t : { ...t, typmod: -1 };
}

function foldCast(e: ConstExpr, to: SqlType, context: CastContext, env: TypeEnv): Expr {
  // Casts to types whose value depends on session settings are folded too: cached plans are
  // keyed by the settings version, so a changed TimeZone re-plans.
  if (e.value === null) return constExpr(to, null);
  return constExpr(to, castDatum(e.value, e.type, to, context, env));
}

/** Coerces for assignment to a column: assignment casts, typmod kept for the store step. */
export function coerceAssign(e: Expr, to: SqlType, column: string, params: ParamTypes, env: TypeEnv): Expr {
  try {
    return coerceExpr(e, to, 'assignment', params, env);
  } catch (err) {
    if (err instanceof Error && (err as { code?: string }).code === '42804') {
      throw sqlError('42804', `column "${column}" is of type ${typeName(to)} but expression is of type ${typeName(e.type)}`, {
        hint: 'You will need to rewrite or cast the expression.',
      });
    }
    throw err;
  }
}

/** Coerces a condition (WHERE, ON, HAVING, CASE WHEN) to boolean. */
export function coerceBool(e: Expr, what: string, params: ParamTypes, env: TypeEnv): Expr {
  if (e.type.kind === 'bool') return e;
  if (e.type.kind === 'unknown') return coerceExpr(e, types.bool, 'implicit', params, env);
  throw sqlError('42804', `argument of ${what} must be type boolean, not type ${typeName(e.type)}`);
}
