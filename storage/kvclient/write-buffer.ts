// Write buffering for the transaction coordinator: blind puts and deletes wait in memory and
// travel with the transaction's next request, or with its commit — which makes a
// transaction whose writes all arrive before commit a one-phase commit (writes and EndTxn
// in one batch: no intents ever reach the engine). Reads of buffered keys are answered here.
// Each key keeps its writes by sequence number so savepoint rollbacks can drop later ones.

import type { Request } from '../api/batch.js';
import { assert } from '../base/assert.js';

interface BufferedWrite {
  readonly seq: number;
  readonly value: Buffer | null;
}

interface Entry {
  readonly key: Buffer;
  readonly writes: BufferedWrite[];
}

/** Buffered bytes before the buffer is flushed with the next request regardless. */
export const WRITE_BUFFER_BYTES_MAX = 4 * 1024 * 1024;

export class WriteBuffer {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  get size(): number {
    return this.entries.size;
  }

  get full(): boolean {
    return this.bytes >= WRITE_BUFFER_BYTES_MAX;
  }

  add(key: Buffer, value: Buffer | null, seq: number): void {
    const k = key.toString('latin1');
    let e = this.entries.get(k);
    if (!e) this.entries.set(k, (e = { key: Buffer.from(key), writes: [] }));
    const last = e.writes[e.writes.length - 1];
    assert(!last || last.seq <= seq, 'write buffer: sequence went backwards');
    e.writes.push({ seq, value: value && Buffer.from(value) });
    this.bytes += key.length + (value?.length ?? 0) + 16;
  }

  /** The buffered value of key (null = deleted), or undefined when not buffered. */
  get(key: Buffer): Buffer | null | undefined {
    const e = this.entries.get(key.toString('latin1'));
    if (!e) return undefined;
    return e.writes[e.writes.length - 1]!.value;
  }

  /** Drops writes made after the savepoint `seq`. */
  rollbackTo(seq: number): void {
    for (const [k, e] of this.entries) {
      while (e.writes.length > 0 && e.writes[e.writes.length - 1]!.seq > seq) e.writes.pop();
      if (e.writes.length === 0) this.entries.delete(k);
    }
  }

  /**
   * The buffered writes as requests: every write of each key in sequence order (so the
   * intent keeps its per-savepoint history), keys in insertion order.
   */
  requests(): Request[] {
    const out: Request[] = [];
    for (const e of this.entries.values()) {
      for (const w of e.writes) {
        out.push(w.value === null ? { kind: 'delete', key: e.key, seq: w.seq } : { kind: 'put', key: e.key, value: w.value, seq: w.seq });
      }
    }
    return out;
  }

  keys(): Buffer[] {
    return [...this.entries.values()].map((e) => e.key);
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}
