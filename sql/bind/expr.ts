// Expression binding: PostgreSQL parse-tree expressions → typed bound Expr. Resolves
// column references through scopes, operators and functions through sql/builtins (with
// PostgreSQL's unknown-literal and parameter typing), and collects aggregates when the
// clause allows them. Subqueries are bound through the owning Binder.

import { sqlError } from '../errors.js';
import {
  resolveAggregate,
  resolveFunction,
  resolveOperator,
  isAggregateName,
} from '../builtins/index.js';
import type { OperatorImpl } from '../builtins/index.js';
import { arrayOf, commonType, parseText, typeFromName, types, typeName } from '../types/index.js';
import type { SqlType, TypeEnv } from '../types/index.js';
import { nodeTag } from '../parse/index.js';
import type {
  A_Const,
  A_Expr,
  A_Indirection,
  BooleanTest,
  BoolExpr as AstBoolExpr,
  CaseExpr as AstCaseExpr,
  ColumnRef,
  FuncCall,
  MinMaxExpr as AstMinMaxExpr,
  Node,
  NullTest,
  SQLValueFunction,
  SubLink,
  TypeCast,
  TypeName,
} from '../parse/index.js';
import { coerceBool, coerceExpr, constExpr } from './coerce.js';
import type { ParamTypes } from './params.js';
import type { Scope } from './scope.js';
import type { AggCall, Expr, OutCol, Rel } from './types.js';

/** What expression binding needs from the statement binder. */
export interface ExprHost {
  readonly params: ParamTypes;
  readonly env: TypeEnv;
  /** Binds a subquery (a SelectStmt node) in `scope` (a child of the current scope). */
  bindSubquery(stmt: Node, scope: Scope): Rel;
}

/** Aggregates found while binding one query level's target list / HAVING / ORDER BY. */
export interface AggCollector {
  readonly aggs: AggCall[];
  readonly keys: string[];
}

export interface ExprCtx {
  readonly host: ExprHost;
  readonly scope: Scope;
  /** Non-null where aggregates are allowed. */
  readonly aggs: AggCollector | null;
  /** Clause name for error messages ("WHERE", "JOIN conditions", ...). */
  readonly clause: string;
}

export function bindExpr(node: Node, cx: ExprCtx): Expr {
  const tag = nodeTag(node);
  const body = (node as Record<string, unknown>)[tag];
  switch (tag) {
    case 'A_Const':
      return bindConst(body as A_Const);
    case 'ColumnRef':
      return bindColumnRef(body as ColumnRef, cx);
    case 'ParamRef': {
      const index = ((body as { number?: number }).number ?? 0) - 1;
      return { kind: 'param', type: cx.host.params.get(index), index };
    }
    case 'A_Expr':
      return bindAExpr(body as A_Expr, cx);
    case 'BoolExpr':
      return bindBoolExpr(body as AstBoolExpr, cx);
    case 'NullTest': {
      const n = body as NullTest;
      const arg = bindExpr(n.arg!, cx);
      return { kind: 'isnull', type: types.bool, arg, negated: n.nulltesttype === 'IS_NOT_NULL' };
    }
    case 'BooleanTest':
      return bindBooleanTest(body as BooleanTest, cx);
    case 'TypeCast':
      return bindTypeCast(body as TypeCast, cx);
    case 'FuncCall':
      return bindFuncCall(body as FuncCall, cx);
    case 'CaseExpr':
      return bindCase(body as AstCaseExpr, cx);
    case 'CoalesceExpr': {
      const args = ((body as { args?: Node[] }).args ?? []).map((a) => bindExpr(a, cx));
      const t = unify(args, 'COALESCE');
      return { kind: 'coalesce', type: t, args: args.map((a) => coerceTo(a, t, cx)) };
    }
    case 'MinMaxExpr': {
      const m = body as AstMinMaxExpr;
      const args = (m.args ?? []).map((a) => bindExpr(a, cx));
      const name = m.op === 'IS_GREATEST' ? 'GREATEST' : 'LEAST';
      const t = unify(args, name);
      return { kind: m.op === 'IS_GREATEST' ? 'greatest' : 'least', type: t, args: args.map((a) => coerceTo(a, t, cx)) };
    }
    case 'A_ArrayExpr':
      return bindArray((body as { elements?: Node[] }).elements ?? [], null, cx);
    case 'SubLink':
      return bindSubLink(body as SubLink, cx);
    case 'SQLValueFunction':
      return bindSqlValueFunction(body as SQLValueFunction, cx);
    case 'CollateClause':
      return bindExpr((body as { arg: Node }).arg, cx);
    case 'A_Indirection':
      return bindIndirection(body as A_Indirection, cx);
    case 'RowExpr': {
      const args = ((body as { args?: Node[] }).args ?? []).map((a) => bindExpr(a, cx));
      return { kind: 'row', type: types.record, args };
    }
    case 'SetToDefault':
      throw sqlError('42601', 'DEFAULT is not allowed in this context');
    case 'GroupingFunc':
      throw sqlError('0A000', 'GROUPING is not supported');
    default:
      throw sqlError('0A000', `expression ${tag} is not supported`);
  }
}

// ---------------------------------------------------------------- leaves

export function bindConst(c: A_Const): Expr {
  if (c.isnull === true) return constExpr(types.unknown, null);
  if (c.ival !== undefined) {
    const v = c.ival.ival ?? 0;
    return constExpr(types.int4, v);
  }
  if (c.fval !== undefined) {
    const s = c.fval.fval ?? '0';
    if (/^-?\d+$/.test(s)) {
      const b = BigInt(s);
      if (b >= -(2n ** 63n) && b < 2n ** 63n) return constExpr(types.int8, b);
    }
    return constExpr(types.numeric, parseText(types.numeric, s));
  }
  if (c.boolval !== undefined) return constExpr(types.bool, c.boolval.boolval === true);
  if (c.sval !== undefined) return constExpr(types.unknown, c.sval.sval ?? '');
  if (c.bsval !== undefined) throw sqlError('0A000', 'bit string literals are not supported');
  return constExpr(types.unknown, null);
}

function strField(n: Node): string | null {
  const s = (n as { String?: { sval?: string } }).String;
  return s === undefined ? null : (s.sval ?? '');
}

function bindColumnRef(ref: ColumnRef, cx: ExprCtx): Expr {
  const fields = ref.fields ?? [];
  const names = fields.map(strField);
  if (names.some((n) => n === null)) {
    throw sqlError('42601', '"*" is not allowed here');
  }
  let schema: string | null = null;
  let qualifier: string | null = null;
  let name: string;
  if (names.length === 1) name = names[0]!;
  else if (names.length === 2) [qualifier, name] = [names[0]!, names[1]!];
  else if (names.length === 3) [schema, qualifier, name] = [names[0]!, names[1]!, names[2]!];
  else throw sqlError('0A000', `column reference ${names.join('.')} is not supported`);
  const hit = cx.scope.lookupColumn(qualifier, name, schema);
  if (hit.kind === 'local') {
    const label = cx.scope.labelOf(hit.col.slot);
    return label === undefined ? { kind: 'col', type: hit.col.type, index: hit.col.slot } : { kind: 'col', type: hit.col.type, index: hit.col.slot, label };
  }
  return { kind: 'outer', type: hit.col.type, depth: hit.depth, index: hit.col.slot };
}

function coerceTo(e: Expr, t: SqlType, cx: ExprCtx): Expr {
  return coerceExpr(e, t, 'implicit', cx.host.params, cx.host.env);
}

function unify(args: readonly Expr[], construct: string): SqlType {
  const known = args.map((a) => a.type);
  if (known.every((t) => t.kind === 'unknown')) return types.text;
  return commonType(known, construct);
}

// ---------------------------------------------------------------- operators

/** Resolves `left op right`, coercing both operands to the operator's argument types. */
export function bindOperator(name: string, left: Expr | null, right: Expr, cx: ExprCtx): Expr {
  if (left !== null && left.kind === 'row' && right.kind === 'row') return bindRowCompare(name, left.args, right.args, cx);
  const op = resolveOperator(name, left === null ? null : left.type, right.type);
  return applyOperator(op, left, right, cx);
}

function applyOperator(op: OperatorImpl, left: Expr | null, right: Expr, cx: ExprCtx): Expr {
  const l = left === null || op.leftType === null ? null : coerceTo(left, op.leftType, cx);
  const r = coerceTo(right, op.rightType, cx);
  return { kind: 'op', type: op.returnType, op, left: l, right: r };
}

function bindRowCompare(name: string, l: readonly Expr[], r: readonly Expr[], cx: ExprCtx): Expr {
  if (l.length !== r.length) throw sqlError('42601', 'unequal number of entries in row expressions');
  const pairs = l.map((a, i) => bindOperator(name, a, r[i]!, cx));
  if (name === '=') return { kind: 'and', type: types.bool, args: pairs };
  if (name === '<>') return { kind: 'or', type: types.bool, args: pairs };
  if (!['<', '<=', '>', '>='].includes(name)) throw sqlError('0A000', `row comparison with ${name} is not supported`);
  // Lexicographic: (a1 < b1) OR (a1 = b1 AND a2 < b2) ... with the last pair using `name`.
  const strict = name.startsWith('<') ? '<' : '>';
  let acc: Expr = pairs[pairs.length - 1]!;
  for (let i = l.length - 2; i >= 0; i--) {
    const lt = bindOperator(strict, l[i]!, r[i]!, cx);
    const eq = bindOperator('=', l[i]!, r[i]!, cx);
    acc = { kind: 'or', type: types.bool, args: [lt, { kind: 'and', type: types.bool, args: [eq, acc] }] };
  }
  return acc;
}

function opName(names: readonly Node[] | undefined): string {
  const list = (names ?? []).map(strField);
  return list[list.length - 1] ?? '=';
}

function bindAExpr(a: A_Expr, cx: ExprCtx): Expr {
  const name = opName(a.name);
  switch (a.kind) {
    case 'AEXPR_OP': {
      const right = bindExpr(a.rexpr!, cx);
      const left = a.lexpr === undefined ? null : bindExpr(a.lexpr, cx);
      return bindOperator(name, left, right, cx);
    }
    case 'AEXPR_OP_ANY':
    case 'AEXPR_OP_ALL':
      return bindAnyAll(name, bindExpr(a.lexpr!, cx), bindExpr(a.rexpr!, cx), a.kind === 'AEXPR_OP_ALL', cx);
    case 'AEXPR_DISTINCT':
    case 'AEXPR_NOT_DISTINCT': {
      const l = bindExpr(a.lexpr!, cx);
      const r = bindExpr(a.rexpr!, cx);
      const eq = bindOperator('=', l, r, cx);
      if (eq.kind !== 'op') return eq; // row comparison: approximate by equality
      return { kind: 'distinct', type: types.bool, left: eq.left!, right: eq.right, eq: eq.op, negated: a.kind === 'AEXPR_NOT_DISTINCT' };
    }
    case 'AEXPR_NULLIF': {
      const l = bindExpr(a.lexpr!, cx);
      const r = bindExpr(a.rexpr!, cx);
      const eq = bindOperator('=', l, r, cx);
      if (eq.kind !== 'op') throw sqlError('0A000', 'NULLIF on rows is not supported');
      // An untyped first argument takes the type the = operator resolved it to (NULLIF(NULL, 1) is integer).
      const lt = l.type.kind === 'unknown' ? (eq.left!.type.kind === 'unknown' ? types.text : eq.left!.type) : l.type;
      return { kind: 'nullif', type: lt, left: coerceTo(l, lt, cx), right: eq.right, eq: eq.op };
    }
    case 'AEXPR_IN':
      return bindInList(name, a, cx);
    case 'AEXPR_LIKE':
    case 'AEXPR_ILIKE':
      return bindOperator(name, bindExpr(a.lexpr!, cx), bindExpr(a.rexpr!, cx), cx);
    case 'AEXPR_SIMILAR':
      throw sqlError('0A000', 'SIMILAR TO is not supported');
    case 'AEXPR_BETWEEN':
    case 'AEXPR_NOT_BETWEEN':
    case 'AEXPR_BETWEEN_SYM':
    case 'AEXPR_NOT_BETWEEN_SYM':
      return bindBetween(a, cx);
    default:
      throw sqlError('0A000', `operator kind ${String(a.kind)} is not supported`);
  }
}

function listItems(n: Node | undefined): Node[] {
  if (n === undefined) return [];
  const l = (n as { List?: { items?: Node[] } }).List;
  return l === undefined ? [n] : (l.items ?? []);
}

function bindBetween(a: A_Expr, cx: ExprCtx): Expr {
  const [lo, hi] = listItems(a.rexpr).map((n) => bindExpr(n, cx));
  const x = bindExpr(a.lexpr!, cx);
  const not = a.kind === 'AEXPR_NOT_BETWEEN' || a.kind === 'AEXPR_NOT_BETWEEN_SYM';
  const range = (l: Expr, h: Expr): Expr =>
    not
      ? { kind: 'or', type: types.bool, args: [bindOperator('<', x, l, cx), bindOperator('>', x, h, cx)] }
      : { kind: 'and', type: types.bool, args: [bindOperator('>=', x, l, cx), bindOperator('<=', x, h, cx)] };
  if (a.kind === 'AEXPR_BETWEEN' || a.kind === 'AEXPR_NOT_BETWEEN') return range(lo!, hi!);
  // SYMMETRIC: either order.
  const both: Expr[] = [range(lo!, hi!), range(hi!, lo!)];
  return not ? { kind: 'and', type: types.bool, args: both } : { kind: 'or', type: types.bool, args: both };
}

function bindInList(name: string, a: A_Expr, cx: ExprCtx): Expr {
  const left = bindExpr(a.lexpr!, cx);
  const items = listItems(a.rexpr).map((n) => bindExpr(n, cx));
  // Resolve the comparison on the common type of the left side and the list, as PostgreSQL.
  const all = [left, ...items];
  const t = unify(all, 'IN');
  const l = coerceTo(left, t, cx);
  const list = items.map((e) => coerceTo(e, t, cx));
  const op = resolveOperator('=', t, t);
  const negated = name === '<>';
  return { kind: 'inlist', type: types.bool, left: l, list, eqs: list.map(() => op), negated };
}

function bindAnyAll(name: string, left: Expr, right: Expr, all: boolean, cx: ExprCtx): Expr {
  let arr = right;
  if (arr.type.kind === 'unknown') {
    const elem = left.type.kind === 'unknown' ? types.text : left.type;
    arr = coerceTo(arr, arrayOf(elem), cx);
  }
  if (arr.type.kind !== 'array') {
    throw sqlError('42809', `op ANY/ALL (array) requires array on right side`);
  }
  const op = resolveOperator(name, left.type, arr.type.elem!);
  const l = coerceTo(left, op.leftType ?? op.rightType, cx);
  const r = coerceTo(arr, arrayOf(op.rightType), cx);
  return { kind: 'anyall', type: types.bool, op, left: l, right: r, all };
}

function bindBoolExpr(b: AstBoolExpr, cx: ExprCtx): Expr {
  const what = b.boolop === 'AND_EXPR' ? 'AND' : b.boolop === 'OR_EXPR' ? 'OR' : 'NOT';
  const args = (b.args ?? []).map((n) => coerceBool(bindExpr(n, cx), what, cx.host.params, cx.host.env));
  if (b.boolop === 'NOT_EXPR') return { kind: 'not', type: types.bool, arg: args[0]! };
  const kind = b.boolop === 'AND_EXPR' ? 'and' : 'or';
  // Flatten nested ANDs/ORs so the planner sees every conjunct.
  const flat: Expr[] = [];
  for (const a of args) {
    if (a.kind === kind) flat.push(...a.args);
    else flat.push(a);
  }
  return { kind, type: types.bool, args: flat };
}

function bindBooleanTest(b: BooleanTest, cx: ExprCtx): Expr {
  const arg = coerceBool(bindExpr(b.arg!, cx), 'IS TRUE', cx.host.params, cx.host.env);
  const t = b.booltesttype ?? 'IS_TRUE';
  const test = t.includes('TRUE') ? 'true' : t.includes('FALSE') ? 'false' : 'unknown';
  return { kind: 'booltest', type: types.bool, arg, test, negated: t.includes('_NOT_') };
}

// ---------------------------------------------------------------- casts

/** Resolves a parse-tree TypeName (`integer`, `varchar(10)`, `pg_catalog.int4[]`). */
export function resolveTypeName(tn: TypeName): SqlType {
  const names = (tn.names ?? []).map(strField).filter((s): s is string => s !== null);
  let name = names[names.length - 1] ?? '';
  if (names.length === 1 && name === 'char') name = '"char"';
  if (names.length === 2 && names[0] !== 'pg_catalog' && names[0] !== 'public') {
    throw sqlError('42704', `type "${names.join('.')}" does not exist`);
  }
  const mods: number[] = [];
  for (const m of tn.typmods ?? []) {
    const c = (m as { A_Const?: A_Const }).A_Const;
    if (c?.ival !== undefined) mods.push(c.ival.ival ?? 0);
    else if (name !== 'interval') throw sqlError('42601', 'type modifiers must be simple constants or identifiers');
  }
  const bounds = (tn.arrayBounds ?? []).map(() => -1);
  if (tn.setof === true) throw sqlError('0A000', 'SETOF is not supported here');
  return typeFromName(name, name === 'interval' ? [] : mods, bounds);
}

function bindTypeCast(tc: TypeCast, cx: ExprCtx): Expr {
  const to = resolveTypeName(tc.typeName!);
  const argNode = tc.arg!;
  if (nodeTag(argNode) === 'A_ArrayExpr' && to.kind === 'array') {
    const elems = (argNode as { A_ArrayExpr: { elements?: Node[] } }).A_ArrayExpr.elements ?? [];
    return bindArray(elems, to, cx);
  }
  const arg = bindExpr(argNode, cx);
  return coerceExpr(arg, to, 'explicit', cx.host.params, cx.host.env);
}

function bindArray(elements: readonly Node[], target: SqlType | null, cx: ExprCtx): Expr {
  // ARRAY[[1, 2], [3, 4]] (or ARRAY[ARRAY[...], ...]): sub-arrays of one array type, stacked.
  const subArrays = elements.length > 0 && elements.every((n) => nodeTag(n) === 'A_ArrayExpr');
  if (subArrays && target !== null) {
    const elems = elements.map((n) => bindArray((n as { A_ArrayExpr: { elements?: Node[] } }).A_ArrayExpr.elements ?? [], target, cx));
    return { kind: 'array', type: target, elems, nested: true };
  }
  const elems = elements.map((n) => bindExpr(n, cx));
  let elemType: SqlType;
  if (target !== null) elemType = target.elem!;
  else if (elems.length === 0) throw sqlError('42P18', 'cannot determine type of empty array', { hint: 'Explicitly cast to the desired type, for example ARRAY[]::integer[].' });
  else elemType = unify(elems, 'ARRAY');
  if (elemType.kind === 'array') {
    const coerced = elems.map((e) => coerceExpr(e, elemType, 'implicit', cx.host.params, cx.host.env));
    return { kind: 'array', type: elemType, elems: coerced, nested: true };
  }
  const coerced = elems.map((e) => coerceExpr(e, elemType, target === null ? 'implicit' : 'explicit', cx.host.params, cx.host.env));
  return { kind: 'array', type: arrayOf(elemType), elems: coerced };
}

function bindIndirection(ind: A_Indirection, cx: ExprCtx): Expr {
  let e = bindExpr(ind.arg!, cx);
  for (const step of ind.indirection ?? []) {
    const idx = (step as { A_Indices?: { uidx?: Node; is_slice?: boolean } }).A_Indices;
    if (idx === undefined || idx.is_slice === true || idx.uidx === undefined) {
      throw sqlError('0A000', 'only simple array subscripts are supported');
    }
    // int2vector / oidvector subscripts count from 0: the cast to the array keeps that bound.
    if (e.type.kind === 'int2vector' || e.type.kind === 'oidvector') e = coerceTo(e, arrayOf(e.type.kind === 'int2vector' ? types.int2 : types.oid), cx);
    if (e.type.kind !== 'array') {
      throw sqlError('42804', `cannot subscript type ${typeName(e.type)} because it does not support subscripting`);
    }
    const i = coerceTo(bindExpr(idx.uidx, cx), types.int4, cx);
    e = { kind: 'subscript', type: e.type.elem!, arg: e, index: i };
  }
  return e;
}

// ---------------------------------------------------------------- CASE

function bindCase(c: AstCaseExpr, cx: ExprCtx): Expr {
  const operand = c.arg === undefined ? null : bindExpr(c.arg, cx);
  const conds: Expr[] = [];
  const results: Expr[] = [];
  for (const w of c.args ?? []) {
    const cw = (w as { CaseWhen: { expr: Node; result: Node } }).CaseWhen;
    const v = bindExpr(cw.expr, cx);
    conds.push(operand === null ? coerceBool(v, 'CASE/WHEN', cx.host.params, cx.host.env) : bindOperator('=', operand, v, cx));
    results.push(bindExpr(cw.result, cx));
  }
  const dflt = c.defresult === undefined ? constExpr(types.unknown, null) : bindExpr(c.defresult, cx);
  // PostgreSQL considers the ELSE result first (it wins ties and leads the error message).
  const t = unify([dflt, ...results], 'CASE');
  return {
    kind: 'case',
    type: t,
    whens: conds.map((when, i) => ({ when, then: coerceTo(results[i]!, t, cx) })),
    else: coerceTo(dflt, t, cx),
  };
}

// ---------------------------------------------------------------- functions

function funcName(fc: FuncCall): { schema: string | null; name: string } {
  const parts = (fc.funcname ?? []).map(strField).filter((s): s is string => s !== null);
  const name = parts[parts.length - 1] ?? '';
  return { schema: parts.length > 1 ? parts[0]! : null, name };
}

function bindFuncCall(fc: FuncCall, cx: ExprCtx): Expr {
  const { name } = funcName(fc);
  if (fc.over !== undefined) throw sqlError('0A000', `window functions are not supported (${name})`);
  if (isAggregateName(name)) return bindAggregate(name, fc, cx);
  if (fc.agg_star === true || fc.agg_distinct === true) {
    throw sqlError('42809', `${name}(*) specified, but ${name} is not an aggregate function`);
  }
  const args = namedArgsToPositions(name, fc.args ?? []).map((a) => bindExpr(a, cx));
  return bindFunction(name, args, cx);
}

/** Parameter names and defaults of builtins that PostgreSQL lets callers name (make_interval(days => 10)). */
const NAMED_PARAMS: Record<string, ReadonlyArray<readonly [string, number]>> = {
  make_interval: [['years', 0], ['months', 0], ['weeks', 0], ['days', 0], ['hours', 0], ['mins', 0], ['secs', 0]],
};

/** Puts `name => value` arguments at their parameter's position, filling the rest with defaults. */
function namedArgsToPositions(fname: string, args: readonly Node[]): readonly Node[] {
  const named = args.filter((a) => (a as { NamedArgExpr?: unknown }).NamedArgExpr !== undefined);
  const params = NAMED_PARAMS[fname];
  if (named.length === 0 && (params === undefined || args.length === params.length)) return args;
  if (params === undefined) throw sqlError('42883', `function ${fname} does not accept named arguments`);
  const out: (Node | undefined)[] = params.map((_p, i) => (i < args.length - named.length ? args[i] : undefined));
  for (const a of named) {
    const na = (a as { NamedArgExpr: { name?: string; arg?: Node } }).NamedArgExpr;
    const i = params.findIndex(([n]) => n === na.name);
    if (i < 0) throw sqlError('42883', `function ${fname}(${na.name} => ...) does not exist`);
    if (out[i] !== undefined) throw sqlError('42601', `argument name "${na.name}" used more than once`);
    out[i] = na.arg;
  }
  return out.map((n, i) => n ?? ({ A_Const: { ival: { ival: params[i]![1] } } } as unknown as Node));
}

/** Resolves a scalar function call on bound arguments. */
export function bindFunction(name: string, args: readonly Expr[], cx: ExprCtx): Expr {
  const fn = resolveFunction(name, args.map((a) => a.type));
  const coerced = args.map((a, i) => coerceTo(a, fn.argTypes[i] ?? fn.argTypes[fn.argTypes.length - 1] ?? a.type, cx));
  return { kind: 'func', type: fn.returnType, fn, args: coerced };
}

function bindAggregate(name: string, fc: FuncCall, cx: ExprCtx): Expr {
  if (cx.aggs === null) {
    if (cx.clause === 'aggregate function calls') throw sqlError('42803', 'aggregate function calls cannot be nested');
    throw sqlError('42803', `aggregate functions are not allowed in ${cx.clause}`);
  }
  // Arguments of an aggregate see the ungrouped row and may not nest aggregates.
  const inner: ExprCtx = { ...cx, aggs: null, clause: 'aggregate function calls' };
  const args = fc.agg_star === true ? [] : (fc.args ?? []).map((a) => bindExpr(a, inner));
  const order = (fc.agg_order ?? []).map((n) => {
    const sb = (n as { SortBy: { node?: Node; sortby_dir?: string; sortby_nulls?: string } }).SortBy;
    const desc = sb.sortby_dir === 'SORTBY_DESC';
    const nullsFirst = sb.sortby_nulls === 'SORTBY_NULLS_FIRST' ? true : sb.sortby_nulls === 'SORTBY_NULLS_LAST' ? false : desc;
    const e = bindExpr(sb.node!, inner);
    return { expr: e.type.kind === 'unknown' ? coerceTo(e, types.text, cx) : e, desc, nullsFirst };
  });
  const agg = resolveAggregate(name, args.map((a) => a.type), { distinct: fc.agg_distinct === true, star: fc.agg_star === true });
  const coerced = args.map((a, i) => coerceTo(a, agg.argTypes[i] ?? a.type, cx));
  const filter = fc.agg_filter === undefined ? null : coerceBool(bindExpr(fc.agg_filter, inner), 'FILTER', cx.host.params, cx.host.env);
  const call: AggCall = { agg, args: coerced, distinct: fc.agg_distinct === true, filter, type: agg.returnType, order };
  const key =
    exprKey({ kind: 'func', type: agg.returnType, fn: agg as never, args: coerced }) +
    `|${name}|${call.distinct}|${filter === null ? '' : exprKey(filter)}|${order.map((o) => `${exprKey(o.expr)}${o.desc}${o.nullsFirst}`).join(',')}`;
  let index = cx.aggs.keys.indexOf(key);
  if (index < 0) {
    index = cx.aggs.aggs.length;
    cx.aggs.aggs.push(call);
    cx.aggs.keys.push(key);
  }
  // Placeholder: the select binder maps aggregate i to the slot after the group keys.
  return { kind: 'col', type: agg.returnType, index: AGG_SLOT_BASE + index };
}

/** Aggregate placeholders use slots from here on until the select binder renumbers them. */
export const AGG_SLOT_BASE = 1 << 24;

function bindSqlValueFunction(f: SQLValueFunction, cx: ExprCtx): Expr {
  const names: Record<string, string> = {
    SVFOP_CURRENT_DATE: 'current_date',
    SVFOP_CURRENT_TIME: 'current_time',
    SVFOP_CURRENT_TIME_N: 'current_time',
    SVFOP_CURRENT_TIMESTAMP: 'now',
    SVFOP_CURRENT_TIMESTAMP_N: 'now',
    SVFOP_LOCALTIME: 'localtime',
    SVFOP_LOCALTIME_N: 'localtime',
    SVFOP_LOCALTIMESTAMP: 'localtimestamp',
    SVFOP_LOCALTIMESTAMP_N: 'localtimestamp',
    SVFOP_CURRENT_ROLE: 'current_user',
    SVFOP_CURRENT_USER: 'current_user',
    SVFOP_USER: 'current_user',
    SVFOP_SESSION_USER: 'session_user',
    SVFOP_CURRENT_CATALOG: 'current_database',
    SVFOP_CURRENT_SCHEMA: 'current_schema',
  };
  const name = names[f.op ?? ''];
  if (name === undefined) throw sqlError('0A000', `${String(f.op)} is not supported`);
  return bindFunction(name, [], cx);
}

/** Column name PostgreSQL gives an SQLValueFunction (current_timestamp, ...). */
export function sqlValueFunctionName(op: string | undefined): string {
  const m: Record<string, string> = {
    SVFOP_CURRENT_DATE: 'current_date',
    SVFOP_CURRENT_TIME: 'current_time',
    SVFOP_CURRENT_TIME_N: 'current_time',
    SVFOP_CURRENT_TIMESTAMP: 'current_timestamp',
    SVFOP_CURRENT_TIMESTAMP_N: 'current_timestamp',
    SVFOP_LOCALTIME: 'localtime',
    SVFOP_LOCALTIME_N: 'localtime',
    SVFOP_LOCALTIMESTAMP: 'localtimestamp',
    SVFOP_LOCALTIMESTAMP_N: 'localtimestamp',
    SVFOP_CURRENT_ROLE: 'current_role',
    SVFOP_CURRENT_USER: 'current_user',
    SVFOP_USER: 'current_user',
    SVFOP_SESSION_USER: 'session_user',
    SVFOP_CURRENT_CATALOG: 'current_catalog',
    SVFOP_CURRENT_SCHEMA: 'current_schema',
  };
  return m[op ?? ''] ?? '?column?';
}

// ---------------------------------------------------------------- subqueries

function bindSubLink(s: SubLink, cx: ExprCtx): Expr {
  const child = cx.scope.child();
  const rel = cx.host.bindSubquery(s.subselect!, child);
  const visible = rel.cols.filter((c) => c.hidden !== true);
  const correlated = child.outerRefs > 0;
  const depth = child.depth;
  switch (s.subLinkType) {
    case 'EXISTS_SUBLINK':
      return { kind: 'subquery', type: types.bool, mode: 'exists', rel, left: null, op: null, correlated, depth };
    case 'EXPR_SUBLINK':
    case 'ARRAY_SUBLINK': {
      if (visible.length !== 1) throw sqlError('42601', 'subquery must return only one column');
      const t = visible[0]!.type.kind === 'unknown' ? types.text : visible[0]!.type;
      if (s.subLinkType === 'EXPR_SUBLINK') {
        return { kind: 'subquery', type: t, mode: 'scalar', rel, left: null, op: null, correlated, depth };
      }
      return { kind: 'subquery', type: arrayOf(t), mode: 'array', rel, left: null, op: null, correlated, depth };
    }
    case 'ANY_SUBLINK':
    case 'ALL_SUBLINK': {
      const left = bindExpr(s.testexpr!, cx);
      const name = s.operName === undefined ? '=' : opName(s.operName);
      if (visible.length !== 1 || left.kind === 'row') return bindRowSubLink(s, left, name, visible, rel, correlated, depth, cx);
      const rt = visible[0]!.type;
      const op = resolveOperator(name, left.type, rt.kind === 'unknown' ? types.text : rt);
      const l = coerceTo(left, op.leftType ?? op.rightType, cx);
      const mode = s.subLinkType === 'ANY_SUBLINK' ? 'any' : 'all';
      return { kind: 'subquery', type: types.bool, mode, rel, left: l, op, correlated, depth };
    }
    default:
      throw sqlError('0A000', `subquery kind ${String(s.subLinkType)} is not supported`);
  }
}

/** (a, b) IN / = ANY / <> ALL (SELECT x, y ...): column-wise operators combined like a row comparison. */
function bindRowSubLink(s: SubLink, left: Expr, name: string, visible: readonly OutCol[], rel: Rel, correlated: boolean, depth: number, cx: ExprCtx): Expr {
  if (left.kind !== 'row' || left.args.length !== visible.length) {
    throw sqlError('42601', visible.length > 1 ? 'subquery has too many columns' : 'subquery has too few columns');
  }
  if (name !== '=' && name !== '<>') throw sqlError('0A000', `row comparison with ${name} in a subquery is not supported`);
  const ops: OperatorImpl[] = [];
  const args = left.args.map((a, i) => {
    const rt = visible[i]!.type;
    const op = resolveOperator(name, a.type, rt.kind === 'unknown' ? types.text : rt);
    ops.push(op);
    return coerceTo(a, op.leftType ?? op.rightType, cx);
  });
  const mode = s.subLinkType === 'ANY_SUBLINK' ? 'any' : 'all';
  const row: Expr = { ...left, args };
  return { kind: 'subquery', type: types.bool, mode, rel, left: row, op: ops[0]!, rowOps: ops, correlated, depth };
}

// ---------------------------------------------------------------- helpers

/** A structural key of a bound expression (for GROUP BY matching and de-duplication). */
export function exprKey(e: Expr): string {
  return JSON.stringify(e, (k, v) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (k === 'op' || k === 'fn' || k === 'eq' || k === 'agg') return (v as { name?: string } | null)?.name ?? null;
    if (k === 'eqs') return (v as { name: string }[]).map((o) => o.name);
    if (k === 'rel') return '<subquery>';
    if (k === 'label') return undefined;
    if (k === 'type') return (v as SqlType).oid * 1000 + (v as SqlType).typmod;
    return v;
  });
}

/** Splits an AND tree into conjuncts. */
export function conjuncts(e: Expr | null): Expr[] {
  if (e === null) return [];
  if (e.kind === 'and') return e.args.flatMap((a) => conjuncts(a));
  return [e];
}

/** Rebuilds an AND of conjuncts (null for none). */
export function andOf(list: readonly Expr[]): Expr | null {
  if (list.length === 0) return null;
  if (list.length === 1) return list[0]!;
  return { kind: 'and', type: types.bool, args: list };
}
