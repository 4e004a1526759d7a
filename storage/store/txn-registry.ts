// The store's in-memory transaction records: which transactions with intents or locks are
// live, and the outcome of recently finished ones. A request that meets an intent asks here
// whether to wait (pending), or to clean it up (finished, or unknown = its coordinator died
// with a previous process: on a single node every live transaction is registered here).
// Records move to the replicated txn-record keyspace when transactions span ranges.

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
}

/** Finished records kept for late intent resolution; older ones are forgotten. */
const FINISHED_RECORDS_MAX = 10_000;

export class TxnRegistry {
  private readonly live = new Map<string, TxnRecord>();
  private readonly finished = new Map<string, TxnRecord>();
  /** Insertion order of `finished`, as a ring (Map iteration from the front degrades after deletes). */
  private readonly finishedOrder: string[] = new Array<string>(FINISHED_RECORDS_MAX).fill('');
  private finishedNext = 0;

  touch(id: string, priority: number): void {
    const r = this.live.get(id);
    if (r) return;
    this.live.set(id, { id, status: 'pending', commitTs: null, priority, epoch: 0, ignoredSeqs: [] });
  }

  get(id: string): TxnRecord | undefined {
    return this.live.get(id) ?? this.finished.get(id);
  }

  finish(id: string, status: 'committed' | 'aborted', commitTs: Timestamp | null, epoch = 0, ignoredSeqs: readonly SeqRange[] = []): void {
    assert(status === 'aborted' || commitTs !== null, 'txn registry: commit without timestamp');
    const r = this.live.get(id) ?? { id, status, commitTs, priority: 1, epoch, ignoredSeqs };
    this.live.delete(id);
    r.status = status;
    r.commitTs = commitTs;
    r.epoch = epoch;
    r.ignoredSeqs = ignoredSeqs;
    const evicted = this.finishedOrder[this.finishedNext]!;
    if (evicted !== '') this.finished.delete(evicted);
    this.finishedOrder[this.finishedNext] = id;
    this.finishedNext = (this.finishedNext + 1) % FINISHED_RECORDS_MAX;
    this.finished.set(id, r);
  }

  get liveCount(): number {
    return this.live.size;
  }
}
