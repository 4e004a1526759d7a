// Round trips of every rpc payload through the codec (fast-check): decode(encode(x)) is
// deep- and strictly-equal to x (optional fields absent stay absent, null stays null,
// Buffers stay Buffers, bigints stay exact), unknown kinds and fields travel as msgpack,
// and malformed or truncated frames raise CodecError and nothing else.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { RaftMessageBatch, Request } from '../../../storage/index.js';
import {
  BufReader,
  BufWriter,
  CodecError,
  decodeBatchRequest,
  decodeBatchResponse,
  decodeRaftFrame,
  decodeRangeDescriptors,
  decodeSnapshotHeader,
  decodeSnapshotResponse,
  decodeUnaryFrame,
  encodeBatchRequest,
  encodeBatchResponse,
  encodeRaftBatch,
  encodeRaftFrame,
  encodeRangeDescriptors,
  encodeSnapshotHeader,
  encodeSnapshotResponse,
  encodeUnaryFrame,
  msgpackDecode,
  msgpackEncode,
} from '../../../src/rpc/codec.js';
import * as arb from './arbitraries.js';

const runs = { numRuns: 300 };

describe('primitives', () => {
  test('uvarint, svarint and int64 round trip at their edges', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.maxSafeNat(), fc.integer({ min: -(2 ** 51), max: 2 ** 51 }), fc.bigInt(-(1n << 63n), (1n << 63n) - 1n))), (xs) => {
        const w = new BufWriter(1);
        for (const [u, s, b] of xs) {
          w.uvarint(u);
          w.svarint(s);
          w.int64(b);
        }
        const r = new BufReader(w.finish());
        for (const [u, s, b] of xs) {
          expect(r.uvarint()).toBe(u);
          expect(r.svarint()).toBe(s);
          expect(r.int64()).toBe(b);
        }
        r.expectDone();
      }),
      runs,
    );
  });

  test('bytes and nullable bytes keep empty, zero-filled and null apart', () => {
    const w = new BufWriter(1);
    w.bytes(Buffer.alloc(0));
    w.nullableBytes(null);
    w.nullableBytes(Buffer.alloc(0));
    w.nullableBytes(Buffer.alloc(4));
    w.string('héllo ✓');
    const r = new BufReader(w.finish());
    expect(r.bytes()).toStrictEqual(Buffer.alloc(0));
    expect(r.nullableBytes()).toBeNull();
    expect(r.nullableBytes()).toStrictEqual(Buffer.alloc(0));
    expect(r.nullableBytes()).toStrictEqual(Buffer.alloc(4));
    expect(r.string()).toBe('héllo ✓');
    r.expectDone();
  });

  test('msgpack round-trips Buffers, bigints of any size, null and nesting', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(arb.buf, fc.bigInt(), arb.timestamp, fc.constant(null), fc.string(), arb.nat)), (xs) => {
        const v = { xs, nested: { b: Buffer.from([0, 0]) } };
        expect(msgpackDecode(msgpackEncode(v))).toStrictEqual(v);
      }),
      runs,
    );
  });
});

describe('raft frames', () => {
  test('a batch round-trips', () => {
    fc.assert(fc.property(arb.raftBatch(), (b) => {
        expect(decodeRaftFrame(encodeRaftBatch(b))).toStrictEqual(b);
      }), runs);
  });

  test('coalesced batches decode as one batch with their items concatenated in order', () => {
    fc.assert(
      fc.property(fc.array(arb.raftBatch(fc.constant(1), fc.constant(2)), { minLength: 1, maxLength: 5 }), (bs) => {
        const w = new BufWriter();
        const next = encodeRaftFrame(w, bs, 0, Infinity);
        expect(next).toBe(bs.length);
        const merged: RaftMessageBatch = {
          fromNodeId: 1,
          toNodeId: 2,
          messages: bs.flatMap((b) => b.messages),
          heartbeats: bs.flatMap((b) => b.heartbeats),
          heartbeatResps: bs.flatMap((b) => b.heartbeatResps),
        };
        expect(decodeRaftFrame(w.finish())).toStrictEqual(merged);
      }),
      { numRuns: 100 },
    );
  });

  test('a frame is cut after the batch that reaches the soft size, never inside a batch', () => {
    fc.assert(
      fc.property(fc.array(arb.raftBatch(fc.constant(3), fc.constant(4)), { minLength: 2, maxLength: 8 }), fc.nat(400), (bs, soft) => {
        const w = new BufWriter();
        let start = 0;
        const frames: RaftMessageBatch[] = [];
        while (start < bs.length) {
          w.reset();
          const next = encodeRaftFrame(w, bs, start, soft);
          expect(next).toBeGreaterThan(start);
          frames.push(decodeRaftFrame(w.finish()));
          start = next;
        }
        expect(frames.flatMap((f) => f.messages)).toStrictEqual(bs.flatMap((b) => b.messages));
        expect(frames.flatMap((f) => f.heartbeats)).toStrictEqual(bs.flatMap((b) => b.heartbeats));
      }),
      { numRuns: 100 },
    );
  });

  test('fields added to a message, an entry or a heartbeat travel in the extras slot', () => {
    fc.assert(
      fc.property(arb.raftBatch(), arb.entry, fc.bigInt(), (b, e, big) => {
        const extended: RaftMessageBatch = {
          ...b,
          messages: b.messages.map((q) => ({ ...q, traceId: big, message: { ...q.message, entries: [...q.message.entries, { ...e, weight: 3 }], hint: 'x' } })),
          heartbeats: b.heartbeats.map((h) => ({ ...h, leaseEpoch: 7 })),
        };
        expect(decodeRaftFrame(encodeRaftBatch(extended))).toStrictEqual(extended);
      }),
      { numRuns: 100 },
    );
  });

  test('a message of a type the codec does not know travels as msgpack', () => {
    fc.assert(
      fc.property(arb.raftRequest, (q) => {
        const odd = { ...q, message: { ...q.message, type: 'forgetLeader' } } as unknown as typeof q;
        const b: RaftMessageBatch = { fromNodeId: 1, toNodeId: 2, messages: [q, odd], heartbeats: [], heartbeatResps: [] };
        expect(decodeRaftFrame(encodeRaftBatch(b))).toStrictEqual(b);
      }),
      { numRuns: 100 },
    );
  });

  test('snapshot headers round-trip', () => {
    fc.assert(fc.property(arb.snapshotHeader, (h) => {
        expect(decodeSnapshotHeader(encodeSnapshotHeader(h))).toStrictEqual(h);
      }), runs);
  });

  test('range descriptor lists and snapshot responses round-trip', () => {
    fc.assert(fc.property(fc.array(arb.rangeDescriptor), (ds) => {
        expect(decodeRangeDescriptors(encodeRangeDescriptors(ds))).toStrictEqual(ds);
      }), runs);
    for (const r of [{ status: 'applied' as const }, { status: 'declined' as const, message: 'busy' }, { status: 'error' as const, message: '' }]) {
      expect(decodeSnapshotResponse(encodeSnapshotResponse(r))).toStrictEqual(r);
    }
  });
});

describe('kv batches', () => {
  test('batch requests round-trip (hot kinds, unknown kinds, extra fields, odd values)', () => {
    fc.assert(fc.property(arb.batchRequest, (ba) => {
        expect(decodeBatchRequest(encodeBatchRequest(ba))).toStrictEqual(ba);
      }), runs);
  });

  test('batch responses round-trip (every error kind, unknown kinds)', () => {
    fc.assert(fc.property(arb.batchResponse, (br) => {
        expect(decodeBatchResponse(encodeBatchResponse(br))).toStrictEqual(br);
      }), runs);
  });

  test('hot requests are hand-coded: smaller than their msgpack form', () => {
    fc.assert(
      fc.property(arb.txnMeta, fc.array(arb.hotRequest, { minLength: 1, maxLength: 4 }), (txn, requests) => {
        const ba = { header: { rangeId: 7, txn }, requests };
        expect(encodeBatchRequest(ba).length).toBeLessThan(msgpackEncode(ba).length);
      }),
      { numRuns: 100 },
    );
  });

  test('a header with an unknown field and a batch with a timestamp beyond int64 still round-trip', () => {
    fc.assert(
      fc.property(arb.batchRequest, (ba) => {
        const wider = { ...ba, header: { ...ba.header, deadline: { wallNanos: 1n << 70n, logical: 0 } } };
        expect(decodeBatchRequest(encodeBatchRequest(wider))).toStrictEqual(wider);
        const huge = { ...ba, header: { ...ba.header, txn: { ...ba.header.txn, writeTs: { wallNanos: 1n << 64n, logical: 1 } } } };
        expect(decodeBatchRequest(encodeBatchRequest(huge))).toStrictEqual(huge);
      }),
      { numRuns: 50 },
    );
  });

  test('unary frames carry a method name and any msgpack payload', () => {
    fc.assert(
      fc.property(fc.string(), fc.oneof(arb.buf, fc.bigInt(), fc.constant(null), fc.record({ a: arb.buf, b: fc.bigInt() }, { noNullPrototype: true })), (method, payload) => {
        expect(decodeUnaryFrame(encodeUnaryFrame(method, payload))).toStrictEqual({ method, payload });
      }),
      runs,
    );
  });
});

describe('bad input', () => {
  const decoders: Array<[string, (b: Buffer) => unknown]> = [
    ['raft frame', decodeRaftFrame],
    ['batch request', decodeBatchRequest],
    ['batch response', decodeBatchResponse],
    ['snapshot header', decodeSnapshotHeader],
    ['range descriptors', decodeRangeDescriptors],
  ];

  function onlyCodecErrors(decode: (b: Buffer) => unknown, b: Buffer): void {
    try {
      decode(b);
    } catch (e) {
      expect(e).toBeInstanceOf(CodecError);
    }
  }

  test.each(decoders)('random bytes into the %s decoder: a value or a CodecError', (_name, decode) => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (a) => onlyCodecErrors(decode, Buffer.from(a))), runs);
  });

  test('every truncation of a valid frame raises CodecError', () => {
    fc.assert(
      fc.property(arb.raftBatch(), arb.batchRequest, arb.batchResponse, (rb, ba, br) => {
        for (const [bytes, decode] of [
          [encodeRaftBatch(rb), decodeRaftFrame],
          [encodeBatchRequest(ba), decodeBatchRequest],
          [encodeBatchResponse(br), decodeBatchResponse],
        ] as const) {
          for (let cut = 0; cut < bytes.length; cut++) {
            expect(() => (decode as (b: Buffer) => unknown)(bytes.subarray(0, cut))).toThrow(CodecError);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  test('an encoded request never aliases the writer: encoding twice gives two stable buffers', () => {
    const q: Request = { kind: 'put', key: Buffer.from('k'), value: Buffer.from('v') };
    const txn = { id: Buffer.alloc(16), epoch: 0, readTs: { wallNanos: 1n, logical: 0 }, writeTs: { wallNanos: 1n, logical: 0 }, seq: 1, ignoredSeqs: [], priority: 1, anchorKey: null };
    const a = encodeBatchRequest({ header: { rangeId: 1, txn }, requests: [q] });
    const copy = Buffer.from(a);
    encodeBatchRequest({ header: { rangeId: 2, txn }, requests: [{ kind: 'get', key: Buffer.from('zz') }] });
    expect(a).toStrictEqual(copy);
  });
});
