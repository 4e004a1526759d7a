// MVCC behaviour, table style: versions at timestamps (inline newest + history), intents
// seen by their own transaction only, savepoint-ignored sequence numbers, conflicts
// (foreign intents, write too old), resolution by commit or abort, scans, refresh checks.

import { describe, expect, it } from 'vitest';
import type { Timestamp } from '../../../storage/api/index.js';
import type { TxnMeta } from '../../../storage/api/txn-meta.js';
import { MemEngine, IndexedBatch } from '../../../storage/engine/index.js';
import {
  mvccConditionalPut,
  mvccDeleteRange,
  mvccGet,
  mvccPut,
  mvccRefreshOk,
  mvccResolveIntent,
  mvccScan,
  WriteIntentError,
  WriteTooOldError,
  ConditionFailedError,
  decodeRecord,
  encodeRecord,
} from '../../../storage/mvcc/index.js';

const b = (s: string): Buffer => Buffer.from(s);
const T = (w: number, l = 0): Timestamp => ({ wallNanos: BigInt(w), logical: l });
function txn(name: string, ts: number, seq = 1, extra: Partial<TxnMeta> = {}): TxnMeta {
  const id = Buffer.alloc(16);
  id.write(name);
  return { id, epoch: 0, readTs: T(ts), writeTs: T(ts), seq, ignoredSeqs: [], priority: 1, anchorKey: null, ...extra };
}

class Db {
  engine = new MemEngine();
  run<R>(fn: (batch: IndexedBatch) => R): R {
    const batch = new IndexedBatch(this.engine);
    const r = fn(batch);
    this.engine.write(batch, { sync: false });
    return r;
  }
  /** Writes and commits `value` at `ts` through a throwaway transaction. */
  commit(key: string, value: string | null, ts: number): void {
    const t = txn(`w${ts}`, ts);
    this.run((bt) => mvccPut(bt, b(key), value === null ? null : b(value), { txn: t }));
    this.run((bt) => mvccResolveIntent(bt, b(key), { txnId: t.id, status: 'committed', commitTs: T(ts), epoch: 0, ignoredSeqs: [] }));
  }
  get(key: string, ts: number, t: TxnMeta | null = null): string | null {
    return mvccGet(this.engine, b(key), { ts: T(ts), txn: t })?.toString() ?? null;
  }
}

describe('mvcc', () => {
  it('record codec round-trips', () => {
    const t = txn('A', 5);
    const rec = {
      latest: { ts: T(3, 2), value: b('old') },
      intent: { txnId: t.id, epoch: 2, writeTs: T(5, 1), seq: 7, value: null, history: [{ seq: 3, value: b('x') }, { seq: 5, value: null }], anchorKey: null },
    };
    expect(decodeRecord(encodeRecord(rec))).toEqual(rec);
    const anchored = { latest: null, intent: { ...rec.intent, anchorKey: b('anchor\u0000key') } };
    expect(decodeRecord(encodeRecord(anchored))).toEqual(anchored);
    const tomb = { latest: { ts: T(9), value: null }, intent: null };
    expect(decodeRecord(encodeRecord(tomb))).toEqual(tomb);
  });

  it('reads the version visible at each timestamp, from inline newest and history', () => {
    const db = new Db();
    db.commit('k', 'v10', 10);
    db.commit('k', 'v20', 20);
    db.commit('k', null, 30);
    db.commit('k', 'v40', 40);
    const cases: Array<[number, string | null]> = [
      [5, null],
      [10, 'v10'],
      [15, 'v10'],
      [20, 'v20'],
      [29, 'v20'],
      [30, null],
      [39, null],
      [40, 'v40'],
      [99, 'v40'],
    ];
    for (const [ts, want] of cases) expect([ts, db.get('k', ts)]).toEqual([ts, want]);
  });

  it('intents: own txn sees them, others conflict at or above the intent', () => {
    const db = new Db();
    db.commit('k', 'base', 10);
    const a = txn('A', 20);
    db.run((bt) => mvccPut(bt, b('k'), b('mine'), { txn: a }));
    expect(db.get('k', 25, a)).toBe('mine');
    expect(db.get('k', 15)).toBe('base'); // below the intent: not a conflict
    expect(() => db.get('k', 20)).toThrow(WriteIntentError);
    // Locking reads conflict with any foreign intent.
    expect(() => mvccGet(db.engine, b('k'), { ts: T(15), txn: null, failOnMoreRecent: true })).toThrow(WriteIntentError);
    const other = txn('B', 30);
    expect(() => db.run((bt) => mvccPut(bt, b('k'), b('x'), { txn: other }))).toThrow(WriteIntentError);
  });

  it('write too old reports the timestamp to move to', () => {
    const db = new Db();
    db.commit('k', 'v', 20);
    const a = txn('A', 20);
    try {
      db.run((bt) => mvccPut(bt, b('k'), b('x'), { txn: a }));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(WriteTooOldError);
      expect((e as WriteTooOldError).actualTs).toEqual(T(20, 1));
    }
    expect(() => mvccGet(db.engine, b('k'), { ts: T(15), txn: null, failOnMoreRecent: true })).toThrow(WriteTooOldError);
  });

  it('resolves intents by commit (moving the old version to history) and abort', () => {
    const db = new Db();
    db.commit('k', 'v10', 10);
    const a = txn('A', 20);
    db.run((bt) => mvccPut(bt, b('k'), b('v25'), { txn: a }));
    db.run((bt) => mvccResolveIntent(bt, b('k'), { txnId: a.id, status: 'committed', commitTs: T(25), epoch: 0, ignoredSeqs: [] }));
    expect(db.get('k', 30)).toBe('v25');
    expect(db.get('k', 24)).toBe('v10');
    const c = txn('C', 40);
    db.run((bt) => mvccPut(bt, b('k'), b('nope'), { txn: c }));
    db.run((bt) => mvccPut(bt, b('new'), b('nope'), { txn: c }));
    db.run((bt) => mvccResolveIntent(bt, b('k'), { txnId: c.id, status: 'aborted', commitTs: T(0), epoch: 0, ignoredSeqs: [] }));
    db.run((bt) => mvccResolveIntent(bt, b('new'), { txnId: c.id, status: 'aborted', commitTs: T(0), epoch: 0, ignoredSeqs: [] }));
    expect(db.get('k', 50)).toBe('v25');
    expect(db.engine.get(b('new'))).toBeUndefined();
    // Resolving again, or with another txn's id, is a no-op.
    expect(db.run((bt) => mvccResolveIntent(bt, b('k'), { txnId: c.id, status: 'aborted', commitTs: T(0), epoch: 0, ignoredSeqs: [] }))).toBe(false);
  });

  it('savepoints: ignored sequence numbers are invisible and not committed', () => {
    const db = new Db();
    const a1 = txn('A', 10, 1);
    db.run((bt) => mvccPut(bt, b('k'), b('s1'), { txn: a1 }));
    db.run((bt) => mvccPut(bt, b('k'), b('s2'), { txn: { ...a1, seq: 2 } }));
    db.run((bt) => mvccPut(bt, b('k'), b('s3'), { txn: { ...a1, seq: 3 } }));
    expect(db.get('k', 10, { ...a1, seq: 3 })).toBe('s3');
    expect(db.get('k', 10, { ...a1, seq: 2 })).toBe('s2');
    const rolledBack = { ...a1, seq: 3, ignoredSeqs: [{ start: 2, end: 3 }] };
    expect(db.get('k', 10, rolledBack)).toBe('s1');
    expect(db.get('k', 10, { ...a1, seq: 3, ignoredSeqs: [{ start: 1, end: 3 }] })).toBeNull();
    db.run((bt) => mvccResolveIntent(bt, b('k'), { txnId: a1.id, status: 'committed', commitTs: T(12), epoch: 0, ignoredSeqs: [{ start: 2, end: 3 }] }));
    expect(db.get('k', 12)).toBe('s1');
  });

  it('conditionalPut compares with the visible value', () => {
    const db = new Db();
    db.commit('k', 'v', 10);
    const a = txn('A', 20);
    expect(() => db.run((bt) => mvccConditionalPut(bt, b('k'), b('x'), null, { txn: a }))).toThrow(ConditionFailedError);
    db.run((bt) => mvccConditionalPut(bt, b('k'), b('x'), b('v'), { txn: a }));
    db.run((bt) => mvccConditionalPut(bt, b('k'), b('y'), b('x'), { txn: { ...a, seq: 2 } }));
    expect(db.get('k', 20, { ...a, seq: 2 })).toBe('y');
  });

  it('scans with limit, reverse, tombstones and own writes in one batch', () => {
    const db = new Db();
    for (const k of ['a', 'b', 'c', 'd']) db.commit(k, `v${k}`, 10);
    db.commit('b', null, 11);
    const a = txn('A', 20);
    const res = db.run((bt) => {
      mvccPut(bt, b('e'), b('ve'), { txn: a });
      return mvccScan(bt, b('a'), b('z'), { ts: T(20), txn: a });
    });
    expect(res.rows.map((r) => r.key.toString())).toEqual(['a', 'c', 'd', 'e']);
    const lim = mvccScan(db.engine, b('a'), b('z'), { ts: T(20), txn: a, limit: 2 });
    expect(lim.rows.map((r) => r.key.toString())).toEqual(['a', 'c']);
    expect(lim.resumeKey?.toString()).toBe('c\u0000');
    const rev = mvccScan(db.engine, b('a'), b('z'), { ts: T(10), txn: null, reverse: true, limit: 3 });
    expect(rev.rows.map((r) => r.key.toString())).toEqual(['d', 'c', 'b']);
    expect(() => mvccScan(db.engine, b('a'), b('z'), { ts: T(20), txn: null })).toThrow(WriteIntentError);
  });

  it('deleteRange deletes what the transaction sees', () => {
    const db = new Db();
    for (const k of ['a', 'b', 'c']) db.commit(k, 'x', 10);
    const a = txn('A', 20);
    expect(db.run((bt) => mvccDeleteRange(bt, b('a'), b('c'), { txn: a })).map(String)).toEqual(['a', 'b']);
    expect(mvccScan(db.engine, b('a'), b('z'), { ts: T(20), txn: a }).rows.map((r) => r.key.toString())).toEqual(['c']);
  });

  it('refresh detects commits and foreign intents in (from, to]', () => {
    const db = new Db();
    db.commit('k', 'v10', 10);
    db.commit('k', 'v30', 30);
    const me = txn('me', 5).id;
    expect(mvccRefreshOk(db.engine, b('k'), null, T(10), T(20), me)).toBe(true);
    expect(mvccRefreshOk(db.engine, b('k'), null, T(5), T(20), me)).toBe(false);
    expect(mvccRefreshOk(db.engine, b('k'), null, T(10), T(30), me)).toBe(false);
    expect(mvccRefreshOk(db.engine, b('a'), b('z'), T(30), T(40), me)).toBe(true);
    const a = txn('A', 35);
    db.run((bt) => mvccPut(bt, b('m'), b('x'), { txn: a }));
    expect(mvccRefreshOk(db.engine, b('a'), b('z'), T(30), T(40), me)).toBe(false);
    expect(mvccRefreshOk(db.engine, b('a'), b('z'), T(30), T(34), me)).toBe(true);
    expect(mvccRefreshOk(db.engine, b('a'), b('z'), T(30), T(40), a.id)).toBe(true);
  });
});
