// Transaction semantics through openKvDb (memory engine): lock waits and fair hand-off,
// locking reads with NOWAIT and SKIP LOCKED, deadlock detection, timestamp-cache pushes
// with refresh (and TxnRetry when the refresh fails), savepoints over sent intents,
// one-phase commits costing one synced write, abandoned intents cleaned after a restart.

import { afterEach, describe, expect, it } from 'vitest';
import { KvError, ManualClock, openKvDb } from '../../../storage/index.js';
import type { LocalKvDb, Txn } from '../../../storage/index.js';

const b = (s: string): Buffer => Buffer.from(s);
const str = (x: Buffer | null): string | null => (x === null ? null : x.toString());
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
/** Buffered writes reach the store as intents before a scan. */
const flush = async (t: Txn): Promise<void> => void (await t.scan(b('~flush'), b('~flush~')));

let db: LocalKvDb;
afterEach(async () => {
  await db?.close();
});

async function setup(pairs: Record<string, string> = {}): Promise<LocalKvDb> {
  db = await openKvDb({ engine: 'memory' });
  if (Object.keys(pairs).length > 0) {
    const t = db.begin();
    for (const [k, v] of Object.entries(pairs)) await t.put(b(k), b(v));
    await t.commit();
  }
  return db;
}

async function settled<T>(p: Promise<T>): Promise<'pending' | 'done' | 'failed'> {
  let state: 'pending' | 'done' | 'failed' = 'pending';
  p.then(
    () => (state = 'done'),
    () => (state = 'failed'),
  );
  for (let i = 0; i < 5; i++) await tick();
  return state;
}

describe('transactions', () => {
  it('a writer waits for another writer and sees its commit', async () => {
    await setup({ k: '0' });
    const t1 = db.begin();
    await t1.get(b('k'), { lock: 'exclusive' });
    await t1.put(b('k'), b('1'));
    await flush(t1); // the buffered put becomes an intent
    const t2 = db.begin();
    const p2 = (async () => {
      const v = await t2.get(b('k'), { lock: 'exclusive' });
      await t2.put(b('k'), b(String(Number(str(v)) + 10)));
      await t2.commit();
    })();
    expect(await settled(p2)).toBe('pending');
    await t1.commit();
    await p2;
    const r = db.begin();
    expect(str(await r.get(b('k')))).toBe('11');
    await r.commit();
  });

  it('non-locking reads below an intent do not block; at or above they wait', async () => {
    await setup({ k: 'old' });
    const early = db.begin();
    const w = db.begin();
    await w.put(b('k'), b('new'));
    await flush(w);
    expect(str(await early.get(b('k')))).toBe('old'); // intent above early's read timestamp
    const late = db.begin();
    const p = late.get(b('k'));
    expect(await settled(p)).toBe('pending');
    await w.commit();
    expect(str(await p)).toBe('new');
    await early.commit();
    await late.commit();
  });

  it('FOR UPDATE NOWAIT fails with LockNotAvailable; SKIP LOCKED skips', async () => {
    await setup({ a: '1', b: '2', c: '3' });
    const t1 = db.begin();
    await t1.get(b('b'), { lock: 'exclusive' });
    const t2 = db.begin();
    await expect(t2.get(b('b'), { lock: 'exclusive', waitPolicy: 'error' })).rejects.toMatchObject({ code: 'LockNotAvailable' });
    const rows = await t2.scan(b('a'), b('z'), { lock: 'exclusive', waitPolicy: 'skip' });
    expect(rows.map((r) => r.key.toString())).toEqual(['a', 'c']);
    // A plain read is not blocked by an unreplicated lock.
    expect(str(await t2.get(b('b')))).toBe('2');
    await t2.rollback();
    await t1.rollback();
  });

  it('shared locks are compatible with each other but not with exclusive', async () => {
    await setup({ k: 'v' });
    const s1 = db.begin();
    const s2 = db.begin();
    await s1.get(b('k'), { lock: 'shared' });
    await s2.get(b('k'), { lock: 'shared' });
    const x = db.begin();
    const px = x.get(b('k'), { lock: 'exclusive' });
    expect(await settled(px)).toBe('pending');
    await s1.commit();
    expect(await settled(px)).toBe('pending');
    await s2.commit();
    expect(str(await px)).toBe('v');
    await x.commit();
  });

  it('detects a deadlock and aborts one victim with Deadlock', async () => {
    await setup({ a: '0', b: '0' });
    const t1 = db.begin();
    const t2 = db.begin();
    await t1.get(b('a'), { lock: 'exclusive' });
    await t2.get(b('b'), { lock: 'exclusive' });
    const p1 = t1.get(b('b'), { lock: 'exclusive' }).then(() => t1.commit());
    await tick();
    const p2 = t2.get(b('a'), { lock: 'exclusive' }).then(() => t2.commit());
    const results = await Promise.allSettled([p1, p2]);
    const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(failed).toHaveLength(1);
    expect((failed[0]!.reason as KvError).code).toBe('Deadlock');
    expect([t1.status, t2.status].sort()).toEqual(['aborted', 'committed']);
  });

  it('a lower-priority transaction is chosen as the deadlock victim', async () => {
    await setup({ a: '0', b: '0' });
    const low = db.begin({ priority: 'low' });
    const high = db.begin({ priority: 'high' });
    await low.get(b('a'), { lock: 'exclusive' });
    await high.get(b('b'), { lock: 'exclusive' });
    const pl = low.get(b('b'), { lock: 'exclusive' });
    await tick();
    const ph = high.get(b('a'), { lock: 'exclusive' });
    await expect(pl).rejects.toMatchObject({ code: 'Deadlock' });
    await ph;
    await high.commit();
    expect(low.status).toBe('aborted');
  });

  it('a write below a later read is pushed; the writer refreshes and commits', async () => {
    await setup({ k: '0' });
    const w = db.begin(); // older timestamp
    await w.get(b('other'));
    const r = db.begin(); // newer timestamp reads k
    expect(str(await r.get(b('k')))).toBe('0');
    await r.commit();
    await w.put(b('k'), b('1'));
    await w.commit(); // pushed above r's read; refresh of 'other' succeeds
    const check = db.begin();
    expect(str(await check.get(b('k')))).toBe('1');
    await check.commit();
  });

  it('a pushed transaction whose reads changed fails with TxnRetry', async () => {
    await setup({ x: '0', y: '0' });
    const t1 = db.begin();
    expect(str(await t1.get(b('x')))).toBe('0');
    const t2 = db.begin();
    await t2.put(b('x'), b('2'));
    await t2.commit();
    await t1.put(b('x'), b('1')); // write too old on commit; refresh of x fails
    const err = await t1.commit().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KvError);
    expect((err as KvError).code).toBe('TxnRetry');
    expect((err as KvError).retryable).toBe(true);
    expect(t1.status).toBe('aborted');
  });

  it('read committed moves its read timestamp instead of failing; locking reads see the newest value', async () => {
    await setup({ x: '0', n: '0' });
    const t1 = db.begin({ isolation: 'read committed' });
    expect(str(await t1.get(b('x')))).toBe('0');
    const t2 = db.begin();
    await t2.put(b('x'), b('2'));
    await t2.put(b('n'), b('5'));
    await t2.commit();
    // Serializable would fail here (x changed after t1 read it); read committed commits.
    await t1.put(b('x'), b('1'));
    const v = await t1.get(b('n'), { lock: 'exclusive' }); // newest committed value under lock
    expect(str(v)).toBe('5');
    await t1.put(b('n'), b(String(Number(str(v)) + 1)));
    await t1.commit();
    const r = db.begin();
    expect([str(await r.get(b('x'))), str(await r.get(b('n')))]).toEqual(['1', '6']);
    await r.commit();
  });

  it('savepoint rollback undoes sent intents and keeps earlier ones', async () => {
    await setup({ k: 'base' });
    const t = db.begin();
    await t.put(b('k'), b('v1'));
    await flush(t);
    const sp = t.savepoint();
    await t.put(b('k'), b('v2'));
    await t.put(b('j'), b('j2'));
    await flush(t);
    expect(str(await t.get(b('k')))).toBe('v2');
    await t.rollbackToSavepoint(sp);
    expect(str(await t.get(b('k'), { lock: 'exclusive' }))).toBe('v1');
    expect(await t.get(b('j'), { lock: 'exclusive' })).toBeNull();
    await t.commit();
    const r = db.begin();
    expect(str(await r.get(b('k')))).toBe('v1');
    expect(await r.get(b('j'))).toBeNull();
    await r.commit();
  });

  it('a one-phase commit costs one synced write; concurrent commits share one', async () => {
    await setup();
    const before = db.store.syncCount;
    const t = db.begin();
    await t.put(b('a'), b('1'));
    await t.put(b('b'), b('2'));
    await t.commit();
    expect(db.store.syncCount - before).toBe(1);
    const txns: Txn[] = [];
    for (let i = 0; i < 10; i++) {
      const u = db.begin();
      await u.put(b(`g${i}`), b('x'));
      txns.push(u);
    }
    const mid = db.store.syncCount;
    await Promise.all(txns.map((u) => u.commit()));
    expect(db.store.syncCount - mid).toBe(1);
  });

  it('a TPC-B shaped transaction costs exactly one (synced) engine write', async () => {
    await setup({ acct: '0', teller: '0', branch: '0' });
    const sync0 = db.store.syncCount;
    const unsync0 = db.store.unsyncedCount;
    const t = db.begin();
    for (const k of ['acct', 'teller', 'branch']) {
      const v = await t.get(b(k), { lock: 'exclusive' });
      await t.put(b(k), b(String(Number(str(v)) + 5)));
      if (k === 'acct') expect(str(await t.get(b('acct')))).toBe('5'); // read own buffered write
    }
    await t.conditionalPut(b('history-1'), b('h'), null);
    await t.commit();
    expect(db.store.unsyncedCount - unsync0).toBe(0); // locks live in the lock table; writes are buffered
    expect(db.store.syncCount - sync0).toBe(1); // the commit, carrying the three updates and the insert
    const r = db.begin();
    expect((await r.scan(b('a'), b('z'))).map((x) => `${x.key}=${x.value}`)).toEqual(['acct=5', 'branch=5', 'history-1=h', 'teller=5']);
    await r.commit();
  });

  it('concurrent inserts of one key: the second waits, then fails its condition', async () => {
    await setup();
    const t1 = db.begin();
    const t2 = db.begin();
    await t1.conditionalPut(b('pk1'), b('one'), null);
    const p2 = t2.conditionalPut(b('pk1'), b('two'), null);
    expect(await settled(p2)).toBe('pending');
    await t1.commit();
    const err = await p2.catch((e: unknown) => e);
    expect((err as KvError).code).toBe('ConditionFailed');
    expect(str((err as KvError).actual)).toBe('one');
    await t2.rollback();
  });

  it('bulk conditional puts beyond the buffered budget still commit and check', async () => {
    await setup();
    const t = db.begin();
    for (let i = 0; i < 1500; i++) await t.conditionalPut(b(`row${String(i).padStart(5, '0')}`), b('v'), null);
    await expect(t.conditionalPut(b('row01400'), b('v'), null)).rejects.toMatchObject({ code: 'ConditionFailed' });
    await expect(t.conditionalPut(b('row00010'), b('v'), null)).rejects.toMatchObject({ code: 'ConditionFailed' });
    await t.commit();
    const r = db.begin();
    expect(await r.scan(b('row'), b('row~'))).toHaveLength(1500);
    await r.commit();
  });

  it('rollback releases locks and intents for waiters', async () => {
    await setup({ k: 'v' });
    const t1 = db.begin();
    await t1.put(b('k'), b('x'));
    await t1.get(b('k'), { lock: 'exclusive' });
    const t2 = db.begin();
    const p = t2.get(b('k'), { lock: 'exclusive' });
    expect(await settled(p)).toBe('pending');
    await t1.rollback();
    expect(str(await p)).toBe('v');
    await t2.commit();
  });

  it('historical reads see the past', async () => {
    const clock = new ManualClock(1_000_000n);
    db = await openKvDb({ engine: 'memory' }, { clock });
    const t = db.begin();
    await t.put(b('k'), b('v1'));
    await t.commit();
    const past = db.now();
    clock.advance(1000n);
    const u = db.begin();
    await u.put(b('k'), b('v2'));
    await u.commit();
    const h = db.begin({ readTimestamp: past });
    expect(str(await h.get(b('k')))).toBe('v1');
    await h.commit();
  });

  it('a bank workload keeps its total under concurrency', async () => {
    const accounts = 5;
    await setup(Object.fromEntries(Array.from({ length: accounts }, (_, i) => [`acct${i}`, '100'])));
    let seed = 42;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const worker = async (): Promise<void> => {
      for (let i = 0; i < 30; i++) {
        const from = rand(accounts);
        const to = (from + 1 + rand(accounts - 1)) % accounts;
        for (;;) {
          const t = db.begin();
          try {
            const fv = Number(str(await t.get(b(`acct${from}`), { lock: 'exclusive' })));
            const tv = Number(str(await t.get(b(`acct${to}`), { lock: 'exclusive' })));
            await t.put(b(`acct${from}`), b(String(fv - 7)));
            await t.put(b(`acct${to}`), b(String(tv + 7)));
            await t.commit();
            break;
          } catch (e) {
            expect(e).toBeInstanceOf(KvError);
            expect(['TxnRetry', 'Deadlock', 'TxnAborted']).toContain((e as KvError).code);
            await t.rollback();
          }
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    const r = db.begin();
    const rows = await r.scan(b('acct'), b('acct~'));
    expect(rows.reduce((s, row) => s + Number(row.value.toString()), 0)).toBe(accounts * 100);
    await r.commit();
  });
});

describe('large transactions', () => {
  it('commits and rolls back thousands of writes (condensed lock spans)', async () => {
    await setup();
    const t = db.begin();
    for (let i = 0; i < 3000; i++) {
      await t.put(b(`big${String(i).padStart(5, '0')}`), b('v'));
      if (i % 500 === 0) await flush(t);
    }
    await t.commit();
    const u = db.begin();
    expect(await u.deleteRange(b('big'), b('big~'))).toBe(3000);
    for (let i = 0; i < 1500; i++) await u.put(b(`big${String(i).padStart(5, '0')}`), b('w'));
    await flush(u);
    await u.rollback();
    const r = db.begin();
    const rows = await r.scan(b('big'), b('big~'));
    expect(rows).toHaveLength(3000);
    expect(rows.every((x) => x.value.toString() === 'v')).toBe(true);
    await r.commit();
    // No intents left behind: a new writer is not blocked.
    const w = db.begin();
    await w.put(b('big00001'), b('z'));
    await w.commit();
  });
});
