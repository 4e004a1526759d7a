// deleteRange: deletes every key the transaction sees in [key, endKey); a read of the span
// (recorded for the timestamp cache and refreshes) followed by a tombstone intent per key.

import type { BatchHeader, Request } from '../../api/batch.js';
import { mvccDeleteRange } from '../../mvcc/index.js';
import type { LatchSpans } from '../concurrency/latch.js';
import type { Command, EvalContext } from './command.js';
import { writerTxn } from './command.js';

type DeleteRange = Extract<Request, { kind: 'deleteRange' }>;

export const deleteRangeCommand: Command<DeleteRange> = {
  declareKeys(req: DeleteRange, _h: BatchHeader, latches: LatchSpans): void {
    latches.writes.push({ key: req.key, endKey: req.endKey });
  },
  evaluate(ctx: EvalContext, req: DeleteRange) {
    ctx.effects.reads.push({ span: { key: req.key, endKey: req.endKey }, ts: ctx.txn.readTs });
    const keys = mvccDeleteRange(ctx.batch, req.key, req.endKey, { txn: writerTxn(ctx, req.seq) });
    for (const k of keys) ctx.effects.writes.push(k);
    return { kind: 'deleteRange', deleted: keys.length };
  },
};
