// In-memory Engine: keys kept sorted in chunks of at most CHUNK_ENTRIES_MAX entries, with
// copy-on-write per chunk so snapshots and iterators are O(chunks) to take and never see
// later writes (the same contract as RocksDB's implicit iterator snapshots). Used by unit
// tests and the deterministic simulator; nothing is durable, so sync is a no-op.

import { assert } from '../base/assert.js';
import type { Engine, EngineIterator, EngineReader, EngineSnapshot, IterOptions, WriteBatch, WriteOptions } from './engine.js';
import { OpsBatch } from './engine.js';

const CHUNK_ENTRIES_MAX = 256;

interface Chunk {
  keys: Buffer[];
  vals: Buffer[];
  /** Generation the chunk was created in; older chunks may be shared with a snapshot. */
  gen: number;
}

/** Index of the first element of `keys` >= key. */
function lowerBound(keys: readonly Buffer[], key: Buffer): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (Buffer.compare(keys[mid]!, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the chunk that holds (or would hold) key: the last chunk whose first key <= key. */
function chunkFor(chunks: readonly Chunk[], key: Buffer): number {
  let lo = 0;
  let hi = chunks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    const first = chunks[mid]!.keys[0];
    if (first !== undefined && Buffer.compare(first, key) <= 0) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function getIn(chunks: readonly Chunk[], key: Buffer): Buffer | undefined {
  const c = chunks[chunkFor(chunks, key)]!;
  const i = lowerBound(c.keys, key);
  return i < c.keys.length && c.keys[i]!.equals(key) ? c.vals[i] : undefined;
}

class MemIterator implements EngineIterator {
  private ci = 0;
  private i = 0;

  constructor(
    private readonly chunks: readonly Chunk[],
    private readonly opts: IterOptions,
  ) {
    if (opts.reverse) this.seek(opts.upper ?? null);
    else this.seek(opts.lower ?? Buffer.alloc(0));
  }

  valid(): boolean {
    if (this.ci < 0 || this.ci >= this.chunks.length) return false;
    const c = this.chunks[this.ci]!;
    if (this.i < 0 || this.i >= c.keys.length) return false;
    const k = c.keys[this.i]!;
    if (this.opts.lower && Buffer.compare(k, this.opts.lower) < 0) return false;
    if (this.opts.upper && Buffer.compare(k, this.opts.upper) >= 0) return false;
    return true;
  }

  key(): Buffer {
    assert(this.valid(), 'mem engine: key() on invalid iterator');
    return this.chunks[this.ci]!.keys[this.i]!;
  }

  value(): Buffer {
    assert(this.valid(), 'mem engine: value() on invalid iterator');
    return this.chunks[this.ci]!.vals[this.i]!;
  }

  next(): void {
    if (this.opts.reverse) {
      this.i--;
      while (this.i < 0 && this.ci > 0) {
        this.ci--;
        this.i = this.chunks[this.ci]!.keys.length - 1;
      }
    } else {
      this.i++;
      while (this.ci < this.chunks.length - 1 && this.i >= this.chunks[this.ci]!.keys.length) {
        this.ci++;
        this.i = 0;
      }
    }
  }

  /** Forward: first key >= target. Reverse: last key <= target (null: last key < upper). */
  seek(target: Buffer | null): void {
    const { lower, upper, reverse } = this.opts;
    if (!reverse) {
      const t = target && lower && Buffer.compare(target, lower) < 0 ? lower : (target ?? Buffer.alloc(0));
      this.ci = chunkFor(this.chunks, t);
      this.i = lowerBound(this.chunks[this.ci]!.keys, t);
      if (this.i >= this.chunks[this.ci]!.keys.length) this.next0();
      return;
    }
    // Reverse: position on the last key < bound, where bound is upper (exclusive) or target (inclusive).
    let exclusive: Buffer | null = upper ?? null;
    let inclusive: Buffer | null = null;
    if (target && (!upper || Buffer.compare(target, upper) < 0)) {
      inclusive = target;
      exclusive = null;
    }
    if (inclusive === null && exclusive === null) {
      this.ci = this.chunks.length - 1;
      this.i = this.chunks[this.ci]!.keys.length - 1;
    } else {
      const probe = (inclusive ?? exclusive)!;
      this.ci = chunkFor(this.chunks, probe);
      const keys = this.chunks[this.ci]!.keys;
      let j = lowerBound(keys, probe); // first >= probe
      if (inclusive && j < keys.length && keys[j]!.equals(inclusive)) j++;
      this.i = j - 1;
    }
    while (this.i < 0 && this.ci > 0) {
      this.ci--;
      this.i = this.chunks[this.ci]!.keys.length - 1;
    }
  }

  private next0(): void {
    while (this.ci < this.chunks.length - 1 && this.i >= this.chunks[this.ci]!.keys.length) {
      this.ci++;
      this.i = 0;
    }
  }

  close(): void {}
}

class MemSnapshot implements EngineSnapshot {
  constructor(private readonly chunks: readonly Chunk[]) {}
  get(key: Buffer): Buffer | undefined {
    return getIn(this.chunks, key);
  }
  iterator(opts: IterOptions): EngineIterator {
    return new MemIterator(this.chunks, opts);
  }
  close(): void {}
}

export class MemEngine implements Engine, EngineReader {
  readonly kind = 'memory' as const;
  private chunks: Chunk[] = [{ keys: [], vals: [], gen: 0 }];
  private gen = 0;
  /** Generation in which `chunks` (the array itself) was last copied. */
  private chunksGen = 0;
  private closed = false;

  get(key: Buffer): Buffer | undefined {
    assert(!this.closed, 'mem engine: closed');
    return getIn(this.chunks, key);
  }

  iterator(opts: IterOptions): EngineIterator {
    assert(!this.closed, 'mem engine: closed');
    return new MemIterator(this.share(), opts);
  }

  snapshot(): EngineSnapshot {
    assert(!this.closed, 'mem engine: closed');
    return new MemSnapshot(this.share());
  }

  newBatch(): WriteBatch {
    return new OpsBatch();
  }

  write(batch: WriteBatch, _opts: WriteOptions): void {
    assert(!this.closed, 'mem engine: closed');
    for (const op of batch.ops()) {
      if (op.kind === 'put') this.put(op.key, op.value);
      else if (op.kind === 'delete') this.del(op.key);
      else this.delRange(op.key, op.endKey);
    }
  }

  writeDurable(batch: WriteBatch): Promise<void> {
    this.write(batch, { sync: true });
    return Promise.resolve();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Number of keys (tests and metrics). */
  size(): number {
    let n = 0;
    for (const c of this.chunks) n += c.keys.length;
    return n;
  }

  /** Hands out the current chunk list; later writes copy what they touch. */
  private share(): readonly Chunk[] {
    this.gen++;
    return this.chunks;
  }

  private writable(ci: number): Chunk {
    if (this.chunksGen < this.gen) {
      this.chunks = this.chunks.slice();
      this.chunksGen = this.gen;
    }
    const c = this.chunks[ci]!;
    if (c.gen === this.gen) return c;
    const copy: Chunk = { keys: c.keys.slice(), vals: c.vals.slice(), gen: this.gen };
    this.chunks[ci] = copy;
    return copy;
  }

  private put(key: Buffer, value: Buffer): void {
    const ci = chunkFor(this.chunks, key);
    const c = this.writable(ci);
    const i = lowerBound(c.keys, key);
    if (i < c.keys.length && c.keys[i]!.equals(key)) {
      c.vals[i] = value;
      return;
    }
    c.keys.splice(i, 0, key);
    c.vals.splice(i, 0, value);
    if (c.keys.length > CHUNK_ENTRIES_MAX) {
      const half = c.keys.length >>> 1;
      const right: Chunk = { keys: c.keys.splice(half), vals: c.vals.splice(half), gen: this.gen };
      this.chunks.splice(ci + 1, 0, right);
    }
  }

  private del(key: Buffer): void {
    const ci = chunkFor(this.chunks, key);
    const ro = this.chunks[ci]!;
    const i = lowerBound(ro.keys, key);
    if (i >= ro.keys.length || !ro.keys[i]!.equals(key)) return;
    const c = this.writable(ci);
    c.keys.splice(i, 1);
    c.vals.splice(i, 1);
    if (c.keys.length === 0 && this.chunks.length > 1) this.chunks.splice(ci, 1);
  }

  private delRange(start: Buffer, end: Buffer): void {
    const doomed: Buffer[] = [];
    const it = new MemIterator(this.chunks, { lower: start, upper: end });
    for (; it.valid(); it.next()) doomed.push(it.key());
    for (const k of doomed) this.del(k);
  }
}
