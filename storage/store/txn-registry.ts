// The store's in-memory transaction records: which transactions with intents or locks are
// live (and on which of the store's ranges they wrote or locked), and the outcome of
// recently finished ones. A request that meets an intent asks here whether to wait
// (pending) or to clean it up (finished). Unknown transactions are looked up by their
// record at the intent's anchor key (range/txn-status.ts): on a single node every live
// transaction is registered here, so unknown means finished or died with a previous process.

import type { Timestamp } from '../api/index.js';
import type { SeqRange } from '../api/txn-meta.js';
import { assert } from '../base/assert.js';

export type TxnStatus = 'pending' | 'committed' | 'aborted';

export interface TxnRecord {
  readonly id: string;
  status: TxnStatus;
  /** Commit timestamp once committed. */
  commitTs: Timestamp | null;
  priority: number;
  /** Once committed: what resolving a leftover intent needs. */
  epoch: number;
  ignoredSeqs: readonly SeqRange[];
  /** While pending: ranges of this store where it holds intents or locks (released when it finishes). */
  ranges: number[];
}

/** Finished records kept for late intent resolution; older ones are forgotten. */
const FINISHED_RECORDS_MAX = 10_000;
/** Ranges tracked per live transaction; beyond, the store releases on every range. */
export const TXN_RANGES_MAX = 256;

export class TxnRegistry {
  private readonly live = new Map<string, TxnRecord>();
  private readonly finished = new Map<string, TxnRecord>();
  /** Insertion order of `finished`, as a ring (Map iteration from the front degrades after deletes). */
  private readonly finishedOrder: string[] = new Array<string>(FINISHED_RECORDS_MAX).fill('');
  private finishedNext = 0;

  /** `id` writes or locks on range `rangeId` of this store (idempotent; registers it as live). */
  touch(id: string, priority: number, rangeId = 0): void {
    let r = this.live.get(id);
    if (!r) {
      if (this.finished.has(id)) return; // a late touch (a waiter's) of a finished transaction
      this.live.set(id, (r = { id, status: 'pending', commitTs: null, priority, epoch: 0, ignoredSeqs: [], ranges: [] }));
    }
    if (rangeId !== 0 && r.ranges.length <= TXN_RANGES_MAX && !r.ranges.includes(rangeId)) r.ranges.push(rangeId);
  }

  get(id: string): TxnRecord | undefined {
    return this.live.get(id) ?? this.finished.get(id);
  }

  /** Records the outcome; returns the ranges where the transaction was live (to release its locks). */
  finish(id: string, status: 'committed' | 'aborted', commitTs: Timestamp | null, epoch = 0, ignoredSeqs: readonly SeqRange[] = []): readonly number[] {
    assert(status === 'aborted' || commitTs !== null, 'txn registry: commit without timestamp');
    const r = this.live.get(id) ?? { id, status, commitTs, priority: 1, epoch, ignoredSeqs, ranges: [] };
    this.live.delete(id);
    const ranges = r.ranges;
    r.ranges = [];
    r.status = status;
    r.commitTs = commitTs;
    r.epoch = epoch;
    r.ignoredSeqs = ignoredSeqs;
    if (!this.finished.has(id)) {
      const evicted = this.finishedOrder[this.finishedNext]!;
      if (evicted !== '') this.finished.delete(evicted);
      this.finishedOrder[this.finishedNext] = id;
      this.finishedNext = (this.finishedNext + 1) % FINISHED_RECORDS_MAX;
    }
    this.finished.set(id, r);
    return ranges;
  }

  get liveCount(): number {
    return this.live.size;
  }
}
