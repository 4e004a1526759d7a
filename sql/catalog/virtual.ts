// The shape of a virtual (generated) table such as pg_catalog.pg_class. Declared here so
// the catalog can resolve names to virtual tables without importing sql/vtables (which
// imports the catalog); sql/vtables implements these and the engine wires the lookup in
// through DescriptorCache options.

import type { RangeInfo } from '../../storage/index.js';
import type { Datum, SqlType } from '../types/index.js';
import type { Catalog } from './catalog.js';

export interface VirtualColumn {
  readonly name: string;
  readonly type: SqlType;
}

/** Session state a virtual table may show (pg_settings, pg_stat_activity, current user). */
export interface VirtualContext {
  readonly catalog: Catalog;
  readonly databaseId: number;
  readonly databaseName: string;
  readonly user: string;
  /** The session's search_path entries (default ['"$user"', 'public']): pg_table_is_visible. */
  readonly searchPath?: readonly string[];
  /** Current values of the session settings (name → text value), for pg_settings. */
  readonly settings: ReadonlyMap<string, string>;
  /** Sessions of this node, for pg_stat_activity; absent means only the current one. */
  readonly sessions?: () => readonly VirtualSessionInfo[];
  /** The KV ranges overlapping [key, endKey), for shoal_internal.ranges; absent means none. */
  readonly ranges?: (key: Buffer, endKey: Buffer) => Promise<readonly RangeInfo[]>;
}

export interface VirtualSessionInfo {
  readonly pid: number;
  readonly user: string;
  readonly database: string;
  readonly applicationName: string;
  readonly state: string;
  readonly query: string;
  /** Microseconds since the epoch (timestamptz datum), or null. */
  readonly backendStartMicros: bigint | null;
}

export interface VirtualTable {
  readonly schemaName: string;
  readonly name: string;
  /** pg_class.oid of the virtual table (a fixed OID below 16384, see catalog/oids.ts). */
  readonly oid: number;
  readonly columns: readonly VirtualColumn[];
  /** Generates every row at the transaction's timestamp. Rows are indexed like `columns`. */
  rows(ctx: VirtualContext): Promise<Datum[][]>;
}

/** Looks a virtual table up by schema and name (both already case-folded). */
export type VirtualTableLookup = (schemaName: string, relName: string) => VirtualTable | undefined;
