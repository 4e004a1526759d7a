// Inflights (etcd's tracker/inflights.go): the MsgApp messages sent to one follower and not
// yet acknowledged, as a ring buffer of (last index, bytes). It bounds the replication
// pipeline by count (inflightMsgsMax) and by bytes (inflightBytesMax). Owned by a Progress.

import { assert } from '../base/assert.js';

export class Inflights {
  private start = 0;
  private count = 0;
  private bytes = 0;
  private readonly indexes: number[] = [];
  private readonly sizes: number[] = [];

  constructor(
    /** Messages in flight at most. */
    readonly msgsMax: number,
    /** Bytes in flight at most (0: no byte limit). */
    readonly bytesMax: number,
  ) {
    assert(msgsMax > 0 && Number.isInteger(msgsMax), `inflight msgsMax must be a positive integer: ${msgsMax}`);
    assert(bytesMax >= 0, 'inflight bytesMax must be >= 0');
  }

  clone(): Inflights {
    const c = new Inflights(this.msgsMax, this.bytesMax);
    for (let i = 0; i < this.count; i++) {
      const at = (this.start + i) % this.msgsMax;
      c.add(this.indexes[at]!, this.sizes[at]!);
    }
    return c;
  }

  /** Records a MsgApp whose last entry is `index`; indexes must increase. */
  add(index: number, bytes: number): void {
    assert(!this.full(), 'cannot add into a full inflights');
    assert(this.count === 0 || index > this.lastIndex(), `inflight index ${index} not increasing`);
    const at = (this.start + this.count) % this.msgsMax;
    this.indexes[at] = index;
    this.sizes[at] = bytes;
    this.count++;
    this.bytes += bytes;
  }

  /** Frees every message whose last index is <= to (the follower acknowledged up to `to`). */
  freeLE(to: number): void {
    if (this.count === 0 || to < this.indexes[this.start]!) return;
    let i = 0;
    let idx = this.start;
    let freedBytes = 0;
    for (; i < this.count; i++) {
      if (to < this.indexes[idx]!) break;
      freedBytes += this.sizes[idx]!;
      idx = (idx + 1) % this.msgsMax;
    }
    this.count -= i;
    this.bytes -= freedBytes;
    this.start = idx;
    if (this.count === 0) this.start = 0; // keep the ring compact for the common case
  }

  full(): boolean {
    return this.count === this.msgsMax || (this.bytesMax !== 0 && this.bytes >= this.bytesMax);
  }

  countNow(): number {
    return this.count;
  }

  bytesNow(): number {
    return this.bytes;
  }

  reset(): void {
    this.start = 0;
    this.count = 0;
    this.bytes = 0;
  }

  private lastIndex(): number {
    return this.indexes[(this.start + this.count - 1) % this.msgsMax]!;
  }
}
