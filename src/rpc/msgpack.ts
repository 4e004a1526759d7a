// The msgpackr configuration of src/rpc: cluster RPC payloads (join, init, node status) and
// the fallback of the hand-written codec for request/response kinds it does not know.
// Round-trips exactly: Buffer (and Uint8Array, which decodes as Buffer), bigint of any size,
// safe-integer and float numbers, strings, booleans, null, undefined, arrays and plain
// objects. Not: Map or Set (they decode as plain objects / arrays), class instances.

import { Packr } from 'msgpackr';

const packr = new Packr({
  // Records (shared structures) would make frames depend on earlier frames: off.
  useRecords: false,
  // Integers msgpack stores as 64-bit come back as bigint, so bigint stays bigint;
  // JS numbers above 2^32 are written as float64 and so come back as numbers.
  int64AsType: 'bigint',
  // bigint beyond 64 bits goes into an extension instead of throwing.
  useBigIntExtension: true,
  mapsAsObjects: true,
});

export function msgpackEncode(value: unknown): Buffer {
  return packr.pack(value);
}

/** Decodes one msgpack value; decoded Buffers are views into `buf` (no copy). */
export function msgpackDecode(buf: Buffer): unknown {
  return packr.unpack(buf);
}
