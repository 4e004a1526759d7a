// The Engine contract: an ordered byte-key store with atomic write batches, bounded
// iterators in both directions and consistent snapshots. mvcc/ reads through EngineReader;
// the store writes batches. Two implementations share one contract test suite:
// rocks.ts (RocksDB via @nxtedition/rocksdb) and mem.ts (sorted chunks, for tests and the
// simulator). The API is synchronous: the binding's reads and batch writes are synchronous
// native calls, and a synchronous API lets evaluation run without yielding under latches.
//
// Measured on this machine (RocksDB, bench/kv-micro.ts, values of a few bytes):
//   point get (MultiGet of one key)                ≈ 3.7 µs
//   new bounded iterator + first entries + close   ≈ 16 µs
//   seek + read on a long-lived iterator           ≈ 4.3 µs
//   unsynced one-put batch ≈ 11 µs; synced one-put batch ≈ 0.2–0.3 ms (one fdatasync)
// Hence mvcc keeps each key's newest version inline so a point read is one get(), and a
// snapshot is a long-lived iterator (RocksDB pins its view when the iterator is created).

export interface IterOptions {
  /** Inclusive lower bound; undefined = from the start of the key space. */
  readonly lower?: Buffer;
  /** Exclusive upper bound; undefined = to the end of the key space. */
  readonly upper?: Buffer;
  readonly reverse?: boolean;
  /**
   * Expected number of entries the caller will read; lets the RocksDB engine size its
   * first native fetch (a point lookup wants 1–2, a scan many). Default 16.
   */
  readonly prefetch?: number;
}

/**
 * A cursor over [lower, upper) in key order (or reverse). Created positioned on the first
 * entry in its direction. Keys and values returned stay valid after next() (they are
 * independent Buffers or immutable slices). Close it when done.
 */
export interface EngineIterator {
  valid(): boolean;
  key(): Buffer;
  value(): Buffer;
  next(): void;
  /**
   * Repositions: forward, at the first key >= target; reverse, at the last key <= target
   * (clamped to the bounds).
   */
  seek(target: Buffer): void;
  close(): void;
}

export interface EngineReader {
  get(key: Buffer): Buffer | undefined;
  iterator(opts: IterOptions): EngineIterator;
}

/** Operations applied atomically and in order by Engine.write. */
export interface WriteBatch {
  put(key: Buffer, value: Buffer): void;
  delete(key: Buffer): void;
  /** Deletes every key in [start, end), including keys put earlier in this batch. */
  deleteRange(start: Buffer, end: Buffer): void;
  readonly count: number;
  /** Appends every operation of `other` (used to group several commands' batches into one write). */
  append(other: WriteBatch): void;
  /** The operations, for appending to another batch of the same engine and for tests. */
  ops(): readonly BatchOp[];
}

export type BatchOp =
  | { readonly kind: 'put'; readonly key: Buffer; readonly value: Buffer }
  | { readonly kind: 'delete'; readonly key: Buffer }
  | { readonly kind: 'deleteRange'; readonly key: Buffer; readonly endKey: Buffer };

/** A consistent read view as of its creation; later writes are invisible. Close it. */
export interface EngineSnapshot extends EngineReader {
  close(): void;
}

export interface WriteOptions {
  /** fsync the write-ahead log before returning: required for anything acknowledged as durable. */
  readonly sync: boolean;
}

export interface Engine extends EngineReader {
  readonly kind: 'rocksdb' | 'memory';
  newBatch(): WriteBatch;
  write(batch: WriteBatch, opts: WriteOptions): void;
  /**
   * Writes and syncs `batch` without blocking the event loop where the engine can (RocksDB:
   * in a worker thread). The batch is invisible to reads until it is durable. Callers keep
   * at most a few of these in flight (the store's group commit keeps one).
   */
  writeDurable(batch: WriteBatch): Promise<void>;
  snapshot(): EngineSnapshot;
  close(): Promise<void>;
}

/** A simple, engine-independent WriteBatch: a list of ops. Both engines use it. */
export class OpsBatch implements WriteBatch {
  private readonly list: BatchOp[] = [];

  get count(): number {
    return this.list.length;
  }

  put(key: Buffer, value: Buffer): void {
    this.list.push({ kind: 'put', key, value });
  }

  delete(key: Buffer): void {
    this.list.push({ kind: 'delete', key });
  }

  deleteRange(start: Buffer, end: Buffer): void {
    if (Buffer.compare(start, end) >= 0) return;
    this.list.push({ kind: 'deleteRange', key: start, endKey: end });
  }

  append(other: WriteBatch): void {
    for (const op of other.ops()) this.list.push(op);
  }

  ops(): readonly BatchOp[] {
    return this.list;
  }
}
