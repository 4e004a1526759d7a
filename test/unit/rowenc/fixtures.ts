// Test helpers: build table descriptors without the DDL layer.

import type { ColumnDescriptor, IndexDescriptor, IndexDirection, TableDescriptor } from '../../../sql/catalog/index.js';
import type { SqlType } from '../../../sql/types/index.js';

export function col(id: number, name: string, type: SqlType, nullable = true): ColumnDescriptor {
  return { id, name, type, nullable, defaultExpr: null, hidden: false, ownedSequenceId: null };
}

export function index(
  id: number,
  name: string,
  columnIds: number[],
  opts: { unique?: boolean; primary?: boolean; directions?: IndexDirection[] } = {},
): IndexDescriptor {
  return {
    id,
    name,
    unique: opts.unique ?? opts.primary ?? false,
    primary: opts.primary ?? false,
    columnIds,
    directions: opts.directions ?? columnIds.map(() => 'asc'),
    state: 'public',
  };
}

export function table(
  id: number,
  columns: ColumnDescriptor[],
  pk: IndexDescriptor,
  secondaries: IndexDescriptor[] = [],
): TableDescriptor {
  return {
    kind: 'table',
    id,
    databaseId: 100,
    schemaId: 101,
    name: `t${id}`,
    owner: 'root',
    version: 1,
    columns,
    primaryIndex: pk,
    secondaryIndexes: secondaries,
    checks: [],
    foreignKeys: [],
    nextColumnId: Math.max(...columns.map((c) => c.id)) + 1,
    nextIndexId: Math.max(pk.id, ...secondaries.map((s) => s.id)) + 1,
    storageParams: {},
  };
}
