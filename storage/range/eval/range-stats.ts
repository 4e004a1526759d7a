// rangeStats: the range's descriptor and statistics as this replica holds them (SHOW RANGES).

import type { BatchHeader, RangeStatsRequest } from '../../api/batch.js';
import type { LatchSpans } from '../concurrency/latch.js';
import type { Command, EvalContext } from './command.js';

export const rangeStatsCommand: Command<RangeStatsRequest> = {
  declareKeys(_req: RangeStatsRequest, _h: BatchHeader, _latches: LatchSpans): void {
    // Reads in-memory state only.
  },
  evaluate(ctx: EvalContext, _req: RangeStatsRequest) {
    return { kind: 'rangeStats', desc: ctx.desc, stats: ctx.stats, nodeId: ctx.nodeId };
  },
};
