// Sequence values (nextval/setval) and the hidden rowid counters. PostgreSQL semantics where
// it matters: nextval is never rolled back (each block allocation is its own short KV
// transaction), bounds and CYCLE are honoured, setval(v, false) makes the next call return v.
// Documented deviation (DESIGN decision 9, like CockroachDB's cache): a node takes values
// in blocks of max(CACHE, sequenceBlockSize) and hands them out in order, so on one node
// values are strictly increasing; across node restarts (and, later, across nodes) the unused
// rest of a block is skipped. pg_sequences.last_value shows the end of the last block.
// currval/lastval are per session and live in the engine. Called by exec and catalog/ddl.

import assert from 'node:assert/strict';
import type { KvDb, Txn } from '../../storage/index.js';
import { KvError } from '../../storage/index.js';
import { sqlError } from '../errors.js';
import type { DescriptorId, SequenceDescriptor } from './descriptors.js';
import { decodeBigInt, encodeInt, rowidCounterKey, sequenceValueKey } from './system.js';

/** Values a node takes from the KV store at once per sequence (at least the sequence's CACHE). */
export const sequenceBlockSize = 32;
/** Rowids a node takes at once per table without a primary key (COPY loads many rows). */
export const rowidBlockSize = 1024;
const allocationAttemptsMax = 50;

/** Stored state of a sequence: the last value allocated and whether it was handed out. */
export interface SequenceState {
  readonly lastValue: bigint;
  readonly isCalled: boolean;
}

interface Block {
  version: number;
  next: bigint;
  remaining: number;
  /** The stored state this block replaced, and the one it wrote (to give unused values back). */
  readonly before: SequenceState;
  readonly last: bigint;
  readonly increment: bigint;
  readonly count: number;
}

export class Sequences {
  private readonly blocks = new Map<DescriptorId, Block>();
  private readonly rowidBlocks = new Map<DescriptorId, { next: bigint; remaining: number }>();
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(readonly kv: KvDb) {}

  /** The next value of `seq` (PostgreSQL nextval). */
  async nextval(seq: SequenceDescriptor): Promise<bigint> {
    for (;;) {
      const b = this.blocks.get(seq.id);
      if (b !== undefined && b.version === seq.version && b.remaining > 0) {
        const v = b.next;
        b.next += seq.increment;
        b.remaining--;
        return v;
      }
      await this.serialized(`s${seq.id}`, () => this.allocateBlock(seq));
    }
  }

  /** setval(seq, value, isCalled): the next nextval returns value + increment (or value). */
  async setval(seq: SequenceDescriptor, value: bigint, isCalled = true): Promise<bigint> {
    if (value < seq.minValue || value > seq.maxValue) {
      throw sqlError(
        '22003',
        `setval: value ${value} is out of bounds for sequence "${seq.name}" (${seq.minValue}..${seq.maxValue})`,
      );
    }
    await this.writeState(seq.id, { lastValue: value, isCalled });
    return value;
  }

  /** ALTER SEQUENCE ... RESTART [WITH v] and TRUNCATE ... RESTART IDENTITY. Not transactional. */
  async restart(seq: SequenceDescriptor, value?: bigint): Promise<void> {
    await this.writeState(seq.id, { lastValue: value ?? seq.start, isCalled: false });
  }

  /** The stored state (for SELECT * FROM seq, pg_sequences); reads in `txn` when given. */
  async peek(seq: SequenceDescriptor, txn?: Txn): Promise<SequenceState> {
    const read = async (t: Txn): Promise<SequenceState> => decodeState(await t.get(sequenceValueKey(seq.id)), seq);
    if (txn !== undefined) return read(txn);
    return this.inOwnTxn(read);
  }

  /**
   * ALTER SEQUENCE: drops this node's cached block and gives its unused values back (when no
   * other allocation happened since), so the next nextval continues right after the last one
   * handed out, with the new options, as in PostgreSQL.
   */
  async release(seq: SequenceDescriptor): Promise<void> {
    await this.serialized(`s${seq.id}`, async () => {
      const b = this.blocks.get(seq.id);
      this.blocks.delete(seq.id);
      if (b === undefined || b.remaining === 0) return;
      const handed = b.count - b.remaining;
      const back: SequenceState = handed === 0 ? b.before : { lastValue: b.next - b.increment, isCalled: true };
      await this.inOwnTxn(async (txn) => {
        const key = sequenceValueKey(seq.id);
        const state = decodeState(await txn.get(key), seq);
        if (state.isCalled && state.lastValue === b.last) await txn.put(key, encodeState(back));
      });
    });
  }

  /** Forgets the node's cached block (DROP/ALTER SEQUENCE). */
  forget(seqId: DescriptorId): void {
    this.blocks.delete(seqId);
    this.rowidBlocks.delete(seqId);
  }

  /** Next hidden rowid of a table created without a primary key: small, increasing, < 2^53. */
  async nextRowId(tableId: DescriptorId): Promise<bigint> {
    for (;;) {
      const b = this.rowidBlocks.get(tableId);
      if (b !== undefined && b.remaining > 0) {
        b.remaining--;
        return b.next++;
      }
      await this.serialized(`r${tableId}`, () => this.allocateRowids(tableId));
    }
  }

  // ---- internals ----

  private async allocateBlock(seq: SequenceDescriptor): Promise<void> {
    const cur = this.blocks.get(seq.id);
    if (cur !== undefined && cur.version === seq.version && cur.remaining > 0) return;
    const want = BigInt(Math.max(seq.cache, sequenceBlockSize));
    const block = await this.inOwnTxn(async (txn) => {
      const key = sequenceValueKey(seq.id);
      const state = decodeState(await txn.get(key), seq);
      const first = firstValue(seq, state);
      const inc = seq.increment;
      // How many values fit before the bound in the direction of the increment.
      const room = inc > 0n ? (seq.maxValue - first) / inc + 1n : (first - seq.minValue) / -inc + 1n;
      const count = room < want ? room : want;
      assert(count >= 1n, 'sequence block must hold a value');
      const last = first + (count - 1n) * inc;
      await txn.put(key, encodeState({ lastValue: last, isCalled: true }));
      return { version: seq.version, next: first, remaining: Number(count), before: state, last, increment: inc, count: Number(count) };
    });
    this.blocks.set(seq.id, block);
  }

  private async allocateRowids(tableId: DescriptorId): Promise<void> {
    const cur = this.rowidBlocks.get(tableId);
    if (cur !== undefined && cur.remaining > 0) return;
    const block = await this.inOwnTxn(async (txn) => {
      const key = rowidCounterKey(tableId);
      const value = await txn.get(key);
      const last = value === null ? 0n : decodeBigInt(value);
      await txn.put(key, encodeInt(last + BigInt(rowidBlockSize)));
      return { next: last + 1n, remaining: rowidBlockSize };
    });
    this.rowidBlocks.set(tableId, block);
  }

  private async writeState(seqId: DescriptorId, state: SequenceState): Promise<void> {
    await this.serialized(`s${seqId}`, async () => {
      this.blocks.delete(seqId);
      await this.inOwnTxn((txn) => txn.put(sequenceValueKey(seqId), encodeState(state)));
      this.blocks.delete(seqId);
    });
  }

  /** Runs one allocation per key at a time on this node; later callers wait for it. */
  private async serialized(key: string, fn: () => Promise<void>): Promise<void> {
    for (;;) {
      const running = this.inflight.get(key);
      if (running === undefined) break;
      await running.catch(() => undefined);
    }
    const p = fn();
    this.inflight.set(key, p);
    try {
      await p;
    } finally {
      this.inflight.delete(key);
    }
  }

  /** A short transaction of its own, retried on retryable KV errors. */
  private async inOwnTxn<T>(fn: (txn: Txn) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const txn = this.kv.begin({ debugName: 'sequence', priority: 'high' });
      try {
        const out = await fn(txn);
        await txn.commit();
        return out;
      } catch (e) {
        if (txn.status === 'pending') await txn.rollback().catch(() => undefined);
        if (!(e instanceof KvError && e.retryable) || attempt >= allocationAttemptsMax) throw e;
      }
    }
  }
}

/** The value the next nextval returns given the stored state, wrapping on CYCLE. */
function firstValue(seq: SequenceDescriptor, state: SequenceState): bigint {
  if (!state.isCalled) return state.lastValue;
  const next = state.lastValue + seq.increment;
  if (next <= seq.maxValue && next >= seq.minValue) return next;
  if (!seq.cycle) {
    const bound = seq.increment > 0n ? `maximum value of sequence "${seq.name}" (${seq.maxValue})` : `minimum value of sequence "${seq.name}" (${seq.minValue})`;
    throw sqlError('2200H', `nextval: reached ${bound}`);
  }
  return seq.increment > 0n ? seq.minValue : seq.maxValue;
}

function encodeState(s: SequenceState): Buffer {
  const b = Buffer.allocUnsafe(9);
  b.writeBigInt64BE(s.lastValue, 0);
  b[8] = s.isCalled ? 1 : 0;
  return b;
}

function decodeState(b: Buffer | null, seq: SequenceDescriptor): SequenceState {
  if (b === null) return { lastValue: seq.start, isCalled: false };
  assert(b.length === 9, 'sequence state must be 9 bytes');
  return { lastValue: b.readBigInt64BE(0), isCalled: b[8] === 1 };
}

/** The stored state of a sequence as `txn` sees it (pg_sequences.last_value, SELECT * FROM seq). */
export async function readSequenceState(txn: Txn, seq: SequenceDescriptor): Promise<SequenceState> {
  return decodeState(await txn.get(sequenceValueKey(seq.id)), seq);
}
