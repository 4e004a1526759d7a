// Timestamp cache: the highest timestamp at which each key or span was read, and by whom.
// A write below a later read of another transaction would rewrite history that reader
// already saw, so the replica pushes such writes above the cache (CockroachDB's tscache).
// Bounded: when full, entries are folded into a low-water mark that applies to every key.
// Point reads (the hot case) are a Map keyed by the key's latin1 string; span reads are a
// short bounded list whose maximum timestamp is tracked, so a point lookup skips the list
// whenever no span read is newer than what the point entry already says.

import type { Timestamp } from '../../api/index.js';
import type { Span } from '../../api/batch.js';
import { assert } from '../../base/assert.js';
import { tsLess, tsMax } from '../../hlc/timestamp.js';
import { spanContainsKey, spansOverlap } from './spans.js';

const POINT_ENTRIES_MAX = 200_000;
const SPAN_ENTRIES_MAX = 512;

interface Entry {
  ts: Timestamp;
  /** Hex id of the reading transaction; '' when several transactions read at ts. */
  txn: string;
}

export interface TsCacheHit {
  readonly ts: Timestamp;
  readonly txn: string;
}

export class TimestampCache {
  private points = new Map<string, Entry>();
  private spans: Array<{ span: Span } & Entry> = [];
  /** The highest timestamp among `spans` (lowWater when empty). */
  private spansMaxTs: Timestamp;
  private lowWater: Timestamp;

  constructor(lowWater: Timestamp) {
    this.lowWater = lowWater;
    this.spansMaxTs = lowWater;
  }

  /** Records a read of `span` at ts by txn. */
  add(span: Span, ts: Timestamp, txn: string): void {
    if (!tsLess(this.lowWater, ts)) return;
    if (span.endKey === null) {
      const k = span.key.toString('latin1');
      const e = this.points.get(k);
      if (!e) {
        if (this.points.size >= POINT_ENTRIES_MAX) this.foldPoints();
        this.points.set(k, { ts, txn });
      } else bump(e, ts, txn);
      return;
    }
    if (this.spans.length >= SPAN_ENTRIES_MAX) this.foldSpans();
    this.spans.push({ span, ts, txn });
    this.spansMaxTs = tsMax(this.spansMaxTs, ts);
  }

  /** The highest read timestamp over `span` and who read there. */
  getMax(span: Span): TsCacheHit {
    let best: Entry = { ts: this.lowWater, txn: '' };
    // An entry below `best` cannot change the answer (see merge): test timestamps before keys.
    if (span.endKey === null) {
      const e = this.points.get(span.key.toString('latin1'));
      if (e) best = merge(best, e);
      if (this.spans.length > 0 && !tsLess(this.spansMaxTs, best.ts)) {
        for (const s of this.spans) if (!tsLess(s.ts, best.ts) && spanContainsKey(s.span, span.key)) best = merge(best, s);
      }
    } else {
      // latin1 strings compare like the bytes they hold, so point keys need no decoding.
      const lo = span.key.toString('latin1');
      const hi = span.endKey.toString('latin1');
      for (const [k, e] of this.points) {
        if (!tsLess(e.ts, best.ts) && k >= lo && k < hi) best = merge(best, e);
      }
      for (const s of this.spans) if (!tsLess(s.ts, best.ts) && spansOverlap(s.span, span)) best = merge(best, s);
    }
    return { ts: best.ts, txn: best.txn }; // a copy: entries are updated in place
  }

  get lowWaterMark(): Timestamp {
    return this.lowWater;
  }

  /** The highest read timestamp of any entry: a range split off this one starts its cache here. */
  highWater(): Timestamp {
    let hi = tsMax(this.lowWater, this.spansMaxTs);
    for (const e of this.points.values()) hi = tsMax(hi, e.ts);
    return hi;
  }

  private foldPoints(): void {
    for (const e of this.points.values()) this.lowWater = tsMax(this.lowWater, e.ts);
    this.points.clear();
  }

  private foldSpans(): void {
    // Fold the older half (lowest timestamps) into the low-water mark.
    this.spans.sort((a, b) => (tsLess(a.ts, b.ts) ? -1 : tsLess(b.ts, a.ts) ? 1 : 0));
    const half = this.spans.length >>> 1;
    for (let i = 0; i < half; i++) this.lowWater = tsMax(this.lowWater, this.spans[i]!.ts);
    this.spans = this.spans.slice(half);
    this.spansMaxTs = this.lowWater;
    for (const s of this.spans) this.spansMaxTs = tsMax(this.spansMaxTs, s.ts);
    assert(this.spans.length < SPAN_ENTRIES_MAX, 'tscache: fold did not shrink');
  }
}

function bump(e: Entry, ts: Timestamp, txn: string): void {
  if (tsLess(e.ts, ts)) {
    e.ts = ts;
    e.txn = txn;
  } else if (!tsLess(ts, e.ts) && e.txn !== txn) {
    e.txn = '';
  }
}

function merge(best: Entry, e: Entry): Entry {
  if (tsLess(best.ts, e.ts)) return e;
  if (!tsLess(e.ts, best.ts) && best.txn !== e.txn) return { ts: best.ts, txn: '' };
  return best;
}
