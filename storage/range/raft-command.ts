// The replicated command format (proposer-evaluated KV, CockroachDB's RaftCommand): the
// leaseholder evaluates a request into a write batch, wraps it with the proposal's identity
// and an optional side-effect trigger, and proposes the encoded bytes through Raft; every
// replica decodes the committed entry and applies the batch without re-evaluating.
// Called by the replica's write path (encode) and apply path (decode). Pure functions.

import { assert } from '../base/assert.js';
import type { Rng } from '../base/rng.js';
import type { BatchOp, WriteBatch } from '../engine/engine.js';

/** Length of a command id: random bytes that match a committed entry to its local proposal. */
export const COMMAND_ID_BYTES = 8;

/** Side effects a replica performs on apply, beyond writing the batch. Opaque bytes for now. */
export type RaftCommandTriggerKind = 'split' | 'lease' | 'changeReplicas' | 'truncateLog';

export interface RaftCommandTrigger {
  readonly kind: RaftCommandTriggerKind;
  /** The trigger's own encoding (owned by the code that evaluates and applies it). */
  readonly triggerBytes: Buffer;
}

export interface RaftCommand {
  /** COMMAND_ID_BYTES random bytes; the proposer finds its waiting client by it on apply. */
  readonly id: Buffer;
  /** The replica that evaluated and proposed the command. */
  readonly proposerReplicaId: number;
  /** The lease under which it was evaluated; apply rejects a command from a stale lease. */
  readonly leaseSequence: number;
  /**
   * CockroachDB's MaxLeaseIndex: apply rejects the command unless the range's lease applied
   * index is below this, so a reproposed command never applies twice. 0 = not checked.
   */
  readonly maxLeaseIndex: number;
  /** The evaluated writes: encodeBatchOps(batch.ops()). */
  readonly writeBatch: Buffer;
  readonly trigger: RaftCommandTrigger | null;
}

const FORMAT_VERSION = 1;
const TRIGGER_KINDS: readonly (RaftCommandTriggerKind | null)[] = [null, 'split', 'lease', 'changeReplicas', 'truncateLog'];
const OP_PUT = 1;
const OP_DELETE = 2;
const OP_DELETE_RANGE = 3;

/** A fresh command id from the injected randomness (the simulator seeds it). */
export function newCommandId(rng: Rng): Buffer {
  return rng.fill(Buffer.allocUnsafe(COMMAND_ID_BYTES));
}

// ---- varints (LEB128, non-negative integers below 2^53) ----

function uvarintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

function writeUvarint(buf: Buffer, at: number, n: number): number {
  while (n >= 0x80) {
    buf[at++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[at++] = n;
  return at;
}

/** A cursor over an encoded buffer; every read checks bounds (decoding untrusted bytes). */
class Reader {
  constructor(
    private readonly buf: Buffer,
    public at = 0,
  ) {}

  byte(): number {
    assert(this.at < this.buf.length, 'raft command: truncated');
    return this.buf[this.at++]!;
  }

  uvarint(): number {
    let n = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.byte();
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 128;
    }
    assert(false, 'raft command: varint too long');
  }

  bytes(len: number): Buffer {
    assert(len <= this.buf.length - this.at, 'raft command: truncated bytes');
    const out = this.buf.subarray(this.at, this.at + len);
    this.at += len;
    return out;
  }

  lengthPrefixed(): Buffer {
    return this.bytes(this.uvarint());
  }

  done(): boolean {
    return this.at === this.buf.length;
  }
}

function checkUint(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) assert(false, `raft command: bad ${what}`);
}

// ---- write batch representation ----

function opSize(op: BatchOp): number {
  const second = op.kind === 'put' ? op.value : op.kind === 'deleteRange' ? op.endKey : null;
  let size = 1 + uvarintSize(op.key.length) + op.key.length;
  if (second) size += uvarintSize(second.length) + second.length;
  return size;
}

/**
 * The bytes of a batch's operations, in order: uvarint(count), then per op a kind byte and
 * length-prefixed key (and value or end key). Replayed by decodeBatchOps / applyBatchOps.
 */
export function encodeBatchOps(ops: readonly BatchOp[]): Buffer {
  let size = uvarintSize(ops.length);
  for (let i = 0; i < ops.length; i++) size += opSize(ops[i]!);
  const buf = Buffer.allocUnsafe(size);
  let at = writeUvarint(buf, 0, ops.length);
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    buf[at++] = op.kind === 'put' ? OP_PUT : op.kind === 'delete' ? OP_DELETE : OP_DELETE_RANGE;
    at = writeUvarint(buf, at, op.key.length);
    at += op.key.copy(buf, at);
    const second = op.kind === 'put' ? op.value : op.kind === 'deleteRange' ? op.endKey : null;
    if (second) {
      at = writeUvarint(buf, at, second.length);
      at += second.copy(buf, at);
    }
  }
  assert(at === size, 'raft command: batch size mismatch');
  return buf;
}

/** The operations of an encoded batch. Keys and values are slices of `repr` (no copy). */
export function decodeBatchOps(repr: Buffer): BatchOp[] {
  const r = new Reader(repr);
  const count = r.uvarint();
  assert(count <= repr.length, 'raft command: batch count exceeds its bytes');
  const ops: BatchOp[] = new Array<BatchOp>(count);
  for (let i = 0; i < count; i++) {
    const kind = r.byte();
    const key = r.lengthPrefixed();
    if (kind === OP_PUT) ops[i] = { kind: 'put', key, value: r.lengthPrefixed() };
    else if (kind === OP_DELETE) ops[i] = { kind: 'delete', key };
    else if (kind === OP_DELETE_RANGE) ops[i] = { kind: 'deleteRange', key, endKey: r.lengthPrefixed() };
    else assert(false, `raft command: unknown batch op ${kind}`);
  }
  assert(r.done(), 'raft command: trailing bytes after batch');
  return ops;
}

/** Replays an encoded batch into `into` (the apply path's engine batch). */
export function applyBatchOps(into: WriteBatch, repr: Buffer): void {
  const ops = decodeBatchOps(repr);
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.kind === 'put') into.put(op.key, op.value);
    else if (op.kind === 'delete') into.delete(op.key);
    else into.deleteRange(op.key, op.endKey);
  }
}

// ---- the command ----

/**
 * Layout: version byte, id (8 bytes), uvarint proposerReplicaId, leaseSequence,
 * maxLeaseIndex, length-prefixed writeBatch, trigger kind byte (0 = none) and, when
 * present, length-prefixed triggerBytes.
 */
export function encodeRaftCommand(cmd: RaftCommand): Buffer {
  assert(cmd.id.length === COMMAND_ID_BYTES, 'raft command: id must be 8 bytes');
  checkUint(cmd.proposerReplicaId, 'proposerReplicaId');
  checkUint(cmd.leaseSequence, 'leaseSequence');
  checkUint(cmd.maxLeaseIndex, 'maxLeaseIndex');
  const kindCode = cmd.trigger === null ? 0 : TRIGGER_KINDS.indexOf(cmd.trigger.kind);
  assert(kindCode >= 0, 'raft command: unknown trigger kind');
  let size = 1 + COMMAND_ID_BYTES + uvarintSize(cmd.proposerReplicaId) + uvarintSize(cmd.leaseSequence);
  size += uvarintSize(cmd.maxLeaseIndex) + uvarintSize(cmd.writeBatch.length) + cmd.writeBatch.length + 1;
  if (cmd.trigger) size += uvarintSize(cmd.trigger.triggerBytes.length) + cmd.trigger.triggerBytes.length;
  const buf = Buffer.allocUnsafe(size);
  buf[0] = FORMAT_VERSION;
  let at = 1 + cmd.id.copy(buf, 1);
  at = writeUvarint(buf, at, cmd.proposerReplicaId);
  at = writeUvarint(buf, at, cmd.leaseSequence);
  at = writeUvarint(buf, at, cmd.maxLeaseIndex);
  at = writeUvarint(buf, at, cmd.writeBatch.length);
  at += cmd.writeBatch.copy(buf, at);
  buf[at++] = kindCode;
  if (cmd.trigger) {
    at = writeUvarint(buf, at, cmd.trigger.triggerBytes.length);
    at += cmd.trigger.triggerBytes.copy(buf, at);
  }
  assert(at === size, 'raft command: size mismatch');
  return buf;
}

/** Decodes a committed entry's data. Buffers are slices of `data` (no copy). */
export function decodeRaftCommand(data: Buffer): RaftCommand {
  const r = new Reader(data);
  const version = r.byte();
  if (version !== FORMAT_VERSION) assert(false, `raft command: unknown format version ${version}`);
  const id = r.bytes(COMMAND_ID_BYTES);
  const proposerReplicaId = r.uvarint();
  const leaseSequence = r.uvarint();
  const maxLeaseIndex = r.uvarint();
  const writeBatch = r.lengthPrefixed();
  const kindCode = r.byte();
  if (kindCode >= TRIGGER_KINDS.length) assert(false, `raft command: unknown trigger kind ${kindCode}`);
  const kind = TRIGGER_KINDS[kindCode]!;
  const trigger = kind === null ? null : { kind, triggerBytes: r.lengthPrefixed() };
  assert(r.done(), 'raft command: trailing bytes');
  return { id, proposerReplicaId, leaseSequence, maxLeaseIndex, writeBatch, trigger };
}
