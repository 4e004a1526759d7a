// rangeLookup: served by the meta range. Meta records (META + range end key → descriptor)
// are read raw, without latches, the timestamp cache or waiting on intents: a record with an
// intent yields the intent's value, because meta is only written after the split that it
// describes has already committed (the new descriptors are already true); a hint that turns
// out stale costs one rangeKeyMismatch, whose reply carries the authoritative descriptors.

import type { BatchHeader, RangeLookupRequest } from '../../api/batch.js';
import type { RangeDescriptor } from '../../api/range.js';
import { decodeRangeDescriptor } from '../../api/range.js';
import { assert } from '../../base/assert.js';
import { keyNext } from '../../keys/keys.js';
import { META_END } from '../../keys/system.js';
import { metaKey } from '../../keys/range-keys.js';
import { decodeRecord } from '../../mvcc/index.js';
import type { LatchSpans } from '../concurrency/latch.js';
import type { Command, EvalContext } from './command.js';

/** Descriptors returned after the one asked for, at most. */
export const LOOKUP_PREFETCH_MAX = 64;

export const rangeLookupCommand: Command<RangeLookupRequest> = {
  declareKeys(_req: RangeLookupRequest, _h: BatchHeader, _latches: LatchSpans): void {
    // No latches: a lookup must never wait (see the file comment).
  },
  evaluate(ctx: EvalContext, req: RangeLookupRequest) {
    assert(req.prefetch >= 0, 'rangeLookup: negative prefetch');
    const want = 1 + Math.min(req.prefetch, LOOKUP_PREFETCH_MAX);
    // The range holding key is the first whose end key is > key (>= key for endInclusive).
    const from = metaKey(req.endInclusive ? req.key : keyNext(req.key));
    const ranges: RangeDescriptor[] = [];
    const it = ctx.batch.iterator({ lower: from, upper: META_END, prefetch: want });
    try {
      for (; it.valid() && ranges.length < want; it.next()) {
        const rec = decodeRecord(it.value());
        const value = rec.intent ? rec.intent.value : (rec.latest?.value ?? null);
        if (value !== null) ranges.push(decodeRangeDescriptor(value));
      }
    } finally {
      it.close();
    }
    return { kind: 'rangeLookup', ranges };
  },
};
