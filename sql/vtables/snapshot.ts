// A synchronous view of one database's catalog, loaded once per statement: every virtual
// table is generated from it, and the introspection functions (pg_get_indexdef,
// pg_table_is_visible, regclass I/O, ...) answer from it without awaiting, which is what
// builtins' CatalogInfo and sql/types' RegResolver need. Built by loadCatalogSnapshot.

import type {
  Catalog,
  DatabaseDescriptor,
  IndexDescriptor,
  SchemaDescriptor,
  SequenceDescriptor,
  TableDescriptor,
  VirtualContext,
  VirtualTable,
} from '../catalog/index.js';
import { decodeOid, descriptorOid, indexOid, namespaceOid, virtualSchemaOfOid } from '../catalog/index.js';

export interface IndexRef {
  readonly table: TableDescriptor;
  readonly index: IndexDescriptor;
  readonly schema: SchemaDescriptor;
}

export interface RelationRef {
  readonly oid: number;
  readonly name: string;
  readonly schema: SchemaDescriptor;
  readonly kind: 'r' | 'i' | 'S' | 'v';
}

export class CatalogSnapshot {
  readonly schemas: readonly SchemaDescriptor[];
  readonly tables: readonly TableDescriptor[];
  readonly sequences: readonly SequenceDescriptor[];
  readonly databases: readonly DatabaseDescriptor[];
  readonly virtualTables: readonly VirtualTable[];
  private readonly schemaById = new Map<number, SchemaDescriptor>();
  private readonly schemaByName = new Map<string, SchemaDescriptor>();
  private readonly tableById = new Map<number, TableDescriptor>();
  private readonly seqById = new Map<number, SequenceDescriptor>();
  private readonly virtualByOid = new Map<number, VirtualTable>();
  /** Effective search path (pg_catalog first unless listed), for visibility and name output. */
  readonly path: readonly string[];
  private owners: string[] | null = null;

  /** Every role name that owns an object here (roles are not a catalog of their own yet). */
  ownerNames(): readonly string[] {
    if (this.owners === null) {
      const set = new Set<string>();
      for (const list of [this.schemas, this.tables, this.sequences, this.databases] as ReadonlyArray<ReadonlyArray<{ readonly owner?: string }>>) {
        for (const d of list) if (d.owner !== undefined) set.add(d.owner);
      }
      this.owners = [...set];
    }
    return this.owners;
  }

  constructor(
    readonly databaseId: number,
    readonly databaseName: string,
    parts: {
      schemas: SchemaDescriptor[];
      tables: TableDescriptor[];
      sequences: SequenceDescriptor[];
      databases: DatabaseDescriptor[];
      virtualTables: VirtualTable[];
      path: string[];
    },
  ) {
    this.schemas = parts.schemas;
    this.tables = parts.tables;
    this.sequences = parts.sequences;
    this.databases = parts.databases;
    this.virtualTables = parts.virtualTables;
    this.path = parts.path;
    for (const s of parts.schemas) {
      this.schemaById.set(s.id, s);
      this.schemaByName.set(s.name, s);
    }
    for (const t of parts.tables) this.tableById.set(t.id, t);
    for (const s of parts.sequences) this.seqById.set(s.id, s);
    for (const v of parts.virtualTables) this.virtualByOid.set(v.oid, v);
  }

  schemaOf(schemaId: number): SchemaDescriptor | undefined {
    return this.schemaById.get(schemaId);
  }

  schemaNamed(name: string): SchemaDescriptor | undefined {
    return this.schemaByName.get(name);
  }

  schemaByOid(oid: number): SchemaDescriptor | undefined {
    const v = virtualSchemaOfOid(oid);
    if (v !== undefined) return this.schemaByName.get(v);
    const d = decodeOid(oid);
    return d.kind === 'descriptor' ? this.schemaById.get(d.id) : undefined;
  }

  table(id: number): TableDescriptor | undefined {
    return this.tableById.get(id);
  }

  sequence(id: number): SequenceDescriptor | undefined {
    return this.seqById.get(id);
  }

  virtualTable(oid: number): VirtualTable | undefined {
    return this.virtualByOid.get(oid);
  }

  /** Indexes visible to clients (the hidden rowid primary key is not one). */
  indexesOf(t: TableDescriptor): IndexDescriptor[] {
    const out: IndexDescriptor[] = [];
    if (!isHiddenPrimary(t)) out.push(t.primaryIndex);
    for (const ix of t.secondaryIndexes) out.push(ix);
    return out;
  }

  indexByOid(oid: number): IndexRef | undefined {
    const d = decodeOid(oid);
    if (d.kind !== 'index') return undefined;
    const table = this.tableById.get(d.tableId);
    if (table === undefined) return undefined;
    const index = this.indexesOf(table).find((ix) => ix.id === d.indexId);
    const schema = this.schemaById.get(table.schemaId);
    return index === undefined || schema === undefined ? undefined : { table, index, schema };
  }

  /** Any relation (table, index, sequence, virtual table) by pg_class OID. */
  relationByOid(oid: number): RelationRef | undefined {
    const v = this.virtualByOid.get(oid);
    if (v !== undefined) {
      const schema = this.schemaByName.get(v.schemaName);
      return schema === undefined ? undefined : { oid, name: v.name, schema, kind: v.name.startsWith('pg_') && oid < 12_000 ? 'r' : 'v' };
    }
    const d = decodeOid(oid);
    if (d.kind === 'index') {
      const ix = this.indexByOid(oid);
      return ix === undefined ? undefined : { oid, name: ix.index.name, schema: ix.schema, kind: 'i' };
    }
    if (d.kind !== 'descriptor') return undefined;
    const t = this.tableById.get(d.id);
    if (t !== undefined) return this.ref(oid, t.name, t.schemaId, 'r');
    const s = this.seqById.get(d.id);
    if (s !== undefined) return this.ref(oid, s.name, s.schemaId, 'S');
    return undefined;
  }

  private ref(oid: number, name: string, schemaId: number, kind: RelationRef['kind']): RelationRef | undefined {
    const schema = this.schemaById.get(schemaId);
    return schema === undefined ? undefined : { oid, name, schema, kind };
  }

  /** Relation OID by (schema, name), any relation kind. */
  relationOid(schema: SchemaDescriptor, name: string): number | undefined {
    if (schema.virtual === true) {
      return this.virtualTables.find((v) => v.schemaName === schema.name && v.name === name)?.oid;
    }
    for (const t of this.tables) {
      if (t.schemaId !== schema.id) continue;
      if (t.name === name) return descriptorOid(t.id);
      for (const ix of this.indexesOf(t)) if (ix.name === name) return indexOid(t.id, ix.id);
    }
    for (const s of this.sequences) if (s.schemaId === schema.id && s.name === name) return descriptorOid(s.id);
    return undefined;
  }

  /** pg_table_is_visible: the first search-path schema holding the name is the relation's own. */
  isVisible(oid: number): boolean {
    const rel = this.relationByOid(oid);
    if (rel === undefined) return false;
    for (const sname of this.path) {
      const s = this.schemaByName.get(sname);
      if (s === undefined) continue;
      const hit = this.relationOid(s, rel.name);
      if (hit !== undefined) return hit === oid;
    }
    return false;
  }

  /** A relation's name as regclass prints it: qualified only when not visible. */
  relationDisplayName(oid: number): string | undefined {
    const rel = this.relationByOid(oid);
    if (rel === undefined) return undefined;
    const q = quoteIdentLoose(rel.name);
    return this.isVisible(oid) ? q : `${quoteIdentLoose(rel.schema.name)}.${q}`;
  }

  namespaceOidOf(schemaId: number): number {
    const s = this.schemaById.get(schemaId);
    return s === undefined ? 0 : namespaceOid(s);
  }
}

function isHiddenPrimary(t: TableDescriptor): boolean {
  return t.primaryIndex.columnIds.some((id) => t.columns.find((c) => c.id === id)?.hidden === true);
}

function quoteIdentLoose(s: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(s) ? s : `"${s.replace(/"/g, '""')}"`;
}

/** Loads the snapshot of `databaseId` through `catalog` (the statement's transaction). */
export async function loadCatalogSnapshot(
  catalog: Catalog,
  databaseId: number,
  databaseName: string,
  path: readonly string[],
  virtualTables: readonly VirtualTable[],
): Promise<CatalogSnapshot> {
  const [schemas, tables, sequences, databases] = await Promise.all([
    catalog.listSchemas(databaseId),
    catalog.listTables(databaseId),
    catalog.listSequences(databaseId),
    catalog.listDatabases(),
  ]);
  return new CatalogSnapshot(databaseId, databaseName, {
    schemas,
    tables,
    sequences,
    databases,
    // Only the listed schemas' tables (shoal_internal stays out of pg_class and
    // information_schema, like its schema stays out of pg_namespace: see Catalog.listSchemas).
    virtualTables: virtualTables.filter((v) => schemas.some((s) => s.name === v.schemaName)),
    path: [...path],
  });
}

