// information_schema views (SQL-standard catalog) generated from the snapshot: schemata,
// tables, columns, table_constraints, key_column_usage, referential_constraints,
// sequences, views. Types follow PostgreSQL's domains loosely (sql_identifier → name,
// character_data / yes_or_no → varchar, cardinal_number → int4). ORMs read these.

import type { IndexDescriptor, SchemaDescriptor, TableDescriptor } from '../catalog/index.js';
import type { SqlType } from '../types/index.js';
import { typeMeta, typeName, typmodPrecision, typmodScale, withTypmod } from '../types/index.js';
import { defineTable } from './define.js';
import type { RowObject, TableDef } from './define.js';
import type { CatalogSnapshot } from './snapshot.js';

const IS = 'information_schema';

const schemata = defineTable(
  IS,
  'schemata',
  12_100,
  'catalog_name name, schema_name name, schema_owner name, default_character_set_catalog name, ' +
    'default_character_set_schema name, default_character_set_name name, sql_path varchar',
  (snap) => snap.schemas.map((s) => ({ catalog_name: snap.databaseName, schema_name: s.name, schema_owner: s.owner })),
);

const tables = defineTable(
  IS,
  'tables',
  12_101,
  'table_catalog name, table_schema name, table_name name, table_type varchar, self_referencing_column_name name, ' +
    'reference_generation varchar, user_defined_type_catalog name, user_defined_type_schema name, ' +
    'user_defined_type_name name, is_insertable_into varchar, is_typed varchar, commit_action varchar',
  (snap) => {
    const out: RowObject[] = [];
    for (const t of snap.tables) {
      out.push({ table_catalog: snap.databaseName, table_schema: schemaName(snap, t), table_name: t.name, table_type: 'BASE TABLE', is_insertable_into: 'YES', is_typed: 'NO' });
    }
    for (const v of snap.virtualTables) {
      const kind = snap.relationByOid(v.oid)?.kind;
      out.push({ table_catalog: snap.databaseName, table_schema: v.schemaName, table_name: v.name, table_type: kind === 'r' ? 'BASE TABLE' : 'VIEW', is_insertable_into: 'NO', is_typed: 'NO' });
    }
    return out;
  },
);

function schemaName(snap: CatalogSnapshot, t: { readonly schemaId: number }): string | undefined {
  return snap.schemaOf(t.schemaId)?.name;
}

/** information_schema.columns.data_type: the standard name, without modifiers; 'ARRAY' for arrays. */
export function standardTypeName(t: SqlType): string {
  if (t.kind === 'array') return 'ARRAY';
  if (t.kind === 'bpchar') return 'character';
  return typeName(withTypmod(t, -1));
}

function numericFacts(t: SqlType): RowObject {
  switch (t.kind) {
    case 'int2':
      return { numeric_precision: 16, numeric_precision_radix: 2, numeric_scale: 0 };
    case 'int4':
      return { numeric_precision: 32, numeric_precision_radix: 2, numeric_scale: 0 };
    case 'int8':
      return { numeric_precision: 64, numeric_precision_radix: 2, numeric_scale: 0 };
    case 'float4':
      return { numeric_precision: 24, numeric_precision_radix: 2 };
    case 'float8':
      return { numeric_precision: 53, numeric_precision_radix: 2 };
    case 'numeric':
      return t.typmod >= 4
        ? { numeric_precision: typmodPrecision(t.typmod), numeric_precision_radix: 10, numeric_scale: typmodScale(t.typmod) }
        : { numeric_precision_radix: 10 };
    case 'varchar':
    case 'bpchar':
      return t.typmod >= 4
        ? { character_maximum_length: t.typmod - 4, character_octet_length: (t.typmod - 4) * 4 }
        : { character_octet_length: 1_073_741_824 };
    case 'text':
      return { character_octet_length: 1_073_741_824 };
    case 'date':
      return { datetime_precision: 0 };
    case 'time':
    case 'timetz':
    case 'timestamp':
    case 'timestamptz':
      return { datetime_precision: t.typmod >= 0 ? t.typmod : 6 };
    case 'interval':
      return { datetime_precision: 6 };
    default:
      return {};
  }
}

const COLUMN_SPEC =
  'table_catalog name, table_schema name, table_name name, column_name name, ordinal_position int4, ' +
  'column_default varchar, is_nullable varchar, data_type varchar, character_maximum_length int4, ' +
  'character_octet_length int4, numeric_precision int4, numeric_precision_radix int4, numeric_scale int4, ' +
  'datetime_precision int4, interval_type varchar, interval_precision int4, character_set_catalog name, ' +
  'character_set_schema name, character_set_name name, collation_catalog name, collation_schema name, ' +
  'collation_name name, domain_catalog name, domain_schema name, domain_name name, udt_catalog name, ' +
  'udt_schema name, udt_name name, scope_catalog name, scope_schema name, scope_name name, ' +
  'maximum_cardinality int4, dtd_identifier name, is_self_referencing varchar, is_identity varchar, ' +
  'identity_generation varchar, identity_start varchar, identity_increment varchar, identity_maximum varchar, ' +
  'identity_minimum varchar, identity_cycle varchar, is_generated varchar, generation_expression varchar, ' +
  'is_updatable varchar';

function columnRow(snap: CatalogSnapshot, schema: string, table: string, name: string, pos: number, t: SqlType, nullable: boolean, def: string | null, updatable: boolean): RowObject {
  return {
    table_catalog: snap.databaseName, table_schema: schema, table_name: table, column_name: name, ordinal_position: pos,
    column_default: def, is_nullable: nullable ? 'YES' : 'NO', data_type: standardTypeName(t), ...numericFacts(t),
    udt_catalog: snap.databaseName, udt_schema: 'pg_catalog', udt_name: typeMeta(t.oid)?.typname ?? t.kind,
    dtd_identifier: String(pos), is_self_referencing: 'NO', is_identity: 'NO', identity_cycle: 'NO', is_generated: 'NEVER',
    is_updatable: updatable ? 'YES' : 'NO',
  };
}

const columns = defineTable(IS, 'columns', 12_102, COLUMN_SPEC, (snap) => {
  const out: RowObject[] = [];
  for (const t of snap.tables) {
    const s = schemaName(snap, t) ?? '';
    for (const c of t.columns) {
      if (!c.hidden) out.push(columnRow(snap, s, t.name, c.name, c.id, c.type, c.nullable, c.defaultExpr, true));
    }
  }
  for (const v of snap.virtualTables) {
    v.columns.forEach((c, i) => out.push(columnRow(snap, v.schemaName, v.name, c.name, i + 1, c.type, true, null, false)));
  }
  return out;
});

interface ConstraintInfo {
  readonly table: TableDescriptor;
  readonly schema: SchemaDescriptor;
  readonly name: string;
  readonly type: 'PRIMARY KEY' | 'UNIQUE' | 'CHECK' | 'FOREIGN KEY';
  readonly columnIds: readonly number[];
  readonly index?: IndexDescriptor;
  readonly fkOrdinal?: number;
}

function constraints(snap: CatalogSnapshot): ConstraintInfo[] {
  const out: ConstraintInfo[] = [];
  for (const t of snap.tables) {
    const schema = snap.schemaOf(t.schemaId);
    if (schema === undefined) continue;
    for (const ix of [t.primaryIndex, ...t.secondaryIndexes]) {
      if (ix.constraint === true) out.push({ table: t, schema, name: ix.name, type: ix.primary ? 'PRIMARY KEY' : 'UNIQUE', columnIds: ix.columnIds, index: ix });
    }
    for (const c of t.checks) out.push({ table: t, schema, name: c.name, type: 'CHECK', columnIds: [] });
    t.foreignKeys.forEach((fk, i) => out.push({ table: t, schema, name: fk.name, type: 'FOREIGN KEY', columnIds: fk.columnIds, fkOrdinal: i }));
  }
  return out;
}

const tableConstraints = defineTable(
  IS,
  'table_constraints',
  12_103,
  'constraint_catalog name, constraint_schema name, constraint_name name, table_catalog name, table_schema name, ' +
    'table_name name, constraint_type varchar, is_deferrable varchar, initially_deferred varchar, enforced varchar, ' +
    'nulls_distinct varchar',
  (snap) =>
    constraints(snap).map((c) => ({
      constraint_catalog: snap.databaseName, constraint_schema: c.schema.name, constraint_name: c.name,
      table_catalog: snap.databaseName, table_schema: c.schema.name, table_name: c.table.name, constraint_type: c.type,
      is_deferrable: 'NO', initially_deferred: 'NO', enforced: 'YES', nulls_distinct: c.type === 'UNIQUE' ? 'YES' : null,
    })),
);

const keyColumnUsage = defineTable(
  IS,
  'key_column_usage',
  12_104,
  'constraint_catalog name, constraint_schema name, constraint_name name, table_catalog name, table_schema name, ' +
    'table_name name, column_name name, ordinal_position int4, position_in_unique_constraint int4',
  (snap) =>
    constraints(snap)
      .filter((c) => c.type !== 'CHECK')
      .flatMap((c) =>
        c.columnIds.map((id, i) => {
          let posInUnique: number | null = null;
          if (c.fkOrdinal !== undefined) {
            const fk = c.table.foreignKeys[c.fkOrdinal]!;
            posInUnique = i + 1;
            const ref = snap.table(fk.referencedTableId);
            const refIx = ref === undefined ? undefined : [ref.primaryIndex, ...ref.secondaryIndexes].find((x) => x.unique && x.columnIds.length === fk.referencedColumnIds.length && x.columnIds.every((y) => fk.referencedColumnIds.includes(y)));
            if (refIx !== undefined) posInUnique = refIx.columnIds.indexOf(fk.referencedColumnIds[i]!) + 1;
          }
          return {
            constraint_catalog: snap.databaseName, constraint_schema: c.schema.name, constraint_name: c.name,
            table_catalog: snap.databaseName, table_schema: c.schema.name, table_name: c.table.name,
            column_name: c.table.columns.find((x) => x.id === id)?.name, ordinal_position: i + 1,
            position_in_unique_constraint: posInUnique,
          };
        }),
      ),
);

const RULES: Record<string, string> = { 'no action': 'NO ACTION', restrict: 'RESTRICT', cascade: 'CASCADE', 'set null': 'SET NULL', 'set default': 'SET DEFAULT' };

const referentialConstraints = defineTable(
  IS,
  'referential_constraints',
  12_105,
  'constraint_catalog name, constraint_schema name, constraint_name name, unique_constraint_catalog name, ' +
    'unique_constraint_schema name, unique_constraint_name name, match_option varchar, update_rule varchar, delete_rule varchar',
  (snap) =>
    constraints(snap)
      .filter((c) => c.fkOrdinal !== undefined)
      .map((c) => {
        const fk = c.table.foreignKeys[c.fkOrdinal!]!;
        const ref = snap.table(fk.referencedTableId);
        const refIx = ref === undefined ? undefined : [ref.primaryIndex, ...ref.secondaryIndexes].find((x) => x.unique && x.constraint === true && x.columnIds.length === fk.referencedColumnIds.length && x.columnIds.every((y) => fk.referencedColumnIds.includes(y)));
        return {
          constraint_catalog: snap.databaseName, constraint_schema: c.schema.name, constraint_name: c.name,
          unique_constraint_catalog: snap.databaseName,
          unique_constraint_schema: ref === undefined ? null : snap.schemaOf(ref.schemaId)?.name,
          unique_constraint_name: refIx?.name ?? null, match_option: 'NONE', update_rule: RULES[fk.onUpdate], delete_rule: RULES[fk.onDelete],
        };
      }),
);

const sequences = defineTable(
  IS,
  'sequences',
  12_106,
  'sequence_catalog name, sequence_schema name, sequence_name name, data_type varchar, numeric_precision int4, ' +
    'numeric_precision_radix int4, numeric_scale int4, start_value varchar, minimum_value varchar, ' +
    'maximum_value varchar, increment varchar, cycle_option varchar',
  (snap) =>
    snap.sequences.map((s) => ({
      sequence_catalog: snap.databaseName, sequence_schema: snap.schemaOf(s.schemaId)?.name, sequence_name: s.name,
      data_type: { int2: 'smallint', int4: 'integer', int8: 'bigint' }[s.dataType],
      numeric_precision: { int2: 16, int4: 32, int8: 64 }[s.dataType], numeric_precision_radix: 2, numeric_scale: 0,
      start_value: String(s.start), minimum_value: String(s.minValue), maximum_value: String(s.maxValue),
      increment: String(s.increment), cycle_option: s.cycle ? 'YES' : 'NO',
    })),
);

const views = defineTable(
  IS,
  'views',
  12_107,
  'table_catalog name, table_schema name, table_name name, view_definition varchar, check_option varchar, ' +
    'is_updatable varchar, is_insertable_into varchar, is_trigger_updatable varchar, is_trigger_deletable varchar, ' +
    'is_trigger_insertable_into varchar',
  () => [],
);

const checkConstraints = defineTable(
  IS,
  'check_constraints',
  12_108,
  'constraint_catalog name, constraint_schema name, constraint_name name, check_clause varchar',
  (snap) =>
    snap.tables.flatMap((t) =>
      t.checks.map((c) => ({ constraint_catalog: snap.databaseName, constraint_schema: schemaName(snap, t), constraint_name: c.name, check_clause: `(${c.expr})` })),
    ),
);

/** Columns used by each constraint (for foreign keys: the referenced columns, as PostgreSQL). */
const constraintColumnUsage = defineTable(
  IS,
  'constraint_column_usage',
  12_109,
  'table_catalog name, table_schema name, table_name name, column_name name, constraint_catalog name, constraint_schema name, constraint_name name',
  (snap) =>
    constraints(snap).flatMap((c) => {
      let table = c.table;
      let ids = c.columnIds;
      if (c.fkOrdinal !== undefined) {
        const fk = c.table.foreignKeys[c.fkOrdinal]!;
        const ref = snap.table(fk.referencedTableId);
        if (ref === undefined) return [];
        table = ref;
        ids = fk.referencedColumnIds;
      }
      return ids.map((id) => ({
        table_catalog: snap.databaseName, table_schema: schemaName(snap, table), table_name: table.name,
        column_name: table.columns.find((x) => x.id === id)?.name, constraint_catalog: snap.databaseName,
        constraint_schema: c.schema.name, constraint_name: c.name,
      }));
    }),
);

const routines = defineTable(
  IS,
  'routines',
  12_110,
  'specific_catalog name, specific_schema name, specific_name name, routine_catalog name, routine_schema name, ' +
    'routine_name name, routine_type varchar, data_type varchar, routine_body varchar, routine_definition varchar, ' +
    'external_language varchar, is_deterministic varchar',
  () => [],
);

const triggers = defineTable(
  IS,
  'triggers',
  12_111,
  'trigger_catalog name, trigger_schema name, trigger_name name, event_manipulation varchar, ' +
    'event_object_catalog name, event_object_schema name, event_object_table name, action_order int4, ' +
    'action_condition varchar, action_statement varchar, action_orientation varchar, action_timing varchar',
  () => [],
);

export const INFORMATION_SCHEMA_TABLES: readonly TableDef[] = [
  schemata, tables, columns, tableConstraints, keyColumnUsage, referentialConstraints, sequences, views,
  checkConstraints, constraintColumnUsage, routines, triggers,
];
