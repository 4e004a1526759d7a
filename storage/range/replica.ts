// One replica of one range: the request path latch → evaluate (pure commands into a write
// batch) → lock-table check → write (synced through the store's group commit when the batch
// commits a transaction) → apply side effects (timestamp cache, locks, txn records) →
// release latches → reply. Conflicts release the latches, wait in the lock table (FIFO,
// deadlock-checked) and start over. Called by the store; later, Raft sits between
// "evaluate" and "write" (proposer-evaluated KV), and nothing here needs to move.

import { KvError } from '../api/index.js';
import type { BatchError, BatchRequest, BatchResponse, Request, Response, Span } from '../api/batch.js';
import type { RangeDescriptor } from '../api/range.js';
import { rangeContainsKey } from '../api/range.js';
import type { SeqRange, TxnMeta } from '../api/txn-meta.js';
import { assert } from '../base/assert.js';
import type { Engine } from '../engine/engine.js';
import { IndexedBatch } from '../engine/indexed.js';
import { tsLess, tsNext } from '../hlc/timestamp.js';
import type { Intent } from '../mvcc/index.js';
import { ConditionFailedError, decodeRecord, decodeTxnRecord, mvccResolveIntent, txnRecordKey, WriteIntentError, WriteTooOldError } from '../mvcc/index.js';
import type { CommittedTxnRecord, ResolveOpts } from '../mvcc/index.js';
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
    get(id: string): { status: 'pending' | 'committed' | 'aborted'; commitTs: Timestamp | null; epoch: number; ignoredSeqs: readonly SeqRange[] } | undefined;
    finish(id: string, status: 'committed' | 'aborted', commitTs: Timestamp | null, epoch: number, ignoredSeqs: readonly SeqRange[]): void;
  };
  /** Runs work outside the request's latches (intent resolution); the store awaits it on close. */
  background(task: (stopping: () => boolean) => Promise<void>): Promise<void>;
  /** Lets other work run between chunks of background work. */
  yieldTurn(): Promise<void>;
}

/**
 * Intents resolved per chunk of asynchronous resolution (one latch set, one write each).
 * Small enough that a chunk (~3 ms) barely delays foreground requests between yields.
 */
const RESOLVE_CHUNK_KEYS = 128;

/** Re-evaluations of one request (after waits or server-side refreshes) before giving up. */
const REQUEST_ATTEMPTS_MAX = 10_000;
/** Server-side timestamp bumps for batches that may move their read timestamp. */
const SERVER_REFRESH_MAX = 5;

type Outcome =
  | { kind: 'ok'; batch: IndexedBatch; effects: EvalEffects; responses: Response[]; txn: TxnMeta }
  | { kind: 'intent'; key: Buffer; intent: Intent; want: WantStrength; all: ReadonlyArray<{ readonly key: Buffer; readonly intent: Intent }> }
  | { kind: 'lock'; key: Buffer; want: WantStrength }
  | { kind: 'error'; error: BatchError };

export class Replica {
  readonly latches = new LatchManager();
  readonly lockTable = new LockTable();
  readonly tsCache: TimestampCache;
  /** Transactions whose intents are being resolved after their commit batch. */
  private readonly resolving = new Map<string, Promise<void>>();

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
        if (out.kind === 'ok') {
          const resp = await this.apply(ba, out, txnHex);
          this.latches.release(guard);
          released = true;
          // A large transaction's intents are resolved (in chunks, yielding) before its
          // commit is acknowledged, so the work does not trail into later requests.
          const pending = this.resolving.get(txnHex);
          if (pending) await pending;
          return resp;
        }
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
    if (e instanceof WriteIntentError) return { kind: 'intent', key: e.key, intent: e.intent, want: wantOf(req), all: e.intents };
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
      const commit = effects.endTxn.commit;
      this.host.txns.finish(txnHex, commit ? 'committed' : 'aborted', commit ? txn.writeTs : null, txn.epoch, txn.ignoredSeqs);
      this.lockTable.releaseTxn(txnHex);
      const spans = effects.asyncResolve;
      if (spans) {
        const opts: ResolveOpts = { txnId: txn.id, status: commit ? 'committed' : 'aborted', commitTs: txn.writeTs, epoch: txn.epoch, ignoredSeqs: txn.ignoredSeqs };
        const task = this.host.background((stopping) => this.resolveAsync(spans, opts, stopping));
        this.resolving.set(
          txnHex,
          task.finally(() => this.resolving.delete(txnHex)).catch(() => undefined), // the store logs failures
        );
      }
    }
    assert(ba.requests.length === out.responses.length, 'replica: one response per request');
    return { ok: true, responses: out.responses, writeTs: txn.writeTs, readTs: txn.readTs };
  }

  /** Waits out a conflict (or cleans up an abandoned intent). Returns an error to reply with, or null to retry. */
  private async handleConflict(ba: BatchRequest, out: Extract<Outcome, { kind: 'intent' | 'lock' }>, txnHex: string): Promise<BatchError | null> {
    const policy = ba.header.waitPolicy ?? 'block';
    if (out.kind === 'intent') {
      if (await this.resolveOrphans(out.all)) return null;
      const holder = out.intent.txnId.toString('hex');
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

  /**
   * Resolves the intents among `found` whose transactions are no longer pending: finished
   * without resolving them yet (large commits resolve asynchronously) or died with a
   * previous process. The outcome comes from the in-memory record, else the persisted txn
   * record (COMMITTED), else aborted. Returns true if anything was resolved (retry then).
   */
  private async resolveOrphans(found: ReadonlyArray<{ readonly key: Buffer; readonly intent: Intent }>): Promise<boolean> {
    const byTxn = new Map<string, { opts: ResolveOpts; keys: Buffer[] } | null>();
    for (const { key, intent } of found) {
      const holder = intent.txnId.toString('hex');
      let entry = byTxn.get(holder);
      if (entry === undefined) {
        entry = this.orphanResolution(holder, intent);
        byTxn.set(holder, entry);
      }
      entry?.keys.push(key);
    }
    let resolved = false;
    for (const entry of byTxn.values()) {
      if (!entry) continue;
      // Unsynced even for commits: a committed transaction's leftover intents exist only
      // while its persisted txn record does, and the record's (synced) deletion comes after
      // every resolution in the write-ahead log.
      await this.resolveKeys(entry.keys, entry.opts);
      resolved = true;
    }
    return resolved;
  }

  /** How to resolve an intent of `holder`, or null when the holder is still pending. */
  private orphanResolution(holder: string, intent: Intent): { opts: ResolveOpts; keys: Buffer[] } | null {
    const rec = this.host.txns.get(holder);
    if (rec?.status === 'pending') return null;
    let committed: CommittedTxnRecord | null = null;
    if (rec?.status === 'committed' && rec.commitTs) committed = { commitTs: rec.commitTs, epoch: rec.epoch, ignoredSeqs: rec.ignoredSeqs };
    else if (!rec) {
      const raw = this.host.engine.get(txnRecordKey(intent.txnId));
      if (raw !== undefined) committed = decodeTxnRecord(raw);
    }
    const opts: ResolveOpts = committed
      ? { txnId: intent.txnId, status: 'committed', commitTs: committed.commitTs, epoch: committed.epoch, ignoredSeqs: committed.ignoredSeqs }
      : { txnId: intent.txnId, status: 'aborted', commitTs: intent.writeTs, epoch: intent.epoch, ignoredSeqs: [] };
    return { opts, keys: [] };
  }

  /** Resolves `keys` under write latches (an unsynced write: see resolveOrphans). */
  private async resolveKeys(keys: readonly Buffer[], opts: ResolveOpts): Promise<void> {
    const guard = this.latches.acquire({ reads: [], writes: keys.map((key) => ({ key, endKey: null })) });
    if (!this.latches.isReady(guard)) await this.latches.ready(guard);
    try {
      const batch = new IndexedBatch(this.host.engine);
      for (const key of keys) mvccResolveIntent(batch, key, opts);
      if (batch.count > 0) this.host.writeUnsynced(batch);
      const holder = opts.txnId.toString('hex');
      for (const key of keys) this.lockTable.releaseKey(key, holder);
    } finally {
      this.latches.release(guard);
    }
  }

  /**
   * Asynchronous resolution of a finished transaction's intents, chunk by chunk, yielding
   * between chunks. A commit's txn record is deleted (synced, after all resolutions) at the
   * end; if the store stops first, the record stays and later readers resolve from it.
   */
  private async resolveAsync(spans: readonly Span[], opts: ResolveOpts, stopping: () => boolean): Promise<void> {
    let chunk: Buffer[] = [];
    const flush = async (): Promise<void> => {
      if (chunk.length > 0) await this.resolveKeys(chunk, opts);
      chunk = [];
      await this.host.yieldTurn();
    };
    for (const span of spans) {
      if (span.endKey === null) {
        chunk.push(span.key);
        if (chunk.length >= RESOLVE_CHUNK_KEYS) await flush();
        if (stopping()) return;
        continue;
      }
      let from: Buffer = span.key;
      for (;;) {
        const { keys, resume } = this.intentKeys(from, span.endKey, opts.txnId, RESOLVE_CHUNK_KEYS - chunk.length);
        chunk.push(...keys);
        if (chunk.length >= RESOLVE_CHUNK_KEYS) await flush();
        if (stopping()) return;
        if (resume === null) break;
        from = resume;
      }
    }
    await flush();
    if (stopping() || opts.status !== 'committed') return;
    const batch = new IndexedBatch(this.host.engine);
    batch.delete(txnRecordKey(opts.txnId));
    await this.host.writeSynced(batch); // also makes every resolution above durable
  }

  /** Up to `max` keys in [from, end) holding an intent of txnId, and where to resume. */
  private intentKeys(from: Buffer, end: Buffer, txnId: Buffer, max: number): { keys: Buffer[]; resume: Buffer | null } {
    const keys: Buffer[] = [];
    const it = this.host.engine.iterator({ lower: from, upper: end, prefetch: 256 });
    try {
      for (; it.valid(); it.next()) {
        if (keys.length >= max) return { keys, resume: it.key() };
        const intent = decodeRecord(it.value()).intent;
        if (intent && intent.txnId.equals(txnId)) keys.push(it.key());
      }
      return { keys, resume: null };
    } finally {
      it.close();
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
