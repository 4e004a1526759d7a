// What DDL execution needs from the engine: the transaction and its Catalog, the session's
// database, search path and user, a way to evaluate constant expressions (DEFAULT values
// during backfill) and a sink for NOTICEs. Built by sql/exec for each DDL statement.

import type { Txn } from '../../../storage/index.js';
import type { Datum, SqlType } from '../../types/index.js';
import type { Catalog } from '../catalog.js';
import type { Notice } from '../../errors.js';
import type { Sequences } from '../sequences.js';

export type { Notice };

export interface DdlContext {
  readonly txn: Txn;
  /** The transaction's Catalog (the same one bind uses, so later statements see the change). */
  readonly catalog: Catalog;
  readonly sequences: Sequences;
  readonly databaseId: number;
  readonly databaseName: string;
  readonly searchPath: readonly string[];
  readonly user: string;
  /**
   * Evaluates a constant SQL expression (no column references; may call volatile functions
   * such as nextval or now) and coerces it to `type` (assignment cast, typmod applied).
   * Used for DEFAULT backfill of ADD COLUMN and for sequence options.
   */
  evalConstExpr(sqlText: string, type: SqlType): Promise<Datum>;
  /**
   * Evaluates an expression over one row of `table` (row indexed like table.columns): CHECK
   * validation when ADD CONSTRAINT CHECK meets existing rows, and ALTER COLUMN ... TYPE ...
   * USING (the text then ends in an explicit cast to the new type). Returns the datum (null for
   * SQL NULL). Optional: without it those two statements fail with 0A000 on non-empty tables.
   */
  evalRowExpr?(sqlText: string, table: import('../descriptors.js').TableDescriptor, row: readonly Datum[]): Promise<Datum>;
  notice(n: Notice): void;
  /** Throws 57014 once the client asked to cancel (checked between chunks of long rewrites). */
  checkCancel?(): void;
  /**
   * Asks for a range split at `key` once the transaction has committed (CREATE TABLE: a
   * table per range). Best effort: a failed split is logged, never the statement's error.
   */
  splitAfterCommit?(key: Buffer): void;
}

export interface DdlResult {
  /** CommandComplete tag, e.g. "CREATE TABLE". */
  readonly tag: string;
  readonly notices?: readonly Notice[];
}
