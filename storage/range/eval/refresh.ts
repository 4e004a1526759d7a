// refresh: proves that reads made at fromTs are still valid at toTs (no other transaction
// committed or holds an intent in between), so the transaction may move its read timestamp.

import type { BatchHeader, RefreshRequest } from '../../api/batch.js';
import { tsLess } from '../../hlc/timestamp.js';
import { mvccRefreshOk } from '../../mvcc/index.js';
import type { LatchSpans } from '../concurrency/latch.js';
import type { Command, EvalContext } from './command.js';

export class RefreshFailedError extends Error {
  constructor(readonly key: Buffer) {
    super('refresh failed');
    this.name = 'RefreshFailedError';
  }
}

export const refreshCommand: Command<RefreshRequest> = {
  declareKeys(req: RefreshRequest, _h: BatchHeader, latches: LatchSpans): void {
    latches.reads.push({ key: req.key, endKey: req.endKey });
  },
  evaluate(ctx: EvalContext, req: RefreshRequest) {
    const toTs = req.toTs ?? ctx.txn.readTs;
    // Not moved: the original read already stands (and is in the timestamp cache).
    if (!tsLess(req.fromTs, toTs)) return { kind: 'refresh' };
    if (!mvccRefreshOk(ctx.batch, req.key, req.endKey, req.fromTs, toTs, ctx.txn.id)) throw new RefreshFailedError(req.key);
    ctx.effects.reads.push({ span: { key: req.key, endKey: req.endKey }, ts: toTs });
    return { kind: 'refresh' };
  },
};
