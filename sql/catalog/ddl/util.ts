// Shared pieces of DDL execution: name resolution with PostgreSQL's errors, generated
// constraint names (t_a_key, t_pkey, ...), descriptor versioning, and chunked scans of a
// table's rows for backfills and rewrites. Used by the other catalog/ddl modules only.

import assert from 'node:assert/strict';
import { keyNext } from '../../../storage/index.js';
import { sqlError } from '../../errors.js';
import type { Node, RangeVar } from '../../parse/index.js';
import { decodeRow } from '../../rowenc/index.js';
import { indexSpan } from '../../rowenc/index.js';
import type { Datum } from '../../types/index.js';
import { formatText } from '../../types/index.js';
import type { ResolvedRelation } from '../catalog.js';
import type { SchemaDescriptor, SequenceDescriptor, TableDescriptor } from '../descriptors.js';
import type { DdlContext } from './context.js';

/** PostgreSQL's NAMEDATALEN - 1: longer identifiers are truncated. */
export const identifierBytesMax = 63;
/** Rows read per scan request during backfills and rewrites. */
export const scanChunkRows = 4000;
/** Writes sent per batch during backfills and rewrites. */
export const writeBatchMax = 4000;

export function strings(list: readonly Node[] | undefined): string[] {
  return (list ?? []).map((n) => {
    if ('String' in n) return n.String.sval ?? '';
    throw sqlError('42601', 'expected a name');
  });
}

export function qualifiedName(schema: string | null, name: string): string {
  return schema === null ? name : `${schema}.${name}`;
}

/** Splits a name list (a, s.a, db.s.a) into schema and name; a database part must be the current one. */
export function splitName(ctx: DdlContext, parts: readonly string[]): { schema: string | null; name: string } {
  if (parts.length === 1) return { schema: null, name: parts[0]! };
  if (parts.length === 2) return { schema: parts[0]!, name: parts[1]! };
  if (parts.length === 3) {
    if (parts[0] !== ctx.databaseName) {
      throw sqlError('0A000', `cross-database references are not implemented: ${parts.join('.')}`);
    }
    return { schema: parts[1]!, name: parts[2]! };
  }
  throw sqlError('42601', `improper qualified name (too many dotted names): ${parts.join('.')}`);
}

export function rangeVarName(ctx: DdlContext, rv: RangeVar): { schema: string | null; name: string } {
  if (rv.catalogname !== undefined && rv.catalogname !== ctx.databaseName) {
    throw sqlError('0A000', `cross-database references are not implemented: ${rv.catalogname}.${rv.schemaname}.${rv.relname}`);
  }
  return { schema: rv.schemaname ?? null, name: rv.relname ?? '' };
}

/** The schema a new object goes into: explicit, or the first existing schema of the search path. */
export async function schemaForCreate(ctx: DdlContext, schemaName: string | null): Promise<SchemaDescriptor> {
  if (schemaName === null) {
    const s = await ctx.catalog.creationSchema(ctx.databaseId, ctx.searchPath, ctx.user);
    if (s === null) throw sqlError('3F000', 'no schema has been selected to create in');
    return s;
  }
  const s = await ctx.catalog.getSchema(ctx.databaseId, schemaName);
  if (s === null) throw sqlError('3F000', `schema "${schemaName}" does not exist`);
  if (s.virtual === true) throw sqlError('42501', `permission denied to create objects in schema "${schemaName}"`);
  return s;
}

export async function resolveRelation(ctx: DdlContext, schema: string | null, name: string): Promise<ResolvedRelation | null> {
  return ctx.catalog.resolveRelation(ctx.databaseId, ctx.searchPath, schema, name, ctx.user);
}

/** A table for ALTER/DROP/TRUNCATE/CREATE INDEX; null only when missingOk. */
export async function requireTable(
  ctx: DdlContext,
  schema: string | null,
  name: string,
  missingOk: boolean,
  what = 'relation',
): Promise<{ schema: SchemaDescriptor; table: TableDescriptor } | null> {
  const rel = await resolveRelation(ctx, schema, name);
  if (rel === null) {
    if (missingOk) return null;
    throw sqlError('42P01', `${what} "${qualifiedName(schema, name)}" does not exist`);
  }
  if (rel.kind === 'virtual') throw sqlError('42501', `permission denied: "${name}" is a system catalog`);
  if (rel.kind !== 'table') throw sqlError('42809', `"${name}" is not a table`);
  return { schema: rel.schema, table: rel.table };
}

export async function requireSequence(
  ctx: DdlContext,
  schema: string | null,
  name: string,
  missingOk: boolean,
): Promise<{ schema: SchemaDescriptor; sequence: SequenceDescriptor } | null> {
  const rel = await resolveRelation(ctx, schema, name);
  if (rel === null) {
    if (missingOk) return null;
    throw sqlError('42P01', `relation "${qualifiedName(schema, name)}" does not exist`);
  }
  if (rel.kind !== 'sequence') throw sqlError('42809', `"${name}" is not a sequence`);
  return { schema: rel.schema, sequence: rel.sequence };
}

/** True when a table, sequence or index of `schema` already uses `name` (they share one namespace). */
export async function relationNameTaken(ctx: DdlContext, schema: SchemaDescriptor, name: string): Promise<boolean> {
  if ((await ctx.catalog.lookupName(schema.databaseId, schema.id, name)) !== null) return true;
  return (await findIndexByName(ctx, schema, name)) !== null;
}

export async function findIndexByName(
  ctx: DdlContext,
  schema: SchemaDescriptor,
  name: string,
): Promise<{ table: TableDescriptor; indexId: number } | null> {
  for (const t of await ctx.catalog.listTables(schema.databaseId, schema.id)) {
    for (const ix of [t.primaryIndex, ...t.secondaryIndexes]) {
      if (ix.name === name && !isHiddenPrimary(t, ix.id)) return { table: t, indexId: ix.id };
    }
  }
  return null;
}

function isHiddenPrimary(t: TableDescriptor, indexId: number): boolean {
  if (indexId !== t.primaryIndex.id) return false;
  return t.primaryIndex.columnIds.some((id) => t.columns.find((c) => c.id === id)?.hidden === true);
}

/** Truncates an identifier to 63 bytes without splitting a UTF-8 character. */
export function truncateIdentifier(name: string): string {
  if (Buffer.byteLength(name) <= identifierBytesMax) return name;
  let out = '';
  for (const ch of name) {
    if (Buffer.byteLength(out + ch) > identifierBytesMax) break;
    out += ch;
  }
  return out;
}

/**
 * PostgreSQL's makeObjectName: name1_name2_label, shortening the longer of name1/name2 until
 * the whole fits in 63 bytes.
 */
export function makeObjectName(name1: string, name2: string, label: string): string {
  let a = name1;
  let b = name2;
  const overhead = (b === '' ? 0 : 1) + 1 + Buffer.byteLength(label);
  while (Buffer.byteLength(a) + Buffer.byteLength(b) + overhead > identifierBytesMax) {
    if (Buffer.byteLength(a) >= Buffer.byteLength(b)) a = [...a].slice(0, -1).join('');
    else b = [...b].slice(0, -1).join('');
  }
  return b === '' ? `${a}_${label}` : `${a}_${b}_${label}`;
}

/** A fresh relation name in `schema` (t_a_key, t_a_key1, ...), also avoiding `taken`. */
export async function chooseRelationName(
  ctx: DdlContext,
  schema: SchemaDescriptor,
  name1: string,
  name2: string,
  label: string,
  taken: ReadonlySet<string> = new Set(),
): Promise<string> {
  for (let n = 0; ; n++) {
    const candidate = makeObjectName(name1, name2, n === 0 ? label : `${label}${n}`);
    if (!taken.has(candidate) && !(await relationNameTaken(ctx, schema, candidate))) return candidate;
    assert(n < 10_000, 'could not choose a relation name');
  }
}

/** A copy of `t` with `changes` and its version bumped (every schema change bumps it). */
export function bump(t: TableDescriptor, changes: Partial<TableDescriptor>): TableDescriptor {
  return { ...t, ...changes, version: t.version + 1 };
}

/**
 * Scans every row of the table's primary index in chunks, decoding each. `fn` may return
 * nothing (no await per row); `afterChunk` runs after each chunk (to send queued writes).
 * Yields an event-loop turn between chunks (KV calls may resolve without one, and a long
 * rewrite must not starve other sessions or /health) and honours a cancel request there.
 */
export async function forEachRow(
  ctx: DdlContext,
  table: TableDescriptor,
  fn: (row: Datum[], key: Buffer, value: Buffer) => Promise<void> | void,
  afterChunk?: () => Promise<void>,
): Promise<void> {
  const span = indexSpan(table, table.primaryIndex);
  let start = span.key;
  for (;;) {
    ctx.checkCancel?.();
    const rows = await ctx.txn.scan(start, span.endKey, { limit: scanChunkRows });
    for (const kv of rows) {
      const r = fn(decodeRow(table, kv.key, kv.value), kv.key, kv.value);
      if (r !== undefined) await r;
    }
    if (afterChunk !== undefined) await afterChunk();
    if (rows.length < scanChunkRows) return;
    start = keyNext(rows[rows.length - 1]!.key);
    await yieldTurn();
  }
}

/** One macrotask turn of the event loop (a resolved promise is only a microtask). */
export function yieldTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/** "(a, b)=(1, x)" for duplicate-key details, in PostgreSQL's format. */
export function keyDetail(table: TableDescriptor, columnIds: readonly number[], row: readonly Datum[]): string {
  const names: string[] = [];
  const values: string[] = [];
  for (const id of columnIds) {
    const pos = table.columns.findIndex((c) => c.id === id);
    const c = table.columns[pos]!;
    names.push(c.name);
    const d = row[pos] ?? null;
    let text: string;
    try {
      text = d === null ? 'null' : formatText(c.type, d);
    } catch {
      text = String(d);
    }
    values.push(text);
  }
  return `Key (${names.join(', ')})=(${values.join(', ')})`;
}

/** Evaluates a boolean DefElem argument (TRUE, FALSE, on, off, 1, 0, absent = true). */
export function defElemBool(arg: Node | undefined): boolean {
  if (arg === undefined) return true;
  if ('Boolean' in arg) return arg.Boolean.boolval === true;
  if ('Integer' in arg) return (arg.Integer.ival ?? 0) !== 0;
  if ('String' in arg) return ['true', 'on', 'yes', '1'].includes((arg.String.sval ?? '').toLowerCase());
  throw sqlError('22023', 'invalid boolean option');
}

/** A DefElem argument as text (for storage parameters). */
export function defElemText(arg: Node | undefined): string {
  if (arg === undefined) return 'true';
  if ('Integer' in arg) return String(arg.Integer.ival ?? 0);
  if ('Float' in arg) return arg.Float.fval ?? '0';
  if ('String' in arg) return arg.String.sval ?? '';
  if ('Boolean' in arg) return arg.Boolean.boolval === true ? 'true' : 'false';
  if ('TypeName' in arg) return strings(arg.TypeName.names).join('.');
  throw sqlError('22023', 'invalid option value');
}

/** A DefElem numeric argument as bigint. */
export function defElemBigInt(arg: Node | undefined, option: string): bigint {
  if (arg !== undefined && 'Integer' in arg) return BigInt(arg.Integer.ival ?? 0);
  if (arg !== undefined && 'Float' in arg && /^-?\d+$/.test(arg.Float.fval ?? '')) return BigInt(arg.Float.fval!);
  throw sqlError('42601', `${option} requires a numeric value`);
}
