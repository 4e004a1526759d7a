// Runs Shoal's range statements (parsed by sql/parse/shoal.ts): SPLIT AT through
// KvDb.adminSplit and SHOW RANGES through KvDb.ranges, with CockroachDB's result shapes.
// Called by the session's dispatch (runNonPlannable) and Describe (shoalFields).

import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import { sqlError, SqlError } from '../errors.js';
import type { IndexTarget, QualifiedName, ShoalStmt } from '../parse/index.js';
import type { IndexDescriptor, TableDescriptor } from '../catalog/index.js';
import { findIndex } from '../catalog/index.js';
import {
  indexKeyColumns,
  indexSpan,
  indexSpanForPrefix,
  prettyKey,
  prettyKeyInTable,
  prettyKeySuffix,
  tableSpan,
} from '../rowenc/index.js';
import { arrayOf, castDatum, canCast, parseText, typeName, types } from '../types/index.js';
import type { Datum, SqlType } from '../types/index.js';
import type { RangeInfo } from '../../storage/index.js';
import type { OutCol } from '../bind/index.js';
import type { FieldDescription, Notice, ResultSink } from './api.js';
import { encodeRow, fieldsOf, resultFormats } from './results.js';
import type { SqlSession } from './session.js';

// The statements and their rows:
//
//   ALTER TABLE t SPLIT AT VALUES (…), (…) | SELECT …    (ALTER INDEX t@i / i likewise)
//     Each row is a prefix of the index key (primary key columns, or an index's columns then
//     the primary key), coerced to the column types; the split key is the encoded index key
//     prefix /Table/<id>/<index>/<values…>. KvDb.adminSplit makes a range start there (a no-op
//     when one already does). Rows: key bytea, pretty text (relative to the index: /10),
//     split_enforced_until timestamptz (always NULL: Shoal does not merge ranges yet).
//   SHOW RANGES [FROM TABLE t | FROM INDEX t@i]
//     Rows: start_key, end_key (pretty; relative to the table, …/1/10 and …/<TableMin>, for
//     FROM TABLE / FROM INDEX; whole keys, /Table/104, for the database-wide form), range_id,
//     range_size_mb (numeric, live bytes / 10^6 as CockroachDB counts), lease_holder (node id),
//     replicas (node ids). Ranges are listed whole: one that extends beyond the table shows
//     its real bounds (printed whole when outside the table).
//   ALTER TABLE IF EXISTS of a missing table: a NOTICE and no rows, as ALTER TABLE does.
// Both end with the tag SELECT <rows>, which every driver reads as a row count.

/** Rows one SPLIT AT may split at (each is a Raft-replicated range split). */
export const splitRowsMax = 10_000;

function col(name: string, type: SqlType): OutCol {
  return { name, type, tableOid: 0, attnum: 0 };
}

const SPLIT_COLS: readonly OutCol[] = [col('key', types.bytea), col('pretty', types.text), col('split_enforced_until', types.timestamptz)];

const RANGE_COLS: readonly OutCol[] = [
  col('start_key', types.text),
  col('end_key', types.text),
  col('range_id', types.int8),
  col('range_size_mb', types.numeric),
  col('lease_holder', types.int4),
  col('replicas', arrayOf(types.int4)),
];

/** RowDescription of a Shoal statement (both kinds return rows). */
export function shoalFields(stmt: ShoalStmt): FieldDescription[] {
  const cols = stmt.kind === 'splitAt' ? SPLIT_COLS : RANGE_COLS;
  return fieldsOf(cols, resultFormats([], cols.length));
}

export async function runShoal(s: SqlSession, stmt: ShoalStmt, sink: ResultSink, describe: boolean): Promise<void> {
  s.ensureTxn();
  const cols = stmt.kind === 'splitAt' ? SPLIT_COLS : RANGE_COLS;
  const rows = stmt.kind === 'splitAt' ? await splitAt(s, stmt, (n) => sink.notice(n)) : await showRanges(s, stmt.target);
  if (describe) sink.rowDescription(shoalFields(stmt));
  const formats = resultFormats([], cols.length);
  for (const r of rows) sink.dataRow(encodeRow(r, cols, formats, s.evalCtx));
  sink.commandComplete(`SELECT ${rows.length}`);
}

// ---------------------------------------------------------------- targets

interface Target {
  readonly table: TableDescriptor;
  /** null: the whole table (SHOW RANGES FROM TABLE). */
  readonly index: IndexDescriptor | null;
}

function display(n: QualifiedName): string {
  return n.schema === null ? n.name : `${n.schema}.${n.name}`;
}

async function resolveTable(s: SqlSession, n: QualifiedName): Promise<TableDescriptor> {
  const rel = await s.requireCatalog().resolveRelation(s.databaseId, s.settings.searchPath(s.user), n.schema, n.name, s.user);
  if (rel === null) throw sqlError('42P01', `relation "${display(n)}" does not exist`);
  if (rel.kind !== 'table') throw sqlError('42809', `"${display(n)}" is not a table`);
  return rel.table;
}

/** `t@primary` names the primary index whatever its name, as in CockroachDB. */
function indexOf(table: TableDescriptor, name: string): IndexDescriptor | undefined {
  return name === 'primary' ? table.primaryIndex : findIndex(table, name);
}

async function resolveTarget(s: SqlSession, t: IndexTarget): Promise<Target> {
  if (t.kind === 'table') return { table: await resolveTable(s, t.table), index: null };
  if (t.kind === 'tableIndex') {
    const table = await resolveTable(s, t.table);
    const index = indexOf(table, t.index);
    if (index === undefined) throw sqlError('42704', `index "${t.index}" does not exist`, { detail: `Table "${table.name}" has no such index.` });
    return { table, index };
  }
  // A bare index name: the first schema of the search path (or the named one) holding it.
  const cat = s.requireCatalog();
  const schemas = t.index.schema === null ? s.settings.searchPath(s.user).map((p) => p.replace(/^"|"$/g, '')) : [t.index.schema];
  for (const sname of schemas) {
    const schema = await cat.getSchema(s.databaseId, sname === '$user' ? s.user : sname);
    if (schema === null || schema.virtual === true) continue;
    for (const table of await cat.listTables(s.databaseId, schema.id)) {
      const index = findIndex(table, t.index.name);
      if (index !== undefined) return { table, index };
    }
  }
  throw sqlError('42704', `index "${display(t.index)}" does not exist`);
}

// ---------------------------------------------------------------- SPLIT AT

async function splitAt(s: SqlSession, stmt: Extract<ShoalStmt, { kind: 'splitAt' }>, notice: (n: Notice) => void): Promise<Datum[][]> {
  let target: Target;
  try {
    target = await resolveTarget(s, stmt.target);
  } catch (e) {
    if (!stmt.ifExists || !(e instanceof SqlError) || e.code !== '42P01') throw e;
    notice({ severity: 'NOTICE', code: '00000', message: `${e.message}, skipping` });
    return [];
  }
  const table = target.table;
  const index = target.index ?? table.primaryIndex;
  const keyCols = indexKeyColumns(table, index);
  const data = await s.collectRows(stmt.rows, `SPLIT-AT:${JSON.stringify(stmt.rows)}`, splitRowsMax);
  if (data.cols.length === 0) throw sqlError('42601', 'SPLIT AT data must have at least one column');
  if (data.cols.length > keyCols.length) {
    throw sqlError('42601', 'too many columns in SPLIT AT data', {
      detail: `Index "${index.name}" has ${keyCols.length} key column(s); the data has ${data.cols.length}.`,
    });
  }
  const prefix = indexSpan(table, index).key;
  const out: Datum[][] = [];
  for (const row of data.rows) {
    const values = row.map((d, i) => coerceSplitValue(s, d, data.cols[i]!.type, keyCols[i]!, i));
    const key = indexSpanForPrefix(table, index, values).key;
    assert(key.length > prefix.length && key.subarray(0, prefix.length).equals(prefix), 'SPLIT AT: key outside its index');
    await s.shared.kv.adminSplit(key);
    out.push([key, prettyKeySuffix(key, prefix), null]);
  }
  return out;
}

/** A SPLIT AT value as the key column's type: literals parse, other types need an assignment cast. */
function coerceSplitValue(s: SqlSession, d: Datum, from: SqlType, to: { name: string; type: SqlType }, i: number): Datum {
  if (d === null || from.oid === to.type.oid) return d;
  if (from.kind === 'text' || from.kind === 'unknown') return parseText(to.type, d as string, s.evalCtx);
  if (!canCast(from, to.type, 'assignment')) {
    throw sqlError('42804', `SPLIT AT data column ${i + 1} (${to.name}) must be of type ${typeName(to.type)}, not type ${typeName(from)}`);
  }
  return castDatum(d, from, to.type, 'assignment', s.evalCtx);
}

// ---------------------------------------------------------------- SHOW RANGES

async function showRanges(s: SqlSession, t: IndexTarget | null): Promise<Datum[][]> {
  if (t === null) return databaseRanges(s);
  const target = await resolveTarget(s, t);
  const span = target.index === null ? tableSpan(target.table) : indexSpan(target.table, target.index);
  const ranges = await s.shared.kv.ranges(span.key, span.endKey);
  return ranges.map((r) => rangeRow(r, (k) => prettyKeyInTable(k, target.table.id)));
}

/** Every range holding data of the current database's tables, once each, in key order. */
async function databaseRanges(s: SqlSession): Promise<Datum[][]> {
  const tables = [...(await s.requireCatalog().listTables(s.databaseId))].sort((a, b) => a.id - b.id);
  const seen = new Set<number>();
  const out: Datum[][] = [];
  for (const table of tables) {
    const span = tableSpan(table);
    for (const r of await s.shared.kv.ranges(span.key, span.endKey)) {
      if (seen.has(r.rangeId)) continue;
      seen.add(r.rangeId);
      out.push(rangeRow(r, prettyKey));
    }
  }
  return out;
}

const BYTES_PER_MB = new Decimal(1_000_000);

function rangeRow(r: RangeInfo, pretty: (key: Buffer) => string): Datum[] {
  assert(Buffer.compare(r.startKey, r.endKey) < 0, `range ${r.rangeId}: empty span`);
  assert(r.rangeId > 0, 'range ids start at 1');
  return [
    pretty(r.startKey),
    pretty(r.endKey),
    BigInt(r.rangeId),
    r.sizeBytes === null ? null : new Decimal(r.sizeBytes).div(BYTES_PER_MB),
    r.leaseholder,
    r.replicas.length === 0
      ? { dims: [], lowerBounds: [], elements: [] }
      : { dims: [r.replicas.length], lowerBounds: [1], elements: r.replicas.map((x) => x.nodeId) },
  ];
}
