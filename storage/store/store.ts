// A node's store: its engine, its replicas (many ranges) routed by range id and by key, the
// group-commit scheduler, the in-memory transaction registry, the store-wide waits-for graph
// and the size-based split queue. Bootstraps the first ranges on an empty engine and loads
// every replica's descriptor (a replicated range-id-local key) at startup. Created by
// openKvDb (and src/server/node.ts); kvclient reaches it only through a Transport.

import type { Logger } from 'pino';
import type { Timestamp } from '../api/index.js';
import type { BatchRequest, BatchResponse } from '../api/batch.js';
import type { RangeDescriptor, RangeStats } from '../api/range.js';
import { decodeRangeDescriptor, encodeRangeDescriptor } from '../api/range.js';
import type { SeqRange } from '../api/txn-meta.js';
import type { NodeTransport } from '../api/transport.js';
import { assert } from '../base/assert.js';
import type { Engine } from '../engine/engine.js';
import { IndexedBatch } from '../engine/indexed.js';
import { KEY_MAX, LOCAL_RANGE_PREFIX, META_PREFIX, SYSTEM_PREFIX, TABLES_START } from '../keys/system.js';
import { metaKey, RANGE_ID_GEN_KEY, rangeDescriptorKey, rangeIdOfKey, rangeIdPrefix, rangeStatsKey } from '../keys/range-keys.js';
import { prefixEnd } from '../keys/keys.js';
import { encodeRecord, mvccComputeStats, txnRecordKey } from '../mvcc/index.js';
import type { ResolveOpts } from '../mvcc/index.js';
import { WaitsForGraph } from '../range/concurrency/waits-for.js';
import type { LockTable } from '../range/concurrency/lock-table.js';
import type { SplitTrigger } from '../range/eval/command.js';
import type { ReplicaHost } from '../range/replica.js';
import { Replica } from '../range/replica.js';
import { decodeStats, encodeStats } from '../range/stats.js';
import type { TxnStatusSource } from '../range/txn-status.js';
import { LocalTxnStatusSource } from '../range/txn-status.js';
import type { Defer } from './scheduler.js';
import { WriteScheduler } from './scheduler.js';
import { SplitQueue } from './split-queue.js';
import type { SplitRequester } from './split-queue.js';
import { TXN_RANGES_MAX, TxnRegistry } from './txn-registry.js';

export type { SplitRequester } from './split-queue.js';

export interface StoreOptions {
  readonly nodeId: number;
  readonly storeId: number;
  /** The timestamp cache starts here: no write may land below reads served before a restart. */
  readonly startTs: Timestamp;
  readonly logger?: Logger;
  readonly defer?: Defer;
  /** Bootstrap the first ranges on an empty engine (default true; false for a node joining a cluster). */
  readonly bootstrap?: boolean;
  /** A range whose live bytes exceed this is split in the middle (default 512 MiB). */
  readonly rangeSizeMaxBytes?: number;
  /** How the split queue splits (a kv client's adminSplit); without it, no size-based splits. */
  readonly splitRequester?: SplitRequester;
  /** Outcome of transactions this store does not know (default: records in the local engine). */
  readonly txnStatus?: TxnStatusSource;
  /** How this store reaches other nodes' stores (Raft batches, snapshots); unused until ranges replicate. */
  readonly transport?: NodeTransport;
}

export const RANGE_SIZE_MAX_BYTES_DEFAULT = 512 * 1024 * 1024;

/** User-addressable keys start at META: LOCAL (0x01) holds replica-internal data. */
export const USER_KEY_MIN = META_PREFIX;

/** Meta records and counters written at bootstrap are visible at every later timestamp. */
const BOOTSTRAP_TS: Timestamp = { wallNanos: 1n, logical: 0 };
/** The range ids bootstrap uses: meta, system, tables. */
export const BOOTSTRAP_RANGE_IDS_MAX = 3;

export class Store {
  readonly txns = new TxnRegistry();
  readonly waitsFor = new WaitsForGraph();
  private readonly replicas = new Map<number, Replica>();
  /** Replicas ordered by start key (ranges of a store never overlap). */
  private ordered: Replica[] = [];
  private readonly scheduler: WriteScheduler;
  private closed = false;
  private readonly tasks = new Set<Promise<void>>();
  private readonly defer: Defer;
  private readonly host: ReplicaHost;
  readonly splitQueue: SplitQueue;

  private constructor(
    readonly engine: Engine,
    readonly opts: StoreOptions,
  ) {
    this.defer = opts.defer ?? setImmediate;
    this.scheduler = new WriteScheduler(engine, this.defer);
    this.host = this.makeHost();
    this.splitQueue = new SplitQueue({
      engine,
      maxBytes: opts.rangeSizeMaxBytes ?? RANGE_SIZE_MAX_BYTES_DEFAULT,
      requester: opts.splitRequester ?? null,
      run: (task) => this.host.background(task),
      yieldTurn: () => this.host.yieldTurn(),
      replica: (rangeId) => this.replicas.get(rangeId),
      ...(opts.logger ? { logger: opts.logger } : {}),
    });
  }

  /** Opens the store on `engine`: loads every replica, bootstrapping the first ranges on an empty engine. */
  static open(engine: Engine, opts: StoreOptions): Store {
    const store = new Store(engine, opts);
    let descs = loadDescriptors(engine);
    if (descs.length === 0 && opts.bootstrap !== false) {
      bootstrap(engine, opts);
      descs = loadDescriptors(engine);
      opts.logger?.info({ ranges: descs.length }, 'bootstrapped the first ranges');
    }
    for (const desc of descs) store.addReplica(desc, opts.startTs, decodeStats(engine.get(rangeStatsKey(desc.rangeId))));
    return store;
  }

  send(ba: BatchRequest): Promise<BatchResponse> {
    if (this.closed) return Promise.resolve({ ok: false, error: { kind: 'kv', code: 'Unavailable', message: 'store is closed', index: -1 } });
    const replica = this.replicas.get(ba.header.rangeId);
    if (!replica) return Promise.resolve({ ok: false, error: { kind: 'rangeNotFound', rangeId: ba.header.rangeId } });
    return replica.send(ba);
  }

  descriptors(): RangeDescriptor[] {
    return this.ordered.map((r) => r.desc);
  }

  replica(rangeId: number): Replica | undefined {
    return this.replicas.get(rangeId);
  }

  /** The local replica whose range holds `key`. */
  replicaForKey(key: Buffer): Replica | undefined {
    const a = this.ordered;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (Buffer.compare(a[mid]!.desc.endKey, key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    const r = a[lo];
    return r && Buffer.compare(r.desc.startKey, key) <= 0 ? r : undefined;
  }

  get rangeCount(): number {
    return this.replicas.size;
  }

  /** Synced engine writes so far (each is one group commit). */
  get syncCount(): number {
    return this.scheduler.syncCount;
  }

  /** Unsynced engine writes so far (intents, aborts). */
  unsyncedCount = 0;

  /** Stops accepting requests and background work, lets writes in flight finish, closes the engine. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.tasks]);
    await this.scheduler.drain();
    // Stats reach the engine with every batch; a clean stop writes them all once more.
    const batch = this.engine.newBatch();
    for (const r of this.ordered) batch.put(rangeStatsKey(r.rangeId), encodeStats(r.stats));
    this.engine.write(batch, { sync: true });
    await this.engine.close();
  }

  /** Background work in progress (async intent resolution, splits). */
  get backgroundTasks(): number {
    return this.tasks.size;
  }

  private addReplica(desc: RangeDescriptor, lowWater: Timestamp, stats: RangeStats): Replica {
    assert(!this.replicas.has(desc.rangeId), 'store: duplicate range id');
    const r = new Replica(desc, this.host, lowWater, stats);
    this.replicas.set(desc.rangeId, r);
    const a = this.ordered;
    // Startup adds in key order (append); a split inserts right after its left side.
    let i = a.length;
    while (i > 0 && Buffer.compare(a[i - 1]!.desc.startKey, desc.startKey) > 0) i--;
    a.splice(i, 0, r);
    assert(i === 0 || Buffer.compare(a[i - 1]!.desc.endKey, desc.startKey) <= 0, 'store: overlapping ranges');
    return r;
  }

  /** The in-memory half of a split (the batch with both descriptors is already durable). */
  private applySplit(lhs: Replica, t: SplitTrigger, moved: ReturnType<LockTable['extractSpan']>): void {
    assert(lhs.desc === t.lhs, 'store: split applied before the left side shrank');
    // No write below a read already served: the new range's cache starts at the old one's top.
    const rhs = this.addReplica(t.rhs, lhs.tsCache.highWater(), t.rhsStats);
    for (const m of moved) {
      rhs.lockTable.acquire(m.key, m.txn, m.strength);
      this.txns.touch(m.txn, 1, t.rhs.rangeId);
    }
    this.opts.logger?.info({ rangeId: t.lhs.rangeId, newRangeId: t.rhs.rangeId, splitKey: t.rhs.startKey.toString('hex') }, 'range split');
    this.splitQueue.maybeEnqueue(lhs);
    this.splitQueue.maybeEnqueue(rhs);
  }

  private txnFinished(id: string, status: 'committed' | 'aborted', commitTs: Timestamp | null, epoch: number, ignoredSeqs: readonly SeqRange[]): void {
    const ranges = this.txns.finish(id, status, commitTs, epoch, ignoredSeqs);
    if (ranges.length > TXN_RANGES_MAX) {
      for (const r of this.ordered) r.lockTable.releaseTxn(id);
      return;
    }
    for (const rangeId of ranges) this.replicas.get(rangeId)?.lockTable.releaseTxn(id);
  }

  private async resolveKeys(keys: readonly Buffer[], opts: ResolveOpts): Promise<void> {
    const groups = new Map<Replica, Buffer[]>();
    for (const key of keys) {
      const r = this.replicaForKey(key);
      if (!r) continue; // not on this store (another node's range resolves it later)
      let g = groups.get(r);
      if (!g) groups.set(r, (g = []));
      g.push(key);
    }
    for (const [r, g] of groups) await r.resolveKeys(g, opts);
  }

  private makeHost(): ReplicaHost {
    return {
      engine: this.engine,
      nodeId: this.opts.nodeId,
      txns: this.txns,
      waitsFor: this.waitsFor,
      txnStatus: this.opts.txnStatus ?? new LocalTxnStatusSource(this.engine),
      writeSynced: (batch: IndexedBatch) => this.scheduler.writeSynced(batch),
      writeUnsynced: (batch: IndexedBatch) => {
        this.unsyncedCount++;
        this.engine.write(batch, { sync: false });
      },
      txnFinished: (id, status, commitTs, epoch, ignoredSeqs) => this.txnFinished(id, status, commitTs, epoch, ignoredSeqs),
      resolveKeys: (keys, opts) => this.resolveKeys(keys, opts),
      deleteTxnRecord: (anchorKey, txnId) => {
        const batch = new IndexedBatch(this.engine);
        batch.delete(txnRecordKey(anchorKey, txnId));
        return this.scheduler.writeSynced(batch);
      },
      splitApplied: (lhs, trigger, moved) => this.applySplit(lhs, trigger, moved),
      descriptorFor: (key) => this.replicaForKey(key)?.desc,
      statsGrew: (replica) => this.splitQueue.maybeEnqueue(replica),
      background: (task: (stopping: () => boolean) => Promise<void>): Promise<void> => {
        const p: Promise<void> = task(() => this.closed).then(
          () => void this.tasks.delete(p),
          (e: unknown) => {
            this.tasks.delete(p);
            this.opts.logger?.error({ err: e }, 'background task failed');
            throw e;
          },
        );
        this.tasks.add(p);
        return p;
      },
      yieldTurn: () => new Promise<void>((resolve) => this.defer(resolve)),
    };
  }
}

/** Every replica descriptor persisted in the engine, in key order. */
function loadDescriptors(engine: Engine): RangeDescriptor[] {
  const out: RangeDescriptor[] = [];
  const it = engine.iterator({ lower: LOCAL_RANGE_PREFIX, upper: prefixEnd(LOCAL_RANGE_PREFIX), prefetch: 4 });
  try {
    while (it.valid()) {
      const rangeId = rangeIdOfKey(it.key());
      const raw = engine.get(rangeDescriptorKey(rangeId));
      if (raw !== undefined) out.push(decodeRangeDescriptor(raw));
      // Skip the rest of this range's keys (its raft log may be long).
      it.seek(prefixEnd(rangeIdPrefix(rangeId)));
    }
  } finally {
    it.close();
  }
  return out.sort((a, b) => Buffer.compare(a.startKey, b.startKey));
}

/**
 * Writes the first ranges: r1 = meta [META, SYSTEM), r2 = system [SYSTEM, TABLES),
 * r3 = tables [TABLES, KEY_MAX); their descriptors, meta records and stats, and the range
 * id counter (the next range id is BOOTSTRAP_RANGE_IDS_MAX + 1).
 */
export function bootstrap(engine: Engine, opts: Pick<StoreOptions, 'nodeId' | 'storeId'>): void {
  const replicas = [{ nodeId: opts.nodeId, storeId: opts.storeId, replicaId: 1 }];
  const bounds: Array<[Buffer, Buffer]> = [
    [META_PREFIX, SYSTEM_PREFIX],
    [SYSTEM_PREFIX, TABLES_START],
    [TABLES_START, KEY_MAX],
  ];
  const descs: RangeDescriptor[] = bounds.map(([startKey, endKey], i) => ({ rangeId: i + 1, startKey, endKey, replicas, generation: 0 }));
  assert(descs.length === BOOTSTRAP_RANGE_IDS_MAX, 'bootstrap: range count');
  const data = engine.newBatch();
  for (const d of descs) {
    data.put(rangeDescriptorKey(d.rangeId), encodeRangeDescriptor(d));
    data.put(metaKey(d.endKey), encodeRecord({ latest: { ts: BOOTSTRAP_TS, value: encodeRangeDescriptor(d) }, intent: null }));
  }
  const gen = Buffer.alloc(8);
  gen.writeBigUInt64BE(BigInt(BOOTSTRAP_RANGE_IDS_MAX));
  data.put(RANGE_ID_GEN_KEY, encodeRecord({ latest: { ts: BOOTSTRAP_TS, value: gen }, intent: null }));
  engine.write(data, { sync: false });
  const stats = engine.newBatch();
  for (const d of descs) stats.put(rangeStatsKey(d.rangeId), encodeStats(mvccComputeStats(engine, d.startKey, d.endKey)));
  engine.write(stats, { sync: true });
}
