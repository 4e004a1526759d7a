// The rpc codec's public face: every payload that crosses the wire between nodes, one
// encode/decode pair each. Raft frames and KV batches are hand-coded (codec-raft.ts,
// codec-batch.ts); snapshot responses, range descriptor lists and the generic `Unary`
// method's {method, payload} frames are small and use the pieces below. Called by
// server.ts, transport.ts, raft-stream.ts, tests and bench/rpc-micro.ts.

import type { RangeDescriptor, SnapshotResponse } from '../../storage/index.js';
import { BufReader, BufWriter, CodecError, encodeWith } from './buf.js';
import { decodeMsgpack, readRangeDescriptors, writeRangeDescriptors } from './codec-common.js';
import { msgpackEncode } from './msgpack.js';

export { BufReader, BufWriter, CodecError, ShapeError } from './buf.js';
export { encodeRaftBatch, encodeRaftFrame, decodeRaftFrame, encodeSnapshotHeader, decodeSnapshotHeader, RAFT_FRAME_VERSION } from './codec-raft.js';
export { encodeBatchRequest, decodeBatchRequest, encodeBatchResponse, decodeBatchResponse } from './codec-batch.js';
export { msgpackEncode, msgpackDecode } from './msgpack.js';

export function encodeRangeDescriptors(ds: readonly RangeDescriptor[]): Buffer {
  return encodeWith(writeRangeDescriptors, ds);
}

export function decodeRangeDescriptors(buf: Buffer): RangeDescriptor[] {
  const r = new BufReader(buf);
  const ds = readRangeDescriptors(r);
  r.expectDone();
  return ds;
}

export function encodeSnapshotResponse(resp: SnapshotResponse): Buffer {
  return msgpackEncode(resp);
}

export function decodeSnapshotResponse(buf: Buffer): SnapshotResponse {
  const v = decodeMsgpack(buf) as { status?: unknown; message?: unknown } | null;
  if (v === null || typeof v !== 'object') throw new CodecError('snapshot response is not a map');
  if (v.status === 'applied') return v as SnapshotResponse;
  if ((v.status === 'declined' || v.status === 'error') && typeof v.message === 'string') return v as SnapshotResponse;
  throw new CodecError(`bad snapshot response status ${String(v.status)}`);
}

/** A generic unary call: the handler's name, then its msgpack payload. */
export interface UnaryFrame {
  readonly method: string;
  readonly payload: unknown;
}

export function encodeUnaryFrame(method: string, payload: unknown): Buffer {
  return encodeWith(
    (w: BufWriter, v: UnaryFrame) => {
      w.string(v.method);
      w.raw(msgpackEncode(v.payload));
    },
    { method, payload },
  );
}

/** A unary handler's answer (msgpack; malformed bytes raise CodecError). */
export function decodeUnaryResponse(buf: Buffer): unknown {
  return decodeMsgpack(buf);
}

export function decodeUnaryFrame(buf: Buffer): UnaryFrame {
  const r = new BufReader(buf);
  const method = r.string();
  if (r.pos >= r.end) throw new CodecError('unary frame without payload');
  return { method, payload: decodeMsgpack(buf.subarray(r.pos)) };
}
