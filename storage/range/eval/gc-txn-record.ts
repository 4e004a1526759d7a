// gcTxnRecord: deletes a finished transaction's record (anchored at key) once the coordinator
// has resolved every intent outside the anchor's range. Idempotent; an unsynced write.

import type { BatchHeader, GcTxnRecordRequest } from '../../api/batch.js';
import { txnRecordKey } from '../../mvcc/index.js';
import type { LatchSpans } from '../concurrency/latch.js';
import type { Command, EvalContext } from './command.js';

export const gcTxnRecordCommand: Command<GcTxnRecordRequest> = {
  declareKeys(req: GcTxnRecordRequest, _h: BatchHeader, latches: LatchSpans): void {
    latches.writes.push({ key: req.key, endKey: null });
  },
  evaluate(ctx: EvalContext, req: GcTxnRecordRequest) {
    const key = txnRecordKey(req.key, req.txnId);
    if (ctx.batch.get(key) !== undefined) ctx.batch.delete(key);
    return { kind: 'gcTxnRecord' };
  },
};
