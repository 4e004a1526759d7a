// Building blocks for constraints shared by CREATE TABLE and ALTER TABLE: column types and
// column descriptors from ColumnDef nodes, key column lists, foreign keys (resolved against
// the referenced table's unique indexes) and CHECK expressions (validated by re-parsing).
// Used by catalog/ddl/create-table.ts and catalog/ddl/alter-table.ts.

import { sqlError } from '../../errors.js';
import type { ColumnDef, Constraint, Node, TypeName } from '../../parse/index.js';
import type { SqlType } from '../../types/index.js';
import { typeFromName } from '../../types/index.js';
import { isKeyEncodable } from '../../rowenc/index.js';
import { storedExprText, referencedColumns } from '../deparse.js';
import type { ColumnDescriptor, ForeignKeyConstraint, IndexDescriptor, TableDescriptor } from '../descriptors.js';
import type { DdlContext } from './context.js';
import { rangeVarName, strings } from './util.js';

const SERIAL_TYPES: Record<string, 'int2' | 'int4' | 'int8'> = {
  smallserial: 'int2',
  serial2: 'int2',
  serial: 'int4',
  serial4: 'int4',
  bigserial: 'int8',
  serial8: 'int8',
};

/** The integer type of a serial pseudo-type name, or undefined when not serial. */
export function serialKind(t: TypeName | undefined): 'int2' | 'int4' | 'int8' | undefined {
  const names = strings(t?.names);
  if (names.length !== 1 || (t?.arrayBounds?.length ?? 0) > 0) return undefined;
  return SERIAL_TYPES[names[0]!];
}

/** Resolves a TypeName node to a SqlType (42704 when unknown). */
export function resolveTypeName(t: TypeName | undefined): SqlType {
  const names = strings(t?.names);
  if (names.length === 0) throw sqlError('42601', 'missing type name');
  if (names.length > 2 || (names.length === 2 && names[0] !== 'pg_catalog')) {
    throw sqlError('42704', `type "${names.join('.')}" does not exist`);
  }
  const typmods = (t?.typmods ?? []).map((m) => {
    if ('A_Const' in m && m.A_Const.ival !== undefined) return m.A_Const.ival.ival ?? 0;
    throw sqlError('22023', 'type modifiers must be simple constants or identifiers');
  });
  const bounds = (t?.arrayBounds ?? []).map((b) => ('Integer' in b ? (b.Integer.ival ?? -1) : -1));
  return typeFromName(names[names.length - 1]!, typmods, bounds.length > 0 ? bounds : undefined);
}

export interface ColumnDraft {
  column: ColumnDescriptor;
  /** Integer kind when the column is serial/identity (an owned sequence must be created). */
  serial: 'int2' | 'int4' | 'int8' | undefined;
  /** Column-level constraints other than NOT NULL / DEFAULT, to be turned into table constraints. */
  constraints: Constraint[];
}

/** Column descriptor from a ColumnDef; constraints that need the whole table are returned apart. */
export function columnFromDef(def: ColumnDef, id: number): ColumnDraft {
  const name = def.colname ?? '';
  const serial = serialKind(def.typeName);
  const type = serial !== undefined ? typeFromName(serial) : resolveTypeName(def.typeName);
  let nullable = true;
  let defaultExpr: string | null = null;
  let identity: 'int2' | 'int4' | 'int8' | undefined;
  let identityMode: 'always' | 'by default' | undefined;
  const constraints: Constraint[] = [];
  for (const n of def.constraints ?? []) {
    if (!('Constraint' in n)) continue;
    const c = n.Constraint;
    switch (c.contype) {
      case 'CONSTR_NOTNULL':
        nullable = false;
        break;
      case 'CONSTR_NULL':
        nullable = true;
        break;
      case 'CONSTR_DEFAULT':
        if (serial !== undefined) throw sqlError('42601', `multiple default values specified for column "${name}" of table`);
        defaultExpr = storedExprText(c.raw_expr!, { targetType: type });
        break;
      case 'CONSTR_IDENTITY':
        identity = identityKind(type, name);
        identityMode = (c as { generated_when?: string }).generated_when === 'a' ? 'always' : 'by default';
        nullable = false;
        break;
      case 'CONSTR_GENERATED':
        throw sqlError('0A000', 'generated columns are not supported');
      default:
        constraints.push(c);
    }
  }
  if (def.collClause !== undefined) checkCollation(def.collClause.collname);
  const seqKind = serial ?? identity;
  if (seqKind !== undefined) nullable = false;
  const base: ColumnDescriptor = { id, name, type, nullable, defaultExpr, hidden: false, ownedSequenceId: null };
  const column: ColumnDescriptor = identityMode === undefined ? base : { ...base, identity: identityMode };
  return { column, serial: seqKind, constraints };
}

function identityKind(t: SqlType, column: string): 'int2' | 'int4' | 'int8' {
  if (t.kind === 'int2' || t.kind === 'int4' || t.kind === 'int8') return t.kind;
  throw sqlError('22023', `identity column type must be smallint, integer, or bigint (column "${column}")`);
}

/** Only the default collations exist. */
export function checkCollation(names: readonly Node[] | undefined): void {
  const n = strings(names).filter((s) => s !== 'pg_catalog');
  if (n.length === 1 && ['default', 'C', 'POSIX', 'ucs_basic', 'C.UTF-8', 'en_US.utf8'].includes(n[0]!)) return;
  throw sqlError('42704', `collation "${n.join('.')}" for encoding "UTF8" does not exist`);
}

/** Column ids of a key list (UNIQUE (a, b), PRIMARY KEY (a)); 42703 / 42701 on bad lists. */
export function keyColumnIds(columns: readonly ColumnDescriptor[], keys: readonly string[], what: string): number[] {
  const ids: number[] = [];
  for (const k of keys) {
    const c = columns.find((x) => x.name === k && !x.hidden);
    if (c === undefined) throw sqlError('42703', `column "${k}" named in key does not exist`);
    if (ids.includes(c.id)) throw sqlError('42701', `column "${k}" appears twice in ${what} constraint`);
    if (!isKeyEncodable(c.type)) {
      throw sqlError('42704', `data type ${c.type.kind} has no default operator class for access method "btree"`);
    }
    ids.push(c.id);
  }
  return ids;
}

const FK_ACTIONS: Record<string, ForeignKeyConstraint['onDelete']> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
};

/**
 * A foreign key from `columnIds` of `table` to the referenced table, which must have a
 * unique index (or the primary key) on exactly the referenced columns. `self` is the table
 * being created, for self-references.
 */
export async function buildForeignKey(
  ctx: DdlContext,
  table: TableDescriptor,
  c: Constraint,
  columnIds: readonly number[],
  name: string,
): Promise<ForeignKeyConstraint> {
  const ref = rangeVarName(ctx, c.pktable ?? {});
  let refTable: TableDescriptor;
  if (ref.name === table.name && (ref.schema === null || (await ctx.catalog.getSchemaById(table.schemaId))?.name === ref.schema)) {
    refTable = table;
  } else {
    const rel = await ctx.catalog.resolveRelation(ctx.databaseId, ctx.searchPath, ref.schema, ref.name, ctx.user);
    if (rel === null) throw sqlError('42P01', `relation "${ref.schema === null ? ref.name : `${ref.schema}.${ref.name}`}" does not exist`);
    if (rel.kind !== 'table') throw sqlError('42809', `referenced relation "${ref.name}" is not a table`);
    refTable = rel.table;
  }
  const refNames = strings(c.pk_attrs);
  const refIds = refNames.length === 0 ? [...refTable.primaryIndex.columnIds] : keyColumnIds(refTable.columns, refNames, 'foreign key');
  if (refNames.length === 0 && refTable.columns.some((x) => x.hidden && refIds.includes(x.id))) {
    throw sqlError('42830', `there is no primary key for referenced table "${refTable.name}"`);
  }
  if (refIds.length !== columnIds.length) {
    throw sqlError('42830', 'number of referencing and referenced columns for foreign key disagree');
  }
  if (!hasUniqueIndexOn(refTable, refIds)) {
    throw sqlError('42830', `there is no unique constraint matching given keys for referenced table "${refTable.name}"`);
  }
  return {
    name,
    columnIds: [...columnIds],
    referencedTableId: refTable.id,
    referencedColumnIds: refIds,
    onDelete: FK_ACTIONS[c.fk_del_action ?? 'a'] ?? 'no action',
    onUpdate: FK_ACTIONS[c.fk_upd_action ?? 'a'] ?? 'no action',
  };
}

function hasUniqueIndexOn(t: TableDescriptor, ids: readonly number[]): boolean {
  const want = [...ids].sort((a, b) => a - b).join(',');
  const candidates: IndexDescriptor[] = [t.primaryIndex, ...t.secondaryIndexes];
  return candidates.some((ix) => ix.unique && ix.state === 'public' && [...ix.columnIds].sort((a, b) => a - b).join(',') === want);
}

/** CHECK expression text, after making sure every column it names exists. */
export function checkExprText(columns: readonly ColumnDescriptor[], expr: Node, tableName: string): { text: string; firstColumn: string | null } {
  const cols = [...referencedColumns(expr)];
  for (const name of cols) {
    if (!columns.some((c) => c.name === name && !c.hidden)) {
      throw sqlError('42703', `column "${name}" does not exist`, { table: tableName });
    }
  }
  const columnType = (name: string): SqlType | undefined => columns.find((c) => c.name === name && !c.hidden)?.type;
  return { text: storedExprText(expr, { columnType }) ?? 'NULL', firstColumn: cols[0] ?? null };
}
