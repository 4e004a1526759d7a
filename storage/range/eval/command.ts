// The evaluator contract: every KV command is a registered pure evaluator, one file each
// (CockroachDB's batcheval). declareKeys says which latches the command needs; evaluate
// reads through the batch (seeing earlier commands' writes), writes into it, and records
// side effects (reads for the timestamp cache, locks to take, intents written, txn end,
// stats delta, split trigger) for the replica to apply after the batch is durable. No I/O,
// no awaits, no clocks: under Raft the batch and these effects are what gets replicated.

import type { Timestamp } from '../../api/index.js';
import type { BatchHeader, Request, Response, Span } from '../../api/batch.js';
import type { RangeDescriptor, RangeStats } from '../../api/range.js';
import type { TxnMeta } from '../../api/txn-meta.js';
import type { IndexedBatch } from '../../engine/indexed.js';
import type { MvccStatsDelta } from '../../mvcc/index.js';
import type { LatchSpans } from '../concurrency/latch.js';

/**
 * A split, decided by evaluation and applied identically on every replica: the batch holds
 * both descriptors and the right-hand side's stats; applying it shrinks the left replica to
 * `lhs` and creates the replica of `rhs` (see store.applySplit).
 */
export interface SplitTrigger {
  readonly lhs: RangeDescriptor;
  readonly rhs: RangeDescriptor;
  /** Exact, computed under the split's latch over the right-hand side. */
  readonly rhsStats: RangeStats;
}

export interface EvalEffects {
  /** Spans read, and at which timestamp, for the timestamp cache. */
  readonly reads: Array<{ readonly span: Span; readonly ts: Timestamp }>;
  /** Unreplicated locks to take (locking reads). */
  readonly locks: Array<{ readonly key: Buffer; readonly strength: 'shared' | 'exclusive' }>;
  /** Keys where an intent was written. */
  readonly writes: Buffer[];
  /** Set by endTxn. */
  endTxn: { readonly commit: boolean } | null;
  /** The batch must be synced before the reply (a commit, a split). */
  sync: boolean;
  /** Lock spans whose intents the replica resolves after the batch is durable (large txns). */
  asyncResolve: readonly Span[] | null;
  /** After asyncResolve, delete the txn record (false when other ranges still hold intents). */
  deleteRecordAfterResolve: boolean;
  /** Change of the range's live data. */
  readonly stats: MvccStatsDelta;
  /** Finished transactions whose locks on this range are released (resolveIntent). */
  readonly released: Buffer[];
  split: SplitTrigger | null;
}

export interface EvalContext {
  readonly batch: IndexedBatch;
  readonly header: BatchHeader;
  /** The transaction as evaluated (timestamps possibly pushed by the replica). */
  readonly txn: TxnMeta;
  readonly effects: EvalEffects;
  /** SKIP LOCKED support: is `key` locked (lock table) by another transaction? */
  readonly lockedByOther: (key: Buffer) => boolean;
  /** The range's descriptor and statistics as of evaluation. */
  readonly desc: RangeDescriptor;
  readonly stats: RangeStats;
  readonly nodeId: number;
  /**
   * For adminSplit: the right-hand side's exact stats, computed by the replica under the
   * split's latch in chunks that yield (a large range must not stall the event loop).
   */
  readonly splitStats: RangeStats | null;
}

export interface Command<R extends Request> {
  readonly declareKeys: (req: R, header: BatchHeader, latches: LatchSpans) => void;
  readonly evaluate: (ctx: EvalContext, req: R) => Response;
}

export function newEffects(): EvalEffects {
  return {
    reads: [],
    locks: [],
    writes: [],
    endTxn: null,
    sync: false,
    asyncResolve: null,
    deleteRecordAfterResolve: true,
    stats: { liveCount: 0, liveBytes: 0 },
    released: [],
    split: null,
  };
}

/** The transaction as a write with its own sequence number sees it (the header's seq otherwise). */
export function writerTxn(ctx: EvalContext, seq: number | undefined): TxnMeta {
  return seq === undefined || seq === ctx.txn.seq ? ctx.txn : { ...ctx.txn, seq };
}
