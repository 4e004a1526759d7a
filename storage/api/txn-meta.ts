// Transaction metadata carried by every transactional request (BatchHeader.txn) and stored
// in intents. Shared by kvclient (which owns it), range (which evaluates with it) and mvcc.

import type { Timestamp } from './index.js';

/** An inclusive range of sequence numbers whose writes were rolled back by a savepoint. */
export interface SeqRange {
  readonly start: number;
  readonly end: number;
}

export interface TxnMeta {
  /** 16 random bytes. Txn.id is its hex form. */
  readonly id: Buffer;
  /** Incremented when the transaction restarts and wants its old intents ignored. */
  readonly epoch: number;
  /** Reads happen at this timestamp. */
  readonly readTs: Timestamp;
  /** Writes happen at this timestamp (>= readTs; pushed by conflicts). */
  readonly writeTs: Timestamp;
  /** Sequence number of the latest write (reads see writes with seq <= this). */
  readonly seq: number;
  readonly ignoredSeqs: readonly SeqRange[];
  /** Higher priority wins deadlock victim selection; 0 = low, 1 = normal, 2 = high. */
  readonly priority: number;
  /**
   * The key of the transaction's first write or lock (set by the coordinator, then fixed):
   * its record lives on the range holding this key (range-local key), and every intent
   * carries it, so whoever meets an intent knows where to find the transaction's status.
   * Null until the transaction first writes or locks.
   */
  readonly anchorKey: Buffer | null;
}

export function seqIgnored(seq: number, ignored: readonly SeqRange[]): boolean {
  for (let i = 0; i < ignored.length; i++) {
    const r = ignored[i]!;
    if (seq >= r.start && seq <= r.end) return true;
  }
  return false;
}
