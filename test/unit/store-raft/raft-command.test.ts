// Round trips of the replicated command format and of the write-batch representation
// (storage/range/raft-command.ts), by example and by fast-check properties.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { seededRng } from '../../../storage/base/index.js';
import { OpsBatch } from '../../../storage/engine/index.js';
import type { BatchOp } from '../../../storage/engine/index.js';
import {
  COMMAND_ID_BYTES,
  applyBatchOps,
  decodeBatchOps,
  decodeRaftCommand,
  encodeBatchOps,
  encodeRaftCommand,
  newCommandId,
} from '../../../storage/range/raft-command.js';
import type { RaftCommand, RaftCommandTriggerKind } from '../../../storage/range/raft-command.js';

const bytes = (max = 64): fc.Arbitrary<Buffer> => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));

const opArb: fc.Arbitrary<BatchOp> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), key: bytes(), value: bytes(300) }),
  fc.record({ kind: fc.constant('delete' as const), key: bytes() }),
  fc.record({ kind: fc.constant('deleteRange' as const), key: bytes(), endKey: bytes() }),
);

const uint = fc.oneof(fc.nat(200), fc.nat(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));

const commandArb: fc.Arbitrary<RaftCommand> = fc.record({
  id: fc.uint8Array({ minLength: COMMAND_ID_BYTES, maxLength: COMMAND_ID_BYTES }).map((a) => Buffer.from(a)),
  proposerReplicaId: uint,
  leaseSequence: uint,
  maxLeaseIndex: uint,
  writeBatch: fc.array(opArb, { maxLength: 8 }).map(encodeBatchOps),
  trigger: fc.option(
    fc.record({
      kind: fc.constantFrom<RaftCommandTriggerKind>('split', 'lease', 'changeReplicas', 'truncateLog'),
      triggerBytes: bytes(100),
    }),
  ),
});

const norm = (ops: readonly BatchOp[]): unknown =>
  ops.map((op) =>
    op.kind === 'put'
      ? ['put', op.key.toString('hex'), op.value.toString('hex')]
      : op.kind === 'delete'
        ? ['delete', op.key.toString('hex')]
        : ['deleteRange', op.key.toString('hex'), op.endKey.toString('hex')],
  );

describe('write batch representation', () => {
  it('round-trips every op kind in order', () => {
    const b = new OpsBatch();
    b.put(Buffer.from('a'), Buffer.from('1'));
    b.delete(Buffer.from('b'));
    b.deleteRange(Buffer.from('c'), Buffer.from('d'));
    b.put(Buffer.alloc(0), Buffer.alloc(200, 7));
    const repr = encodeBatchOps(b.ops());
    expect(norm(decodeBatchOps(repr))).toEqual(norm(b.ops()));
    const replay = new OpsBatch();
    applyBatchOps(replay, repr);
    expect(norm(replay.ops())).toEqual(norm(b.ops()));
  });

  it('encodes an empty batch in one byte', () => {
    expect(encodeBatchOps([])).toEqual(Buffer.from([0]));
    expect(decodeBatchOps(Buffer.from([0]))).toEqual([]);
  });

  it('round-trips random op lists (property)', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 30 }), (ops) => {
      expect(norm(decodeBatchOps(encodeBatchOps(ops)))).toEqual(norm(ops));
    }));
  });

  it('rejects truncated and trailing bytes', () => {
    const repr = encodeBatchOps([{ kind: 'put', key: Buffer.from('k'), value: Buffer.from('value') }]);
    expect(() => decodeBatchOps(repr.subarray(0, repr.length - 1))).toThrow(/truncated/);
    expect(() => decodeBatchOps(Buffer.concat([repr, Buffer.from([0])]))).toThrow(/trailing/);
    expect(() => decodeBatchOps(Buffer.from([1, 9, 0]))).toThrow(/unknown batch op/);
  });
});

describe('raft command', () => {
  it('round-trips a command with and without a trigger', () => {
    const id = newCommandId(seededRng(7));
    expect(id.length).toBe(COMMAND_ID_BYTES);
    const cmd: RaftCommand = {
      id,
      proposerReplicaId: 3,
      leaseSequence: 12,
      maxLeaseIndex: 4097,
      writeBatch: encodeBatchOps([{ kind: 'put', key: Buffer.from('k'), value: Buffer.from('v') }]),
      trigger: null,
    };
    expect(decodeRaftCommand(encodeRaftCommand(cmd))).toEqual(cmd);
    const split = { ...cmd, trigger: { kind: 'split' as const, triggerBytes: Buffer.from('desc') } };
    expect(decodeRaftCommand(encodeRaftCommand(split))).toEqual(split);
  });

  it('is compact: a tiny command costs a handful of bytes beyond its batch', () => {
    const cmd: RaftCommand = { id: Buffer.alloc(8), proposerReplicaId: 1, leaseSequence: 1, maxLeaseIndex: 1, writeBatch: Buffer.alloc(10), trigger: null };
    expect(encodeRaftCommand(cmd).length).toBe(1 + 8 + 1 + 1 + 1 + 1 + 10 + 1);
  });

  it('round-trips random commands (property)', () => {
    fc.assert(fc.property(commandArb, (cmd) => {
      expect(decodeRaftCommand(encodeRaftCommand(cmd))).toEqual(cmd);
    }));
  });

  it('rejects corrupt input', () => {
    const cmd: RaftCommand = { id: Buffer.alloc(8, 1), proposerReplicaId: 1, leaseSequence: 2, maxLeaseIndex: 0, writeBatch: Buffer.from('xy'), trigger: null };
    const enc = encodeRaftCommand(cmd);
    expect(() => decodeRaftCommand(Buffer.concat([Buffer.from([9]), enc.subarray(1)]))).toThrow(/version/);
    expect(() => decodeRaftCommand(enc.subarray(0, enc.length - 2))).toThrow(/truncated/);
    expect(() => encodeRaftCommand({ ...cmd, id: Buffer.alloc(4) })).toThrow(/8 bytes/);
    expect(() => encodeRaftCommand({ ...cmd, leaseSequence: -1 })).toThrow(/leaseSequence/);
  });
});
