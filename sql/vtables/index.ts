// Public API of sql/vtables: pg_catalog and information_schema as virtual tables generated
// from the catalog at the transaction's timestamp, shoal_internal.ranges from the KV layer,
// plus the catalog-backed introspection functions psql needs (pg_get_indexdef,
// pg_get_constraintdef, format_type, regclass I/O...).
//
// Engine wiring:
//   new DescriptorCache(kv, { virtualTables: getVirtualTable })      // resolves pg_class etc.
//   rows = await vtable.rows(vctx)                                   // VirtualContext per statement
//   if (NEEDS_CATALOG_INFO.test(sql))                                 // psql's \d queries do
//     evalCtx.catalog = { ...await loadCatalogInfo(vctx), nextval, currval, setval };
//   typeEnv.reg = regResolverFor(await snapshotOf(vctx))             // regclass I/O, if wanted

export type { VirtualTable, VirtualColumn, VirtualContext, VirtualSessionInfo } from '../catalog/index.js';
export { getVirtualTable, listVirtualTables, virtualTableByOid, snapshotOf, loadCatalogInfo } from './registry.js';
export { CatalogSnapshot, loadCatalogSnapshot } from './snapshot.js';
export {
  pgGetIndexdef,
  pgGetConstraintdef,
  pgGetExpr,
  formatTypeName,
  pgTableIsVisible,
  pgGetSerialSequence,
  pgGetUserById,
  regclassIn,
  regclassOut,
  regnamespaceIn,
  regnamespaceOut,
  parseQualifiedName,
  catalogInfoFor,
  regResolverFor,
  NEEDS_CATALOG_INFO,
} from './introspect.js';
export { procNames, UTF8_ENCODING } from './pg-system.js';
