// Logical relations → physical plans: pushes filters down into scans and join inputs,
// picks an index access path for each table scan (equality prefixes, IN lists, one range),
// turns equi-joins into hash joins, and drops sorts an index order already satisfies.
// Pure functions over immutable data; called by sql/plan/index.ts.

import { andOf, conjuncts, colsUsed, shiftCols, visitExpr } from '../bind/index.js';
import type { Expr, Rel, ScanRel, SortKey } from '../bind/index.js';
import type { IndexDescriptor, TableDescriptor } from '../catalog/index.js';
import type { BoundDelete, BoundInsert, BoundUpdate } from '../bind/index.js';
import type { DeletePlan, IndexAccess, InsertPlan, Plan, TableScanPlan, UpdatePlan } from './nodes.js';

/** Plans a relation; `pending` are conjuncts (over rel's row) pushed down from above. */
export function planRel(rel: Rel, pending: readonly Expr[] = []): Plan {
  switch (rel.kind) {
    case 'scan':
      return planScan(rel, pending);
    case 'vscan':
      return { kind: 'vscan', table: rel.table, filter: andOf(pending), cols: rel.cols };
    case 'filter':
      return planRel(rel.input, [...pending, ...conjuncts(rel.pred)]);
    case 'join':
      return planJoin(rel, pending);
    default:
      return withFilter(planOther(rel), pending);
  }
}

function withFilter(plan: Plan, pending: readonly Expr[]): Plan {
  const pred = andOf(pending);
  return pred === null ? plan : { kind: 'filter', input: plan, pred, cols: plan.cols };
}

function planOther(rel: Rel): Plan {
  switch (rel.kind) {
    case 'values':
      return { kind: 'values', rows: rel.rows, cols: rel.cols };
    case 'onerow':
      return { kind: 'onerow', cols: rel.cols };
    case 'project':
      return planSort(null, { kind: 'project', input: planRel(rel.input), exprs: rel.exprs, cols: rel.cols });
    case 'agg':
      return { kind: 'agg', input: planRel(rel.input), groupBy: rel.groupBy, aggs: rel.aggs, cols: rel.cols };
    case 'sort':
      return planSort(rel.keys, planRel(rel.input));
    case 'limit':
      return { kind: 'limit', input: planRel(rel.input), limit: rel.limit, offset: rel.offset, cols: rel.cols };
    case 'distinct':
      return { kind: 'distinct', input: planRel(rel.input), on: rel.on, cols: rel.cols };
    case 'setop':
      return { kind: 'setop', op: rel.op, all: rel.all, left: planRel(rel.left), right: planRel(rel.right), cols: rel.cols };
    case 'srf':
      return { kind: 'srf', calls: rel.calls, withOrdinality: rel.withOrdinality, cols: rel.cols };
    case 'cteref':
      return { kind: 'ctescan', cteId: rel.cteId, cols: rel.cols };
    case 'with':
      return {
        kind: 'with',
        ctes: rel.ctes.map((c) => ({
          id: c.id,
          name: c.name,
          plan: planRel(c.rel),
          recursive: c.recursive === null ? null : { step: planRel(c.recursive.step), all: c.recursive.all },
        })),
        body: planRel(rel.body),
        cols: rel.cols,
      };
    case 'dml':
      return { kind: 'dml', stmt: planDml(rel.stmt), cols: rel.cols };
    case 'scan':
    case 'vscan':
    case 'filter':
    case 'join':
      return planRel(rel);
  }
}

/** Plans INSERT / UPDATE / DELETE (a statement, or a data-modifying CTE). */
export function planDml(stmt: BoundInsert | BoundUpdate | BoundDelete): InsertPlan | UpdatePlan | DeletePlan {
  switch (stmt.kind) {
    case 'insert':
      return {
        kind: 'insert',
        table: stmt.table,
        source: planRel(stmt.source),
        checks: stmt.checks,
        onConflict: stmt.onConflict,
        returning: stmt.returning,
      };
    case 'update': {
      const t = stmt.table;
      const setIds = new Set(stmt.sets.map((s) => t.columns[s.col]!.id));
      const pkChanges = t.primaryIndex.columnIds.some((id) => setIds.has(id));
      const touchedIndexes = t.secondaryIndexes.filter((i) => pkChanges || i.columnIds.some((id) => setIds.has(id)));
      return {
        kind: 'update',
        table: t,
        input: planRel(stmt.input),
        sets: stmt.sets,
        checks: stmt.checks,
        returning: stmt.returning,
        pkChanges,
        touchedIndexes,
      };
    }
    case 'delete':
      return { kind: 'delete', table: stmt.table, input: planRel(stmt.input), returning: stmt.returning };
  }
}

// ---------------------------------------------------------------- joins

function planJoin(rel: Rel & { kind: 'join' }, pending: readonly Expr[]): Plan {
  const lw = rel.left.cols.length;
  const toLeft: Expr[] = [];
  const toRight: Expr[] = [];
  const above: Expr[] = [];
  const onList = conjuncts(rel.on);
  const joinConds: Expr[] = [];
  const side = (e: Expr): 'left' | 'right' | 'both' | 'none' => {
    const used = colsUsed(e);
    if (hasSubquery(e)) return 'both';
    let l = false;
    let r = false;
    for (const c of used) (c < lw ? (l = true) : (r = true));
    return l && r ? 'both' : l ? 'left' : r ? 'right' : 'none';
  };
  // WHERE conjuncts: into the inputs where the join type keeps their meaning.
  for (const e of pending) {
    const s = side(e);
    if (s === 'left' && (rel.type === 'inner' || rel.type === 'left')) toLeft.push(e);
    else if (s === 'right' && (rel.type === 'inner' || rel.type === 'right') && rel.lateralDepth === null) toRight.push(shiftCols(e, -lw));
    else if (rel.type === 'inner' && s !== 'none') joinConds.push(e);
    else above.push(e);
  }
  // ON conjuncts: one-sided ones filter the inner side(s).
  for (const e of onList) {
    const s = side(e);
    if (s === 'right' && (rel.type === 'inner' || rel.type === 'left') && rel.lateralDepth === null) toRight.push(shiftCols(e, -lw));
    else if (s === 'left' && (rel.type === 'inner' || rel.type === 'right')) toLeft.push(e);
    else joinConds.push(e);
  }
  const left = planRel(rel.left, toLeft);
  const right = planRel(rel.right, toRight);
  let plan: Plan;
  if (rel.lateralDepth !== null) {
    plan = { kind: 'nestedloop', type: rel.type, left, right, on: andOf(joinConds), lateralDepth: rel.lateralDepth, leftOffset: rel.leftOffset, cols: rel.cols };
  } else {
    plan = planEquiJoin(rel, left, right, joinConds, lw);
  }
  return withFilter(plan, above);
}

function planEquiJoin(rel: Rel & { kind: 'join' }, left: Plan, right: Plan, conds: readonly Expr[], lw: number): Plan {
  const leftKeys: Expr[] = [];
  const rightKeys: Expr[] = [];
  const residual: Expr[] = [];
  for (const e of conds) {
    if (e.kind === 'op' && e.op.name === '=' && e.left !== null && !hasSubquery(e)) {
      const lu = colsUsed(e.left);
      const ru = colsUsed(e.right);
      const allLeft = (s: Set<number>): boolean => s.size > 0 && [...s].every((c) => c < lw);
      const allRight = (s: Set<number>): boolean => s.size > 0 && [...s].every((c) => c >= lw);
      if (allLeft(lu) && allRight(ru) && e.left.type.oid === e.right.type.oid) {
        leftKeys.push(e.left);
        rightKeys.push(shiftCols(e.right, -lw));
        continue;
      }
      if (allRight(lu) && allLeft(ru) && e.left.type.oid === e.right.type.oid) {
        leftKeys.push(e.right);
        rightKeys.push(shiftCols(e.left, -lw));
        continue;
      }
    }
    residual.push(e);
  }
  if (leftKeys.length === 0) {
    return { kind: 'nestedloop', type: rel.type, left, right, on: andOf(residual), lateralDepth: null, leftOffset: rel.leftOffset, cols: rel.cols };
  }
  return { kind: 'hashjoin', type: rel.type, left, right, leftKeys, rightKeys, residual: andOf(residual), cols: rel.cols };
}

function hasSubquery(e: Expr): boolean {
  let yes = false;
  visitExpr(e, (n) => {
    if (n.kind === 'subquery') yes = true;
  });
  return yes;
}

// ---------------------------------------------------------------- scans

/** True when `e` has the same value for every row of one execution (params, constants, outer refs). */
export function isFixed(e: Expr): boolean {
  let ok = true;
  visitExpr(e, (n) => {
    if (n.kind === 'col' || n.kind === 'subquery') ok = false;
    else if (n.kind === 'func' && (n.fn.volatility === 'volatile' || n.fn.async)) ok = false;
  });
  return ok;
}

const INT_KINDS = new Set(['int2', 'int4', 'int8']);
const TEXT_KINDS = new Set(['text', 'varchar', 'name']);

/** True when a value of type `v` may be key-encoded as column type `c` (after conversion). */
function keyCompatible(c: Expr['type'], v: Expr['type']): boolean {
  if (c.oid === v.oid) return true;
  if (INT_KINDS.has(c.kind) && INT_KINDS.has(v.kind)) return true;
  return TEXT_KINDS.has(c.kind) && TEXT_KINDS.has(v.kind);
}

interface ColPred {
  readonly op: '=' | '<' | '<=' | '>' | '>=' | 'in';
  readonly values: readonly Expr[];
  readonly conjunct: Expr;
}

/** Normalizes a conjunct into `col op fixed` form, or null. */
function colPredicate(e: Expr): { col: number; pred: ColPred } | null {
  if (e.kind === 'op' && e.left !== null) {
    const flip: Record<string, ColPred['op']> = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
    const name = e.op.name;
    if (!(name in flip)) return null;
    if (e.left.kind === 'col' && isFixed(e.right) && keyCompatible(e.left.type, e.right.type)) {
      return { col: e.left.index, pred: { op: name as ColPred['op'], values: [e.right], conjunct: e } };
    }
    if (e.right.kind === 'col' && isFixed(e.left) && keyCompatible(e.right.type, e.left.type)) {
      return { col: e.right.index, pred: { op: flip[name]!, values: [e.left], conjunct: e } };
    }
    return null;
  }
  if (e.kind === 'inlist' && !e.negated && e.left.kind === 'col' && e.list.every((x) => isFixed(x) && keyCompatible((e.left as Expr).type, x.type))) {
    return { col: e.left.index, pred: { op: 'in', values: e.list, conjunct: e } };
  }
  return null;
}

function candidateIndexes(t: TableDescriptor): IndexDescriptor[] {
  return [t.primaryIndex, ...t.secondaryIndexes.filter((i) => i.state === 'public')];
}

interface Candidate {
  readonly access: IndexAccess;
  readonly used: ReadonlySet<Expr>;
  readonly score: number;
}

function accessFor(t: TableDescriptor, index: IndexDescriptor, preds: Map<number, ColPred[]>): Candidate | null {
  const posById = new Map(t.columns.map((c, i) => [c.id, i]));
  const eq: Expr[][] = [];
  const used = new Set<Expr>();
  let lower: IndexAccess['lower'] = null;
  let upper: IndexAccess['upper'] = null;
  for (const colId of index.columnIds) {
    const list = preds.get(posById.get(colId)!) ?? [];
    const e = list.find((p) => p.op === '=') ?? list.find((p) => p.op === 'in');
    if (e !== undefined) {
      eq.push([...e.values]);
      used.add(e.conjunct);
      continue;
    }
    for (const p of list) {
      if ((p.op === '>' || p.op === '>=') && lower === null) {
        lower = { expr: p.values[0]!, inclusive: p.op === '>=' };
        used.add(p.conjunct);
      } else if ((p.op === '<' || p.op === '<=') && upper === null) {
        upper = { expr: p.values[0]!, inclusive: p.op === '<=' };
        used.add(p.conjunct);
      }
    }
    break;
  }
  if (eq.length === 0 && lower === null && upper === null) return null;
  const point = index.primary && eq.length === index.columnIds.length;
  const fanout = eq.reduce((n, vs) => n * vs.length, 1);
  if (fanout > 1000) return null;
  // Prefer point lookups, then unique full matches, then longer prefixes, then ranges.
  const fullUnique = index.unique && eq.length === index.columnIds.length;
  const score = (point ? 1000 : 0) + (fullUnique ? 500 : 0) + eq.length * 10 + (lower !== null || upper !== null ? 5 : 0) + (index.primary ? 1 : 0);
  return { access: { index, eq, lower, upper, point }, used, score };
}

function planScan(rel: ScanRel, pending: readonly Expr[]): TableScanPlan {
  const preds = new Map<number, ColPred[]>();
  for (const e of pending) {
    const cp = colPredicate(e);
    if (cp === null) continue;
    const list = preds.get(cp.col) ?? [];
    list.push(cp.pred);
    preds.set(cp.col, list);
  }
  let best: Candidate | null = null;
  for (const index of candidateIndexes(rel.table)) {
    const c = accessFor(rel.table, index, preds);
    if (c !== null && (best === null || c.score > best.score)) best = c;
  }
  const residual = best === null ? pending : pending.filter((e) => !best!.used.has(e) || !exactOnIndex(e));
  return { kind: 'tablescan', table: rel.table, access: best?.access ?? null, filter: andOf(residual), lock: rel.lock, reverse: false, cols: rel.cols };
}

/** Whether the span fully enforces the conjunct (so it can leave the residual filter). */
function exactOnIndex(e: Expr): boolean {
  // Spans are built from key-encoded values of the column type; equal/IN/range are exact
  // for the key-compatible types admitted above.
  return e.kind === 'op' || e.kind === 'inlist';
}

// ---------------------------------------------------------------- sorts satisfied by index order

/** Traces projected column `i` down through projects/filters to a table-scan column. */
function traceToScan(plan: Plan, i: number): { scan: TableScanPlan; col: number } | null {
  switch (plan.kind) {
    case 'project': {
      const e = plan.exprs[i];
      return e !== undefined && e.kind === 'col' ? traceToScan(plan.input, e.index) : null;
    }
    case 'filter':
      return traceToScan(plan.input, i);
    case 'tablescan':
      return { scan: plan, col: i };
    default:
      return null;
  }
}

function replaceScan(plan: Plan, scan: TableScanPlan): Plan {
  switch (plan.kind) {
    case 'project':
      return { ...plan, input: replaceScan(plan.input, scan) };
    case 'filter':
      return { ...plan, input: replaceScan(plan.input, scan) };
    case 'tablescan':
      return scan;
    default:
      return plan;
  }
}

/** Sort on top of `input`, unless the scan below can deliver that order (then a reordered scan). */
function planSort(keys: readonly SortKey[] | null, input: Plan): Plan {
  if (keys === null) return input;
  const traced = keys.map((k) => (k.expr.kind === 'col' ? traceToScan(input, k.expr.index) : null));
  const first = traced[0];
  if (first !== null && first !== undefined && traced.every((t) => t !== null && t.scan === first.scan)) {
    const scan = first.scan;
    const index = scan.access?.index ?? scan.table.primaryIndex;
    const posById = new Map(scan.table.columns.map((c, i) => [c.id, i]));
    // Columns fixed by a single equality may be skipped in the order.
    const fixedCols = new Set<number>();
    const eqLen = scan.access?.eq.length ?? 0;
    for (let i = 0; i < eqLen; i++) if (scan.access!.eq[i]!.length === 1) fixedCols.add(posById.get(index.columnIds[i]!)!);
    let pos = 0;
    let reverse: boolean | null = null;
    let ok = true;
    for (let k = 0; k < keys.length && ok; k++) {
      const col = traced[k]!.col;
      while (pos < index.columnIds.length && fixedCols.has(posById.get(index.columnIds[pos]!)!) && posById.get(index.columnIds[pos]!) !== col) pos++;
      if (pos >= index.columnIds.length || posById.get(index.columnIds[pos]!) !== col) {
        ok = false;
        break;
      }
      const indexDesc = index.directions[pos] === 'desc';
      const wantDesc = keys[k]!.desc;
      const r = indexDesc !== wantDesc;
      // Index order puts NULLs last ascending / first descending, PostgreSQL's defaults.
      if (keys[k]!.nullsFirst !== wantDesc) ok = false;
      if (reverse === null) reverse = r;
      else if (reverse !== r) ok = false;
      pos++;
    }
    const multiSpan = (scan.access?.eq ?? []).some((vs) => vs.length > 1);
    if (ok && !multiSpan) {
      const access = scan.access ?? null;
      return replaceScan(input, { ...scan, access, reverse: reverse === true });
    }
  }
  return { kind: 'sort', input, keys, cols: input.cols };
}
