// Pieces shared by the raft and batch codecs: the "extras" slot that carries fields a
// hand-coded struct does not know yet (so a field added to a contract travels without a
// codec change), number arrays, and replica / range descriptors. Used by codec-raft.ts,
// codec-batch.ts and codec.ts.

import type { RangeDescriptor, ReplicaDescriptor } from '../../storage/index.js';
import { BufReader, BufWriter, CodecError, ShapeError } from './buf.js';
import { msgpackDecode, msgpackEncode } from './msgpack.js';

/**
 * Writes the fields of `obj` not in `known` (and not undefined) as one msgpack map, or a
 * single 0 byte when there are none (the common case: one for-in over a few keys).
 */
export function writeExtras(w: BufWriter, obj: object, known: ReadonlySet<string>): void {
  let extra: Record<string, unknown> | null = null;
  for (const k in obj) {
    if (known.has(k)) continue;
    const v = (obj as Record<string, unknown>)[k];
    if (v === undefined) continue;
    (extra ??= {})[k] = v;
  }
  if (extra === null) {
    w.u8(0);
    return;
  }
  w.nullableBytes(msgpackEncode(extra));
}

/**
 * writeExtras for structs whose known fields are all required (Message, Entry, ...): their
 * writers reject a missing field (ShapeError), so a key count equal to known.size means no
 * extras. Counting is ~5x cheaper than a Set lookup per key, and these structs are per message.
 */
export function writeExtrasFixed(w: BufWriter, obj: object, known: ReadonlySet<string>): void {
  let n = 0;
  for (const _k in obj) n++;
  if (n === known.size) w.u8(0);
  else writeExtras(w, obj, known);
}

/** Reads an extras slot into `target` (a freshly decoded object, not yet shared). */
export function readExtras<T extends object>(r: BufReader, target: T): T {
  const b = r.nullableBytes();
  if (b === null) return target;
  const extra = decodeMsgpack(b);
  if (extra === null || typeof extra !== 'object' || Array.isArray(extra)) throw new CodecError('extras are not a map');
  // A peer must not swap a decoded object's prototype through a "__proto__" extra.
  if (Object.prototype.hasOwnProperty.call(extra, '__proto__')) throw new CodecError('extras carry __proto__');
  return Object.assign(target, extra);
}

export function decodeMsgpack(b: Buffer): unknown {
  try {
    return msgpackDecode(b);
  } catch (e) {
    throw new CodecError(`bad msgpack payload: ${(e as Error).message}`);
  }
}

export function writeUintArray(w: BufWriter, a: readonly number[]): void {
  if (!Array.isArray(a)) throw new ShapeError('not an array');
  w.uvarint(a.length);
  for (let i = 0; i < a.length; i++) w.uvarint(a[i]!);
}

export function readUintArray(r: BufReader): number[] {
  const n = r.count();
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = r.uvarint();
  return out;
}

const REPLICA_FIELDS: ReadonlySet<string> = new Set(['nodeId', 'storeId', 'replicaId']);

export function writeReplica(w: BufWriter, d: ReplicaDescriptor): void {
  w.uvarint(d.nodeId);
  w.uvarint(d.storeId);
  w.uvarint(d.replicaId);
  writeExtrasFixed(w, d, REPLICA_FIELDS);
}

export function readReplica(r: BufReader): ReplicaDescriptor {
  const d = { nodeId: r.uvarint(), storeId: r.uvarint(), replicaId: r.uvarint() };
  return readExtras(r, d);
}

const RANGE_FIELDS: ReadonlySet<string> = new Set(['rangeId', 'startKey', 'endKey', 'replicas', 'generation']);

export function writeRangeDescriptor(w: BufWriter, d: RangeDescriptor): void {
  w.uvarint(d.rangeId);
  w.bytes(d.startKey);
  w.bytes(d.endKey);
  if (!Array.isArray(d.replicas)) throw new ShapeError('replicas is not an array');
  w.uvarint(d.replicas.length);
  for (const rep of d.replicas) writeReplica(w, rep);
  w.uvarint(d.generation);
  writeExtrasFixed(w, d, RANGE_FIELDS);
}

export function readRangeDescriptor(r: BufReader): RangeDescriptor {
  const rangeId = r.uvarint();
  const startKey = r.bytes();
  const endKey = r.bytes();
  const n = r.count();
  const replicas: ReplicaDescriptor[] = new Array<ReplicaDescriptor>(n);
  for (let i = 0; i < n; i++) replicas[i] = readReplica(r);
  const d = { rangeId, startKey, endKey, replicas, generation: r.uvarint() };
  return readExtras(r, d);
}

export function writeRangeDescriptors(w: BufWriter, ds: readonly RangeDescriptor[]): void {
  w.uvarint(ds.length);
  for (const d of ds) writeRangeDescriptor(w, d);
}

export function readRangeDescriptors(r: BufReader): RangeDescriptor[] {
  const n = r.count();
  const out = new Array<RangeDescriptor>(n);
  for (let i = 0; i < n; i++) out[i] = readRangeDescriptor(r);
  return out;
}
