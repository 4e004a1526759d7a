// resolveIntent: resolves a finished transaction's intents at a key or in a span of this
// range (commit: the intent becomes the newest version at commitTs; abort: it is dropped)
// and releases the transaction's locks here. Sent by the coordinator for the parts of its
// lock spans that lie outside its anchor's range. Bounded work per request: a span stops
// after RESOLVE_KEYS_MAX intents or RESOLVE_SCAN_MAX records and answers a resume key.

import type { BatchHeader, ResolveIntentRequest } from '../../api/batch.js';
import { decodeRecord, mvccResolveIntent } from '../../mvcc/index.js';
import type { ResolveOpts } from '../../mvcc/index.js';
import type { LatchSpans } from '../concurrency/latch.js';
import type { Command, EvalContext } from './command.js';

/** Intents resolved by one request at most (one write batch, evaluated synchronously). */
export const RESOLVE_KEYS_MAX = 1000;
/** Records examined by one request at most (a span of mostly other data). */
const RESOLVE_SCAN_MAX = 20_000;

export const resolveIntentCommand: Command<ResolveIntentRequest> = {
  declareKeys(req: ResolveIntentRequest, _h: BatchHeader, latches: LatchSpans): void {
    latches.writes.push({ key: req.key, endKey: req.endKey });
  },
  evaluate(ctx: EvalContext, req: ResolveIntentRequest) {
    const opts: ResolveOpts = { txnId: req.txnId, status: req.status, commitTs: req.commitTs, epoch: req.epoch, ignoredSeqs: req.ignoredSeqs };
    ctx.effects.released.push(req.txnId);
    if (req.endKey === null) {
      const n = mvccResolveIntent(ctx.batch, req.key, opts, ctx.effects.stats) ? 1 : 0;
      return { kind: 'resolveIntent', resolved: n, resumeKey: null };
    }
    // Collect first: resolving writes into the batch being iterated.
    const keys: Buffer[] = [];
    let resumeKey: Buffer | null = null;
    let scanned = 0;
    const it = ctx.batch.iterator({ lower: req.key, upper: req.endKey, prefetch: 256 });
    try {
      for (; it.valid(); it.next()) {
        if (keys.length >= RESOLVE_KEYS_MAX || scanned >= RESOLVE_SCAN_MAX) {
          resumeKey = it.key();
          break;
        }
        scanned++;
        const intent = decodeRecord(it.value()).intent;
        if (intent && intent.txnId.equals(req.txnId)) keys.push(it.key());
      }
    } finally {
      it.close();
    }
    for (const k of keys) mvccResolveIntent(ctx.batch, k, opts, ctx.effects.stats);
    return { kind: 'resolveIntent', resolved: keys.length, resumeKey };
  },
};
