// The catalog as one transaction sees it (Catalog: names → descriptors, listings for the
// virtual tables, the low-level writes DDL makes) and the node-wide DescriptorCache behind it.
// Called by bind (resolveRelation), exec, sql/vtables, sql/session and catalog/ddl; one
// Catalog per KV transaction, one DescriptorCache per node (per SQL server).
//
// Keeping node caches coherent across a cluster: the catalog version.
//   * One key, CATALOG_VERSION_KEY (system.ts, next to the descriptors), holds a counter and
//     the id of the transaction that last bumped it. Every transaction that writes a
//     descriptor or a name bumps it inside that same transaction, as its last write
//     (Catalog.beforeCommit, called by whoever commits; afterCommit asserts it happened).
//     Bumping last keeps the key's intent short-lived: readers of the key wait at most for
//     the DDL's commit round, never for its backfill.
//   * Every transaction reads the key once, on its first catalog access (a point read; the
//     rest of the transaction reuses the answer). A serializable transaction's read timestamp
//     only moves through a refresh, which re-validates that read, so one read covers the whole
//     transaction; a read-committed one (the Catalog is told the isolation) may move without a
//     refresh, so when its read timestamp moved the key is read again before the next catalog
//     access, and a write statement during which it moved past a version change fails with
//     40001 (versionMovedSince, checked by the session): its rows used the old schema. A
//     read-committed write pushed past a DDL inside its commit batch is not caught (no
//     refresh): DDL concurrent with writers is safe under serializable isolation (the
//     default), not under read committed.
//   * The node cache holds entries of exactly one version. A transaction that read a newer
//     version starts the cache over at it (descriptors, names including "absent" answers, and
//     the generation the plan cache keys on); one that read the cache's version uses and fills
//     it; one that read an older version (it began before a DDL) bypasses the cache and reads
//     descriptors at its own timestamp, so it keeps a consistent old view. Fills are checked
//     after the read returns, so a racing start-over never lets an old answer in.
//   * Why this is enough: the read is transactional and serializable, so a transaction ordered
//     after a DDL sees the new version, and one that read the old version but must commit after
//     the DDL (its timestamp was pushed past it) fails its refresh: 40001, retried by the
//     gateway for implicit statements. Two DDLs racing on the key serialize the same way.
//   * Cost: one point read per transaction that touches the catalog (plans that touch no
//     catalog, like SELECT 1, skip it). The read span lies on the system tables' range, so a
//     one-range commit can no longer carry its refresh in the commit batch; it stays one-phase
//     (reads never decide 1PC; the DistSender drops such in-batch refreshes and forbids moving
//     the timestamp) and pays an explicit refresh only when its timestamp was pushed.
//     Every transaction reading the key means a DDL's bump is pushed above them all, so every
//     DDL commit refreshes its reads (a backfill's scan included): DDL pays, OLTP does not wait.
//   * A DDL that keeps failing its refresh (its backfill scan of a table that is written all the
//     time) is retried by the gateway in exclusive mode: it bumps the version before it reads,
//     so new transactions wait on that intent and running writers fail instead of it. The
//     first attempt stays online; the retry trades a cluster-wide pause for progress.
//   * The version token is unique per bump (the counter plus the bumping transaction's id), so
//     even two read-committed DDLs that both wrote counter n+1 never look alike.
//   * Sequence blocks stay per node by design (sequences.ts); they key on the descriptor version.
//   * Anything else a node caches from system tables (roles, settings, once they are stored)
//     must be written through this Catalog, so that its writers bump the version too.

import assert from 'node:assert/strict';
import type { IsolationLevel, KvDb, Timestamp, Txn } from '../../storage/index.js';
import type {
  DatabaseDescriptor,
  Descriptor,
  DescriptorId,
  SchemaDescriptor,
  SequenceDescriptor,
  TableDescriptor,
} from './descriptors.js';
import {
  CATALOG_VERSION_KEY,
  DESCRIPTOR_ID_COUNTER,
  FIRST_USER_DESCRIPTOR_ID,
  VIRTUAL_SCHEMA_IDS,
  VIRTUAL_SCHEMA_NAMES,
  counterKey,
  isVirtualSchemaName,
  decodeCatalogVersion,
  decodeDescriptor,
  decodeInt,
  decodeNamespaceEntry,
  descriptorIdOfKey,
  descriptorKey,
  descriptorSpan,
  encodeCatalogVersion,
  encodeDescriptor,
  encodeInt,
  encodedDescriptorVersion,
  namespaceKey,
  namespaceSpan,
} from './system.js';
import type { CatalogVersion, VirtualSchemaName } from './system.js';
import type { VirtualTable, VirtualTableLookup } from './virtual.js';
import { DESCRIPTOR_ID_MAX } from './oids.js';
import { sqlError } from '../errors.js';

export type { CatalogVersion } from './system.js';

/** Bound on cached descriptors and names; past it the cache starts over (DDL-heavy workloads only). */
export const descriptorCacheEntriesMax = 50_000;

export interface DescriptorCacheOptions {
  /** Resolves pg_catalog / information_schema relations (sql/vtables' getVirtualTable). */
  readonly virtualTables?: VirtualTableLookup;
}

function nameKey(parentId: DescriptorId, schemaId: DescriptorId, name: string): string {
  return `${parentId}/${schemaId}/${name}`;
}

/**
 * Node-wide cache of committed descriptors (by id) and of name lookups (including "absent"
 * answers), all valid at one catalog version (see the top of this file). `generation` changes
 * whenever the contents start over; the plan cache keys its entries on it.
 */
export class DescriptorCache {
  readonly virtualTables: VirtualTableLookup;
  private readonly byId = new Map<DescriptorId, Descriptor>();
  private readonly names = new Map<string, DescriptorId | null>();
  private generationValue = 0;
  private versionValue: CatalogVersion | null = null;

  constructor(
    readonly kv: KvDb,
    opts: DescriptorCacheOptions = {},
  ) {
    this.virtualTables = opts.virtualTables ?? (() => undefined);
  }

  get generation(): number {
    return this.generationValue;
  }

  /** The catalog version the contents are valid at (null: nothing observed yet). */
  get version(): CatalogVersion | null {
    return this.versionValue;
  }

  /**
   * A transaction read version `v`. Returns the cache's own version object when the
   * transaction may use the cache (same version, or a newer one: the cache starts over at
   * it), or null when the transaction is older than the cache and must bypass it.
   */
  observe(v: CatalogVersion): CatalogVersion | null {
    const cur = this.versionValue;
    if (cur !== null && cur.token === v.token) return cur;
    // Equal counters with different tokens come only from racing read-committed DDLs: the
    // newest reader wins (at worst a few start-overs, never a wrong answer).
    if (cur !== null && v.counter < cur.counter) return null;
    this.byId.clear();
    this.names.clear();
    this.generationValue++;
    this.versionValue = v;
    return v;
  }

  getById(id: DescriptorId): Descriptor | undefined {
    return this.byId.get(id);
  }

  getName(key: string): DescriptorId | null | undefined {
    return this.names.get(key);
  }

  fillDescriptor(d: Descriptor): void {
    if (this.byId.size >= descriptorCacheEntriesMax) this.byId.clear();
    this.byId.set(d.id, d);
  }

  fillName(key: string, id: DescriptorId | null): void {
    if (this.names.size >= descriptorCacheEntriesMax) this.names.clear();
    this.names.set(key, id);
  }

  /** Forgets every entry (tests; memory pressure). The version stays: later fills are valid. */
  clear(): void {
    this.byId.clear();
    this.names.clear();
    this.generationValue++;
  }
}

function sameTs(a: Timestamp, b: Timestamp): boolean {
  return a.wallNanos === b.wallNanos && a.logical === b.logical;
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
  /** The catalog version this transaction read (null until its first catalog access). */
  private version: CatalogVersion | null = null;
  /** The read timestamp `version` was read at (a read-committed move means: read it again). */
  private versionTs: Timestamp | null = null;
  /** The cache's version object when this transaction may use the node cache, else null. */
  private cacheVersion: CatalogVersion | null = null;
  private versionRead: Promise<void> | null = null;
  /** The version this transaction wrote in beforeCommit (published by afterCommit). */
  private bumped: CatalogVersion | null = null;

  /** Serializable: the read timestamp moves only through refreshes, which re-validate the version read. */
  private readonly serializable: boolean;

  /**
   * `isolation` must be the transaction's: a read-committed transaction (the safe default when
   * unknown) reads the version again whenever its read timestamp moved.
   */
  constructor(
    readonly txn: Txn,
    readonly cache: DescriptorCache,
    isolation: IsolationLevel = 'read committed',
  ) {
    this.serializable = isolation === 'serializable';
  }

  /** True when this transaction changed the schema. */
  get hasChanges(): boolean {
    return this.changedIds.size > 0 || this.changedNames.size > 0;
  }

  /**
   * The plan-cache generation this transaction may look plans up and store them under, or
   * null when it must plan afresh (it changed the schema, or it reads an older catalog
   * version than the node cache holds). Reads the catalog version on first use.
   */
  async planGeneration(): Promise<number | null> {
    if (this.needsVersion()) await this.readVersion();
    return this.hasChanges || !this.usesCache() ? null : this.cache.generation;
  }

  /** planGeneration() without awaiting: undefined when the version must be read first. */
  planGenerationNow(): number | null | undefined {
    if (this.needsVersion()) return undefined;
    return this.hasChanges || !this.usesCache() ? null : this.cache.generation;
  }

  /** True when the next catalog access reads the version key again (first access, or a moved read timestamp). */
  get versionStale(): boolean {
    return this.needsVersion();
  }

  /** The token of the catalog version this transaction reads at (null before its first catalog access). */
  get versionToken(): string | null {
    return this.version?.token ?? null;
  }

  /**
   * True when the catalog version this transaction reads at is no longer `token`. Only a
   * read-committed transaction can see that (its read timestamp moves without a refresh, so
   * it may move past a DDL); a statement that wrote in the meantime used the old schema.
   */
  async versionMovedSince(token: string | null): Promise<boolean> {
    if (token === null || !this.needsVersion()) return false;
    await this.readVersion();
    return this.version !== null && this.version.token !== token;
  }

  /**
   * Before txn.commit(): a transaction that changed the schema bumps the catalog version, as
   * its last write (see the top of this file). Every committer must call it.
   */
  async beforeCommit(): Promise<void> {
    if (!this.hasChanges || this.bumped !== null) return;
    await this.bump();
  }

  private async bump(): Promise<void> {
    if (this.needsVersion()) await this.readVersion();
    const base = this.version;
    assert(base !== null, 'catalog: version read before the bump');
    const value = encodeCatalogVersion(base.counter + 1, this.txn.id);
    await this.txn.put(CATALOG_VERSION_KEY, value);
    this.bumped = decodeCatalogVersion(value);
  }

  /**
   * Exclusive mode, for a DDL retried after 40001: bump the version now, before the DDL reads
   * anything, instead of at commit. The bump travels with the transaction's next flush (a
   * backfill's first scan, at the latest the commit); from then on every new transaction that
   * reads the catalog waits for this DDL, and writers already running fail their refresh on
   * its intent instead of failing it. The DDL is sure to finish, at the price of a
   * cluster-wide pause while it runs. Called by the session right after BEGIN.
   */
  async startExclusive(): Promise<void> {
    assert(this.bumped === null && !this.hasChanges, 'catalog: exclusive mode starts before any schema write');
    await this.bump();
  }

  /** After txn.commit() succeeded: the node cache moves to the version this transaction wrote. */
  afterCommit(): void {
    assert(!this.hasChanges || this.bumped !== null, 'catalog: schema change committed without beforeCommit()');
    if (this.bumped !== null) this.cache.observe(this.bumped);
    this.reset();
  }

  /** After a rollback: nothing was published; only forget local state. */
  afterRollback(): void {
    this.reset();
  }

  private reset(): void {
    this.changedIds.clear();
    this.changedNames.clear();
    this.allMemo = null;
    this.bumped = null;
  }

  // ---- the catalog version ----

  /** True when the version must be read before the next catalog access (cheap, synchronous). */
  private needsVersion(): boolean {
    const at = this.versionTs;
    if (at === null) return true;
    // After its own bump the transaction would read back its uncommitted version: keep the old.
    if (this.serializable || this.bumped !== null) return false;
    const ts = this.txn.readTimestamp();
    if (ts === at) return false;
    if (!sameTs(ts, at)) return true;
    this.versionTs = ts;
    return false;
  }

  /** Reads the version key (one read at a time per transaction) and settles the cache use. */
  private readVersion(): Promise<void> {
    return (this.versionRead ??= this.readVersionOnce());
  }

  private async readVersionOnce(): Promise<void> {
    try {
      const v = decodeCatalogVersion(await this.txn.get(CATALOG_VERSION_KEY));
      // After the get: a first read may have moved the read timestamp to where it was served.
      this.versionTs = this.txn.readTimestamp();
      if (this.version !== null && this.version.token !== v.token) this.allMemo = null;
      this.version = v;
      this.cacheVersion = this.cache.observe(v);
    } finally {
      this.versionRead = null;
    }
  }

  /** True when this transaction reads at the node cache's version. */
  private usesCache(): boolean {
    return this.cacheVersion !== null && this.cacheVersion === this.cache.version;
  }

  /**
   * True when a read that began at `generation` may be stored in the node cache: the cache
   * did not start over meanwhile, and the read was served at the timestamp the version was
   * read at (a read-committed read may move forward past a DDL without a refresh).
   */
  private mayFill(generation: number): boolean {
    return !this.hasChanges && this.usesCache() && this.cache.generation === generation && !this.needsVersion();
  }

  // ---- reads ----

  async getDescriptorById(id: DescriptorId): Promise<Descriptor | null> {
    if (this.needsVersion()) await this.readVersion();
    const changed = this.changedIds.has(id);
    if (!changed && this.usesCache()) {
      const hit = this.cache.getById(id);
      if (hit !== undefined) return hit;
    }
    const generation = this.cache.generation;
    const value = await this.txn.get(descriptorKey(id));
    if (value === null) return null;
    const d = decodeDescriptor(value);
    assert(d.id === id, `descriptor ${id} holds id ${d.id}`);
    if (!changed && this.mayFill(generation)) this.cache.fillDescriptor(d);
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
    if (this.needsVersion()) await this.readVersion();
    const key = nameKey(parentId, schemaId, name);
    const changed = this.changedNames.has(key);
    if (!changed && this.usesCache()) {
      const hit = this.cache.getName(key);
      if (hit !== undefined) return hit;
    }
    const generation = this.cache.generation;
    const value = await this.txn.get(namespaceKey(parentId, schemaId, name));
    const id = value === null ? null : decodeInt(value);
    if (!changed && this.mayFill(generation)) this.cache.fillName(key, id);
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
    if (this.needsVersion()) await this.readVersion();
    if (this.allMemo !== null) return this.allMemo;
    const generation = this.cache.generation;
    const useCache = this.usesCache();
    const span = descriptorSpan();
    const rows = await this.txn.scan(span.key, span.endKey);
    const out: Descriptor[] = [];
    const fill = this.mayFill(generation);
    for (const kv of rows) {
      const id = descriptorIdOfKey(kv.key);
      const hit = this.changedIds.has(id) || !useCache ? undefined : this.cache.getById(id);
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
