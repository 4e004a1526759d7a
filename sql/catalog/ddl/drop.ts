// DROP TABLE / SEQUENCE / INDEX / SCHEMA / DATABASE with PostgreSQL's dependency rules:
// RESTRICT fails with 2BP01 when another object depends on the dropped one (a foreign key
// from another table, a column default using a sequence, a non-empty schema); CASCADE drops
// the dependents (foreign-key constraints, defaults) with a NOTICE. Data spans are deleted in
// the same transaction. Called by catalog/ddl/index.ts.

import { sqlError } from '../../errors.js';
import type { DropStmt, DropdbStmt, Node } from '../../parse/index.js';
import { tableSpan } from '../../rowenc/index.js';
import { rowidCounterKey, sequenceValueKey } from '../system.js';
import type { DatabaseDescriptor, DescriptorId, SchemaDescriptor, SequenceDescriptor, TableDescriptor } from '../descriptors.js';
import type { DdlContext, DdlResult, Notice } from './context.js';
import { dropIndex } from './indexes.js';
import { bump, qualifiedName, requireSequence, requireTable, splitName, strings } from './util.js';

const DROP_TAGS: Record<string, string> = {
  OBJECT_TABLE: 'DROP TABLE',
  OBJECT_SEQUENCE: 'DROP SEQUENCE',
  OBJECT_INDEX: 'DROP INDEX',
  OBJECT_SCHEMA: 'DROP SCHEMA',
  OBJECT_VIEW: 'DROP VIEW',
};

export async function drop(stmt: DropStmt, ctx: DdlContext): Promise<DdlResult> {
  const kind = stmt.removeType ?? 'OBJECT_TABLE';
  const tag = DROP_TAGS[kind];
  if (tag === undefined) throw sqlError('0A000', `DROP ${kind.replace('OBJECT_', '')} is not supported`);
  const cascade = stmt.behavior === 'DROP_CASCADE';
  const missingOk = stmt.missing_ok === true;
  const skipped: string[] = [];
  const objects = (stmt.objects ?? []).map(objectName);
  switch (kind) {
    case 'OBJECT_TABLE':
      await dropTables(ctx, objects, missingOk, cascade, skipped);
      break;
    case 'OBJECT_SEQUENCE':
      for (const parts of objects) await dropSequenceByName(ctx, parts, missingOk, cascade, skipped);
      break;
    case 'OBJECT_INDEX':
      for (const parts of objects) await dropIndex(ctx, parts, missingOk, cascade, skipped);
      break;
    case 'OBJECT_SCHEMA':
      for (const parts of objects) await dropSchema(ctx, parts[0]!, missingOk, cascade, skipped);
      break;
    case 'OBJECT_VIEW':
      for (const parts of objects) {
        if (!missingOk) throw sqlError('42P01', `view "${parts.join('.')}" does not exist`);
        skipped.push(`view "${parts.join('.')}" does not exist, skipping`);
      }
      break;
  }
  for (const message of skipped) ctx.notice({ severity: 'NOTICE', code: '00000', message });
  return { tag };
}

function objectName(n: Node): string[] {
  if ('List' in n) return strings(n.List.items);
  if ('String' in n) return [n.String.sval ?? ''];
  throw sqlError('42601', 'unexpected object name');
}

async function dropTables(ctx: DdlContext, objects: string[][], missingOk: boolean, cascade: boolean, skipped: string[]): Promise<void> {
  const tables: TableDescriptor[] = [];
  for (const parts of objects) {
    const { schema, name } = splitName(ctx, parts);
    const found = await requireTable(ctx, schema, name, missingOk, 'table');
    if (found === null) skipped.push(`table "${qualifiedName(schema, name)}" does not exist, skipping`);
    else if (!tables.some((t) => t.id === found.table.id)) tables.push(found.table);
  }
  const dropping = new Set(tables.map((t) => t.id));
  for (const t of tables) await detachReferencingForeignKeys(ctx, t, dropping, cascade);
  for (const t of tables) await dropTableData(ctx, (await ctx.catalog.getTableById(t.id)) ?? t);
}

/**
 * Foreign keys of other tables that reference `t`: 2BP01 under RESTRICT; dropped (with a
 * NOTICE) under CASCADE. Tables in `alsoDropped` don't count.
 */
async function detachReferencingForeignKeys(ctx: DdlContext, t: TableDescriptor, alsoDropped: ReadonlySet<DescriptorId>, cascade: boolean): Promise<void> {
  for (const other of await ctx.catalog.listTables(t.databaseId)) {
    if (alsoDropped.has(other.id)) continue;
    const refs = other.foreignKeys.filter((fk) => fk.referencedTableId === t.id);
    if (refs.length === 0) continue;
    if (!cascade) {
      throw sqlError('2BP01', `cannot drop table ${t.name} because other objects depend on it`, {
        detail: refs.map((fk) => `constraint ${fk.name} on table ${other.name} depends on table ${t.name}`).join('\n'),
        hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
      });
    }
    for (const fk of refs) notice(ctx, `drop cascades to constraint ${fk.name} on table ${other.name}`);
    await ctx.catalog.putDescriptor(bump(other, { foreignKeys: other.foreignKeys.filter((fk) => fk.referencedTableId !== t.id) }));
  }
}

function notice(ctx: DdlContext, message: string): void {
  const n: Notice = { severity: 'NOTICE', code: '00000', message };
  ctx.notice(n);
}

/** Deletes a table's rows, descriptor, name, rowid counter and owned sequences. */
export async function dropTableData(ctx: DdlContext, t: TableDescriptor): Promise<void> {
  const span = tableSpan(t);
  await ctx.txn.deleteRange(span.key, span.endKey);
  await ctx.txn.delete(rowidCounterKey(t.id));
  for (const c of t.columns) {
    if (c.ownedSequenceId === null) continue;
    const seq = await ctx.catalog.getSequenceById(c.ownedSequenceId);
    if (seq !== null) await deleteSequence(ctx, seq);
  }
  // Sequences OWNED BY a column without being its serial default.
  for (const s of await ctx.catalog.listSequences(t.databaseId)) {
    if (s.ownedBy?.tableId === t.id) await deleteSequence(ctx, s);
  }
  await ctx.catalog.deleteDescriptor(t.id);
  await ctx.catalog.deleteName(t.databaseId, t.schemaId, t.name);
}

async function deleteSequence(ctx: DdlContext, s: SequenceDescriptor): Promise<void> {
  await ctx.txn.delete(sequenceValueKey(s.id));
  await ctx.catalog.deleteDescriptor(s.id);
  await ctx.catalog.deleteName(s.databaseId, s.schemaId, s.name);
  ctx.sequences.forget(s.id);
}

async function dropSequenceByName(ctx: DdlContext, parts: string[], missingOk: boolean, cascade: boolean, skipped: string[]): Promise<void> {
  const { schema, name } = splitName(ctx, parts);
  const found = await requireSequence(ctx, schema, name, missingOk).catch((e: unknown) => {
    if (e instanceof Error && 'code' in e && (e as { code: string }).code === '42P01') {
      throw sqlError('42P01', `sequence "${qualifiedName(schema, name)}" does not exist`);
    }
    throw e;
  });
  if (found === null) {
    skipped.push(`sequence "${qualifiedName(schema, name)}" does not exist, skipping`);
    return;
  }
  const seq = found.sequence;
  // Column defaults that call nextval on this sequence depend on it.
  for (const t of await ctx.catalog.listTables(seq.databaseId)) {
    const users = t.columns.filter((c) => c.ownedSequenceId === seq.id || (c.defaultExpr?.includes(`'${seq.name}'::regclass`) ?? false));
    if (users.length === 0) continue;
    if (!cascade) {
      throw sqlError('2BP01', `cannot drop sequence ${seq.name} because other objects depend on it`, {
        detail: users.map((c) => `default value for column ${c.name} of table ${t.name} depends on sequence ${seq.name}`).join('\n'),
        hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
      });
    }
    for (const c of users) notice(ctx, `drop cascades to default value for column ${c.name} of table ${t.name}`);
    const ids = new Set(users.map((c) => c.id));
    await ctx.catalog.putDescriptor(
      bump(t, { columns: t.columns.map((c) => (ids.has(c.id) ? { ...c, defaultExpr: null, ownedSequenceId: null } : c)) }),
    );
  }
  await deleteSequence(ctx, seq);
}

async function dropSchema(ctx: DdlContext, name: string, missingOk: boolean, cascade: boolean, skipped: string[]): Promise<void> {
  const schema = await ctx.catalog.getSchema(ctx.databaseId, name);
  if (schema === null) {
    if (!missingOk) throw sqlError('3F000', `schema "${name}" does not exist`);
    skipped.push(`schema "${name}" does not exist, skipping`);
    return;
  }
  if (schema.virtual === true) throw sqlError('2BP01', `cannot drop schema ${name} because it is required by the database system`);
  await dropSchemaContents(ctx, schema, cascade);
  await ctx.catalog.deleteDescriptor(schema.id);
  await ctx.catalog.deleteName(schema.databaseId, 0, schema.name);
}

async function dropSchemaContents(ctx: DdlContext, schema: SchemaDescriptor, cascade: boolean, quiet = false): Promise<void> {
  const tables = await ctx.catalog.listTables(schema.databaseId, schema.id);
  const sequences = await ctx.catalog.listSequences(schema.databaseId, schema.id);
  if (!cascade && (tables.length > 0 || sequences.length > 0)) {
    const first = tables[0] !== undefined ? `table ${schema.name}.${tables[0].name}` : `sequence ${schema.name}.${sequences[0]!.name}`;
    throw sqlError('2BP01', `cannot drop schema ${schema.name} because other objects depend on it`, {
      detail: `${first} depends on schema ${schema.name}`,
      hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
    });
  }
  const count = tables.length + sequences.length;
  if (count > 0 && !quiet) {
    const items = [...tables.map((t) => `table ${schema.name}.${t.name}`), ...sequences.map((s) => `sequence ${schema.name}.${s.name}`)];
    notice(ctx, count === 1 ? `drop cascades to ${items[0]}` : `drop cascades to ${count} other objects`);
  }
  const dropping = new Set(tables.map((t) => t.id));
  for (const t of tables) await detachReferencingForeignKeys(ctx, t, dropping, true);
  for (const t of tables) await dropTableData(ctx, (await ctx.catalog.getTableById(t.id)) ?? t);
  for (const s of sequences) {
    const still = await ctx.catalog.getSequenceById(s.id);
    if (still !== null) await deleteSequence(ctx, still);
  }
}

export async function dropDatabase(stmt: DropdbStmt, ctx: DdlContext): Promise<DdlResult> {
  const name = stmt.dbname ?? '';
  const db = await ctx.catalog.getDatabase(name);
  if (db === null) {
    if (stmt.missing_ok === true) {
      notice(ctx, `database "${name}" does not exist, skipping`);
      return { tag: 'DROP DATABASE' };
    }
    throw sqlError('3D000', `database "${name}" does not exist`);
  }
  if (db.id === ctx.databaseId) throw sqlError('55006', 'cannot drop the currently open database');
  await dropDatabaseContents(ctx, db);
  return { tag: 'DROP DATABASE' };
}

async function dropDatabaseContents(ctx: DdlContext, db: DatabaseDescriptor): Promise<void> {
  for (const s of await ctx.catalog.listSchemas(db.id)) {
    if (s.virtual === true) continue;
    await dropSchemaContents(ctx, s, true, true);
    await ctx.catalog.deleteDescriptor(s.id);
    await ctx.catalog.deleteName(db.id, 0, s.name);
  }
  await ctx.catalog.deleteDescriptor(db.id);
  await ctx.catalog.deleteName(0, 0, db.name);
}
