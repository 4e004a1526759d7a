// Expression parse trees back to SQL text, in the style of PostgreSQL's ruleutils (nested
// operators parenthesized, casts as ::type with format_type names). DEFAULT and CHECK
// expressions are stored in descriptors as this text (descriptors are plain data); the
// engine re-parses it when binding, and pg_get_expr / pg_get_constraintdef show it.
// Called by catalog/ddl and sql/vtables.

import { sqlError } from '../errors.js';
import type { Node, TypeName } from '../parse/index.js';
import type { SqlType } from '../types/index.js';
import { typeFromName, typeMeta, typeName, types, withTypmod } from '../types/index.js';

// PostgreSQL's reserved keywords (those that need quoting as column names).
const RESERVED = new Set(
  (
    'all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate collation ' +
    'column concurrently constraint create cross current_catalog current_date current_role current_schema current_time ' +
    'current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign freeze ' +
    'from full grant group having ilike in initially inner intersect into is isnull join lateral leading left like limit ' +
    'localtime localtimestamp natural not notnull null offset on only or order outer overlaps placing primary references ' +
    'returning right select session_user similar some symmetric system_user table tablesample then to trailing true union ' +
    'unique user using variadic verbose when where window with'
  ).split(' '),
);

export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(s: string): string {
  return s.includes('\\') ? `E'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'` : `'${s.replace(/'/g, "''")}'`;
}

function str(n: Node | undefined): string {
  if (n !== undefined && 'String' in n) return n.String.sval ?? '';
  if (n !== undefined && 'A_Star' in n) return '*';
  throw sqlError('XX000', 'deparse: expected a name');
}

/** A qualified name list as written, with pg_catalog dropped (ruleutils does the same for built-ins). */
function funcName(names: readonly Node[]): string {
  const parts = names.map(str);
  if (parts.length === 2 && parts[0] === 'pg_catalog') parts.shift();
  return parts.map(quoteIdent).join('.');
}

/** format_type-style name of a TypeName node ('character varying(10)', 'integer[]', 'regclass'). */
export function deparseTypeName(t: TypeName): string {
  const names = (t.names ?? []).map(str);
  const typmods = (t.typmods ?? []).map((m) => {
    if ('A_Const' in m && m.A_Const.ival !== undefined) return m.A_Const.ival.ival ?? 0;
    throw sqlError('42601', 'type modifiers must be simple constants');
  });
  const bounds = (t.arrayBounds ?? []).map((b) => ('Integer' in b ? (b.Integer.ival ?? -1) : -1));
  const base = names.length === 2 && names[0] === 'pg_catalog' ? names[1]! : names[names.length - 1]!;
  try {
    return typeName(typeFromName(base, typmods, bounds.length > 0 ? bounds : undefined));
  } catch {
    return names.map(quoteIdent).join('.') + (typmods.length > 0 ? `(${typmods.join(',')})` : '') + '[]'.repeat(bounds.length);
  }
}

function constText(c: Extract<Node, { A_Const: unknown }>['A_Const']): string {
  if (c.isnull === true) return 'NULL';
  if (c.ival !== undefined) return String(c.ival.ival ?? 0);
  if (c.fval !== undefined) return c.fval.fval ?? '0';
  if (c.boolval !== undefined) return c.boolval.boolval === true ? 'true' : 'false';
  if (c.sval !== undefined) return quoteLiteral(c.sval.sval ?? '');
  if (c.bsval !== undefined) {
    const b = c.bsval.bsval ?? '';
    return `${b[0]?.toUpperCase() ?? 'B'}'${b.slice(1)}'`;
  }
  return 'NULL';
}

/** Parenthesizes operands that are themselves operators, as ruleutils does. */
function operand(n: Node): string {
  const s = deparseExpr(n);
  if ('A_Expr' in n || 'BoolExpr' in n || 'NullTest' in n || 'BooleanTest' in n) return `(${s})`;
  if ('A_Const' in n && /^-/.test(s)) return `(${s})`;
  return s;
}

const SVF: Record<string, string> = {
  SVFOP_CURRENT_DATE: 'CURRENT_DATE',
  SVFOP_CURRENT_TIME: 'CURRENT_TIME',
  SVFOP_CURRENT_TIME_N: 'CURRENT_TIME',
  SVFOP_CURRENT_TIMESTAMP: 'CURRENT_TIMESTAMP',
  SVFOP_CURRENT_TIMESTAMP_N: 'CURRENT_TIMESTAMP',
  SVFOP_LOCALTIME: 'LOCALTIME',
  SVFOP_LOCALTIME_N: 'LOCALTIME',
  SVFOP_LOCALTIMESTAMP: 'LOCALTIMESTAMP',
  SVFOP_LOCALTIMESTAMP_N: 'LOCALTIMESTAMP',
  SVFOP_CURRENT_ROLE: 'CURRENT_ROLE',
  SVFOP_CURRENT_USER: 'CURRENT_USER',
  SVFOP_USER: 'USER',
  SVFOP_SESSION_USER: 'SESSION_USER',
  SVFOP_CURRENT_CATALOG: 'CURRENT_CATALOG',
  SVFOP_CURRENT_SCHEMA: 'CURRENT_SCHEMA',
};

/** SQL text of an expression parse tree. Unsupported node kinds raise 0A000. */
export function deparseExpr(node: Node): string {
  if ('A_Const' in node) return constText(node.A_Const);
  if ('ColumnRef' in node) return (node.ColumnRef.fields ?? []).map((f) => (str(f) === '*' ? '*' : quoteIdent(str(f)))).join('.');
  if ('ParamRef' in node) return `$${node.ParamRef.number ?? 0}`;
  if ('TypeCast' in node) {
    const arg = node.TypeCast.arg!;
    const inner = 'A_Const' in arg && arg.A_Const.isnull !== true && arg.A_Const.sval === undefined ? `(${deparseExpr(arg)})` : operand(arg);
    return `${inner}::${deparseTypeName(node.TypeCast.typeName ?? {})}`;
  }
  if ('FuncCall' in node) return deparseFuncCall(node.FuncCall);
  if ('SQLValueFunction' in node) return SVF[node.SQLValueFunction.op ?? ''] ?? 'CURRENT_TIMESTAMP';
  if ('A_Expr' in node) return deparseAExpr(node.A_Expr);
  if ('BoolExpr' in node) {
    const args = node.BoolExpr.args ?? [];
    if (node.BoolExpr.boolop === 'NOT_EXPR') return `NOT ${operand(args[0]!)}`;
    const op = node.BoolExpr.boolop === 'AND_EXPR' ? ' AND ' : ' OR ';
    return args.map(operand).join(op);
  }
  if ('NullTest' in node) {
    return `${operand(node.NullTest.arg!)} ${node.NullTest.nulltesttype === 'IS_NULL' ? 'IS NULL' : 'IS NOT NULL'}`;
  }
  if ('BooleanTest' in node) {
    const words = (node.BooleanTest.booltesttype ?? 'IS_TRUE').replace(/_/g, ' ');
    return `${operand(node.BooleanTest.arg!)} ${words}`;
  }
  return deparseMore(node);
}

function deparseMore(node: Node): string {
  if ('CoalesceExpr' in node) return `COALESCE(${(node.CoalesceExpr.args ?? []).map(deparseExpr).join(', ')})`;
  if ('MinMaxExpr' in node) {
    const f = node.MinMaxExpr.op === 'IS_GREATEST' ? 'GREATEST' : 'LEAST';
    return `${f}(${(node.MinMaxExpr.args ?? []).map(deparseExpr).join(', ')})`;
  }
  if ('CaseExpr' in node) {
    const c = node.CaseExpr;
    let s = 'CASE';
    if (c.arg !== undefined) s += ` ${deparseExpr(c.arg)}`;
    for (const w of c.args ?? []) {
      if ('CaseWhen' in w) s += ` WHEN ${deparseExpr(w.CaseWhen.expr!)} THEN ${deparseExpr(w.CaseWhen.result!)}`;
    }
    if (c.defresult !== undefined) s += ` ELSE ${deparseExpr(c.defresult)}`;
    return `${s} END`;
  }
  if ('A_ArrayExpr' in node) return `ARRAY[${(node.A_ArrayExpr.elements ?? []).map(deparseExpr).join(', ')}]`;
  if ('RowExpr' in node) return `ROW(${(node.RowExpr.args ?? []).map(deparseExpr).join(', ')})`;
  if ('CollateClause' in node) {
    return `${operand(node.CollateClause.arg!)} COLLATE ${(node.CollateClause.collname ?? []).map((n) => quoteIdent(str(n))).join('.')}`;
  }
  if ('NamedArgExpr' in node) return `${quoteIdent(node.NamedArgExpr.name ?? '')} => ${deparseExpr(node.NamedArgExpr.arg!)}`;
  if ('A_Indirection' in node) {
    let s = `(${deparseExpr(node.A_Indirection.arg!)})`;
    for (const ind of node.A_Indirection.indirection ?? []) {
      if ('A_Indices' in ind) {
        const lo = ind.A_Indices.lidx ? deparseExpr(ind.A_Indices.lidx) : '';
        const hi = ind.A_Indices.uidx ? deparseExpr(ind.A_Indices.uidx) : '';
        s += ind.A_Indices.is_slice === true ? `[${lo}:${hi}]` : `[${hi}]`;
      } else s += `.${quoteIdent(str(ind))}`;
    }
    return s;
  }
  const tag = Object.keys(node)[0] ?? 'unknown';
  throw sqlError('0A000', `expression of kind ${tag} is not supported here`);
}

function deparseFuncCall(f: Extract<Node, { FuncCall: unknown }>['FuncCall']): string {
  const name = funcName(f.funcname ?? []);
  if (f.agg_star === true) return `${name}(*)`;
  const args = (f.args ?? []).map(deparseExpr);
  return `${name}(${f.agg_distinct === true ? 'DISTINCT ' : ''}${args.join(', ')})`;
}

function deparseAExpr(e: Extract<Node, { A_Expr: unknown }>['A_Expr']): string {
  const op = (e.name ?? []).map(str).filter((s) => s !== 'pg_catalog').join('.');
  const l = e.lexpr;
  const r = e.rexpr;
  const list = (n: Node | undefined): string[] => (n !== undefined && 'List' in n ? (n.List.items ?? []).map(deparseExpr) : []);
  switch (e.kind) {
    case 'AEXPR_OP':
      if (l === undefined) return `${op}${operand(r!)}`;
      if (r === undefined) return `${operand(l)}${op}`;
      return `${operand(l)} ${op} ${operand(r)}`;
    case 'AEXPR_OP_ANY':
      return `${operand(l!)} ${op} ANY (${deparseExpr(r!)})`;
    case 'AEXPR_OP_ALL':
      return `${operand(l!)} ${op} ALL (${deparseExpr(r!)})`;
    case 'AEXPR_DISTINCT':
      return `${operand(l!)} IS DISTINCT FROM ${operand(r!)}`;
    case 'AEXPR_NOT_DISTINCT':
      return `${operand(l!)} IS NOT DISTINCT FROM ${operand(r!)}`;
    case 'AEXPR_NULLIF':
      return `NULLIF(${deparseExpr(l!)}, ${deparseExpr(r!)})`;
    case 'AEXPR_IN':
      return `${operand(l!)} ${op === '<>' ? 'NOT IN' : 'IN'} (${list(r).join(', ')})`;
    case 'AEXPR_LIKE':
      return `${operand(l!)} ${op === '!~~' ? 'NOT LIKE' : 'LIKE'} ${operand(r!)}`;
    case 'AEXPR_ILIKE':
      return `${operand(l!)} ${op === '!~~*' ? 'NOT ILIKE' : 'ILIKE'} ${operand(r!)}`;
    case 'AEXPR_SIMILAR':
      return `${operand(l!)} ${op === '!~' ? 'NOT SIMILAR TO' : 'SIMILAR TO'} ${operand(r!)}`;
    case 'AEXPR_BETWEEN':
    case 'AEXPR_NOT_BETWEEN':
    case 'AEXPR_BETWEEN_SYM':
    case 'AEXPR_NOT_BETWEEN_SYM': {
      const [lo, hi] = list(r);
      const word = e.kind.replace('AEXPR_', '').replace('_SYM', ' SYMMETRIC').replace('NOT_', 'NOT ');
      return `${operand(l!)} ${word} ${lo} AND ${hi}`;
    }
    default:
      throw sqlError('0A000', `operator expression ${e.kind ?? ''} is not supported here`);
  }
}

/** True when the expression calls a function (so a DEFAULT must be evaluated per row). */
export function exprIsVolatile(node: Node): boolean {
  let found = false;
  const visit = (v: unknown): void => {
    if (found || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
      return;
    }
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k === 'FuncCall' || k === 'SQLValueFunction' || k === 'SubLink') {
        found = true;
        return;
      }
      visit(x);
    }
  };
  visit(node);
  return found;
}

/** Column names referenced by an expression (for CHECK constraints and DROP COLUMN). */
export function referencedColumns(node: Node): Set<string> {
  const out = new Set<string>();
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
      return;
    }
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k === 'ColumnRef') {
        const fields = ((x as { fields?: Node[] }).fields ?? []).filter((f) => 'String' in f);
        const last = fields[fields.length - 1];
        if (last !== undefined) out.add(str(last));
        continue;
      }
      visit(x);
    }
  };
  visit(node);
  return out;
}

/** What storedExprText needs to type literals the way PostgreSQL's stored expressions show them. */
export interface StoredExprContext {
  /** The column type a DEFAULT is coerced to (a bare string literal prints as 'x'::type). */
  readonly targetType?: SqlType;
  /** Types of the table's columns (a literal compared with a column takes its type). */
  readonly columnType?: (name: string) => SqlType | undefined;
}

function castNode(arg: Node, t: SqlType): Node {
  const base = t.kind === 'array' ? t.elem! : t;
  const typname = typeMeta(base.oid)?.typname ?? base.kind;
  const typeName: TypeName = {
    names: [{ String: { sval: 'pg_catalog' } }, { String: { sval: typname } }],
    typemod: -1,
    ...(t.kind === 'array' ? { arrayBounds: [{ Integer: { ival: -1 } }] } : {}),
  };
  return { TypeCast: { arg, typeName } };
}

function strConst(s: string): Node {
  return { A_Const: { sval: { sval: s } } };
}

/** Rewrites literals into the typed form PostgreSQL stores: '-1'::integer, 'x'::text, '9999999999'::bigint. */
function typedLiterals(node: Node, ctx: StoredExprContext, top: boolean): Node {
  if ('A_Const' in node) {
    const c = node.A_Const;
    if (c.ival !== undefined && (c.ival.ival ?? 0) < 0) return castNode(strConst(String(c.ival.ival)), types.int4);
    if (c.fval !== undefined) {
      const f = c.fval.fval ?? '0';
      if (/^-?\d+$/.test(f)) return castNode(strConst(f), types.int8);
      if (f.startsWith('-')) return castNode(strConst(f), types.numeric);
    }
    if (c.sval !== undefined && top && ctx.targetType !== undefined) return castNode(node, withTypmod(ctx.targetType, -1));
    return node;
  }
  if ('A_Expr' in node) {
    const e = node.A_Expr;
    const colType = (n: Node | undefined): SqlType | undefined => {
      if (n === undefined || !('ColumnRef' in n) || ctx.columnType === undefined) return undefined;
      const f = n.ColumnRef.fields ?? [];
      const last = f[f.length - 1];
      return last !== undefined && 'String' in last ? ctx.columnType(last.String.sval ?? '') : undefined;
    };
    const side = (n: Node | undefined, other: Node | undefined): Node | undefined => {
      if (n === undefined) return undefined;
      const t = colType(other);
      if (t !== undefined && 'A_Const' in n && n.A_Const.sval !== undefined) return castNode(n, withTypmod(t, -1));
      return typedLiterals(n, ctx, false);
    };
    const out = { ...e, lexpr: side(e.lexpr, e.rexpr), rexpr: side(e.rexpr, e.lexpr) };
    if (out.lexpr === undefined) delete out.lexpr;
    if (out.rexpr === undefined) delete out.rexpr;
    return { A_Expr: out };
  }
  if ('TypeCast' in node) return node;
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) copy[k] = mapNodes(v, ctx);
  return copy as Node;
}

function mapNodes(v: unknown, ctx: StoredExprContext): unknown {
  if (Array.isArray(v)) return v.map((x) => mapNodes(x, ctx));
  if (v === null || typeof v !== 'object') return v;
  const keys = Object.keys(v);
  if (keys.length === 1 && /^[A-Z]/.test(keys[0]!)) return typedLiterals(v as Node, ctx, false);
  const copy: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) copy[k] = mapNodes(x, ctx);
  return copy;
}

/**
 * The text of a DEFAULT or CHECK expression as PostgreSQL's pg_get_expr shows it after
 * storage: literals typed like the stored constants ('x'::text for a text DEFAULT, '-1'::integer,
 * comparisons with a column typed by the column). NULL for a DEFAULT NULL (PostgreSQL stores none).
 */
export function storedExprText(node: Node, ctx: StoredExprContext = {}): string | null {
  if ('A_Const' in node && node.A_Const.isnull === true) return null;
  return deparseExpr(typedLiterals(node, ctx, true));
}
