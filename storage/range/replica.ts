// One replica of one range: the request path latch → check keys → evaluate (pure commands
// into a write batch plus effects) → lock-table check → apply: write (synced through the
// store's group commit when the batch commits or splits), then in-memory side effects
// (stats, split trigger, timestamp cache, locks, txn records) → release latches → reply.
// Conflicts release the latches, wait in the lock table (FIFO, deadlock-checked store-wide)
// and start over. Called by the store. Raft slots in between evaluate and apply
// (proposer-evaluated KV): the batch and EvalEffects are the command; apply() is what
// every replica runs, and nothing in evaluate needs to move.

import { KvError } from '../api/index.js';
import type { BatchError, BatchRequest, BatchResponse, Request, Response, Span } from '../api/batch.js';
import type { RangeDescriptor, RangeStats } from '../api/range.js';
import { rangeContainsKey } from '../api/range.js';
import type { SeqRange, TxnMeta } from '../api/txn-meta.js';
import { assert } from '../base/assert.js';
import type { Engine } from '../engine/engine.js';
import { IndexedBatch } from '../engine/indexed.js';
import { tsLess, tsNext } from '../hlc/timestamp.js';
import { rangeStatsKey } from '../keys/range-keys.js';
import { META_PREFIX } from '../keys/system.js';
import type { Intent, MvccStatsDelta } from '../mvcc/index.js';
import { ConditionFailedError, decodeRecord, mvccAddStats, mvccResolveIntent, WriteIntentError, WriteTooOldError } from '../mvcc/index.js';
import type { ResolveOpts } from '../mvcc/index.js';
import type { LatchSpans } from './concurrency/latch.js';
import { LatchManager } from './concurrency/latch.js';
import type { WantStrength } from './concurrency/lock-table.js';
import { LockTable } from './concurrency/lock-table.js';
import { TimestampCache } from './concurrency/tscache.js';
import type { WaitsForGraph } from './concurrency/waits-for.js';
import type { EvalContext, EvalEffects, SplitTrigger } from './eval/command.js';
import { newEffects } from './eval/command.js';
import { RefreshFailedError } from './eval/refresh.js';
import { commandFor, isWrite } from './eval/registry.js';
import { addStats, encodeStats, isZeroDelta, subStats } from './stats.js';
import type { TxnStatusSource } from './txn-status.js';
import type { Timestamp } from '../api/index.js';

/** What the replica needs from its store. */
export interface ReplicaHost {
  readonly engine: Engine;
  readonly nodeId: number;
  /** Writes and syncs a batch, grouped with other replicas' (group commit). */
  writeSynced(batch: IndexedBatch): Promise<void>;
  /** Writes a batch without waiting for durability (intents, aborts: nothing acknowledged as durable). */
  writeUnsynced(batch: IndexedBatch): void;
  readonly txns: {
    /** A transaction wrote or locked on range `rangeId`: it is live, and its locks there are released when it finishes. */
    touch(id: string, priority: number, rangeId: number): void;
    get(id: string): { status: 'pending' | 'committed' | 'aborted'; commitTs: Timestamp | null; epoch: number; ignoredSeqs: readonly SeqRange[] } | undefined;
  };
  /** Records the outcome and releases the transaction's locks on every range of the store. */
  txnFinished(id: string, status: 'committed' | 'aborted', commitTs: Timestamp | null, epoch: number, ignoredSeqs: readonly SeqRange[]): void;
  /** Outcome of transactions the registry does not know (their records, by anchor key). */
  readonly txnStatus: TxnStatusSource;
  /** The store's waits-for graph (shared by every lock table). */
  readonly waitsFor: WaitsForGraph;
  /** Resolves intents through the replicas that currently hold `keys` (async resolution survives splits). */
  resolveKeys(keys: readonly Buffer[], opts: ResolveOpts): Promise<void>;
  /** Deletes a txn record (synced) on the range holding its anchor. */
  deleteTxnRecord(anchorKey: Buffer, txnId: Buffer): Promise<void>;
  /** Applies a split's in-memory part: the new replica, moved locks. Called once the batch is durable. */
  splitApplied(lhs: Replica, trigger: SplitTrigger, movedLocks: ReturnType<LockTable['extractSpan']>): void;
  /** The descriptor of the local replica holding `key`, if any (rangeKeyMismatch replies). */
  descriptorFor(key: Buffer): RangeDescriptor | undefined;
  /** The range's stats grew (the split queue may want it). */
  statsGrew(replica: Replica): void;
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

/** Records counted per chunk of a split's stats (then the replica yields). */
const STATS_CHUNK_RECORDS = 4096;

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
  readonly lockTable: LockTable;
  readonly tsCache: TimestampCache;
  /** Transactions whose intents are being resolved after their commit batch. */
  private readonly resolving = new Map<string, Promise<void>>();
  private statsValue: RangeStats;
  private readonly statsKey: Buffer;

  constructor(
    public desc: RangeDescriptor,
    private readonly host: ReplicaHost,
    lowWater: Timestamp,
    stats: RangeStats,
  ) {
    this.tsCache = new TimestampCache(lowWater);
    this.lockTable = new LockTable(host.waitsFor);
    this.statsValue = stats;
    this.statsKey = rangeStatsKey(desc.rangeId);
  }

  get stats(): RangeStats {
    return this.statsValue;
  }

  get rangeId(): number {
    return this.desc.rangeId;
  }

  async send(ba: BatchRequest): Promise<BatchResponse> {
    const txnHex = ba.header.txn.id.toString('hex');
    const spans = declareLatches(ba);
    for (let attempt = 0; attempt < REQUEST_ATTEMPTS_MAX; attempt++) {
      const guard = this.latches.acquire(spans);
      if (!this.latches.isReady(guard)) await this.latches.ready(guard);
      let released = false;
      try {
        // Checked under latches: a split applied while this request waited moves keys away.
        const mismatch = this.checkKeys(ba);
        if (mismatch) return { ok: false, error: mismatch };
        const counting = this.prepareSplitStats(ba);
        const out = this.evaluate(ba, txnHex, counting === null ? null : await counting);
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
    const d = this.desc;
    if (ba.header.rangeId !== d.rangeId) return this.mismatch(null);
    for (const r of ba.requests) {
      let key: Buffer;
      let endKey: Buffer | null = null;
      if (r.kind === 'endTxn') {
        if (ba.header.txn.anchorKey === null) continue;
        key = ba.header.txn.anchorKey;
      } else if (r.kind === 'rangeLookup') {
        if (!d.startKey.equals(META_PREFIX)) return this.mismatch(null);
        continue;
      } else {
        key = r.key;
        if (r.kind === 'scan' || r.kind === 'deleteRange' || r.kind === 'refresh' || r.kind === 'resolveIntent') endKey = r.endKey;
      }
      if (!rangeContainsKey(d, key)) return this.mismatch(key);
      // A span running past this range: the reply names the range that follows.
      if (endKey !== null && Buffer.compare(endKey, d.endKey) > 0) return this.mismatch(d.endKey);
    }
    return null;
  }

  /** rangeKeyMismatch with this replica's descriptor and the local one holding `key` (after a split: the neighbour). */
  private mismatch(key: Buffer | null): BatchError {
    const ranges: RangeDescriptor[] = [this.desc];
    const other = key === null ? undefined : this.host.descriptorFor(key);
    if (other && other.rangeId !== this.desc.rangeId) ranges.push(other);
    return { kind: 'rangeKeyMismatch', rangeId: this.desc.rangeId, ranges };
  }

  /**
   * An adminSplit's right-hand side stats, counted under its latch (nothing there changes)
   * in chunks that yield to other work; null for every other batch (no await: the common
   * path must evaluate in the turn its latches were granted).
   */
  private prepareSplitStats(ba: BatchRequest): Promise<RangeStats> | null {
    const r = ba.requests.length === 1 ? ba.requests[0]! : null;
    if (r === null || r.kind !== 'adminSplit' || r.key.equals(this.desc.startKey)) return null;
    return this.countStats(r.key, this.desc.endKey);
  }

  private async countStats(start: Buffer, end: Buffer): Promise<RangeStats> {
    const acc = { liveCount: 0, liveBytes: 0 };
    for (let from: Buffer | null = start; from !== null; ) {
      from = mvccAddStats(this.host.engine, from, end, STATS_CHUNK_RECORDS, acc);
      if (from !== null) await this.host.yieldTurn();
    }
    return acc;
  }

  /** Evaluates the whole batch synchronously against the engine. */
  private evaluate(ba: BatchRequest, txnHex: string, splitStats: RangeStats | null): Outcome {
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
        desc: this.desc,
        stats: this.statsValue,
        nodeId: this.host.nodeId,
        splitStats,
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
      if (!isWrite(req)) continue;
      const r = req as Extract<Request, { kind: 'put' | 'conditionalPut' | 'delete' | 'deleteRange' }>;
      const span = { key: r.key, endKey: r.kind === 'deleteRange' ? r.endKey : null };
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

  /**
   * Applies an evaluated batch in two halves. The replicated half (applyStats, applyCommand,
   * finishSplit) is what every replica will run when Raft commits the command: the batch
   * with the stats total, the split trigger. The leaseholder half (applyLocal) is in-memory
   * state only the evaluating replica keeps: timestamp cache, locks, the txn registry.
   */
  private async apply(ba: BatchRequest, out: Extract<Outcome, { kind: 'ok' }>, txnHex: string): Promise<BatchResponse> {
    const { effects, txn } = out;
    if (effects.writes.length > 0 || effects.locks.length > 0) this.host.txns.touch(txnHex, txn.priority, this.desc.rangeId);
    const grew = this.applyStats(out.batch, effects.stats);
    // Awaited only when durable: a read's locks must be taken in the same turn its
    // evaluation found them free (an extra microtask would let another request in).
    const durable = this.applyCommand(out.batch, effects);
    if (durable) await durable;
    if (effects.split) this.finishSplit(effects.split);
    this.applyLocal(effects, txn, txnHex);
    if (grew) this.host.statsGrew(this);
    assert(ba.requests.length === out.responses.length, 'replica: one response per request');
    return { ok: true, responses: out.responses, writeTs: txn.writeTs, readTs: txn.readTs };
  }

  /**
   * The replicated half (after applyStats): the split's stats into the batch and the write.
   * Returns the durable write to wait for, or null when the write was unsynced (or empty);
   * the caller then finishes the split trigger in memory.
   */
  private applyCommand(batch: IndexedBatch, effects: EvalEffects): Promise<void> | null {
    if (effects.split) this.prepareSplit(batch, effects.split);
    if (effects.sync) return this.host.writeSynced(batch);
    if (batch.count > 0) this.host.writeUnsynced(batch);
    return null;
  }

  /** The leaseholder half: reads served, locks taken or released, the transaction's end. */
  private applyLocal(effects: EvalEffects, txn: TxnMeta, txnHex: string): void {
    for (const r of effects.reads) this.tsCache.add(r.span, r.ts, txnHex);
    for (const l of effects.locks) this.lockTable.acquire(l.key, txnHex, l.strength);
    for (const id of effects.released) this.lockTable.releaseTxn(id.toString('hex'));
    if (effects.endTxn) this.applyEndTxn(effects, txn, txnHex);
  }

  /**
   * Adds the delta to the range's stats and writes the new total in the same batch. Before
   * Raft, synced and unsynced batches of one range can reach the engine out of apply order,
   * so the persisted total may lag by a few deltas after a crash (approximate; splits
   * recompute); under Raft apply is serial and the total exact.
   */
  private applyStats(batch: IndexedBatch, delta: MvccStatsDelta): boolean {
    if (isZeroDelta(delta)) return false;
    this.statsValue = addStats(this.statsValue, delta);
    batch.put(this.statsKey, encodeStats(this.statsValue));
    return delta.liveBytes > 0;
  }

  /** The left side keeps what the right side does not have (CockroachDB's way: total − right). */
  private prepareSplit(batch: IndexedBatch, t: SplitTrigger): void {
    assert(t.lhs.rangeId === this.desc.rangeId && t.lhs.generation === this.desc.generation + 1, 'replica: split trigger for another descriptor');
    this.statsValue = subStats(this.statsValue, t.rhsStats);
    batch.put(this.statsKey, encodeStats(this.statsValue));
  }

  private finishSplit(t: SplitTrigger): void {
    this.desc = t.lhs;
    // Every request touching the right-hand side drained (the split's latch): its locks
    // move over, and waiters on them re-evaluate, see a rangeKeyMismatch and are re-routed.
    const moved = this.lockTable.extractSpan(t.rhs.startKey, t.rhs.endKey);
    this.host.splitApplied(this, t, moved);
  }

  private applyEndTxn(effects: EvalEffects, txn: TxnMeta, txnHex: string): void {
    const commit = effects.endTxn!.commit;
    // Releases its locks on every range of the store where it held some, and here.
    this.host.txnFinished(txnHex, commit ? 'committed' : 'aborted', commit ? txn.writeTs : null, txn.epoch, txn.ignoredSeqs);
    this.lockTable.releaseTxn(txnHex);
    const spans = effects.asyncResolve;
    if (!spans) return;
    const opts: ResolveOpts = { txnId: txn.id, status: commit ? 'committed' : 'aborted', commitTs: txn.writeTs, epoch: txn.epoch, ignoredSeqs: txn.ignoredSeqs };
    const anchor = commit && effects.deleteRecordAfterResolve ? txn.anchorKey : null;
    const task = this.host.background((stopping) => this.resolveAsync(spans, opts, anchor, stopping));
    this.resolving.set(
      txnHex,
      task.finally(() => this.resolving.delete(txnHex)).catch(() => undefined), // the store logs failures
    );
  }

  /** Waits out a conflict (or cleans up an abandoned intent). Returns an error to reply with, or null to retry. */
  private async handleConflict(ba: BatchRequest, out: Extract<Outcome, { kind: 'intent' | 'lock' }>, txnHex: string): Promise<BatchError | null> {
    const policy = ba.header.waitPolicy ?? 'block';
    if (out.kind === 'intent') {
      if (await this.resolveOrphans(out.all)) return null;
      const holder = out.intent.txnId.toString('hex');
      // Re-checked after the awaits above: a holder that finished meanwhile is resolved next round.
      const rec = this.host.txns.get(holder);
      if (rec?.status !== 'pending') return null;
      this.host.txns.touch(holder, 1, this.desc.rangeId);
      this.lockTable.acquire(out.key, holder, 'intent');
    }
    if (policy === 'error') return kvError('LockNotAvailable', `could not obtain lock on row (key ${out.key.toString('hex')})`, -1);
    try {
      await this.lockTable.wait(out.key, txnHex, out.want, ba.header.txn.priority);
    } catch (e) {
      if (e instanceof KvError) return kvError(e.code, e.message, -1);
      throw e;
    }
    // Woken, it may hold a claim here: register the range so its end releases it.
    if (out.want !== 'read') this.host.txns.touch(txnHex, ba.header.txn.priority, this.desc.rangeId);
    return null;
  }

  /**
   * Resolves the intents among `found` whose transactions are no longer pending: finished
   * without resolving them yet (large or multi-range commits resolve afterwards) or died
   * with a previous process. The outcome comes from the store's registry, else from the
   * transaction's record at the intent's anchor key (TxnStatusSource). Returns true if
   * anything was resolved (retry then).
   */
  private async resolveOrphans(found: ReadonlyArray<{ readonly key: Buffer; readonly intent: Intent }>): Promise<boolean> {
    const byTxn = new Map<string, { intent: Intent; keys: Buffer[] }>();
    for (const { key, intent } of found) {
      const holder = intent.txnId.toString('hex');
      let entry = byTxn.get(holder);
      if (!entry) byTxn.set(holder, (entry = { intent, keys: [] }));
      entry.keys.push(key);
    }
    let resolved = false;
    for (const [holder, entry] of byTxn) {
      const opts = await this.orphanResolution(holder, entry.intent);
      if (!opts) continue;
      // Unsynced even for commits: a committed transaction's leftover intents exist only
      // while its persisted txn record does, and the record's deletion comes after every
      // resolution in the write-ahead log.
      await this.resolveKeys(entry.keys, opts);
      resolved = true;
    }
    return resolved;
  }

  /** How to resolve an intent of `holder`, or null when the holder is still pending. */
  private async orphanResolution(holder: string, intent: Intent): Promise<ResolveOpts | null> {
    const rec = this.host.txns.get(holder);
    if (rec?.status === 'pending') return null;
    if (rec?.status === 'committed' && rec.commitTs) {
      return { txnId: intent.txnId, status: 'committed', commitTs: rec.commitTs, epoch: rec.epoch, ignoredSeqs: rec.ignoredSeqs };
    }
    if (rec) return { txnId: intent.txnId, status: 'aborted', commitTs: intent.writeTs, epoch: intent.epoch, ignoredSeqs: [] };
    const out = await this.host.txnStatus.query(intent);
    if (out.status === 'pending') return null;
    return { txnId: intent.txnId, status: out.status, commitTs: out.commitTs, epoch: out.epoch, ignoredSeqs: out.ignoredSeqs };
  }

  /** Resolves `keys` under write latches; an unsynced write (see resolveOrphans). */
  async resolveKeys(keys: readonly Buffer[], opts: ResolveOpts): Promise<void> {
    const guard = this.latches.acquire({ reads: [], writes: keys.map((key) => ({ key, endKey: null })) });
    if (!this.latches.isReady(guard)) await this.latches.ready(guard);
    // A split applied while this waited: the right-hand side's replica resolves those keys.
    let elsewhere: Buffer[] | null = null;
    try {
      const batch = new IndexedBatch(this.host.engine);
      const delta = { liveCount: 0, liveBytes: 0 };
      const holder = opts.txnId.toString('hex');
      for (const key of keys) {
        if (!rangeContainsKey(this.desc, key)) {
          (elsewhere ??= []).push(key);
          continue;
        }
        mvccResolveIntent(batch, key, opts, delta);
        this.lockTable.releaseKey(key, holder);
      }
      this.applyStats(batch, delta);
      if (batch.count > 0) this.host.writeUnsynced(batch);
    } finally {
      this.latches.release(guard);
    }
    if (elsewhere) await this.host.resolveKeys(elsewhere, opts);
  }

  /**
   * Asynchronous resolution of a finished transaction's intents, chunk by chunk, yielding
   * between chunks. With `anchor` (a commit whose intents all lie here) the txn record is
   * deleted (synced, after all resolutions) at the end; if the store stops first, the
   * record stays and later readers resolve from it.
   */
  private async resolveAsync(spans: readonly Span[], opts: ResolveOpts, anchor: Buffer | null, stopping: () => boolean): Promise<void> {
    let chunk: Buffer[] = [];
    const flush = async (): Promise<void> => {
      if (chunk.length > 0) await this.host.resolveKeys(chunk, opts);
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
    if (stopping() || anchor === null) return;
    await this.host.deleteTxnRecord(anchor, opts.txnId); // also makes every resolution above durable
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
