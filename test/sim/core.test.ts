// Unit tests of the simulator's core: scheduler order, seeded randomness, the network's
// faults, crash semantics of the simulated disks, and the linearizability checker on
// hand-made histories (including ones that must fail: a checker that cannot fail proves nothing).

import { describe, expect, test } from 'vitest';
import { SimRng } from './core/rng.js';
import { Scheduler } from './core/scheduler.js';
import { SimNetwork } from './core/network.js';
import { SimClock } from './core/clock.js';
import { SimRaftDisk } from './core/raft-disk.js';
import { SimEngine } from './core/engine.js';
import { buggify, setBuggify } from './core/buggify.js';
import { Trace } from './core/trace.js';
import type { HistoryOp, RegisterInput, RegisterOutput } from './core/linearizability.js';
import { checkRegisterHistory } from './core/linearizability.js';
import type { Entry } from '../../storage/raft/types.js';

describe('scheduler', () => {
  test('runs events by (time, insertion order) and skips cancelled ones', () => {
    const s = new Scheduler();
    const seen: string[] = [];
    s.at(20, () => seen.push('b'));
    s.at(10, () => seen.push('a'));
    s.at(20, () => seen.push('c'));
    const h = s.at(15, () => seen.push('x'));
    s.at(10, () => s.after(0, () => seen.push('a2')));
    h.cancel();
    s.runUntil(100);
    expect(seen).toEqual(['a', 'a2', 'b', 'c']);
    expect(s.now).toBe(100);
    expect(() => s.at(50, () => {})).toThrow(/before now/);
  });

  test('keeps order over many random events', () => {
    const s = new Scheduler();
    const rng = new SimRng(7);
    const got: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t = rng.int(1000);
      s.at(t, () => got.push(t));
    }
    s.runUntil(1000);
    expect(got).toEqual([...got].sort((a, b) => a - b));
    expect(got.length).toBe(2000);
  });
});

describe('rng', () => {
  test('same seed, same stream; forks are independent of draws', () => {
    const a = new SimRng(42);
    const b = new SimRng(42);
    expect(Array.from({ length: 10 }, () => a.int(1000))).toEqual(Array.from({ length: 10 }, () => b.int(1000)));
    const c = new SimRng(42);
    c.next();
    expect(new SimRng(42).fork().int(1 << 30)).toBe(c.fork().int(1 << 30));
    expect(new SimRng(1).int(1 << 30)).not.toBe(new SimRng(2).int(1 << 30));
  });

  test('int and range stay in bounds', () => {
    const r = new SimRng(3);
    for (let i = 0; i < 1000; i++) {
      const v = r.range(-5, 5);
      expect(v).toBeGreaterThanOrEqual(-5);
      expect(v).toBeLessThanOrEqual(5);
    }
  });
});

describe('buggify', () => {
  test('is off outside a run and deterministic inside one', () => {
    expect(buggify('x', 1)).toBe(false);
    const draw = () => {
      setBuggify(new SimRng(9));
      const out = Array.from({ length: 40 }, (_, i) => buggify(`site${i % 8}`, 0.5));
      setBuggify(null);
      return out;
    };
    expect(draw()).toEqual(draw());
    expect(buggify('site0', 1)).toBe(false);
  });
});

describe('clock', () => {
  test('follows virtual time and keeps skew within half the max offset', () => {
    const s = new Scheduler();
    const c = new SimClock(s, 500_000_000);
    const t0 = c.now();
    s.runUntil(1000);
    expect(c.now() - t0).toBe(1_000_000n);
    c.setSkew(-250_000_000);
    expect(() => c.setSkew(250_000_001)).toThrow(/max offset/);
    const r = new SimRng(1);
    for (let i = 0; i < 100; i++) {
      c.jitter(r);
      expect(Math.abs(c.skew)).toBeLessThanOrEqual(250_000_000);
    }
  });
});

describe('network', () => {
  function setup(profile = { delayMinUs: 10, delayMaxUs: 100, dropP: 0, dupP: 0, reorder: false }) {
    const s = new Scheduler();
    const net = new SimNetwork<number>(s, new SimRng(5), profile);
    const got: Array<[number, number, number]> = [];
    net.onDeliver((f, t, m) => got.push([f, t, m]));
    return { s, net, got };
  }

  test('FIFO links keep order; reordering links do not', () => {
    const fifo = setup();
    for (let i = 0; i < 50; i++) fifo.net.send(1, 2, i);
    fifo.s.runUntil(10_000);
    expect(fifo.got.map((g) => g[2])).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const re = setup({ delayMinUs: 10, delayMaxUs: 1000, dropP: 0, dupP: 0, reorder: true });
    for (let i = 0; i < 50; i++) re.net.send(1, 2, i);
    re.s.runUntil(10_000);
    expect(re.got.length).toBe(50);
    expect(re.got.map((g) => g[2])).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  test('drops and duplicates at the configured rates', () => {
    const { s, net, got } = setup({ delayMinUs: 10, delayMaxUs: 100, dropP: 0.3, dupP: 0.3, reorder: true });
    for (let i = 0; i < 1000; i++) net.send(1, 2, i);
    s.runUntil(10_000);
    expect(net.stats.dropped).toBeGreaterThan(200);
    expect(net.stats.duplicated).toBeGreaterThan(100);
    expect(got.length).toBe(1000 - net.stats.dropped + net.stats.duplicated);
  });

  test('partitions drop (one-way too), in flight as well; heal restores', () => {
    const { s, net, got } = setup();
    net.send(1, 2, 0);
    net.partition([1], [2, 3], true);
    net.send(1, 2, 1);
    net.send(2, 1, 2);
    s.runUntil(1000);
    expect(got.map((g) => g[2])).toEqual([2]);
    net.heal();
    net.send(1, 2, 3);
    s.runUntil(2000);
    expect(got.map((g) => g[2])).toEqual([2, 3]);
  });

  test('clogged links hold messages until unclogged; down nodes lose them', () => {
    const { s, net, got } = setup();
    net.clog(1, 2);
    net.send(1, 2, 1);
    net.send(2, 1, 2);
    s.runUntil(1000);
    expect(got.map((g) => g[2])).toEqual([2]);
    net.unclog(1, 2);
    s.runUntil(2000);
    expect(got.map((g) => g[2])).toEqual([2, 1]);
    net.setUp(3, false);
    net.send(1, 3, 9);
    s.runUntil(3000);
    expect(got.length).toBe(2);
  });
});

const ent = (index: number, term: number): Entry => ({ index, term, type: 'normal', data: Buffer.from(`e${index}`) });

describe('raft disk', () => {
  test('crash loses unsynced batches and keeps synced ones', () => {
    const d = new SimRaftDisk();
    d.write({ entries: [ent(1, 1), ent(2, 1)], hardState: { term: 1, vote: 1, commit: 0 } });
    d.sync();
    d.write({ entries: [ent(3, 1)], hardState: { term: 1, vote: 1, commit: 2 } });
    expect(d.crash(null)).toBe(1);
    const st = d.read();
    expect(st.entries.map((e) => e.index)).toEqual([1, 2]);
    expect(st.hardState.commit).toBe(0);
  });

  test('append truncates a conflicting suffix; snapshot and compaction drop the prefix', () => {
    const d = new SimRaftDisk();
    d.write({ entries: [ent(1, 1), ent(2, 1), ent(3, 1)] });
    d.write({ entries: [ent(2, 2)] });
    d.sync();
    expect(d.read().entries.map((e) => `${e.index}/${e.term}`)).toEqual(['1/1', '2/2']);
    d.write({ compactBelow: 2 });
    d.sync();
    expect(d.read().entries.map((e) => e.index)).toEqual([2]);
    const snap = { meta: { index: 5, term: 3, confState: { voters: [1], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } }, data: Buffer.alloc(0) };
    d.write({ snapshot: snap, entries: [ent(6, 3)] });
    d.sync();
    expect(d.read().snapshot?.meta.index).toBe(5);
    expect(d.read().entries.map((e) => e.index)).toEqual([6]);
  });

  test('crash may keep a prefix of unsynced batches, never a later one without the earlier', () => {
    for (let seed = 0; seed < 30; seed++) {
      const d = new SimRaftDisk();
      for (let i = 1; i <= 5; i++) d.write({ entries: [ent(i, 1)] });
      d.crash(new SimRng(seed));
      const idx = d.read().entries.map((e) => e.index);
      expect(idx).toEqual(Array.from({ length: idx.length }, (_, i) => i + 1));
    }
  });
});

describe('sim engine', () => {
  test('crash keeps synced writes and a prefix of unsynced ones', async () => {
    const s = new Scheduler();
    const e = new SimEngine(s, new SimRng(1));
    const put = (k: string, sync: boolean) => {
      const b = e.newBatch();
      b.put(Buffer.from(k), Buffer.from('v'));
      e.write(b, { sync });
    };
    put('a', false);
    put('b', true);
    for (let i = 0; i < 10; i++) put(`c${i}`, false);
    e.crash();
    expect(e.get(Buffer.from('a'))).toBeDefined();
    expect(e.get(Buffer.from('b'))).toBeDefined();
    const kept = Array.from({ length: 10 }, (_, i) => e.get(Buffer.from(`c${i}`)) !== undefined);
    const n = kept.filter(Boolean).length;
    expect(kept).toEqual(Array.from({ length: 10 }, (_, i) => i < n));
    // writeDurable lands after a simulated sync latency; a crash in between loses it.
    const b = e.newBatch();
    b.put(Buffer.from('d'), Buffer.from('v'));
    let done = false;
    void e.writeDurable(b).then(() => (done = true));
    e.crash();
    s.runUntil(10_000);
    await Promise.resolve();
    expect(done).toBe(false);
    expect(e.get(Buffer.from('d'))).toBeUndefined();
  });
});

describe('trace', () => {
  test('hash depends on every line', () => {
    const a = new Trace(null);
    const b = new Trace(null);
    a.log(1, 'x');
    b.log(1, 'y');
    expect(a.hash()).not.toBe(b.hash());
  });
});

type Op = HistoryOp<RegisterInput, RegisterOutput>;
const w = (key: string, value: string, callUs: number, returnUs: number, client = 0): Op => ({ client, input: { kind: 'write', key, value }, output: null, callUs, returnUs });
const r = (key: string, value: string | null, callUs: number, returnUs: number, client = 1): Op => ({ client, input: { kind: 'read', key }, output: { value }, callUs, returnUs });
const cas = (key: string, expect: string | null, value: string, swapped: boolean | undefined, callUs: number, returnUs: number): Op => ({
  client: 2,
  input: { kind: 'cas', key, expect, value },
  output: swapped === undefined ? undefined : { swapped },
  callUs,
  returnUs: swapped === undefined ? Infinity : returnUs,
});
const ambiguousWrite = (key: string, value: string, callUs: number): Op => ({ client: 3, input: { kind: 'write', key, value }, output: undefined, callUs, returnUs: Infinity });

describe('linearizability checker', () => {
  test('accepts sequential and overlapping legal histories', () => {
    expect(checkRegisterHistory([w('k', 'a', 0, 10), r('k', 'a', 20, 30)]).kind).toBe('ok');
    // Read overlapping the write may see either value.
    expect(checkRegisterHistory([w('k', 'a', 0, 10), w('k', 'b', 20, 40), r('k', 'a', 25, 30)]).kind).toBe('ok');
    expect(checkRegisterHistory([w('k', 'a', 0, 10), w('k', 'b', 20, 40), r('k', 'b', 25, 30)]).kind).toBe('ok');
    expect(checkRegisterHistory([r('k', null, 0, 5), cas('k', null, 'x', true, 6, 8), r('k', 'x', 9, 10)]).kind).toBe('ok');
  });

  test('rejects a stale read after a completed write', () => {
    const res = checkRegisterHistory([w('k', 'a', 0, 10), w('k', 'b', 20, 30), r('k', 'a', 40, 50)]);
    expect(res.kind).toBe('violation');
  });

  test('rejects a read of a value never written and a lost write', () => {
    expect(checkRegisterHistory([w('k', 'a', 0, 10), r('k', 'z', 20, 30)]).kind).toBe('violation');
    expect(checkRegisterHistory([w('k', 'a', 0, 10), r('k', null, 20, 30)]).kind).toBe('violation');
  });

  test('rejects a read that goes back in time (new value, then old)', () => {
    const h = [w('k', 'a', 0, 10), w('k', 'b', 20, 100), r('k', 'b', 30, 40), r('k', 'a', 50, 60)];
    expect(checkRegisterHistory(h).kind).toBe('violation');
  });

  test('ambiguous writes may or may not take effect, but only after their call', () => {
    expect(checkRegisterHistory([ambiguousWrite('k', 'a', 0), r('k', null, 10, 20), r('k', 'a', 30, 40)]).kind).toBe('ok');
    expect(checkRegisterHistory([ambiguousWrite('k', 'a', 0), r('k', null, 10, 20)]).kind).toBe('ok');
    expect(checkRegisterHistory([r('k', 'a', 0, 5), ambiguousWrite('k', 'a', 10)]).kind).toBe('violation');
    // Once seen, the ambiguous write cannot be un-done.
    expect(checkRegisterHistory([ambiguousWrite('k', 'a', 0), r('k', 'a', 10, 20), r('k', null, 30, 40)]).kind).toBe('violation');
  });

  test('cas outcomes must agree with the state', () => {
    expect(checkRegisterHistory([w('k', 'a', 0, 10), cas('k', 'a', 'b', false, 20, 30)]).kind).toBe('violation');
    expect(checkRegisterHistory([w('k', 'a', 0, 10), cas('k', 'b', 'c', true, 20, 30)]).kind).toBe('violation');
    expect(checkRegisterHistory([w('k', 'a', 0, 10), cas('k', 'a', 'c', undefined, 20, 30), r('k', 'c', 40, 50)]).kind).toBe('ok');
  });

  test('keys are independent: a violation on one key is found among many', () => {
    const h: Op[] = [];
    for (let i = 0; i < 50; i++) h.push(w(`k${i}`, `v${i}`, i * 10, i * 10 + 5), r(`k${i}`, `v${i}`, i * 10 + 6, i * 10 + 8));
    expect(checkRegisterHistory(h).kind).toBe('ok');
    h.push(r('k17', null, 10_000, 10_010));
    const res = checkRegisterHistory(h);
    expect(res.kind === 'violation' && res.partition).toBe('k17');
  });

  test('handles a long concurrent history quickly (memoization)', () => {
    const h: Op[] = [];
    const rng = new SimRng(11);
    let t = 0;
    let value: string | null = null;
    // 4 clients, each op overlapping others; generated from a real sequential execution.
    for (let i = 0; i < 400; i++) {
      t += 10;
      const lin = t + 5;
      if (rng.chance(0.5)) {
        value = `v${i}`;
        h.push(w('k', value, lin - rng.int(30), lin + rng.int(30), i % 4));
      } else {
        h.push(r('k', value, lin - rng.int(30), lin + rng.int(30), i % 4));
      }
    }
    expect(checkRegisterHistory(h).kind).toBe('ok');
  });
});
