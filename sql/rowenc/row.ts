// Rows and index entries ↔ KV pairs (DESIGN decision 9).
//   primary row      key   /table/<id>/<pk index id>/<pk columns in index directions>
//                    value tagged non-key columns (valenc.ts); numeric and interval key
//                          columns are repeated in the value because their key bytes lose
//                          the display scale / exact fields.
//   secondary entry  key   /table/<id>/<index id>/<indexed columns>/<pk columns not indexed>
//                    value empty
//   unique entry     key   /table/<id>/<index id>/<indexed columns>
//   (no NULL)        value the pk columns not indexed, key-encoded — so uniqueness is a
//                          conditionalPut(key, value, expected = null); 23505 on conflict.
//   A unique index entry with a NULL in an indexed column is laid out like a non-unique one:
//   NULLs never conflict, and the pk suffix keeps such entries distinct.
// Rows are Datum arrays indexed by position in table.columns. Called by exec and catalog/ddl.

import assert from 'node:assert/strict';
import { KeyReader, KeyWriter } from '../../storage/index.js';
import type { Datum } from '../types/index.js';
import { decodeKeyDatum, encodeKeyDatum } from './keyenc.js';
import type { KeyColumn, RowencIndex, RowencTable } from './layout.js';
import { indexLayoutOf, layoutOf } from './layout.js';
import { ByteReader, ByteWriter, decodeValueDatum, encodeValueDatum, wireTagOf } from './valenc.js';

export interface Span {
  readonly key: Buffer;
  readonly endKey: Buffer;
}

export interface IndexEntry {
  readonly key: Buffer;
  readonly value: Buffer;
  /** True when the entry must not overwrite another (unique index, no NULL key column): use conditionalPut(expected null). */
  readonly unique: boolean;
}

export interface Bound {
  readonly value: Datum;
  readonly inclusive: boolean;
}

const EMPTY = Buffer.alloc(0);
const scratch = new ByteWriter(1024);

function writeKeyCols(w: KeyWriter, cols: readonly KeyColumn[], row: readonly Datum[]): void {
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i]!;
    encodeKeyDatum(w, c.type, row[c.pos] ?? null, c.desc);
  }
}

/** The primary row key of `row`. */
export function encodePrimaryKey(table: RowencTable, row: readonly Datum[]): Buffer {
  const pk = layoutOf(table).primary;
  const w = new KeyWriter(pk.prefix, pk.prefix.length + 16 * pk.keyCols.length);
  writeKeyCols(w, pk.keyCols, row);
  return w.finish();
}

/** /table/<id>/<pk index id>: the prefix every primary row key starts with. */
export function primaryIndexPrefix(table: RowencTable): Buffer {
  return layoutOf(table).primary.prefix;
}

/** The primary row value of `row` (a fresh Buffer). */
export function encodeRowValue(table: RowencTable, row: readonly Datum[]): Buffer {
  const cols = layoutOf(table).valueCols;
  const w = scratch;
  w.reset();
  let prev = 0;
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i]!;
    const d = row[c.pos] ?? null;
    if (d === null) continue;
    w.uvarint((c.id - prev) * 8 + wireTagOf(c.type, d));
    encodeValueDatum(w, c.type, d);
    prev = c.id;
  }
  return w.take();
}

/**
 * Decodes a primary row (key and value) into `into` (or a new array), indexed by column
 * position. Columns absent from the value (NULL, or added after the row was written) are null.
 */
export function decodeRow(table: RowencTable, key: Buffer, value: Buffer, into?: Datum[]): Datum[] {
  const l = layoutOf(table);
  const n = table.columns.length;
  const row = into ?? new Array<Datum>(n);
  for (let i = 0; i < n; i++) row[i] = null;
  decodePrimaryKeyInto(l.primary.keyCols, l.primary.prefix.length, key, row);
  const r = new ByteReader(value, 0);
  const posById = l.posById;
  let colId = 0;
  while (r.pos < value.length) {
    const h = r.uvarint();
    const wire = h % 8;
    colId += (h - wire) / 8;
    const pos = colId < posById.length ? posById[colId]! : -1;
    if (pos < 0) {
      r.skip(wire); // a dropped column
      continue;
    }
    row[pos] = decodeValueDatum(r, table.columns[pos]!.type, wire);
  }
  return row;
}

function decodePrimaryKeyInto(cols: readonly KeyColumn[], prefixLen: number, key: Buffer, row: Datum[]): void {
  const r = new KeyReader(key, prefixLen);
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i]!;
    row[c.pos] = decodeKeyDatum(r, c.type, c.desc);
  }
}

/** Only the primary-key columns of a primary row key (other positions null). */
export function decodePrimaryKey(table: RowencTable, key: Buffer): Datum[] {
  const l = layoutOf(table);
  const row = new Array<Datum>(table.columns.length).fill(null);
  decodePrimaryKeyInto(l.primary.keyCols, l.primary.prefix.length, key, row);
  return row;
}

/** True when `row` takes part in the uniqueness of `index` (unique and no NULL indexed column). */
export function uniqueEntryConflicts(table: RowencTable, index: RowencIndex, row: readonly Datum[]): boolean {
  if (!index.unique) return false;
  const cols = indexLayoutOf(table, index).keyCols;
  for (let i = 0; i < cols.length; i++) if ((row[cols[i]!.pos] ?? null) === null) return false;
  return true;
}

/** The entries `row` has in secondary index `index` (one entry: no inverted indexes yet). */
export function indexEntries(table: RowencTable, index: RowencIndex, row: readonly Datum[]): IndexEntry[] {
  assert(!index.primary, 'indexEntries: use encodePrimaryKey for the primary index');
  const l = indexLayoutOf(table, index);
  const w = new KeyWriter(l.prefix, l.prefix.length + 16 * (l.keyCols.length + l.extraCols.length));
  writeKeyCols(w, l.keyCols, row);
  if (uniqueEntryConflicts(table, index, row)) {
    if (l.extraCols.length === 0) return [{ key: w.finish(), value: EMPTY, unique: true }];
    const v = new KeyWriter(undefined, 16 * l.extraCols.length);
    writeKeyCols(v, l.extraCols, row);
    return [{ key: w.finish(), value: Buffer.from(v.finish()), unique: true }];
  }
  writeKeyCols(w, l.extraCols, row);
  return [{ key: w.finish(), value: EMPTY, unique: false }];
}

/**
 * Decodes a secondary index entry into a partial row (indexed columns and primary-key
 * columns set; every other position null), from which the primary key can be encoded.
 */
export function decodeIndexEntry(table: RowencTable, index: RowencIndex, key: Buffer, value: Buffer): Datum[] {
  const l = indexLayoutOf(table, index);
  const row = new Array<Datum>(table.columns.length).fill(null);
  const r = new KeyReader(key, l.prefix.length);
  let sawNull = false;
  for (const c of l.keyCols) {
    const d = decodeKeyDatum(r, c.type, c.desc);
    if (d === null) sawNull = true;
    row[c.pos] = d;
  }
  // Unique entries without NULLs carry the rest of the pk in the value; others in the key.
  const extra = index.unique && !sawNull ? new KeyReader(value, 0) : r;
  for (const c of l.extraCols) row[c.pos] = decodeKeyDatum(extra, c.type, c.desc);
  return row;
}
