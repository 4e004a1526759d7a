// The evaluator contract: every KV command is a registered pure evaluator, one file each
// (CockroachDB's batcheval). declareKeys says which latches the command needs; evaluate
// reads through the batch (seeing earlier commands' writes), writes into it, and records
// side effects (reads for the timestamp cache, locks to take, intents written, txn end)
// for the replica to apply after the batch is durable. No I/O, no awaits, no clocks.

import type { Timestamp } from '../../api/index.js';
import type { BatchHeader, Request, Response, Span } from '../../api/batch.js';
import type { TxnMeta } from '../../api/txn-meta.js';
import type { IndexedBatch } from '../../engine/indexed.js';
import type { LatchSpans } from '../concurrency/latch.js';

export interface EvalEffects {
  /** Spans read, and at which timestamp, for the timestamp cache. */
  readonly reads: Array<{ readonly span: Span; readonly ts: Timestamp }>;
  /** Unreplicated locks to take (locking reads). */
  readonly locks: Array<{ readonly key: Buffer; readonly strength: 'shared' | 'exclusive' }>;
  /** Keys where an intent was written. */
  readonly writes: Buffer[];
  /** Set by endTxn. */
  endTxn: { readonly commit: boolean } | null;
  /** The batch must be synced before the reply (a commit). */
  sync: boolean;
  /** Lock spans whose intents the replica resolves after the batch is durable (large txns). */
  asyncResolve: readonly Span[] | null;
}

export interface EvalContext {
  readonly batch: IndexedBatch;
  readonly header: BatchHeader;
  /** The transaction as evaluated (timestamps possibly pushed by the replica). */
  readonly txn: TxnMeta;
  readonly effects: EvalEffects;
  /** SKIP LOCKED support: is `key` locked (lock table) by another transaction? */
  readonly lockedByOther: (key: Buffer) => boolean;
}

export interface Command<R extends Request> {
  readonly declareKeys: (req: R, header: BatchHeader, latches: LatchSpans) => void;
  readonly evaluate: (ctx: EvalContext, req: R) => Response;
}

export function newEffects(): EvalEffects {
  return { reads: [], locks: [], writes: [], endTxn: null, sync: false, asyncResolve: null };
}

/** The transaction as a write with its own sequence number sees it (the header's seq otherwise). */
export function writerTxn(ctx: EvalContext, seq: number | undefined): TxnMeta {
  return seq === undefined || seq === ctx.txn.seq ? ctx.txn : { ...ctx.txn, seq };
}
