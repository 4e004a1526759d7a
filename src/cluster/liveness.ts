// Node liveness: each node keeps a record /system/liveness/<id> → {epoch, expiration} alive
// by heartbeating it every LIVENESS_HEARTBEAT_INTERVAL_MS, pushing the expiration
// LIVENESS_EXPIRATION_MS ahead of its HLC time; a node is live while its record has not
// expired. The epoch grows when a node comes back after its record expired (its first
// heartbeat after a restart does it) and, later, when another node takes its epoch-based
// leases (incrementEpoch); a node adopts a larger epoch it finds. Every tick also scans all
// records so isLive(nodeId) answers from memory (the allocator and lease logic read it).
// Built by src/server/cluster-kv.ts; the record codec and isLiveAt are pure.

import type { Logger } from 'pino';
import type { KvDb } from '../../storage/index.js';
import { KvError } from '../../storage/index.js';
import { LIVENESS_SPAN, livenessKey, nodeIdOfLivenessKey } from './keys.js';

/** How often a node heartbeats its liveness record, in ms. */
export const LIVENESS_HEARTBEAT_INTERVAL_MS = 1_500;
/** How far ahead each heartbeat pushes the expiration, in ms (3 missed heartbeats: not live). */
export const LIVENESS_EXPIRATION_MS = 4_500;
/** Liveness records one scan reads. */
const LIVENESS_RECORDS_MAX = 10_000;

export interface LivenessRecord {
  readonly epoch: number;
  /** HLC wall time (ns since the Unix epoch) after which the node is not live. */
  readonly expirationNanos: bigint;
}

const RECORD_BYTES = 12;

export function encodeLiveness(r: LivenessRecord): Buffer {
  const b = Buffer.alloc(RECORD_BYTES);
  b.writeUInt32BE(r.epoch, 0);
  b.writeBigUInt64BE(r.expirationNanos, 4);
  return b;
}

export function decodeLiveness(b: Buffer): LivenessRecord {
  if (b.length !== RECORD_BYTES) throw new Error(`liveness record of ${b.length} bytes, expected ${RECORD_BYTES}`);
  return { epoch: b.readUInt32BE(0), expirationNanos: b.readBigUInt64BE(4) };
}

export function isLiveAt(r: LivenessRecord | undefined, nowNanos: bigint): boolean {
  return r !== undefined && nowNanos < r.expirationNanos;
}

/**
 * The record a heartbeat writes over `prev`. The first heartbeat of a process (`restart`)
 * bumps an expired record's epoch: leases held under the old epoch must not come back.
 */
export function nextLiveness(prev: LivenessRecord | null, nowNanos: bigint, expirationNanos: bigint, restart: boolean): LivenessRecord {
  const expiration = nowNanos + expirationNanos;
  if (prev === null) return { epoch: 1, expirationNanos: expiration };
  const expired = !isLiveAt(prev, nowNanos);
  return { epoch: restart && expired ? prev.epoch + 1 : prev.epoch, expirationNanos: expiration > prev.expirationNanos ? expiration : prev.expirationNanos };
}

export interface LivenessMetrics {
  heartbeatsOk: number;
  heartbeatFailures: number;
  /** Ticks that found the previous heartbeat still in flight. */
  heartbeatsSkipped: number;
  lastHeartbeatMs: number;
}

export interface NodeLivenessOptions {
  readonly kv: KvDb;
  readonly nodeId: number;
  readonly logger?: Logger;
  readonly intervalMs?: number;
  readonly expirationMs?: number;
}

export class NodeLiveness {
  private readonly records = new Map<number, LivenessRecord>();
  private self: LivenessRecord | null = null;
  private inFlight: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly intervalMs: number;
  private readonly expirationNanos: bigint;
  readonly metrics: LivenessMetrics = { heartbeatsOk: 0, heartbeatFailures: 0, heartbeatsSkipped: 0, lastHeartbeatMs: 0 };

  constructor(private readonly opts: NodeLivenessOptions) {
    this.intervalMs = opts.intervalMs ?? LIVENESS_HEARTBEAT_INTERVAL_MS;
    const expirationMs = opts.expirationMs ?? LIVENESS_EXPIRATION_MS;
    if (!(this.intervalMs > 0 && expirationMs > this.intervalMs)) throw new Error('liveness: the expiration must exceed the heartbeat interval');
    this.expirationNanos = BigInt(expirationMs) * 1_000_000n;
  }

  /** Whether `nodeId`'s record, as last read, has not expired at the node's HLC time. */
  isLive(nodeId: number): boolean {
    return isLiveAt(this.records.get(nodeId), this.opts.kv.now().wallNanos);
  }

  record(nodeId: number): LivenessRecord | undefined {
    return this.records.get(nodeId);
  }

  /** This node's epoch (0 before its first heartbeat). */
  get epoch(): number {
    return this.self?.epoch ?? 0;
  }

  /** Heartbeats once (awaited, so a node is live when it says it is ready), then every interval. */
  async start(): Promise<void> {
    await this.tick();
  }

  /** One heartbeat of this node's record, then a scan of everyone's. Never rejects: failures are counted and logged. */
  heartbeat(): Promise<void> {
    if (this.inFlight !== null) {
      this.metrics.heartbeatsSkipped++;
      return this.inFlight;
    }
    this.inFlight = this.heartbeatAndScan().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async tick(): Promise<void> {
    await this.heartbeat();
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  private async heartbeatAndScan(): Promise<void> {
    const started = Date.now();
    try {
      this.self = await this.writeOwn();
      this.records.set(this.opts.nodeId, this.self);
      this.metrics.heartbeatsOk++;
      this.metrics.lastHeartbeatMs = Date.now() - started;
    } catch (e) {
      this.metrics.heartbeatFailures++;
      this.opts.logger?.warn({ err: (e as Error).message }, 'liveness heartbeat failed');
      return;
    }
    try {
      await this.scan();
    } catch (e) {
      this.opts.logger?.warn({ err: (e as Error).message }, 'liveness scan failed');
    }
  }

  private async writeOwn(): Promise<LivenessRecord> {
    const kv = this.opts.kv;
    const key = livenessKey(this.opts.nodeId);
    for (let attempt = 1; ; attempt++) {
      const txn = kv.begin({ priority: 'high', debugName: 'liveness-heartbeat' });
      try {
        const raw = await txn.get(key, { lock: 'exclusive' });
        const prev = raw === null ? null : decodeLiveness(raw);
        const next = nextLiveness(prev, kv.now().wallNanos, this.expirationNanos, this.self === null);
        await txn.put(key, encodeLiveness(next));
        await txn.commit();
        return next;
      } catch (e) {
        if (txn.status === 'pending') await txn.rollback().catch(() => {});
        if (!(e instanceof KvError && e.retryable) || attempt >= 5) throw e;
      }
    }
  }

  /** Rereads every node's record now (status calls; the heartbeat loop does it every tick). */
  refresh(): Promise<void> {
    return this.scan();
  }

  private async scan(): Promise<void> {
    const txn = this.opts.kv.begin({ debugName: 'liveness-scan' });
    try {
      const rows = await txn.scan(LIVENESS_SPAN.key, LIVENESS_SPAN.endKey, { limit: LIVENESS_RECORDS_MAX });
      await txn.commit();
      for (const { key, value } of rows) {
        const id = nodeIdOfLivenessKey(key);
        if (id !== null && id !== this.opts.nodeId) this.records.set(id, decodeLiveness(value));
      }
    } catch (e) {
      if (txn.status === 'pending') await txn.rollback().catch(() => {});
      throw e;
    }
  }

  /** Stops heartbeating and waits for a heartbeat in flight (the record then expires on its own). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.inFlight;
  }
}
