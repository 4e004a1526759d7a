// Many ranges in one store: the bootstrap ranges and their meta records, range-local keys
// that sort with their user keys, replicatedSpans partitioning the engine's replicated
// data between ranges, the range cache, and a RocksDB restart with several ranges (their
// descriptors, meta records, stats and a leftover txn record survive).

import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssertionError, KEY_MAX, openKvDb, SYSTEM_PREFIX, TABLES_START } from '../../../storage/index.js';
import type { LocalKvDb, RangeDescriptor } from '../../../storage/index.js';
import {
  escapedKey,
  HISTORY_PREFIX,
  LOCAL_RANGE_KEY_PREFIX,
  metaKey,
  rangeIdUnreplicatedKey,
  rangeLocalKey,
  replicatedSpans,
} from '../../../storage/keys/index.js';
import { RangeCache } from '../../../storage/kvclient/range-cache.js';
import { txnRecordKey } from '../../../storage/mvcc/index.js';
import { b, intentKeys, quiesce, secondClient, senderOf, txnRecordCount } from './ranges-harness.js';

let db: LocalKvDb | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await db?.close();
  db = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const hex = (d: RangeDescriptor): [number, string, string] => [d.rangeId, d.startKey.toString('hex'), d.endKey.toString('hex')];

describe('bootstrap', () => {
  it('creates the meta, system and tables ranges with meta records', async () => {
    db = await openKvDb({ engine: 'memory' });
    expect(db.store.descriptors().map(hex)).toEqual([
      [1, '02', '03'],
      [2, '03', '10'],
      [3, '10', 'ffff'],
    ]);
    const t = db.begin();
    // Meta records are ordinary MVCC keys: META + end key → descriptor.
    for (const d of db.store.descriptors()) expect(await t.get(metaKey(d.endKey))).not.toBeNull();
    await t.commit();
    const infos = await db.ranges(Buffer.alloc(0), KEY_MAX);
    expect(infos.map((r) => [r.rangeId, r.leaseholder])).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
    expect(infos[0]!.sizeBytes).toBeGreaterThan(0); // the three meta records
  });

  it('the meta range never splits; split keys are validated', async () => {
    db = await openKvDb({ engine: 'memory' });
    await expect(db.adminSplit(Buffer.from([0x02, 0x05]))).rejects.toBeInstanceOf(AssertionError);
    await db.adminSplit(SYSTEM_PREFIX); // already a boundary: no-op
    await db.adminSplit(TABLES_START);
    expect(db.store.rangeCount).toBe(3);
  });
});

describe('range-local keys', () => {
  const key = fc.uint8Array({ minLength: 0, maxLength: 6, max: 3 }).map((u) => Buffer.from(u));
  it('sort by their user key and fall inside the escaped bounds of any span holding it', () => {
    fc.assert(
      fc.property(key, key, key, (x, y, z) => {
        const [s, k, e] = [x, y, z].sort(Buffer.compare);
        const sfx = Buffer.from('t');
        if (Buffer.compare(x, y) < 0) expect(Buffer.compare(rangeLocalKey(x, sfx), rangeLocalKey(y, sfx))).toBeLessThan(0);
        if (Buffer.compare(s!, k!) <= 0 && Buffer.compare(k!, e!) < 0) {
          const rk = rangeLocalKey(k!, sfx);
          expect(Buffer.compare(escapedKey(LOCAL_RANGE_KEY_PREFIX, s!, false), rk)).toBeLessThanOrEqual(0);
          expect(Buffer.compare(rk, escapedKey(LOCAL_RANGE_KEY_PREFIX, e!, false))).toBeLessThan(0);
        }
      }),
    );
  });

  it('replicatedSpans of the ranges partition every replicated key in the engine', async () => {
    db = await openKvDb({ engine: 'memory' });
    const t = db.begin();
    for (let i = 0; i < 40; i++) await t.put(b(`p${String(i).padStart(2, '0')}`), b('v0'));
    await t.commit();
    for (const k of ['p10', 'p20', 'p30']) await db.adminSplit(b(k));
    const u = db.begin();
    for (let i = 0; i < 40; i += 3) await u.put(b(`p${String(i).padStart(2, '0')}`), b('v1')); // history versions
    await u.scan(b('p'), b('q')); // flush: intents on four ranges
    await u.commit();
    await quiesce(db);
    // A leftover record (as a dead coordinator leaves) is range-local data too.
    const batch = db.store.engine.newBatch();
    batch.put(txnRecordKey(b('p25'), Buffer.alloc(16, 1)), Buffer.from([2, ...Buffer.alloc(18)]));
    batch.put(rangeIdUnreplicatedKey(5, 'uraftlog'), b('x')); // unreplicated: in no span
    db.store.engine.write(batch, { sync: false });
    const spans = db.store.descriptors().flatMap((d) => replicatedSpans(d).map((s) => ({ ...s, rangeId: d.rangeId })));
    const owners = new Map<string, number[]>();
    const it = db.store.engine.iterator({});
    for (; it.valid(); it.next()) {
      const k = it.key();
      const hits = spans.filter((s) => Buffer.compare(s.key, k) <= 0 && Buffer.compare(k, s.endKey) < 0).map((s) => s.rangeId);
      owners.set(k.toString('hex'), hits);
    }
    it.close();
    const historyOf = (k: string): number[] => [...owners].filter(([h]) => h.startsWith(escapedKey(HISTORY_PREFIX, b(k), false).toString('hex'))).flatMap(([, r]) => r);
    expect(owners.get(b('p05').toString('hex'))).toEqual([3]);
    expect(owners.get(b('p33').toString('hex'))).toEqual([6]);
    expect(historyOf('p21')).toEqual([5]); // p21 was rewritten: its old version lives in r5's history span
    expect(owners.get(txnRecordKey(b('p25'), Buffer.alloc(16, 1)).toString('hex'))).toEqual([5]);
    expect(owners.get(rangeIdUnreplicatedKey(5, 'uraftlog').toString('hex'))).toEqual([]);
    for (const [k, r] of owners) if (!k.startsWith('0173')) expect(r.length, `key ${k}`).toBeLessThanOrEqual(1);
    expect([...owners.values()].filter((r) => r.length === 0).length).toBe(1); // only the unreplicated key
  });
});

describe('range cache', () => {
  const d = (rangeId: number, s: string, e: string, generation: number): RangeDescriptor => ({ rangeId, startKey: b(s), endKey: b(e), replicas: [], generation });
  it('finds ranges by binary search, replaces older overlapping entries, ignores stale ones', () => {
    const c = new RangeCache(8);
    c.insert(d(3, 'a', 'm', 0));
    c.insert(d(5, 'm', 'z', 0));
    expect(c.lookup(b('a'))?.rangeId).toBe(3);
    expect(c.lookup(b('m'))?.rangeId).toBe(5);
    expect(c.lookup(b('z'))).toBeUndefined();
    expect(c.lookupEndInclusive(b('m'))?.rangeId).toBe(3);
    c.insert(d(3, 'a', 'f', 1)); // a split of r3: drops the [a, m) entry
    expect(c.lookup(b('g'))).toBeUndefined();
    c.insert(d(3, 'a', 'm', 0)); // stale: ignored
    expect(c.lookup(b('g'))).toBeUndefined();
    c.insert(d(6, 'f', 'm', 1));
    expect(c.all().map((x) => x.rangeId)).toEqual([3, 6, 5]);
    c.evict(d(6, 'f', 'm', 1));
    expect(c.lookup(b('g'))).toBeUndefined();
    for (let i = 0; i < 20; i++) c.insert(d(100 + i, `q${String(i).padStart(2, '0')}`, `q${String(i).padStart(2, '0')}~`, 9));
    expect(c.size).toBeLessThanOrEqual(8);
  });
});

describe('restart with several ranges (RocksDB)', () => {
  it('keeps descriptors, meta records, stats and txn records', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shoal-ranges-'));
    dirs.push(dir);
    db = await openKvDb({ engine: 'rocksdb', dir });
    const t = db.begin();
    for (let i = 0; i < 30; i++) await t.put(b(`r${String(i).padStart(2, '0')}`), b(`v${i}`));
    await t.commit();
    for (const k of ['r10', 'r20']) await db.adminSplit(b(k));
    // A transaction whose remote intents stay unresolved: commit through EndTxn only.
    const sender = senderOf(db);
    const id = Buffer.alloc(16, 9);
    const ts = db.now();
    const txn = { id, epoch: 0, readTs: ts, writeTs: ts, seq: 1, ignoredSeqs: [], priority: 1, anchorKey: b('r05') };
    const w = await sender.send({ txn }, [
      { kind: 'put', key: b('r05'), value: b('x5'), seq: 1 },
      { kind: 'put', key: b('r15'), value: b('x15'), seq: 1 },
      { kind: 'put', key: b('r25'), value: b('x25'), seq: 1 },
    ]);
    expect(w.ok).toBe(true);
    const end = await sender.send({ txn }, [{ kind: 'endTxn', commit: true, lockSpans: ['r05', 'r15', 'r25'].map((k) => ({ key: b(k), endKey: null })) }]);
    expect(end.ok && end.responses[0]).toMatchObject({ kind: 'endTxn', remoteSpans: [{ key: b('r15') }, { key: b('r25') }] });
    const before = await db.ranges(TABLES_START, KEY_MAX);
    await db.close();
    db = await openKvDb({ engine: 'rocksdb', dir });
    expect(db.store.descriptors().map(hex)).toEqual([
      [1, '02', '03'],
      [2, '03', '10'],
      ...before.map((r): [number, string, string] => [r.rangeId, r.startKey.toString('hex'), r.endKey.toString('hex')]),
    ]);
    const after = await db.ranges(TABLES_START, KEY_MAX);
    expect(after.map((r) => r.sizeBytes)).toEqual(before.map((r) => r.sizeBytes));
    expect(txnRecordCount(db.store)).toBe(1);
    expect(intentKeys(db.store)).toEqual(['r15', 'r25']);
    // Meta survived: a cold client finds every range through rangeLookup.
    const cold = await secondClient(db);
    const r = cold.begin();
    const rows = await r.scan(b('r'), b('s'));
    expect(rows.map((x) => x.value.toString()).filter((v) => v.startsWith('x'))).toEqual(['x5', 'x15', 'x25']);
    await r.commit();
    expect(intentKeys(db.store)).toEqual([]); // the reader resolved them from the record
    expect(senderOf(cold).lookupCount).toBeGreaterThan(0);
  });
});
