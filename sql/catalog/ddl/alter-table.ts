// ALTER TABLE: ADD/DROP COLUMN (DEFAULT backfill, NOT NULL checks), ALTER COLUMN SET/DROP
// DEFAULT and NOT NULL, ADD CONSTRAINT (PRIMARY KEY rewrite, UNIQUE with backfill, CHECK
// validated through the engine, FOREIGN KEY recorded), DROP CONSTRAINT, SET (storage
// parameters), OWNER TO. Each command sees the descriptor the previous one wrote.
// Called by catalog/ddl/index.ts.

import { sqlError } from '../../errors.js';
import type { AlterTableCmd, AlterTableStmt, ColumnDef, Constraint } from '../../parse/index.js';
import { parseSql } from '../../parse/index.js';
import { encodeRowValue } from '../../rowenc/index.js';
import type { Datum } from '../../types/index.js';
import { effectiveSearchPath } from '../catalog.js';
import { exprIsVolatile, referencedColumns, storedExprText } from '../deparse.js';
import type { CheckConstraint, ColumnDescriptor, IndexDescriptor, SchemaDescriptor, TableDescriptor } from '../descriptors.js';
import { validateForeignKey } from '../fk.js';
import { alterColumnType } from './alter-type.js';
import { buildForeignKey, checkExprText, columnFromDef, keyColumnIds } from './constraints.js';
import type { DdlContext, DdlResult } from './context.js';
import { storageParams, uniqueConstraintName } from './create-table.js';
import { addSecondaryIndex, Batcher, removeSecondaryIndex, replacePrimaryKey } from './indexes.js';
import { newSequence, nextvalDefault, writeNewSequence } from './sequence.js';
import { bump, chooseRelationName, forEachRow, makeObjectName, rangeVarName, requireTable, strings } from './util.js';

interface Target {
  schema: SchemaDescriptor;
  table: TableDescriptor;
}

/** Commands accepted without effect (physical-storage and statistics settings). */
const NO_OP_COMMANDS = new Set([
  'AT_SetStatistics', 'AT_SetStorage', 'AT_SetCompression', 'AT_ClusterOn', 'AT_DropCluster', 'AT_SetLogged',
  'AT_SetUnLogged', 'AT_ReplicaIdentity', 'AT_EnableTrig', 'AT_DisableTrig', 'AT_EnableTrigAll', 'AT_DisableTrigAll',
  'AT_EnableRowSecurity', 'AT_DisableRowSecurity', 'AT_SetAccessMethod', 'AT_SetTableSpace',
]);

export async function alterTable(stmt: AlterTableStmt, ctx: DdlContext): Promise<DdlResult> {
  const objtype = stmt.objtype ?? 'OBJECT_TABLE';
  if (objtype !== 'OBJECT_TABLE') return { tag: objtype === 'OBJECT_INDEX' ? 'ALTER INDEX' : 'ALTER SEQUENCE' };
  const { schema, name } = rangeVarName(ctx, stmt.relation ?? {});
  const found = await requireTable(ctx, schema, name, stmt.missing_ok === true);
  if (found === null) {
    ctx.notice({ severity: 'NOTICE', code: '00000', message: `relation "${name}" does not exist, skipping` });
    return { tag: 'ALTER TABLE' };
  }
  const target: Target = { schema: found.schema, table: found.table };
  for (const n of stmt.cmds ?? []) {
    if ('AlterTableCmd' in n) await alterCommand(ctx, target, n.AlterTableCmd);
  }
  return { tag: 'ALTER TABLE' };
}

async function alterCommand(ctx: DdlContext, tg: Target, cmd: AlterTableCmd): Promise<void> {
  const sub = cmd.subtype ?? '';
  switch (sub) {
    case 'AT_AddColumn':
      return addColumn(ctx, tg, cmd.def !== undefined && 'ColumnDef' in cmd.def ? cmd.def.ColumnDef : {}, cmd.missing_ok === true);
    case 'AT_DropColumn':
      return dropColumn(ctx, tg, cmd.name ?? '', cmd.missing_ok === true, cmd.behavior === 'DROP_CASCADE');
    case 'AT_ColumnDefault': {
      const col = requireColumn(tg.table, cmd.name ?? '');
      const expr = cmd.def === undefined ? null : storedExprText(cmd.def, { targetType: col.type });
      return write(ctx, tg, { columns: replaceColumn(tg.table, { ...col, defaultExpr: expr }) });
    }
    case 'AT_SetNotNull':
      return setNotNull(ctx, tg, cmd.name ?? '');
    case 'AT_DropNotNull': {
      const col = requireColumn(tg.table, cmd.name ?? '');
      if (tg.table.primaryIndex.columnIds.includes(col.id)) throw sqlError('42P16', `column "${col.name}" is in a primary key`);
      return write(ctx, tg, { columns: replaceColumn(tg.table, { ...col, nullable: true }) });
    }
    case 'AT_AddConstraint':
      return addConstraint(ctx, tg, cmd.def !== undefined && 'Constraint' in cmd.def ? cmd.def.Constraint : {}, []);
    case 'AT_DropConstraint':
      return dropConstraint(ctx, tg, cmd.name ?? '', cmd.missing_ok === true);
    case 'AT_SetRelOptions': {
      const items = cmd.def !== undefined && 'List' in cmd.def ? (cmd.def.List.items ?? []) : [];
      return write(ctx, tg, { storageParams: { ...tg.table.storageParams, ...storageParams(items) } });
    }
    case 'AT_ResetRelOptions': {
      const items = cmd.def !== undefined && 'List' in cmd.def ? (cmd.def.List.items ?? []) : [];
      const params = { ...tg.table.storageParams };
      for (const n of items) if ('DefElem' in n) delete params[n.DefElem.defname ?? ''];
      return write(ctx, tg, { storageParams: params });
    }
    case 'AT_ChangeOwner':
      return write(ctx, tg, { owner: cmd.newowner?.rolename ?? tg.table.owner });
    case 'AT_AlterColumnType':
      tg.table = await alterColumnType(ctx, tg.table, cmd.name ?? '', cmd.def !== undefined && 'ColumnDef' in cmd.def ? cmd.def.ColumnDef : {});
      return;
    default:
      if (NO_OP_COMMANDS.has(sub)) return;
      throw sqlError('0A000', `ALTER TABLE ${sub.replace('AT_', '')} is not supported`);
  }
}

async function write(ctx: DdlContext, tg: Target, changes: Partial<TableDescriptor>): Promise<void> {
  tg.table = bump(tg.table, changes);
  await ctx.catalog.putDescriptor(tg.table);
}

function requireColumn(t: TableDescriptor, name: string): ColumnDescriptor {
  const c = t.columns.find((x) => x.name === name && !x.hidden);
  if (c === undefined) throw sqlError('42703', `column "${name}" of relation "${t.name}" does not exist`);
  return c;
}

function replaceColumn(t: TableDescriptor, col: ColumnDescriptor): ColumnDescriptor[] {
  return t.columns.map((c) => (c.id === col.id ? col : c));
}

function nullsError(t: TableDescriptor, c: ColumnDescriptor): Error {
  return sqlError('23502', `column "${c.name}" of relation "${t.name}" contains null values`, { table: t.name, column: c.name });
}

async function addColumn(ctx: DdlContext, tg: Target, def: ColumnDef, ifNotExists: boolean): Promise<void> {
  const t = tg.table;
  if (t.columns.some((c) => c.name === def.colname && !c.hidden)) {
    if (ifNotExists) {
      ctx.notice({ severity: 'NOTICE', code: '42701', message: `column "${def.colname}" of relation "${t.name}" already exists, skipping` });
      return;
    }
    throw sqlError('42701', `column "${def.colname}" of relation "${t.name}" already exists`);
  }
  const draft = columnFromDef(def, t.nextColumnId);
  let column = draft.column;
  if (draft.serial !== undefined) {
    const seqName = await chooseRelationName(ctx, tg.schema, t.name, column.name, 'seq');
    const seq = await newSequence(ctx, tg.schema, seqName, [], { dataType: draft.serial, ownedBy: { tableId: t.id, columnId: column.id } });
    await writeNewSequence(ctx, seq);
    const onPath = effectiveSearchPath(ctx.searchPath, ctx.user).includes(tg.schema.name);
    column = { ...column, defaultExpr: nextvalDefault(seqName, tg.schema.name, onPath), ownedSequenceId: seq.id };
  }
  const next = bump(t, { columns: [...t.columns, column], nextColumnId: t.nextColumnId + 1 });
  await backfillColumn(ctx, t, next, column);
  tg.table = next;
  await ctx.catalog.putDescriptor(next);
  for (const c of draft.constraints) await addConstraint(ctx, tg, c, [column.name]);
}

/** Writes the new column's DEFAULT into every existing row (evaluated per row when volatile). */
async function backfillColumn(ctx: DdlContext, before: TableDescriptor, after: TableDescriptor, column: ColumnDescriptor): Promise<void> {
  const expr = column.defaultExpr;
  let constant: Datum | undefined;
  let volatile = false;
  if (expr !== null) {
    const parsed = parseSql(`SELECT ${expr}`)[0]?.ast;
    volatile = parsed !== undefined && exprIsVolatile(parsed);
  }
  const batch = new Batcher(ctx, () => new Error('backfillColumn: no unique keys'));
  await forEachRow(
    ctx,
    before,
    async (old, key) => {
      let value: Datum = null;
      if (expr !== null) {
        if (volatile) value = await ctx.evalConstExpr(expr, column.type);
        else value = constant ??= await ctx.evalConstExpr(expr, column.type);
      }
      if (value === null) {
        if (!column.nullable) throw nullsError(before, column);
        return;
      }
      const row = [...old, value];
      batch.add(key, encodeRowValue(after, row), false, row);
    },
    () => batch.flushIfFull(),
  );
  await batch.flush();
}

async function setNotNull(ctx: DdlContext, tg: Target, name: string): Promise<void> {
  const col = requireColumn(tg.table, name);
  if (!col.nullable) return;
  const pos = tg.table.columns.indexOf(col);
  await forEachRow(ctx, tg.table, (row) => {
    if (row[pos] === null) throw nullsError(tg.table, col);
  });
  await write(ctx, tg, { columns: replaceColumn(tg.table, { ...col, nullable: false }) });
}

async function dropColumn(ctx: DdlContext, tg: Target, name: string, missingOk: boolean, cascade: boolean): Promise<void> {
  const t = tg.table;
  const col = t.columns.find((c) => c.name === name && !c.hidden);
  if (col === undefined) {
    if (missingOk) {
      ctx.notice({ severity: 'NOTICE', code: '00000', message: `column "${name}" of relation "${t.name}" does not exist, skipping` });
      return;
    }
    throw sqlError('42703', `column "${name}" of relation "${t.name}" does not exist`);
  }
  if (t.primaryIndex.columnIds.includes(col.id)) throw sqlError('0A000', `cannot drop column "${name}" because it is part of the primary key`);
  for (const other of await ctx.catalog.listTables(t.databaseId)) {
    const refs = other.foreignKeys.filter((fk) => fk.referencedTableId === t.id && fk.referencedColumnIds.includes(col.id) && other.id !== t.id);
    if (refs.length > 0 && !cascade) {
      throw sqlError('2BP01', `cannot drop column ${name} of table ${t.name} because other objects depend on it`, {
        detail: refs.map((fk) => `constraint ${fk.name} on table ${other.name} depends on column ${name} of table ${t.name}`).join('\n'),
        hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
      });
    }
    if (refs.length > 0) await ctx.catalog.putDescriptor(bump(other, { foreignKeys: other.foreignKeys.filter((fk) => !refs.includes(fk)) }));
  }
  for (const ix of t.secondaryIndexes.filter((x) => x.columnIds.includes(col.id))) {
    tg.table = await removeSecondaryIndex(ctx, tg.table, ix.id);
  }
  const checks = tg.table.checks.filter((c) => {
    const ast = parseSql(`SELECT ${c.expr}`)[0]?.ast;
    return ast === undefined || !referencedColumns(ast).has(name);
  });
  await write(ctx, tg, {
    columns: tg.table.columns.filter((c) => c.id !== col.id),
    checks,
    foreignKeys: tg.table.foreignKeys.filter((fk) => !fk.columnIds.includes(col.id)),
  });
  if (col.ownedSequenceId !== null) {
    const seq = await ctx.catalog.getSequenceById(col.ownedSequenceId);
    if (seq !== null) {
      await ctx.catalog.deleteDescriptor(seq.id);
      await ctx.catalog.deleteName(seq.databaseId, seq.schemaId, seq.name);
      ctx.sequences.forget(seq.id);
    }
  }
}

async function addConstraint(ctx: DdlContext, tg: Target, c: Constraint, columnNames: string[]): Promise<void> {
  const keys = strings(c.keys).length > 0 ? strings(c.keys) : columnNames;
  switch (c.contype) {
    case 'CONSTR_PRIMARY': {
      const hiddenPk = tg.table.columns.some((x) => x.hidden && tg.table.primaryIndex.columnIds.includes(x.id));
      if (!hiddenPk) throw sqlError('42P16', `multiple primary keys for table "${tg.table.name}" are not allowed`);
      tg.table = await replacePrimaryKey(ctx, tg.table, tg.schema, keys, c.conname);
      return;
    }
    case 'CONSTR_UNIQUE': {
      const ids = keyColumnIds(tg.table.columns, keys, 'unique');
      const name = c.conname ?? (await chooseRelationName(ctx, tg.schema, tg.table.name, keys.join('_'), 'key'));
      const index: IndexDescriptor = { id: tg.table.nextIndexId, name, unique: true, primary: false, columnIds: ids, directions: ids.map(() => 'asc'), state: 'public', constraint: true };
      tg.table = await addSecondaryIndex(ctx, tg.table, index);
      return;
    }
    case 'CONSTR_CHECK':
      return addCheck(ctx, tg, c);
    case 'CONSTR_FOREIGN': {
      const ids = keyColumnIds(tg.table.columns, strings(c.fk_attrs).length > 0 ? strings(c.fk_attrs) : keys, 'foreign key');
      const names = ids.map((id) => tg.table.columns.find((x) => x.id === id)!.name);
      const name = c.conname ?? uniqueConstraintName(makeObjectName(tg.table.name, names.join('_'), 'fkey'), constraintNames(tg.table));
      if (constraintNames(tg.table).includes(name)) throw sqlError('42710', `constraint "${name}" for relation "${tg.table.name}" already exists`);
      const fk = await buildForeignKey(ctx, tg.table, c, ids, name);
      if (c.skip_validation !== true) await validateForeignKey(ctx.txn, ctx.catalog, tg.table, fk);
      return write(ctx, tg, { foreignKeys: [...tg.table.foreignKeys, fk] });
    }
    case 'CONSTR_NOTNULL':
      return setNotNull(ctx, tg, keys[0] ?? '');
    case 'CONSTR_DEFAULT': {
      const col = requireColumn(tg.table, keys[0] ?? '');
      return write(ctx, tg, { columns: replaceColumn(tg.table, { ...col, defaultExpr: storedExprText(c.raw_expr!, { targetType: col.type }) }) });
    }
    default:
      throw sqlError('0A000', `constraint type ${c.contype ?? ''} is not supported`);
  }
}

function constraintNames(t: TableDescriptor): string[] {
  return [
    ...[t.primaryIndex, ...t.secondaryIndexes].filter((ix) => ix.constraint === true).map((ix) => ix.name),
    ...t.checks.map((x) => x.name),
    ...t.foreignKeys.map((x) => x.name),
  ];
}

async function addCheck(ctx: DdlContext, tg: Target, c: Constraint): Promise<void> {
  const { text, firstColumn } = checkExprText(tg.table.columns, c.raw_expr!, tg.table.name);
  const name = c.conname ?? uniqueConstraintName(makeObjectName(tg.table.name, firstColumn ?? '', 'check'), constraintNames(tg.table));
  if (constraintNames(tg.table).includes(name)) throw sqlError('42710', `constraint "${name}" for relation "${tg.table.name}" already exists`);
  const check: CheckConstraint = { name, expr: text };
  if (c.skip_validation !== true) {
    await forEachRow(ctx, tg.table, async (row) => {
      if (ctx.evalRowExpr === undefined) throw sqlError('0A000', 'adding a CHECK constraint to a non-empty table is not supported');
      const ok = await ctx.evalRowExpr(text, tg.table, row);
      if (ok === false) {
        throw sqlError('23514', `check constraint "${name}" of relation "${tg.table.name}" is violated by some row`, { table: tg.table.name, constraint: name });
      }
    });
  }
  await write(ctx, tg, { checks: [...tg.table.checks, check] });
}

async function dropConstraint(ctx: DdlContext, tg: Target, name: string, missingOk: boolean): Promise<void> {
  const t = tg.table;
  if (t.primaryIndex.name === name && t.primaryIndex.constraint === true) {
    throw sqlError('0A000', 'dropping a primary key is not supported');
  }
  const ix = t.secondaryIndexes.find((x) => x.name === name && x.constraint === true);
  if (ix !== undefined) {
    tg.table = await removeSecondaryIndex(ctx, t, ix.id);
    return;
  }
  if (t.checks.some((x) => x.name === name)) return write(ctx, tg, { checks: t.checks.filter((x) => x.name !== name) });
  if (t.foreignKeys.some((x) => x.name === name)) return write(ctx, tg, { foreignKeys: t.foreignKeys.filter((x) => x.name !== name) });
  if (missingOk) {
    ctx.notice({ severity: 'NOTICE', code: '00000', message: `constraint "${name}" of relation "${t.name}" does not exist, skipping` });
    return;
  }
  throw sqlError('42704', `constraint "${name}" of relation "${t.name}" does not exist`);
}
