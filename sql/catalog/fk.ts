// Foreign-key enforcement helpers (NO ACTION / RESTRICT semantics, checked immediately at
// each statement's row write): a written row's key must exist in the referenced table
// (23503), and a deleted or re-keyed referenced row must not be referenced any more
// (23503). Lookups go through a unique index of the referenced table and, on the
// referencing side, an index whose leading columns are the FK columns when there is one
// (else a scan). CASCADE / SET NULL / SET DEFAULT actions are not implemented: a delete that
// would need them fails with 0A000. Called by sql/exec (per row) and by ALTER TABLE ADD
// FOREIGN KEY (validation of existing rows).

import type { Txn } from '../../storage/index.js';
import { sqlError } from '../errors.js';
import { decodeRow, encodeKeyDatum, indexSpan, indexSpanForPrefix } from '../rowenc/index.js';
import type { Datum, SqlType } from '../types/index.js';
import { formatText } from '../types/index.js';
import type { Catalog } from './catalog.js';
import type { ForeignKeyConstraint, IndexDescriptor, TableDescriptor } from './descriptors.js';
import { KeyWriter } from '../../storage/index.js';

function posOf(t: TableDescriptor, columnId: number): number {
  return t.columns.findIndex((c) => c.id === columnId);
}

/** Converts a value between integer representations (int4 number ↔ int8 bigint) when types differ. */
function coerce(d: Datum, from: SqlType, to: SqlType): Datum {
  if (d === null || from.kind === to.kind) return d;
  if (to.kind === 'int8' && typeof d === 'number') return BigInt(d);
  if ((to.kind === 'int4' || to.kind === 'int2') && typeof d === 'bigint') return Number(d);
  return d;
}

function text(t: SqlType, d: Datum): string {
  try {
    return d === null ? 'null' : formatText(t, d);
  } catch {
    return String(d);
  }
}

/** A public index whose leading columns are exactly `columnIds` (in any order), or undefined. */
function indexLeadingOn(t: TableDescriptor, columnIds: readonly number[], unique: boolean): IndexDescriptor | undefined {
  for (const ix of [t.primaryIndex, ...t.secondaryIndexes]) {
    if (ix.state !== 'public' || (unique && !ix.unique)) continue;
    if (unique && ix.columnIds.length !== columnIds.length) continue;
    const lead = ix.columnIds.slice(0, columnIds.length);
    if (lead.length === columnIds.length && lead.every((id) => columnIds.includes(id))) return ix;
  }
  return undefined;
}

/** Values of `fk` from `row` (of `table`), ordered like the index's leading columns of `target`. */
function probeValues(
  table: TableDescriptor,
  row: readonly Datum[],
  fromIds: readonly number[],
  target: TableDescriptor,
  toIds: readonly number[],
  ix: IndexDescriptor,
): Datum[] {
  return ix.columnIds.slice(0, toIds.length).map((targetId) => {
    const k = toIds.indexOf(targetId);
    const fromCol = table.columns[posOf(table, fromIds[k]!)]!;
    const toCol = target.columns[posOf(target, targetId)]!;
    return coerce(row[posOf(table, fromIds[k]!)] ?? null, fromCol.type, toCol.type);
  });
}

async function anyInSpan(txn: Txn, span: { key: Buffer; endKey: Buffer }): Promise<boolean> {
  return (await txn.scan(span.key, span.endKey, { limit: 1 })).length > 0;
}

/** 23503 unless every non-NULL foreign key of `row` exists in its referenced table. */
export async function checkReferencedRowsExist(
  txn: Txn,
  catalog: Catalog,
  table: TableDescriptor,
  row: readonly Datum[],
  oldRow?: readonly Datum[],
): Promise<void> {
  for (const fk of table.foreignKeys) {
    const vals = fk.columnIds.map((id) => row[posOf(table, id)] ?? null);
    if (vals.some((v) => v === null)) continue; // MATCH SIMPLE: any NULL skips the check
    if (oldRow !== undefined && fk.columnIds.every((id, i) => sameKeyBytes(table, id, oldRow[posOf(table, id)] ?? null, vals[i]!))) continue;
    const ref = fk.referencedTableId === table.id ? table : await catalog.getTableById(fk.referencedTableId);
    if (ref === null) continue;
    const ix = indexLeadingOn(ref, fk.referencedColumnIds, true);
    if (ix === undefined) throw sqlError('XX000', `no unique index on the referenced columns of "${fk.name}"`);
    const span = indexSpanForPrefix(ref, ix, probeValues(table, row, fk.columnIds, ref, fk.referencedColumnIds, ix));
    if (await anyInSpan(txn, span)) continue;
    const names = fk.columnIds.map((id) => table.columns[posOf(table, id)]!.name);
    const shown = fk.columnIds.map((id, i) => text(table.columns[posOf(table, id)]!.type, vals[i]!));
    throw sqlError('23503', `insert or update on table "${table.name}" violates foreign key constraint "${fk.name}"`, {
      detail: `Key (${names.join(', ')})=(${shown.join(', ')}) is not present in table "${ref.name}".`,
      table: table.name,
      constraint: fk.name,
    });
  }
}

function sameKeyBytes(t: TableDescriptor, columnId: number, a: Datum, b: Datum): boolean {
  const type = t.columns[posOf(t, columnId)]!.type;
  const wa = new KeyWriter(undefined, 16);
  const wb = new KeyWriter(undefined, 16);
  encodeKeyDatum(wa, type, a, false);
  encodeKeyDatum(wb, type, b, false);
  return wa.finish().equals(wb.finish());
}

/**
 * 23503 if `oldRow` of `table` (being deleted, or updated to `newRow`) is still referenced
 * by a row of a referencing table. Only keys that change are checked on update.
 */
export async function checkNoReferencingRows(
  txn: Txn,
  catalog: Catalog,
  table: TableDescriptor,
  oldRow: readonly Datum[],
  newRow?: readonly Datum[],
): Promise<void> {
  for (const other of await catalog.listTables(table.databaseId)) {
    for (const fk of other.foreignKeys) {
      if (fk.referencedTableId !== table.id) continue;
      const oldVals = fk.referencedColumnIds.map((id) => oldRow[posOf(table, id)] ?? null);
      if (oldVals.some((v) => v === null)) continue;
      if (newRow !== undefined && fk.referencedColumnIds.every((id, i) => sameKeyBytes(table, id, newRow[posOf(table, id)] ?? null, oldVals[i]!))) continue;
      if (!(await isReferenced(txn, other, fk, table, oldRow))) continue;
      if (fk.onDelete !== 'no action' && fk.onDelete !== 'restrict' && newRow === undefined) {
        throw sqlError('0A000', `ON DELETE ${fk.onDelete.toUpperCase()} is not supported (constraint "${fk.name}")`);
      }
      const names = fk.referencedColumnIds.map((id) => table.columns[posOf(table, id)]!.name);
      const shown = fk.referencedColumnIds.map((id, i) => text(table.columns[posOf(table, id)]!.type, oldVals[i]!));
      throw sqlError('23503', `update or delete on table "${table.name}" violates foreign key constraint "${fk.name}" on table "${other.name}"`, {
        detail: `Key (${names.join(', ')})=(${shown.join(', ')}) is still referenced from table "${other.name}".`,
        table: other.name,
        constraint: fk.name,
      });
    }
  }
}

async function isReferenced(txn: Txn, other: TableDescriptor, fk: ForeignKeyConstraint, table: TableDescriptor, oldRow: readonly Datum[]): Promise<boolean> {
  const ix = indexLeadingOn(other, fk.columnIds, false);
  if (ix !== undefined) {
    const vals = probeValues(table, oldRow, fk.referencedColumnIds, other, fk.columnIds, ix);
    return anyInSpan(txn, indexSpanForPrefix(other, ix, vals));
  }
  // No index on the referencing columns: scan the referencing table (as PostgreSQL does).
  const want = fk.referencedColumnIds.map((id, i) => {
    const fromCol = table.columns[posOf(table, id)]!;
    const toCol = other.columns[posOf(other, fk.columnIds[i]!)]!;
    return keyBytes(toCol.type, coerce(oldRow[posOf(table, id)] ?? null, fromCol.type, toCol.type));
  });
  const span = indexSpan(other, other.primaryIndex);
  for (const kv of await txn.scan(span.key, span.endKey)) {
    const r = decodeRow(other, kv.key, kv.value);
    if (fk.columnIds.every((id, i) => keyBytes(other.columns[posOf(other, id)]!.type, r[posOf(other, id)] ?? null).equals(want[i]!))) return true;
  }
  return false;
}

function keyBytes(t: SqlType, d: Datum): Buffer {
  const w = new KeyWriter(undefined, 16);
  encodeKeyDatum(w, t, d, false);
  return w.finish();
}

/**
 * Validates an added foreign key against the table's existing rows: each distinct key is
 * looked up once (pgbench's 100,000 accounts reference one branch per scale unit).
 */
export async function validateForeignKey(txn: Txn, catalog: Catalog, table: TableDescriptor, fk: ForeignKeyConstraint): Promise<void> {
  const probe: TableDescriptor = { ...table, foreignKeys: [fk] };
  const seen = new Set<string>();
  const span = indexSpan(table, table.primaryIndex);
  let start = span.key;
  const chunk = 2000;
  for (;;) {
    const rows = await txn.scan(start, span.endKey, { limit: chunk });
    for (const kv of rows) {
      const r = decodeRow(table, kv.key, kv.value);
      const vals = fk.columnIds.map((id) => r[posOf(table, id)] ?? null);
      if (vals.some((v) => v === null)) continue;
      const k = Buffer.concat(fk.columnIds.map((id, i) => keyBytes(table.columns[posOf(table, id)]!.type, vals[i]!))).toString('latin1');
      if (seen.has(k)) continue;
      seen.add(k);
      await checkReferencedRowsExist(txn, catalog, probe, r);
    }
    if (rows.length < chunk) return;
    const last = rows[rows.length - 1]!.key;
    start = Buffer.concat([last, Buffer.from([0])]);
  }
}
