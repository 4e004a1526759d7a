// conditionalPut: writes an intent only if the value the transaction sees equals `expected`
// (null: absent); the basis of INSERT's uniqueness check. Fails with ConditionFailed.

import type { BatchHeader, Request } from '../../api/batch.js';
import { mvccConditionalPut } from '../../mvcc/index.js';
import type { LatchSpans } from '../concurrency/latch.js';
import type { Command, EvalContext } from './command.js';
import { writerTxn } from './command.js';

type CPut = Extract<Request, { kind: 'conditionalPut' }>;

export const conditionalPutCommand: Command<CPut> = {
  declareKeys(req: CPut, _h: BatchHeader, latches: LatchSpans): void {
    latches.writes.push({ key: req.key, endKey: null });
  },
  evaluate(ctx: EvalContext, req: CPut) {
    // The comparison is a read at the write timestamp: record it for the timestamp cache.
    ctx.effects.reads.push({ span: { key: req.key, endKey: null }, ts: ctx.txn.writeTs });
    mvccConditionalPut(ctx.batch, req.key, req.value, req.expected, { txn: writerTxn(ctx, req.seq) });
    ctx.effects.writes.push(req.key);
    return { kind: 'conditionalPut' };
  },
};
