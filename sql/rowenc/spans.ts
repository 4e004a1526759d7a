// Key spans ([key, endKey)) over a table's indexes for the planner and for DDL: a whole
// table, a whole index, all entries with a given key prefix, and a range on the first key
// column after a prefix. Bounds are SQL values; the index direction and the NULL placement
// of keyenc.ts (NULLS LAST ascending, FIRST descending) are handled here, and range spans
// never include NULLs. Called by sql/plan, sql/exec and catalog/ddl.

import assert from 'node:assert/strict';
import { KeyWriter, prefixEnd, tablePrefix } from '../../storage/index.js';
import type { Datum, SqlType } from '../types/index.js';
import { NULL_ASC, NULL_DESC, encodeKeyDatum } from './keyenc.js';
import { indexLayoutOf } from './layout.js';
import type { RowencIndex, RowencTable } from './layout.js';
import type { Bound, Span } from './row.js';

/** Every key of the table: all its indexes. */
export function tableSpan(table: RowencTable): Span {
  const key = tablePrefix(table.id);
  return { key, endKey: prefixEnd(key) };
}

/** Every entry of one index. */
export function indexSpan(table: RowencTable, index: RowencIndex): Span {
  const key = indexLayoutOf(table, index).prefix;
  return { key, endKey: prefixEnd(key) };
}

/**
 * The columns of an index's full key in key order (a secondary index's own columns, then the
 * primary-key columns it carries): what indexSpanForPrefix accepts values for.
 */
export function indexKeyColumns(table: RowencTable, index: RowencIndex): ReadonlyArray<{ readonly name: string; readonly type: SqlType }> {
  return indexLayoutOf(table, index).allCols.map((c) => ({ name: table.columns[c.pos]!.name, type: c.type }));
}

function prefixKey(table: RowencTable, index: RowencIndex, values: readonly Datum[]): { w: KeyWriter } {
  const l = indexLayoutOf(table, index);
  const cols = l.allCols;
  assert(values.length <= cols.length, `index ${index.name}: ${values.length} prefix values for ${cols.length} columns`);
  const w = new KeyWriter(l.prefix, l.prefix.length + 16 * (values.length + 1));
  for (let i = 0; i < values.length; i++) encodeKeyDatum(w, cols[i]!.type, values[i] ?? null, cols[i]!.desc);
  return { w };
}

/**
 * Entries whose first key columns equal `values` (a point lookup when every primary-key
 * column is given). A NULL value matches index entries holding NULL (the caller decides
 * whether SQL semantics want that; `=` never matches NULL).
 */
export function indexSpanForPrefix(table: RowencTable, index: RowencIndex, values: readonly Datum[]): Span {
  const key = prefixKey(table, index, values).w.finish();
  return { key, endKey: prefixEnd(key) };
}

/**
 * Entries matching `prefixValues` on the first columns and lying between the bounds on
 * the next column (SQL order, so `lower` is the smaller value whatever the direction).
 */
export function indexSpanForRange(
  table: RowencTable,
  index: RowencIndex,
  prefixValues: readonly Datum[],
  lower?: Bound,
  upper?: Bound,
): Span {
  const col = indexLayoutOf(table, index).allCols[prefixValues.length];
  assert(col !== undefined, `index ${index.name}: no column after the prefix`);
  const prefix = prefixKey(table, index, prefixValues).w.finish();
  const enc = (d: Datum): Buffer => {
    const w = new KeyWriter(prefix, prefix.length + 24);
    encodeKeyDatum(w, col.type, d, col.desc);
    return w.finish();
  };
  // In key order the "first" bound is the SQL lower bound ascending, the upper one descending.
  const first = col.desc ? upper : lower;
  const last = col.desc ? lower : upper;
  let key: Buffer;
  if (first === undefined) {
    // Descending indexes keep NULLs first: start after them.
    key = col.desc ? Buffer.concat([prefix, Buffer.from([NULL_DESC + 1])]) : prefix;
  } else {
    key = first.inclusive ? enc(first.value) : prefixEnd(enc(first.value));
  }
  let endKey: Buffer;
  if (last === undefined) {
    // Ascending indexes keep NULLs last: stop before them.
    endKey = col.desc ? prefixEnd(prefix) : Buffer.concat([prefix, Buffer.from([NULL_ASC])]);
  } else {
    endKey = last.inclusive ? prefixEnd(enc(last.value)) : enc(last.value);
  }
  return { key, endKey };
}
