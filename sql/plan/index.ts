// Public API of sql/plan: bound statement → physical plan (access paths, join methods,
// sort elimination) and EXPLAIN text. Called by sql/session through its plan cache.

import type { BoundStatement } from '../bind/index.js';
import { planDml, planRel } from './build.js';
import type { StatementPlan } from './nodes.js';

export type * from './nodes.js';
export { explainPlan } from './explain.js';
export { isFixed } from './build.js';

export function planStatement(stmt: BoundStatement): StatementPlan {
  if (stmt.kind === 'select') return { kind: 'query', root: planRel(stmt.rel), cols: stmt.cols };
  return planDml(stmt);
}

import type { Rel } from '../bind/index.js';
import type { Plan } from './nodes.js';

/** Plans the relation of a subquery expression (exec plans these lazily, once per expression). */
export function planSubquery(rel: Rel): Plan {
  return planRel(rel);
}
