// A crash-consistent Engine for the cluster-level simulator: reads and writes go to a live
// MemEngine; a synced write (or writeDurable, after a simulated disk latency) makes every
// earlier write durable, as a RocksDB WAL sync does; crash() rebuilds the live engine from
// what was durable plus a random prefix of the unsynced batches (a WAL is written in order,
// so any prefix may have reached the disk). Wraps storage/engine/mem.ts without changing it.

import type { Engine, EngineIterator, EngineSnapshot, IterOptions, WriteBatch, WriteOptions } from '../../../storage/engine/index.js';
import { MemEngine, OpsBatch } from '../../../storage/engine/index.js';
import { assert } from '../../../storage/base/index.js';
import type { SimRng } from './rng.js';
import type { Scheduler } from './scheduler.js';

/** Unsynced batches kept at most; a caller that never syncs is a bug in the caller. */
const UNSYNCED_BATCHES_MAX = 100_000;

function copyBatch(batch: WriteBatch): WriteBatch {
  const copy = new OpsBatch();
  copy.append(batch);
  return copy;
}

export class SimEngine implements Engine {
  readonly kind = 'memory' as const;
  private live = new MemEngine();
  private readonly durable = new MemEngine();
  private unsynced: WriteBatch[] = [];
  /** Bumped by crash(): a writeDurable begun before the crash must not land after it. */
  private incarnation = 0;
  syncs = 0;

  constructor(
    private readonly sched: Scheduler,
    private readonly rng: SimRng,
    /** Simulated fdatasync latency bounds for writeDurable. */
    private readonly syncUsMin = 100,
    private readonly syncUsMax = 2_000,
  ) {}

  get(key: Buffer): Buffer | undefined {
    return this.live.get(key);
  }

  iterator(opts: IterOptions): EngineIterator {
    return this.live.iterator(opts);
  }

  snapshot(): EngineSnapshot {
    return this.live.snapshot();
  }

  newBatch(): WriteBatch {
    return new OpsBatch();
  }

  write(batch: WriteBatch, opts: WriteOptions): void {
    const copy = copyBatch(batch);
    this.live.write(copy, opts);
    this.unsynced.push(copy);
    assert(this.unsynced.length <= UNSYNCED_BATCHES_MAX, 'SimEngine: too many unsynced batches');
    if (opts.sync) this.sync();
  }

  writeDurable(batch: WriteBatch): Promise<void> {
    const copy = copyBatch(batch);
    const incarnation = this.incarnation;
    return new Promise((resolve) => {
      this.sched.after(this.rng.range(this.syncUsMin, this.syncUsMax), () => {
        // A crash while the write was in flight lost it; the caller's promise never settles (its process died).
        if (incarnation !== this.incarnation) return;
        this.write(copy, { sync: true });
        resolve();
      });
    });
  }

  /** Makes every write so far durable. */
  sync(): void {
    for (const b of this.unsynced) this.durable.write(b, { sync: true });
    this.unsynced = [];
    this.syncs++;
  }

  /** Loses every unsynced write except a random prefix; returns how many batches were lost. */
  crash(): number {
    const kept = this.rng.int(this.unsynced.length + 1);
    for (let i = 0; i < kept; i++) this.durable.write(this.unsynced[i]!, { sync: true });
    const lost = this.unsynced.length - kept;
    this.unsynced = [];
    this.incarnation++;
    this.live = new MemEngine();
    const copy = new OpsBatch();
    const it = this.durable.iterator({});
    for (; it.valid(); it.next()) copy.put(it.key(), it.value());
    it.close();
    this.live.write(copy, { sync: true });
    return lost;
  }

  get unsyncedBatches(): number {
    return this.unsynced.length;
  }

  async close(): Promise<void> {}
}
