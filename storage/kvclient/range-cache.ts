// The DistSender's cache of range descriptors: non-overlapping entries sorted by end key, so
// finding the range of a key is a binary search with no allocation (the hot path of every
// request). Entries come from rangeLookup replies and rangeKeyMismatch replies; a newer
// descriptor (higher generation) replaces the overlapping ones it supersedes; a stale one
// is evicted when a replica rejects it. Bounded: past RANGE_CACHE_ENTRIES_MAX an entry is
// dropped (looked up again when needed).

import type { RangeDescriptor } from '../api/range.js';
import { assert } from '../base/assert.js';

export const RANGE_CACHE_ENTRIES_MAX = 65_536;

export class RangeCache {
  private entries: RangeDescriptor[] = [];
  private evictNext = 0;

  constructor(private readonly entriesMax = RANGE_CACHE_ENTRIES_MAX) {
    assert(entriesMax > 0, 'range cache: size must be positive');
  }

  get size(): number {
    return this.entries.length;
  }

  /** Index of the first entry whose end key is > key (or >= key with `inclusive`). */
  private firstEndAfter(key: Buffer, inclusive: boolean): number {
    const a = this.entries;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = Buffer.compare(a[mid]!.endKey, key);
      if (c < 0 || (c === 0 && !inclusive)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The cached range holding key (start <= key < end). */
  lookup(key: Buffer): RangeDescriptor | undefined {
    const d = this.entries[this.firstEndAfter(key, false)];
    return d !== undefined && Buffer.compare(d.startKey, key) <= 0 ? d : undefined;
  }

  /** The cached range R with R.start < key <= R.end (the range a reverse scan ending at key starts in). */
  lookupEndInclusive(key: Buffer): RangeDescriptor | undefined {
    const d = this.entries[this.firstEndAfter(key, true)];
    return d !== undefined && Buffer.compare(d.startKey, key) < 0 ? d : undefined;
  }

  /**
   * Adds `desc`, dropping the entries it overlaps — unless one of them is newer (a higher
   * generation: without merges, the descriptors covering a key only grow in generation).
   */
  insert(desc: RangeDescriptor): void {
    assert(Buffer.compare(desc.startKey, desc.endKey) < 0, 'range cache: empty range');
    const a = this.entries;
    const from = this.firstEndAfter(desc.startKey, false);
    let to = from;
    while (to < a.length && Buffer.compare(a[to]!.startKey, desc.endKey) < 0) {
      const o = a[to]!;
      if (o.generation > desc.generation) return;
      if (o.generation === desc.generation && o.rangeId === desc.rangeId && o.startKey.equals(desc.startKey) && o.endKey.equals(desc.endKey)) return;
      to++;
    }
    a.splice(from, to - from, desc);
    if (a.length > this.entriesMax) {
      this.evictNext = (this.evictNext + 1) % a.length;
      a.splice(this.evictNext, 1);
    }
  }

  /** Drops `desc` if still cached (a replica said it is stale). */
  evict(desc: RangeDescriptor): void {
    const i = this.firstEndAfter(desc.startKey, false);
    const d = this.entries[i];
    if (d !== undefined && d.rangeId === desc.rangeId && d.generation <= desc.generation) this.entries.splice(i, 1);
  }

  all(): readonly RangeDescriptor[] {
    return this.entries;
  }
}
