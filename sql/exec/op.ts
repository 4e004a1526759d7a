// The operator interface of sql/exec: a pull-based row iterator. A compiled plan is a tree
// of factories (built once per plan, shareable); each execution instantiates operators.

import type { ExecContext, Row } from './context.js';

export interface Op {
  /** The next row, or null at the end. Rows may be reused by the caller only until the next call. */
  next(): Promise<Row | null>;
  /** Releases resources; safe to call more than once, also before the end. */
  close(): void;
}

export type OpFactory = (cx: ExecContext) => Op;
