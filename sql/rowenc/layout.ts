// Precomputed encoding plans per table descriptor: which row positions go into which key,
// in which direction, and which columns go into the value. Descriptors are immutable and
// cached per version, so a WeakMap keyed by the descriptor object caches the plan for as
// long as the descriptor lives. Used by rowenc/row.ts and rowenc/spans.ts.

import assert from 'node:assert/strict';
import { indexPrefix } from '../../storage/index.js';
import type { SqlType } from '../types/index.js';
import { isCompositeKeyType } from './keyenc.js';

// rowenc sees tables through these structural shapes, which catalog's RowencTable and
// RowencIndex satisfy: rowenc does not import sql/catalog (the catalog's DDL imports rowenc).

export interface RowencColumn {
  readonly id: number;
  readonly name: string;
  readonly type: SqlType;
}

export interface RowencIndex {
  readonly id: number;
  readonly name: string;
  readonly unique: boolean;
  readonly primary: boolean;
  readonly columnIds: readonly number[];
  readonly directions: readonly ('asc' | 'desc')[];
}

export interface RowencTable {
  readonly id: number;
  readonly name: string;
  readonly columns: readonly RowencColumn[];
  readonly primaryIndex: RowencIndex;
  readonly secondaryIndexes: readonly RowencIndex[];
}

export interface KeyColumn {
  readonly pos: number;
  readonly type: SqlType;
  readonly desc: boolean;
}

export interface IndexLayout {
  readonly index: RowencIndex;
  /** /table/<id>/<index id>. */
  readonly prefix: Buffer;
  readonly keyCols: readonly KeyColumn[];
  /** Secondary indexes: primary-key columns not already among keyCols (ascending as in the pk). */
  readonly extraCols: readonly KeyColumn[];
  /** keyCols then extraCols: every column of the full key, for span building. */
  readonly allCols: readonly KeyColumn[];
}

export interface ValueColumn {
  readonly id: number;
  readonly pos: number;
  readonly type: SqlType;
}

export interface TableLayout {
  readonly table: RowencTable;
  /** Column id → position in table.columns (-1 when dropped). */
  readonly posById: readonly number[];
  readonly primary: IndexLayout;
  /** Columns stored in the primary row's value, by increasing id. */
  readonly valueCols: readonly ValueColumn[];
  readonly secondaries: ReadonlyMap<number, IndexLayout>;
}

const layouts = new WeakMap<RowencTable, TableLayout>();

export function layoutOf(table: RowencTable): TableLayout {
  let l = layouts.get(table);
  if (l === undefined) {
    l = buildLayout(table);
    layouts.set(table, l);
  }
  return l;
}

function buildLayout(table: RowencTable): TableLayout {
  const posById: number[] = [];
  table.columns.forEach((c, i) => {
    assert(posById[c.id] === undefined, `duplicate column id ${c.id}`);
    posById[c.id] = i;
  });
  for (let i = 0; i < posById.length; i++) if (posById[i] === undefined) posById[i] = -1;
  const primary = indexLayout(table, table.primaryIndex, posById, null);
  const pkIds = new Set(table.primaryIndex.columnIds);
  const valueCols: ValueColumn[] = [];
  for (const c of [...table.columns].sort((a, b) => a.id - b.id)) {
    if (pkIds.has(c.id) && !isCompositeKeyType(c.type)) continue;
    valueCols.push({ id: c.id, pos: posById[c.id]!, type: c.type });
  }
  const secondaries = new Map<number, IndexLayout>();
  for (const ix of table.secondaryIndexes) secondaries.set(ix.id, indexLayout(table, ix, posById, primary));
  return { table, posById, primary, valueCols, secondaries };
}

function indexLayout(
  table: RowencTable,
  index: RowencIndex,
  posById: readonly number[],
  primary: IndexLayout | null,
): IndexLayout {
  assert(index.columnIds.length === index.directions.length, `index ${index.name}: directions mismatch`);
  const keyCols = index.columnIds.map((id, i) => keyColumn(table, posById, id, index.directions[i] === 'desc'));
  const extraCols: KeyColumn[] = [];
  if (primary !== null) {
    const inKey = new Set(index.columnIds);
    for (const kc of primary.keyCols) {
      if (!inKey.has(table.columns[kc.pos]!.id)) extraCols.push(kc);
    }
  }
  return { index, prefix: indexPrefix(table.id, index.id), keyCols, extraCols, allCols: [...keyCols, ...extraCols] };
}

function keyColumn(table: RowencTable, posById: readonly number[], id: number, desc: boolean): KeyColumn {
  const pos = posById[id];
  assert(pos !== undefined && pos >= 0, `table ${table.name}: index column ${id} missing`);
  return { pos, type: table.columns[pos]!.type, desc };
}

/** The layout of any index of the table by id (primary included). */
export function indexLayoutOf(table: RowencTable, index: RowencIndex): IndexLayout {
  const l = layoutOf(table);
  if (index.id === table.primaryIndex.id) return l.primary;
  const ix = l.secondaries.get(index.id);
  assert(ix !== undefined, `table ${table.name} has no index ${index.id}`);
  return ix;
}
