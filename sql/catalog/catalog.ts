// The catalog as one transaction sees it: names → descriptors, listings for the virtual
// tables, and the low-level writes DDL makes. Reads go through the node-wide
// DescriptorCache unless this transaction changed the object itself. Called by bind
// (resolveRelation), exec, sql/vtables and catalog/ddl; one Catalog per KV transaction.

import assert from 'node:assert/strict';
import type { KvDb, Timestamp, Txn } from '../../storage/index.js';
import type {
  DatabaseDescriptor,
  Descriptor,
  DescriptorId,
  SchemaDescriptor,
  SequenceDescriptor,
  TableDescriptor,
} from './descriptors.js';
import {
  DESCRIPTOR_ID_COUNTER,
  FIRST_USER_DESCRIPTOR_ID,
  VIRTUAL_SCHEMA_IDS,
  VIRTUAL_SCHEMA_NAMES,
  counterKey,
  isVirtualSchemaName,
  decodeDescriptor,
  decodeInt,
  decodeNamespaceEntry,
  descriptorIdOfKey,
  descriptorKey,
  descriptorSpan,
  encodeDescriptor,
  encodeInt,
  encodedDescriptorVersion,
  namespaceKey,
  namespaceSpan,
} from './system.js';
import type { VirtualSchemaName } from './system.js';
import type { VirtualTable, VirtualTableLookup } from './virtual.js';
import { DESCRIPTOR_ID_MAX } from './oids.js';
import { sqlError } from '../errors.js';

/** Bound on cached descriptors and names; past it the cache starts over (DDL-heavy workloads only). */
export const descriptorCacheEntriesMax = 50_000;

export interface DescriptorCacheOptions {
  /** Resolves pg_catalog / information_schema relations (sql/vtables' getVirtualTable). */
  readonly virtualTables?: VirtualTableLookup;
}

function nameKey(parentId: DescriptorId, schemaId: DescriptorId, name: string): string {
  return `${parentId}/${schemaId}/${name}`;
}

function tsAfter(a: Timestamp, b: Timestamp): boolean {
  return a.wallNanos > b.wallNanos || (a.wallNanos === b.wallNanos && a.logical > b.logical);
}

/**
 * Node-wide cache of committed descriptors (by id, with their version) and of name
 * lookups (including "absent" answers). Single node for now: a transaction that changed
 * the schema invalidates what it touched after its commit (Catalog.afterCommit). A read
 * fills the cache only if it started after the last invalidation and read at a timestamp
 * later than that invalidation, so an old snapshot can never put a stale version back.
 * Leases (multi-node) will replace invalidation: the API keeps versions for that.
 */
export class DescriptorCache {
  readonly virtualTables: VirtualTableLookup;
  private readonly byId = new Map<DescriptorId, Descriptor>();
  private readonly names = new Map<string, DescriptorId | null>();
  private generationValue = 0;
  private invalidatedAt: Timestamp | null = null;

  constructor(
    readonly kv: KvDb,
    opts: DescriptorCacheOptions = {},
  ) {
    this.virtualTables = opts.virtualTables ?? (() => undefined);
  }

  get generation(): number {
    return this.generationValue;
  }

  getById(id: DescriptorId): Descriptor | undefined {
    return this.byId.get(id);
  }

  getName(key: string): DescriptorId | null | undefined {
    return this.names.get(key);
  }

  /** True when a read by `txn` that began at `generation` may be cached. */
  canFill(txn: Txn, generation: number): boolean {
    if (generation !== this.generationValue) return false;
    return this.invalidatedAt === null || tsAfter(txn.readTimestamp(), this.invalidatedAt);
  }

  fillDescriptor(d: Descriptor): void {
    if (this.byId.size >= descriptorCacheEntriesMax) this.byId.clear();
    this.byId.set(d.id, d);
  }

  fillName(key: string, id: DescriptorId | null): void {
    if (this.names.size >= descriptorCacheEntriesMax) this.names.clear();
    this.names.set(key, id);
  }

  /** Forgets the given descriptors and every cached name (called after a schema change commits). */
  invalidate(ids: Iterable<DescriptorId>): void {
    for (const id of ids) this.byId.delete(id);
    this.names.clear();
    this.generationValue++;
    this.invalidatedAt = this.kv.now();
  }

  clear(): void {
    this.invalidate([...this.byId.keys()]);
  }
}

export type ResolvedRelation =
  | { readonly kind: 'table'; readonly schema: SchemaDescriptor; readonly table: TableDescriptor }
  | { readonly kind: 'sequence'; readonly schema: SchemaDescriptor; readonly sequence: SequenceDescriptor }
  | { readonly kind: 'virtual'; readonly schema: SchemaDescriptor; readonly table: VirtualTable };

const virtualSchemaMemo = new Map<string, SchemaDescriptor>();

/** The synthesized descriptor of a virtual schema in database `databaseId`. */
export function virtualSchema(databaseId: DescriptorId, name: VirtualSchemaName): SchemaDescriptor {
  const key = `${databaseId}/${name}`;
  let s = virtualSchemaMemo.get(key);
  if (s === undefined) {
    const id = VIRTUAL_SCHEMA_IDS[name];
    s = Object.freeze({ kind: 'schema', id, databaseId, name, owner: 'postgres', virtual: true } as const);
    virtualSchemaMemo.set(key, s);
  }
  return s;
}

export class Catalog {
  /** Ids and name keys written by this transaction: read from the txn, never the cache. */
  private readonly changedIds = new Set<DescriptorId>();
  private readonly changedNames = new Set<string>();
  private allMemo: Descriptor[] | null = null;

  constructor(
    readonly txn: Txn,
    readonly cache: DescriptorCache,
  ) {}

  /** True when this transaction changed the schema. */
  get hasChanges(): boolean {
    return this.changedIds.size > 0 || this.changedNames.size > 0;
  }

  /** After txn.commit() succeeded: publish this transaction's schema changes to the node. */
  afterCommit(): void {
    if (this.hasChanges) this.cache.invalidate(this.changedIds);
    this.changedIds.clear();
    this.changedNames.clear();
  }

  /** After a rollback: nothing was published; only forget local state. */
  afterRollback(): void {
    this.changedIds.clear();
    this.changedNames.clear();
    this.allMemo = null;
  }

  // ---- reads ----

  async getDescriptorById(id: DescriptorId): Promise<Descriptor | null> {
    if (!this.changedIds.has(id)) {
      const hit = this.cache.getById(id);
      if (hit !== undefined) return hit;
    }
    const generation = this.cache.generation;
    const value = await this.txn.get(descriptorKey(id));
    if (value === null) return null;
    const d = decodeDescriptor(value);
    assert(d.id === id, `descriptor ${id} holds id ${d.id}`);
    if (!this.changedIds.has(id) && this.cache.canFill(this.txn, generation)) this.cache.fillDescriptor(d);
    return d;
  }

  async getTableById(id: DescriptorId): Promise<TableDescriptor | null> {
    const d = await this.getDescriptorById(id);
    return d !== null && d.kind === 'table' ? d : null;
  }

  async getSequenceById(id: DescriptorId): Promise<SequenceDescriptor | null> {
    const d = await this.getDescriptorById(id);
    return d !== null && d.kind === 'sequence' ? d : null;
  }

  async getDatabaseById(id: DescriptorId): Promise<DatabaseDescriptor | null> {
    const d = await this.getDescriptorById(id);
    return d !== null && d.kind === 'database' ? d : null;
  }

  /** Schema by id; the virtual schemas need the database they are seen from. */
  async getSchemaById(id: DescriptorId, databaseId = 0): Promise<SchemaDescriptor | null> {
    for (const name of VIRTUAL_SCHEMA_NAMES) if (VIRTUAL_SCHEMA_IDS[name] === id) return virtualSchema(databaseId, name);
    const d = await this.getDescriptorById(id);
    return d !== null && d.kind === 'schema' ? d : null;
  }

  /** The id a name maps to under (parentId, schemaId), or null. */
  async lookupName(parentId: DescriptorId, schemaId: DescriptorId, name: string): Promise<DescriptorId | null> {
    const key = nameKey(parentId, schemaId, name);
    const changed = this.changedNames.has(key);
    if (!changed) {
      const hit = this.cache.getName(key);
      if (hit !== undefined) return hit;
    }
    const generation = this.cache.generation;
    const value = await this.txn.get(namespaceKey(parentId, schemaId, name));
    const id = value === null ? null : decodeInt(value);
    if (!changed && this.cache.canFill(this.txn, generation)) this.cache.fillName(key, id);
    return id;
  }

  async getDatabase(name: string): Promise<DatabaseDescriptor | null> {
    const id = await this.lookupName(0, 0, name);
    return id === null ? null : this.getDatabaseById(id);
  }

  async getSchema(databaseId: DescriptorId, name: string): Promise<SchemaDescriptor | null> {
    if (isVirtualSchemaName(name)) return virtualSchema(databaseId, name);
    const id = await this.lookupName(databaseId, 0, name);
    if (id === null) return null;
    const d = await this.getDescriptorById(id);
    return d !== null && d.kind === 'schema' ? d : null;
  }

  /**
   * Resolves a possibly qualified relation name. Unqualified names search pg_catalog first
   * (unless the path names it explicitly, as PostgreSQL does), then the search path in order;
   * "$user" stands for the schema named like `user`. Returns null when nothing matches
   * (the caller raises 42P01 with the name as written).
   */
  async resolveRelation(
    databaseId: DescriptorId,
    searchPath: readonly string[],
    schemaName: string | null,
    name: string,
    user?: string,
  ): Promise<ResolvedRelation | null> {
    if (schemaName !== null) {
      const schema = await this.getSchema(databaseId, schemaName);
      return schema === null ? null : this.relationInSchema(schema, name);
    }
    const path = effectiveSearchPath(searchPath, user);
    for (const sname of path) {
      const schema = await this.getSchema(databaseId, sname);
      if (schema === null) continue;
      const rel = await this.relationInSchema(schema, name);
      if (rel !== null) return rel;
    }
    return null;
  }

  /** The schema CREATE puts an unqualified name in: the first existing search-path schema. */
  async creationSchema(databaseId: DescriptorId, searchPath: readonly string[], user?: string): Promise<SchemaDescriptor | null> {
    for (const sname of effectiveSearchPath(searchPath, user)) {
      if (isVirtualSchemaName(sname)) continue;
      const schema = await this.getSchema(databaseId, sname);
      if (schema !== null) return schema;
    }
    return null;
  }

  async relationInSchema(schema: SchemaDescriptor, name: string): Promise<ResolvedRelation | null> {
    if (schema.virtual === true) {
      const table = this.cache.virtualTables(schema.name, name);
      return table === undefined ? null : { kind: 'virtual', schema, table };
    }
    const id = await this.lookupName(schema.databaseId, schema.id, name);
    if (id === null) return null;
    const d = await this.getDescriptorById(id);
    if (d === null) return null;
    if (d.kind === 'table') return { kind: 'table', schema, table: d };
    if (d.kind === 'sequence') return { kind: 'sequence', schema, sequence: d };
    return null;
  }

  /** Every stored descriptor (all databases), decoded at most once per version. */
  async allDescriptors(): Promise<readonly Descriptor[]> {
    if (this.allMemo !== null) return this.allMemo;
    const generation = this.cache.generation;
    const span = descriptorSpan();
    const rows = await this.txn.scan(span.key, span.endKey);
    const out: Descriptor[] = [];
    const fill = this.cache.canFill(this.txn, generation);
    for (const kv of rows) {
      const id = descriptorIdOfKey(kv.key);
      const hit = this.changedIds.has(id) ? undefined : this.cache.getById(id);
      if (hit !== undefined && (hit.version ?? 1) === encodedDescriptorVersion(kv.value)) {
        out.push(hit);
        continue;
      }
      const d = decodeDescriptor(kv.value);
      if (fill && !this.changedIds.has(id)) this.cache.fillDescriptor(d);
      out.push(d);
    }
    this.allMemo = out;
    return out;
  }

  async listDatabases(): Promise<DatabaseDescriptor[]> {
    const all = await this.allDescriptors();
    return sortByName(all.filter((d): d is DatabaseDescriptor => d.kind === 'database'));
  }

  /** Stored schemas of a database followed by the virtual ones. */
  async listSchemas(databaseId: DescriptorId): Promise<SchemaDescriptor[]> {
    const all = await this.allDescriptors();
    const stored = all.filter((d): d is SchemaDescriptor => d.kind === 'schema' && d.databaseId === databaseId);
    // shoal_internal resolves by name but is not listed: PostgreSQL tools (psql's \dn, ORM
    // introspection) then see exactly the schemas PostgreSQL would show.
    const listed = VIRTUAL_SCHEMA_NAMES.filter((n) => n !== 'shoal_internal');
    return [...sortByName(stored), ...listed.map((n) => virtualSchema(databaseId, n))];
  }

  async listTables(databaseId: DescriptorId, schemaId?: DescriptorId): Promise<TableDescriptor[]> {
    const all = await this.allDescriptors();
    return sortByName(
      all.filter(
        (d): d is TableDescriptor =>
          d.kind === 'table' && d.databaseId === databaseId && (schemaId === undefined || d.schemaId === schemaId),
      ),
    );
  }

  async listSequences(databaseId: DescriptorId, schemaId?: DescriptorId): Promise<SequenceDescriptor[]> {
    const all = await this.allDescriptors();
    return sortByName(
      all.filter(
        (d): d is SequenceDescriptor =>
          d.kind === 'sequence' && d.databaseId === databaseId && (schemaId === undefined || d.schemaId === schemaId),
      ),
    );
  }

  /** Names directly under (parentId, schemaId): used by DROP SCHEMA/DATABASE to find children. */
  async listNames(parentId: DescriptorId, schemaId: DescriptorId): Promise<{ name: string; id: DescriptorId }[]> {
    const span = namespaceSpan(parentId, schemaId);
    const rows = await this.txn.scan(span.key, span.endKey);
    return rows.map((kv) => {
      const e = decodeNamespaceEntry(kv.key, kv.value);
      return { name: e.name, id: e.id };
    });
  }

  // ---- writes (DDL only) ----

  /** Allocates a fresh descriptor id inside this transaction. */
  async allocateId(): Promise<DescriptorId> {
    const key = counterKey(DESCRIPTOR_ID_COUNTER);
    const cur = await this.txn.get(key);
    const next = cur === null ? FIRST_USER_DESCRIPTOR_ID : Math.max(decodeInt(cur) + 1, FIRST_USER_DESCRIPTOR_ID);
    if (next > DESCRIPTOR_ID_MAX) throw sqlError('54000', 'out of descriptor ids');
    await this.txn.put(key, encodeInt(BigInt(next)));
    return next;
  }

  async putDescriptor(d: Descriptor): Promise<void> {
    this.changedIds.add(d.id);
    this.allMemo = null;
    await this.txn.put(descriptorKey(d.id), encodeDescriptor(d));
  }

  async deleteDescriptor(id: DescriptorId): Promise<void> {
    this.changedIds.add(id);
    this.allMemo = null;
    await this.txn.delete(descriptorKey(id));
  }

  async putName(parentId: DescriptorId, schemaId: DescriptorId, name: string, id: DescriptorId): Promise<void> {
    this.changedNames.add(nameKey(parentId, schemaId, name));
    await this.txn.put(namespaceKey(parentId, schemaId, name), encodeInt(BigInt(id)));
  }

  async deleteName(parentId: DescriptorId, schemaId: DescriptorId, name: string): Promise<void> {
    this.changedNames.add(nameKey(parentId, schemaId, name));
    await this.txn.delete(namespaceKey(parentId, schemaId, name));
  }
}

/** The search path as schema names, with pg_catalog first unless listed and "$user" expanded. */
export function effectiveSearchPath(searchPath: readonly string[], user?: string): string[] {
  const out: string[] = [];
  let hasPgCatalog = false;
  for (const raw of searchPath) {
    const s = stripQuotes(raw.trim());
    if (s === '') continue;
    if (s === '$user') {
      if (user !== undefined) out.push(user);
      continue;
    }
    if (s === 'pg_catalog') hasPgCatalog = true;
    out.push(s);
  }
  if (!hasPgCatalog) out.unshift('pg_catalog');
  return out;
}

function stripQuotes(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s;
}

function sortByName<T extends { readonly name: string }>(xs: T[]): T[] {
  return xs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
