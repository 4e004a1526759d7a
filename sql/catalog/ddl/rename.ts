// ALTER ... RENAME: tables, sequences, indexes, columns, constraints, schemas, databases.
// Expressions are stored as text, so a column rename rewrites the CHECK expressions that
// name it, and a sequence rename rewrites the nextval('seq'::regclass) defaults that use it.
// Called by catalog/ddl/index.ts.

import { sqlError } from '../../errors.js';
import type { Node, RenameStmt } from '../../parse/index.js';
import { parseSql } from '../../parse/index.js';
import { deparseExpr } from '../deparse.js';
import type { TableDescriptor } from '../descriptors.js';
import type { DdlContext, DdlResult } from './context.js';
import { bump, findIndexByName, rangeVarName, relationNameTaken, resolveRelation } from './util.js';

const TAGS: Record<string, string> = {
  OBJECT_TABLE: 'ALTER TABLE',
  OBJECT_COLUMN: 'ALTER TABLE',
  OBJECT_TABCONSTRAINT: 'ALTER TABLE',
  OBJECT_SEQUENCE: 'ALTER SEQUENCE',
  OBJECT_INDEX: 'ALTER INDEX',
  OBJECT_SCHEMA: 'ALTER SCHEMA',
  OBJECT_DATABASE: 'ALTER DATABASE',
};

export async function rename(stmt: RenameStmt, ctx: DdlContext): Promise<DdlResult> {
  const kind = stmt.renameType ?? '';
  const tag = TAGS[kind];
  if (tag === undefined) throw sqlError('0A000', `ALTER ${kind.replace('OBJECT_', '')} ... RENAME is not supported`);
  const newName = stmt.newname ?? '';
  switch (kind) {
    case 'OBJECT_SCHEMA':
      await renameSchema(ctx, stmt.subname ?? '', newName);
      break;
    case 'OBJECT_DATABASE':
      await renameDatabase(ctx, stmt.subname ?? '', newName);
      break;
    case 'OBJECT_INDEX':
      await renameIndex(ctx, stmt, newName);
      break;
    default:
      await renameInRelation(ctx, stmt, kind, newName);
  }
  return { tag };
}

async function renameInRelation(ctx: DdlContext, stmt: RenameStmt, kind: string, newName: string): Promise<void> {
  const { schema, name } = rangeVarName(ctx, stmt.relation ?? {});
  const rel = await resolveRelation(ctx, schema, name);
  if (rel === null || rel.kind === 'virtual') {
    if (stmt.missing_ok === true) return;
    throw sqlError('42P01', `relation "${name}" does not exist`);
  }
  if (kind === 'OBJECT_TABLE' || kind === 'OBJECT_SEQUENCE') {
    if (await relationNameTaken(ctx, rel.schema, newName)) throw sqlError('42P07', `relation "${newName}" already exists`);
    const d = rel.kind === 'table' ? rel.table : rel.sequence;
    await ctx.catalog.deleteName(d.databaseId, d.schemaId, d.name);
    await ctx.catalog.putName(d.databaseId, d.schemaId, newName, d.id);
    await ctx.catalog.putDescriptor({ ...d, name: newName, version: d.version + 1 });
    if (rel.kind === 'sequence') await rewriteSequenceDefaults(ctx, d.databaseId, d.name, newName);
    return;
  }
  if (rel.kind !== 'table') throw sqlError('42809', `"${name}" is not a table`);
  const t = rel.table;
  if (kind === 'OBJECT_COLUMN') await renameColumn(ctx, t, stmt.subname ?? '', newName);
  else await renameConstraint(ctx, t, stmt.subname ?? '', newName);
}

async function renameColumn(ctx: DdlContext, t: TableDescriptor, from: string, to: string): Promise<void> {
  const col = t.columns.find((c) => c.name === from && !c.hidden);
  if (col === undefined) throw sqlError('42703', `column "${from}" does not exist`);
  if (t.columns.some((c) => c.name === to)) throw sqlError('42701', `column "${to}" of relation "${t.name}" already exists`);
  const checks = t.checks.map((c) => ({ ...c, expr: renameColumnInExpr(c.expr, from, to) }));
  await ctx.catalog.putDescriptor(bump(t, { columns: t.columns.map((c) => (c.id === col.id ? { ...c, name: to } : c)), checks }));
}

/** Rewrites column references `from` → `to` in an expression's text. */
export function renameColumnInExpr(text: string, from: string, to: string): string {
  const stmt = parseSql(`SELECT ${text}`)[0]?.ast;
  if (stmt === undefined || !('SelectStmt' in stmt)) return text;
  const target = stmt.SelectStmt.targetList?.[0];
  if (target === undefined || !('ResTarget' in target) || target.ResTarget.val === undefined) return text;
  const copy = JSON.parse(JSON.stringify(target.ResTarget.val)) as Node;
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
      return;
    }
    const o = v as Record<string, unknown>;
    if ('ColumnRef' in o) {
      const fields = (o.ColumnRef as { fields?: Node[] }).fields ?? [];
      const last = fields[fields.length - 1];
      if (last !== undefined && 'String' in last && last.String.sval === from) last.String.sval = to;
      return;
    }
    for (const x of Object.values(o)) visit(x);
  };
  visit(copy);
  return deparseExpr(copy);
}

async function renameConstraint(ctx: DdlContext, t: TableDescriptor, from: string, to: string): Promise<void> {
  const ix = [t.primaryIndex, ...t.secondaryIndexes].find((x) => x.name === from && x.constraint === true);
  if (ix !== undefined) {
    const schema = (await ctx.catalog.getSchemaById(t.schemaId))!;
    if (await relationNameTaken(ctx, schema, to)) throw sqlError('42P07', `relation "${to}" already exists`);
    await ctx.catalog.putDescriptor(renameIndexIn(t, ix.id, to));
    return;
  }
  if (t.checks.some((c) => c.name === from)) {
    await ctx.catalog.putDescriptor(bump(t, { checks: t.checks.map((c) => (c.name === from ? { ...c, name: to } : c)) }));
    return;
  }
  if (t.foreignKeys.some((c) => c.name === from)) {
    await ctx.catalog.putDescriptor(bump(t, { foreignKeys: t.foreignKeys.map((c) => (c.name === from ? { ...c, name: to } : c)) }));
    return;
  }
  throw sqlError('42704', `constraint "${from}" for table "${t.name}" does not exist`);
}

function renameIndexIn(t: TableDescriptor, indexId: number, to: string): TableDescriptor {
  if (t.primaryIndex.id === indexId) return bump(t, { primaryIndex: { ...t.primaryIndex, name: to } });
  return bump(t, { secondaryIndexes: t.secondaryIndexes.map((x) => (x.id === indexId ? { ...x, name: to } : x)) });
}

async function renameIndex(ctx: DdlContext, stmt: RenameStmt, to: string): Promise<void> {
  const { schema: sname, name } = rangeVarName(ctx, stmt.relation ?? {});
  const schemas = sname !== null ? [await ctx.catalog.getSchema(ctx.databaseId, sname)] : await ctx.catalog.listSchemas(ctx.databaseId);
  for (const s of schemas) {
    if (s === null || s.virtual === true) continue;
    const hit = await findIndexByName(ctx, s, name);
    if (hit === null) continue;
    if (await relationNameTaken(ctx, s, to)) throw sqlError('42P07', `relation "${to}" already exists`);
    await ctx.catalog.putDescriptor(renameIndexIn(hit.table, hit.indexId, to));
    return;
  }
  if (stmt.missing_ok !== true) throw sqlError('42P01', `relation "${name}" does not exist`);
}

async function rewriteSequenceDefaults(ctx: DdlContext, databaseId: number, from: string, to: string): Promise<void> {
  for (const t of await ctx.catalog.listTables(databaseId)) {
    const needle = `'${from}'::regclass`;
    if (!t.columns.some((c) => c.defaultExpr?.includes(needle) === true)) continue;
    const columns = t.columns.map((c) => (c.defaultExpr?.includes(needle) === true ? { ...c, defaultExpr: c.defaultExpr.replace(needle, `'${to}'::regclass`) } : c));
    await ctx.catalog.putDescriptor(bump(t, { columns }));
  }
}

async function renameSchema(ctx: DdlContext, from: string, to: string): Promise<void> {
  const s = await ctx.catalog.getSchema(ctx.databaseId, from);
  if (s === null) throw sqlError('3F000', `schema "${from}" does not exist`);
  if (s.virtual === true) throw sqlError('42501', `permission denied to rename schema "${from}"`);
  if ((await ctx.catalog.getSchema(ctx.databaseId, to)) !== null) throw sqlError('42P06', `schema "${to}" already exists`);
  await ctx.catalog.deleteName(s.databaseId, 0, from);
  await ctx.catalog.putName(s.databaseId, 0, to, s.id);
  await ctx.catalog.putDescriptor({ ...s, name: to, version: (s.version ?? 1) + 1 });
}

async function renameDatabase(ctx: DdlContext, from: string, to: string): Promise<void> {
  const d = await ctx.catalog.getDatabase(from);
  if (d === null) throw sqlError('3D000', `database "${from}" does not exist`);
  if (d.id === ctx.databaseId) throw sqlError('55006', 'current database cannot be renamed');
  if ((await ctx.catalog.getDatabase(to)) !== null) throw sqlError('42P04', `database "${to}" already exists`);
  await ctx.catalog.deleteName(0, 0, from);
  await ctx.catalog.putName(0, 0, to, d.id);
  await ctx.catalog.putDescriptor({ ...d, name: to, version: (d.version ?? 1) + 1 });
}


