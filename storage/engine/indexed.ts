// IndexedBatch: a write batch that can be read through. Command evaluation writes into it
// and later commands of the same request batch read their predecessors' writes; the store
// then hands the op list to Engine.write (or, later, to Raft). Reads merge the pending
// writes over an underlying EngineReader.

import { assert } from '../base/assert.js';
import type { BatchOp, EngineIterator, EngineReader, IterOptions, WriteBatch } from './engine.js';

interface Pending {
  readonly key: Buffer;
  readonly value: Buffer | null;
}

export class IndexedBatch implements WriteBatch, EngineReader {
  private readonly list: BatchOp[] = [];
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly base: EngineReader) {}

  get count(): number {
    return this.list.length;
  }

  put(key: Buffer, value: Buffer): void {
    this.list.push({ kind: 'put', key, value });
    this.pending.set(key.toString('latin1'), { key, value });
  }

  delete(key: Buffer): void {
    this.list.push({ kind: 'delete', key });
    this.pending.set(key.toString('latin1'), { key, value: null });
  }

  deleteRange(_start: Buffer, _end: Buffer): void {
    assert(false, 'IndexedBatch: deleteRange is not readable-through; use a plain batch');
  }

  append(other: WriteBatch): void {
    for (const op of other.ops()) {
      if (op.kind === 'put') this.put(op.key, op.value);
      else if (op.kind === 'delete') this.delete(op.key);
      else this.deleteRange(op.key, op.endKey);
    }
  }

  /**
   * The operations to apply. Only puts and deletes exist here, so the final write per key is
   * all that matters: repeated writes of one key (an intent then its resolution, in 1PC)
   * collapse into one operation.
   */
  ops(): readonly BatchOp[] {
    if (this.list.length === this.pending.size) return this.list;
    const out: BatchOp[] = [];
    for (const p of this.pending.values()) {
      out.push(p.value === null ? { kind: 'delete', key: p.key } : { kind: 'put', key: p.key, value: p.value });
    }
    return out;
  }

  get(key: Buffer): Buffer | undefined {
    if (this.pending.size > 0) {
      const p = this.pending.get(key.toString('latin1'));
      if (p) return p.value ?? undefined;
    }
    return this.base.get(key);
  }

  iterator(opts: IterOptions): EngineIterator {
    const inner = this.base.iterator(opts);
    if (this.pending.size === 0) return inner;
    return new MergedIterator(inner, [...this.pending.values()], opts);
  }
}

/** Merges sorted pending writes (which win on equal keys; null = deleted) over an iterator. */
class MergedIterator implements EngineIterator {
  private readonly over: Pending[];
  private oi = 0;
  private cur: { key: Buffer; value: Buffer } | null = null;

  constructor(
    private readonly inner: EngineIterator,
    pending: Pending[],
    private readonly opts: IterOptions,
  ) {
    const dir = opts.reverse ? -1 : 1;
    this.over = pending
      .filter((p) => (!opts.lower || Buffer.compare(p.key, opts.lower) >= 0) && (!opts.upper || Buffer.compare(p.key, opts.upper) < 0))
      .sort((a, b) => dir * Buffer.compare(a.key, b.key));
    this.advance();
  }

  valid(): boolean {
    return this.cur !== null;
  }

  key(): Buffer {
    assert(this.cur !== null, 'merged iterator: invalid');
    return this.cur.key;
  }

  value(): Buffer {
    assert(this.cur !== null, 'merged iterator: invalid');
    return this.cur.value;
  }

  next(): void {
    assert(this.cur !== null, 'merged iterator: next() when invalid');
    this.advance();
  }

  seek(target: Buffer): void {
    this.inner.seek(target);
    const dir = this.opts.reverse ? -1 : 1;
    this.oi = 0;
    while (this.oi < this.over.length && dir * Buffer.compare(this.over[this.oi]!.key, target) < 0) this.oi++;
    this.advance();
  }

  close(): void {
    this.inner.close();
  }

  /** Moves to the next live entry from either side (pending wins ties). */
  private advance(): void {
    const dir = this.opts.reverse ? -1 : 1;
    for (;;) {
      const o = this.oi < this.over.length ? this.over[this.oi]! : null;
      const i = this.inner.valid() ? this.inner.key() : null;
      if (!o && !i) {
        this.cur = null;
        return;
      }
      const c = o && i ? dir * Buffer.compare(o.key, i) : o ? -1 : 1;
      if (c <= 0) {
        this.oi++;
        if (c === 0) this.inner.next();
        if (o!.value === null) continue;
        this.cur = { key: o!.key, value: o!.value };
        return;
      }
      this.cur = { key: i!, value: this.inner.value() };
      this.inner.next();
      return;
    }
  }
}
