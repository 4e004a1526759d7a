// FROM-clause binding: tables, virtual tables, CTE references, subqueries, set-returning
// functions and joins (USING / NATURAL / ON, LATERAL). Each item's columns occupy a
// contiguous run of slots of the query level's row; join conditions are rebased onto the
// join's own row. Called by the select binder only.

import { sqlError } from '../errors.js';
import { descriptorOid } from '../catalog/index.js';
import type { ResolvedRelation } from '../catalog/index.js';
import { commonType, types } from '../types/index.js';
import type { SqlType } from '../types/index.js';
import { nodeTag } from '../parse/index.js';
import type { JoinExpr, Node, RangeFunction, RangeSubselect, RangeVar, FuncCall } from '../parse/index.js';
import { bindExpr, bindOperator, conjuncts, andOf } from './expr.js';
import type { ExprCtx } from './expr.js';
import { coerceBool, coerceExpr } from './coerce.js';
import type { Binder } from './binder.js';
import type { RangeEntry, Scope, ScopeColumn } from './scope.js';
import { shiftCols } from './walk.js';
import type { Expr, JoinType, LockSpec, OutCol, Rel, SrfCall } from './types.js';

export interface FromResult {
  readonly rel: Rel;
  /** Metadata of the row's slots [offset, offset + cols.length). */
  readonly cols: readonly OutCol[];
}

function strOf(n: Node): string {
  return (n as { String?: { sval?: string } }).String?.sval ?? '';
}

function aliasNames(alias: { colnames?: Node[] } | undefined): string[] {
  return (alias?.colnames ?? []).map(strOf);
}

/** Adds an entry for `cols` at `offset`, applying alias column names. */
function addEntry(scope: Scope, alias: string, schemaName: string | null, cols: readonly OutCol[], offset: number, colAliases: string[], relName?: string): OutCol[] {
  if (colAliases.length > cols.filter((c) => c.hidden !== true).length) {
    throw sqlError('42P10', `table "${alias}" has ${cols.length} columns available but ${colAliases.length} columns specified`);
  }
  const renamed: OutCol[] = [];
  const scopeCols: ScopeColumn[] = [];
  let visible = 0;
  cols.forEach((c, i) => {
    const name = c.hidden === true ? c.name : (colAliases[visible++] ?? c.name);
    renamed.push({ ...c, name });
    scopeCols.push({ name, type: c.type, slot: offset + i, hidden: c.hidden === true });
  });
  scope.add(relName !== undefined && relName !== alias ? { alias, schemaName, columns: scopeCols, relName } : { alias, schemaName, columns: scopeCols });
  return renamed;
}

/** Binds one FROM item whose columns start at slot `offset`. */
export function bindFromItem(b: Binder, node: Node, scope: Scope, offset: number, lock: LockSpec | null): FromResult {
  const tag = nodeTag(node);
  const body = (node as Record<string, unknown>)[tag];
  switch (tag) {
    case 'RangeVar':
      return bindRangeVar(b, body as RangeVar, scope, offset, lock);
    case 'RangeSubselect':
      return bindRangeSubselect(b, body as RangeSubselect, scope, offset);
    case 'RangeFunction':
      return bindRangeFunction(b, body as RangeFunction, scope, offset);
    case 'JoinExpr':
      return bindJoin(b, body as JoinExpr, scope, offset, lock);
    default:
      throw sqlError('0A000', `FROM item ${tag} is not supported`);
  }
}

export function tableCols(rel: ResolvedRelation & { kind: 'table' }): OutCol[] {
  const oid = descriptorOid(rel.table.id);
  return rel.table.columns.map((c) => ({ name: c.name, type: c.type, tableOid: oid, attnum: c.id, hidden: c.hidden }));
}

function bindRangeVar(b: Binder, rv: RangeVar, scope: Scope, offset: number, lock: LockSpec | null): FromResult {
  const name = rv.relname ?? '';
  const alias = rv.alias?.aliasname ?? name;
  const colAliases = aliasNames(rv.alias);
  if (rv.schemaname === undefined) {
    const cte = scope.findCte(name);
    if (cte !== undefined) {
      const cols = addEntry(scope, alias, null, cte.cols, offset, colAliases);
      return { rel: { kind: 'cteref', cteId: cte.id, cols: cte.cols }, cols };
    }
  }
  const rel = b.resolveRelation(rv.schemaname ?? null, name);
  switch (rel.kind) {
    case 'table': {
      const base = tableCols(rel);
      const cols = addEntry(scope, alias, rv.alias === undefined ? rel.schema.name : null, base, offset, colAliases, name);
      return { rel: { kind: 'scan', table: rel.table, lock, cols: base }, cols };
    }
    case 'virtual': {
      const base: OutCol[] = rel.table.columns.map((c, i) => ({ name: c.name, type: c.type, tableOid: rel.table.oid, attnum: i + 1 }));
      const cols = addEntry(scope, alias, rv.alias === undefined ? rel.schema.name : null, base, offset, colAliases, name);
      return { rel: { kind: 'vscan', table: rel.table, cols: base }, cols };
    }
    case 'sequence':
      throw sqlError('0A000', `selecting from sequence "${name}" is not supported`);
  }
}

function bindRangeSubselect(b: Binder, rs: RangeSubselect, scope: Scope, offset: number): FromResult {
  const child = scope.child();
  const rel = b.bindSubquery(rs.subquery!, child);
  const alias = rs.alias?.aliasname ?? '';
  const cols = addEntry(scope, alias, null, rel.cols, offset, aliasNames(rs.alias));
  return { rel: child.outerRefs > 0 ? markLateral(rel) : rel, cols };
}

/** Lateral right sides are recognized by the join binder through this wrapper's marker. */
const lateralRels = new WeakSet<Rel>();
function markLateral(rel: Rel): Rel {
  lateralRels.add(rel);
  return rel;
}

function bindRangeFunction(b: Binder, rf: RangeFunction, scope: Scope, offset: number): FromResult {
  const fns = rf.functions ?? [];
  const child = scope.child();
  const cx: ExprCtx = { host: b, scope: child, aggs: null, clause: 'functions in FROM' };
  const calls: SrfCall[] = [];
  let base: OutCol[] = [];
  let firstName = '';
  for (const f of fns) {
    const items = (f as { List?: { items?: Node[] } }).List?.items ?? [];
    const call = (items[0] as { FuncCall?: FuncCall }).FuncCall;
    if (call === undefined) throw sqlError('0A000', 'only function calls are supported in FROM');
    const fname = strOf((call.funcname ?? [])[(call.funcname ?? []).length - 1]!);
    if (firstName === '') firstName = fname;
    const args = (call.args ?? []).map((a) => bindExpr(a, cx));
    // unnest(a, b, ...) in FROM is ROWS FROM (unnest(a), unnest(b), ...).
    const parts = fname === 'unnest' && args.length > 1 ? args.map((a) => b.bindSrf(fname, [a], cx)) : [b.bindSrf(fname, args, cx)];
    for (const srf of parts) {
      calls.push(srf.impl === undefined ? { name: srf.name, args: srf.args, width: srf.cols.length } : { name: srf.name, args: srf.args, width: srf.cols.length, impl: srf.impl });
      base.push(...srf.cols.map((c) => ({ ...c })));
    }
  }
  if (calls.length === 0) throw sqlError('42601', 'a function is required in FROM');
  const withOrd = rf.ordinality === true;
  const alias = rf.alias?.aliasname ?? firstName;
  const colAliases = aliasNames(rf.alias);
  // A single-column function takes the alias as its column name, as PostgreSQL.
  if (base.length === 1 && rf.alias !== undefined && colAliases.length === 0) base = [{ ...base[0]!, name: alias }];
  if (withOrd) base.push({ name: 'ordinality', type: types.int8, tableOid: 0, attnum: 0 });
  const cols = addEntry(scope, alias, null, base, offset, colAliases);
  const rel: Rel = { kind: 'srf', calls, withOrdinality: withOrd, cols: base };
  return { rel: child.outerRefs > 0 ? markLateral(rel) : rel, cols };
}

function joinTypeOf(j: JoinExpr): JoinType {
  switch (j.jointype) {
    case 'JOIN_INNER':
      return 'inner';
    case 'JOIN_LEFT':
      return 'left';
    case 'JOIN_RIGHT':
      return 'right';
    case 'JOIN_FULL':
      return 'full';
    default:
      throw sqlError('0A000', `join type ${String(j.jointype)} is not supported`);
  }
}

function bindJoin(b: Binder, j: JoinExpr, scope: Scope, offset: number, lock: LockSpec | null): FromResult {
  const type = joinTypeOf(j);
  const firstEntry = scope.entries.length;
  const left = bindFromItem(b, j.larg!, scope, offset, lock);
  const leftEntries = scope.entries.slice(firstEntry);
  const rightOffset = offset + left.cols.length;
  const midEntry = scope.entries.length;
  const right = bindFromItem(b, j.rarg!, scope, rightOffset, lock);
  const rightEntries = scope.entries.slice(midEntry);
  const cx: ExprCtx = { host: b, scope, aggs: null, clause: 'JOIN conditions' };
  const conds: Expr[] = [];
  let usingNames: string[] = (j.usingClause ?? []).map(strOf);
  if (j.isNatural === true) {
    const leftNames = new Set(leftEntries.flatMap((e) => e.columns.filter((c) => !c.hidden).map((c) => c.name)));
    usingNames = rightEntries.flatMap((e) => e.columns.filter((c) => !c.hidden && leftNames.has(c.name)).map((c) => c.name));
  }
  const fullMerged: Array<{ name: string; l: ScopeColumn; r: ScopeColumn }> = [];
  for (const name of usingNames) {
    const l = findIn(leftEntries, name, 'left');
    const r = findIn(rightEntries, name, 'right');
    const eq = bindOperator('=', { kind: 'col', type: l.type, index: l.slot }, { kind: 'col', type: r.type, index: r.slot }, cx);
    conds.push(eq);
    // The merged column resolves to the side that is never NULL-extended (FULL: COALESCE of both).
    if (type === 'full') fullMerged.push({ name, l, r });
    else scope.mergedColumns.set(name, type === 'right' ? r : l);
    for (const e of rightEntries) excludeFromStar(e, name);
  }
  if (j.quals !== undefined) conds.push(...conjuncts(coerceBool(bindExpr(j.quals, cx), 'JOIN/ON', b.params, b.env)));
  const on = andOf(conds);
  const lateral = lateralRels.has(right.rel);
  const cols = [...left.cols, ...right.cols];
  const rel: Rel = {
    kind: 'join',
    type,
    left: left.rel,
    right: right.rel,
    on: on === null ? null : shiftCols(on, -offset),
    lateralDepth: lateral ? scope.depth : null,
    leftOffset: offset,
    cols,
  };
  const full = fullMerged.length > 0 ? mergeFullJoinColumns(b, rel, fullMerged, offset, scope) : { rel, cols };
  if (j.alias !== undefined) {
    // A join alias hides the inner names behind one entry.
    scope.entries.splice(firstEntry);
    addEntry(scope, j.alias.aliasname ?? '', null, full.cols, offset, aliasNames(j.alias));
  }
  return full;
}

/**
 * FULL JOIN ... USING (k): k is COALESCE(left.k, right.k), computed as hidden columns after
 * the join's own (so later FROM items shift by them) and named through mergedColumns.
 */
function mergeFullJoinColumns(b: Binder, join: Rel, merged: ReadonlyArray<{ name: string; l: ScopeColumn; r: ScopeColumn }>, offset: number, scope: Scope): FromResult {
  const base = join.cols;
  const exprs: Expr[] = base.map((c, i) => ({ kind: 'col', type: c.type, index: i }));
  const cols: OutCol[] = [...base];
  for (const m of merged) {
    const t = commonType([m.l.type, m.r.type], 'JOIN/USING');
    const arg = (c: ScopeColumn): Expr => coerceExpr({ kind: 'col', type: c.type, index: c.slot - offset }, t, 'implicit', b.params, b.env);
    exprs.push({ kind: 'coalesce', type: t, args: [arg(m.l), arg(m.r)] });
    const slot = offset + cols.length;
    cols.push({ name: m.name, type: t, ...NO_TABLE_COL, hidden: true });
    scope.mergedColumns.set(m.name, { name: m.name, type: t, slot, hidden: false });
  }
  return { rel: { kind: 'project', input: join, exprs, cols }, cols };
}

const NO_TABLE_COL = { tableOid: 0, attnum: 0 } as const;

function findIn(entries: readonly RangeEntry[], name: string, side: string): ScopeColumn {
  for (const e of entries) for (const c of e.columns) if (c.name === name && !c.hidden) return c;
  throw sqlError('42703', `column "${name}" specified in USING clause does not exist in ${side} table`);
}

function excludeFromStar(e: RangeEntry, name: string): void {
  const set = (e.starExcluded as Set<string> | undefined) ?? new Set<string>();
  set.add(name);
  (e as { starExcluded?: ReadonlySet<string> }).starExcluded = set;
}

/** Cross-joins the FROM list left to right; a correlated item becomes a lateral join. */
export function bindFromList(b: Binder, items: readonly Node[], scope: Scope, lock: LockSpec | null): FromResult {
  if (items.length === 0) return { rel: { kind: 'onerow', cols: [] }, cols: [] };
  let acc: FromResult | null = null;
  let offset = 0;
  for (const item of items) {
    const r = bindFromItem(b, item, scope, offset, lock);
    if (acc === null) acc = r;
    else {
      const lateral = lateralRels.has(r.rel);
      const cols: OutCol[] = [...acc.cols, ...r.cols];
      acc = { rel: { kind: 'join', type: 'inner', left: acc.rel, right: r.rel, on: null, lateralDepth: lateral ? scope.depth : null, leftOffset: 0, cols }, cols };
    }
    offset += r.cols.length;
  }
  return acc!;
}

export function typeOrText(t: SqlType): SqlType {
  return t.kind === 'unknown' ? types.text : t;
}
