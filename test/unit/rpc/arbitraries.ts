// fast-check arbitraries for every payload src/rpc encodes: Raft messages, entries,
// snapshots, batches of them, KV batch requests/responses and their errors, plus shapes the
// hand-written codec does not know (new kinds, extra fields) that must travel as msgpack.
// Used by codec.test.ts and transport.test.ts.

import fc from 'fast-check';
import type {
  BatchError,
  BatchRequest,
  BatchResponse,
  ConfState,
  Entry,
  Message,
  RaftHeartbeat,
  RaftMessageBatch,
  RaftMessageRequest,
  RangeDescriptor,
  ReplicaDescriptor,
  Request,
  Response,
  Snapshot,
  SnapshotHeader,
  Timestamp,
  TxnMeta,
} from '../../../storage/index.js';
import { MESSAGE_TYPES } from '../../../storage/index.js';

/** fast-check makes null-prototype records by default; decoded objects are plain. */
const NP = { noNullPrototype: true } as const;

/** Buffers, including empty ones and ones full of zero bytes. */
export const buf: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 48 }).map((a) => Buffer.from(a)),
  fc.constantFrom(Buffer.alloc(0), Buffer.alloc(3), Buffer.from([0]), Buffer.from([0xff, 0, 0x80])),
);
export const nullableBuf = fc.option(buf, { nil: null });

/** Non-negative safe integers, with the edges. */
export const nat: fc.Arbitrary<number> = fc.oneof(
  fc.nat(300),
  fc.maxSafeNat(),
  fc.constantFrom(0, 127, 128, 16383, 16384, 2 ** 31 - 1, 2 ** 32, 2 ** 53 - 1),
);

export const timestamp: fc.Arbitrary<Timestamp> = fc.record({
  wallNanos: fc.oneof(
    fc.bigInt(-(1n << 63n), (1n << 63n) - 1n),
    fc.constantFrom(0n, (1n << 63n) - 1n, (1n << 63n) - 2n, -(1n << 63n), 1_700_000_000_000_000_000n),
  ),
  logical: fc.oneof(fc.nat(10), fc.constant(0x7fffffff)),
}, NP);

const peers = fc.array(nat, { maxLength: 5 });

export const confState: fc.Arbitrary<ConfState> = fc.record({
  voters: peers,
  learners: peers,
  votersOutgoing: peers,
  learnersNext: peers,
  autoLeave: fc.boolean(),
}, NP);

export const entry: fc.Arbitrary<Entry> = fc.record({
  term: nat,
  index: nat,
  type: fc.constantFrom('normal' as const, 'confChange' as const),
  data: buf,
}, NP);

export const snapshot: fc.Arbitrary<Snapshot> = fc.record({
  meta: fc.record({ index: nat, term: nat, confState }, NP),
  data: buf,
}, NP);

export const message: fc.Arbitrary<Message> = fc.record({
  type: fc.constantFrom(...MESSAGE_TYPES),
  from: nat,
  to: nat,
  term: nat,
  logTerm: nat,
  index: nat,
  entries: fc.array(entry, { maxLength: 4 }),
  commit: nat,
  snapshot: fc.option(snapshot, { nil: null }),
  reject: fc.boolean(),
  rejectHint: nat,
  context: nullableBuf,
}, NP);

export const replica: fc.Arbitrary<ReplicaDescriptor> = fc.record({ nodeId: nat, storeId: nat, replicaId: nat }, NP);

export const rangeDescriptor: fc.Arbitrary<RangeDescriptor> = fc.record({
  rangeId: nat,
  startKey: buf,
  endKey: buf,
  replicas: fc.array(replica, { maxLength: 4 }),
  generation: nat,
}, NP);

export const raftRequest: fc.Arbitrary<RaftMessageRequest> = fc.record({ rangeId: nat, from: replica, to: replica, message }, NP);

export const heartbeat: fc.Arbitrary<RaftHeartbeat> = fc.record({
  rangeId: nat,
  fromReplicaId: nat,
  toReplicaId: nat,
  term: nat,
  commit: nat,
  quiesce: fc.boolean(),
}, NP);

export function raftBatch(fromNodeId: fc.Arbitrary<number> = nat, toNodeId: fc.Arbitrary<number> = nat): fc.Arbitrary<RaftMessageBatch> {
  return fc.record({
    fromNodeId,
    toNodeId,
    messages: fc.array(raftRequest, { maxLength: 4 }),
    heartbeats: fc.array(heartbeat, { maxLength: 4 }),
    heartbeatResps: fc.array(heartbeat, { maxLength: 4 }),
  }, NP);
}

export const snapshotHeader: fc.Arbitrary<SnapshotHeader> = fc.record({ rangeId: nat, from: replica, to: replica, desc: rangeDescriptor, message }, NP);

// ---- KV batches ----

export const txnMeta: fc.Arbitrary<TxnMeta> = fc.record({
  id: buf,
  epoch: nat,
  readTs: timestamp,
  writeTs: timestamp,
  seq: nat,
  ignoredSeqs: fc.array(fc.record({ start: nat, end: nat }, NP), { maxLength: 3 }),
  priority: fc.nat(2),
  anchorKey: nullableBuf,
}, NP);

const lock = fc.constantFrom('none' as const, 'shared' as const, 'exclusive' as const);
const waitPolicy = fc.constantFrom('block' as const, 'error' as const, 'skip' as const);
const spans = fc.array(fc.record({ key: buf, endKey: nullableBuf }, NP), { maxLength: 3 });
const kvOptional = { lock, waitPolicy, seq: nat, lockNonExisting: fc.boolean() };

/** Every hot request kind, optional fields present or absent (never undefined). */
export const hotRequest: fc.Arbitrary<Request> = fc.oneof(
  fc.record({ kind: fc.constant('get' as const), key: buf, ...kvOptional }, { noNullPrototype: true, requiredKeys: ['kind', 'key'] }),
  fc.record(
    { kind: fc.constant('scan' as const), key: buf, endKey: buf, limit: nat, reverse: fc.boolean(), ...kvOptional },
    { noNullPrototype: true, requiredKeys: ['kind', 'key', 'endKey'] },
  ),
  fc.record({ kind: fc.constant('put' as const), key: buf, value: buf, seq: nat }, { noNullPrototype: true, requiredKeys: ['kind', 'key', 'value'] }),
  fc.record(
    { kind: fc.constant('conditionalPut' as const), key: buf, value: buf, expected: nullableBuf, seq: nat },
    { noNullPrototype: true, requiredKeys: ['kind', 'key', 'value', 'expected'] },
  ),
  fc.record({ kind: fc.constant('delete' as const), key: buf, seq: nat }, { noNullPrototype: true, requiredKeys: ['kind', 'key'] }),
  fc.record({ kind: fc.constant('deleteRange' as const), key: buf, endKey: buf, seq: nat }, { noNullPrototype: true, requiredKeys: ['kind', 'key', 'endKey'] }),
  fc.record(
    { kind: fc.constant('endTxn' as const), commit: fc.boolean(), lockSpans: spans, readLockSpans: spans },
    { noNullPrototype: true, requiredKeys: ['kind', 'commit', 'lockSpans'] },
  ),
  fc.record({
    kind: fc.constant('resolveIntent' as const),
    key: buf,
    endKey: nullableBuf,
    txnId: buf,
    status: fc.constantFrom('committed' as const, 'aborted' as const),
    commitTs: timestamp,
    epoch: nat,
    ignoredSeqs: fc.array(fc.record({ start: nat, end: nat }, NP), { maxLength: 3 }),
  }, NP),
  fc.record({ kind: fc.constant('refresh' as const), key: buf, endKey: nullableBuf, fromTs: timestamp, toTs: fc.option(timestamp, { nil: null }) }, NP),
);

/** Plain data msgpack carries exactly: what a future kind or field may hold. */
const freeValue: fc.Arbitrary<unknown> = fc.oneof(
  buf,
  nat,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
  fc.bigInt(),
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  timestamp,
  fc.array(buf, { maxLength: 3 }),
);

/** Kinds the codec does not know (another helper adds them this session), with any fields. */
export const unknownRequest: fc.Arbitrary<Request> = fc
  .record({
    kind: fc.constantFrom('pushTxn', 'heartbeatTxn', 'queryTxn', 'merge'),
    fields: fc.dictionary(fc.constantFrom('key', 'endKey', 'txn', 'ts', 'status', 'poison', 'n', 'list'), freeValue, { maxKeys: 5, noNullPrototype: true }),
    txn: fc.option(txnMeta, { nil: undefined }),
  })
  .map(({ kind, fields, txn }) => ({ ...fields, ...(txn ? { txn } : {}), kind }) as unknown as Request);

/** A hot kind with a field the codec does not know (it goes in the extras slot). */
export const extendedRequest: fc.Arbitrary<Request> = fc
  .tuple(hotRequest, fc.constantFrom('inline', 'maxBytes', 'keyLocking'), freeValue)
  .map(([q, k, v]) => ({ ...q, [k]: v }) as Request);

/** A hot kind whose known field holds a value outside its slot (a new enum value). */
export const oddRequest: fc.Arbitrary<Request> = fc
  .tuple(buf, fc.constantFrom('update', 'unknownStrength'))
  .map(([key, l]) => ({ kind: 'get', key, lock: l }) as unknown as Request);

/** Kinds storage/api/batch.ts has that the codec sends as msgpack. */
export const msgpackRequest: fc.Arbitrary<Request> = fc.oneof(
  fc.record({ kind: fc.constant('gcTxnRecord' as const), key: buf, txnId: buf }, NP),
  fc.record(
    { kind: fc.constant('rangeLookup' as const), key: buf, endInclusive: fc.boolean(), prefetch: nat },
    { noNullPrototype: true, requiredKeys: ['kind', 'key', 'prefetch'] },
  ),
  fc.record({ kind: fc.constant('adminSplit' as const), key: buf, newRangeId: nat }, NP),
  fc.record({ kind: fc.constant('rangeStats' as const), key: buf }, NP),
);

export const request: fc.Arbitrary<Request> = fc.oneof(
  { arbitrary: hotRequest, weight: 6 },
  { arbitrary: msgpackRequest, weight: 1 },
  { arbitrary: unknownRequest, weight: 1 },
  { arbitrary: extendedRequest, weight: 1 },
  { arbitrary: oddRequest, weight: 1 },
);

export const batchRequest: fc.Arbitrary<BatchRequest> = fc.record({
  header: fc.record(
    { rangeId: nat, txn: txnMeta, waitPolicy, lock, canForwardReadTs: fc.boolean() },
    { noNullPrototype: true, requiredKeys: ['rangeId', 'txn'] },
  ),
  requests: fc.array(request, { maxLength: 6 }),
}, NP);

export const hotResponse: fc.Arbitrary<Response> = fc.oneof(
  fc.record({ kind: fc.constant('get' as const), value: nullableBuf }, NP),
  fc.record({ kind: fc.constant('scan' as const), rows: fc.array(fc.record({ key: buf, value: buf }, NP), { maxLength: 5 }), resumeKey: nullableBuf }, NP),
  fc.constantFrom(
    { kind: 'put' as const },
    { kind: 'conditionalPut' as const },
    { kind: 'delete' as const },
    { kind: 'endTxn' as const },
    { kind: 'refresh' as const },
  ),
  fc.record({ kind: fc.constant('deleteRange' as const), deleted: nat }, NP),
  fc.record({ kind: fc.constant('endTxn' as const), remoteSpans: spans }, { noNullPrototype: true, requiredKeys: ['kind'] }),
  fc.record({ kind: fc.constant('resolveIntent' as const), resolved: nat, resumeKey: nullableBuf }, NP),
);

export const msgpackResponse: fc.Arbitrary<Response> = fc.oneof(
  fc.constant({ kind: 'gcTxnRecord' as const }),
  fc.record({ kind: fc.constant('rangeLookup' as const), ranges: fc.array(rangeDescriptor, { maxLength: 3 }) }, NP),
  fc.record(
    { kind: fc.constant('adminSplit' as const), lhs: fc.option(rangeDescriptor, { nil: null }), rhs: fc.option(rangeDescriptor, { nil: null }) },
    NP,
  ),
  fc.record({ kind: fc.constant('rangeStats' as const), desc: rangeDescriptor, stats: fc.record({ liveCount: nat, liveBytes: nat }, NP), nodeId: nat }, NP),
);

export const unknownResponse: fc.Arbitrary<Response> = fc
  .tuple(fc.constantFrom('pushTxn', 'queryTxn', 'merge'), fc.dictionary(fc.constantFrom('descs', 'n', 'txn', 'status'), freeValue, { maxKeys: 4, noNullPrototype: true }))
  .map(([kind, fields]) => ({ ...fields, kind }) as unknown as Response);

export const batchError: fc.Arbitrary<BatchError> = fc.oneof(
  fc.record({ kind: fc.constant('writeTooOld' as const), actualTs: timestamp, key: buf }, NP),
  fc.record({ kind: fc.constant('refreshFailed' as const), key: buf }, NP),
  fc.record(
    {
      kind: fc.constant('kv' as const),
      code: fc.constantFrom('ConditionFailed', 'TxnRetry', 'TxnAborted', 'Deadlock', 'LockNotAvailable', 'TxnFinished', 'Unavailable') as fc.Arbitrary<
        'ConditionFailed' | 'TxnRetry' | 'TxnAborted' | 'Deadlock' | 'LockNotAvailable' | 'TxnFinished' | 'Unavailable'
      >,
      message: fc.string(),
      actual: nullableBuf,
      index: fc.integer({ min: -1, max: 1000 }),
    },
    { noNullPrototype: true, requiredKeys: ['kind', 'code', 'message', 'index'] },
  ),
  fc.record(
    { kind: fc.constant('rangeKeyMismatch' as const), rangeId: nat, ranges: fc.array(rangeDescriptor, { maxLength: 2 }) },
    { noNullPrototype: true, requiredKeys: ['kind', 'rangeId'] },
  ),
  fc.record({ kind: fc.constant('notLeaseholder' as const), rangeId: nat, leaseholder: fc.option(replica, { nil: null }) }, NP),
  fc.record({ kind: fc.constant('rangeNotFound' as const), rangeId: nat }, NP),
  // A kind added later, and a kv error with a code the codec does not know yet.
  fc.record({ kind: fc.constant('txnAborted'), reason: fc.string() }, NP) as unknown as fc.Arbitrary<BatchError>,
  fc.record({ kind: fc.constant('kv'), code: fc.constant('MergeInProgress'), message: fc.string(), index: fc.integer() }, NP) as unknown as fc.Arbitrary<BatchError>,
);

export const batchResponse: fc.Arbitrary<BatchResponse> = fc.oneof(
  fc.record({
    ok: fc.constant(true as const),
    responses: fc.array(
      fc.oneof({ arbitrary: hotResponse, weight: 5 }, { arbitrary: msgpackResponse, weight: 1 }, { arbitrary: unknownResponse, weight: 1 }),
      { maxLength: 6 },
    ),
    writeTs: timestamp,
    readTs: timestamp,
  }, NP),
  fc.record({ ok: fc.constant(false as const), error: batchError }, NP),
);
