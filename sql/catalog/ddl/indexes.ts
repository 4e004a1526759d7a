// Index DDL and the data movement behind it: CREATE [UNIQUE] INDEX with backfill from the
// primary index (unique entries via conditionalPut → 23505 on duplicates), DROP INDEX, and
// the primary-key rewrite of ALTER TABLE ... ADD PRIMARY KEY (what pgbench -i does after
// loading rows into tables created without keys). All in the statement's transaction.
// Called by catalog/ddl/index.ts and alter-table.ts.

import type { KvRequest } from '../../../storage/index.js';
import { sqlError } from '../../errors.js';
import type { IndexStmt } from '../../parse/index.js';
import { encodePrimaryKey, encodeRowValue, indexEntries, indexSpan } from '../../rowenc/index.js';
import type { Datum } from '../../types/index.js';
import type { IndexDescriptor, IndexDirection, SchemaDescriptor, TableDescriptor } from '../descriptors.js';
import { keyColumnIds } from './constraints.js';
import type { DdlContext, DdlResult } from './context.js';
import {
  bump,
  chooseRelationName,
  findIndexByName,
  forEachRow,
  keyDetail,
  rangeVarName,
  relationNameTaken,
  requireTable,
  splitName,
  writeBatchMax,
} from './util.js';

export async function createIndex(stmt: IndexStmt, ctx: DdlContext): Promise<DdlResult> {
  const { schema: sname, name: tname } = rangeVarName(ctx, stmt.relation ?? {});
  const found = await requireTable(ctx, sname, tname, false);
  const { schema, table } = found!;
  if (stmt.whereClause !== undefined) throw sqlError('0A000', 'partial indexes are not supported');
  if ((stmt.indexIncludingParams ?? []).length > 0) throw sqlError('0A000', 'INCLUDE columns are not supported');
  const am = stmt.accessMethod ?? 'btree';
  if (am !== 'btree' && am !== 'hash') throw sqlError('0A000', `access method "${am}" is not supported`);
  const { names, directions } = indexColumns(stmt);
  const columnIds = keyColumnIds(table.columns, names, 'index');
  let name = stmt.idxname;
  if (name !== undefined && (await relationNameTaken(ctx, schema, name))) {
    if (stmt.if_not_exists === true) {
      ctx.notice({ severity: 'NOTICE', code: '42P07', message: `relation "${name}" already exists, skipping` });
      return { tag: 'CREATE INDEX' };
    }
    throw sqlError('42P07', `relation "${name}" already exists`);
  }
  name ??= await chooseRelationName(ctx, schema, table.name, names.join('_'), 'idx');
  const index: IndexDescriptor = {
    id: table.nextIndexId,
    name,
    unique: stmt.unique === true,
    primary: false,
    columnIds,
    directions,
    state: 'public',
  };
  await addSecondaryIndex(ctx, table, index);
  return { tag: 'CREATE INDEX' };
}

function indexColumns(stmt: IndexStmt): { names: string[]; directions: IndexDirection[] } {
  const names: string[] = [];
  const directions: IndexDirection[] = [];
  for (const p of stmt.indexParams ?? []) {
    if (!('IndexElem' in p)) continue;
    const e = p.IndexElem;
    if (e.expr !== undefined || e.name === undefined) throw sqlError('0A000', 'expression indexes are not supported');
    if ((e.opclass ?? []).length > 0) throw sqlError('0A000', 'operator classes are not supported');
    const desc = e.ordering === 'SORTBY_DESC';
    // Key encoding puts NULLs last ascending and first descending (PostgreSQL's defaults) only.
    if ((e.nulls_ordering === 'SORTBY_NULLS_FIRST' && !desc) || (e.nulls_ordering === 'SORTBY_NULLS_LAST' && desc)) {
      throw sqlError('0A000', 'non-default NULLS FIRST/LAST ordering in indexes is not supported');
    }
    names.push(e.name);
    directions.push(desc ? 'desc' : 'asc');
  }
  return { names, directions };
}

/** Writes the table descriptor with `index` added and backfills it from the primary index. */
export async function addSecondaryIndex(ctx: DdlContext, table: TableDescriptor, index: IndexDescriptor): Promise<TableDescriptor> {
  const next = bump(table, { secondaryIndexes: [...table.secondaryIndexes, index], nextIndexId: Math.max(table.nextIndexId, index.id + 1) });
  await backfillIndex(ctx, next, index);
  await ctx.catalog.putDescriptor(next);
  return next;
}

/** Writes `index` entries for every row (table must already list the index). */
export async function backfillIndex(ctx: DdlContext, table: TableDescriptor, index: IndexDescriptor): Promise<void> {
  const batch = new Batcher(ctx, (row) => sqlError('23505', `could not create unique index "${index.name}"`, {
    detail: `${keyDetail(table, index.columnIds, row)} is duplicated.`,
    table: table.name,
    constraint: index.name,
  }));
  await forEachRow(
    ctx,
    table,
    (row) => {
      for (const e of indexEntries(table, index, row)) batch.add(e.key, e.value, e.unique, row);
    },
    () => batch.flushIfFull(),
  );
  await batch.flush();
}

/**
 * Queues puts for a backfill or rewrite into a fresh index id and sends them in large
 * batches. Every duplicate is among the keys this operation writes, so a set of the unique
 * keys seen finds them (plain puts: no per-key read for the timestamp cache), and
 * `onDuplicate` builds the 23505 from the row that collided.
 */
export class Batcher {
  private reqs: KvRequest[] = [];
  private readonly seen = new Set<string>();
  constructor(
    private readonly ctx: DdlContext,
    private readonly onDuplicate: (row: readonly Datum[]) => Error,
  ) {}

  add(key: Buffer, value: Buffer, unique: boolean, row: readonly Datum[]): void {
    if (unique) {
      const k = key.toString('latin1');
      if (this.seen.has(k)) throw this.onDuplicate(row);
      this.seen.add(k);
    }
    this.reqs.push({ kind: 'put', key, value });
  }

  /** Queues the deletion of a key this operation read (the old row of a rewrite). */
  addDelete(key: Buffer): void {
    this.reqs.push({ kind: 'delete', key });
  }

  /** Sends the queued puts once there are writeBatchMax of them (call between rows or chunks). */
  async flushIfFull(): Promise<void> {
    if (this.reqs.length >= writeBatchMax) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.reqs.length === 0) return;
    const reqs = this.reqs;
    this.reqs = [];
    await this.ctx.txn.send(reqs);
  }
}

export async function dropIndex(ctx: DdlContext, parts: readonly string[], missingOk: boolean, cascade: boolean, notices: string[]): Promise<void> {
  const { schema: sname, name } = splitName(ctx, parts);
  const schemas: SchemaDescriptor[] = [];
  if (sname !== null) {
    const s = await ctx.catalog.getSchema(ctx.databaseId, sname);
    if (s !== null) schemas.push(s);
  } else {
    for (const s of await ctx.catalog.listSchemas(ctx.databaseId)) schemas.push(s);
  }
  for (const s of schemas) {
    if (s.virtual === true) continue;
    const hit = await findIndexByName(ctx, s, name);
    if (hit === null) continue;
    const table = (await ctx.catalog.getTableById(hit.table.id))!;
    if (hit.indexId === table.primaryIndex.id) {
      throw sqlError('2BP01', `cannot drop index ${name} because constraint ${name} on table ${table.name} requires it`, {
        hint: `You can drop constraint ${name} on table ${table.name} instead.`,
      });
    }
    const ix = table.secondaryIndexes.find((x) => x.id === hit.indexId)!;
    if (ix.constraint === true && !cascade) {
      throw sqlError('2BP01', `cannot drop index ${name} because constraint ${name} on table ${table.name} requires it`, {
        hint: `You can drop constraint ${name} on table ${table.name} instead.`,
      });
    }
    await removeSecondaryIndex(ctx, table, ix.id);
    return;
  }
  if (!missingOk) throw sqlError('42704', `index "${parts.join('.')}" does not exist`);
  notices.push(`index "${parts.join('.')}" does not exist, skipping`);
}

/** Removes a secondary index and its entries; returns the new descriptor (written). */
export async function removeSecondaryIndex(ctx: DdlContext, table: TableDescriptor, indexId: number): Promise<TableDescriptor> {
  const ix = table.secondaryIndexes.find((x) => x.id === indexId);
  if (ix === undefined) return table;
  const span = indexSpan(table, ix);
  await ctx.txn.deleteRange(span.key, span.endKey);
  const next = bump(table, { secondaryIndexes: table.secondaryIndexes.filter((x) => x.id !== indexId) });
  await ctx.catalog.putDescriptor(next);
  return next;
}

/**
 * ALTER TABLE ... ADD PRIMARY KEY on a table whose key is the hidden rowid: every row moves
 * to a new primary index keyed by the new columns (duplicates → 23505, NULLs → 23502), the
 * rowid column goes away, and secondary indexes are rebuilt (their entries embed the key).
 */
export async function replacePrimaryKey(ctx: DdlContext, table: TableDescriptor, schema: SchemaDescriptor, keys: string[], conname: string | undefined): Promise<TableDescriptor> {
  const ids = keyColumnIds(table.columns, keys, 'primary key');
  const name = conname ?? (await chooseRelationName(ctx, schema, table.name, '', 'pkey'));
  const rowidIds = new Set(table.primaryIndex.columnIds);
  const newPk: IndexDescriptor = {
    id: table.nextIndexId,
    name,
    unique: true,
    primary: true,
    columnIds: ids,
    directions: ids.map(() => 'asc'),
    state: 'public',
    constraint: true,
  };
  const next = bump(table, {
    columns: table.columns.filter((c) => !rowidIds.has(c.id)).map((c) => (ids.includes(c.id) ? { ...c, nullable: false } : c)),
    primaryIndex: newPk,
    nextIndexId: table.nextIndexId + 1,
  });
  const pos = (id: number): number => table.columns.findIndex((c) => c.id === id);
  const keep = next.columns.map((c) => pos(c.id));
  const keyPositions = ids.map((id) => next.columns.findIndex((c) => c.id === id));
  const batch = new Batcher(ctx, (row) => sqlError('23505', `could not create unique index "${name}"`, {
    detail: `${keyDetail(next, ids, row)} is duplicated.`,
    table: table.name,
    constraint: name,
  }));
  // The new primary index has a fresh id, so rows stream from the old index to the new one,
  // each old row deleted in the same bounded batch as its new copy (a single deleteRange of
  // the whole old index would build one write batch as large as the table); the old
  // secondary entries are deleted afterwards.
  await forEachRow(
    ctx,
    table,
    (old, oldKey) => {
      const row = new Array<Datum>(keep.length);
      for (let i = 0; i < keep.length; i++) row[i] = old[keep[i]!] ?? null;
      for (const p of keyPositions) {
        if (row[p] === null) {
          const col = next.columns[p]!;
          throw sqlError('23502', `column "${col.name}" of relation "${table.name}" contains null values`, { table: table.name, column: col.name });
        }
      }
      batch.add(encodePrimaryKey(next, row), encodeRowValue(next, row), true, row);
      batch.addDelete(oldKey);
    },
    () => batch.flushIfFull(),
  );
  await batch.flush();
  for (const ix of table.secondaryIndexes) {
    const span = indexSpan(table, ix);
    await ctx.txn.deleteRange(span.key, span.endKey);
  }
  for (const ix of next.secondaryIndexes) await backfillIndex(ctx, next, ix);
  await ctx.catalog.putDescriptor(next);
  return next;
}

