// A range's statistics (live keys and bytes): kept in memory by the replica, changed by the
// delta each applied batch carries (evaluation computes it, apply adds it and writes the
// total to the replicated range-id-local stats key in the same batch), recomputed at splits.
// Approximate across crashes before Raft (see Replica.applyStats); exact under serial apply.

import type { RangeStats } from '../api/range.js';
import type { MvccStatsDelta } from '../mvcc/index.js';

export const ZERO_STATS: RangeStats = Object.freeze({ liveCount: 0, liveBytes: 0 });

export function encodeStats(s: RangeStats): Buffer {
  const buf = Buffer.allocUnsafe(16);
  buf.writeDoubleBE(s.liveCount, 0);
  buf.writeDoubleBE(s.liveBytes, 8);
  return buf;
}

export function decodeStats(buf: Buffer | undefined): RangeStats {
  if (buf === undefined || buf.length < 16) return ZERO_STATS;
  return { liveCount: buf.readDoubleBE(0), liveBytes: buf.readDoubleBE(8) };
}

export function addStats(a: RangeStats, d: MvccStatsDelta | RangeStats): RangeStats {
  return { liveCount: a.liveCount + d.liveCount, liveBytes: a.liveBytes + d.liveBytes };
}

export function subStats(a: RangeStats, b: RangeStats): RangeStats {
  return { liveCount: a.liveCount - b.liveCount, liveBytes: a.liveBytes - b.liveBytes };
}

export function isZeroDelta(d: MvccStatsDelta): boolean {
  return d.liveCount === 0 && d.liveBytes === 0;
}
