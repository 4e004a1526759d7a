// The durable half of a simulated Raft node's storage: what a real node would find on disk
// after a crash. The owner loop writes each Ready's hard state, snapshot and entries as one
// atomic batch (pending until synced); compactions and local snapshots are batches too. A
// crash keeps the synced state plus a random prefix of the unsynced batches (the disk
// writes in order) and loses the rest. The sim node rebuilds its MemoryStorage from read().

import type { Entry, HardState, Snapshot } from '../../../storage/raft/types.js';
import { EMPTY_HARD_STATE } from '../../../storage/raft/types.js';
import { assert } from '../../../storage/base/index.js';
import type { SimRng } from './rng.js';

/** One atomic write: fields absent are unchanged. */
export interface RaftDiskBatch {
  readonly hardState?: HardState;
  /** Installed before `entries`: discards the log up to and including its index. */
  readonly snapshot?: Snapshot;
  /** Appended after truncating the log from entries[0].index. */
  readonly entries?: readonly Entry[];
  /** Drops entries with index < compactBelow. */
  readonly compactBelow?: number;
}

export interface RaftDiskState {
  readonly hardState: HardState;
  readonly snapshot: Snapshot | null;
  /** Contiguous entries after the snapshot (possibly starting later if compacted). */
  readonly entries: readonly Entry[];
}

/** Unsynced batches kept at most (the owner syncs every Ready that needs it). */
const UNSYNCED_BATCHES_MAX = 10_000;

class DurableLog {
  hardState: HardState = EMPTY_HARD_STATE;
  snapshot: Snapshot | null = null;
  entries: Entry[] = [];

  apply(b: RaftDiskBatch): void {
    if (b.snapshot) {
      this.snapshot = b.snapshot;
      const idx = b.snapshot.meta.index;
      this.entries = this.entries.filter((e) => e.index > idx);
      // A log that does not continue the snapshot is discarded whole (etcd's ApplySnapshot).
      if (this.entries.length > 0 && this.entries[0]!.index !== idx + 1) this.entries = [];
    }
    if (b.entries && b.entries.length > 0) {
      const first = b.entries[0]!.index;
      const keep = this.entries.length === 0 ? 0 : Math.max(0, first - this.entries[0]!.index);
      assert(this.entries.length === 0 || first <= this.entries[this.entries.length - 1]!.index + 1, `raft disk: gap before ${first}`);
      this.entries = this.entries.slice(0, keep).concat(b.entries);
    }
    if (b.compactBelow !== undefined) this.entries = this.entries.filter((e) => e.index >= b.compactBelow!);
    if (b.hardState) this.hardState = b.hardState;
  }
}

export class SimRaftDisk {
  private readonly durable = new DurableLog();
  private unsynced: RaftDiskBatch[] = [];
  syncs = 0;

  write(batch: RaftDiskBatch): void {
    this.unsynced.push(batch);
    assert(this.unsynced.length <= UNSYNCED_BATCHES_MAX, 'raft disk: too many unsynced batches');
  }

  sync(): void {
    for (const b of this.unsynced) this.durable.apply(b);
    this.unsynced = [];
    this.syncs++;
  }

  /** Keeps a random prefix of the unsynced batches (none when rng is null); returns how many were lost. */
  crash(rng: SimRng | null): number {
    const kept = rng === null ? 0 : rng.int(this.unsynced.length + 1);
    for (let i = 0; i < kept; i++) this.durable.apply(this.unsynced[i]!);
    const lost = this.unsynced.length - kept;
    this.unsynced = [];
    return lost;
  }

  /** The durable state (what a restart finds). Only meaningful with nothing unsynced. */
  read(): RaftDiskState {
    assert(this.unsynced.length === 0, 'raft disk: read with unsynced writes (crash or sync first)');
    const d = this.durable;
    return { hardState: d.hardState, snapshot: d.snapshot, entries: d.entries.slice() };
  }

  get unsyncedBatches(): number {
    return this.unsynced.length;
  }
}
