// The split trigger's wire form: what a replicated split command carries next to its write
// batch (raft-command.ts's RaftCommandTrigger.triggerBytes with kind 'split'), so every
// replica applies the same split (Replica.prepareSplit/finishSplit). Not on a hot path.

import { decodeRangeDescriptor, encodeRangeDescriptor } from '../api/range.js';
import { assert } from '../base/assert.js';
import type { SplitTrigger } from './eval/command.js';

const VERSION = 1;

export function encodeSplitTrigger(t: SplitTrigger): Buffer {
  const lhs = encodeRangeDescriptor(t.lhs);
  const rhs = encodeRangeDescriptor(t.rhs);
  const buf = Buffer.allocUnsafe(1 + 4 + lhs.length + 4 + rhs.length + 16);
  let o = buf.writeUInt8(VERSION, 0);
  o = buf.writeUInt32BE(lhs.length, o);
  o += lhs.copy(buf, o);
  o = buf.writeUInt32BE(rhs.length, o);
  o += rhs.copy(buf, o);
  o = buf.writeDoubleBE(t.rhsStats.liveCount, o);
  o = buf.writeDoubleBE(t.rhsStats.liveBytes, o);
  assert(o === buf.length, 'split trigger: size');
  return buf;
}

export function decodeSplitTrigger(buf: Buffer): SplitTrigger {
  assert(buf[0] === VERSION, 'split trigger: unknown version');
  let o = 1;
  const ll = buf.readUInt32BE(o);
  const lhs = decodeRangeDescriptor(buf.subarray(o + 4, o + 4 + ll));
  o += 4 + ll;
  const rl = buf.readUInt32BE(o);
  const rhs = decodeRangeDescriptor(buf.subarray(o + 4, o + 4 + rl));
  o += 4 + rl;
  const rhsStats = { liveCount: buf.readDoubleBE(o), liveBytes: buf.readDoubleBE(o + 8) };
  assert(o + 16 === buf.length, 'split trigger: trailing bytes');
  return { lhs, rhs, rhsStats };
}
