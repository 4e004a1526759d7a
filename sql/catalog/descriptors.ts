// Descriptors: the frozen data that describes databases, schemas, tables, indexes and
// sequences. They are stored in system tables in the KV key space (see catalog/system.ts)
// and cached per node by version. Plain data only: no methods, no references between
// objects except by id, so they serialize as they are.

import type { SqlType } from '../types/type.js';

export type DescriptorId = number;

export interface DatabaseDescriptor {
  readonly kind: 'database';
  readonly id: DescriptorId;
  readonly name: string;
  readonly owner: string;
  /** Bumped by renames; absent means 1. */
  readonly version?: number;
}

export interface SchemaDescriptor {
  readonly kind: 'schema';
  readonly id: DescriptorId;
  readonly databaseId: DescriptorId;
  readonly name: string;
  readonly owner: string;
  /** pg_catalog and information_schema: generated, never stored (see catalog/oids.ts for their OIDs). */
  readonly virtual?: boolean;
  /** Bumped by renames; absent means 1. */
  readonly version?: number;
}

export interface ColumnDescriptor {
  /** Stable within the table; never reused. Also the attnum reported to clients. */
  readonly id: number;
  readonly name: string;
  readonly type: SqlType;
  readonly nullable: boolean;
  /** DEFAULT expression as SQL text (bound when used), or null. */
  readonly defaultExpr: string | null;
  /** Hidden columns (the implicit rowid of a table without a primary key) are not in SELECT *. */
  readonly hidden: boolean;
  /** For serial columns: the id of the owned sequence. */
  readonly ownedSequenceId: DescriptorId | null;
  /** GENERATED ALWAYS / BY DEFAULT AS IDENTITY (absent: not an identity column). */
  readonly identity?: 'always' | 'by default';
}

/** Name of the hidden primary-key column of a table created without a primary key. */
export const ROWID_COLUMN_NAME = 'rowid';

export type IndexDirection = 'asc' | 'desc';

export interface IndexDescriptor {
  /** 1 is always the primary index. */
  readonly id: number;
  readonly name: string;
  readonly unique: boolean;
  readonly primary: boolean;
  /** Key columns in order, with their directions. */
  readonly columnIds: readonly number[];
  readonly directions: readonly IndexDirection[];
  /** Secondary indexes: primary-key columns appended to the key (implicitly). */
  /** Index being built; not yet used by reads. */
  readonly state: 'public' | 'write_only' | 'backfilling';
  /** True when the index backs a UNIQUE or PRIMARY KEY constraint (pg_constraint row); absent means false. */
  readonly constraint?: boolean;
}

export interface CheckConstraint {
  readonly name: string;
  /** SQL text of the boolean expression over the table's columns. */
  readonly expr: string;
}

export interface ForeignKeyConstraint {
  readonly name: string;
  readonly columnIds: readonly number[];
  readonly referencedTableId: DescriptorId;
  readonly referencedColumnIds: readonly number[];
  readonly onDelete: 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';
  readonly onUpdate: 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';
}

export interface TableDescriptor {
  readonly kind: 'table';
  readonly id: DescriptorId;
  readonly databaseId: DescriptorId;
  readonly schemaId: DescriptorId;
  readonly name: string;
  readonly owner: string;
  /** Bumped by every schema change; caches compare versions. */
  readonly version: number;
  readonly columns: readonly ColumnDescriptor[];
  readonly primaryIndex: IndexDescriptor;
  readonly secondaryIndexes: readonly IndexDescriptor[];
  readonly checks: readonly CheckConstraint[];
  readonly foreignKeys: readonly ForeignKeyConstraint[];
  readonly nextColumnId: number;
  readonly nextIndexId: number;
  /** Storage parameters given WITH (...), kept for display (fillfactor ...). */
  readonly storageParams: Readonly<Record<string, string>>;
}

export interface SequenceDescriptor {
  readonly kind: 'sequence';
  readonly id: DescriptorId;
  readonly databaseId: DescriptorId;
  readonly schemaId: DescriptorId;
  readonly name: string;
  readonly owner: string;
  readonly version: number;
  readonly dataType: 'int2' | 'int4' | 'int8';
  readonly start: bigint;
  readonly increment: bigint;
  readonly minValue: bigint;
  readonly maxValue: bigint;
  readonly cache: number;
  readonly cycle: boolean;
  /** Table and column owning the sequence (serial), or null. */
  readonly ownedBy: { readonly tableId: DescriptorId; readonly columnId: number } | null;
}

export type Descriptor = DatabaseDescriptor | SchemaDescriptor | TableDescriptor | SequenceDescriptor;
