// Small pure queries over descriptors that bind, exec, rowenc and vtables all need
// (column by name, index by name, visible columns, primary-key columns).

import type { ColumnDescriptor, IndexDescriptor, TableDescriptor } from './descriptors.js';

/** Column by (already case-folded) name, hidden ones included; undefined when absent. */
export function findColumn(table: TableDescriptor, name: string): ColumnDescriptor | undefined {
  for (const c of table.columns) if (c.name === name) return c;
  return undefined;
}

export function columnById(table: TableDescriptor, id: number): ColumnDescriptor | undefined {
  for (const c of table.columns) if (c.id === id) return c;
  return undefined;
}

/** Any index (primary included) by name. */
export function findIndex(table: TableDescriptor, name: string): IndexDescriptor | undefined {
  if (table.primaryIndex.name === name) return table.primaryIndex;
  for (const ix of table.secondaryIndexes) if (ix.name === name) return ix;
  return undefined;
}

/** Columns SELECT * returns, in order. */
export function visibleColumns(table: TableDescriptor): ColumnDescriptor[] {
  return table.columns.filter((c) => !c.hidden);
}

export function primaryKeyColumnIds(table: TableDescriptor): readonly number[] {
  return table.primaryIndex.columnIds;
}

/** True when the primary key is the hidden rowid (the table was created without one). */
export function tableHasHiddenRowid(table: TableDescriptor): boolean {
  const pk = table.primaryIndex.columnIds;
  if (pk.length !== 1) return false;
  const c = columnById(table, pk[0]!);
  return c !== undefined && c.hidden;
}
