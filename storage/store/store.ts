// A node's store: its engine, its replicas (one range covering the whole key space for now)
// routed by range id, the group-commit scheduler and the in-memory transaction records.
// Created by openKvDb (and later by src/server/node.ts); kvclient reaches it only through
// a Transport. Persists its range descriptors in the range-local key space.

import type { Logger } from 'pino';
import type { Timestamp } from '../api/index.js';
import type { BatchRequest, BatchResponse } from '../api/batch.js';
import type { RangeDescriptor } from '../api/range.js';
import { decodeRangeDescriptor, encodeRangeDescriptor } from '../api/range.js';
import { assert } from '../base/assert.js';
import type { Engine } from '../engine/engine.js';
import type { IndexedBatch } from '../engine/indexed.js';
import { KeyWriter, KEY_MAX, LOCAL_RANGE_PREFIX, META_PREFIX } from '../keys/index.js';
import { Replica } from '../range/replica.js';
import type { Defer } from './scheduler.js';
import { WriteScheduler } from './scheduler.js';
import { TxnRegistry } from './txn-registry.js';

export interface StoreOptions {
  readonly nodeId: number;
  readonly storeId: number;
  /** The timestamp cache starts here: no write may land below reads served before a restart. */
  readonly startTs: Timestamp;
  readonly logger?: Logger;
  readonly defer?: Defer;
}

/** User-addressable keys start at META: LOCAL (0x01) holds replica-internal data. */
export const USER_KEY_MIN = META_PREFIX;

function descriptorKey(rangeId: number): Buffer {
  return new KeyWriter(LOCAL_RANGE_PREFIX).uvarint(rangeId).string('desc').finish();
}

export class Store {
  readonly txns = new TxnRegistry();
  private readonly replicas = new Map<number, Replica>();
  private readonly scheduler: WriteScheduler;
  private closed = false;
  private readonly tasks = new Set<Promise<void>>();
  private readonly defer: Defer;

  private constructor(
    readonly engine: Engine,
    readonly opts: StoreOptions,
  ) {
    this.defer = opts.defer ?? setImmediate;
    this.scheduler = new WriteScheduler(engine, this.defer);
  }

  /** Opens the store on `engine`, bootstrapping range 1 over [META, KEY_MAX) on first start. */
  static open(engine: Engine, opts: StoreOptions): Store {
    const store = new Store(engine, opts);
    let raw = engine.get(descriptorKey(1));
    if (raw === undefined) {
      const desc: RangeDescriptor = {
        rangeId: 1,
        startKey: USER_KEY_MIN,
        endKey: KEY_MAX,
        replicas: [{ nodeId: opts.nodeId, storeId: opts.storeId, replicaId: 1 }],
        generation: 0,
      };
      const batch = engine.newBatch();
      raw = encodeRangeDescriptor(desc);
      batch.put(descriptorKey(1), raw);
      engine.write(batch, { sync: true });
      opts.logger?.info({ rangeId: 1 }, 'bootstrapped range 1');
    }
    const desc = decodeRangeDescriptor(raw);
    store.replicas.set(desc.rangeId, new Replica(desc, store.host(), opts.startTs));
    return store;
  }

  send(ba: BatchRequest): Promise<BatchResponse> {
    if (this.closed) return Promise.resolve({ ok: false, error: { kind: 'kv', code: 'Unavailable', message: 'store is closed', index: -1 } });
    const replica = this.replicas.get(ba.header.rangeId);
    if (!replica) return Promise.resolve({ ok: false, error: { kind: 'rangeKeyMismatch', rangeId: ba.header.rangeId } });
    return replica.send(ba);
  }

  descriptors(): RangeDescriptor[] {
    return [...this.replicas.values()].map((r) => r.desc);
  }

  replica(rangeId: number): Replica | undefined {
    return this.replicas.get(rangeId);
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
    await this.engine.close();
  }

  /** Background work in progress (async intent resolution). */
  get backgroundTasks(): number {
    return this.tasks.size;
  }

  private host() {
    return {
      engine: this.engine,
      txns: this.txns,
      writeSynced: (batch: IndexedBatch) => this.scheduler.writeSynced(batch),
      writeUnsynced: (batch: IndexedBatch) => {
        this.unsyncedCount++;
        this.engine.write(batch, { sync: false });
      },
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
