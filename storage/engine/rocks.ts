// RocksDB Engine over @nxtedition/rocksdb — the only importer of the binding. Uses the
// binding's synchronous calls (_getManySync, iterator _nextvSync/_seekSync, chained batch
// _writeSync), which are native calls without a thread-pool hop: fast, and they let the
// store evaluate a request without yielding. Snapshots are long-lived native iterators
// (a RocksDB iterator pins the sequence number it was created at).

import { createRequire } from 'node:module';
import { assert } from '../base/assert.js';
import type { BatchOp, Engine, EngineIterator, EngineSnapshot, IterOptions, WriteBatch, WriteOptions } from './engine.js';
import { OpsBatch } from './engine.js';
import { SyncWriter } from './rocks-sync-writer.js';

/** The subset of the binding's (underscore, synchronous) API that we use. */
interface NativeIterator {
  _nextvSync(size: number, options: object): { rows: Buffer[]; finished: boolean };
  _seekSync(target: Buffer): void;
  _closeSync(): void;
}
interface NativeBatch {
  _put(key: Buffer, value: Buffer, options: object): void;
  _del(key: Buffer, options: object): void;
  _writeSync(options: { sync: boolean }): void;
  _closeSync(): void;
}
interface NativeDb {
  readonly handle: bigint;
  open(options: object): Promise<void>;
  close(): Promise<void>;
  _getManySync(keys: Buffer[], options: object): Array<Buffer | undefined | null>;
  _iterator(options: object): NativeIterator;
  _chainedBatch(): NativeBatch;
}
type RocksLevelCtor = new (location: string, options: object) => NativeDb;

const require = createRequire(import.meta.url);
const { RocksLevel } = require('@nxtedition/rocksdb') as { RocksLevel: RocksLevelCtor };

const EMPTY = {};
const PREFETCH_MAX = 1024;

/**
 * RocksDB tuning. With the binding's 8 MiB default block cache a pgbench point read missed
 * the cache and decompressed a ZSTD block (engine get ≈ 13 µs CPU at scale 5; 9 µs with
 * this cache, measured over a copy of a pgbench store). 512 MiB holds a
 * working set of a few million rows uncompressed; the cache grows with use (HyperClockCache
 * sizes itself), so small test stores do not pay for it. The WAL stays uncompressed:
 * compressing it costs CPU on every commit to save bytes nobody is short of.
 */
const BLOCK_CACHE_BYTES = 512 * 1024 * 1024;
const OPEN_OPTIONS = { createIfMissing: true, cacheSize: BLOCK_CACHE_BYTES, walCompression: false };

class RocksIterator implements EngineIterator {
  private rows: Buffer[] = [];
  private pos = 0;
  private finished = false;
  private fetchSize: number;
  private native: NativeIterator | null;

  constructor(
    db: NativeDb,
    private readonly opts: IterOptions,
  ) {
    const o: Record<string, unknown> = { keyEncoding: 'buffer', valueEncoding: 'buffer', reverse: opts.reverse === true };
    if (opts.lower) o['gte'] = opts.lower;
    // Reverse iterators keep the upper bound in JS: the binding's seek invalidates a
    // reverse iterator whose target is at or beyond its native upper bound.
    if (opts.upper && !opts.reverse) o['lt'] = opts.upper;
    this.native = db._iterator(o);
    this.fetchSize = Math.max(1, Math.min(opts.prefetch ?? 16, PREFETCH_MAX));
    if (opts.reverse && opts.upper) this.seek(opts.upper);
    else this.fill();
  }

  valid(): boolean {
    if (this.pos >= this.rows.length) return false;
    // Only reverse iterators check the upper bound here (see the constructor).
    return !(this.opts.reverse && this.opts.upper && Buffer.compare(this.rows[this.pos]!, this.opts.upper) >= 0);
  }

  key(): Buffer {
    assert(this.valid(), 'rocks engine: key() on invalid iterator');
    return this.rows[this.pos]!;
  }

  value(): Buffer {
    assert(this.valid(), 'rocks engine: value() on invalid iterator');
    return this.rows[this.pos + 1]!;
  }

  next(): void {
    assert(this.pos < this.rows.length, 'rocks engine: next() on invalid iterator');
    this.pos += 2;
    if (this.pos >= this.rows.length && !this.finished) this.fill();
  }

  seek(target: Buffer): void {
    assert(this.native !== null, 'rocks engine: seek() on closed iterator');
    const { lower, upper, reverse } = this.opts;
    // The binding invalidates the iterator when the target lies outside the bounds;
    // clamp instead so seek means what the Engine contract says.
    let t = target;
    let skipEqual: Buffer | null = null;
    if (!reverse && lower && Buffer.compare(t, lower) < 0) t = lower;
    if (reverse && upper && Buffer.compare(t, upper) >= 0) {
      t = upper;
      skipEqual = upper; // SeekForPrev lands on upper itself when present: excluded
    }
    this.native._seekSync(t);
    this.rows = [];
    this.pos = 0;
    this.finished = false;
    this.fill();
    if (skipEqual && this.pos < this.rows.length && this.rows[this.pos]!.equals(skipEqual)) this.next();
  }

  close(): void {
    if (this.native) this.native._closeSync();
    this.native = null;
    this.rows = [];
    this.pos = 0;
  }

  private fill(): void {
    assert(this.native !== null, 'rocks engine: read from closed iterator');
    const { rows, finished } = this.native._nextvSync(this.fetchSize, EMPTY);
    this.rows = rows;
    this.pos = 0;
    this.finished = finished;
    // Point lookups fetch one or two rows; a caller that keeps going is scanning: grow.
    this.fetchSize = Math.min(this.fetchSize * 4, PREFETCH_MAX);
  }
}

/**
 * A snapshot: one forward native iterator opened at snapshot time, reused with seek for
 * gets and forward scans, and a reverse iterator opened right after it. One scan at a time
 * per direction. Caveat: a durable write finishing in the sync worker between the two
 * creations makes the reverse view one group commit newer; the store never relies on
 * snapshots for consistency (latches do that), they serve long scans that yield.
 */
class RocksSnapshot implements EngineSnapshot {
  private fwd: RocksIterator | null;
  private rev: RocksIterator | null;

  constructor(db: NativeDb) {
    this.fwd = new RocksIterator(db, { prefetch: 2 });
    this.rev = new RocksIterator(db, { reverse: true, prefetch: 2 });
  }

  get(key: Buffer): Buffer | undefined {
    assert(this.fwd !== null, 'rocks snapshot: closed');
    this.fwd.seek(key);
    return this.fwd.valid() && this.fwd.key().equals(key) ? this.fwd.value() : undefined;
  }

  iterator(opts: IterOptions): EngineIterator {
    assert(this.fwd !== null && this.rev !== null, 'rocks snapshot: closed');
    return new BoundedView(opts.reverse ? this.rev : this.fwd, opts);
  }

  close(): void {
    this.fwd?.close();
    this.rev?.close();
    this.fwd = null;
    this.rev = null;
  }
}

/** Applies bounds in JS over a shared unbounded native iterator of a snapshot. */
class BoundedView implements EngineIterator {
  constructor(
    private readonly it: RocksIterator,
    private readonly opts: IterOptions,
  ) {
    if (opts.reverse) {
      // Reverse: last key < upper. Seek to upper (SeekForPrev: last key <= upper), skip upper itself.
      if (opts.upper) {
        it.seek(opts.upper);
        if (it.valid() && it.key().equals(opts.upper)) it.next();
      } else {
        it.seek(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
      }
    } else {
      it.seek(opts.lower ?? Buffer.from([0x00]));
    }
  }
  valid(): boolean {
    if (!this.it.valid()) return false;
    const k = this.it.key();
    if (this.opts.lower && Buffer.compare(k, this.opts.lower) < 0) return false;
    if (this.opts.upper && Buffer.compare(k, this.opts.upper) >= 0) return false;
    return true;
  }
  key(): Buffer {
    return this.it.key();
  }
  value(): Buffer {
    return this.it.value();
  }
  next(): void {
    this.it.next();
  }
  seek(target: Buffer): void {
    this.it.seek(target);
  }
  close(): void {}
}

export interface RocksEngineOptions {
  /** Perform durable writes in a worker thread (default true); false keeps them on the event loop. */
  readonly syncWorker?: boolean;
}

export class RocksEngine implements Engine {
  readonly kind = 'rocksdb' as const;
  private closed = false;

  private constructor(
    private readonly db: NativeDb,
    private readonly syncWriter: SyncWriter | null,
  ) {}

  static async open(dir: string, opts: RocksEngineOptions = {}): Promise<RocksEngine> {
    const db = new RocksLevel(dir, {});
    await db.open(OPEN_OPTIONS);
    let writer: SyncWriter | null = null;
    if (opts.syncWorker !== false) {
      writer = new SyncWriter(db.handle, require.resolve('@nxtedition/rocksdb'));
      await writer.start();
    }
    return new RocksEngine(db, writer);
  }

  async writeDurable(batch: WriteBatch): Promise<void> {
    assert(!this.closed, 'rocks engine: closed');
    if (!this.syncWriter) return this.write(batch, { sync: true });
    await this.syncWriter.write(this.expandDeleteRanges(batch.ops()));
  }

  /** deleteRange as point deletes of the keys present now (plus earlier puts of the batch). */
  private expandDeleteRanges(ops: readonly BatchOp[]): readonly BatchOp[] {
    if (!ops.some((op) => op.kind === 'deleteRange')) return ops;
    const out: BatchOp[] = [];
    for (const op of ops) {
      if (op.kind !== 'deleteRange') {
        out.push(op);
        continue;
      }
      const it = new RocksIterator(this.db, { lower: op.key, upper: op.endKey, prefetch: 256 });
      try {
        for (; it.valid(); it.next()) out.push({ kind: 'delete', key: it.key() });
      } finally {
        it.close();
      }
      for (const prev of out.slice()) {
        if (prev.kind === 'put' && Buffer.compare(prev.key, op.key) >= 0 && Buffer.compare(prev.key, op.endKey) < 0) out.push({ kind: 'delete', key: prev.key });
      }
    }
    return out;
  }

  get(key: Buffer): Buffer | undefined {
    assert(!this.closed, 'rocks engine: closed');
    const v = this.db._getManySync([key], EMPTY)[0];
    assert(v !== null, 'rocks engine: get timed out or aborted');
    return v;
  }

  iterator(opts: IterOptions): EngineIterator {
    assert(!this.closed, 'rocks engine: closed');
    return new RocksIterator(this.db, opts);
  }

  snapshot(): EngineSnapshot {
    assert(!this.closed, 'rocks engine: closed');
    return new RocksSnapshot(this.db);
  }

  newBatch(): WriteBatch {
    return new OpsBatch();
  }

  write(batch: WriteBatch, opts: WriteOptions): void {
    assert(!this.closed, 'rocks engine: closed');
    const ops = batch.ops();
    if (ops.length === 0 && !opts.sync) return;
    const native = this.db._chainedBatch();
    try {
      this.fill(native, ops);
      native._writeSync({ sync: opts.sync });
    } finally {
      native._closeSync();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.syncWriter) await this.syncWriter.close();
    await this.db.close();
  }

  private fill(native: NativeBatch, ops: readonly BatchOp[]): void {
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      if (op.kind === 'put') native._put(op.key, op.value, EMPTY);
      else if (op.kind === 'delete') native._del(op.key, EMPTY);
      else this.fillDeleteRange(native, ops, i);
    }
  }

  /**
   * The binding has no DeleteRange: delete each key present in the engine, plus keys put
   * earlier in this batch (a delete after a put in one native batch wins).
   */
  private fillDeleteRange(native: NativeBatch, ops: readonly BatchOp[], at: number): void {
    const op = ops[at]!;
    assert(op.kind === 'deleteRange', 'rocks engine: expected deleteRange');
    const it = new RocksIterator(this.db, { lower: op.key, upper: op.endKey, prefetch: 256 });
    try {
      for (; it.valid(); it.next()) native._del(it.key(), EMPTY);
    } finally {
      it.close();
    }
    for (let j = 0; j < at; j++) {
      const prev = ops[j]!;
      if (prev.kind === 'put' && Buffer.compare(prev.key, op.key) >= 0 && Buffer.compare(prev.key, op.endKey) < 0) {
        native._del(prev.key, EMPTY);
      }
    }
  }
}
