// put: writes an intent with the value at the transaction's write timestamp.

import type { BatchHeader, Request } from '../../api/batch.js';
import { mvccPut } from '../../mvcc/index.js';
import type { LatchSpans } from '../concurrency/latch.js';
import type { Command, EvalContext } from './command.js';
import { writerTxn } from './command.js';

type Put = Extract<Request, { kind: 'put' }>;

export const putCommand: Command<Put> = {
  declareKeys(req: Put, _h: BatchHeader, latches: LatchSpans): void {
    latches.writes.push({ key: req.key, endKey: null });
  },
  evaluate(ctx: EvalContext, req: Put) {
    mvccPut(ctx.batch, req.key, req.value, { txn: writerTxn(ctx, req.seq) });
    ctx.effects.writes.push(req.key);
    return { kind: 'put' };
  },
};
