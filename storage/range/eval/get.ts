// get: the value of one key at the transaction's read timestamp; with a lock strength it is
// a locking read (FOR SHARE / FOR UPDATE): it must read the newest version and takes a lock.

import type { BatchHeader, Request } from '../../api/batch.js';
import { mvccGet, WriteIntentError } from '../../mvcc/index.js';
import type { LatchSpans } from '../concurrency/latch.js';
import type { Command, EvalContext } from './command.js';

type Get = Extract<Request, { kind: 'get' }>;

export const getCommand: Command<Get> = {
  declareKeys(req: Get, _h: BatchHeader, latches: LatchSpans): void {
    latches.reads.push({ key: req.key, endKey: null });
  },
  evaluate(ctx: EvalContext, req: Get) {
    const lock = req.lock ?? ctx.header.lock ?? 'none';
    const skip = (req.waitPolicy ?? ctx.header.waitPolicy) === 'skip';
    const span = { key: req.key, endKey: null };
    ctx.effects.reads.push({ span, ts: ctx.txn.readTs });
    if (skip && ctx.lockedByOther(req.key)) return { kind: 'get', value: null };
    let value: Buffer | null;
    try {
      value = mvccGet(ctx.batch, req.key, { ts: ctx.txn.readTs, txn: ctx.txn, failOnMoreRecent: lock !== 'none' });
    } catch (e) {
      if (skip && e instanceof WriteIntentError) return { kind: 'get', value: null };
      throw e;
    }
    if (lock !== 'none' && (value !== null || req.lockNonExisting === true)) ctx.effects.locks.push({ key: req.key, strength: lock });
    return { kind: 'get', value };
  },
};
