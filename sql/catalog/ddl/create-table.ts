// CREATE TABLE: columns (serial → owned sequence + nextval default), PRIMARY KEY (or the
// hidden rowid when there is none), UNIQUE (secondary unique indexes backing constraints),
// CHECK and REFERENCES, IF NOT EXISTS, WITH (storage parameters). The table is empty, so
// nothing is backfilled. Called by catalog/ddl/index.ts.

import { tablePrefix } from '../../../storage/index.js';
import { sqlError } from '../../errors.js';
import type { Constraint, CreateStmt, Node } from '../../parse/index.js';
import { types } from '../../types/index.js';
import { effectiveSearchPath } from '../catalog.js';
import type {
  CheckConstraint,
  ColumnDescriptor,
  ForeignKeyConstraint,
  IndexDescriptor,
  SchemaDescriptor,
  SequenceDescriptor,
  TableDescriptor,
} from '../descriptors.js';
import { ROWID_COLUMN_NAME } from '../descriptors.js';
import { buildForeignKey, checkExprText, columnFromDef, keyColumnIds } from './constraints.js';
import type { DdlContext, DdlResult } from './context.js';
import { newSequence, nextvalDefault, writeNewSequence } from './sequence.js';
import { chooseRelationName, defElemText, makeObjectName, rangeVarName, relationNameTaken, schemaForCreate, strings } from './util.js';

/** A constraint of the table being built, with the columns it names. */
interface PendingConstraint {
  readonly c: Constraint;
  readonly columns: string[];
}

export async function createTable(stmt: CreateStmt, ctx: DdlContext): Promise<DdlResult> {
  if (stmt.relation?.relpersistence === 't') throw sqlError('0A000', 'temporary tables are not supported');
  if ((stmt.inhRelations ?? []).length > 0) throw sqlError('0A000', 'table inheritance is not supported');
  if (stmt.partspec !== undefined) throw sqlError('0A000', 'partitioned tables are not supported');
  const { schema: sname, name } = rangeVarName(ctx, stmt.relation ?? {});
  const schema = await schemaForCreate(ctx, sname);
  if (await relationNameTaken(ctx, schema, name)) {
    if (stmt.if_not_exists === true) {
      ctx.notice({ severity: 'NOTICE', code: '42P07', message: `relation "${name}" already exists, skipping` });
      return { tag: 'CREATE TABLE' };
    }
    throw sqlError('42P07', `relation "${name}" already exists`);
  }
  const table = await buildTable(ctx, schema, name, stmt.tableElts ?? [], stmt.options ?? []);
  await ctx.catalog.putDescriptor(table.table);
  await ctx.catalog.putName(schema.databaseId, schema.id, name, table.table.id);
  for (const s of table.sequences) await writeNewSequence(ctx, s);
  // Each table starts on its own range (CockroachDB does the same), so its data never shares
  // a range, a Raft group or a lease with another table's.
  ctx.splitAfterCommit?.(tablePrefix(table.table.id));
  return { tag: 'CREATE TABLE' };
}

async function buildTable(
  ctx: DdlContext,
  schema: SchemaDescriptor,
  name: string,
  elts: readonly Node[],
  options: readonly Node[],
): Promise<{ table: TableDescriptor; sequences: SequenceDescriptor[] }> {
  const id = await ctx.catalog.allocateId();
  const columns: ColumnDescriptor[] = [];
  const pending: PendingConstraint[] = [];
  const sequences: SequenceDescriptor[] = [];
  const taken = new Set<string>([name]);
  for (const e of elts) {
    if ('ColumnDef' in e) {
      const draft = columnFromDef(e.ColumnDef, columns.length + 1);
      if (columns.some((c) => c.name === draft.column.name)) {
        throw sqlError('42701', `column "${draft.column.name}" specified more than once`);
      }
      let column = draft.column;
      if (draft.serial !== undefined) {
        const seqName = await chooseRelationName(ctx, schema, name, column.name, 'seq', taken);
        taken.add(seqName);
        const seq = await newSequence(ctx, schema, seqName, [], { dataType: draft.serial, ownedBy: { tableId: id, columnId: column.id } });
        sequences.push(seq);
        const onPath = effectiveSearchPath(ctx.searchPath, ctx.user).includes(schema.name);
        column = { ...column, defaultExpr: nextvalDefault(seqName, schema.name, onPath), ownedSequenceId: seq.id };
      }
      columns.push(column);
      for (const c of draft.constraints) pending.push({ c, columns: [column.name] });
    } else if ('Constraint' in e) {
      pending.push({ c: e.Constraint, columns: strings(e.Constraint.keys) });
    } else if ('TableLikeClause' in e) {
      throw sqlError('0A000', 'CREATE TABLE ... (LIKE ...) is not supported');
    }
  }
  const draft: TableDescriptor = {
    kind: 'table',
    id,
    databaseId: schema.databaseId,
    schemaId: schema.id,
    name,
    owner: ctx.user,
    version: 1,
    columns,
    primaryIndex: { id: 1, name: '', unique: true, primary: true, columnIds: [], directions: [], state: 'public' },
    secondaryIndexes: [],
    checks: [],
    foreignKeys: [],
    nextColumnId: columns.length + 1,
    nextIndexId: 2,
    storageParams: storageParams(options),
  };
  const table = await applyConstraints(ctx, schema, draft, pending, taken);
  return { table, sequences };
}

/** WITH (fillfactor=100, ...): accepted and kept for display. */
export function storageParams(options: readonly Node[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of options) {
    if (!('DefElem' in n)) continue;
    const key = n.DefElem.defname ?? '';
    if (key === 'oids' && defElemText(n.DefElem.arg) !== 'false') throw sqlError('0A000', 'tables declared WITH OIDS are not supported');
    out[key] = defElemText(n.DefElem.arg);
  }
  return out;
}

async function applyConstraints(
  ctx: DdlContext,
  schema: SchemaDescriptor,
  draft: TableDescriptor,
  pending: readonly PendingConstraint[],
  taken: Set<string>,
): Promise<TableDescriptor> {
  let columns = [...draft.columns];
  let primary: IndexDescriptor | null = null;
  const secondaries: IndexDescriptor[] = [];
  const checks: CheckConstraint[] = [];
  const fkPending: { c: Constraint; ids: number[] }[] = [];
  let nextIndexId = 2;
  for (const { c, columns: names } of pending) {
    switch (c.contype) {
      case 'CONSTR_PRIMARY': {
        if (primary !== null) throw sqlError('42P16', `multiple primary keys for table "${draft.name}" are not allowed`);
        const ids = keyColumnIds(columns, names, 'primary key');
        const pkName = c.conname ?? (await chooseRelationName(ctx, schema, draft.name, '', 'pkey', taken));
        taken.add(pkName);
        primary = { id: 1, name: pkName, unique: true, primary: true, columnIds: ids, directions: ids.map(() => 'asc'), state: 'public', constraint: true };
        columns = columns.map((col) => (ids.includes(col.id) ? { ...col, nullable: false } : col));
        break;
      }
      case 'CONSTR_UNIQUE': {
        const ids = keyColumnIds(columns, names, 'unique');
        const ixName = c.conname ?? (await chooseRelationName(ctx, schema, draft.name, names.join('_'), 'key', taken));
        if (taken.has(ixName)) throw sqlError('42P07', `relation "${ixName}" already exists`);
        taken.add(ixName);
        secondaries.push({ id: nextIndexId++, name: ixName, unique: true, primary: false, columnIds: ids, directions: ids.map(() => 'asc'), state: 'public', constraint: true });
        break;
      }
      case 'CONSTR_CHECK': {
        const { text, firstColumn } = checkExprText(columns, c.raw_expr!, draft.name);
        const checkName = c.conname ?? uniqueConstraintName(makeObjectName(draft.name, firstColumn ?? '', 'check'), checks.map((x) => x.name));
        checks.push({ name: checkName, expr: text });
        break;
      }
      case 'CONSTR_FOREIGN':
        fkPending.push({ c, ids: keyColumnIds(columns, names.length > 0 ? names : strings(c.fk_attrs), 'foreign key') });
        break;
      case 'CONSTR_EXCLUSION':
        throw sqlError('0A000', 'exclusion constraints are not supported');
      default:
        break; // ATTR_* (DEFERRABLE ...) are accepted and ignored
    }
  }
  if (primary === null) ({ columns, primary } = withHiddenRowid(draft, columns));
  let table: TableDescriptor = {
    ...draft,
    columns,
    primaryIndex: primary,
    secondaryIndexes: secondaries,
    checks,
    nextColumnId: Math.max(...columns.map((c) => c.id)) + 1,
    nextIndexId,
  };
  const fks: ForeignKeyConstraint[] = [];
  for (const { c, ids } of fkPending) {
    const colNames = ids.map((id) => columns.find((x) => x.id === id)!.name);
    const fkName = c.conname ?? uniqueConstraintName(makeObjectName(draft.name, colNames.join('_'), 'fkey'), fks.map((f) => f.name));
    fks.push(await buildForeignKey(ctx, table, c, ids, fkName));
  }
  table = { ...table, foreignKeys: fks };
  return table;
}

/** A table without a primary key is keyed by a hidden int8 rowid (filled by the engine). */
function withHiddenRowid(draft: TableDescriptor, columns: ColumnDescriptor[]): { columns: ColumnDescriptor[]; primary: IndexDescriptor } {
  const rowid: ColumnDescriptor = {
    id: draft.nextColumnId,
    name: ROWID_COLUMN_NAME,
    type: types.int8,
    nullable: false,
    defaultExpr: null, // filled by the engine with Sequences.nextRowId(table.id)
    hidden: true,
    ownedSequenceId: null,
  };
  const primary: IndexDescriptor = {
    id: 1,
    name: makeObjectName(draft.name, '', 'pkey'),
    unique: true,
    primary: true,
    columnIds: [rowid.id],
    directions: ['asc'],
    state: 'public',
  };
  return { columns: [...columns, rowid], primary };
}

/** name, name1, name2, ... avoiding `existing` (constraint names that are not relations). */
export function uniqueConstraintName(base: string, existing: readonly string[]): string {
  if (!existing.includes(base)) return base;
  for (let n = 1; ; n++) {
    const candidate = `${base}${n}`;
    if (!existing.includes(candidate)) return candidate;
  }
}
