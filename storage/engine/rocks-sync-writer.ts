// Durable writes off the event loop: the binding's synced batch write is a blocking native
// call (one fdatasync, 0.2–3 ms here), so a worker thread opened on the same RocksDB handle
// performs it while the main thread keeps serving reads and evaluating requests. Used by
// RocksEngine.writeDurable for group commits; unsynced writes stay inline (they are ~10 µs).
// Ops travel as one packed, transferred buffer: u8 kind (0 put, 1 delete), u32 key length,
// key, and for puts u32 value length, value.

import { Worker } from 'node:worker_threads';
import { assert } from '../base/assert.js';
import type { BatchOp } from './engine.js';

/** Runs inside the worker (CommonJS, eval'd): opens the shared handle and writes synced batches. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { RocksLevel } = require(workerData.modulePath);
const db = new RocksLevel(BigInt(workerData.handle));
const EMPTY = {};
db.open().then(() => parentPort.postMessage({ ready: true }), (e) => parentPort.postMessage({ ready: false, error: String(e) }));
parentPort.on('message', ({ id, buf }) => {
  const b = Buffer.from(buf);
  const batch = db._chainedBatch();
  try {
    let o = 0;
    while (o < b.length) {
      const kind = b[o];
      const klen = b.readUInt32LE(o + 1);
      const key = b.subarray(o + 5, o + 5 + klen);
      o += 5 + klen;
      if (kind === 0) {
        const vlen = b.readUInt32LE(o);
        batch._put(key, b.subarray(o + 4, o + 4 + vlen), EMPTY);
        o += 4 + vlen;
      } else {
        batch._del(key, EMPTY);
      }
    }
    batch._writeSync({ sync: true });
    parentPort.postMessage({ id });
  } catch (e) {
    parentPort.postMessage({ id, error: String(e && e.stack || e) });
  } finally {
    batch._closeSync();
  }
});
`;

interface Pending {
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

export class SyncWriter {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly ready: Promise<void>;
  /** close() callers waiting for the writes in flight to finish. */
  private drainWaiters: Array<() => void> = [];

  constructor(handle: bigint, modulePath: string) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { handle: handle.toString(), modulePath } });
    this.ready = new Promise<void>((resolve, reject) => {
      this.worker.once('message', (m: { ready: boolean; error?: string }) => (m.ready ? resolve() : reject(new Error(m.error))));
      this.worker.once('error', reject);
    });
    this.worker.on('message', (m: { id?: number; error?: string }) => {
      if (m.id === undefined) return;
      const p = this.pending.get(m.id);
      assert(p !== undefined, 'sync writer: reply for an unknown write');
      this.pending.delete(m.id);
      if (m.error) p.reject(new Error(`rocksdb synced write failed: ${m.error}`));
      else p.resolve();
      if (this.pending.size === 0) {
        this.worker.unref();
        for (const w of this.drainWaiters.splice(0)) w();
      }
    });
    this.worker.on('error', (e) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
      for (const w of this.drainWaiters.splice(0)) w();
    });
  }

  async start(): Promise<void> {
    await this.ready;
    // An idle writer must not keep the process alive; write() refs it while work is in flight.
    this.worker.unref();
  }

  /** Applies `ops` (puts and deletes only) atomically and durably, in the worker. */
  write(ops: readonly BatchOp[]): Promise<void> {
    const buf = pack(ops);
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, buf: buf.buffer }, [buf.buffer as ArrayBuffer]);
    });
  }

  get inflight(): number {
    return this.pending.size;
  }

  /** Waits for writes in flight (their callers are owed an answer), then stops the worker. */
  async close(): Promise<void> {
    if (this.pending.size > 0) await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    await this.worker.terminate();
  }
}

function pack(ops: readonly BatchOp[]): Uint8Array {
  let size = 0;
  for (const op of ops) {
    assert(op.kind !== 'deleteRange', 'sync writer: deleteRange must be expanded first');
    size += 5 + op.key.length + (op.kind === 'put' ? 4 + op.value.length : 0);
  }
  // A fresh ArrayBuffer of exactly this size, so it can be transferred.
  const buf = Buffer.from(new ArrayBuffer(size));
  let o = 0;
  for (const op of ops) {
    buf[o] = op.kind === 'put' ? 0 : 1;
    buf.writeUInt32LE(op.key.length, o + 1);
    op.key.copy(buf, o + 5);
    o += 5 + op.key.length;
    if (op.kind === 'put') {
      buf.writeUInt32LE(op.value.length, o);
      op.value.copy(buf, o + 4);
      o += 4 + op.value.length;
    }
  }
  assert(o === size, 'sync writer: pack size mismatch');
  return buf;
}
