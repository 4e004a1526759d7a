// The virtual tables by schema, name and OID. Binds each table definition to the catalog
// snapshot of the statement (loaded once per VirtualContext) so every pg_catalog table of
// one query sees the same catalog. The engine wires getVirtualTable into DescriptorCache.

import type { VirtualContext, VirtualTable } from '../catalog/index.js';
import { effectiveSearchPath } from '../catalog/index.js';
import type { CatalogInfo } from '../builtins/index.js';
import type { TableDef } from './define.js';
import { catalogInfoFor } from './introspect.js';
import { INFORMATION_SCHEMA_TABLES } from './information-schema.js';
import { RELATION_TABLES } from './pg-relations.js';
import { SYSTEM_TABLES } from './pg-system.js';
import { VIEW_TABLES } from './pg-views.js';
import { SHOAL_INTERNAL_TABLES } from './shoal-internal.js';
import type { CatalogSnapshot } from './snapshot.js';
import { loadCatalogSnapshot } from './snapshot.js';

const DEFAULT_SEARCH_PATH: readonly string[] = ['"$user"', 'public'];

const bySchema = new Map<string, Map<string, VirtualTable>>();
const byOid = new Map<number, VirtualTable>();
const all: VirtualTable[] = [];
const snapshots = new WeakMap<VirtualContext, Promise<CatalogSnapshot>>();

/** The snapshot of a context's database, loaded once per context object. */
export function snapshotOf(ctx: VirtualContext): Promise<CatalogSnapshot> {
  let p = snapshots.get(ctx);
  if (p === undefined) {
    const path = effectiveSearchPath(ctx.searchPath ?? DEFAULT_SEARCH_PATH, ctx.user);
    p = loadCatalogSnapshot(ctx.catalog, ctx.databaseId, ctx.databaseName, path, all);
    snapshots.set(ctx, p);
  }
  return p;
}

function bind(def: TableDef): VirtualTable {
  return Object.freeze({
    schemaName: def.schemaName,
    name: def.name,
    oid: def.oid,
    columns: def.columns,
    rows: async (ctx: VirtualContext) => def.produce(await snapshotOf(ctx), ctx),
  });
}

for (const def of [...RELATION_TABLES, ...SYSTEM_TABLES, ...VIEW_TABLES, ...INFORMATION_SCHEMA_TABLES, ...SHOAL_INTERNAL_TABLES]) {
  const t = bind(def);
  let m = bySchema.get(t.schemaName);
  if (m === undefined) bySchema.set(t.schemaName, (m = new Map()));
  if (m.has(t.name) || byOid.has(t.oid)) throw new Error(`vtables: duplicate ${t.schemaName}.${t.name} or OID ${t.oid}`);
  m.set(t.name, t);
  byOid.set(t.oid, t);
  all.push(t);
}

export function getVirtualTable(schemaName: string, relName: string): VirtualTable | undefined {
  return bySchema.get(schemaName)?.get(relName);
}

export function listVirtualTables(): readonly VirtualTable[] {
  return all;
}

export function virtualTableByOid(oid: number): VirtualTable | undefined {
  return byOid.get(oid);
}

/**
 * builtins' CatalogInfo for one statement: loads the snapshot of `ctx` (once per context
 * object) and adapts it. Merge the engine's own sequence callbacks into the result.
 */
export async function loadCatalogInfo(ctx: VirtualContext): Promise<CatalogInfo> {
  return catalogInfoFor(await snapshotOf(ctx));
}
