// Group commit: durable (synced) write batches of one event-loop turn are merged into a
// single synced engine write, so N concurrent commits cost one fdatasync instead of N.
// Replicas hand their evaluated batches here and reply only after the promise resolves.
// This is where the Raft ready loop's batched persistence will live.

import { assert } from '../base/assert.js';
import type { Engine, WriteBatch } from '../engine/engine.js';
import { OpsBatch } from '../engine/engine.js';

/** Schedules a callback after the current turn's I/O (setImmediate by default; the simulator injects its own). */
export type Defer = (fn: () => void) => void;

/** Batches merged into one write at most; the rest wait for the next flush. */
const GROUP_BATCHES_MAX = 4096;

interface Pending {
  readonly batch: WriteBatch;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

export class WriteScheduler {
  private queue: Pending[] = [];
  private scheduled = false;
  /** A durable write is in flight: the next group waits for it (and grows meanwhile). */
  private writing = false;
  /** Synced engine writes done (metrics, tests). */
  syncCount = 0;

  constructor(
    private readonly engine: Engine,
    private readonly defer: Defer = setImmediate,
  ) {}

  /** Resolves once `batch` is applied and synced. */
  writeSynced(batch: WriteBatch): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ batch, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.writing || this.queue.length === 0) return;
    this.scheduled = true;
    this.defer(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  /** Resolves once every queued and in-flight write has finished (store shutdown). */
  async drain(): Promise<void> {
    while (this.writing || this.queue.length > 0 || this.scheduled) {
      await new Promise<void>((resolve) => this.defer(resolve));
    }
  }

  private async flush(): Promise<void> {
    assert(!this.writing, 'scheduler: overlapping flushes');
    const group = this.queue.splice(0, GROUP_BATCHES_MAX);
    if (group.length === 0) return;
    let merged: WriteBatch = group[0]!.batch;
    if (group.length > 1) {
      merged = new OpsBatch();
      for (const p of group) merged.append(p.batch);
    }
    this.writing = true;
    try {
      await this.engine.writeDurable(merged);
      this.syncCount++;
      for (const p of group) p.resolve();
    } catch (e) {
      for (const p of group) p.reject(e);
    } finally {
      this.writing = false;
      this.schedule();
    }
  }
}
