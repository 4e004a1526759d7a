// Public API of Shoal's storage layer. sql/ imports only this file; src/ composes a node from it.
//
// For sql/:  everything in storage/api (KvDb, Txn, KvRequest/KvResponse, KvError, Timestamp, ...)
//            and the key encoding (KeyWriter, KeyReader, prefixEnd, tablePrefix, indexPrefix, ...).
// For src/:  openKvDb(opts, deps) → LocalKvDb (a KvDb plus its Store) over one local store
//            (many ranges, one replica each for now); the Clock / Rng / Transport / Engine interfaces
//            and the pieces a node wires itself later (openEngine, Store, LocalTransport, Hlc).
//
//   const db = await openKvDb({ engine: 'memory' });                      // tests
//   const db = await openKvDb({ engine: 'rocksdb', dir: '/data/n1' }, { clock, logger });
//   const txn = db.begin(); await txn.put(k, v); await txn.commit(); await db.close();

import type { Logger } from 'pino';
import type { KvDb } from './api/index.js';
import type { Clock } from './base/clock.js';
import { systemClock } from './base/clock.js';
import type { Rng } from './base/rng.js';
import { cryptoRng } from './base/rng.js';
import { openEngine } from './engine/index.js';
import type { EngineOptions } from './engine/index.js';
import { Hlc } from './hlc/hlc.js';
import { DistSender } from './kvclient/dist-sender.js';
import { KvClientDb } from './kvclient/db.js';
import { IntentResolver } from './kvclient/intent-resolver.js';
import { LocalTransport } from './store/local-transport.js';
import { Store } from './store/store.js';
import type { Defer } from './store/scheduler.js';

export * from './api/index.js';
export {
  KeyWriter,
  KeyReader,
  kindOfTag,
  prefixEnd,
  keyNext,
  compareKeys,
  tablePrefix,
  indexPrefix,
  prettyKey,
  KEY_MIN,
  KEY_MAX,
  TABLES_START,
  SYSTEM_PREFIX,
} from './keys/index.js';
export type { KeyKind } from './keys/index.js';
export type { Clock } from './base/clock.js';
export { ManualClock, systemClock } from './base/clock.js';
export type { Rng } from './base/rng.js';
export { seededRng, cryptoRng } from './base/rng.js';
export { compareTs, tsLess, tsNext, tsPrev, tsMax, tsString, ZERO_TS, MAX_TS } from './hlc/index.js';

export type { Transport } from './api/transport.js';
export type {
  BatchRequest,
  BatchResponse,
  BatchHeader,
  BatchError,
  Request,
  Response,
  Span,
  ResolveIntentRequest,
  GcTxnRecordRequest,
  RangeLookupRequest,
  AdminSplitRequest,
  RangeStatsRequest,
} from './api/batch.js';
export type { RangeDescriptor, ReplicaDescriptor, RangeStats } from './api/range.js';
export type { Engine, EngineOptions } from './engine/index.js';
export { openEngine } from './engine/index.js';
export { Store, RANGE_SIZE_MAX_BYTES_DEFAULT } from './store/store.js';
export type { StoreOptions, SplitRequester } from './store/store.js';
export { DistSender } from './kvclient/dist-sender.js';
export { LocalTransport } from './store/local-transport.js';
export { Hlc, ClockOffsetError } from './hlc/index.js';
// For src/rpc (the node-to-node transport and its codec):
export type { NodeTransport, NodeService, RaftMessageBatch, RaftMessageRequest, RaftHeartbeat, SnapshotHeader, SnapshotResponse } from './api/transport.js';
export type { EndTxnRequest, RefreshRequest, RequestKind } from './api/batch.js';
export type { TxnMeta, SeqRange } from './api/txn-meta.js';
export type { Message, MessageType, Entry, EntryType, Snapshot, SnapshotMeta, ConfState } from './raft/types.js';
export { MESSAGE_TYPES } from './raft/types.js';
export { assert, unreachable, AssertionError } from './base/assert.js';
export * from './node-db.js'; // multi-node: openNodeStore, connectNodeKvDb, store ident (src/server)

/** Which engine to open: RocksDB in `dir` (syncWorker: fsync off the event loop, default true), or memory. */
export type KvDbOptions = EngineOptions;

export interface KvDbDeps {
  readonly clock?: Clock;
  readonly rng?: Rng;
  readonly logger?: Logger;
  /** Maximum clock offset between nodes, in nanoseconds (HLC). */
  readonly maxOffsetNanos?: bigint;
  /** Scheduling of group commits (setImmediate by default; the simulator injects its own). */
  readonly defer?: Defer;
  /** Ranges whose live data exceeds this many bytes are split in the middle (default 512 MiB). */
  readonly rangeSizeMaxBytes?: number;
}

/** A KvDb over one local store, with the store exposed for status and tests. */
export type LocalKvDb = KvDb & { readonly store: Store };

/**
 * Opens a single-node KvDb: engine → store (the meta, system and tables ranges on first
 * start; more after splits) → LocalTransport → DistSender → transaction coordinator. The
 * store's split queue splits through this KvDb. close() closes the engine too.
 */
export async function openKvDb(opts: KvDbOptions, deps: KvDbDeps = {}): Promise<LocalKvDb> {
  const clock = deps.clock ?? systemClock;
  const hlc = new Hlc(clock, deps.maxOffsetNanos ?? 500_000_000n);
  const engine = await openEngine(opts);
  // Reads served before a restart happened below the clock's time now (one node, one
  // clock): starting the timestamp cache here keeps new writes above all of them.
  const startTs = hlc.now();
  // The split queue needs a kv client, which needs the store: bound once both exist.
  let splitter: KvClientDb | null = null;
  const store = Store.open(engine, {
    nodeId: 1,
    storeId: 1,
    startTs,
    splitRequester: { requestSplit: (key) => (splitter ? splitter.adminSplit(key) : Promise.resolve()) },
    ...(deps.rangeSizeMaxBytes !== undefined ? { rangeSizeMaxBytes: deps.rangeSizeMaxBytes } : {}),
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(deps.defer ? { defer: deps.defer } : {}),
  });
  const transport = new LocalTransport(new Map([[1, store]]));
  const sender = new DistSender(transport, 1);
  await sender.init();
  const logger = deps.logger;
  const resolver = new IntentResolver(sender, logger ? (err, txnIds) => logger.warn({ err, txnIds }, 'intent resolution failed') : null, deps.defer ?? setImmediate);
  const db = new KvClientDb(hlc, sender, deps.rng ?? cryptoRng, () => store.close(), resolver);
  splitter = db;
  return Object.assign(db, { store });
}
