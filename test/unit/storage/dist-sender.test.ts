// The DistSender and cross-range transactions: scans (forward, reverse, limited) across many
// ranges against a model; batches divided by range and reassembled; 2PC with intents on
// several ranges (commit and abort), resolved after the acknowledgement; readers resolving
// the intents a dead coordinator left (from the registry, or from the record after a
// restart); refreshes and deadlock detection across ranges; 1PC kept on one range.

import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KvError, LocalTransport, openKvDb } from '../../../storage/index.js';
import type { BatchRequest, BatchResponse, KvDbOptions, LocalKvDb, RangeDescriptor, Transport, TxnMeta } from '../../../storage/index.js';
import { DistSender } from '../../../storage/kvclient/dist-sender.js';
import { b, intentKeys, quiesce, secondClient, senderOf, tick, txnRecordCount, userRanges } from './ranges-harness.js';

let db: LocalKvDb | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await db?.close();
  db = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const key = (i: number): string => `k${String(i).padStart(3, '0')}`;

async function freshMeta(d: LocalKvDb): Promise<TxnMeta> {
  const ts = d.now();
  return { id: Buffer.alloc(16, 3), epoch: 0, readTs: ts, writeTs: ts, seq: 0, ignoredSeqs: [], priority: 1, anchorKey: null };
}

describe('scans across ranges', () => {
  it('match a model for every direction, limit and span', async () => {
    db = await openKvDb({ engine: 'memory' });
    const d = db;
    const present = new Map<string, string>();
    const t = d.begin();
    for (let i = 0; i < 200; i += 1 + (i % 3)) {
      present.set(key(i), `v${i}`);
      await t.put(b(key(i)), b(`v${i}`));
    }
    await t.commit();
    for (const s of [7, 20, 21, 55, 90, 91, 130, 171, 199]) await d.adminSplit(b(key(s)));
    expect(userRanges(d.store).length).toBe(10);
    const sorted = [...present.keys()].sort();
    const other = await secondClient(d); // cold cache: every range found through meta
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 205 }), fc.integer({ min: 0, max: 205 }), fc.integer({ min: 0, max: 40 }), fc.boolean(), fc.boolean(), async (x, y, limit, reverse, cold) => {
        const [lo, hi] = x <= y ? [x, y] : [y, x];
        const client = cold ? other : d;
        const txn = client.begin();
        const [resp] = await txn.send([{ kind: 'scan', key: b(key(lo)), endKey: b(key(hi)), limit, reverse }]);
        await txn.commit();
        expect(resp!.kind).toBe('scan');
        if (resp!.kind !== 'scan') return;
        let want = sorted.filter((k) => k >= key(lo) && k < key(hi));
        if (reverse) want = want.reverse();
        const got = resp.rows.map((r) => r.key.toString());
        expect(got).toEqual(limit > 0 ? want.slice(0, limit) : want);
        expect(resp.rows.every((r) => present.get(r.key.toString()) === r.value.toString())).toBe(true);
        if (resp.resumeKey === null) {
          expect(got.length).toBe(want.length);
          return;
        }
        // A resume key: the limit was met, and the rest of the span continues exactly there.
        expect(got.length).toBe(limit);
        const rest = want.slice(limit);
        const r = resp.resumeKey.toString();
        for (const k of rest) expect(reverse ? k < r : k >= r).toBe(true);
        for (const k of got) expect(reverse ? k >= r : k < r).toBe(true);
      }),
      { numRuns: 150 },
    );
    await other.close();
  });

  it('divides mixed batches by range and reassembles them in request order', async () => {
    db = await openKvDb({ engine: 'memory' });
    for (const s of ['c', 'f', 'i']) await db.adminSplit(b(s));
    const t = db.begin();
    const out = await t.send([
      { kind: 'put', key: b('a1'), value: b('1') },
      { kind: 'put', key: b('j1'), value: b('2') },
      { kind: 'put', key: b('d1'), value: b('3') },
      { kind: 'put', key: b('g1'), value: b('4') },
      { kind: 'scan', key: b('a'), endKey: b('z') },
      { kind: 'get', key: b('g1') },
      { kind: 'scan', key: b('a'), endKey: b('z'), reverse: true },
      { kind: 'deleteRange', key: b('b'), endKey: b('h') },
      { kind: 'scan', key: b('a'), endKey: b('z') },
    ]);
    expect(out.map((r) => r.kind)).toEqual(['put', 'put', 'put', 'put', 'scan', 'get', 'scan', 'deleteRange', 'scan']);
    const keys = (i: number): string[] => (out[i]!.kind === 'scan' ? out[i]!.rows.map((r) => r.key.toString()) : []);
    expect(keys(4)).toEqual(['a1', 'd1', 'g1', 'j1']);
    expect(out[5]).toMatchObject({ kind: 'get', value: b('4') });
    expect(keys(6)).toEqual(['j1', 'g1', 'd1', 'a1']);
    expect(out[7]).toMatchObject({ deleted: 2 });
    expect(keys(8)).toEqual(['a1', 'j1']);
    await t.commit();
    await quiesce(db);
    expect(intentKeys(db.store)).toEqual([]);
  });
});

describe('cross-range transactions', () => {
  async function spread(d: LocalKvDb): Promise<void> {
    for (const s of ['h', 'p', 'x']) await d.adminSplit(b(s));
    expect(userRanges(d.store).length).toBe(4);
  }

  it('commit with intents on four ranges: durable record, then resolution and record cleanup', async () => {
    db = await openKvDb({ engine: 'memory' });
    await spread(db);
    const t = db.begin();
    for (const k of ['a', 'i', 'q', 'y']) await t.put(b(k), b(`${k}1`));
    await t.scan(b('0'), b('~')); // flush: intents on every range
    expect(intentKeys(db.store)).toEqual(['a', 'i', 'q', 'y']);
    const sp = t.savepoint();
    await t.put(b('q'), b('rolled back'));
    await t.scan(b('q'), b('r'));
    await t.rollbackToSavepoint(sp);
    await t.put(b('z'), b('z1'));
    await t.commit();
    const r = db.begin(); // readers see the commit whether or not resolution finished
    expect((await r.scan(b('0'), b('~'))).map((x) => `${x.key}=${x.value}`)).toEqual(['a=a1', 'i=i1', 'q=q1', 'y=y1', 'z=z1']);
    await r.commit();
    await quiesce(db);
    expect(intentKeys(db.store)).toEqual([]);
    expect(txnRecordCount(db.store)).toBe(0);
    expect(db.store.txns.liveCount).toBe(0);
  });

  it('abort with intents on four ranges leaves nothing behind', async () => {
    db = await openKvDb({ engine: 'memory' });
    await spread(db);
    const t = db.begin();
    for (const k of ['b', 'j', 'r', 'z']) await t.put(b(k), b('never'));
    await t.scan(b('0'), b('~'));
    await t.rollback();
    await quiesce(db);
    expect(intentKeys(db.store)).toEqual([]);
    expect(txnRecordCount(db.store)).toBe(0);
    const r = db.begin();
    expect(await r.scan(b('0'), b('~'))).toEqual([]);
    await r.commit();
  });

  it('a large transaction over three ranges: condensed spans, chunked local and resumed remote resolution', async () => {
    db = await openKvDb({ engine: 'memory' });
    for (const s of ['L1', 'L3']) await db.adminSplit(b(s)); // 1000 local, 2000 and 1000 remote intents
    const t = db.begin();
    const rows = Array.from({ length: 4000 }, (_, i) => ({ kind: 'put' as const, key: b(`L${Math.floor(i / 1000)}${String(i).padStart(5, '0')}`), value: b(`v${i}`) }));
    await t.send(rows);
    await t.commit();
    await quiesce(db);
    expect(intentKeys(db.store)).toEqual([]);
    expect(txnRecordCount(db.store)).toBe(0);
    const r = db.begin();
    const got = await r.scan(b('L'), b('M'));
    expect(got).toHaveLength(4000);
    expect(got[3999]!.value.toString()).toBe('v3999');
    await r.commit();
    const u = db.begin(); // and a large abort
    await u.send(rows.map((x) => ({ ...x, value: b('never') })));
    await u.rollback();
    await quiesce(db);
    expect(intentKeys(db.store)).toEqual([]);
    expect(txnRecordCount(db.store)).toBe(0);
  });

  it('answers empty spans inside a divided batch', async () => {
    db = await openKvDb({ engine: 'memory' });
    await spread(db);
    const t = db.begin();
    await t.put(b('a'), b('1'));
    await t.put(b('z'), b('2'));
    await t.commit();
    const resp = await senderOf(db).send({ txn: { ...(await freshMeta(db)) } }, [
      { kind: 'scan', key: b('a'), endKey: b('zz') },
      { kind: 'scan', key: b('q'), endKey: b('q') },
    ]);
    expect(resp.ok && resp.responses.map((r) => (r.kind === 'scan' ? r.rows.length : -1))).toEqual([2, 0]);
  });

  it('keeps the one-phase commit when every write is on one range', async () => {
    db = await openKvDb({ engine: 'memory' });
    await spread(db);
    const t = db.begin();
    expect(await t.get(b('a'))).toBeNull(); // a read on another range does not matter
    expect(await t.get(b('q'))).toBeNull();
    await t.put(b('i1'), b('1'));
    await t.put(b('i2'), b('2'));
    const sync0 = db.store.syncCount;
    const unsync0 = db.store.unsyncedCount;
    await t.commit();
    expect(db.store.syncCount - sync0).toBe(1);
    expect(db.store.unsyncedCount - unsync0).toBe(0);
    expect(txnRecordCount(db.store)).toBe(0);
    expect(senderOf(db).dividedCount).toBe(0);
  });

  it('refreshes reads on several ranges when its timestamp is pushed', async () => {
    db = await openKvDb({ engine: 'memory' });
    await spread(db);
    const t = db.begin();
    await t.scan(b('a'), b('z')); // reads on four ranges
    const r = db.begin(); // a later read of t's future write key pushes t
    await r.get(b('w'));
    await r.commit();
    await t.put(b('w'), b('1'));
    await t.put(b('c'), b('2'));
    await t.commit(); // pushed, refreshes across ranges, commits
    const u = db.begin();
    await u.scan(b('a'), b('z'));
    const v = db.begin();
    await v.put(b('k'), b('conflict'));
    await v.commit();
    const w = db.begin();
    await w.get(b('y'));
    await w.commit();
    await u.put(b('y'), b('x')); // pushed above w's read; the refresh sees v's write in its span
    await expect(u.commit()).rejects.toMatchObject({ code: 'TxnRetry' });
  });

  it('locking reads serialize concurrent increments of rows on several ranges (no lost update)', async () => {
    db = await openKvDb({ engine: 'memory' });
    await spread(db);
    const d = db;
    const setup = d.begin();
    for (const k of ['c', 'k', 's']) await setup.put(b(k), b('0'));
    await setup.commit();
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        for (;;) {
          const t = d.begin();
          try {
            for (const k of ['c', 'k', 's']) {
              const v = Number((await t.get(b(k), { lock: 'exclusive' }))!.toString());
              await t.put(b(k), b(String(v + 1)));
            }
            await t.commit();
            return;
          } catch (e) {
            await t.rollback();
            if (!(e instanceof KvError) || !(e.retryable || e.code === 'Deadlock')) throw e;
          }
        }
      }),
    );
    const r = d.begin();
    for (const k of ['c', 'k', 's']) expect((await r.get(b(k)))?.toString()).toBe('12');
    await r.commit();
  });

  it('finds a deadlock whose edges lie on different ranges', async () => {
    db = await openKvDb({ engine: 'memory' });
    await spread(db);
    const setup = db.begin();
    await setup.put(b('a'), b('1'));
    await setup.put(b('z'), b('2'));
    await setup.commit();
    const t1 = db.begin();
    const t2 = db.begin();
    await t1.get(b('a'), { lock: 'exclusive' });
    await t2.get(b('z'), { lock: 'exclusive' });
    const p1 = t1.get(b('z'), { lock: 'exclusive' }).then(() => t1.commit());
    await tick();
    const p2 = t2.get(b('a'), { lock: 'exclusive' }).then(() => t2.commit());
    const results = await Promise.allSettled([p1, p2]);
    const failed = results.filter((x) => x.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect((failed[0] as PromiseRejectedResult).reason).toBeInstanceOf(KvError);
    expect(((failed[0] as PromiseRejectedResult).reason as KvError).code).toBe('Deadlock');
    await t1.rollback();
    await t2.rollback();
  });
});

describe('intents of a dead coordinator', () => {
  /** Writes intents on three ranges and commits through EndTxn only: remote intents stay. */
  async function commitWithoutResolution(d: LocalKvDb, commit: boolean): Promise<void> {
    const sender = senderOf(d);
    const ts = d.now();
    const txn: TxnMeta = { id: Buffer.alloc(16, commit ? 5 : 6), epoch: 0, readTs: ts, writeTs: ts, seq: 1, ignoredSeqs: [], priority: 1, anchorKey: b('c') };
    const keys = ['c', 'j', 'r'];
    const w = await sender.send({ txn }, keys.map((k) => ({ kind: 'put' as const, key: b(k), value: b(`${k}!`), seq: 1 })));
    expect(w.ok).toBe(true);
    if (!commit) return; // died before EndTxn
    const end = await sender.send({ txn }, [{ kind: 'endTxn', commit: true, lockSpans: keys.map((k) => ({ key: b(k), endKey: null })) }]);
    expect(end.ok).toBe(true);
  }

  for (const engine of ['memory', 'rocksdb'] as const) {
    it(`readers resolve committed leftovers (${engine}${engine === 'rocksdb' ? ', after a restart: from the record' : ', from the registry'})`, async () => {
      const opts: KvDbOptions = engine === 'memory' ? { engine } : { engine, dir: mkdtempSync(join(tmpdir(), 'shoal-orphan-')) };
      if (opts.engine === 'rocksdb') dirs.push(opts.dir);
      db = await openKvDb(opts);
      for (const s of ['h', 'p']) await db.adminSplit(b(s));
      await commitWithoutResolution(db, true);
      expect(intentKeys(db.store)).toEqual(['j', 'r']);
      expect(txnRecordCount(db.store)).toBe(1);
      if (engine === 'rocksdb') {
        await db.close();
        db = await openKvDb(opts);
      }
      const r = db.begin();
      expect((await r.get(b('r')))?.toString()).toBe('r!');
      expect((await r.scan(b('a'), b('z'))).map((x) => x.value.toString())).toEqual(['c!', 'j!', 'r!']);
      await r.commit();
      expect(intentKeys(db.store)).toEqual([]);
      const w = db.begin(); // writers are not blocked either
      await w.put(b('j'), b('new'));
      await w.commit();
    });
  }

  it('intents without a committed record are aborted after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shoal-orphan-'));
    dirs.push(dir);
    db = await openKvDb({ engine: 'rocksdb', dir });
    for (const s of ['h', 'p']) await db.adminSplit(b(s));
    await commitWithoutResolution(db, false);
    await db.close();
    db = await openKvDb({ engine: 'rocksdb', dir });
    const r = db.begin();
    expect(await r.scan(b('a'), b('z'))).toEqual([]);
    await r.put(b('j'), b('mine'));
    await r.commit();
    expect(intentKeys(db.store)).toEqual([]);
  });
});

describe('retries', () => {
  /** A transport in front of the local store that answers some sends with routing errors first. */
  class FlakyTransport implements Transport {
    readonly sent: Array<{ nodeId: number; rangeId: number }> = [];
    notLeaseholder = 0;
    notFound = 0;
    constructor(private readonly inner: LocalTransport) {}
    send(nodeId: number, ba: BatchRequest): Promise<BatchResponse> {
      this.sent.push({ nodeId, rangeId: ba.header.rangeId });
      if (this.notLeaseholder > 0 && nodeId === 1 && ba.header.rangeId >= 3) {
        this.notLeaseholder--;
        return Promise.resolve({ ok: false, error: { kind: 'notLeaseholder', rangeId: ba.header.rangeId, leaseholder: { nodeId: 2, storeId: 2, replicaId: 2 } } });
      }
      if (this.notFound > 0 && ba.header.rangeId >= 3) {
        this.notFound--;
        return Promise.resolve({ ok: false, error: { kind: 'rangeNotFound', rangeId: ba.header.rangeId } });
      }
      return this.inner.send(1, ba); // node 2 is the same store here
    }
    rangeDescriptors(nodeId: number): Promise<readonly RangeDescriptor[]> {
      return this.inner.rangeDescriptors(nodeId);
    }
  }

  it('follows notLeaseholder to the named node and re-looks-up after rangeNotFound', async () => {
    db = await openKvDb({ engine: 'memory' });
    const t0 = db.begin();
    await t0.put(b('n1'), b('v'));
    await t0.commit();
    const transport = new FlakyTransport(new LocalTransport(new Map([[1, db.store]])));
    const sender = new DistSender(transport, 1);
    await sender.init({ warm: false });
    const txn = await freshMeta(db);
    transport.notLeaseholder = 1;
    const r1 = await sender.send({ txn }, [{ kind: 'get', key: b('n1') }]);
    expect(r1.ok && r1.responses[0]).toMatchObject({ kind: 'get', value: b('v') });
    expect(transport.sent.slice(-2).map((x) => x.nodeId)).toEqual([1, 2]);
    const r2 = await sender.send({ txn }, [{ kind: 'get', key: b('n1') }]);
    expect(r2.ok).toBe(true);
    expect(transport.sent[transport.sent.length - 1]!.nodeId).toBe(2); // remembered
    const lookups = sender.lookupCount;
    transport.notFound = 1;
    const r3 = await sender.send({ txn }, [{ kind: 'get', key: b('n1') }]);
    expect(r3.ok).toBe(true);
    expect(sender.lookupCount).toBe(lookups + 1); // evicted, looked up again
  });
});
