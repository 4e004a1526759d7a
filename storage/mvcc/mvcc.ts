// Versioned reads and writes over an Engine: get/scan at a timestamp (seeing the reader's
// own intents), transactional puts that lay down intents, conditional puts, range deletes,
// intent resolution and refresh checks. Pure functions over an EngineReader / IndexedBatch;
// the range's command evaluators (range/eval/*) are the only callers.
//
// Invariants: a record's latest version is its newest committed version; an intent's write
// timestamp is above it; older versions live in the history space (see record.ts).

import type { KeyValue, Timestamp } from '../api/index.js';
import type { TxnMeta, SeqRange } from '../api/txn-meta.js';
import { seqIgnored } from '../api/txn-meta.js';
import { assert } from '../base/assert.js';
import type { EngineReader, WriteBatch } from '../engine/engine.js';
import { tsLess, tsLessEq, tsMax, tsNext } from '../hlc/timestamp.js';
import { keyNext } from '../keys/keys.js';
import { ConditionFailedError, INTENTS_PER_ERROR_MAX, WriteIntentError, WriteTooOldError } from './errors.js';
import type { Intent, MvccRecord, Version } from './record.js';
import {
  decodeHistoryValue,
  decodeRecord,
  encodeHistoryValue,
  encodeRecord,
  historyKey,
  historyKeyPrefix,
  historyKeyTs,
} from './record.js';
import { prefixEnd } from '../keys/keys.js';

export interface ReadOpts {
  readonly ts: Timestamp;
  readonly txn: TxnMeta | null;
  /** Locking reads: a newer committed version is WriteTooOld; any foreign intent conflicts. */
  readonly failOnMoreRecent?: boolean;
  /** SKIP LOCKED: a key with a conflicting foreign intent reads as absent instead of failing. */
  readonly skipLocked?: boolean;
}

export interface ScanOpts extends ReadOpts {
  readonly limit?: number;
  readonly reverse?: boolean;
}

export interface ScanResult {
  readonly rows: KeyValue[];
  /** Forward: the start key to resume from. Reverse: the end key (exclusive) to resume at. */
  readonly resumeKey: Buffer | null;
}

export interface WriteOpts {
  /** The writing transaction. Non-transactional writes are not supported: every write is an intent. */
  readonly txn: TxnMeta;
}

export function readRecord(r: EngineReader, key: Buffer): MvccRecord | null {
  const raw = r.get(key);
  return raw === undefined ? null : decodeRecord(raw);
}

/** Own intent's value as visible to `txn` (respecting seq and savepoint rollbacks), if any. */
export function ownIntentValue(intent: Intent, txn: TxnMeta): { found: boolean; value: Buffer | null } {
  if (intent.epoch !== txn.epoch) return NOT_FOUND;
  if (intent.seq <= txn.seq && !seqIgnored(intent.seq, txn.ignoredSeqs)) return { found: true, value: intent.value };
  for (let i = intent.history.length - 1; i >= 0; i--) {
    const h = intent.history[i]!;
    if (h.seq <= txn.seq && !seqIgnored(h.seq, txn.ignoredSeqs)) return { found: true, value: h.value };
  }
  return NOT_FOUND;
}
const NOT_FOUND = { found: false, value: null } as const;

function isOwn(intent: Intent, txn: TxnMeta | null): boolean {
  return txn !== null && intent.txnId.equals(txn.id);
}

/** The value of `key` visible to a read, or null. Throws on conflicts. */
function visible(r: EngineReader, key: Buffer, rec: MvccRecord, o: ReadOpts): Buffer | null {
  const { intent, latest } = rec;
  if (intent) {
    if (isOwn(intent, o.txn)) {
      const own = ownIntentValue(intent, o.txn!);
      if (own.found) return own.value;
    } else if (o.failOnMoreRecent || tsLessEq(intent.writeTs, o.ts)) {
      throw new WriteIntentError([{ key, intent }]);
    }
  }
  if (!latest) return null;
  if (tsLessEq(latest.ts, o.ts)) return latest.value;
  if (o.failOnMoreRecent) throw new WriteTooOldError(key, tsNext(latest.ts));
  return historyAt(r, key, o.ts)?.value ?? null;
}

/** The newest history version of `key` at or below `ts`. */
export function historyAt(r: EngineReader, key: Buffer, ts: Timestamp): Version | null {
  const prefix = historyKeyPrefix(key);
  const it = r.iterator({ lower: historyKey(prefix, ts), upper: prefixEnd(prefix), prefetch: 1 });
  try {
    if (!it.valid()) return null;
    return { ts: historyKeyTs(it.key()), value: decodeHistoryValue(it.value()) };
  } finally {
    it.close();
  }
}

export function mvccGet(r: EngineReader, key: Buffer, o: ReadOpts): Buffer | null {
  const rec = readRecord(r, key);
  return rec === null ? null : visible(r, key, rec, o);
}

export function mvccScan(r: EngineReader, start: Buffer, end: Buffer, o: ScanOpts): ScanResult {
  const limit = o.limit && o.limit > 0 ? o.limit : Infinity;
  const rows: KeyValue[] = [];
  // Conflicting intents are collected (not thrown one by one) so the replica can clean up
  // many abandoned intents per pass.
  const intents: Array<{ key: Buffer; intent: Intent }> = [];
  const it = r.iterator({ lower: start, upper: end, reverse: o.reverse === true, prefetch: Math.min(limit + 1, 1024) });
  try {
    for (; it.valid() && intents.length < INTENTS_PER_ERROR_MAX; it.next()) {
      if (rows.length >= limit) {
        if (intents.length > 0) break;
        const last = rows[rows.length - 1]!.key;
        return { rows, resumeKey: o.reverse ? last : keyNext(last) };
      }
      const key = it.key();
      let value: Buffer | null;
      try {
        value = visible(r, key, decodeRecord(it.value()), o);
      } catch (e) {
        if (!(e instanceof WriteIntentError)) throw e;
        if (!o.skipLocked) intents.push(...e.intents);
        value = null;
      }
      if (value !== null) rows.push({ key, value });
    }
  } finally {
    it.close();
  }
  if (intents.length > 0) throw new WriteIntentError(intents);
  return { rows, resumeKey: null };
}

/**
 * Writes an intent of `txn` (value null = deletion). Throws WriteIntentError on a foreign
 * intent and WriteTooOldError when a committed version at or above the write timestamp exists.
 */
export function mvccPut(b: WriteBatch & EngineReader, key: Buffer, value: Buffer | null, o: WriteOpts): void {
  const rec = readRecord(b, key);
  putOnRecord(b, key, rec, value, o);
}

function putOnRecord(b: WriteBatch, key: Buffer, rec: MvccRecord | null, value: Buffer | null, o: WriteOpts): void {
  const { txn } = o;
  const latest = rec?.latest ?? null;
  const old = rec?.intent ?? null;
  if (old && !isOwn(old, txn)) throw new WriteIntentError([{ key, intent: old }]);
  if (latest && tsLessEq(txn.writeTs, latest.ts)) throw new WriteTooOldError(key, tsNext(latest.ts));
  let intent: Intent;
  if (old && old.epoch === txn.epoch) {
    assert(old.seq <= txn.seq, 'mvcc: intent written with a sequence number that went backwards');
    const history = old.seq === txn.seq ? old.history : [...old.history, { seq: old.seq, value: old.value }];
    intent = { txnId: txn.id, epoch: txn.epoch, writeTs: tsMax(old.writeTs, txn.writeTs), seq: txn.seq, value, history, anchorKey: txn.anchorKey ?? old.anchorKey };
  } else {
    intent = { txnId: txn.id, epoch: txn.epoch, writeTs: txn.writeTs, seq: txn.seq, value, history: [], anchorKey: txn.anchorKey };
  }
  b.put(key, encodeRecord({ latest, intent }));
}

/** Puts `value` if the value visible to the transaction equals `expected` (null: absent). */
export function mvccConditionalPut(b: WriteBatch & EngineReader, key: Buffer, value: Buffer, expected: Buffer | null, o: WriteOpts): void {
  const rec = readRecord(b, key);
  // Compare against the value at the write timestamp: a newer committed value is WriteTooOld.
  const actual = rec === null ? null : visible(b, key, rec, { ts: o.txn.writeTs, txn: o.txn, failOnMoreRecent: true });
  const same = actual === null ? expected === null : expected !== null && actual.equals(expected);
  if (!same) throw new ConditionFailedError(actual);
  putOnRecord(b, key, rec, value, o);
}

/** Deletes every key visible in [start, end); returns the keys deleted. */
export function mvccDeleteRange(b: WriteBatch & EngineReader, start: Buffer, end: Buffer, o: WriteOpts): Buffer[] {
  const { rows } = mvccScan(b, start, end, { ts: o.txn.readTs, txn: o.txn });
  for (const row of rows) mvccPut(b, row.key, null, o);
  return rows.map((r) => r.key);
}

export interface ResolveOpts {
  readonly txnId: Buffer;
  readonly status: 'committed' | 'aborted';
  /** Commit timestamp (status committed). */
  readonly commitTs: Timestamp;
  readonly epoch: number;
  readonly ignoredSeqs: readonly SeqRange[];
}

/**
 * A change of a range's statistics, accumulated during evaluation and added to the range's
 * totals when the batch applies. Only a committed resolution changes the newest committed
 * version of a key, so mvccResolveIntent is the only writer.
 */
export interface MvccStatsDelta {
  liveCount: number;
  liveBytes: number;
}

function isLive(v: Version | null): boolean {
  return v !== null && v.value !== null;
}

function liveSize(key: Buffer, v: Version | null): number {
  return v === null || v.value === null ? 0 : key.length + v.value.length;
}

/**
 * Resolves the intent of `txnId` at `key`, if still there: commit turns its (savepoint-aware)
 * value into the newest version at commitTs, moving the previous one to history; abort drops
 * it. Returns whether an intent was resolved. Adds the change of live data to `stats`.
 */
export function mvccResolveIntent(b: WriteBatch & EngineReader, key: Buffer, o: ResolveOpts, stats?: MvccStatsDelta): boolean {
  const rec = readRecord(b, key);
  if (!rec || !rec.intent || !rec.intent.txnId.equals(o.txnId)) return false;
  const { intent, latest } = rec;
  let next: Version | null = latest;
  if (o.status === 'committed' && intent.epoch === o.epoch) {
    const own = ownIntentValue(intent, {
      id: o.txnId,
      epoch: o.epoch,
      readTs: o.commitTs,
      writeTs: o.commitTs,
      seq: 0xffffffff,
      ignoredSeqs: o.ignoredSeqs,
      priority: 0,
      anchorKey: null,
    });
    if (own.found) {
      assert(!latest || tsLess(latest.ts, o.commitTs), 'mvcc: commit timestamp not above the newest version');
      if (latest) b.put(historyKey(historyKeyPrefix(key), latest.ts), encodeHistoryValue(latest.value));
      next = { ts: o.commitTs, value: own.value };
    }
  }
  if (next === null) b.delete(key);
  else b.put(key, encodeRecord({ latest: next, intent: null }));
  if (stats && next !== latest) {
    stats.liveCount += (isLive(next) ? 1 : 0) - (isLive(latest) ? 1 : 0);
    stats.liveBytes += liveSize(key, next) - liveSize(key, latest);
  }
  return true;
}

/** Exact statistics of the user keys in [start, end) (a split recomputes the new range's). */
export function mvccComputeStats(r: EngineReader, start: Buffer, end: Buffer): { liveCount: number; liveBytes: number } {
  const out = { liveCount: 0, liveBytes: 0 };
  for (let from: Buffer | null = start; from !== null; ) from = mvccAddStats(r, from, end, Infinity, out);
  return out;
}

/**
 * Adds the statistics of up to `max` records of [start, end) to `acc`; returns where to
 * continue, or null at the end (lets a caller yield between chunks of a large range).
 */
export function mvccAddStats(r: EngineReader, start: Buffer, end: Buffer, max: number, acc: MvccStatsDelta): Buffer | null {
  const it = r.iterator({ lower: start, upper: end, prefetch: Math.min(max, 1024) });
  try {
    for (let n = 0; it.valid(); it.next(), n++) {
      if (n >= max) return it.key();
      const latest = decodeRecord(it.value()).latest;
      if (latest && latest.value !== null) {
        acc.liveCount++;
        acc.liveBytes += it.key().length + latest.value.length;
      }
    }
    return null;
  } finally {
    it.close();
  }
}

/**
 * Refresh check for a span (end null = the single key): true when no other transaction
 * committed a version in (fromTs, toTs] and no foreign intent at or below toTs exists,
 * i.e. reads done at fromTs are still valid at toTs.
 */
export function mvccRefreshOk(r: EngineReader, start: Buffer, end: Buffer | null, fromTs: Timestamp, toTs: Timestamp, txnId: Buffer): boolean {
  if (end === null) {
    const rec = readRecord(r, start);
    return rec === null || recordRefreshOk(r, start, rec, fromTs, toTs, txnId);
  }
  const it = r.iterator({ lower: start, upper: end, prefetch: 64 });
  try {
    for (; it.valid(); it.next()) {
      if (!recordRefreshOk(r, it.key(), decodeRecord(it.value()), fromTs, toTs, txnId)) return false;
    }
    return true;
  } finally {
    it.close();
  }
}

function recordRefreshOk(r: EngineReader, key: Buffer, rec: MvccRecord, fromTs: Timestamp, toTs: Timestamp, txnId: Buffer): boolean {
  const { intent, latest } = rec;
  if (intent && !intent.txnId.equals(txnId) && tsLessEq(intent.writeTs, toTs)) return false;
  if (!latest || tsLessEq(latest.ts, fromTs)) return true;
  if (tsLessEq(latest.ts, toTs)) return false;
  // The newest version is above toTs: is there an older one in (fromTs, toTs]?
  const older = historyAt(r, key, toTs);
  return older === null || tsLessEq(older.ts, fromTs);
}
