// adminSplit: splits this range at `key` into [start, key) (same range id) and [key, end)
// (newRangeId, allocated cluster-wide by the caller). Evaluated under a write latch over
// [key, end of key space) — on this replica that is the right-hand side — so every request
// in flight there has drained. The batch writes both descriptors (generation + 1) and the
// right-hand side's exact stats; effects.split carries the trigger that apply turns into
// the new replica. A split at the range's own start is a no-op. The meta range never splits.
// The replica computes the right-hand side's stats before evaluating (ctx.splitStats).

import type { AdminSplitRequest, BatchHeader } from '../../api/batch.js';
import { encodeRangeDescriptor } from '../../api/range.js';
import type { RangeDescriptor } from '../../api/range.js';
import { assert } from '../../base/assert.js';
import { KEY_MAX, META_PREFIX } from '../../keys/system.js';
import { rangeDescriptorKey, rangeStatsKey } from '../../keys/range-keys.js';
import { mvccComputeStats } from '../../mvcc/index.js';
import type { LatchSpans } from '../concurrency/latch.js';
import { encodeStats } from '../stats.js';
import type { Command, EvalContext } from './command.js';

export const adminSplitCommand: Command<AdminSplitRequest> = {
  declareKeys(req: AdminSplitRequest, _h: BatchHeader, latches: LatchSpans): void {
    latches.writes.push({ key: req.key, endKey: KEY_MAX });
  },
  evaluate(ctx: EvalContext, req: AdminSplitRequest) {
    const { desc } = ctx;
    assert(!desc.startKey.equals(META_PREFIX), 'adminSplit: the meta range never splits');
    if (req.key.equals(desc.startKey)) return { kind: 'adminSplit', lhs: null, rhs: null };
    assert(Buffer.compare(req.key, desc.startKey) > 0 && Buffer.compare(req.key, desc.endKey) < 0, 'adminSplit: key outside the range');
    assert(Number.isInteger(req.newRangeId) && req.newRangeId > 0 && req.newRangeId !== desc.rangeId, 'adminSplit: bad new range id');
    const generation = desc.generation + 1;
    const lhs: RangeDescriptor = { ...desc, endKey: req.key, generation };
    const rhs: RangeDescriptor = { rangeId: req.newRangeId, startKey: req.key, endKey: desc.endKey, replicas: desc.replicas, generation };
    const rhsStats = ctx.splitStats ?? mvccComputeStats(ctx.batch, req.key, desc.endKey);
    ctx.batch.put(rangeDescriptorKey(lhs.rangeId), encodeRangeDescriptor(lhs));
    ctx.batch.put(rangeDescriptorKey(rhs.rangeId), encodeRangeDescriptor(rhs));
    ctx.batch.put(rangeStatsKey(rhs.rangeId), encodeStats(rhsStats));
    ctx.effects.split = { lhs, rhs, rhsStats };
    ctx.effects.sync = true;
    return { kind: 'adminSplit', lhs, rhs };
  },
};
