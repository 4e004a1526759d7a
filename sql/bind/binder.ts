// The statement binder: SELECT (target lists, WHERE, GROUP BY/HAVING with aggregates,
// DISTINCT [ON], ORDER BY, LIMIT/OFFSET, FOR UPDATE), set operations, VALUES and WITH
// [RECURSIVE] become logical relations. Relation names were resolved before binding
// (bind/index.ts), so binding itself is synchronous. Owned by one bind call.

import { sqlError } from '../errors.js';
import { isSetFunction, resolveFunction, resolveSetFunction } from '../builtins/index.js';
import type { SetFunctionImpl } from '../builtins/index.js';
import { arrayOf, commonType, typeName, types } from '../types/index.js';
import type { SqlType, TypeEnv } from '../types/index.js';
import type { ResolvedRelation } from '../catalog/index.js';
import { nodeTag } from '../parse/index.js';
import type { Node, ResTarget, SelectStmt, SortBy, WithClause, CommonTableExpr, LockingClause } from '../parse/index.js';
import { coerceBool, coerceExpr } from './coerce.js';
import { AGG_SLOT_BASE, bindExpr, exprKey, sqlValueFunctionName } from './expr.js';
import type { AggCollector, ExprCtx, ExprHost } from './expr.js';
import { bindFromList, typeOrText } from './from.js';
import type { ParamTypes } from './params.js';
import { Scope } from './scope.js';
import { mapChildren, remapCols } from './walk.js';
import type { Expr, LockSpec, OutCol, Rel, SortKey } from './types.js';

/** Relations resolved before binding, by "schema.name" (schema '' when unqualified). */
export type RelationMap = ReadonlyMap<string, ResolvedRelation | null>;

export function relationKey(schema: string | null, name: string): string {
  return `${schema ?? ''}.${name}`;
}

export interface SrfBinding {
  readonly name: string;
  readonly args: readonly Expr[];
  readonly cols: readonly OutCol[];
  /** A set-returning builtin (rows from builtins); absent for the engine's own. */
  readonly impl?: SetFunctionImpl;
}

const NO_TABLE = { tableOid: 0, attnum: 0 };

export class Binder implements ExprHost {
  private nextCteId = 1;

  constructor(
    private readonly relations: RelationMap,
    readonly params: ParamTypes,
    readonly env: TypeEnv,
  ) {}

  resolveRelation(schema: string | null, name: string): ResolvedRelation {
    const r = this.relations.get(relationKey(schema, name));
    if (r === undefined || r === null) {
      const shown = schema === null ? name : `${schema}.${name}`;
      throw sqlError('42P01', `relation "${shown}" does not exist`);
    }
    return r;
  }

  bindSubquery(stmt: Node, scope: Scope): Rel {
    const sel = (stmt as { SelectStmt?: SelectStmt }).SelectStmt;
    if (sel === undefined) throw sqlError('0A000', `subquery ${nodeTag(stmt)} is not supported`);
    return this.bindSelect(sel, scope);
  }

  /** Binds a full SELECT (with WITH, set operations, ORDER BY, LIMIT) at `scope`. */
  bindSelect(s: SelectStmt, scope: Scope, setLeaf = false): Rel {
    const ctes = s.withClause === undefined ? [] : this.bindWith(s.withClause, scope);
    let rel: Rel;
    if (s.op !== undefined && s.op !== 'SETOP_NONE') rel = this.bindSetOp(s, scope);
    else if (s.valuesLists !== undefined) rel = this.finishSetLevel(this.bindValues(s.valuesLists, scope), s, scope);
    else rel = this.bindSelectCore(s, scope, setLeaf && s.sortClause === undefined && s.distinctClause === undefined);
    return ctes.length === 0 ? rel : { kind: 'with', ctes, body: rel, cols: rel.cols };
  }

  // ------------------------------------------------------------ WITH

  bindWith(w: WithClause, scope: Scope): Array<{ id: number; name: string; rel: Rel; recursive: { step: Rel; all: boolean } | null }> {
    const out: Array<{ id: number; name: string; rel: Rel; recursive: { step: Rel; all: boolean } | null }> = [];
    for (const c of w.ctes ?? []) {
      const cte = (c as { CommonTableExpr: CommonTableExpr }).CommonTableExpr;
      const name = cte.ctename ?? '';
      const id = this.nextCteId++;
      const colNames = (cte.aliascolnames ?? []).map((n) => (n as { String?: { sval?: string } }).String?.sval ?? '');
      const q = (cte.ctequery as { SelectStmt?: SelectStmt }).SelectStmt;
      const rename = (cols: readonly OutCol[]): OutCol[] => cols.map((col, i) => ({ ...col, name: colNames[i] ?? col.name, ...NO_TABLE }));
      if (q === undefined) {
        if (scope.depth > 0) throw sqlError('0A000', 'WITH clause containing a data-modifying statement must be at the top level');
        const stmt = dmlBinder(this, cte.ctequery as Node);
        const cols = rename(stmt.returning?.cols ?? []);
        scope.ctes.set(name, { id, name, cols });
        out.push({ id, name, rel: { kind: 'dml', stmt, cols }, recursive: null });
        continue;
      }
      if (w.recursive === true && q.op === 'SETOP_UNION' && referencesName(q.rarg, name)) {
        const base = this.bindSelect(q.larg!, scope.child());
        const cols = rename(base.cols).map((col) => ({ ...col, type: typeOrText(col.type) }));
        scope.ctes.set(name, { id, name, cols, recursiveWorking: true });
        const step = this.bindSelect(q.rarg!, scope.child());
        const coercedStep = this.coerceColumns(step, cols.map((col) => col.type), scope);
        out.push({ id, name, rel: this.coerceColumns(base, cols.map((col) => col.type), scope), recursive: { step: coercedStep, all: q.all === true } });
        scope.ctes.set(name, { id, name, cols });
        continue;
      }
      const rel = this.bindSelect(q, scope.child());
      const cols = rename(rel.cols.filter((col) => col.hidden !== true));
      scope.ctes.set(name, { id, name, cols });
      out.push({ id, name, rel, recursive: null });
    }
    return out;
  }

  // ------------------------------------------------------------ set operations and VALUES

  private bindSetOp(s: SelectStmt, scope: Scope): Rel {
    // Leaves keep untyped literals (SELECT NULL UNION SELECT 1): the set operation resolves them.
    const left = this.bindSelect(s.larg!, new Scope(scope, scope.depth), true);
    const right = this.bindSelect(s.rarg!, new Scope(scope, scope.depth), true);
    const lv = left.cols.filter((c) => c.hidden !== true);
    const rv = right.cols.filter((c) => c.hidden !== true);
    const opName = s.op === 'SETOP_UNION' ? 'UNION' : s.op === 'SETOP_INTERSECT' ? 'INTERSECT' : 'EXCEPT';
    if (lv.length !== rv.length) throw sqlError('42601', `each ${opName} query must have the same number of columns`);
    const typesOut = lv.map((c, i) => {
      const a = c.type;
      const b = rv[i]!.type;
      if (a.kind === 'unknown' && b.kind === 'unknown') return types.text;
      return commonType([a, b], opName);
    });
    const cols = lv.map((c, i) => ({ name: c.name, type: typesOut[i]!, ...NO_TABLE }));
    const rel: Rel = {
      kind: 'setop',
      op: s.op === 'SETOP_UNION' ? 'union' : s.op === 'SETOP_INTERSECT' ? 'intersect' : 'except',
      all: s.all === true,
      left: this.coerceColumns(left, typesOut, scope),
      right: this.coerceColumns(right, typesOut, scope),
      cols,
    };
    return this.finishSetLevel(rel, s, scope);
  }

  /** Projects `rel`'s visible columns cast to `target` types (no-op when they match). */
  coerceColumns(rel: Rel, target: readonly SqlType[], _scope: Scope): Rel {
    const visible = rel.cols.map((c, i) => ({ c, i })).filter((x) => x.c.hidden !== true);
    const same = visible.length === rel.cols.length && visible.every((x, k) => x.c.type.oid === target[k]!.oid);
    if (same) return rel;
    const exprs = visible.map((x, k) => coerceExpr({ kind: 'col', type: x.c.type, index: x.i }, target[k]!, 'implicit', this.params, this.env));
    const cols = visible.map((x, k) => ({ ...x.c, type: target[k]! }));
    return { kind: 'project', input: rel, exprs, cols };
  }

  private bindValues(lists: readonly Node[], scope: Scope): Rel {
    const cx: ExprCtx = { host: this, scope, aggs: null, clause: 'VALUES' };
    const rows = lists.map((l) => ((l as { List?: { items?: Node[] } }).List?.items ?? []).map((n) => bindExpr(n, cx)));
    const width = rows[0]?.length ?? 0;
    if (rows.some((r) => r.length !== width)) throw sqlError('42601', 'VALUES lists must all be the same length');
    const colTypes: SqlType[] = [];
    for (let i = 0; i < width; i++) {
      const ts = rows.map((r) => r[i]!.type);
      colTypes.push(ts.every((t) => t.kind === 'unknown') ? types.text : commonType(ts, 'VALUES'));
    }
    const coerced = rows.map((r) => r.map((e, i) => coerceExpr(e, colTypes[i]!, 'implicit', this.params, this.env)));
    const cols = colTypes.map((t, i) => ({ name: `column${i + 1}`, type: t, ...NO_TABLE }));
    return { kind: 'values', rows: coerced, cols };
  }

  /** ORDER BY / LIMIT over a set operation or VALUES: output columns by name or position only. */
  private finishSetLevel(rel: Rel, s: SelectStmt, scope: Scope): Rel {
    const level = new Scope(scope, scope.depth);
    level.add({ alias: '', schemaName: null, columns: rel.cols.map((c, i) => ({ name: c.name, type: c.type, slot: i, hidden: false })) });
    const targets: Expr[] = rel.cols.map((c, i) => ({ kind: 'col', type: c.type, index: i }));
    const names = rel.cols.map((c) => c.name);
    const cx: ExprCtx = { host: this, scope: level, aggs: null, clause: 'ORDER BY' };
    const keys = (s.sortClause ?? []).map((n) => this.bindSortKey(n, targets, names, null, cx, () => {
      throw sqlError('0A000', 'ORDER BY on a UNION/INTERSECT/EXCEPT result must be on one of the result columns');
    }));
    let out = rel;
    if (keys.length > 0) out = { kind: 'sort', input: out, keys, cols: out.cols };
    return this.applyLimit(out, s, level);
  }

  private applyLimit(rel: Rel, s: SelectStmt, scope: Scope): Rel {
    if (s.limitCount === undefined && s.limitOffset === undefined) return rel;
    const cx: ExprCtx = { host: this, scope: new Scope(scope.parent, scope.depth), aggs: null, clause: 'LIMIT' };
    const bindLimit = (n: Node | undefined): Expr | null => {
      if (n === undefined) return null;
      const e = bindExpr(n, cx);
      if (e.kind === 'const' && e.value === null) return null; // LIMIT NULL / LIMIT ALL
      return coerceExpr(e, types.int8, 'implicit', this.params, this.env);
    };
    return { kind: 'limit', input: rel, limit: bindLimit(s.limitCount), offset: bindLimit(s.limitOffset), cols: rel.cols };
  }

  // ------------------------------------------------------------ SELECT core

  private bindSelectCore(stmt: SelectStmt, scope: Scope, keepUnknown = false): Rel {
    const s = liftTargetSrfs(stmt);
    const lock = lockSpecOf(s.lockingClause);
    const from = bindFromList(this, s.fromClause ?? [], scope, lock);
    let rel = from.rel;
    if (s.whereClause !== undefined) {
      const cx: ExprCtx = { host: this, scope, aggs: null, clause: 'WHERE' };
      const pred = coerceBool(bindExpr(s.whereClause, cx), 'WHERE', this.params, this.env);
      rel = { kind: 'filter', input: rel, pred, cols: rel.cols };
    }
    const collector: AggCollector = { aggs: [], keys: [] };
    const cx: ExprCtx = { host: this, scope, aggs: collector, clause: 'SELECT' };
    const { exprs: targets, names } = this.bindTargets(s.targetList ?? [], cx);
    const groupExprs = (s.groupClause ?? []).map((n) => this.bindGroupItem(n, targets, names, { ...cx, aggs: null, clause: 'GROUP BY' }));
    const having = s.havingClause === undefined ? null : coerceBool(bindExpr(s.havingClause, { ...cx, clause: 'HAVING' }), 'HAVING', this.params, this.env);
    // ORDER BY may add junk columns after the targets.
    const junk: Expr[] = [];
    const sortKeys = (s.sortClause ?? []).map((n) =>
      this.bindSortKey(n, targets, names, junk, { ...cx, clause: 'ORDER BY' }, (e) => targets.length + junk.push(e) - 1),
    );
    const distinctOn = this.bindDistinct(s, targets, names, junk, cx);
    const grouped = groupExprs.length > 0 || collector.aggs.length > 0 || having !== null;
    let projected = [...targets, ...junk];
    if (grouped) {
      const groupKeys = groupExprs.map(exprKey);
      const aggCols: OutCol[] = [
        ...groupExprs.map((g, i) => ({ name: `group${i}`, type: g.type, ...NO_TABLE })),
        ...collector.aggs.map((a, i) => ({ name: `agg${i}`, type: a.type, ...NO_TABLE })),
      ];
      rel = { kind: 'agg', input: rel, groupBy: groupExprs, aggs: collector.aggs, cols: aggCols };
      const post = (e: Expr): Expr => regroup(e, groupKeys, groupExprs.length);
      if (having !== null) rel = { kind: 'filter', input: rel, pred: post(having), cols: rel.cols };
      projected = projected.map(post);
    }
    const outCols: OutCol[] = projected.map((e, i) => ({
      name: i < names.length ? names[i]! : `?junk${i}`,
      type: keepUnknown && i < targets.length ? e.type : typeOrText(e.type),
      ...(e.kind === 'col' && !grouped ? { tableOid: from.cols[e.index]?.tableOid ?? 0, attnum: from.cols[e.index]?.attnum ?? 0 } : NO_TABLE),
      hidden: i >= targets.length,
    }));
    projected = projected.map((e, i) => (e.type.kind === 'unknown' && !(keepUnknown && i < targets.length) ? coerceExpr(e, types.text, 'implicit', this.params, this.env) : e));
    rel = { kind: 'project', input: rel, exprs: projected, cols: outCols };
    if (distinctOn !== null) {
      // DISTINCT ON keeps the first row of each key in ORDER BY order: sort, then dedupe.
      const keys = sortKeys.length > 0 ? mergeDistinctOnKeys(distinctOn, sortKeys) : distinctOn.map((expr) => ({ expr, desc: false, nullsFirst: false }));
      rel = { kind: 'sort', input: rel, keys, cols: rel.cols };
      rel = { kind: 'distinct', input: rel, on: distinctOn, cols: rel.cols };
    } else {
      if (s.distinctClause !== undefined) {
        if (junk.length > 0) throw sqlError('42P10', 'for SELECT DISTINCT, ORDER BY expressions must appear in select list');
        rel = { kind: 'distinct', input: rel, on: null, cols: rel.cols };
      }
      if (sortKeys.length > 0) rel = { kind: 'sort', input: rel, keys: sortKeys, cols: rel.cols };
    }
    rel = this.applyLimit(rel, s, scope);
    if (junk.length > 0) {
      const keep = targets.map((_, i): Expr => ({ kind: 'col', type: outCols[i]!.type, index: i }));
      rel = { kind: 'project', input: rel, exprs: keep, cols: outCols.slice(0, targets.length) };
    }
    return rel;
  }

  /** Target list with `*` expanded; names as PostgreSQL would show them. */
  private bindTargets(list: readonly Node[], cx: ExprCtx): { exprs: Expr[]; names: string[] } {
    const exprs: Expr[] = [];
    const names: string[] = [];
    for (const n of list) {
      const rt = (n as { ResTarget: ResTarget }).ResTarget;
      const star = starOf(rt.val!);
      if (star !== null) {
        for (const c of expandStar(cx.scope, star)) {
          exprs.push({ kind: 'col', type: c.type, index: c.slot });
          names.push(c.name);
        }
        continue;
      }
      exprs.push(bindExpr(rt.val!, cx));
      names.push(rt.name ?? figureColname(rt.val!, this, cx.scope));
    }
    return { exprs, names };
  }

  private bindGroupItem(n: Node, targets: readonly Expr[], names: readonly string[], cx: ExprCtx): Expr {
    const ordinal = ordinalOf(n);
    if (ordinal !== null) {
      if (ordinal < 1 || ordinal > targets.length) throw sqlError('42P10', `GROUP BY position ${ordinal} is not in select list`);
      const t = targets[ordinal - 1]!;
      if (containsAggPlaceholder(t)) throw sqlError('42803', 'aggregate functions are not allowed in GROUP BY');
      return t;
    }
    try {
      return bindExpr(n, cx);
    } catch (e) {
      // GROUP BY may name an output column (PostgreSQL extension) when no input column matches.
      const name = bareName(n);
      const i = name === null ? -1 : names.indexOf(name);
      if (i >= 0 && (e as { code?: string }).code === '42703') return targets[i]!;
      throw e;
    }
  }

  private bindSortKey(
    n: Node,
    targets: readonly Expr[],
    names: readonly string[],
    junk: Expr[] | null,
    cx: ExprCtx,
    addJunk: (e: Expr) => number,
  ): SortKey {
    const sb = (n as { SortBy: SortBy }).SortBy;
    const desc = sb.sortby_dir === 'SORTBY_DESC';
    if (sb.sortby_dir === 'SORTBY_USING') throw sqlError('0A000', 'ORDER BY USING is not supported');
    const nullsFirst = sb.sortby_nulls === 'SORTBY_NULLS_FIRST' ? true : sb.sortby_nulls === 'SORTBY_NULLS_LAST' ? false : desc;
    const index = this.sortTarget(sb.node!, targets, names, cx, addJunk);
    const type = index < targets.length ? targets[index]!.type : junk![index - targets.length]!.type;
    return { expr: { kind: 'col', type: typeOrText(type), index }, desc, nullsFirst };
  }

  /** Index of the projected column an ORDER BY item sorts on (adding a junk column if needed). */
  private sortTarget(node: Node, targets: readonly Expr[], names: readonly string[], cx: ExprCtx, addJunk: (e: Expr) => number): number {
    const ordinal = ordinalOf(node);
    if (ordinal !== null) {
      if (ordinal < 1 || ordinal > targets.length) throw sqlError('42P10', `ORDER BY position ${ordinal} is not in select list`);
      return ordinal - 1;
    }
    const name = bareName(node);
    if (name !== null) {
      const matches = names.map((n, i) => (n === name ? i : -1)).filter((i) => i >= 0);
      if (matches.length === 1) return matches[0]!;
      if (matches.length > 1) {
        const keys = new Set(matches.map((i) => exprKey(targets[i]!)));
        if (keys.size > 1) throw sqlError('42702', `ORDER BY "${name}" is ambiguous`);
        return matches[0]!;
      }
    }
    const e = bindExpr(node, cx);
    const key = exprKey(e);
    const same = targets.findIndex((t) => exprKey(t) === key);
    return same >= 0 ? same : addJunk(e);
  }

  private bindDistinct(s: SelectStmt, targets: readonly Expr[], names: readonly string[], junk: Expr[], cx: ExprCtx): Expr[] | null {
    const list = s.distinctClause;
    if (list === undefined || list.length === 0 || (list.length === 1 && Object.keys(list[0]!).length === 0)) return null;
    return list.map((n) => {
      const i = this.sortTarget(n, targets, names, { ...cx, clause: 'DISTINCT ON' }, (e) => targets.length + junk.push(e) - 1);
      const t = i < targets.length ? targets[i]! : junk[i - targets.length]!;
      return { kind: 'col', type: typeOrText(t.type), index: i } as Expr;
    });
  }

  // ------------------------------------------------------------ set-returning functions in FROM

  bindSrf(name: string, args: readonly Expr[], cx: ExprCtx): SrfBinding {
    const coerce = (e: Expr, t: SqlType): Expr => coerceExpr(e, t, 'implicit', this.params, this.env);
    if (name === 'generate_series') {
      if (args.length < 2 || args.length > 3) throw sqlError('42883', 'function generate_series has 2 or 3 arguments');
      const kinds = args.map((a) => a.type.kind); // a numeric step makes the numeric variant
      let t: SqlType = types.int4;
      // No date variant exists: dates resolve to the timestamptz one (the preferred type), as in PostgreSQL.
      if (kinds.some((k) => k === 'timestamptz')) t = types.timestamptz;
      else if (kinds.some((k) => k === 'timestamp')) t = types.timestamp;
      else if (kinds.some((k) => k === 'date')) t = types.timestamptz;
      else if (kinds.some((k) => k === 'numeric' || k === 'float8' || k === 'float4')) t = types.numeric;
      else if (kinds.some((k) => k === 'int8')) t = types.int8;
      const stepType = t.kind === 'timestamp' || t.kind === 'timestamptz' ? types.interval : t;
      const a = [coerce(args[0]!, t), coerce(args[1]!, t), ...(args.length === 3 ? [coerce(args[2]!, stepType)] : [])];
      return { name, args: a, cols: [{ name: 'generate_series', type: t, ...NO_TABLE }] };
    }
    if (name === 'unnest') {
      if (args.length !== 1) throw sqlError('0A000', 'unnest with several arrays is not supported');
      let a = args[0]!;
      if (a.type.kind === 'unknown') a = coerce(a, arrayOf(types.text));
      if (a.type.kind !== 'array') throw sqlError('42883', 'function unnest(' + a.type.kind + ') does not exist');
      return { name, args: [a], cols: [{ name: 'unnest', type: a.type.elem!, ...NO_TABLE }] };
    }
    // Set-returning builtins (jsonb_each, jsonb_array_elements, ...): rows computed by builtins.
    const sf = resolveSetFunction(name, args.map((a) => a.type));
    if (sf !== undefined) {
      const coerced = args.map((a, i) => coerce(a, sf.argTypes[i] ?? a.type));
      return { name, args: coerced, cols: sf.columns.map((c) => ({ name: c.name, type: c.type, ...NO_TABLE })), impl: sf };
    }
    if (name === 'pg_partition_ancestors') {
      // Shoal has no partitioned tables: no relation is a partition, so no rows (as PostgreSQL).
      if (args.length !== 1) throw sqlError('42883', 'function pg_partition_ancestors has 1 argument');
      return { name, args: [coerce(args[0]!, types.regclass)], cols: [{ name: 'relid', type: types.regclass, ...NO_TABLE }] };
    }
    // Any scalar function in FROM yields one row.
    const fn = resolveFunction(name, args.map((a) => a.type));
    const coerced = args.map((a, i) => coerce(a, fn.argTypes[i] ?? a.type));
    void cx;
    return { name: 'scalar', args: [{ kind: 'func', type: fn.returnType, fn, args: coerced }], cols: [{ name, type: fn.returnType, ...NO_TABLE }] };
  }
}

// ---------------------------------------------------------------- helpers

type DmlBinder = (b: Binder, ast: Node) => import('./dml.js').BoundInsert | import('./dml.js').BoundUpdate | import('./dml.js').BoundDelete;
let dmlBinder: DmlBinder = () => {
  throw new Error('bind: DML binder not registered');
};
/** bind/index.ts registers the INSERT/UPDATE/DELETE binder (dml.ts imports this module). */
export function setDmlBinder(f: DmlBinder): void {
  dmlBinder = f;
}

/** SRFs allowed in a select list: single-column ones (a record-valued jsonb_each is not supported there). */
const TARGET_SRFS = new Set(['generate_series', 'unnest', 'pg_partition_ancestors']);
/** Set-returning builtins with several columns (records in a select list, not supported there). */
const RECORD_SRFS = new Set(['jsonb_each', 'jsonb_each_text']);

function isTargetSrf(name: string): boolean {
  return TARGET_SRFS.has(name) || (isSetFunction(name) && !RECORD_SRFS.has(name));
}

/**
 * `SELECT generate_series(1, 3)` / `SELECT unnest(arr) FROM t`: a set-returning function at
 * the top of a target becomes a LATERAL function in FROM (one per query; PostgreSQL's
 * lock-step evaluation of several is not supported). Returns a new statement node.
 */
function liftTargetSrfs(s: SelectStmt): SelectStmt {
  const targets = s.targetList ?? [];
  const found: number[] = [];
  for (let i = 0; i < targets.length; i++) {
    const val = (targets[i] as { ResTarget: ResTarget }).ResTarget.val as { FuncCall?: { funcname?: Node[]; over?: unknown } } | undefined;
    const fc = val?.FuncCall;
    if (fc === undefined || fc.over !== undefined) continue;
    const name = (fc.funcname ?? []).map((n) => (n as { String?: { sval?: string } }).String?.sval ?? '').pop() ?? '';
    if (isTargetSrf(name)) found.push(i);
  }
  if (found.length === 0) return s;
  // Several SRFs run in lock-step (PostgreSQL 10+): one ROWS FROM item, one column each.
  const alias = '__srf';
  const colnames = found.map((_, k) => ({ String: { sval: `__srf${k}` } }));
  const functions = found.map((i) => ({ List: { items: [(targets[i] as { ResTarget: ResTarget }).ResTarget.val, {}] } }));
  const from = { RangeFunction: { lateral: true, functions, alias: { aliasname: alias, colnames } } } as unknown as Node;
  const newTargets = targets.map((t, i) => {
    const k = found.indexOf(i);
    if (k < 0) return t;
    const rt = (t as { ResTarget: ResTarget }).ResTarget;
    const fname = ((rt.val as { FuncCall: FuncCallNode }).FuncCall.funcname ?? []).map((n) => (n as { String?: { sval?: string } }).String?.sval ?? '').pop()!;
    const ref = { ColumnRef: { fields: [{ String: { sval: alias } }, { String: { sval: `__srf${k}` } }] } } as unknown as Node;
    return { ResTarget: { ...rt, name: rt.name ?? fname, val: ref } } as unknown as Node;
  });
  return { ...s, targetList: newTargets, fromClause: [...(s.fromClause ?? []), from] };
}

type FuncCallNode = { funcname?: Node[] };

function referencesName(s: SelectStmt | undefined, name: string): boolean {
  if (s === undefined) return false;
  let found = false;
  const walk = (v: unknown): void => {
    if (found || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(walk);
    const rv = (v as { RangeVar?: { relname?: string; schemaname?: string } }).RangeVar;
    if (rv !== undefined && rv.relname === name && rv.schemaname === undefined) found = true;
    for (const k in v as object) walk((v as Record<string, unknown>)[k]);
  };
  walk(s);
  return found;
}

function lockSpecOf(clauses: readonly Node[] | undefined): LockSpec | null {
  if (clauses === undefined || clauses.length === 0) return null;
  const lc = (clauses[0] as { LockingClause: LockingClause }).LockingClause;
  const strength = lc.strength === 'LCS_FORUPDATE' || lc.strength === 'LCS_FORNOKEYUPDATE' ? 'exclusive' : 'shared';
  const waitPolicy = lc.waitPolicy === 'LockWaitSkip' ? 'skip' : lc.waitPolicy === 'LockWaitError' ? 'error' : 'block';
  return { strength, waitPolicy };
}

interface StarRef {
  readonly qualifier: string | null;
}

function starOf(n: Node): StarRef | null {
  const ref = (n as { ColumnRef?: { fields?: Node[] } }).ColumnRef;
  if (ref === undefined) return null;
  const fields = ref.fields ?? [];
  const last = fields[fields.length - 1] as { A_Star?: unknown } | undefined;
  if (last?.A_Star === undefined) return null;
  if (fields.length === 1) return { qualifier: null };
  return { qualifier: (fields[fields.length - 2] as { String?: { sval?: string } }).String?.sval ?? '' };
}

function expandStar(scope: Scope, star: StarRef): Array<{ name: string; type: SqlType; slot: number }> {
  const out: Array<{ name: string; type: SqlType; slot: number }> = [];
  const entries = star.qualifier === null ? scope.entries : scope.entries.filter((e) => e.alias === star.qualifier);
  if (star.qualifier !== null && entries.length === 0) {
    throw sqlError('42P01', `missing FROM-clause entry for table "${star.qualifier}"`);
  }
  if (star.qualifier === null && entries.length === 0) throw sqlError('42601', 'SELECT * with no tables specified is not valid');
  const seenMerged = new Set<string>();
  for (const e of entries) {
    for (const c of e.columns) {
      if (c.hidden) continue;
      if (star.qualifier === null && e.starExcluded?.has(c.name) === true) continue;
      if (star.qualifier === null && scope.mergedColumns.has(c.name)) {
        if (seenMerged.has(c.name)) continue;
        seenMerged.add(c.name);
        const m = scope.mergedColumns.get(c.name)!;
        out.push({ name: c.name, type: m.type, slot: m.slot });
        continue;
      }
      out.push({ name: c.name, type: c.type, slot: c.slot });
    }
  }
  return out;
}

function ordinalOf(n: Node): number | null {
  const c = (n as { A_Const?: { ival?: { ival?: number } } }).A_Const;
  if (c?.ival === undefined) return null;
  return c.ival.ival ?? 0;
}

function bareName(n: Node): string | null {
  const ref = (n as { ColumnRef?: { fields?: Node[] } }).ColumnRef;
  if (ref === undefined || (ref.fields ?? []).length !== 1) return null;
  return (ref.fields![0] as { String?: { sval?: string } }).String?.sval ?? null;
}

function containsAggPlaceholder(e: Expr): boolean {
  let yes = false;
  mapChildren(e, (c) => {
    if (containsAggPlaceholder(c)) yes = true;
    return c;
  });
  return yes || (e.kind === 'col' && e.index >= AGG_SLOT_BASE);
}

/** Rewrites an expression over the ungrouped row into one over the aggregate's output row. */
function regroup(e: Expr, groupKeys: readonly string[], groupCount: number): Expr {
  if (e.kind === 'col' && e.index >= AGG_SLOT_BASE) return { ...e, index: groupCount + (e.index - AGG_SLOT_BASE) };
  if (e.kind !== 'const' && e.kind !== 'param') {
    const i = groupKeys.indexOf(exprKey(e));
    if (i >= 0) return { kind: 'col', type: e.type, index: i };
  }
  if (e.kind === 'col') {
    const shown = e.label === undefined ? 'column' : `column "${e.label}"`;
    throw sqlError('42803', `${shown} must appear in the GROUP BY clause or be used in an aggregate function`);
  }
  return mapChildren(e, (c) => regroup(c, groupKeys, groupCount));
}

function mergeDistinctOnKeys(on: readonly Expr[], keys: readonly SortKey[]): SortKey[] {
  // DISTINCT ON expressions must lead the ORDER BY; the sort honours the given directions.
  const out: SortKey[] = [];
  for (let i = 0; i < keys.length; i++) {
    if (i < on.length) {
      const k = keys[i]!;
      const o = on[i]!;
      if (k.expr.kind !== 'col' || o.kind !== 'col' || k.expr.index !== o.index) {
        const inOn = on.some((x) => x.kind === 'col' && k.expr.kind === 'col' && x.index === k.expr.index);
        if (!inOn) throw sqlError('42P10', 'SELECT DISTINCT ON expressions must match initial ORDER BY expressions');
      }
    }
    out.push(keys[i]!);
  }
  return out;
}

/** The column name PostgreSQL derives for an unnamed target (FigureColname). */
export function figureColname(n: Node, b?: Binder, scope?: Scope): string {
  void b;
  void scope;
  return figure(n)?.name ?? '?column?';
}

interface Figured {
  readonly name: string;
  /** PostgreSQL's strength: 2 a real name, 1 a fallback an outer cast may override. */
  readonly strength: 1 | 2;
}

function lastName(list: unknown): string | null {
  const names = (list as Node[] | undefined) ?? [];
  return (names[names.length - 1] as { String?: { sval?: string } } | undefined)?.String?.sval ?? null;
}

function figure(n: Node): Figured | null {
  const tag = nodeTag(n);
  const body = (n as unknown as Record<string, Record<string, unknown>>)[tag]!;
  const strong = (name: string | null): Figured | null => (name === null ? null : { name, strength: 2 });
  switch (tag) {
    case 'ColumnRef':
      return strong(lastName(body.fields));
    case 'FuncCall':
      return strong(lastName(body.funcname));
    case 'TypeCast': {
      const inner = figure(body.arg as Node);
      if (inner !== null && inner.strength === 2) return inner;
      const t = lastName((body.typeName as { names?: Node[] }).names);
      return t === null ? inner : { name: t, strength: 1 };
    }
    case 'A_Indirection':
    case 'CollateClause':
      return figure(body.arg as Node);
    case 'CaseExpr': {
      // PostgreSQL names a CASE after its ELSE result when that has a real name.
      const d = body.defresult === undefined ? null : figure(body.defresult as Node);
      return d !== null && d.strength === 2 ? d : { name: 'case', strength: 1 };
    }
    case 'A_ArrayExpr':
      return { name: 'array', strength: 2 }; // ARRAY[...] and ROW(...) read like function calls
    case 'RowExpr':
      return { name: 'row', strength: 2 };
    case 'CoalesceExpr':
      return strong('coalesce');
    case 'MinMaxExpr':
      return strong(body.op === 'IS_GREATEST' ? 'greatest' : 'least');
    case 'SQLValueFunction':
      return strong(sqlValueFunctionName(body.op as string));
    case 'A_Expr':
      return body.kind === 'AEXPR_NULLIF' ? strong('nullif') : null;
    case 'SubLink': {
      const kind = body.subLinkType as string;
      if (kind === 'EXISTS_SUBLINK') return strong('exists');
      if (kind === 'ARRAY_SUBLINK') return strong('array');
      if (kind === 'EXPR_SUBLINK') {
        const sel = (body.subselect as { SelectStmt?: SelectStmt }).SelectStmt;
        const first = (sel?.targetList ?? [])[0] as { ResTarget?: ResTarget } | undefined;
        if (first?.ResTarget === undefined) return null;
        if (first.ResTarget.name !== undefined) return strong(first.ResTarget.name);
        return figure(first.ResTarget.val!);
      }
      return null;
    }
    default:
      return null;
  }
}

/** Replaces the aggregate-output column reference `i` in an expression (used by DML RETURNING). */
export function substituteCols(e: Expr, cols: readonly Expr[]): Expr {
  return remapCols(e, (i) => cols[i]!);
}
