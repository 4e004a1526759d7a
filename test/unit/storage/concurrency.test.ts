// Replica concurrency machinery in isolation: latches (FIFO, read sharing), the lock table
// (compatibility, FIFO hand-off with claims, deadlock victims), the timestamp cache
// (points, spans, low-water folding) and the hybrid logical clock.

import { describe, expect, it } from 'vitest';
import { LatchManager } from '../../../storage/range/concurrency/latch.js';
import { LockTable } from '../../../storage/range/concurrency/lock-table.js';
import { TimestampCache } from '../../../storage/range/concurrency/tscache.js';
import { spanContainsKey, spansOverlap } from '../../../storage/range/concurrency/spans.js';
import type { Span } from '../../../storage/api/batch.js';
import { Hlc, ClockOffsetError, compareTs, tsNext, tsPrev } from '../../../storage/hlc/index.js';
import { ManualClock } from '../../../storage/base/index.js';
import { KvError } from '../../../storage/api/index.js';

const b = (s: string): Buffer => Buffer.from(s);
const T = (w: number, l = 0) => ({ wallNanos: BigInt(w), logical: l });
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('latches', () => {
  it('readers share, writers exclude, in FIFO order', async () => {
    const m = new LatchManager();
    const r1 = m.acquire({ reads: [{ key: b('a'), endKey: null }], writes: [] });
    const r2 = m.acquire({ reads: [{ key: b('a'), endKey: b('c') }], writes: [] });
    expect(m.isReady(r1) && m.isReady(r2)).toBe(true);
    const w = m.acquire({ reads: [], writes: [{ key: b('b'), endKey: null }] });
    expect(m.isReady(w)).toBe(false);
    const r3 = m.acquire({ reads: [{ key: b('b'), endKey: null }], writes: [] });
    expect(m.isReady(r3)).toBe(false); // behind the waiting writer
    const other = m.acquire({ reads: [], writes: [{ key: b('z'), endKey: null }] });
    expect(m.isReady(other)).toBe(true);
    m.release(r2);
    await m.ready(w);
    expect(m.isReady(r3)).toBe(false);
    m.release(w);
    await m.ready(r3);
    m.release(r1);
    m.release(r3);
    m.release(other);
    expect(m.size).toBe(0);
  });
});

describe('lock table', () => {
  it('shared locks are compatible; exclusive and intents conflict; reads only wait on intents', () => {
    const lt = new LockTable();
    lt.acquire(b('k'), 'A', 'shared');
    expect(lt.conflicts(b('k'), 'B', 'shared')).toEqual([]);
    expect(lt.conflicts(b('k'), 'B', 'exclusive')).toEqual(['A']);
    expect(lt.conflicts(b('k'), 'B', 'read')).toEqual([]);
    expect(lt.conflicts(b('k'), 'A', 'exclusive')).toEqual([]);
    lt.acquire(b('i'), 'A', 'intent');
    expect(lt.conflicts(b('i'), 'B', 'read')).toEqual(['A']);
  });

  it('hands a released lock to the first waiter, who claims it ahead of later ones', async () => {
    const lt = new LockTable();
    lt.acquire(b('k'), 'A', 'exclusive');
    const order: string[] = [];
    const pb = lt.wait(b('k'), 'B', 'exclusive', 1).then(() => order.push('B'));
    const pc = lt.wait(b('k'), 'C', 'exclusive', 1).then(() => order.push('C'));
    lt.releaseTxn('A');
    await pb;
    await tick();
    expect(order).toEqual(['B']);
    expect(lt.conflicts(b('k'), 'C', 'exclusive')).toEqual(['B']); // B's claim
    lt.releaseTxn('B');
    await pc;
    expect(order).toEqual(['B', 'C']);
    lt.releaseTxn('C');
    expect(lt.lockCount).toBe(0);
  });

  it('breaks a waits-for cycle by rejecting the lowest-priority waiter', async () => {
    const lt = new LockTable();
    lt.acquire(b('a'), 'A', 'exclusive');
    lt.acquire(b('b'), 'B', 'exclusive');
    lt.acquire(b('c'), 'C', 'exclusive');
    const pa = lt.wait(b('b'), 'A', 'exclusive', 2);
    const pb = lt.wait(b('c'), 'B', 'exclusive', 0);
    const pc = lt.wait(b('a'), 'C', 'exclusive', 1); // closes A → B → C → A
    const err = await pb.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KvError);
    expect((err as KvError).code).toBe('Deadlock');
    lt.releaseTxn('B'); // the victim aborts
    await pa;
    lt.releaseTxn('A');
    await pc;
    lt.releaseTxn('C');
    expect(lt.isWaiting('A') || lt.isWaiting('C')).toBe(false);
  });
});

describe('timestamp cache', () => {
  it('returns the max read over points and spans, with the reader', () => {
    const c = new TimestampCache(T(1));
    c.add({ key: b('k'), endKey: null }, T(10), 'A');
    c.add({ key: b('a'), endKey: b('m') }, T(5), 'B');
    expect(c.getMax({ key: b('k'), endKey: null })).toEqual({ ts: T(10), txn: 'A' });
    expect(c.getMax({ key: b('c'), endKey: null })).toEqual({ ts: T(5), txn: 'B' });
    expect(c.getMax({ key: b('x'), endKey: null })).toEqual({ ts: T(1), txn: '' });
    expect(c.getMax({ key: b('j'), endKey: b('l') }).ts).toEqual(T(10));
    c.add({ key: b('k'), endKey: null }, T(10), 'C');
    expect(c.getMax({ key: b('k'), endKey: null })).toEqual({ ts: T(10), txn: '' });
  });

  it('folds old spans into the low-water mark when full', () => {
    const c = new TimestampCache(T(1));
    for (let i = 0; i < 600; i++) c.add({ key: b(`s${i}`), endKey: b(`s${i}~`) }, T(100 + i), 'A');
    expect(compareTs(c.lowWaterMark, T(100))).toBeGreaterThan(0);
    expect(c.getMax({ key: b('s599'), endKey: null }).ts).toEqual(T(699));
  });
});

describe('spans', () => {
  it('overlap at the boundaries: a point span ends just after its key', () => {
    const p = (k: string): Span => ({ key: b(k), endKey: null });
    const r = (k: string, e: string): Span => ({ key: b(k), endKey: b(e) });
    expect(spansOverlap(p('b'), r('b', 'c'))).toBe(true);
    expect(spansOverlap(p('c'), r('b', 'c'))).toBe(false);
    expect(spansOverlap(r('b', 'c'), p('b\u0000'))).toBe(true);
    expect(spansOverlap(r('a', 'b'), p('b'))).toBe(false);
    expect(spansOverlap(p('b'), p('b'))).toBe(true);
    expect(spansOverlap(p('b'), p('b\u0000'))).toBe(false);
    expect(spansOverlap(r('a', 'c'), r('c', 'd'))).toBe(false);
    expect(spansOverlap(r('a', 'c\u0000'), r('c', 'd'))).toBe(true);
    expect(spanContainsKey(r('a', 'c'), b('c'))).toBe(false);
  });
});

describe('timestamp cache against a brute-force model', () => {
  it('answers every point and span query like a scan of all reads', () => {
    let seed = 7;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const key = (): Buffer => Buffer.from([0x10, rnd(6), rnd(3) === 0 ? 0 : rnd(256)]);
    const c = new TimestampCache(T(1));
    const reads: Array<{ span: Span; ts: ReturnType<typeof T>; txn: string }> = [];
    for (let i = 0; i < 400; i++) {
      const k = key();
      const span: Span = rnd(4) === 0 ? { key: k, endKey: Buffer.concat([k, Buffer.from([rnd(256)])]) } : { key: k, endKey: null };
      const read = { span, ts: T(2 + rnd(50)), txn: `t${rnd(4)}` };
      c.add(read.span, read.ts, read.txn);
      reads.push(read);
      const q = key();
      const query: Span = rnd(3) === 0 ? { key: q, endKey: Buffer.from([0x10, 6]) } : { key: q, endKey: null };
      let best = { ts: T(1), txn: '' };
      for (const r of reads) {
        if (!spansOverlap(r.span, query)) continue;
        const cmp = compareTs(r.ts, best.ts);
        if (cmp > 0) best = { ts: r.ts, txn: r.txn };
        else if (cmp === 0 && best.txn !== r.txn) best = { ts: best.ts, txn: '' };
      }
      const got = c.getMax(query);
      expect(got.ts).toEqual(best.ts);
      // Same-timestamp readers merge per entry, so an exact reader name is only promised when unique.
      if (best.txn !== '') expect(got.txn === best.txn || got.txn === '').toBe(true);
    }
  });
});

describe('hybrid logical clock', () => {
  it('is monotonic, follows wall time and moves past remote timestamps', () => {
    const clock = new ManualClock(1000n);
    const hlc = new Hlc(clock, 500n);
    const a = hlc.now();
    const b2 = hlc.now();
    expect(compareTs(a, b2)).toBeLessThan(0);
    expect(b2).toEqual(T(1000, 1));
    hlc.update(T(1200, 7));
    expect(compareTs(hlc.now(), T(1200, 7))).toBeGreaterThan(0);
    clock.set(2000n);
    expect(hlc.now()).toEqual(T(2000, 0));
    expect(() => hlc.update(T(3000))).toThrow(ClockOffsetError);
    expect(tsPrev(tsNext(T(5, 3)))).toEqual(T(5, 3));
    expect(tsPrev(T(5, 0)).wallNanos).toBe(4n);
  });
});
