// One contract suite for both engines: point ops, atomic batches (including deleteRange
// over keys put in the same batch), bounded forward/reverse iteration with seek, snapshots
// that do not see later writes, and a randomized comparison against a sorted-map model.

import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEngine } from '../../../storage/engine/index.js';
import type { Engine, EngineIterator } from '../../../storage/engine/index.js';

const b = (s: string): Buffer => Buffer.from(s);
const dirs: string[] = [];

function drain(it: EngineIterator): string[] {
  const out: string[] = [];
  for (; it.valid(); it.next()) out.push(`${it.key().toString()}=${it.value().toString()}`);
  it.close();
  return out;
}

for (const kind of ['memory', 'rocksdb'] as const) {
  describe(`engine contract: ${kind}`, () => {
    let engine: Engine;
    const open = async (): Promise<Engine> => {
      if (kind === 'memory') return (engine = await openEngine({ engine: 'memory' }));
      const dir = mkdtempSync(join(tmpdir(), 'shoal-engine-'));
      dirs.push(dir);
      return (engine = await openEngine({ engine: 'rocksdb', dir }));
    };
    afterEach(async () => {
      await engine?.close();
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    });
    const put = (pairs: Record<string, string>): void => {
      const batch = engine.newBatch();
      for (const [k, v] of Object.entries(pairs)) batch.put(b(k), b(v));
      engine.write(batch, { sync: false });
    };

    it('gets, puts and deletes atomically in order', async () => {
      await open();
      put({ a: '1', b: '2' });
      expect(engine.get(b('a'))?.toString()).toBe('1');
      expect(engine.get(b('zz'))).toBeUndefined();
      const batch = engine.newBatch();
      batch.put(b('c'), b('3'));
      batch.delete(b('a'));
      batch.put(b('b'), b('22'));
      expect(batch.count).toBe(3);
      engine.write(batch, { sync: true });
      expect(drain(engine.iterator({}))).toEqual(['b=22', 'c=3']);
    });

    it('deleteRange covers engine keys and keys put earlier in the batch', async () => {
      await open();
      put({ k1: 'a', k2: 'b', k5: 'e', m: 'x' });
      const batch = engine.newBatch();
      batch.put(b('k3'), b('c'));
      batch.deleteRange(b('k'), b('l'));
      batch.put(b('k4'), b('d'));
      engine.write(batch, { sync: false });
      expect(drain(engine.iterator({}))).toEqual(['k4=d', 'm=x']);
    });

    it('iterates within bounds, forward and reverse, and seeks', async () => {
      await open();
      put({ a: '1', b: '2', c: '3', d: '4', e: '5' });
      expect(drain(engine.iterator({ lower: b('b'), upper: b('d') }))).toEqual(['b=2', 'c=3']);
      expect(drain(engine.iterator({ lower: b('b'), upper: b('d'), reverse: true }))).toEqual(['c=3', 'b=2']);
      expect(drain(engine.iterator({ reverse: true, prefetch: 1 }))).toEqual(['e=5', 'd=4', 'c=3', 'b=2', 'a=1']);
      const it = engine.iterator({ lower: b('b'), upper: b('e') });
      it.seek(b('c'));
      expect(it.key().toString()).toBe('c');
      it.seek(b('a')); // clamped to lower
      expect(it.key().toString()).toBe('b');
      it.seek(b('cc'));
      expect(drain(it)).toEqual(['d=4']);
      const rit = engine.iterator({ lower: b('b'), upper: b('e'), reverse: true });
      rit.seek(b('cc'));
      expect(rit.key().toString()).toBe('c');
      rit.seek(b('z')); // clamped to below upper
      expect(drain(rit)).toEqual(['d=4', 'c=3', 'b=2']);
    });

    it('snapshots and open iterators do not see later writes', async () => {
      await open();
      put({ a: '1', b: '2' });
      const snap = engine.snapshot();
      const it = engine.iterator({ prefetch: 1 });
      put({ a: 'X', c: '3' });
      const batch = engine.newBatch();
      batch.delete(b('b'));
      engine.write(batch, { sync: false });
      expect(snap.get(b('a'))?.toString()).toBe('1');
      expect(snap.get(b('c'))).toBeUndefined();
      expect(drain(snap.iterator({}))).toEqual(['a=1', 'b=2']);
      expect(drain(snap.iterator({ reverse: true, upper: b('b') }))).toEqual(['a=1']);
      expect(drain(it)).toEqual(['a=1', 'b=2']);
      snap.close();
      expect(drain(engine.iterator({}))).toEqual(['a=X', 'c=3']);
    });

    it('matches a sorted-map model under random batches', async () => {
      await open();
      const model = new Map<string, string>();
      const keyArb = fc.stringMatching(/^[a-e]{1,3}$/);
      const opArb = fc.oneof(
        fc.record({ kind: fc.constant('put' as const), k: keyArb, v: fc.string({ maxLength: 3 }) }),
        fc.record({ kind: fc.constant('del' as const), k: keyArb }),
        fc.record({ kind: fc.constant('range' as const), k: keyArb, e: keyArb }),
      );
      fc.assert(
        fc.property(fc.array(fc.array(opArb, { maxLength: 8 }), { maxLength: 10 }), keyArb, keyArb, fc.boolean(), (batches, lo, hi, reverse) => {
          for (const ops of batches) {
            const batch = engine.newBatch();
            for (const op of ops) {
              if (op.kind === 'put') {
                batch.put(b(op.k), b(op.v));
                model.set(op.k, op.v);
              } else if (op.kind === 'del') {
                batch.delete(b(op.k));
                model.delete(op.k);
              } else {
                batch.deleteRange(b(op.k), b(op.e));
                for (const k of [...model.keys()]) if (k >= op.k && k < op.e) model.delete(k);
              }
            }
            engine.write(batch, { sync: false });
          }
          const want = [...model.entries()]
            .filter(([k]) => Buffer.compare(b(k), b(lo)) >= 0 && Buffer.compare(b(k), b(hi)) < 0)
            .sort(([x], [y]) => Buffer.compare(b(x), b(y)))
            .map(([k, v]) => `${k}=${v}`);
          if (reverse) want.reverse();
          expect(drain(engine.iterator({ lower: b(lo), upper: b(hi), reverse, prefetch: 2 }))).toEqual(want);
          for (const [k, v] of model) expect(engine.get(b(k))?.toString()).toBe(v);
        }),
        { numRuns: 60 },
      );
    });

    it('writeDurable applies puts, deletes and range deletes atomically', async () => {
      await open();
      put({ a: '1', b: '2', c: '3' });
      const batch = engine.newBatch();
      batch.put(b('d'), b('4'));
      batch.deleteRange(b('b'), b('e'));
      batch.put(b('c'), b('33'));
      batch.delete(b('a'));
      await Promise.all([engine.writeDurable(batch), engine.writeDurable(engine.newBatch())]);
      expect(drain(engine.iterator({}))).toEqual(['c=33']);
    });

    it('point reads after inline, durable (in flight and done) and range writes see the latest state', async () => {
      await open();
      put({ a: '1', b: '2' });
      // Read first (values and absences), then overwrite in every way.
      expect(engine.get(b('a'))?.toString()).toBe('1');
      expect(engine.get(b('x'))).toBeUndefined();
      put({ a: '11', x: 'new' });
      expect(engine.get(b('a'))?.toString()).toBe('11');
      expect(engine.get(b('x'))?.toString()).toBe('new');
      const durable = engine.newBatch();
      durable.put(b('a'), b('111'));
      durable.delete(b('x'));
      durable.deleteRange(b('b'), b('c'));
      const done = engine.writeDurable(durable);
      // While the durable write is in flight reads may see either state, never a mix later.
      engine.get(b('a'));
      engine.get(b('b'));
      await done;
      expect(engine.get(b('a'))?.toString()).toBe('111');
      expect(engine.get(b('x'))).toBeUndefined();
      expect(engine.get(b('b'))).toBeUndefined();
      const range = engine.newBatch();
      range.deleteRange(b('a'), b('b'));
      engine.write(range, { sync: false });
      expect(engine.get(b('a'))).toBeUndefined();
      // An inline write racing a durable write of the same key: reads end at RocksDB's order.
      const d2 = engine.newBatch();
      d2.put(b('r'), b('durable'));
      const p2 = engine.writeDurable(d2);
      put({ r: 'inline' });
      await p2;
      const fromIterator = drain(engine.iterator({ lower: b('r'), upper: b('s') }));
      expect([`r=${engine.get(b('r'))?.toString()}`]).toEqual(fromIterator);
    });

    it('keeps many keys in order (chunk splits)', async () => {
      await open();
      const batch = engine.newBatch();
      for (let i = 0; i < 3000; i++) batch.put(b(`k${String((i * 7919) % 3000).padStart(5, '0')}`), b(String(i)));
      engine.write(batch, { sync: false });
      const keys = drain(engine.iterator({})).map((x) => x.split('=')[0]!);
      expect(keys).toHaveLength(3000);
      expect([...keys].sort()).toEqual(keys);
      const del = engine.newBatch();
      del.deleteRange(b('k00100'), b('k02900'));
      engine.write(del, { sync: false });
      expect(drain(engine.iterator({}))).toHaveLength(200);
    });
  });
}
