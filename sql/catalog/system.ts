// The system tables that hold the catalog, in the same KV key space as user tables:
//   /table/1/1/<name>                     counters (descriptor id generator)   → int64
//   /table/1/1/"catalog_version"          catalog version (see catalog.ts)     → int64 + bumping txn id
//   /table/2/1/<parentId>/<schemaId>/<name> namespace                          → int64 id
//   /table/3/1/<id>                       descriptors                          → descriptor
//   /table/4/1/<sequence id>              sequence values (last value handed out) → int64
//   /table/4/2/<table id>                 hidden rowid counters                → int64
// Databases are named under (0, 0), schemas under (databaseId, 0), relations under
// (databaseId, schemaId). Called by catalog.ts, bootstrap.ts and sequences.ts only.

import assert from 'node:assert/strict';
import { KeyReader, KeyWriter, indexPrefix, prefixEnd } from '../../storage/index.js';
import type { Descriptor, DescriptorId } from './descriptors.js';
import type { SqlType } from '../types/index.js';
import { arrayOf, typeFromOid, withTypmod } from '../types/index.js';

export const COUNTERS_TABLE_ID = 1;
export const NAMESPACE_TABLE_ID = 2;
export const DESCRIPTOR_TABLE_ID = 3;
export const SEQUENCE_VALUES_TABLE_ID = 4;
/** Index ids inside the sequence-values table. */
export const SEQUENCE_VALUES_INDEX = 1;
export const ROWID_COUNTERS_INDEX = 2;

const COUNTERS_PREFIX = indexPrefix(COUNTERS_TABLE_ID, 1);
const NAMESPACE_PREFIX = indexPrefix(NAMESPACE_TABLE_ID, 1);
const DESCRIPTOR_PREFIX = indexPrefix(DESCRIPTOR_TABLE_ID, 1);
const SEQUENCE_PREFIX = indexPrefix(SEQUENCE_VALUES_TABLE_ID, SEQUENCE_VALUES_INDEX);
const ROWID_PREFIX = indexPrefix(SEQUENCE_VALUES_TABLE_ID, ROWID_COUNTERS_INDEX);

export function counterKey(name: string): Buffer {
  return new KeyWriter(COUNTERS_PREFIX, 32).string(name).finish();
}

export function namespaceKey(parentId: DescriptorId, schemaId: DescriptorId, name: string): Buffer {
  return new KeyWriter(NAMESPACE_PREFIX, 32 + name.length).int(parentId).int(schemaId).string(name).finish();
}

/** The span of every name directly under (parentId, schemaId). */
export function namespaceSpan(parentId: DescriptorId, schemaId: DescriptorId): { key: Buffer; endKey: Buffer } {
  const key = new KeyWriter(NAMESPACE_PREFIX, 32).int(parentId).int(schemaId).finish();
  return { key, endKey: prefixEnd(key) };
}

export interface NamespaceEntry {
  readonly parentId: DescriptorId;
  readonly schemaId: DescriptorId;
  readonly name: string;
  readonly id: DescriptorId;
}

export function decodeNamespaceEntry(key: Buffer, value: Buffer): NamespaceEntry {
  assert(key.subarray(0, NAMESPACE_PREFIX.length).equals(NAMESPACE_PREFIX), 'not a namespace key');
  const r = new KeyReader(key, NAMESPACE_PREFIX.length);
  const parentId = r.intNumber();
  const schemaId = r.intNumber();
  const name = r.string();
  return { parentId, schemaId, name, id: decodeInt(value) };
}

export function descriptorKey(id: DescriptorId): Buffer {
  return new KeyWriter(DESCRIPTOR_PREFIX, 16).int(id).finish();
}

export function descriptorSpan(): { key: Buffer; endKey: Buffer } {
  return { key: DESCRIPTOR_PREFIX, endKey: prefixEnd(DESCRIPTOR_PREFIX) };
}

export function descriptorIdOfKey(key: Buffer): DescriptorId {
  return new KeyReader(key, DESCRIPTOR_PREFIX.length).intNumber();
}

export function sequenceValueKey(sequenceId: DescriptorId): Buffer {
  return new KeyWriter(SEQUENCE_PREFIX, 16).int(sequenceId).finish();
}

export function rowidCounterKey(tableId: DescriptorId): Buffer {
  return new KeyWriter(ROWID_PREFIX, 16).int(tableId).finish();
}

export function encodeInt(v: bigint): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeBigInt64BE(v);
  return b;
}

export function decodeInt(b: Buffer): number {
  assert(b.length === 8, 'int value must be 8 bytes');
  return Number(b.readBigInt64BE());
}

export function decodeBigInt(b: Buffer): bigint {
  assert(b.length === 8, 'int value must be 8 bytes');
  return b.readBigInt64BE();
}

// Descriptor values: uint32 version, then JSON with bigints as {"$n":"123"}. Descriptors are
// decoded once per version (the node cache keeps them), so JSON's cost does not matter;
// the version header lets a scan skip decoding descriptors the cache already holds.

export function encodeDescriptor(d: Descriptor): Buffer {
  const json = JSON.stringify(d, (_k, v: unknown) => (typeof v === 'bigint' ? { $n: v.toString() } : v));
  const body = Buffer.from(json, 'utf8');
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeUInt32BE(descriptorVersion(d), 0);
  body.copy(out, 4);
  return out;
}

export function encodedDescriptorVersion(value: Buffer): number {
  return value.readUInt32BE(0);
}

export function decodeDescriptor(value: Buffer): Descriptor {
  const json = value.toString('utf8', 4);
  const d = JSON.parse(json, (_k, v: unknown) => {
    if (v !== null && typeof v === 'object' && '$n' in v) {
      const n = (v as { $n: unknown }).$n;
      if (typeof n === 'string' && Object.keys(v).length === 1) return BigInt(n);
    }
    return v;
  }) as Descriptor;
  assert(typeof d === 'object' && d !== null && typeof d.kind === 'string', 'bad descriptor value');
  return deepFreeze(d.kind === 'table' ? { ...d, columns: d.columns.map((c) => ({ ...c, type: canonicalType(c.type) })) } : d);
}

/** The registry's shared SqlType object for a decoded one (so identity checks and caches hit). */
function canonicalType(t: SqlType): SqlType {
  if (t.kind === 'array' && t.elem !== undefined) return arrayOf(canonicalType(t.elem));
  const base = typeFromOid(t.oid);
  return base === undefined ? t : withTypmod(base, t.typmod);
}

export function descriptorVersion(d: Descriptor): number {
  return d.version ?? 1;
}

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as object)) deepFreeze(v);
  }
  return o;
}

/** Ids below this are reserved for system tables and the virtual schemas. */
export const FIRST_USER_DESCRIPTOR_ID = 100;
/** Virtual schemas: the same ids in every database (never stored). */
export const PG_CATALOG_SCHEMA_ID = 5;
export const INFORMATION_SCHEMA_ID = 6;
/** shoal_internal: Shoal's introspection tables (ranges), like CockroachDB's crdb_internal. */
export const SHOAL_INTERNAL_SCHEMA_ID = 7;
export type VirtualSchemaName = 'pg_catalog' | 'information_schema' | 'shoal_internal';
export const VIRTUAL_SCHEMA_NAMES: readonly VirtualSchemaName[] = ['pg_catalog', 'information_schema', 'shoal_internal'];
/** Descriptor id of each virtual schema. */
export const VIRTUAL_SCHEMA_IDS: Readonly<Record<VirtualSchemaName, number>> = {
  pg_catalog: PG_CATALOG_SCHEMA_ID,
  information_schema: INFORMATION_SCHEMA_ID,
  shoal_internal: SHOAL_INTERNAL_SCHEMA_ID,
};

export function isVirtualSchemaName(name: string): name is VirtualSchemaName {
  return (VIRTUAL_SCHEMA_NAMES as readonly string[]).includes(name);
}
/** Counter name of the descriptor id generator. */
export const DESCRIPTOR_ID_COUNTER = 'descriptor_id';

/**
 * The catalog version: bumped by every transaction that changes a descriptor or a name
 * (catalog.ts explains the protocol). It sits in the counters table, next to the descriptors
 * and names it versions, so a DDL that touches only system tables still commits on one range.
 */
export const CATALOG_VERSION_KEY = counterKey('catalog_version');

/** One value of the catalog version key: the counter, and a token unique to the bump. */
export interface CatalogVersion {
  readonly counter: number;
  /** The whole stored value as latin1: unique per bump (it holds the bumping transaction's id). */
  readonly token: string;
}

/** The version of a key space where no transaction has bumped the version yet. */
export const INITIAL_CATALOG_VERSION: CatalogVersion = Object.freeze({ counter: 0, token: '' });

/** Bound on the transaction id stored in a version value (ids are 32 hex digits). */
const catalogVersionTxnIdBytesMax = 64;

export function encodeCatalogVersion(counter: number, txnId: string): Buffer {
  assert(Number.isSafeInteger(counter) && counter > 0, 'catalog version counter must be a positive integer');
  assert(txnId.length > 0 && txnId.length <= catalogVersionTxnIdBytesMax, 'catalog version needs the bumping txn id');
  const id = Buffer.from(txnId, 'latin1');
  const out = Buffer.allocUnsafe(8 + id.length);
  out.writeBigInt64BE(BigInt(counter), 0);
  id.copy(out, 8);
  return out;
}

export function decodeCatalogVersion(value: Buffer | null): CatalogVersion {
  if (value === null) return INITIAL_CATALOG_VERSION;
  assert(value.length > 8 && value.length <= 8 + catalogVersionTxnIdBytesMax, 'bad catalog version value');
  const counter = Number(value.readBigInt64BE(0));
  assert(counter > 0, 'stored catalog version counter must be positive');
  return { counter, token: value.toString('latin1') };
}
