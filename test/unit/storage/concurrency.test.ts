// Replica concurrency machinery in isolation: latches (FIFO, read sharing), the lock table
// (compatibility, FIFO hand-off with claims, deadlock victims), the timestamp cache
// (points, spans, low-water folding) and the hybrid logical clock.

import { describe, expect, it } from 'vitest';
import { LatchManager } from '../../../storage/range/concurrency/latch.js';
import { LockTable } from '../../../storage/range/concurrency/lock-table.js';
import { TimestampCache } from '../../../storage/range/concurrency/tscache.js';
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
