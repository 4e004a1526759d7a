// Timestamp helpers: compare, next/prev, min/max, and a compact string form for logs.
// Timestamps are plain { wallNanos, logical } values (see storage/api); every layer uses these.

import type { Timestamp } from '../api/index.js';
import { assert } from '../base/assert.js';

export const ZERO_TS: Timestamp = Object.freeze({ wallNanos: 0n, logical: 0 });
/** Larger than any real timestamp; used to read "the latest" in tests and tools. */
export const MAX_TS: Timestamp = Object.freeze({ wallNanos: (1n << 63n) - 1n, logical: 0x7fffffff });

export const LOGICAL_MAX = 0x7fffffff;

export function ts(wallNanos: bigint, logical = 0): Timestamp {
  return { wallNanos, logical };
}

export function compareTs(a: Timestamp, b: Timestamp): number {
  if (a.wallNanos !== b.wallNanos) return a.wallNanos < b.wallNanos ? -1 : 1;
  return a.logical - b.logical;
}

export function tsLess(a: Timestamp, b: Timestamp): boolean {
  return a.wallNanos < b.wallNanos || (a.wallNanos === b.wallNanos && a.logical < b.logical);
}

export function tsLessEq(a: Timestamp, b: Timestamp): boolean {
  return a.wallNanos < b.wallNanos || (a.wallNanos === b.wallNanos && a.logical <= b.logical);
}

export function tsEq(a: Timestamp, b: Timestamp): boolean {
  return a.wallNanos === b.wallNanos && a.logical === b.logical;
}

/** The smallest timestamp greater than `t`. */
export function tsNext(t: Timestamp): Timestamp {
  if (t.logical < LOGICAL_MAX) return { wallNanos: t.wallNanos, logical: t.logical + 1 };
  return { wallNanos: t.wallNanos + 1n, logical: 0 };
}

/** The largest timestamp smaller than `t`. */
export function tsPrev(t: Timestamp): Timestamp {
  if (t.logical > 0) return { wallNanos: t.wallNanos, logical: t.logical - 1 };
  assert(t.wallNanos > 0n, 'hlc: prev of zero timestamp');
  return { wallNanos: t.wallNanos - 1n, logical: LOGICAL_MAX };
}

export function tsMax(a: Timestamp, b: Timestamp): Timestamp {
  return tsLess(a, b) ? b : a;
}

export function tsMin(a: Timestamp, b: Timestamp): Timestamp {
  return tsLess(a, b) ? a : b;
}

export function isZeroTs(t: Timestamp): boolean {
  return t.wallNanos === 0n && t.logical === 0;
}

export function tsString(t: Timestamp): string {
  return `${t.wallNanos}.${t.logical}`;
}
