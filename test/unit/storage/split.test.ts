// Range splits: on demand under a concurrent bank workload (money conserved, no lost
// writes), by size through the store's split queue, with exact stats on both sides; the
// right-hand side inherits the timestamp cache and the locks of its keys; a client whose
// range cache went stale (another client split) is corrected by rangeKeyMismatch.

import { afterEach, describe, expect, it } from 'vitest';
import { KvError, openKvDb, seededRng, TABLES_START, KEY_MAX } from '../../../storage/index.js';
import type { LocalKvDb, Txn } from '../../../storage/index.js';
import { mvccComputeStats } from '../../../storage/mvcc/index.js';
import { decodeSplitTrigger, encodeSplitTrigger } from '../../../storage/range/split-trigger.js';
import { b, intentKeys, quiesce, secondClient, senderOf, tick, txnRecordCount, userRanges } from './ranges-harness.js';

let db: LocalKvDb | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

const acct = (i: number): Buffer => b(`acct${String(i).padStart(3, '0')}`);

async function retry<T>(fn: (t: Txn) => Promise<T>, d: LocalKvDb, readCommitted = false): Promise<T> {
  for (;;) {
    const t = d.begin(readCommitted ? { isolation: 'read committed' } : {});
    try {
      const out = await fn(t);
      await t.commit();
      return out;
    } catch (e) {
      await t.rollback();
      if (!(e instanceof KvError) || !(e.retryable || e.code === 'Deadlock')) throw e;
    }
  }
}

describe('splits under a bank workload', () => {
  it('conserves money and loses no write while ranges split at random keys', async () => {
    db = await openKvDb({ engine: 'memory' });
    const d = db;
    const accounts = 60;
    await retry(async (t) => {
      for (let i = 0; i < accounts; i++) await t.put(acct(i), b('100'));
    }, d);
    const rng = seededRng(42);
    let stop = false;
    const transfers: number[] = [];
    const workers = Array.from({ length: 6 }, async (_, w) => {
      for (let n = 0; !stop; n++) {
        const from = Math.floor(rng.next() * accounts);
        const to = (from + 1 + Math.floor(rng.next() * (accounts - 1))) % accounts;
        await retry(async (t) => {
          const a = Number((await t.get(acct(from), { lock: 'exclusive' }))!.toString());
          const c = Number((await t.get(acct(to), { lock: 'exclusive' }))!.toString());
          await t.put(acct(from), b(String(a - 1)));
          await t.put(acct(to), b(String(c + 1)));
          await t.put(b(`log${w}-${String(n).padStart(5, '0')}`), b(`${from}>${to}`));
        }, d);
        transfers.push(w);
      }
    });
    for (let s = 0; s < 12; s++) {
      await d.adminSplit(acct(1 + Math.floor(rng.next() * (accounts - 1))));
      for (let i = 0; i < 5; i++) await tick();
    }
    await d.adminSplit(b('log3'));
    while (transfers.length < 150) await tick();
    stop = true;
    await Promise.all(workers);
    await quiesce(d);
    expect(userRanges(d.store).length).toBeGreaterThanOrEqual(8);
    expect(senderOf(d).dividedCount).toBeGreaterThan(0); // transfers did span ranges
    const rows = await retry((t) => t.scan(b('acct'), b('acct~')), d);
    expect(rows).toHaveLength(accounts);
    expect(rows.reduce((s, r) => s + Number(r.value.toString()), 0)).toBe(accounts * 100);
    // Every acknowledged transfer left its log row.
    const logs = await retry((t) => t.scan(b('log'), b('log~')), d);
    expect(logs.length).toBe(transfers.length);
    expect(intentKeys(d.store)).toEqual([]);
    expect(txnRecordCount(d.store)).toBe(0);
    expect(d.store.txns.liveCount).toBe(0);
  });
});

describe('a mixed workload over two clients while ranges split on demand and by size', () => {
  for (const seed of [1, 2]) {
    it(`keeps totals, scans and logs right (seed ${seed})`, async () => {
      db = await openKvDb({ engine: 'memory' }, { rangeSizeMaxBytes: 4096 });
      const d = db;
      const other = await secondClient(d, seed);
      const accounts = 80;
      await retry(async (t) => {
        for (let i = 0; i < accounts; i++) await t.put(acct(i), b('100'));
      }, d);
      const rng = seededRng(seed);
      const r = (n: number): number => Math.floor(rng.next() * n);
      let stop = false;
      let done = 0;
      const sums: number[] = [];
      const workers = Array.from({ length: 8 }, async (_, w) => {
        const c = w % 2 === 0 ? d : (other as unknown as LocalKvDb);
        for (let n = 0; !stop; n++) {
          const kind = r(4);
          if (kind === 0) {
            // Limited scans (either direction) across ranges.
            const rows = await retry((t) => t.scan(b('acct'), b('acct~'), { limit: 1 + r(100), reverse: r(2) === 1 }), c);
            expect(rows.length).toBeGreaterThan(0);
          } else if (kind === 1) {
            const rows = await retry((t) => t.scan(b('acct'), b('acct~')), c);
            sums.push(rows.reduce((s, x) => s + Number(x.value.toString()), 0));
          } else {
            const from = r(accounts);
            const to = (from + 1 + r(accounts - 1)) % accounts;
            const rc = kind === 3 && r(2) === 0;
            await retry(
              async (t) => {
                const a = Number((await t.get(acct(from), { lock: 'exclusive' }))!.toString());
                const x = Number((await t.get(acct(to), { lock: 'exclusive' }))!.toString());
                await t.put(acct(from), b(String(a - 1)));
                await t.put(acct(to), b(String(x + 1)));
                await t.put(b(`log${w}-${String(n).padStart(5, '0')}-${'x'.repeat(50)}`), b(`${from}>${to}`));
              },
              c,
              rc,
            );
            done++;
          }
        }
      });
      for (let s = 0; s < 10; s++) {
        await d.adminSplit(acct(1 + r(accounts - 1)));
        for (let i = 0; i < 3; i++) await tick();
      }
      while (done < 300) await tick();
      stop = true;
      await Promise.all(workers);
      await quiesce(d);
      await other.close();
      expect(sums.length).toBeGreaterThan(0);
      expect(sums.every((x) => x === accounts * 100)).toBe(true);
      expect((await retry((t) => t.scan(b('log'), b('log~')), d)).length).toBe(done);
      expect(d.store.splitQueue.splitsDone).toBeGreaterThan(0);
      expect(userRanges(d.store).length).toBeGreaterThan(10);
      expect(intentKeys(d.store)).toEqual([]);
      expect(txnRecordCount(d.store)).toBe(0);
    });
  }
});

describe('split mechanics', () => {
  it('computes exact stats for both sides and keeps the total', async () => {
    db = await openKvDb({ engine: 'memory' });
    const t = db.begin();
    // Enough records that the split counts the right side in several yielding chunks.
    await t.send(Array.from({ length: 10_000 }, (_, i) => ({ kind: 'put' as const, key: b(`s${String(i).padStart(5, '0')}`), value: Buffer.alloc((i % 50) + 1, 1) })));
    await t.commit();
    await quiesce(db);
    const total = db.store.replicaForKey(b('s'))!.stats;
    expect(total.liveCount).toBe(10_000);
    await db.adminSplit(b('s01000'));
    const [l, r] = [db.store.replicaForKey(b('s00000'))!, db.store.replicaForKey(b('s01000'))!];
    expect(l.rangeId).not.toBe(r.rangeId);
    expect(r.stats).toEqual(mvccComputeStats(db.store.engine, r.desc.startKey, r.desc.endKey));
    expect(l.stats).toEqual(mvccComputeStats(db.store.engine, l.desc.startKey, l.desc.endKey));
    expect(l.stats.liveBytes + r.stats.liveBytes).toBe(total.liveBytes);
    expect(l.desc.generation).toBe(1);
    expect(r.desc.generation).toBe(1);
  });

  it('the split trigger round-trips through its wire form', () => {
    const d = (rangeId: number, st: string, e: string) => ({ rangeId, startKey: b(st), endKey: b(e), replicas: [{ nodeId: 1, storeId: 1, replicaId: 1 }], generation: 4 });
    const t = { lhs: d(3, 'a', 'm'), rhs: d(9, 'm', 'z'), rhsStats: { liveCount: 12, liveBytes: 3456 } };
    expect(decodeSplitTrigger(encodeSplitTrigger(t))).toEqual(t);
  });

  it('the right-hand side starts its timestamp cache at the left side high water', async () => {
    db = await openKvDb({ engine: 'memory' });
    const writer = db.begin(); // its timestamp is below the read that follows
    const reader = db.begin();
    expect(await reader.get(b('w9'))).toBeNull();
    await reader.commit();
    await db.adminSplit(b('w5'));
    await writer.put(b('w9'), b('late'));
    await writer.commit(); // pushed above the read (and refreshed): not below it
    const check = db.begin();
    expect((await check.get(b('w9')))?.toString()).toBe('late');
    await check.commit();
    expect(db.store.replicaForKey(b('w9'))!.tsCache.lowWaterMark.wallNanos).toBeGreaterThanOrEqual(reader.readTimestamp().wallNanos);
  });

  it('moves locks to the new range and re-routes their waiters', async () => {
    db = await openKvDb({ engine: 'memory' });
    const setup = db.begin();
    await setup.put(b('m1'), b('0'));
    await setup.put(b('m8'), b('0'));
    await setup.commit();
    const holder = db.begin();
    await holder.get(b('m8'), { lock: 'exclusive' });
    const waiter = db.begin();
    let waited = false;
    const p = waiter.get(b('m8'), { lock: 'exclusive' }).then(async (v) => {
      waited = true;
      await waiter.put(b('m8'), b(String(Number(v!.toString()) + 1)));
      await waiter.commit();
    });
    for (let i = 0; i < 5; i++) await tick();
    await db.adminSplit(b('m5'));
    for (let i = 0; i < 10; i++) await tick();
    expect(waited).toBe(false); // the lock moved with its key: still held
    const rhs = db.store.replicaForKey(b('m8'))!;
    expect(rhs.desc.startKey.toString()).toBe('m5');
    expect(rhs.lockTable.lockCount).toBe(1);
    await holder.put(b('m8'), b('10'));
    await holder.commit();
    await p;
    const r = db.begin();
    expect((await r.get(b('m8')))?.toString()).toBe('11');
    await r.commit();
  });

  it('a client with a stale cache is corrected by rangeKeyMismatch', async () => {
    db = await openKvDb({ engine: 'memory' });
    const other = await secondClient(db);
    const t = other.begin();
    for (let i = 0; i < 10; i++) await t.put(b(`k${i}`), b(`v${i}`));
    await t.commit(); // other's cache now holds r3 = [TABLES, KEY_MAX)
    await db.adminSplit(b('k3'));
    await db.adminSplit(b('k6'));
    const lookups = senderOf(other).lookupCount;
    const r = other.begin();
    expect((await r.get(b('k7')))?.toString()).toBe('v7');
    expect((await r.scan(b('k'), b('l'))).map((x) => x.value.toString())).toEqual(Array.from({ length: 10 }, (_, i) => `v${i}`));
    await r.put(b('k1'), b('w1'));
    await r.put(b('k8'), b('w8'));
    await r.commit();
    expect(senderOf(other).cache.lookup(b('k7'))?.startKey.toString()).toBe('k6');
    expect(senderOf(other).lookupCount - lookups).toBeLessThanOrEqual(3);
    const c = db.begin();
    expect((await c.get(b('k8')))?.toString()).toBe('w8');
    await c.commit();
    await other.close();
  });
});

describe('size-based splits', () => {
  it('splits a table loaded past the threshold; its rows stay the same', async () => {
    db = await openKvDb({ engine: 'memory' }, { rangeSizeMaxBytes: 64 * 1024 });
    const value = Buffer.alloc(400, 7);
    for (let batch = 0; batch < 10; batch++) {
      const t = db.begin();
      for (let i = 0; i < 100; i++) await t.put(b(`tbl/${String(batch * 100 + i).padStart(5, '0')}`), value);
      await t.commit();
      for (let i = 0; i < 3; i++) await tick();
    }
    for (let i = 0; i < 200 && db.store.backgroundTasks > 0; i++) await tick();
    await quiesce(db);
    const infos = await db.ranges(TABLES_START, KEY_MAX);
    expect(infos.length).toBeGreaterThanOrEqual(4);
    for (const r of infos) expect(r.sizeBytes).toBeLessThanOrEqual(2 * 64 * 1024);
    expect(infos.reduce((s, r) => s + r.sizeBytes!, 0)).toBe(1000 * (value.length + 9));
    const r = db.begin();
    const rows = await r.scan(b('tbl/'), b('tbl0'));
    expect(rows).toHaveLength(1000);
    expect(rows.every((x, i) => x.key.toString() === `tbl/${String(i).padStart(5, '0')}`)).toBe(true);
    await r.commit();
  });
});
