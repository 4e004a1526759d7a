// What DDL execution needs from the engine: the transaction and its Catalog, the session's
// database, search path and user, a way to evaluate constant expressions (DEFAULT values
// during backfill) and a sink for NOTICEs. Built by sql/exec for each DDL statement.

import type { Txn } from '../../../storage/index.js';
import type { Notice } from '../../session/api.js';
import type { Datum, SqlType } from '../../types/index.js';
import type { Catalog } from '../catalog.js';
import type { Sequences } from '../sequences.js';

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
   * Evaluates a boolean expression over a row of `table` (CHECK validation when a constraint
   * is added to a table that has rows). Returns null for SQL NULL. Optional: without it,
   * ADD CONSTRAINT CHECK on a non-empty table is rejected with 0A000.
   */
  evalRowExpr?(sqlText: string, table: import('../descriptors.js').TableDescriptor, row: readonly Datum[]): Promise<Datum>;
  notice(n: Notice): void;
}

export interface DdlResult {
  /** CommandComplete tag, e.g. "CREATE TABLE". */
  readonly tag: string;
  readonly notices?: readonly Notice[];
}
