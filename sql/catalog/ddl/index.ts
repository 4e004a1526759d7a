// DDL execution: dispatches a libpg-query statement node to its executor. Every executor
// validates against the Catalog, writes descriptors and names through it, and moves data
// (backfill, rewrite, span deletes) in the same transaction. Called by sql/session, which
// passes the transaction's Catalog in the DdlContext and calls catalog.beforeCommit() and
// catalog.afterCommit() around the commit.

import type { Node } from '../../parse/index.js';
import { sqlError } from '../../errors.js';
import { alterTable } from './alter-table.js';
import type { DdlContext, DdlResult } from './context.js';
import { createTable } from './create-table.js';
import { createDatabase, createSchema } from './database.js';
import { drop, dropDatabase } from './drop.js';
import { createIndex } from './indexes.js';
import { rename } from './rename.js';
import { alterSequence, createSequence } from './sequence.js';
import { truncate } from './truncate.js';

type Handlers = { [K in string]: (stmt: never, ctx: DdlContext) => Promise<DdlResult> };

const HANDLERS: Handlers = {
  CreateStmt: createTable,
  DropStmt: drop,
  IndexStmt: createIndex,
  AlterTableStmt: alterTable,
  RenameStmt: rename,
  TruncateStmt: truncate,
  CreateSeqStmt: createSequence,
  AlterSeqStmt: alterSequence,
  CreatedbStmt: createDatabase,
  DropdbStmt: dropDatabase,
  CreateSchemaStmt: createSchema,
  // Accepted without effect: comments are not kept (pg_description is empty) and there is
  // nothing to vacuum or analyze (no heap, no planner statistics yet).
  CommentStmt: async () => ({ tag: 'COMMENT' }),
  VacuumStmt: async (stmt: { is_vacuumcmd?: boolean }) => ({ tag: stmt.is_vacuumcmd === true ? 'VACUUM' : 'ANALYZE' }),
};

/** True for the statements executeDdl handles. */
export function isDdlStatement(stmt: Node): boolean {
  for (const k in stmt) return k in HANDLERS;
  return false;
}

/**
 * Executes one DDL statement in ctx.txn. Errors are SqlErrors with PostgreSQL's codes; the
 * caller aborts the transaction on error (partial writes are never committed).
 */
export async function executeDdl(stmt: Node, ctx: DdlContext): Promise<DdlResult> {
  for (const k in stmt) {
    const h = HANDLERS[k];
    if (h === undefined) break;
    return h((stmt as Record<string, unknown>)[k] as never, ctx);
  }
  throw sqlError('0A000', `statement ${Object.keys(stmt)[0] ?? ''} is not a DDL statement`);
}
