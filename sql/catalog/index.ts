// Public API of sql/catalog: descriptors, the per-transaction Catalog (names → descriptors),
// the node-wide DescriptorCache, bootstrap of the system tables, DDL execution, sequences
// and the id → OID mapping. Called by sql/bind, sql/exec, sql/session and sql/vtables.
//
// Lifecycle (engine side):
//   const cache = new DescriptorCache(kv, { virtualTables: getVirtualTable });  // once per node
//   await bootstrapCatalog(kv);                                                  // once at startup
//   const catalog = new Catalog(txn, cache);        // once per KV transaction
//   ... bind/exec/executeDdl use `catalog` ...
//   await catalog.beforeCommit();                   // bumps the catalog version if the schema changed
//   await txn.commit(); catalog.afterCommit();      // the node cache moves to the new version
//   (on rollback: catalog.afterRollback())
// Other nodes see the change through the catalog version key (catalog.ts explains it).

export * from './descriptors.js';
export * from './oids.js';
export type { VirtualTable, VirtualColumn, VirtualContext, VirtualSessionInfo, VirtualTableLookup } from './virtual.js';
export { Catalog, DescriptorCache, effectiveSearchPath, virtualSchema } from './catalog.js';
export type { ResolvedRelation, DescriptorCacheOptions, CatalogVersion } from './catalog.js';
export { bootstrapCatalog, DEFAULT_DATABASES, PG_CATALOG_SCHEMA_ID, INFORMATION_SCHEMA_ID, SHOAL_INTERNAL_SCHEMA_ID, FIRST_USER_DESCRIPTOR_ID } from './bootstrap.js';
export { executeDdl, isDdlStatement } from './ddl/index.js';
export type { DdlContext, DdlResult, Notice as DdlNotice } from './ddl/context.js';
export { Sequences, sequenceBlockSize, rowidBlockSize, readSequenceState } from './sequences.js';
export type { SequenceState } from './sequences.js';
export { deparseExpr, storedExprText, quoteIdent, quoteLiteral } from './deparse.js';
export type { StoredExprContext } from './deparse.js';
export {
  findColumn,
  findIndex,
  visibleColumns,
  primaryKeyColumnIds,
  tableHasHiddenRowid,
  columnById,
} from './helpers.js';
export { checkReferencedRowsExist, checkNoReferencingRows, validateForeignKey } from './fk.js';
