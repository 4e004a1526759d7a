// Foreign-key enforcement for writes: a child row must find its parent (looked up through
// the parent's primary or unique index, taking a shared lock so the parent cannot vanish
// before commit), and a parent row that is deleted or re-keyed must have no children
// (NO ACTION / RESTRICT), or takes them along (ON DELETE CASCADE / SET NULL).
// Called by exec/modify.ts.

import { sqlError } from '../errors.js';
import type { ForeignKeyConstraint, IndexDescriptor, TableDescriptor } from '../catalog/index.js';
import { decodeRow, encodePrimaryKey, encodeRowValue, indexEntries, indexSpanForPrefix, indexSpan, decodeIndexEntry } from '../rowenc/index.js';
import { formatText } from '../types/index.js';
import type { Datum } from '../types/index.js';
import type { ExecContext, Row } from './context.js';

/** Rows read per chunk while looking for referencing children without an index. */
const childScanChunkRows = 1024;

function positions(t: TableDescriptor, ids: readonly number[]): number[] {
  return ids.map((id) => t.columns.findIndex((c) => c.id === id));
}

function keyText(t: TableDescriptor, pos: readonly number[], row: Row, cx: ExecContext): string {
  return pos.map((p) => (row[p] === null || row[p] === undefined ? 'null' : formatText(t.columns[p]!.type, row[p]!, cx.evalCtx))).join(', ');
}

function names(t: TableDescriptor, pos: readonly number[]): string {
  return pos.map((p) => t.columns[p]!.name).join(', ');
}

/** The parent's index whose columns are exactly the referenced ones (primary or unique). */
function referencedIndex(parent: TableDescriptor, fk: ForeignKeyConstraint): IndexDescriptor | null {
  const want = [...fk.referencedColumnIds].sort().join(',');
  for (const idx of [parent.primaryIndex, ...parent.secondaryIndexes.filter((i) => i.unique)]) {
    if ([...idx.columnIds].sort().join(',') === want) return idx;
  }
  return null;
}

/** Checks that every FK of `child` finds its parent for `row` (a new or updated child row). */
export async function checkParents(child: TableDescriptor, row: Row, cx: ExecContext, changedOnly: Row | null): Promise<void> {
  for (const fk of child.foreignKeys) {
    const cpos = positions(child, fk.columnIds);
    if (cpos.some((p) => (row[p] ?? null) === null)) continue; // MATCH SIMPLE: any NULL passes
    if (changedOnly !== null && cpos.every((p) => sameDatum(changedOnly[p] ?? null, row[p] ?? null))) continue;
    const parent = await cx.catalog.getTableById(fk.referencedTableId);
    if (parent === null) continue;
    const idx = referencedIndex(parent, fk);
    if (idx === null) throw sqlError('42830', `there is no unique constraint matching given keys for referenced table "${parent.name}"`);
    const prow = new Array<Datum>(parent.columns.length).fill(null);
    const ppos = positions(parent, fk.referencedColumnIds);
    ppos.forEach((p, i) => (prow[p] = row[cpos[i]!] ?? null));
    const key = idx.primary ? encodePrimaryKey(parent, prow) : indexEntries(parent, idx, prow)[0]!.key;
    const found = await cx.txn.get(key, { lock: 'shared' });
    if (found === null) {
      throw sqlError('23503', `insert or update on table "${child.name}" violates foreign key constraint "${fk.name}"`, {
        detail: `Key (${names(child, cpos)})=(${keyText(child, cpos, row, cx)}) is not present in table "${parent.name}".`,
        table: child.name,
        constraint: fk.name,
      });
    }
  }
}

function sameDatum(a: Datum, b: Datum): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  return String(a) === String(b);
}

/** Foreign keys of other tables that reference `parent` (loaded once per transaction). */
export async function inboundForeignKeys(parent: TableDescriptor, cx: ExecContext): Promise<Array<{ child: TableDescriptor; fk: ForeignKeyConstraint }>> {
  const out: Array<{ child: TableDescriptor; fk: ForeignKeyConstraint }> = [];
  for (const d of await cx.catalog.allDescriptors()) {
    if (d.kind !== 'table') continue;
    for (const fk of d.foreignKeys) if (fk.referencedTableId === parent.id) out.push({ child: d, fk });
  }
  return out;
}

/** Child rows of `fk` that reference the parent values `pvals` (in referenced-column order). */
async function childrenOf(child: TableDescriptor, fk: ForeignKeyConstraint, pvals: readonly Datum[], cx: ExecContext): Promise<Row[]> {
  const cpos = positions(child, fk.columnIds);
  const matches = (r: Row): boolean => cpos.every((p, i) => sameDatum(r[p] ?? null, pvals[i] ?? null));
  // An index led by the FK columns finds the children directly.
  const idx = [child.primaryIndex, ...child.secondaryIndexes.filter((i) => i.state === 'public')].find(
    (i) => i.columnIds.length >= fk.columnIds.length && fk.columnIds.every((id, k) => i.columnIds[k] === id),
  );
  const out: Row[] = [];
  if (idx !== undefined) {
    const prefix = cpos.map((_, i) => pvals[i] ?? null);
    const span = indexSpanForPrefix(child, idx, prefix);
    const kvs = await cx.txn.scan(span.key, span.endKey);
    for (const kv of kvs) {
      if (idx.primary) out.push(decodeRow(child, kv.key, kv.value));
      else {
        const pk = encodePrimaryKey(child, decodeIndexEntry(child, idx, kv.key, kv.value));
        const v = await cx.txn.get(pk);
        if (v !== null) out.push(decodeRow(child, pk, v));
      }
    }
    return out.filter(matches);
  }
  const span = indexSpan(child, child.primaryIndex);
  let start = span.key;
  for (;;) {
    const kvs = await cx.txn.scan(start, span.endKey, { limit: childScanChunkRows });
    for (const kv of kvs) {
      const r = decodeRow(child, kv.key, kv.value);
      if (matches(r)) out.push(r);
    }
    if (kvs.length < childScanChunkRows) break;
    start = Buffer.concat([kvs[kvs.length - 1]!.key, Buffer.from([0])]);
  }
  return out;
}

/**
 * A parent row is going away (DELETE) or changing its referenced key (UPDATE, `next` set):
 * applies each inbound FK's action.
 */
export async function onParentChange(parent: TableDescriptor, old: Row, next: Row | null, cx: ExecContext): Promise<void> {
  const inbound = await inboundForeignKeys(parent, cx);
  for (const { child, fk } of inbound) {
    const ppos = positions(parent, fk.referencedColumnIds);
    const pvals = ppos.map((p) => old[p] ?? null);
    if (pvals.some((v) => v === null)) continue;
    if (next !== null && ppos.every((p) => sameDatum(old[p] ?? null, next[p] ?? null))) continue;
    const kids = await childrenOf(child, fk, pvals, cx);
    if (kids.length === 0) continue;
    const action = next === null ? fk.onDelete : fk.onUpdate;
    if (next === null && action === 'cascade') {
      for (const k of kids) await deleteRowCascading(child, k, cx);
      continue;
    }
    if (action === 'set null' && next === null) {
      const cpos = positions(child, fk.columnIds);
      for (const k of kids) {
        const upd = k.slice();
        for (const p of cpos) upd[p] = null;
        await cx.txn.put(encodePrimaryKey(child, k), encodeRowValue(child, upd));
      }
      continue;
    }
    throw sqlError('23503', `update or delete on table "${parent.name}" violates foreign key constraint "${fk.name}" on table "${child.name}"`, {
      detail: `Key (${names(parent, ppos)})=(${keyText(parent, ppos, old, cx)}) is still referenced from table "${child.name}".`,
      table: child.name,
      constraint: fk.name,
    });
  }
}

/** Deletes a row, its index entries and (recursively) its own cascading children. */
async function deleteRowCascading(t: TableDescriptor, row: Row, cx: ExecContext): Promise<void> {
  await onParentChange(t, row, null, cx);
  await cx.txn.delete(encodePrimaryKey(t, row));
  for (const idx of t.secondaryIndexes) for (const e of indexEntries(t, idx, row)) await cx.txn.delete(e.key);
}
