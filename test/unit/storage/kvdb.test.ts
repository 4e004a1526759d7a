// The KvDb contract as sql/ sees it, run against openKvDb on every engine: reads see own
// writes, scans honour limit/reverse, conditionalPut, deleteRange, savepoints, serializable
// conflicts surface as retryable KvErrors, finished transactions refuse further use.

import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KvError, openKvDb } from '../../../storage/index.js';
import type { KvDb, KvDbOptions } from '../../../storage/index.js';
import { txnRecordKey } from '../../../storage/mvcc/index.js';

const b = (s: string): Buffer => Buffer.from(s);
const s = (x: Buffer | null): string | null => (x === null ? null : x.toString());

const dirs: string[] = [];
const engines: Array<[string, () => KvDbOptions]> = [
  ['memory', () => ({ engine: 'memory' })],
  [
    'rocksdb',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'shoal-kvdb-'));
      dirs.push(dir);
      return { engine: 'rocksdb', dir };
    },
  ],
];

for (const [name, mkOpts] of engines) {
  describe(`KvDb on ${name}`, () => {
    let db: KvDb;
    afterEach(async () => {
      await db?.close();
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    });
    const open = async (): Promise<KvDb> => (db = await openKvDb(mkOpts()));

    it('reads its own writes and commits them', async () => {
      await open();
      const t = db.begin();
      expect(await t.get(b('a'))).toBeNull();
      await t.put(b('a'), b('1'));
      expect(s(await t.get(b('a')))).toBe('1');
      await t.commit();
      expect(t.status).toBe('committed');
      const r = db.begin();
      expect(s(await r.get(b('a')))).toBe('1');
      await r.commit();
    });

    it('scans with limit and reverse, merging own writes', async () => {
      await open();
      const t = db.begin();
      for (const k of ['k1', 'k2', 'k3', 'k4']) await t.put(b(k), b(`v${k}`));
      await t.commit();
      const u = db.begin();
      await u.delete(b('k2'));
      await u.put(b('k5'), b('vk5'));
      const all = await u.scan(b('k'), b('l'));
      expect(all.map((r) => r.key.toString())).toEqual(['k1', 'k3', 'k4', 'k5']);
      const rev = await u.scan(b('k'), b('l'), { reverse: true, limit: 2 });
      expect(rev.map((r) => r.key.toString())).toEqual(['k5', 'k4']);
      const lim = await u.scan(b('k'), b('k4'), { limit: 1 });
      expect(lim.map((r) => s(r.value))).toEqual(['vk1']);
      await u.commit();
    });

    it('conditionalPut checks the current value', async () => {
      await open();
      const t = db.begin();
      await t.conditionalPut(b('c'), b('1'), null);
      await expect(t.conditionalPut(b('c'), b('2'), null)).rejects.toMatchObject({ code: 'ConditionFailed' });
      await t.conditionalPut(b('c'), b('2'), b('1'));
      await t.commit();
      const r = db.begin();
      const err = await r.conditionalPut(b('c'), b('3'), b('9')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KvError);
      expect(s((err as KvError).actual)).toBe('2');
      await r.rollback();
    });

    it('deleteRange removes and counts', async () => {
      await open();
      const t = db.begin();
      for (const k of ['d1', 'd2', 'd3', 'e1']) await t.put(b(k), b('x'));
      await t.commit();
      const u = db.begin();
      expect(await u.deleteRange(b('d'), b('e'))).toBe(3);
      expect(await u.scan(b('a'), b('z'))).toHaveLength(1);
      await u.commit();
      const r = db.begin();
      expect((await r.scan(b('a'), b('z'))).map((x) => x.key.toString())).toEqual(['e1']);
      await r.commit();
    });

    it('rolls back to a savepoint', async () => {
      await open();
      const t = db.begin();
      await t.put(b('s1'), b('a'));
      const sp = t.savepoint();
      await t.put(b('s1'), b('b'));
      await t.put(b('s2'), b('b'));
      await t.rollbackToSavepoint(sp);
      expect(s(await t.get(b('s1')))).toBe('a');
      expect(await t.get(b('s2'))).toBeNull();
      await t.put(b('s3'), b('c'));
      await t.commit();
      const r = db.begin();
      expect((await r.scan(b('s'), b('t'))).map((x) => `${x.key}=${x.value}`)).toEqual(['s1=a', 's3=c']);
      await r.commit();
    });

    it('rollback discards writes', async () => {
      await open();
      const t = db.begin();
      await t.put(b('r'), b('1'));
      await t.rollback();
      expect(t.status).toBe('aborted');
      await expect(t.get(b('r'))).rejects.toMatchObject({ code: 'TxnFinished' });
      const r = db.begin();
      expect(await r.get(b('r'))).toBeNull();
      await r.commit();
    });

    it('write skew is prevented: one of two crossing read-write txns fails', async () => {
      await open();
      const init = db.begin();
      await init.put(b('x'), b('0'));
      await init.put(b('y'), b('0'));
      await init.commit();
      const t1 = db.begin();
      const t2 = db.begin();
      await t1.get(b('x'));
      await t2.get(b('y'));
      const r1 = t1.put(b('y'), b('1')).then(() => t1.commit());
      const r2 = t2.put(b('x'), b('2')).then(() => t2.commit());
      const results = await Promise.allSettled([r1, r2]);
      const failed = results.filter((r) => r.status === 'rejected');
      expect(failed.length).toBeGreaterThanOrEqual(1);
      for (const f of failed) {
        const e = (f as PromiseRejectedResult).reason as KvError;
        expect(e).toBeInstanceOf(KvError);
        expect(['TxnRetry', 'TxnAborted', 'Deadlock']).toContain(e.code);
      }
      if (failed.length === 1) {
        const [t1Ok] = results.map((r) => r.status === 'fulfilled');
        await (t1Ok ? t2 : t1).rollback();
      } else {
        await t1.rollback();
        await t2.rollback();
      }
    });

    it('send batches requests in order', async () => {
      await open();
      const t = db.begin();
      const res = await t.send([
        { kind: 'put', key: b('b1'), value: b('1') },
        { kind: 'get', key: b('b1') },
        { kind: 'scan', key: b('b'), endKey: b('c') },
        { kind: 'delete', key: b('b1') },
        { kind: 'get', key: b('b1') },
      ]);
      expect(res.map((r) => r.kind)).toEqual(['put', 'get', 'scan', 'delete', 'get']);
      expect(res[1]).toMatchObject({ kind: 'get', value: b('1') });
      expect(res[4]).toMatchObject({ kind: 'get', value: null });
      await t.commit();
    });
  });
}

describe('KvDb shutdown', () => {
  it('finishes commits in flight on close and refuses new work', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shoal-close-'));
    try {
      const db = await openKvDb({ engine: 'rocksdb', dir });
      const txns = Array.from({ length: 8 }, () => db.begin());
      for (const [i, t] of txns.entries()) await t.put(b(`c${i}`), b('v'));
      const commits = Promise.all(txns.map((t) => t.commit()));
      await db.close();
      await commits;
      const late = db.begin();
      await expect(late.get(b('c1'))).rejects.toMatchObject({ code: 'Unavailable' });
      const again = await openKvDb({ engine: 'rocksdb', dir });
      const r = again.begin();
      expect(await r.scan(b('c'), b('d'))).toHaveLength(8);
      await r.commit();
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('large commits (asynchronous intent resolution)', () => {
  it('survive a stop before resolution finishes: the txn record resolves intents after reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shoal-large-'));
    try {
      const db = await openKvDb({ engine: 'rocksdb', dir });
      const t = db.begin();
      const rows = Array.from({ length: 3000 }, (_, i) => ({ kind: 'put' as const, key: b(`L${String(i).padStart(5, '0')}`), value: b(`v${i}`) }));
      await t.send(rows); // intents reach the engine; the commit condenses 3000 lock spans into one range
      const sp = t.savepoint();
      await t.send([{ kind: 'put', key: b('L00007'), value: b('rolled-back') }]);
      await t.rollbackToSavepoint(sp);
      const committing = t.commit();
      await db.close(); // the commit lands, but resolution stops early: intents and the record remain
      await committing;
      expect(t.status).toBe('committed');
      const again = await openKvDb({ engine: 'rocksdb', dir });
      // The committed record is what tells readers the leftover intents committed.
      expect(again.store.engine.get(txnRecordKey(b('L00000'), Buffer.from(t.id, 'hex')))).toBeDefined(); // anchored at the first write
      const r = again.begin();
      const got = await r.scan(b('L'), b('M'));
      expect(got).toHaveLength(3000);
      expect(got[7]!.value.toString()).toBe('v7');
      expect(got[2999]!.value.toString()).toBe('v2999');
      await r.commit();
      // Writers are not blocked by leftovers either.
      const w = again.begin();
      await w.put(b('L01234'), b('new'));
      await w.commit();
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('large commits on memory', () => {
  it('resolve every intent before the commit is acknowledged', async () => {
    const db = await openKvDb({ engine: 'memory' });
    const t = db.begin();
    await t.send(Array.from({ length: 2500 }, (_, i) => ({ kind: 'conditionalPut' as const, key: b(`M${String(i).padStart(5, '0')}`), value: b('v'), expected: null })));
    await t.commit();
    expect(db.store.backgroundTasks).toBe(0);
    const r = db.begin();
    expect(await r.scan(b('M'), b('N'))).toHaveLength(2500);
    await r.commit();
    await db.close();
  });
});
