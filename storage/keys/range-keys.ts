// Keys that belong to a range rather than to a user: range-local keys addressed by a user
// key (txn records), range-id-local keys (descriptor, stats; raft state, unreplicated), meta
// records, and replicatedSpans(desc): every engine span holding a range's replicated data —
// the unit that snapshots, consistency checks and splits iterate. Pure functions.

import type { RangeDescriptor } from '../api/range.js';
import { assert } from '../base/assert.js';
import { KeyReader, KeyWriter } from './encoding.js';
import { LOCAL_RANGE_KEY_PREFIX, LOCAL_RANGE_PREFIX, META_PREFIX, SYSTEM_PREFIX } from './system.js';
import { prefixEnd } from './keys.js';

/** LOCAL 'h': the MVCC history space (layout owned by mvcc/record.ts). */
export const HISTORY_PREFIX = Buffer.from([0x01, 0x68]);

/**
 * `prefix` + key with every 0x00 escaped as 0x00 0xFF, + `terminate` ? 0x00 0x01 : nothing.
 * Order-preserving: for keys a < b, escaped(a)+term < escaped(b)+term, and every terminated
 * key k in [s, e) lies in [escaped(s), escaped(e)) (unterminated bounds).
 */
export function escapedKey(prefix: Buffer, key: Buffer, terminate: boolean, suffix?: Buffer): Buffer {
  let zeros = 0;
  for (let i = 0; i < key.length; i++) if (key[i] === 0) zeros++;
  const tail = terminate ? 2 + (suffix?.length ?? 0) : 0;
  const out = Buffer.allocUnsafe(prefix.length + key.length + zeros + tail);
  prefix.copy(out, 0);
  let o = prefix.length;
  for (let i = 0; i < key.length; i++) {
    out[o++] = key[i]!;
    if (key[i] === 0) out[o++] = 0xff;
  }
  if (terminate) {
    out[o++] = 0x00;
    out[o++] = 0x01;
    if (suffix) o += suffix.copy(out, o);
  }
  assert(o === out.length, 'keys: escaped key size');
  return out;
}

/** A range-local key: LOCAL 'k' escaped(key) 0x00 0x01 suffix. Lives on the range holding `key`. */
export function rangeLocalKey(key: Buffer, suffix: Buffer): Buffer {
  return escapedKey(LOCAL_RANGE_KEY_PREFIX, key, true, suffix);
}

const rangeIdPrefixCache: Buffer[] = [];

/** LOCAL 'r' uvarint(rangeId): every range-id-local key starts with this. */
export function rangeIdPrefix(rangeId: number): Buffer {
  assert(Number.isInteger(rangeId) && rangeId > 0, 'keys: bad range id');
  const hit = rangeId < 4096 ? rangeIdPrefixCache[rangeId] : undefined;
  if (hit) return hit;
  const key = new KeyWriter(LOCAL_RANGE_PREFIX, 16).uvarint(rangeId).finish();
  if (rangeId < 4096) rangeIdPrefixCache[rangeId] = key;
  return key;
}

/** The range id of a range-id-local key. */
export function rangeIdOfKey(key: Buffer): number {
  assert(key.length > LOCAL_RANGE_PREFIX.length && key.subarray(0, LOCAL_RANGE_PREFIX.length).equals(LOCAL_RANGE_PREFIX), 'keys: not range-id-local');
  return new KeyReader(key, LOCAL_RANGE_PREFIX.length).uvarint();
}

/** Names of unreplicated range-id-local keys start with this ('u' sorts after every replicated name). */
export const UNREPLICATED_MARK = 'u';

/** A replicated range-id-local key (part of the range's state machine): name < 'u'. */
export function rangeIdReplicatedKey(rangeId: number, name: string): Buffer {
  assert(name.length > 0 && name < UNREPLICATED_MARK, 'keys: replicated range-id-local names sort below "u"');
  return new KeyWriter(rangeIdPrefix(rangeId), 32).string(name).finish();
}

/** An unreplicated range-id-local key (one replica's own state: raft log, hard state): name starts with 'u'. */
export function rangeIdUnreplicatedKey(rangeId: number, name: string): Buffer {
  assert(name.startsWith(UNREPLICATED_MARK), 'keys: unreplicated range-id-local names start with "u"');
  return new KeyWriter(rangeIdPrefix(rangeId), 32).string(name).finish();
}

/** [start, end) of every unreplicated range-id-local key of the range. */
export function rangeIdUnreplicatedSpan(rangeId: number): { key: Buffer; endKey: Buffer } {
  const key = unreplicatedStart(rangeId);
  return { key, endKey: prefixEnd(rangeIdPrefix(rangeId)) };
}

function unreplicatedStart(rangeId: number): Buffer {
  // string(s) is 0x12, escaped bytes, 0x00 0x01: every name >= "u" encodes at or above 0x12 'u'.
  return new KeyWriter(rangeIdPrefix(rangeId), 16).raw(Buffer.from([0x12, UNREPLICATED_MARK.charCodeAt(0)])).finish();
}

export function rangeDescriptorKey(rangeId: number): Buffer {
  return rangeIdReplicatedKey(rangeId, 'desc');
}

export function rangeStatsKey(rangeId: number): Buffer {
  return rangeIdReplicatedKey(rangeId, 'stats');
}

/** The meta record of a range: META + its end key (CockroachDB's meta2, keyed by end key). */
export function metaKey(rangeEndKey: Buffer): Buffer {
  return Buffer.concat([META_PREFIX, rangeEndKey]);
}

/** The range end key a meta record is about. */
export function metaKeyTarget(key: Buffer): Buffer {
  assert(key[0] === META_PREFIX[0], 'keys: not a meta key');
  return key.subarray(1);
}

/** Cluster-wide range id allocator (a KV counter in the system span). */
export const RANGE_ID_GEN_KEY = Buffer.concat([SYSTEM_PREFIX, Buffer.from('range-id-gen')]);

export interface EngineSpan {
  readonly key: Buffer;
  readonly endKey: Buffer;
}

/**
 * Every engine span that holds replicated data of the range, in key order: its range-id-local
 * replicated keys, its range-local keys for [start, end), its MVCC history, its user keys.
 * A snapshot is exactly these spans; a split divides each of the last three at the split key.
 */
export function replicatedSpans(desc: Pick<RangeDescriptor, 'rangeId' | 'startKey' | 'endKey'>): EngineSpan[] {
  return [
    { key: rangeIdPrefix(desc.rangeId), endKey: unreplicatedStart(desc.rangeId) },
    { key: escapedKey(HISTORY_PREFIX, desc.startKey, false), endKey: escapedKey(HISTORY_PREFIX, desc.endKey, false) },
    { key: escapedKey(LOCAL_RANGE_KEY_PREFIX, desc.startKey, false), endKey: escapedKey(LOCAL_RANGE_KEY_PREFIX, desc.endKey, false) },
    { key: desc.startKey, endKey: desc.endKey },
  ];
}
