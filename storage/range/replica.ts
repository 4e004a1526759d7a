// One replica of one range: the request path latch → evaluate (pure commands into a write
// batch) → lock-table check → write (synced through the store's group commit when the batch
// commits a transaction) → apply side effects (timestamp cache, locks, txn records) →
// release latches → reply. Conflicts release the latches, wait in the lock table (FIFO,
// deadlock-checked) and start over. Called by the store; later, Raft sits between
// "evaluate" and "write" (proposer-evaluated KV), and nothing here needs to move.

import { KvError } from '../api/index.js';
import type { BatchError, BatchRequest, BatchResponse, Request, Response } from '../api/batch.js';
import type { RangeDescriptor } from '../api/range.js';
import { rangeContainsKey } from '../api/range.js';
import type { TxnMeta } from '../api/txn-meta.js';
import { assert } from '../base/assert.js';
import type { Engine } from '../engine/engine.js';
import { IndexedBatch } from '../engine/indexed.js';
import { tsLess, tsNext } from '../hlc/timestamp.js';
import type { Intent } from '../mvcc/index.js';
import { ConditionFailedError, mvccResolveIntent, WriteIntentError, WriteTooOldError } from '../mvcc/index.js';
import type { LatchSpans } from './concurrency/latch.js';
import { LatchManager } from './concurrency/latch.js';
import type { WantStrength } from './concurrency/lock-table.js';
import { LockTable } from './concurrency/lock-table.js';
import { TimestampCache } from './concurrency/tscache.js';
import type { EvalContext, EvalEffects } from './eval/command.js';
import { newEffects } from './eval/command.js';
import { RefreshFailedError } from './eval/refresh.js';
import { commandFor, isWrite } from './eval/registry.js';
import type { Timestamp } from '../api/index.js';

/** What the replica needs from its store. */
export interface ReplicaHost {
  readonly engine: Engine;
  /** Writes and syncs a batch, grouped with other replicas' (group commit). */
  writeSynced(batch: IndexedBatch): Promise<void>;
  /** Writes a batch without waiting for durability (intents, aborts: nothing acknowledged as durable). */
  writeUnsynced(batch: IndexedBatch): void;
  readonly txns: {
    touch(id: string, priority: number): void;
    get(id: string): { status: 'pending' | 'committed' | 'aborted'; commitTs: Timestamp | null } | undefined;
    finish(id: string, status: 'committed' | 'aborted', commitTs: Timestamp | null): void;
  };
}

/** Re-evaluations of one request (after waits or server-side refreshes) before giving up. */
const REQUEST_ATTEMPTS_MAX = 10_000;
/** Server-side timestamp bumps for batches that may move their read timestamp. */
const SERVER_REFRESH_MAX = 5;

type Outcome =
  | { kind: 'ok'; batch: IndexedBatch; effects: EvalEffects; responses: Response[]; txn: TxnMeta }
  | { kind: 'intent'; key: Buffer; intent: Intent; want: WantStrength }
  | { kind: 'lock'; key: Buffer; want: WantStrength }
  | { kind: 'error'; error: BatchError };

export class Replica {
  readonly latches = new LatchManager();
  readonly lockTable = new LockTable();
  readonly tsCache: TimestampCache;

  constructor(
    public desc: RangeDescriptor,
    private readonly host: ReplicaHost,
    lowWater: Timestamp,
  ) {
    this.tsCache = new TimestampCache(lowWater);
  }

  async send(ba: BatchRequest): Promise<BatchResponse> {
    const mismatch = this.checkKeys(ba);
    if (mismatch) return { ok: false, error: mismatch };
    const txnHex = ba.header.txn.id.toString('hex');
    const spans = declareLatches(ba);
    for (let attempt = 0; attempt < REQUEST_ATTEMPTS_MAX; attempt++) {
      const guard = this.latches.acquire(spans);
      if (!this.latches.isReady(guard)) await this.latches.ready(guard);
      let released = false;
      try {
        const out = this.evaluate(ba, txnHex);
        if (out.kind === 'error') return { ok: false, error: out.error };
        if (out.kind === 'ok') return await this.apply(ba, out, txnHex);
        this.latches.release(guard);
        released = true;
        const err = await this.handleConflict(ba, out, txnHex);
        if (err) return { ok: false, error: err };
      } finally {
        if (!released) this.latches.release(guard);
      }
    }
    return { ok: false, error: kvError('Unavailable', 'request retried too often', -1) };
  }

  private checkKeys(ba: BatchRequest): BatchError | null {
    if (ba.header.rangeId !== this.desc.rangeId) return { kind: 'rangeKeyMismatch', rangeId: this.desc.rangeId };
    for (const r of ba.requests) {
      if (r.kind === 'endTxn') continue;
      const inside = rangeContainsKey(this.desc, r.key) && (!('endKey' in r) || r.endKey === null || Buffer.compare(r.endKey, this.desc.endKey) <= 0);
      if (!inside) return { kind: 'rangeKeyMismatch', rangeId: this.desc.rangeId };
    }
    return null;
  }

  /** Evaluates the whole batch synchronously against the engine. */
  private evaluate(ba: BatchRequest, txnHex: string): Outcome {
    let txn = this.pushAboveReads(ba, txnHex);
    const canForward = ba.header.canForwardReadTs === true;
    if (canForward && tsLess(txn.readTs, txn.writeTs)) txn = { ...txn, readTs: txn.writeTs };
    for (let bump = 0; ; bump++) {
      const batch = new IndexedBatch(this.host.engine);
      const effects = newEffects();
      const ctx: EvalContext = {
        batch,
        header: ba.header,
        txn,
        effects,
        lockedByOther: (key) => this.lockTable.conflicts(key, txnHex, 'exclusive').length > 0,
      };
      const responses: Response[] = [];
      let i = 0;
      try {
        for (; i < ba.requests.length; i++) {
          const req = ba.requests[i]!;
          responses.push(commandFor(req).evaluate(ctx, req));
        }
      } catch (e) {
        const req = ba.requests[i]!;
        if (e instanceof WriteTooOldError && canForward && bump < SERVER_REFRESH_MAX) {
          txn = { ...txn, readTs: e.actualTs, writeTs: e.actualTs };
          continue;
        }
        return this.conflictOutcome(e, req, i);
      }
      const lock = this.lockConflict(effects, txnHex);
      if (lock) return lock;
      return { kind: 'ok', batch, effects, responses, txn };
    }
  }

  /** Moves the write timestamp above reads of other transactions recorded in the timestamp cache. */
  private pushAboveReads(ba: BatchRequest, txnHex: string): TxnMeta {
    let txn = ba.header.txn;
    for (const req of ba.requests) {
      if (!isWrite(req) || req.kind === 'endTxn') continue;
      const span = { key: req.key, endKey: req.kind === 'deleteRange' ? req.endKey : null };
      const hit = this.tsCache.getMax(span);
      if (hit.txn !== txnHex && !tsLess(hit.ts, txn.writeTs)) txn = { ...txn, writeTs: tsNext(hit.ts) };
    }
    return txn;
  }

  private conflictOutcome(e: unknown, req: Request, index: number): Outcome {
    if (e instanceof WriteIntentError) return { kind: 'intent', key: e.key, intent: e.intent, want: wantOf(req) };
    if (e instanceof WriteTooOldError) return { kind: 'error', error: { kind: 'writeTooOld', actualTs: e.actualTs, key: e.key } };
    if (e instanceof ConditionFailedError) {
      return { kind: 'error', error: { kind: 'kv', code: 'ConditionFailed', message: 'unexpected value', actual: e.actual, index } };
    }
    if (e instanceof RefreshFailedError) return { kind: 'error', error: { kind: 'refreshFailed', key: e.key } };
    throw e;
  }

  /** After evaluation: do the keys we write or lock conflict with other transactions' locks? */
  private lockConflict(effects: EvalEffects, txnHex: string): Outcome | null {
    if (this.lockTable.lockCount === 0) return null;
    for (const key of effects.writes) {
      if (this.lockTable.conflicts(key, txnHex, 'exclusive').length > 0) return { kind: 'lock', key, want: 'exclusive' };
    }
    for (const l of effects.locks) {
      if (this.lockTable.conflicts(l.key, txnHex, l.strength).length > 0) return { kind: 'lock', key: l.key, want: l.strength };
    }
    return null;
  }

  /** Writes the batch (synced for commits), then applies in-memory side effects. */
  private async apply(ba: BatchRequest, out: Extract<Outcome, { kind: 'ok' }>, txnHex: string): Promise<BatchResponse> {
    const { batch, effects, txn } = out;
    if (effects.writes.length > 0 || effects.locks.length > 0) this.host.txns.touch(txnHex, txn.priority);
    if (effects.sync) await this.host.writeSynced(batch);
    else if (batch.count > 0) this.host.writeUnsynced(batch);
    for (const r of effects.reads) this.tsCache.add(r.span, r.ts, txnHex);
    for (const l of effects.locks) this.lockTable.acquire(l.key, txnHex, l.strength);
    if (effects.endTxn) {
      this.host.txns.finish(txnHex, effects.endTxn.commit ? 'committed' : 'aborted', effects.endTxn.commit ? txn.writeTs : null);
      this.lockTable.releaseTxn(txnHex);
    }
    assert(ba.requests.length === out.responses.length, 'replica: one response per request');
    return { ok: true, responses: out.responses, writeTs: txn.writeTs, readTs: txn.readTs };
  }

  /** Waits out a conflict (or cleans up an abandoned intent). Returns an error to reply with, or null to retry. */
  private async handleConflict(ba: BatchRequest, out: Extract<Outcome, { kind: 'intent' | 'lock' }>, txnHex: string): Promise<BatchError | null> {
    const policy = ba.header.waitPolicy ?? 'block';
    if (out.kind === 'intent') {
      const holder = out.intent.txnId.toString('hex');
      const rec = this.host.txns.get(holder);
      if (!rec || rec.status !== 'pending') {
        await this.resolveOrphan(out.key, out.intent, rec?.status === 'committed' ? rec.commitTs : null);
        return null;
      }
      this.lockTable.acquire(out.key, holder, 'intent');
    }
    if (policy === 'error') return kvError('LockNotAvailable', `could not obtain lock on row (key ${out.key.toString('hex')})`, -1);
    try {
      await this.lockTable.wait(out.key, txnHex, out.want, ba.header.txn.priority);
    } catch (e) {
      if (e instanceof KvError) return kvError(e.code, e.message, -1);
      throw e;
    }
    return null;
  }

  /** Resolves an intent whose transaction finished without resolving it (or died with a previous process). */
  private async resolveOrphan(key: Buffer, intent: Intent, commitTs: Timestamp | null): Promise<void> {
    const guard = this.latches.acquire({ reads: [], writes: [{ key, endKey: null }] });
    if (!this.latches.isReady(guard)) await this.latches.ready(guard);
    try {
      const batch = new IndexedBatch(this.host.engine);
      mvccResolveIntent(batch, key, {
        txnId: intent.txnId,
        status: commitTs ? 'committed' : 'aborted',
        commitTs: commitTs ?? intent.writeTs,
        epoch: intent.epoch,
        ignoredSeqs: [],
      });
      if (commitTs) await this.host.writeSynced(batch);
      else this.host.writeUnsynced(batch);
      this.lockTable.releaseKey(key, intent.txnId.toString('hex'));
    } finally {
      this.latches.release(guard);
    }
  }
}

function declareLatches(ba: BatchRequest): LatchSpans {
  const spans: LatchSpans = { reads: [], writes: [] };
  for (const req of ba.requests) commandFor(req).declareKeys(req, ba.header, spans);
  return spans;
}

function wantOf(req: Request): WantStrength {
  if (req.kind === 'get' || req.kind === 'scan') {
    const lock = req.lock ?? 'none';
    return lock === 'none' ? 'read' : lock;
  }
  return 'exclusive';
}

function kvError(code: KvError['code'], message: string, index: number): BatchError {
  return { kind: 'kv', code, message, index };
}
