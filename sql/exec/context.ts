// The per-execution state operators share: the transaction, the catalog view, parameter
// values, the builtins' EvalContext, rows published for correlated subqueries and LATERAL,
// results of async expression leaves, materialized CTEs, and the cancel flag.
// Created by sql/session for each statement execution (portal).

import type { EvalContext } from '../builtins/index.js';
import type { Catalog, Sequences, VirtualContext } from '../catalog/index.js';
import { sqlError } from '../errors.js';
import type { Datum } from '../types/index.js';
import type { Txn } from '../../storage/index.js';

export type Row = Datum[];

/** Rows a statement produces between yields to the event loop. */
export const rowsPerTurn = 1024;

export interface ExecEnv {
  readonly txn: Txn;
  readonly catalog: Catalog;
  readonly sequences: Sequences;
  readonly evalCtx: EvalContext;
  readonly params: readonly Datum[];
  readonly vctx: () => VirtualContext;
  /** Checked between rows: true once the client asked to cancel. */
  readonly cancelled: () => boolean;
}

export class ExecContext {
  readonly txn: Txn;
  readonly catalog: Catalog;
  readonly sequences: Sequences;
  readonly evalCtx: EvalContext;
  readonly params: readonly Datum[];
  /** outer[d]: the current row of query level d (correlated subqueries, LATERAL). */
  readonly outer: Row[] = [];
  /** Values of async expression leaves (subqueries, async functions), by leaf id. */
  readonly leafValues = new Map<number, Datum>();
  /** Uncorrelated subquery results, by leaf id: computed once per execution. */
  readonly subqueryCache = new Map<number, Datum>();
  /** Materialized CTE rows, by CTE id (the working table while a recursive CTE iterates). */
  readonly cteRows = new Map<number, Row[]>();
  private readonly vctxFn: () => VirtualContext;
  private readonly cancelledFn: () => boolean;
  private rowsSinceCheck = 0;

  constructor(env: ExecEnv) {
    this.txn = env.txn;
    this.catalog = env.catalog;
    this.sequences = env.sequences;
    this.evalCtx = env.evalCtx;
    this.params = env.params;
    this.vctxFn = env.vctx;
    this.cancelledFn = env.cancelled;
  }

  virtualContext(): VirtualContext {
    return this.vctxFn();
  }

  /**
   * Called per produced row by row sources. Every `rowsPerTurn` rows it returns a promise
   * that yields one event-loop turn (so long statements never starve other sessions, and a
   * cancel request can arrive), then checks for cancellation. Otherwise null: no await.
   */
  tick(): Promise<void> | null {
    if (++this.rowsSinceCheck < rowsPerTurn) return null;
    this.rowsSinceCheck = 0;
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.checkCancel());
  }

  /** Yields one event-loop turn now (long synchronous work between rows: sorting, merging). */
  async yieldTurn(): Promise<void> {
    this.rowsSinceCheck = 0;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.checkCancel();
  }

  checkCancel(): void {
    if (this.cancelledFn()) throw sqlError('57014', 'canceling statement due to user request');
  }
}
