// delete: writes a deletion intent (tombstone) for one key.

import type { BatchHeader, Request } from '../../api/batch.js';
import { mvccPut } from '../../mvcc/index.js';
import type { LatchSpans } from '../concurrency/latch.js';
import type { Command, EvalContext } from './command.js';
import { writerTxn } from './command.js';

type Delete = Extract<Request, { kind: 'delete' }>;

export const deleteCommand: Command<Delete> = {
  declareKeys(req: Delete, _h: BatchHeader, latches: LatchSpans): void {
    latches.writes.push({ key: req.key, endKey: null });
  },
  evaluate(ctx: EvalContext, req: Delete) {
    mvccPut(ctx.batch, req.key, null, { txn: writerTxn(ctx, req.seq) });
    ctx.effects.writes.push(req.key);
    return { kind: 'delete' };
  },
};
