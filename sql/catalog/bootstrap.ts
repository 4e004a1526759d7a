// Creates the initial catalog in an empty key space: databases defaultdb and postgres, each
// with schema public (pg_catalog and information_schema are virtual and need nothing
// stored). Idempotent: run at every node start; existing databases are left alone.
// Called by the SQL server's startup (sql/index.ts) and by tests.

import type { KvDb } from '../../storage/index.js';
import { KvError } from '../../storage/index.js';
import { Catalog, DescriptorCache } from './catalog.js';
import type { DatabaseDescriptor, SchemaDescriptor } from './descriptors.js';

export {
  FIRST_USER_DESCRIPTOR_ID,
  PG_CATALOG_SCHEMA_ID,
  INFORMATION_SCHEMA_ID,
  SHOAL_INTERNAL_SCHEMA_ID,
} from './system.js';

export const DEFAULT_DATABASES: readonly string[] = ['defaultdb', 'postgres'];
/** Owner of the bootstrap databases (PostgreSQL's bootstrap superuser). */
export const BOOTSTRAP_OWNER = 'postgres';
/** PostgreSQL 15 makes public owned by pg_database_owner. */
export const PUBLIC_SCHEMA_OWNER = 'pg_database_owner';
const bootstrapAttemptsMax = 10;

export async function bootstrapCatalog(kv: KvDb): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const txn = kv.begin({ debugName: 'bootstrap-catalog' });
    const catalog = new Catalog(txn, new DescriptorCache(kv), 'serializable');
    try {
      for (const name of DEFAULT_DATABASES) await createDatabaseIfMissing(catalog, name, BOOTSTRAP_OWNER);
      await catalog.beforeCommit();
      await txn.commit();
      return;
    } catch (e) {
      if (txn.status === 'pending') await txn.rollback();
      if (!(e instanceof KvError && e.retryable) || attempt >= bootstrapAttemptsMax) throw e;
    }
  }
}

/** Creates database `name` with its public schema unless it exists; returns it either way. */
export async function createDatabaseIfMissing(catalog: Catalog, name: string, owner: string): Promise<DatabaseDescriptor> {
  const existing = await catalog.getDatabase(name);
  if (existing !== null) return existing;
  const db: DatabaseDescriptor = { kind: 'database', id: await catalog.allocateId(), name, owner, version: 1 };
  await catalog.putDescriptor(db);
  await catalog.putName(0, 0, name, db.id);
  await createSchemaDescriptor(catalog, db.id, 'public', PUBLIC_SCHEMA_OWNER);
  return db;
}

export async function createSchemaDescriptor(
  catalog: Catalog,
  databaseId: number,
  name: string,
  owner: string,
): Promise<SchemaDescriptor> {
  const schema: SchemaDescriptor = { kind: 'schema', id: await catalog.allocateId(), databaseId, name, owner, version: 1 };
  await catalog.putDescriptor(schema);
  await catalog.putName(databaseId, 0, name, schema.id);
  return schema;
}
