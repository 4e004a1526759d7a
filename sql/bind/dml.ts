// Binding of INSERT (VALUES / SELECT / DEFAULT VALUES, ON CONFLICT, RETURNING), UPDATE
// (SET, FROM, RETURNING) and DELETE (USING, RETURNING). Every write is described over full
// table rows (one slot per column, descriptor order) so exec can encode keys, check
// constraints and maintain every index the same way. Called by bind/index.ts.

import { sqlError } from '../errors.js';
import { parseSql } from '../parse/index.js';
import type { DeleteStmt, InsertStmt, Node, ResTarget, SelectStmt, UpdateStmt, OnConflictClause, WithClause } from '../parse/index.js';
import type { ColumnDescriptor, IndexDescriptor, TableDescriptor } from '../catalog/index.js';
import { typeName, types } from '../types/index.js';
import type { Binder } from './binder.js';
import { figureColname } from './binder.js';
import { coerceAssign, coerceBool, coerceExpr, constExpr } from './coerce.js';
import { bindExpr } from './expr.js';
import type { ExprCtx } from './expr.js';
import { bindFromList, tableCols } from './from.js';
import { Scope } from './scope.js';
import { shiftCols } from './walk.js';
import type { Expr, OutCol, Rel } from './types.js';

export interface BoundCheck {
  readonly name: string;
  /** Over the full table row. */
  readonly expr: Expr;
}

export interface Returning {
  readonly exprs: readonly Expr[];
  readonly cols: readonly OutCol[];
}

export interface BoundInsert {
  readonly kind: 'insert';
  readonly table: TableDescriptor;
  /** Produces full table rows (defaults filled, assignment casts applied; typmods not yet). */
  readonly source: Rel;
  readonly checks: readonly BoundCheck[];
  readonly onConflict: BoundOnConflict | null;
  /** Over the inserted (or updated) full row. */
  readonly returning: Returning | null;
}

export interface BoundOnConflict {
  readonly action: 'nothing' | 'update';
  /** The unique index whose conflict triggers the action; null: any unique index. */
  readonly arbiter: IndexDescriptor | null;
  /** DO UPDATE: column position → expression over [existing row..., excluded row...]. */
  readonly sets: ReadonlyArray<{ readonly col: number; readonly expr: Expr }>;
  readonly where: Expr | null;
}

export interface BoundUpdate {
  readonly kind: 'update';
  readonly table: TableDescriptor;
  /** Rows of [table columns..., FROM columns...], already filtered by WHERE. */
  readonly input: Rel;
  readonly sets: ReadonlyArray<{ readonly col: number; readonly expr: Expr }>;
  readonly checks: readonly BoundCheck[];
  /** Over [new table row..., FROM columns...]. */
  readonly returning: Returning | null;
}

export interface BoundDelete {
  readonly kind: 'delete';
  readonly table: TableDescriptor;
  /** Rows of [table columns..., USING columns...]. */
  readonly input: Rel;
  readonly returning: Returning | null;
}

function targetTable(b: Binder, rv: { schemaname?: string; relname?: string } | undefined, verb: string): TableDescriptor {
  const rel = b.resolveRelation(rv?.schemaname ?? null, rv?.relname ?? '');
  if (rel.kind !== 'table') throw sqlError('42809', `cannot ${verb} relation "${rv?.relname}"`);
  return rel.table;
}

/** A scope whose one entry is the table's row at slot 0. */
function tableScope(table: TableDescriptor, alias: string, parent: Scope | null = null, depth = 0): Scope {
  const s = new Scope(parent, depth);
  s.add({
    alias,
    schemaName: null,
    columns: table.columns.map((c, i) => ({ name: c.name, type: c.type, slot: i, hidden: c.hidden })),
  });
  return s;
}

function columnIndex(table: TableDescriptor, name: string): number {
  const i = table.columns.findIndex((c) => c.name === name && !c.hidden);
  if (i < 0) throw sqlError('42703', `column "${name}" of relation "${table.name}" does not exist`);
  return i;
}

/** The bound DEFAULT of a column (NULL when none). */
export function bindDefault(b: Binder, col: ColumnDescriptor): Expr {
  if (col.defaultExpr === null) return constExpr(col.type, null);
  const stmts = parseSql(`SELECT ${col.defaultExpr}`);
  const sel = (stmts[0]!.ast as { SelectStmt: SelectStmt }).SelectStmt;
  const val = (sel.targetList![0] as { ResTarget: ResTarget }).ResTarget.val!;
  const cx: ExprCtx = { host: b, scope: new Scope(null, 0), aggs: null, clause: 'DEFAULT expressions' };
  return coerceAssign(bindExpr(val, cx), col.type, col.name, b.params, b.env);
}

export function bindChecks(b: Binder, table: TableDescriptor): BoundCheck[] {
  if (table.checks.length === 0) return [];
  const scope = tableScope(table, table.name);
  const cx: ExprCtx = { host: b, scope, aggs: null, clause: 'check constraints' };
  return table.checks.map((c) => {
    const stmts = parseSql(`SELECT ${c.expr}`);
    const sel = (stmts[0]!.ast as { SelectStmt: SelectStmt }).SelectStmt;
    const val = (sel.targetList![0] as { ResTarget: ResTarget }).ResTarget.val!;
    return { name: c.name, expr: coerceBool(bindExpr(val, cx), 'CHECK', b.params, b.env) };
  });
}

function returningList(stmt: { returningList?: Node[]; returningClause?: { exprs?: Node[] } }): Node[] {
  return stmt.returningClause?.exprs ?? stmt.returningList ?? [];
}

function bindReturning(b: Binder, list: readonly Node[], scope: Scope, rowCols: readonly OutCol[]): Returning | null {
  if (list.length === 0) return null;
  const cx: ExprCtx = { host: b, scope, aggs: null, clause: 'RETURNING' };
  const exprs: Expr[] = [];
  const cols: OutCol[] = [];
  for (const n of list) {
    const rt = (n as { ResTarget: ResTarget }).ResTarget;
    const ref = (rt.val as { ColumnRef?: { fields?: Node[] } }).ColumnRef;
    const fields = ref?.fields ?? [];
    if (fields.length > 0 && (fields[fields.length - 1] as { A_Star?: unknown }).A_Star !== undefined) {
      const qual = fields.length > 1 ? (fields[0] as { String?: { sval?: string } }).String?.sval : undefined;
      for (const e of scope.entries) {
        if (qual !== undefined && e.alias !== qual) continue;
        for (const c of e.columns) {
          if (c.hidden) continue;
          exprs.push({ kind: 'col', type: c.type, index: c.slot });
          cols.push({ ...(rowCols[c.slot] ?? { tableOid: 0, attnum: 0 }), name: c.name, type: c.type, hidden: false });
        }
      }
      continue;
    }
    let e = bindExpr(rt.val!, cx);
    // An untyped literal returns as text, as in a select list.
    if (e.type.kind === 'unknown') e = coerceExpr(e, types.text, 'implicit', b.params, b.env);
    exprs.push(e);
    const meta = e.kind === 'col' ? rowCols[e.index] : undefined;
    cols.push({ name: rt.name ?? figureColname(rt.val!), type: e.type, tableOid: meta?.tableOid ?? 0, attnum: meta?.attnum ?? 0 });
  }
  return { exprs, cols };
}

// ---------------------------------------------------------------- INSERT

/** Binds a DML statement's WITH clause into `scope` (CTEs visible to the statement's queries). */
function bindDmlWith(b: Binder, w: WithClause | undefined): { scope: Scope; ctes: ReturnType<Binder['bindWith']> } {
  const scope = new Scope(null, 0);
  return { scope, ctes: w === undefined ? [] : b.bindWith(w, scope) };
}

function withCtes(_b: Binder, _w: WithClause | undefined, cte: { ctes: ReturnType<Binder['bindWith']> }, rel: Rel): Rel {
  return cte.ctes.length === 0 ? rel : { kind: 'with', ctes: cte.ctes, body: rel, cols: rel.cols };
}

/**
 * Whether an INSERT may store a given value in `col`: GENERATED ALWAYS identity columns take
 * one only with OVERRIDING SYSTEM VALUE (else 428C9); OVERRIDING USER VALUE ignores given
 * values of identity columns (false: the default is used).
 */
function identityValueAllowed(col: ColumnDescriptor, override: string | undefined): boolean {
  if (col.identity === undefined) return true;
  if (override === 'OVERRIDING_USER_VALUE') return false;
  if (col.identity === 'always' && override !== 'OVERRIDING_SYSTEM_VALUE') {
    throw sqlError('428C9', `cannot insert a non-DEFAULT value into column "${col.name}"`, {
      detail: `Column "${col.name}" is an identity column defined as GENERATED ALWAYS.`,
      hint: 'Use OVERRIDING SYSTEM VALUE to override.',
    });
  }
  return true;
}

/** How many values the VALUES rows of an INSERT without a column list provide. */
function implicitWidth(b: Binder, sel: SelectStmt): number {
  void b;
  if (sel.valuesLists !== undefined && sel.op === 'SETOP_NONE') {
    return ((sel.valuesLists[0] as { List?: { items?: Node[] } } | undefined)?.List?.items ?? []).length;
  }
  return Number.MAX_SAFE_INTEGER; // a query: known once bound (see bindInsert)
}

export function bindInsert(b: Binder, s: InsertStmt): BoundInsert {
  const cteScope = bindDmlWith(b, s.withClause);
  const table = targetTable(b, s.relation, 'insert into');
  const ncols = table.columns.length;
  let targets: number[] =
    s.cols === undefined
      ? table.columns.map((c, i) => (c.hidden ? -1 : i)).filter((i) => i >= 0)
      : s.cols.map((n) => columnIndex(table, (n as { ResTarget: ResTarget }).ResTarget.name ?? ''));
  const sel = (s.selectStmt as { SelectStmt?: SelectStmt } | undefined)?.SelectStmt;
  // Without a column list, fewer values fill the leading columns (the rest take defaults).
  if (s.cols === undefined && sel !== undefined) targets = targets.slice(0, Math.min(targets.length, implicitWidth(b, sel)));
  if (new Set(targets).size !== targets.length) {
    const dup = targets.find((t, i) => targets.indexOf(t) !== i)!;
    throw sqlError('42701', `column "${table.columns[dup]!.name}" specified more than once`);
  }
  const defaults = table.columns.map((c) => bindDefault(b, c));
  let source: Rel;
  const fullCols: OutCol[] = tableCols({ kind: 'table', table } as never);
  if (sel === undefined) {
    source = { kind: 'values', rows: [defaults], cols: fullCols };
  } else if (sel.valuesLists !== undefined && sel.op === 'SETOP_NONE' && sel.withClause === undefined && sel.sortClause === undefined && sel.limitCount === undefined) {
    const cx: ExprCtx = { host: b, scope: cteScope.scope, aggs: null, clause: 'VALUES' };
    const rows = sel.valuesLists.map((l, r) => {
      const items = (l as { List?: { items?: Node[] } }).List?.items ?? [];
      if (r > 0 && items.length !== ((sel.valuesLists![0] as { List?: { items?: Node[] } }).List?.items ?? []).length) {
        throw sqlError('42601', 'VALUES lists must all be the same length');
      }
      if (items.length > targets.length) throw sqlError('42601', 'INSERT has more expressions than target columns');
      if (items.length < targets.length) throw sqlError('42601', 'INSERT has more target columns than expressions');
      const row = [...defaults];
      items.forEach((n, k) => {
        const col = targets[k]!;
        if ((n as { SetToDefault?: unknown }).SetToDefault !== undefined) return;
        if (!identityValueAllowed(table.columns[col]!, s.override)) return;
        row[col] = coerceAssign(bindExpr(n, cx), table.columns[col]!.type, table.columns[col]!.name, b.params, b.env);
      });
      return row;
    });
    source = { kind: 'values', rows, cols: fullCols };
  } else {
    const q = b.bindSelect(sel, cteScope.scope);
    const visible = q.cols.map((c, i) => ({ c, i })).filter((x) => x.c.hidden !== true);
    if (s.cols === undefined && visible.length < targets.length) targets = targets.slice(0, visible.length);
    if (visible.length > targets.length) throw sqlError('42601', 'INSERT has more expressions than target columns');
    if (visible.length < targets.length) throw sqlError('42601', 'INSERT has more target columns than expressions');
    const exprs: Expr[] = [...defaults];
    targets.forEach((col, k) => {
      if (!identityValueAllowed(table.columns[col]!, s.override)) return;
      const src: Expr = { kind: 'col', type: visible[k]!.c.type, index: visible[k]!.i };
      exprs[col] = coerceAssign(src, table.columns[col]!.type, table.columns[col]!.name, b.params, b.env);
    });
    source = { kind: 'project', input: q, exprs, cols: fullCols };
  }
  void ncols;
  source = withCtes(b, s.withClause, cteScope, source);
  const alias = s.relation?.alias?.aliasname ?? table.name;
  const onConflict = s.onConflictClause === undefined ? null : bindOnConflict(b, table, alias, s.onConflictClause);
  const scope = tableScope(table, alias);
  return { kind: 'insert', table, source, checks: bindChecks(b, table), onConflict, returning: bindReturning(b, returningList(s), scope, fullCols) };
}

function bindOnConflict(b: Binder, table: TableDescriptor, alias: string, oc: OnConflictClause): BoundOnConflict {
  let arbiter: IndexDescriptor | null = null;
  const indexes = [table.primaryIndex, ...table.secondaryIndexes.filter((i) => i.unique && i.state === 'public')];
  const elems = oc.infer?.indexElems ?? [];
  if (oc.infer?.conname !== undefined) {
    arbiter = indexes.find((i) => i.name === oc.infer!.conname) ?? null;
    if (arbiter === null) throw sqlError('42704', `constraint "${oc.infer.conname}" for table "${table.name}" does not exist`);
  } else if (elems.length > 0) {
    const ids = elems.map((e) => {
      const name = (e as { IndexElem?: { name?: string } }).IndexElem?.name ?? '';
      return table.columns[columnIndex(table, name)]!.id;
    });
    arbiter = indexes.find((i) => i.columnIds.length === ids.length && ids.every((id) => i.columnIds.includes(id))) ?? null;
    if (arbiter === null) {
      throw sqlError('42P10', 'there is no unique or exclusion constraint matching the ON CONFLICT specification');
    }
  }
  if (oc.action === 'ONCONFLICT_NOTHING') return { action: 'nothing', arbiter, sets: [], where: null };
  if (arbiter === null) throw sqlError('42601', 'ON CONFLICT DO UPDATE requires inference specification or constraint name');
  // [existing row..., excluded row...]
  const n = table.columns.length;
  const scope = tableScope(table, alias);
  scope.add({ alias: 'excluded', schemaName: null, columns: table.columns.map((c, i) => ({ name: c.name, type: c.type, slot: n + i, hidden: c.hidden })) });
  const cx: ExprCtx = { host: b, scope, aggs: null, clause: 'ON CONFLICT DO UPDATE' };
  const sets = bindSetList(b, table, oc.targetList ?? [], cx);
  const where = oc.whereClause === undefined ? null : coerceBool(bindExpr(oc.whereClause, cx), 'WHERE', b.params, b.env);
  return { action: 'update', arbiter, sets, where };
}

function bindSetList(b: Binder, table: TableDescriptor, list: readonly Node[], cx: ExprCtx): Array<{ col: number; expr: Expr }> {
  const sets: Array<{ col: number; expr: Expr }> = [];
  for (const n of list) {
    const rt = (n as { ResTarget: ResTarget }).ResTarget;
    if (rt.indirection !== undefined && rt.indirection.length > 0) throw sqlError('0A000', 'assignment to array elements or fields is not supported');
    const col = columnIndex(table, rt.name ?? '');
    if (sets.some((x) => x.col === col)) throw sqlError('42601', `multiple assignments to same column "${rt.name}"`);
    const cd = table.columns[col]!;
    const val = multiAssignItem(rt.val!);
    const isDefault = (val as { SetToDefault?: unknown }).SetToDefault !== undefined;
    if (!isDefault && cd.identity === 'always') {
      throw sqlError('428C9', `column "${cd.name}" can only be updated to DEFAULT`, { detail: `Column "${cd.name}" is an identity column defined as GENERATED ALWAYS.` });
    }
    const e = isDefault ? bindDefault(b, cd) : bindExpr(val, cx);
    sets.push({ col, expr: coerceAssign(e, cd.type, cd.name, b.params, b.env) });
  }
  return sets;
}

/**
 * SET (a, b) = (x, y) arrives as one MultiAssignRef per column: column colno takes item
 * colno of the row, or column colno of a sub-select (run once per column).
 */
function multiAssignItem(val: Node): Node {
  const m = (val as { MultiAssignRef?: { source?: Node; colno?: number; ncolumns?: number } }).MultiAssignRef;
  if (m === undefined) return val;
  const colno = m.colno ?? 1;
  const row = (m.source as { RowExpr?: { args?: Node[] } }).RowExpr;
  if (row !== undefined) {
    const args = row.args ?? [];
    if (args.length !== m.ncolumns) throw sqlError('42601', 'number of columns does not match number of values');
    return args[colno - 1]!;
  }
  const sub = (m.source as { SubLink?: { subselect?: { SelectStmt?: SelectStmt } } }).SubLink;
  const sel = sub?.subselect?.SelectStmt;
  if (sub === undefined || sel === undefined || sel.targetList === undefined) throw sqlError('0A000', 'this form of multi-column assignment is not supported');
  if (sel.targetList.length !== m.ncolumns) throw sqlError('42601', 'number of columns does not match number of values');
  const one = { ...sel, targetList: [sel.targetList[colno - 1]!] };
  return { SubLink: { ...sub, subselect: { SelectStmt: one } } } as unknown as Node;
}

// ---------------------------------------------------------------- UPDATE / DELETE

function dmlInput(b: Binder, table: TableDescriptor, alias: string, extra: readonly Node[], where: Node | undefined, w: WithClause | undefined): { rel: Rel; scope: Scope; cols: OutCol[] } {
  const cte = bindDmlWith(b, w);
  const scope = tableScope(table, alias, cte.scope, 0);
  const base = tableCols({ kind: 'table', table } as never);
  let rel: Rel = { kind: 'scan', table, lock: { strength: 'exclusive', waitPolicy: 'block' }, cols: base };
  let cols = base;
  if (extra.length > 0) {
    // FROM/USING items bind after the target table's slots.
    const fromScope = new Scope(cte.scope, 0);
    const from = bindFromList(b, extra, fromScope, null);
    for (const e of fromScope.entries) {
      scope.add({ ...e, columns: e.columns.map((c) => ({ ...c, slot: c.slot + base.length })) });
    }
    cols = [...base, ...from.cols];
    rel = { kind: 'join', type: 'inner', left: rel, right: from.rel, on: null, lateralDepth: null, leftOffset: 0, cols };
  }
  if (where !== undefined) {
    const cx: ExprCtx = { host: b, scope, aggs: null, clause: 'WHERE' };
    rel = { kind: 'filter', input: rel, pred: coerceBool(bindExpr(where, cx), 'WHERE', b.params, b.env), cols };
  }
  return { rel: withCtes(b, w, cte, rel), scope, cols };
}

export function bindUpdate(b: Binder, s: UpdateStmt): BoundUpdate {
  const table = targetTable(b, s.relation, 'update');
  const alias = s.relation?.alias?.aliasname ?? table.name;
  const { rel, scope, cols } = dmlInput(b, table, alias, s.fromClause ?? [], s.whereClause, s.withClause);
  const cx: ExprCtx = { host: b, scope, aggs: null, clause: 'UPDATE' };
  const sets = bindSetList(b, table, s.targetList ?? [], cx);
  const pkIds = new Set(table.primaryIndex.columnIds);
  void pkIds;
  return { kind: 'update', table, input: rel, sets, checks: bindChecks(b, table), returning: bindReturning(b, returningList(s), scope, cols) };
}

export function bindDelete(b: Binder, s: DeleteStmt): BoundDelete {
  const table = targetTable(b, s.relation, 'delete from');
  const alias = s.relation?.alias?.aliasname ?? table.name;
  const { rel, scope, cols } = dmlInput(b, table, alias, s.usingClause ?? [], s.whereClause, s.withClause);
  return { kind: 'delete', table, input: rel, returning: bindReturning(b, returningList(s), scope, cols) };
}

/** Message of a failed NOT NULL check, as PostgreSQL words it. */
export function notNullMessage(table: TableDescriptor, col: ColumnDescriptor): string {
  return `null value in column "${col.name}" of relation "${table.name}" violates not-null constraint`;
}

export { shiftCols, typeName };
