// Public API of sql/plan: bound statement → physical plan (access paths, join methods,
// sort elimination) and EXPLAIN text. Called by sql/session through its plan cache.

import type { BoundStatement } from '../bind/index.js';
import { planRel } from './build.js';
import type { StatementPlan } from './nodes.js';

export type * from './nodes.js';
export { explainPlan } from './explain.js';
export { isFixed } from './build.js';

export function planStatement(stmt: BoundStatement): StatementPlan {
  switch (stmt.kind) {
    case 'select':
      return { kind: 'query', root: planRel(stmt.rel), cols: stmt.cols };
    case 'insert':
      return {
        kind: 'insert',
        table: stmt.table,
        source: planRel(stmt.source),
        checks: stmt.checks,
        onConflict: stmt.onConflict,
        returning: stmt.returning,
      };
    case 'update': {
      const t = stmt.table;
      const setIds = new Set(stmt.sets.map((s) => t.columns[s.col]!.id));
      const pkChanges = t.primaryIndex.columnIds.some((id) => setIds.has(id));
      const touchedIndexes = t.secondaryIndexes.filter((i) => pkChanges || i.columnIds.some((id) => setIds.has(id)));
      return {
        kind: 'update',
        table: t,
        input: planRel(stmt.input),
        sets: stmt.sets,
        checks: stmt.checks,
        returning: stmt.returning,
        pkChanges,
        touchedIndexes,
      };
    }
    case 'delete':
      return { kind: 'delete', table: stmt.table, input: planRel(stmt.input), returning: stmt.returning };
  }
}

import type { Rel } from '../bind/index.js';
import type { Plan } from './nodes.js';

/** Plans the relation of a subquery expression (exec plans these lazily, once per expression). */
export function planSubquery(rel: Rel): Plan {
  return planRel(rel);
}
