// Writes: INSERT (with ON CONFLICT), UPDATE and DELETE. Every write keeps all indexes in
// step with the primary row; uniqueness is a conditionalPut expecting no value (23505 on
// conflict), NOT NULL / CHECK / length limits are enforced before encoding. Requests are
// batched per statement; a single-row write is one KV request. Built by exec/index.ts.

import { sqlError } from '../errors.js';
import { notNullMessage } from '../bind/index.js';
import type { BoundCheck, Expr } from '../bind/index.js';
import type { IndexDescriptor, TableDescriptor } from '../catalog/index.js';
import { encodePrimaryKey, encodeRowValue, indexEntries, decodeRow, decodeIndexEntry, uniqueEntryConflicts } from '../rowenc/index.js';
import { KvError } from '../../storage/index.js';
import type { KvRequest } from '../../storage/index.js';
import type { DeletePlan, InsertPlan, Plan, UpdatePlan } from '../plan/index.js';
import { coerceToTypmod, formatText } from '../types/index.js';
import type { Datum } from '../types/index.js';
import { compileExpr } from './expr.js';
import type { CompiledExpr } from './expr.js';
import { arrayOp, compilePlan, drain } from './ops.js';
import { checkParents, onParentChange } from './fk.js';
import type { ExecContext, Row } from './context.js';
import type { Op, OpFactory } from './op.js';

/** Requests buffered before a batch is sent. */
export const writeBatchRequestsMax = 4096;

/** An Op that performs the write on first next(), then yields RETURNING rows; rowCount after. */
export interface WriteOp extends Op {
  readonly rowCount: number;
}

export type WriteFactory = (cx: ExecContext) => WriteOp;

interface TableWriter {
  readonly t: TableDescriptor;
  readonly checks: ReadonlyArray<{ name: string; ev: CompiledExpr }>;
  readonly indexes: readonly IndexDescriptor[];
  readonly typmodCols: readonly number[];
  readonly notNullCols: readonly number[];
  readonly rowidCol: number;
  /** The primary key is the hidden rowid alone (a table created without a primary key). */
  readonly rowidKeyed: boolean;
}

function tableWriter(t: TableDescriptor, checks: readonly BoundCheck[]): TableWriter {
  return {
    t,
    checks: checks.map((c) => ({ name: c.name, ev: compileExpr(c.expr) })),
    indexes: t.secondaryIndexes.filter((i) => i.state !== 'backfilling' || true),
    typmodCols: t.columns.map((c, i) => (c.type.typmod >= 0 ? i : -1)).filter((i) => i >= 0),
    notNullCols: t.columns.map((c, i) => (!c.nullable ? i : -1)).filter((i) => i >= 0),
    rowidCol: t.columns.findIndex((c) => c.hidden && c.defaultExpr === null),
    rowidKeyed: t.primaryIndex.columnIds.length === 1 && t.columns.some((c) => c.id === t.primaryIndex.columnIds[0] && c.hidden && c.defaultExpr === null),
  };
}

/** Applies length/precision limits, NOT NULL and CHECK to a full new row (in place). */
async function validateRow(w: TableWriter, row: Row, cx: ExecContext): Promise<void> {
  const cols = w.t.columns;
  for (const i of w.typmodCols) {
    const v = row[i] ?? null;
    if (v !== null) row[i] = coerceToTypmod(cols[i]!.type, v, false);
  }
  for (const i of w.notNullCols) {
    if ((row[i] ?? null) === null) {
      throw sqlError('23502', notNullMessage(w.t, cols[i]!), {
        detail: `Failing row contains (${failingRow(w.t, row, cx)}).`,
        table: w.t.name,
        column: cols[i]!.name,
      });
    }
  }
  for (const c of w.checks) {
    if (c.ev.prep !== null) await c.ev.prep(row, cx);
    if (c.ev.ev(row, cx) === false) {
      throw sqlError('23514', `new row for relation "${w.t.name}" violates check constraint "${c.name}"`, {
        detail: `Failing row contains (${failingRow(w.t, row, cx)}).`,
        table: w.t.name,
        constraint: c.name,
      });
    }
  }
}

function failingRow(t: TableDescriptor, row: Row, cx: ExecContext): string {
  return t.columns
    .map((c, i) => (c.hidden ? null : row[i] === null || row[i] === undefined ? 'null' : formatText(c.type, row[i]!, cx.evalCtx)))
    .filter((s) => s !== null)
    .join(', ');
}

/** Requests that insert `row` (primary row + every index entry). */
function insertRequests(w: TableWriter, row: Row, out: KvRequest[]): void {
  const key = encodePrimaryKey(w.t, row);
  const value = encodeRowValue(w.t, row);
  // A generated rowid is unique by construction: a blind put skips the read-for-uniqueness
  // (and its timestamp-cache entry, which a large COPY would otherwise fill).
  out.push(w.rowidKeyed ? { kind: 'put', key, value } : { kind: 'conditionalPut', key, value, expected: null });
  for (const idx of w.indexes) {
    for (const e of indexEntries(w.t, idx, row)) {
      out.push(e.unique ? { kind: 'conditionalPut', key: e.key, value: e.value, expected: null } : { kind: 'put', key: e.key, value: e.value });
    }
  }
}

function deleteIndexRequests(w: TableWriter, indexes: readonly IndexDescriptor[], row: Row, out: KvRequest[]): void {
  for (const idx of indexes) for (const e of indexEntries(w.t, idx, row)) out.push({ kind: 'delete', key: e.key });
}

/** Sends buffered requests; maps ConditionFailed to 23505 naming the violated constraint. */
async function flush(w: TableWriter, reqs: KvRequest[], rows: readonly Row[], cx: ExecContext): Promise<void> {
  if (reqs.length === 0) return;
  const batch = reqs.splice(0, reqs.length);
  try {
    if (batch.length === 1) {
      const r = batch[0]!;
      if (r.kind === 'put') await cx.txn.put(r.key, r.value);
      else if (r.kind === 'conditionalPut') await cx.txn.conditionalPut(r.key, r.value, r.expected);
      else if (r.kind === 'delete') await cx.txn.delete(r.key);
      else await cx.txn.send(batch);
    } else {
      await cx.txn.send(batch);
    }
  } catch (e) {
    if (e instanceof KvError && e.code === 'ConditionFailed') throw await uniqueViolation(w, batch, rows, cx);
    throw e;
  }
}

async function uniqueViolation(w: TableWriter, batch: readonly KvRequest[], rows: readonly Row[], cx: ExecContext): Promise<Error> {
  const cputs = batch.filter((r): r is KvRequest & { kind: 'conditionalPut' } => r.kind === 'conditionalPut');
  // Duplicates inside the batch first, then keys that already existed.
  let culprit: Buffer | null = null;
  const seen = new Set<string>();
  for (const r of cputs) {
    const k = r.key.toString('latin1');
    if (seen.has(k)) {
      culprit = r.key;
      break;
    }
    seen.add(k);
  }
  if (culprit === null) {
    if (cputs.length === 1) culprit = cputs[0]!.key;
    else {
      for (const r of cputs) {
        try {
          if ((await cx.txn.get(r.key)) !== null) {
            culprit = r.key;
            break;
          }
        } catch {
          break;
        }
      }
    }
  }
  return describeConflict(w, culprit ?? cputs[0]?.key ?? null, rows, cx);
}

function describeConflict(w: TableWriter, key: Buffer | null, rows: readonly Row[], cx: ExecContext): Error {
  const t = w.t;
  for (const row of rows) {
    if (key !== null && encodePrimaryKey(t, row).equals(key)) return conflictError(t, t.primaryIndex, row, cx);
    for (const idx of w.indexes) {
      if (!idx.unique) continue;
      for (const e of indexEntries(t, idx, row)) if (key !== null && e.key.equals(key)) return conflictError(t, idx, row, cx);
    }
  }
  return conflictError(t, t.primaryIndex, rows[0] ?? [], cx);
}

export function conflictError(t: TableDescriptor, idx: IndexDescriptor, row: Row, cx: ExecContext): Error {
  const cols = idx.columnIds.map((id) => t.columns.findIndex((c) => c.id === id));
  const names = cols.map((i) => t.columns[i]!.name).join(', ');
  const vals = cols.map((i) => (row[i] === null || row[i] === undefined ? 'null' : formatText(t.columns[i]!.type, row[i]!, cx.evalCtx))).join(', ');
  return sqlError('23505', `duplicate key value violates unique constraint "${idx.name}"`, {
    detail: `Key (${names})=(${vals}) already exists.`,
    table: t.name,
    constraint: idx.name,
  });
}

/** RETURNING evaluation over a row. */
function compileReturning(exprs: readonly Expr[] | undefined): CompiledExpr[] | null {
  return exprs === undefined ? null : exprs.map((e) => compileExpr(e));
}

async function project(ret: readonly CompiledExpr[], row: Row, cx: ExecContext): Promise<Row> {
  const out: Datum[] = [];
  for (const c of ret) {
    if (c.prep !== null) await c.prep(row, cx);
    out.push(c.ev(row, cx));
  }
  return out;
}

/** Shared shell: run `work` once, then stream the RETURNING rows it collected. */
function writeOp(work: (out: Row[] | null) => Promise<number>, returning: boolean): WriteOp {
  let done = false;
  let rows: Row[] = [];
  let i = 0;
  let count = 0;
  return {
    get rowCount() {
      return count;
    },
    async next() {
      if (!done) {
        done = true;
        const out: Row[] | null = returning ? [] : null;
        count = await work(out);
        rows = out ?? [];
      }
      return i < rows.length ? rows[i++]! : null;
    },
    close() {},
  };
}

// ---------------------------------------------------------------- INSERT

export function insertFactory(p: InsertPlan): WriteFactory {
  const w = tableWriter(p.table, p.checks);
  const source: OpFactory = compilePlan(p.source);
  const ret = compileReturning(p.returning?.exprs);
  const oc = p.onConflict;
  const ocSets = oc === null ? [] : oc.sets.map((s) => ({ col: s.col, ev: compileExpr(s.expr) }));
  const ocWhere = oc?.where == null ? null : compileExpr(oc.where);
  // INSERT INTO t SELECT ... FROM t: read everything first, or the scan would see its own inserts.
  const selfRead = planReadsTable(p.source, p.table.id);
  return (cx) =>
    writeOp(async (out) => {
      const src = selfRead ? arrayOp(await drain(source(cx), cx)) : source(cx);
      // Primary keys this command inserted or updated through ON CONFLICT DO UPDATE.
      const affected = new Set<string>();
      const reqs: KvRequest[] = [];
      const pendingRows: Row[] = [];
      let count = 0;
      try {
        for (let row = await src.next(); row !== null; row = await src.next()) {
          const r = row.slice();
          if (w.rowidCol >= 0 && r[w.rowidCol] === null) r[w.rowidCol] = await cx.sequences.nextRowId(w.t.id);
          await validateRow(w, r, cx);
          if (w.t.foreignKeys.length > 0) await checkParents(w.t, r, cx, null);
          if (oc !== null) {
            const res = await insertOnConflict(w, r, oc.action, oc.arbiter, ocSets, ocWhere, cx, affected);
            if (res === null) continue;
            count++;
            if (out !== null && ret !== null) out.push(await project(ret, res, cx));
            continue;
          }
          insertRequests(w, r, reqs);
          pendingRows.push(r);
          count++;
          if (out !== null && ret !== null) out.push(await project(ret, r, cx));
          if (reqs.length >= writeBatchRequestsMax) {
            await flush(w, reqs, pendingRows, cx);
            pendingRows.length = 0;
          }
        }
        await flush(w, reqs, pendingRows, cx);
      } finally {
        src.close();
      }
      return count;
    }, ret !== null);
}

/** Finds the existing row `r` conflicts with on `arbiter` (or any unique index), or null. */
async function findConflict(w: TableWriter, r: Row, arbiter: IndexDescriptor | null, cx: ExecContext): Promise<Row | null> {
  const t = w.t;
  const candidates = arbiter === null ? [t.primaryIndex, ...w.indexes.filter((i) => i.unique)] : [arbiter];
  for (const idx of candidates) {
    if (idx.primary) {
      const key = encodePrimaryKey(t, r);
      const v = await cx.txn.get(key, { lock: 'exclusive' });
      if (v !== null) return decodeRow(t, key, v);
      continue;
    }
    if (!uniqueEntryConflicts(t, idx, r)) continue;
    const e = indexEntries(t, idx, r)[0]!;
    const v = await cx.txn.get(e.key, { lock: 'exclusive' });
    if (v === null) continue;
    const pkKey = encodePrimaryKey(t, decodeIndexEntry(t, idx, e.key, v));
    const rowVal = await cx.txn.get(pkKey, { lock: 'exclusive' });
    if (rowVal !== null) return decodeRow(t, pkKey, rowVal);
  }
  return null;
}

async function insertOnConflict(
  w: TableWriter,
  r: Row,
  action: 'nothing' | 'update',
  arbiter: IndexDescriptor | null,
  sets: ReadonlyArray<{ col: number; ev: CompiledExpr }>,
  where: CompiledExpr | null,
  cx: ExecContext,
  affected: Set<string>,
): Promise<Row | null> {
  const existing = await findConflict(w, r, arbiter, cx);
  if (existing === null) {
    const reqs: KvRequest[] = [];
    insertRequests(w, r, reqs);
    await flush(w, reqs, [r], cx);
    if (action === 'update') affected.add(encodePrimaryKey(w.t, r).toString('latin1'));
    return r;
  }
  if (action === 'nothing') return null;
  if (affected.has(encodePrimaryKey(w.t, existing).toString('latin1'))) {
    throw sqlError('21000', 'ON CONFLICT DO UPDATE command cannot affect row a second time', {
      hint: 'Ensure that no rows proposed for insertion within the same command have duplicate constrained values.',
    });
  }
  const both = existing.concat(r);
  if (where !== null) {
    if (where.prep !== null) await where.prep(both, cx);
    if (where.ev(both, cx) !== true) return null;
  }
  const next = existing.slice();
  for (const s of sets) {
    if (s.ev.prep !== null) await s.ev.prep(both, cx);
    next[s.col] = s.ev.ev(both, cx);
  }
  await validateRow(w, next, cx);
  if (w.t.foreignKeys.length > 0) await checkParents(w.t, next, cx, existing);
  const reqs: KvRequest[] = [];
  updateRequests(w, existing, next, true, w.indexes, reqs);
  await flush(w, reqs, [next], cx);
  affected.add(encodePrimaryKey(w.t, next).toString('latin1'));
  return next;
}

// ---------------------------------------------------------------- UPDATE

function updateRequests(w: TableWriter, old: Row, next: Row, pkMaybeChanged: boolean, touched: readonly IndexDescriptor[], out: KvRequest[]): void {
  const oldKey = encodePrimaryKey(w.t, old);
  const newKey = pkMaybeChanged ? encodePrimaryKey(w.t, next) : oldKey;
  if (!newKey.equals(oldKey)) {
    out.push({ kind: 'delete', key: oldKey });
    deleteIndexRequests(w, w.indexes, old, out);
    insertRequests(w, next, out);
    return;
  }
  out.push({ kind: 'put', key: oldKey, value: encodeRowValue(w.t, next) });
  for (const idx of touched) {
    const before = indexEntries(w.t, idx, old)[0]!;
    const after = indexEntries(w.t, idx, next)[0]!;
    if (before.key.equals(after.key) && before.value.equals(after.value)) continue;
    if (!before.key.equals(after.key)) out.push({ kind: 'delete', key: before.key });
    out.push(after.unique && !before.key.equals(after.key) ? { kind: 'conditionalPut', key: after.key, value: after.value, expected: null } : { kind: 'put', key: after.key, value: after.value });
  }
}

export function updateFactory(p: UpdatePlan): WriteFactory {
  const w = tableWriter(p.table, p.checks);
  const input = compilePlan(p.input);
  const sets = p.sets.map((s) => ({ col: s.col, ev: compileExpr(s.expr) }));
  const ret = compileReturning(p.returning?.exprs);
  const n = p.table.columns.length;
  const hasJoin = p.input.cols.length > n;
  // Only unique keys can be referenced: other updates never touch inbound foreign keys.
  const mayBeReferenced = p.pkChanges || p.touchedIndexes.some((i) => i.unique);
  return (cx) =>
    writeOp(async (out) => {
      // Read every target row before writing (no row is seen twice when keys move).
      const rows = await drain(input(cx), cx);
      const reqs: KvRequest[] = [];
      const pending: Row[] = [];
      const done = hasJoin ? new Set<string>() : null;
      let count = 0;
      for (const row of rows) {
        const old = row.length === n ? row : row.slice(0, n);
        if (done !== null) {
          const k = encodePrimaryKey(w.t, old).toString('latin1');
          if (done.has(k)) continue;
          done.add(k);
        }
        const next = old.slice();
        for (const s of sets) {
          if (s.ev.prep !== null) await s.ev.prep(row, cx);
          next[s.col] = s.ev.ev(row, cx);
        }
        await validateRow(w, next, cx);
        if (w.t.foreignKeys.length > 0) await checkParents(w.t, next, cx, old);
        if (mayBeReferenced) await onParentChange(w.t, old, next, cx);
        updateRequests(w, old, next, p.pkChanges, p.touchedIndexes, reqs);
        pending.push(next);
        count++;
        if (out !== null && ret !== null) out.push(await project(ret, row.length === n ? next : next.concat(row.slice(n)), cx));
        if (reqs.length >= writeBatchRequestsMax) {
          await flush(w, reqs, pending, cx);
          pending.length = 0;
        }
      }
      await flush(w, reqs, pending, cx);
      return count;
    }, ret !== null);
}

// ---------------------------------------------------------------- DELETE

export function deleteFactory(p: DeletePlan): WriteFactory {
  const w = tableWriter(p.table, []);
  const input = compilePlan(p.input);
  const ret = compileReturning(p.returning?.exprs);
  const n = p.table.columns.length;
  const hasJoin = p.input.cols.length > n;
  return (cx) =>
    writeOp(async (out) => {
      const src = input(cx);
      const reqs: KvRequest[] = [];
      const done = hasJoin ? new Set<string>() : null;
      let count = 0;
      try {
        for (let row = await src.next(); row !== null; row = await src.next()) {
          const old = row.length === n ? row : row.slice(0, n);
          const key = encodePrimaryKey(w.t, old);
          if (done !== null) {
            const k = key.toString('latin1');
            if (done.has(k)) continue;
            done.add(k);
          }
          await onParentChange(w.t, old, null, cx);
          reqs.push({ kind: 'delete', key });
          deleteIndexRequests(w, w.indexes, old, reqs);
          count++;
          if (out !== null && ret !== null) out.push(await project(ret, row, cx));
          if (reqs.length >= writeBatchRequestsMax) await flush(w, reqs, [], cx);
        }
        await flush(w, reqs, [], cx);
      } finally {
        src.close();
      }
      return count;
    }, ret !== null);
}

/** Inserts already-validated rows (COPY FROM): the same path as INSERT, batched. */
export async function insertRows(t: TableDescriptor, checks: readonly BoundCheck[], rows: readonly Row[], cx: ExecContext): Promise<void> {
  const w = tableWriter(t, checks);
  const reqs: KvRequest[] = [];
  const pending: Row[] = [];
  for (const row of rows) {
    const r = row.slice();
    if (w.rowidCol >= 0 && r[w.rowidCol] === null) r[w.rowidCol] = await cx.sequences.nextRowId(w.t.id);
    await validateRow(w, r, cx);
    if (w.t.foreignKeys.length > 0) await checkParents(w.t, r, cx, null);
    insertRequests(w, r, reqs);
    pending.push(r);
    if (reqs.length >= writeBatchRequestsMax) {
      await flush(w, reqs, pending, cx);
      pending.length = 0;
    }
  }
  await flush(w, reqs, pending, cx);
}

/** True when `p` scans table `tableId` anywhere (subqueries in expressions aside). */
function planReadsTable(p: Plan, tableId: number): boolean {
  switch (p.kind) {
    case 'tablescan':
      return p.table.id === tableId;
    case 'vscan':
    case 'values':
    case 'onerow':
    case 'srf':
    case 'ctescan':
      return false;
    case 'dml':
      return true; // a data-modifying CTE: read its rows before writing (conservative)
    case 'filter':
    case 'project':
    case 'agg':
    case 'sort':
    case 'limit':
    case 'distinct':
      return planReadsTable(p.input, tableId);
    case 'hashjoin':
    case 'nestedloop':
    case 'setop':
      return planReadsTable(p.left, tableId) || planReadsTable(p.right, tableId);
    case 'with':
      return planReadsTable(p.body, tableId) || p.ctes.some((c) => planReadsTable(c.plan, tableId) || (c.recursive !== null && planReadsTable(c.recursive.step, tableId)));
  }
}
