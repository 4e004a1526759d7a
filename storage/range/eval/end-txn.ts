// endTxn: commits (at the write timestamp) or aborts the transaction. With point lock spans
// (the common case) every intent is resolved in this same batch — on one range the commit
// and the resolution are one atomic, synced write. With range lock spans (large or
// range-deleting transactions) the commit batch writes a COMMITTED txn record instead and
// the replica resolves the intents afterwards, in chunks (effects.asyncResolve). A commit
// requires readTs == writeTs (the coordinator refreshes first); otherwise writeTooOld.

import type { BatchHeader, EndTxnRequest } from '../../api/batch.js';
import { tsEq } from '../../hlc/timestamp.js';
import { decodeRecord, encodeTxnRecord, mvccResolveIntent, txnRecordKey, WriteTooOldError } from '../../mvcc/index.js';
import type { ResolveOpts } from '../../mvcc/index.js';
import type { LatchSpans } from '../concurrency/latch.js';
import type { Command, EvalContext } from './command.js';

export const endTxnCommand: Command<EndTxnRequest> = {
  declareKeys(req: EndTxnRequest, _h: BatchHeader, latches: LatchSpans): void {
    for (const s of req.lockSpans) latches.writes.push(s);
  },
  evaluate(ctx: EvalContext, req: EndTxnRequest) {
    const { txn } = ctx;
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
    ctx.effects.sync = req.commit;
    if (req.lockSpans.some((s) => s.endKey !== null)) {
      if (req.commit) {
        const record = { commitTs: txn.writeTs, epoch: txn.epoch, ignoredSeqs: txn.ignoredSeqs };
        ctx.batch.put(txnRecordKey(txn.id), encodeTxnRecord(record));
      }
      ctx.effects.asyncResolve = req.lockSpans;
      return { kind: 'endTxn' };
    }
    for (const span of req.lockSpans) {
      if (span.endKey === null) {
        mvccResolveIntent(ctx.batch, span.key, opts);
        continue;
      }
      // Collect first: resolving writes into the batch being iterated.
      const keys: Buffer[] = [];
      const it = ctx.batch.iterator({ lower: span.key, upper: span.endKey, prefetch: 256 });
      try {
        for (; it.valid(); it.next()) {
          const intent = decodeRecord(it.value()).intent;
          if (intent && intent.txnId.equals(txn.id)) keys.push(it.key());
        }
      } finally {
        it.close();
      }
      for (const k of keys) mvccResolveIntent(ctx.batch, k, opts);
    }
    return { kind: 'endTxn' };
  },
};
