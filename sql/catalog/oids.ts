// The one place where descriptor ids become the OIDs that clients see: pgwire
// RowDescription.tableOid, pg_class.oid, pg_namespace.oid, pg_index.indexrelid,
// pg_constraint.oid and ::regclass values all use these functions, so they always agree.
// PostgreSQL's own catalog objects keep their fixed OIDs (< 16384); ours live above them.

import assert from 'node:assert/strict';
import type { DescriptorId } from './descriptors.js';

/** Databases, schemas, tables and sequences: OID = descriptor id + this. */
export const DESCRIPTOR_OID_OFFSET = 100_000;
/** Indexes: INDEX_OID_BASE + tableId * OBJECTS_PER_TABLE + index id. */
export const INDEX_OID_BASE = 1_000_000_000;
/** Constraints: CONSTRAINT_OID_BASE + tableId * OBJECTS_PER_TABLE + slot (see constraintOid). */
export const CONSTRAINT_OID_BASE = 2_000_000_000;
export const OBJECTS_PER_TABLE = 1000;
/** Largest descriptor id the index OID range (the narrower one) can represent: 999,999. */
export const DESCRIPTOR_ID_MAX = Math.floor((CONSTRAINT_OID_BASE - INDEX_OID_BASE) / OBJECTS_PER_TABLE) - 1;
/** Constraint slots: index-backed constraints (pkey, unique) use the index id (< CHECK_SLOT_BASE). */
export const CHECK_SLOT_BASE = 500;
export const FK_SLOT_BASE = 750;

/** Fixed OIDs of objects PostgreSQL clients expect to find. */
export const FixedOid = {
  pgCatalogNamespace: 11,
  pgToastNamespace: 99,
  informationSchemaNamespace: 13_000,
  /** Shoal's own introspection schema (no PostgreSQL counterpart). */
  shoalInternalNamespace: 13_100,
  /** The bootstrap superuser, as in PostgreSQL. */
  rolePostgres: 10,
  roleRoot: 16_384,
  /** PostgreSQL 15's pg_database_owner, the owner of every database's public schema. */
  pgDatabaseOwner: 6171,
  btreeAm: 403,
  heapAm: 2,
  defaultTablespace: 1663,
  globalTablespace: 1664,
  defaultCollation: 100,
  cCollation: 950,
  posixCollation: 951,
  plpgsqlLanguage: 13_200,
  internalLanguage: 12,
  sqlLanguage: 14,
} as const;

export function descriptorOid(id: DescriptorId): number {
  assert(id >= 0 && id <= DESCRIPTOR_ID_MAX, `descriptor id out of OID range: ${id}`);
  return id + DESCRIPTOR_OID_OFFSET;
}

export function indexOid(tableId: DescriptorId, indexId: number): number {
  assert(tableId >= 0 && tableId <= DESCRIPTOR_ID_MAX, `table id out of OID range: ${tableId}`);
  assert(indexId > 0 && indexId < CHECK_SLOT_BASE, `index id out of OID range: ${indexId}`);
  return INDEX_OID_BASE + tableId * OBJECTS_PER_TABLE + indexId;
}

export type ConstraintSlot =
  | { readonly kind: 'index'; readonly indexId: number }
  | { readonly kind: 'check'; readonly ordinal: number }
  | { readonly kind: 'fk'; readonly ordinal: number };

export function constraintOid(tableId: DescriptorId, slot: ConstraintSlot): number {
  const base = CONSTRAINT_OID_BASE + tableId * OBJECTS_PER_TABLE;
  switch (slot.kind) {
    case 'index':
      return base + slot.indexId;
    case 'check':
      assert(slot.ordinal < FK_SLOT_BASE - CHECK_SLOT_BASE, 'too many check constraints for OIDs');
      return base + CHECK_SLOT_BASE + slot.ordinal;
    case 'fk':
      assert(slot.ordinal < OBJECTS_PER_TABLE - FK_SLOT_BASE, 'too many foreign keys for OIDs');
      return base + FK_SLOT_BASE + slot.ordinal;
  }
}

/** What an OID names, when it is one of ours. */
export type DecodedOid =
  | { readonly kind: 'descriptor'; readonly id: DescriptorId }
  | { readonly kind: 'index'; readonly tableId: DescriptorId; readonly indexId: number }
  | { readonly kind: 'constraint'; readonly tableId: DescriptorId; readonly slot: ConstraintSlot }
  | { readonly kind: 'fixed'; readonly oid: number };

export function decodeOid(oid: number): DecodedOid {
  if (oid >= CONSTRAINT_OID_BASE) {
    const rel = oid - CONSTRAINT_OID_BASE;
    const tableId = Math.floor(rel / OBJECTS_PER_TABLE);
    const s = rel % OBJECTS_PER_TABLE;
    const slot: ConstraintSlot =
      s < CHECK_SLOT_BASE
        ? { kind: 'index', indexId: s }
        : s < FK_SLOT_BASE
          ? { kind: 'check', ordinal: s - CHECK_SLOT_BASE }
          : { kind: 'fk', ordinal: s - FK_SLOT_BASE };
    return { kind: 'constraint', tableId, slot };
  }
  if (oid >= INDEX_OID_BASE) {
    const rel = oid - INDEX_OID_BASE;
    return { kind: 'index', tableId: Math.floor(rel / OBJECTS_PER_TABLE), indexId: rel % OBJECTS_PER_TABLE };
  }
  if (oid >= DESCRIPTOR_OID_OFFSET) return { kind: 'descriptor', id: oid - DESCRIPTOR_OID_OFFSET };
  return { kind: 'fixed', oid };
}

/** pg_namespace.oid of a schema: fixed for the virtual schemas, else from the descriptor id. */
export function namespaceOid(schema: { readonly id: DescriptorId; readonly name: string; readonly virtual?: boolean }): number {
  if (schema.virtual === true) {
    if (schema.name === 'pg_catalog') return FixedOid.pgCatalogNamespace;
    return schema.name === 'information_schema' ? FixedOid.informationSchemaNamespace : FixedOid.shoalInternalNamespace;
  }
  return descriptorOid(schema.id);
}

/** The virtual schema an OID names, if any. */
export function virtualSchemaOfOid(oid: number): 'pg_catalog' | 'information_schema' | 'shoal_internal' | undefined {
  if (oid === FixedOid.pgCatalogNamespace) return 'pg_catalog';
  if (oid === FixedOid.informationSchemaNamespace) return 'information_schema';
  if (oid === FixedOid.shoalInternalNamespace) return 'shoal_internal';
  return undefined;
}

/**
 * pg_attrdef.oid of a column default: the upper half of the table's index-OID block (index
 * ids stay below CHECK_SLOT_BASE, so the slots 500..999 are free there).
 */
export function attrdefOid(tableId: DescriptorId, columnId: number): number {
  return INDEX_OID_BASE + tableId * OBJECTS_PER_TABLE + CHECK_SLOT_BASE + (columnId % CHECK_SLOT_BASE);
}

/** pg_proc OIDs of built-in functions: PROC_OID_BASE + position in the builtins' name list. */
export const PROC_OID_BASE = 20_000;
/** pg_class OIDs of the virtual views that PostgreSQL numbers per installation (pg_tables, ...). */
export const VIRTUAL_VIEW_OID_BASE = 12_000;

/** First OID of the roles other than the built-in ones (a stable hash of the name above it). */
export const USER_ROLE_OID_BASE = 16_400;
const USER_ROLE_OIDS = 1_000_000;

/**
 * OID of a role name: fixed for the built-in roles, else a stable hash of the name (Shoal
 * keeps no role catalog yet: owners are stored by name), so pg_class.relowner and pg_roles.oid
 * agree and pg_get_userbyid can map it back (see roleName's `known`).
 */
export function roleOid(name: string): number {
  if (name === 'postgres') return FixedOid.rolePostgres;
  if (name === 'pg_database_owner') return FixedOid.pgDatabaseOwner;
  if (name === 'root') return FixedOid.roleRoot;
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return USER_ROLE_OID_BASE + (h % USER_ROLE_OIDS);
}

/** Name of a role OID, or undefined; `known` lists other role names that may own objects. */
export function roleName(oid: number, known: Iterable<string> = []): string | undefined {
  if (oid === FixedOid.rolePostgres) return 'postgres';
  if (oid === FixedOid.roleRoot) return 'root';
  if (oid === FixedOid.pgDatabaseOwner) return 'pg_database_owner';
  for (const n of known) if (roleOid(n) === oid) return n;
  return undefined;
}
