// Span helpers shared by latches, the lock table and the timestamp cache.
// Hot: every latch acquisition and timestamp-cache lookup calls these, so they compare
// bounds in place and never allocate (a point span's exclusive end is key + 0x00, so
// "k < end(point p)" is "k <= p" and needs no buffer).

import type { Span } from '../../api/batch.js';

/** Exclusive end of a span (a point span ends just after its key). Allocates for points. */
export function spanEnd(s: Span): Buffer {
  if (s.endKey) return s.endKey;
  const out = Buffer.allocUnsafe(s.key.length + 1);
  s.key.copy(out, 0);
  out[s.key.length] = 0;
  return out;
}

/** key < end(s): against a point span that is key <= s.key. */
function beforeEnd(key: Buffer, s: Span): boolean {
  return s.endKey === null ? Buffer.compare(key, s.key) <= 0 : Buffer.compare(key, s.endKey) < 0;
}

export function spansOverlap(a: Span, b: Span): boolean {
  if (a.endKey === null && b.endKey === null) return a.key.equals(b.key);
  return beforeEnd(a.key, b) && beforeEnd(b.key, a);
}

export function spanContainsKey(s: Span, key: Buffer): boolean {
  if (s.endKey === null) return s.key.equals(key);
  return Buffer.compare(key, s.key) >= 0 && Buffer.compare(key, s.endKey) < 0;
}
