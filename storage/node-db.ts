// One node of a multi-node cluster, as storage sees it: the node's store (its replicas),
// exposed to peers as a NodeService, and a KvDb gateway whose DistSender reaches every
// range through a NodeTransport (src/rpc's GrpcTransport; the node itself short-circuited
// by the transport). Built in two steps by src/server (cluster start) because the store
// must serve peers before the gateway can find the meta range (which may live elsewhere):
//
//   const node = await openNodeStore(engine, { ident, transport, bootstrap });  // serves peers
//   rpcServer.setService(node.service); transport.setLocalService(node.service);
//   const db = await connectNodeKvDb(node, { metaNodeIds });  // MetaRangeUnknownError: retry later
//
// openNodeKvDb does both at once (tests, the simulator). Only the node that ran `init`
// bootstraps the first ranges; a joining node starts with an empty store.

import type { Logger } from 'pino';
import type { KvDb } from './api/index.js';
import type { BatchRequest, BatchResponse } from './api/batch.js';
import type { RangeDescriptor } from './api/range.js';
import type { NodeService, NodeTransport, RaftMessageBatch, SnapshotHeader, SnapshotResponse } from './api/transport.js';
import { assert } from './base/assert.js';
import type { Clock } from './base/clock.js';
import { systemClock } from './base/clock.js';
import type { Rng } from './base/rng.js';
import { cryptoRng } from './base/rng.js';
import type { Engine, EngineOptions } from './engine/index.js';
import { openEngine } from './engine/index.js';
import { Hlc } from './hlc/hlc.js';
import { META_PREFIX } from './keys/system.js';
import { DistSender } from './kvclient/dist-sender.js';
import { KvClientDb } from './kvclient/db.js';
import { IntentResolver } from './kvclient/intent-resolver.js';
import type { Defer } from './store/scheduler.js';
import { Store } from './store/store.js';
import type { StoreIdent } from './store/ident.js';
import { readStoreIdent, writeStoreIdent } from './store/ident.js';

export type { StoreIdent } from './store/ident.js';
export { readStoreIdent, writeStoreIdent, isClusterId, StoreIdentError, STORE_IDENT_KEY } from './store/ident.js';

export interface NodeStoreDeps {
  readonly ident: StoreIdent;
  /** How this node reaches its peers (Raft, snapshots, KV batches). */
  readonly transport: NodeTransport;
  /** Bootstrap the first ranges on an empty engine: true only on the node that ran `init`. */
  readonly bootstrap: boolean;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Maximum clock offset between nodes, in nanoseconds (HLC). */
  readonly maxOffsetNanos?: bigint;
  readonly defer?: Defer;
  /** Ranges whose live data exceeds this many bytes are split (default 512 MiB). */
  readonly rangeSizeMaxBytes?: number;
}

/** The store side of a node: what peers reach through the rpc server. */
export interface NodeStore {
  readonly ident: StoreIdent;
  readonly store: Store;
  readonly service: NodeService;
  readonly transport: NodeTransport;
  readonly hlc: Hlc;
  /** Raft batches dropped because the store does not run Raft yet. */
  readonly raftBatchesDropped: () => number;
  /** Closes the store and its engine (idempotent; a connected KvDb's close does it too). */
  close(): Promise<void>;
  /** @internal the kv client the split queue splits through, bound by connectNodeKvDb. */
  bindSplitter(db: KvDb): void;
}

export interface NodeKvDbDeps {
  /**
   * Nodes to ask where the meta range is, in order, when the local store has no replica of
   * it (a joining node, before replication: the bootstrap node).
   */
  readonly metaNodeIds: readonly number[];
  readonly rng?: Rng;
  readonly logger?: Logger;
}

/** The node's gateway KvDb, with the pieces status pages and tests look at. */
export type NodeKvDb = KvDb & { readonly store: Store; readonly sender: DistSender; readonly metaNodeId: number };

/** No local replica of the meta range and no candidate node answered with it: retry later. */
export class MetaRangeUnknownError extends Error {
  constructor(readonly asked: readonly number[], readonly failures: readonly string[]) {
    super(`no node knows the meta range yet (asked ${asked.length === 0 ? 'none' : asked.map((n) => `n${n}`).join(', ')})`);
    this.name = 'MetaRangeUnknownError';
  }
}

/**
 * Opens this node's store on `engine` (or on a new engine from `opts`): bootstraps the first
 * ranges when `deps.bootstrap`, then records the ident (synced; the ident comes last so a
 * crash in between leaves a store that simply waits for `init` again).
 */
export async function openNodeStore(engineOrOpts: Engine | EngineOptions, deps: NodeStoreDeps): Promise<NodeStore> {
  const engine = isEngine(engineOrOpts) ? engineOrOpts : await openEngine(engineOrOpts);
  const existing = readStoreIdent(engine);
  assert(existing === null || existing.nodeId === deps.ident.nodeId, 'openNodeStore: the engine belongs to another node');
  const hlc = new Hlc(deps.clock ?? systemClock, deps.maxOffsetNanos ?? 500_000_000n);
  // As in openKvDb: the timestamp cache starts above every read served before a restart.
  const startTs = hlc.now();
  let splitter: KvDb | null = null;
  const store = Store.open(engine, {
    nodeId: deps.ident.nodeId,
    storeId: deps.ident.storeId,
    startTs,
    bootstrap: deps.bootstrap,
    // RAFT SEAM: once replicas replicate, the store takes deps.transport here (Raft batches,
    // snapshots) — StoreOptions.transport.
    transport: deps.transport,
    splitRequester: { requestSplit: (key) => (splitter ? splitter.adminSplit(key) : Promise.resolve()) },
    ...(deps.rangeSizeMaxBytes !== undefined ? { rangeSizeMaxBytes: deps.rangeSizeMaxBytes } : {}),
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(deps.defer ? { defer: deps.defer } : {}),
  });
  writeStoreIdent(engine, deps.ident);
  const service = new StoreService(store);
  return {
    ident: deps.ident,
    store,
    service,
    transport: deps.transport,
    hlc,
    raftBatchesDropped: () => service.raftBatchesDropped,
    close: () => store.close(),
    bindSplitter: (db) => {
      splitter = db;
    },
  };
}

/**
 * The node's KvDb: a DistSender over the node's transport that learns the meta range from
 * the local store or from the first of `metaNodeIds` that knows it. Rejects with
 * MetaRangeUnknownError when none does (the caller retries with backoff). close() closes
 * the store too.
 */
export async function connectNodeKvDb(node: NodeStore, deps: NodeKvDbDeps): Promise<NodeKvDb> {
  const metaNodeId = await locateMeta(node, deps.metaNodeIds);
  const sender = new DistSender(node.transport, metaNodeId);
  await sender.init({ warm: metaNodeId === node.ident.nodeId });
  const logger = deps.logger;
  const resolver = new IntentResolver(sender, logger ? (err, txnId) => logger.warn({ err, txnId }, 'intent resolution failed') : null);
  const db = new KvClientDb(node.hlc, sender, deps.rng ?? cryptoRng, () => node.close(), resolver);
  node.bindSplitter(db);
  return Object.assign(db, { store: node.store, metaNodeId });
}

/** openNodeStore then connectNodeKvDb (one attempt). */
export async function openNodeKvDb(
  engineOrOpts: Engine | EngineOptions,
  deps: NodeStoreDeps & Partial<NodeKvDbDeps>,
): Promise<{ store: Store; db: NodeKvDb; service: NodeService; node: NodeStore }> {
  const node = await openNodeStore(engineOrOpts, deps);
  try {
    const db = await connectNodeKvDb(node, { metaNodeIds: deps.metaNodeIds ?? [], ...(deps.rng ? { rng: deps.rng } : {}), ...(deps.logger ? { logger: deps.logger } : {}) });
    return { store: node.store, db, service: node.service, node };
  } catch (e) {
    await node.close();
    throw e;
  }
}

async function locateMeta(node: NodeStore, candidates: readonly number[]): Promise<number> {
  if (node.store.descriptors().some(isMeta)) return node.ident.nodeId;
  const asked: number[] = [];
  const failures: string[] = [];
  for (const nodeId of candidates) {
    if (nodeId === node.ident.nodeId || asked.includes(nodeId)) continue;
    asked.push(nodeId);
    try {
      const descs = await node.transport.rangeDescriptors(nodeId);
      if (descs.some(isMeta)) return nodeId;
    } catch (e) {
      // Unreachable or not ready: try the next candidate.
      failures.push(`n${nodeId}: ${(e as Error).message}`);
    }
  }
  throw new MetaRangeUnknownError(asked, failures);
}

function isMeta(d: RangeDescriptor): boolean {
  return d.startKey.equals(META_PREFIX);
}

function isEngine(x: Engine | EngineOptions): x is Engine {
  return typeof (x as Partial<Engine>).newBatch === 'function';
}

/** What a store's Raft side will provide; absent until ranges replicate. */
interface RaftCapableStore {
  handleRaft(batch: RaftMessageBatch): void;
  receiveSnapshot(header: SnapshotHeader, chunks: AsyncIterable<Buffer>): Promise<SnapshotResponse>;
}

/**
 * The store as peers see it. Raft traffic and snapshots go to the store's own handlers when
 * it has them (RAFT SEAM: Store.handleRaft / Store.receiveSnapshot); until then Raft batches
 * are dropped (counted) and snapshots declined.
 */
class StoreService implements NodeService {
  raftBatchesDropped = 0;
  private readonly raft: Partial<RaftCapableStore>;

  constructor(private readonly store: Store) {
    this.raft = store as unknown as Partial<RaftCapableStore>;
  }

  send(ba: BatchRequest): Promise<BatchResponse> {
    return this.store.send(ba);
  }

  handleRaft(batch: RaftMessageBatch): void {
    if (typeof this.raft.handleRaft === 'function') this.raft.handleRaft.call(this.store, batch);
    else this.raftBatchesDropped++;
  }

  receiveSnapshot(header: SnapshotHeader, chunks: AsyncIterable<Buffer>): Promise<SnapshotResponse> {
    if (typeof this.raft.receiveSnapshot === 'function') return this.raft.receiveSnapshot.call(this.store, header, chunks);
    return Promise.resolve({ status: 'declined', message: 'this node does not accept snapshots yet (ranges are not replicated)' });
  }

  rangeDescriptors(): readonly RangeDescriptor[] {
    return this.store.descriptors();
  }
}
