// Public API of sql/exec: compiles a statement plan into an Executable once (operator
// factories, compiled expressions), then opens cursors on it per execution. The only
// stage that touches KV (through the ExecContext's Txn). Called by sql/session.

import type { SubqueryExpr } from '../bind/index.js';
import { planSubquery } from '../plan/index.js';
import type { StatementPlan } from '../plan/index.js';
import { setSubqueryRunner } from './expr.js';
import { compilePlan, setDmlCompiler } from './ops.js';
import { deleteFactory, insertFactory, updateFactory } from './modify.js';
import type { ExecContext, Row } from './context.js';
import type { OpFactory } from './op.js';

export { ExecContext } from './context.js';
export type { ExecEnv, Row } from './context.js';
export type { Op } from './op.js';
export { compileExpr, evalAsync } from './expr.js';
export { insertRows, conflictError } from './modify.js';
export { drain, compareRows, keyOf } from './ops.js';

/** A running statement: rows (query results or RETURNING) and the affected-row count. */
export interface Cursor {
  next(): Promise<Row | null>;
  close(): void;
  /** Rows affected by a write (valid once next() returned null); null for queries. */
  affected(): number | null;
}

export interface Executable {
  readonly kind: StatementPlan['kind'];
  open(cx: ExecContext): Cursor;
}

export function compileStatement(p: StatementPlan): Executable {
  switch (p.kind) {
    case 'query': {
      const f = compilePlan(p.root);
      return {
        kind: 'query',
        open(cx) {
          const op = f(cx);
          return { next: () => op.next(), close: () => op.close(), affected: () => null };
        },
      };
    }
    case 'insert':
    case 'update':
    case 'delete': {
      const f = p.kind === 'insert' ? insertFactory(p) : p.kind === 'update' ? updateFactory(p) : deleteFactory(p);
      return {
        kind: p.kind,
        open(cx) {
          const op = f(cx);
          return { next: () => op.next(), close: () => op.close(), affected: () => op.rowCount };
        },
      };
    }
  }
}

setDmlCompiler((stmt) => (stmt.kind === 'insert' ? insertFactory(stmt) : stmt.kind === 'update' ? updateFactory(stmt) : deleteFactory(stmt)));

const subplans = new WeakMap<SubqueryExpr, OpFactory>();

setSubqueryRunner(async (sub, cx, want) => {
  let f = subplans.get(sub);
  if (f === undefined) {
    f = compilePlan(planSubquery(sub.rel));
    subplans.set(sub, f);
  }
  const op = f(cx);
  const rows: Row[] = [];
  try {
    for (let r = await op.next(); r !== null; r = await op.next()) {
      rows.push(r);
      if (want === 'exists') break;
      if (want === 'one' && rows.length > 1) break;
    }
  } finally {
    op.close();
  }
  return rows;
});
