// Span helpers shared by latches, the lock table and the timestamp cache.

import type { Span } from '../../api/batch.js';

/** Exclusive end of a span (a point span ends just after its key). */
export function spanEnd(s: Span): Buffer {
  if (s.endKey) return s.endKey;
  const out = Buffer.allocUnsafe(s.key.length + 1);
  s.key.copy(out, 0);
  out[s.key.length] = 0;
  return out;
}

export function spansOverlap(a: Span, b: Span): boolean {
  if (a.endKey === null && b.endKey === null) return a.key.equals(b.key);
  return Buffer.compare(a.key, spanEnd(b)) < 0 && Buffer.compare(b.key, spanEnd(a)) < 0;
}

export function spanContainsKey(s: Span, key: Buffer): boolean {
  if (s.endKey === null) return s.key.equals(key);
  return Buffer.compare(key, s.key) >= 0 && Buffer.compare(key, s.endKey) < 0;
}
