// scan: the rows of [key, endKey) at the read timestamp, with limit and reverse; locking
// scans lock every returned row; SKIP LOCKED drops rows locked by others.

import type { BatchHeader, Request } from '../../api/batch.js';
import { mvccScan } from '../../mvcc/index.js';
import type { LatchSpans } from '../concurrency/latch.js';
import type { Command, EvalContext } from './command.js';

type Scan = Extract<Request, { kind: 'scan' }>;

export const scanCommand: Command<Scan> = {
  declareKeys(req: Scan, _h: BatchHeader, latches: LatchSpans): void {
    latches.reads.push({ key: req.key, endKey: req.endKey });
  },
  evaluate(ctx: EvalContext, req: Scan) {
    const lock = req.lock ?? ctx.header.lock ?? 'none';
    const skip = (req.waitPolicy ?? ctx.header.waitPolicy) === 'skip';
    const res = mvccScan(ctx.batch, req.key, req.endKey, {
      ts: ctx.txn.readTs,
      txn: ctx.txn,
      failOnMoreRecent: lock !== 'none',
      skipLocked: skip,
      limit: req.limit ?? 0,
      reverse: req.reverse === true,
    });
    let rows = res.rows;
    if (skip) rows = rows.filter((r) => !ctx.lockedByOther(r.key));
    // Only the part actually scanned was read: a limited scan reads up to its resume key.
    let span = { key: req.key, endKey: req.endKey };
    if (res.resumeKey) span = req.reverse ? { key: res.resumeKey, endKey: req.endKey } : { key: req.key, endKey: res.resumeKey };
    ctx.effects.reads.push({ span, ts: ctx.txn.readTs });
    if (lock !== 'none') for (const r of rows) ctx.effects.locks.push({ key: r.key, strength: lock });
    return { kind: 'scan', rows, resumeKey: res.resumeKey };
  },
};
