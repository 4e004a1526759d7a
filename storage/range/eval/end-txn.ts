// endTxn: commits (at the write timestamp) or aborts the transaction, on the range holding
// its anchor key. Lock spans inside this range with only point keys (the common case) are
// resolved in this same batch — with no spans elsewhere, commit and resolution are one
// atomic, synced write (1PC). Local range spans (large or range-deleting transactions) are
// resolved by the replica afterwards in chunks (effects.asyncResolve), so the batch writes
// the txn record (COMMITTED) first. Spans on other ranges are answered as remoteSpans for
// the coordinator to resolve; the record (COMMITTED synced, or ABORTED) then tells readers
// meeting those intents the outcome until the coordinator deletes it. A commit requires
// readTs == writeTs (the coordinator refreshes first); otherwise writeTooOld.

import type { BatchHeader, EndTxnRequest, Span } from '../../api/batch.js';
import type { RangeDescriptor } from '../../api/range.js';
import { assert } from '../../base/assert.js';
import { tsEq } from '../../hlc/timestamp.js';
import { encodeTxnRecord, mvccResolveIntent, txnRecordKey, WriteTooOldError } from '../../mvcc/index.js';
import type { ResolveOpts } from '../../mvcc/index.js';
import type { LatchSpans } from '../concurrency/latch.js';
import type { Command, EvalContext } from './command.js';

export const endTxnCommand: Command<EndTxnRequest> = {
  declareKeys(req: EndTxnRequest, h: BatchHeader, latches: LatchSpans): void {
    for (const s of req.lockSpans) latches.writes.push(s);
    // The record's key: serializes with a split moving the anchor to another range.
    if (h.txn.anchorKey) latches.writes.push({ key: h.txn.anchorKey, endKey: null });
  },
  evaluate(ctx: EvalContext, req: EndTxnRequest) {
    const { txn, desc } = ctx;
    if (req.commit && !tsEq(txn.readTs, txn.writeTs)) {
      throw new WriteTooOldError(req.lockSpans[0]?.key ?? Buffer.alloc(0), txn.writeTs);
    }
    const opts: ResolveOpts = {
      txnId: txn.id,
      status: req.commit ? 'committed' : 'aborted',
      commitTs: txn.writeTs,
      epoch: txn.epoch,
      ignoredSeqs: txn.ignoredSeqs,
    };
    ctx.effects.endTxn = { commit: req.commit };
    // Nothing to make durable when the transaction wrote nothing (locking reads only).
    ctx.effects.sync = req.commit && req.lockSpans.length > 0;
    if (allLocalPoints(req, desc)) {
      // The common one-range transaction: resolve every intent in this batch (1PC).
      for (const span of req.lockSpans) mvccResolveIntent(ctx.batch, span.key, opts, ctx.effects.stats);
      return END_TXN_RESPONSE;
    }
    const local: Span[] = [];
    const remote: Span[] = [];
    for (const s of req.lockSpans) divideSpan(s, desc, local, remote);
    // Intents elsewhere need the record; locks elsewhere (read locks) only their release.
    const remoteIntents = remote.length > 0;
    for (const s of req.readLockSpans ?? []) divideSpan(s, desc, null, remote);
    const localRangeSpans = local.some((s) => s.endKey !== null);
    // Missing record = not committed: an abort needs one only to stop remote readers' doubt.
    if ((req.commit && (localRangeSpans || remoteIntents)) || (!req.commit && remoteIntents)) {
      assert(txn.anchorKey !== null, 'endTxn: a transaction with intents has an anchor');
      ctx.batch.put(txnRecordKey(txn.anchorKey, txn.id), encodeTxnRecord({ status: opts.status, commitTs: opts.commitTs, epoch: opts.epoch, ignoredSeqs: opts.ignoredSeqs }));
    }
    if (localRangeSpans) {
      ctx.effects.asyncResolve = local;
      ctx.effects.deleteRecordAfterResolve = remote.length === 0;
    } else {
      for (const span of local) mvccResolveIntent(ctx.batch, span.key, opts, ctx.effects.stats);
    }
    return remote.length > 0 ? { kind: 'endTxn', remoteSpans: remote } : END_TXN_RESPONSE;
  },
};

const END_TXN_RESPONSE = Object.freeze({ kind: 'endTxn' as const });

function inside(key: Buffer, desc: RangeDescriptor): boolean {
  return Buffer.compare(key, desc.startKey) >= 0 && Buffer.compare(key, desc.endKey) < 0;
}

/** Every lock span is a point key of this range and every read lock lies in it. */
function allLocalPoints(req: EndTxnRequest, desc: RangeDescriptor): boolean {
  for (const s of req.lockSpans) if (s.endKey !== null || !inside(s.key, desc)) return false;
  for (const s of req.readLockSpans ?? []) {
    if (!inside(s.key, desc) || (s.endKey !== null && Buffer.compare(s.endKey, desc.endKey) > 0)) return false;
  }
  return true;
}

/** Appends the part of `s` inside `desc` to `inside` (unless null) and the parts outside to `outside`. */
export function divideSpan(s: Span, desc: RangeDescriptor, inside: Span[] | null, outside: Span[]): void {
  if (s.endKey === null) {
    const isIn = Buffer.compare(s.key, desc.startKey) >= 0 && Buffer.compare(s.key, desc.endKey) < 0;
    if (isIn) inside?.push(s);
    else outside.push(s);
    return;
  }
  if (Buffer.compare(s.key, desc.startKey) < 0) {
    outside.push({ key: s.key, endKey: Buffer.compare(s.endKey, desc.startKey) < 0 ? s.endKey : desc.startKey });
  }
  const lo = Buffer.compare(s.key, desc.startKey) > 0 ? s.key : desc.startKey;
  const hi = Buffer.compare(s.endKey, desc.endKey) < 0 ? s.endKey : desc.endKey;
  if (Buffer.compare(lo, hi) < 0) inside?.push(lo === s.key && hi === s.endKey ? s : { key: lo, endKey: hi });
  if (Buffer.compare(s.endKey, desc.endKey) > 0) {
    outside.push({ key: Buffer.compare(s.key, desc.endKey) > 0 ? s.key : desc.endKey, endKey: s.endKey });
  }
}
