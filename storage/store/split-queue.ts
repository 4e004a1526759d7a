// The size-based split queue: when a range's live bytes exceed the store's limit, pick the
// key in the middle of its data (by bytes) and split there through the same adminSplit path
// an operator's ALTER TABLE … SPLIT AT takes (a kv client, injected as a SplitRequester so
// storage/store never imports kvclient). One split in flight per store; ranges that cannot
// be split (one huge key) are retried only after growing further.

import type { Logger } from 'pino';
import { assert } from '../base/assert.js';
import type { Engine } from '../engine/engine.js';
import { META_PREFIX } from '../keys/system.js';
import { decodeRecord } from '../mvcc/index.js';
import type { Replica } from '../range/replica.js';

/** Splits a range at a key (KvDb.adminSplit: allocates the range id, updates meta). */
export interface SplitRequester {
  requestSplit(key: Buffer): Promise<void>;
}

export interface SplitQueueDeps {
  readonly engine: Engine;
  readonly maxBytes: number;
  readonly requester: SplitRequester | null;
  readonly run: (task: (stopping: () => boolean) => Promise<void>) => Promise<void>;
  readonly yieldTurn: () => Promise<void>;
  readonly replica: (rangeId: number) => Replica | undefined;
  readonly logger?: Logger;
}

/** Records read per chunk while looking for the middle key (the scan yields between chunks). */
const SPLIT_SCAN_CHUNK_KEYS = 1024;
/** After a failed or impossible split, wait until the range grew by this factor. */
const RETRY_GROWTH_FACTOR = 1.25;

export class SplitQueue {
  private inFlight = false;
  /** rangeId → live bytes when a split was last attempted. */
  private readonly attemptedAt = new Map<number, number>();
  /** Ranges over the limit waiting for the split in flight to finish. */
  private readonly pending = new Set<number>();
  splitsDone = 0;

  constructor(private readonly deps: SplitQueueDeps) {
    assert(deps.maxBytes > 0, 'split queue: rangeSizeMaxBytes must be positive');
  }

  /** Called when a range's stats grew: enqueues it if it is over the limit. Cheap when not. */
  maybeEnqueue(r: Replica): void {
    if (this.deps.requester === null || r.stats.liveBytes <= this.deps.maxBytes) return;
    if (r.desc.startKey.equals(META_PREFIX)) return; // the meta range never splits
    const last = this.attemptedAt.get(r.rangeId);
    if (last !== undefined && r.stats.liveBytes < last * RETRY_GROWTH_FACTOR) return;
    if (this.inFlight) {
      this.pending.add(r.rangeId);
      return;
    }
    this.inFlight = true;
    this.attemptedAt.set(r.rangeId, r.stats.liveBytes);
    void this.deps.run((stopping) => this.split(r, stopping)).catch(() => undefined);
  }

  private async split(r: Replica, stopping: () => boolean): Promise<void> {
    try {
      await this.deps.yieldTurn();
      if (stopping()) return;
      const key = await this.middleKey(r, stopping);
      if (key === null || stopping()) return;
      await this.deps.requester!.requestSplit(key);
      this.splitsDone++;
      this.attemptedAt.delete(r.rangeId);
    } catch (e) {
      this.deps.logger?.warn({ err: e, rangeId: r.rangeId }, 'size-based split failed');
    } finally {
      this.inFlight = false;
      this.next(stopping);
    }
  }

  private next(stopping: () => boolean): void {
    if (stopping()) return;
    for (const id of this.pending) {
      this.pending.delete(id);
      const r = this.deps.replica(id);
      if (r) this.maybeEnqueue(r);
      if (this.inFlight) return;
    }
  }

  /** The first key at which the live bytes before it reach half the range's, or null. */
  private async middleKey(r: Replica, stopping: () => boolean): Promise<Buffer | null> {
    const half = r.stats.liveBytes / 2;
    let acc = 0;
    let from = r.desc.startKey;
    for (;;) {
      const end = r.desc.endKey;
      const it = this.deps.engine.iterator({ lower: from, upper: end, prefetch: SPLIT_SCAN_CHUNK_KEYS });
      let n = 0;
      try {
        for (; it.valid(); it.next()) {
          const key = it.key();
          if (n++ >= SPLIT_SCAN_CHUNK_KEYS) {
            from = key;
            break;
          }
          if (acc >= half && Buffer.compare(key, r.desc.startKey) > 0) return Buffer.from(key);
          const latest = decodeRecord(it.value()).latest;
          if (latest && latest.value !== null) acc += key.length + latest.value.length;
        }
        if (!it.valid()) return null;
      } finally {
        it.close();
      }
      await this.deps.yieldTurn();
      if (stopping()) return null;
    }
  }
}
