// TRUNCATE: deletes every key of each table (rows and index entries) in the transaction;
// RESTART IDENTITY resets the owned sequences (not rolled back: sequence values never are in
// Shoal, see catalog/sequences.ts). Tables referenced by foreign keys of tables outside the
// list need CASCADE, which truncates those too. Called by catalog/ddl/index.ts.

import { sqlError } from '../../errors.js';
import type { TruncateStmt } from '../../parse/index.js';
import { tableSpan } from '../../rowenc/index.js';
import type { TableDescriptor } from '../descriptors.js';
import type { DdlContext, DdlResult } from './context.js';
import { rangeVarName, requireTable } from './util.js';

export async function truncate(stmt: TruncateStmt, ctx: DdlContext): Promise<DdlResult> {
  const tables: TableDescriptor[] = [];
  for (const n of stmt.relations ?? []) {
    if (!('RangeVar' in n)) continue;
    const { schema, name } = rangeVarName(ctx, n.RangeVar);
    const found = await requireTable(ctx, schema, name, false);
    if (!tables.some((t) => t.id === found!.table.id)) tables.push(found!.table);
  }
  const cascade = stmt.behavior === 'DROP_CASCADE';
  // Close the set under "references a truncated table" (CASCADE) or fail (RESTRICT).
  for (let i = 0; i < tables.length; i++) {
    const t = tables[i]!;
    for (const other of await ctx.catalog.listTables(t.databaseId)) {
      if (tables.some((x) => x.id === other.id)) continue;
      if (!other.foreignKeys.some((fk) => fk.referencedTableId === t.id)) continue;
      if (!cascade) {
        throw sqlError('0A000', 'cannot truncate a table referenced in a foreign key constraint', {
          detail: `Table "${other.name}" references "${t.name}".`,
          hint: `Truncate table "${other.name}" at the same time, or use TRUNCATE ... CASCADE.`,
        });
      }
      ctx.notice({ severity: 'NOTICE', code: '00000', message: `truncate cascades to table "${other.name}"` });
      tables.push(other);
    }
  }
  for (const t of tables) {
    const span = tableSpan(t);
    await ctx.txn.deleteRange(span.key, span.endKey);
    if (stmt.restart_seqs === true) {
      for (const c of t.columns) {
        if (c.ownedSequenceId === null) continue;
        const seq = await ctx.catalog.getSequenceById(c.ownedSequenceId);
        if (seq !== null) await ctx.sequences.restart(seq);
      }
    }
  }
  return { tag: 'TRUNCATE TABLE' };
}
