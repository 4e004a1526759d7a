// The multi-Raft ready loop of one store (CockroachDB's raft scheduler, etcd's owner loop).
// Replicas with work are queued by range id; each turn steps their received messages and
// ticks, collects every queued replica's Ready, writes ALL their entries and hard states in
// ONE engine write (synced when any Ready must sync), sends the coalesced messages, applies
// committed entries and advances. It owns no Raft logic; the store drives it.

import { assert } from '../base/assert.js';
import type { RaftMessageBatch } from '../api/transport.js';
import type { Engine, WriteBatch } from '../engine/engine.js';
import type { Ready } from '../raft/index.js';
import { coalesceRaftMessages } from './heartbeats.js';
import type { RaftMessageOut } from './heartbeats.js';

/**
 * What the scheduler needs of a replica. All calls come from the scheduler, one turn at a
 * time, so between ready() and advance() nothing else touches the replica's RawNode through
 * the scheduler; proposals made meanwhile (replica.propose, then enqueue) show up next turn.
 */
export interface RaftReplica {
  readonly rangeId: number;
  /** Steps one received message into Raft (queued by deliver(); stepped at the start of a turn). */
  step(req: RaftMessageOut): void;
  /** Advances Raft's logical clock by one tick. */
  tick(): void;
  /** Idle: no proposals in flight and followers caught up; not ticked (the replica decides). */
  quiescent(): boolean;
  hasReady(): boolean;
  ready(): Ready;
  /** Stages the Ready's snapshot, entries and hard state into the turn's shared batch (RaftLogStorage.persistReady). */
  persist(batch: WriteBatch, ready: Ready): void;
  /** The Ready's messages addressed to replicas (peer id → replica descriptor); called once durable. */
  outgoing(ready: Ready): readonly RaftMessageOut[];
  /**
   * Applies the snapshot and committed entries, in order, and answers readStates. May be
   * async; advance waits for it, and so does the whole turn: keep it short.
   */
  apply(ready: Ready): void | Promise<void>;
  advance(ready: Ready): void;
}

export interface RaftSchedulerLimits {
  /** Replicas whose Ready one turn handles; the rest wait for the next turn. */
  readonly replicasPerTurnMax: number;
  /** Entry bytes after which a turn takes no more replicas (the one that crossed it is in). */
  readonly turnBytesMax: number;
  /** Received messages queued per range between turns; beyond it they are dropped (Raft retransmits). */
  readonly inboundMessagesPerRangeMax: number;
  /** Messages queued by sendOutOfBand between turns; beyond it they are dropped. */
  readonly outboxMessagesMax: number;
}

export const RAFT_SCHEDULER_LIMITS_DEFAULT: RaftSchedulerLimits = {
  replicasPerTurnMax: 1024,
  turnBytesMax: 64 * 1024 * 1024,
  inboundMessagesPerRangeMax: 4096,
  outboxMessagesMax: 65536,
};

export interface RaftSchedulerOptions {
  readonly nodeId: number;
  readonly engine: Engine;
  /** Hands one coalesced batch to the node transport (NodeTransport.sendRaft). */
  readonly sendRaft: (batch: RaftMessageBatch) => void;
  /** Schedules a turn after the current one's I/O (setImmediate in production, the simulator's own in tests). */
  readonly defer: (fn: () => void) => void;
  /** A message for a range with no registered replica: the store may create and return one (or null: dropped). */
  readonly unknownRange?: (req: RaftMessageOut) => RaftReplica | null;
  /** An engine write failed: the store must stop (the scheduler has stopped). */
  readonly onFatal: (err: unknown) => void;
  readonly limits?: Partial<RaftSchedulerLimits>;
}

interface Turn {
  readonly replicas: RaftReplica[];
  readonly readies: Ready[];
}

export class RaftScheduler {
  private readonly replicas = new Map<number, RaftReplica>();
  /** Range ids with work, in arrival order (a Set: enqueueing twice is one entry). */
  private queue = new Set<number>();
  private readonly ticks = new Set<number>();
  private readonly inbound = new Map<number, RaftMessageOut[]>();
  /** Messages made outside a Ready (quiesce heartbeats), sent with the next turn's. */
  private outbox: RaftMessageOut[] = [];
  private readonly limits: RaftSchedulerLimits;
  private scheduled = false;
  private running = false;
  private failure: unknown = null;
  private idleWaiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];

  /** Engine writes: synced, unsynced; turns that did work; messages dropped on receipt. */
  readonly stats = { syncedWrites: 0, unsyncedWrites: 0, turns: 0, droppedMessages: 0 };

  constructor(private readonly opts: RaftSchedulerOptions) {
    this.limits = { ...RAFT_SCHEDULER_LIMITS_DEFAULT, ...opts.limits };
    assert(this.limits.replicasPerTurnMax > 0 && this.limits.turnBytesMax > 0, 'raft scheduler: bad limits');
  }

  register(replica: RaftReplica): void {
    assert(!this.replicas.has(replica.rangeId), `raft scheduler: r${replica.rangeId} registered twice`);
    this.replicas.set(replica.rangeId, replica);
    this.enqueue(replica.rangeId);
  }

  /** Forgets a replica; a turn in flight still finishes persisting its Ready but no longer sends or applies it. */
  unregister(rangeId: number): void {
    this.replicas.delete(rangeId);
    this.queue.delete(rangeId);
    this.ticks.delete(rangeId);
    this.inbound.delete(rangeId);
  }

  replica(rangeId: number): RaftReplica | undefined {
    return this.replicas.get(rangeId);
  }

  /** The replica has work (a proposal, a stepped message): handle it in the next turn. */
  enqueue(rangeId: number): void {
    if (this.failure !== null) return;
    this.queue.add(rangeId);
    this.scheduleTurn();
  }

  /** Queues a received message for its range's next turn. Never blocks, never throws for unknown ranges. */
  deliver(req: RaftMessageOut): void {
    let r = this.replicas.get(req.rangeId);
    if (!r && this.opts.unknownRange) {
      const created = this.opts.unknownRange(req);
      if (created) {
        assert(created.rangeId === req.rangeId, 'raft scheduler: unknownRange made another range');
        if (!this.replicas.has(created.rangeId)) this.register(created);
        r = created;
      }
    }
    if (!r) {
      this.stats.droppedMessages++;
      return;
    }
    let q = this.inbound.get(req.rangeId);
    if (!q) this.inbound.set(req.rangeId, (q = []));
    if (q.length >= this.limits.inboundMessagesPerRangeMax) {
      this.stats.droppedMessages++;
      return;
    }
    q.push(req);
    this.enqueue(req.rangeId);
  }

  /**
   * Sends a message that no Ready carries (a leader's quiesce heartbeats) with the next
   * turn's messages, coalesced with them. Never blocks; drops beyond outboxMessagesMax.
   */
  sendOutOfBand(req: RaftMessageOut): void {
    if (this.failure !== null) return;
    if (this.outbox.length >= this.limits.outboxMessagesMax) {
      this.stats.droppedMessages++;
      return;
    }
    this.outbox.push(req);
    this.scheduleTurn();
  }

  /** One tick for every replica that is not quiescent (the store calls this every raftTickMs). */
  tickAll(): void {
    for (const r of this.replicas.values()) {
      if (r.quiescent()) continue;
      this.ticks.add(r.rangeId);
      this.queue.add(r.rangeId);
    }
    this.scheduleTurn();
  }

  /** No turn running, scheduled or queued (a probe for simulators and tests). */
  isIdle(): boolean {
    return !this.running && !this.scheduled && !this.hasWork();
  }

  /** Resolves once no turn is running or queued (tests, shutdown). Rejects after a fatal error. */
  idle(): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve, reject) => this.idleWaiters.push({ resolve, reject }));
  }

  private scheduleTurn(): void {
    if (this.scheduled || this.running || !this.hasWork() || this.failure !== null) return;
    this.scheduled = true;
    this.opts.defer(() => {
      this.scheduled = false;
      void this.run();
    });
  }

  private async run(): Promise<void> {
    assert(!this.running, 'raft scheduler: overlapping turns');
    this.running = true;
    try {
      await this.turn();
    } catch (e) {
      this.failure = e;
      this.opts.onFatal(e);
      this.wakeIdle(e);
    } finally {
      this.running = false;
      this.scheduleTurn();
      if (!this.scheduled && !this.hasWork()) this.wakeIdle(null);
    }
  }

  private hasWork(): boolean {
    return this.queue.size > 0 || this.outbox.length > 0;
  }

  private wakeIdle(failure: unknown): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) {
      if (failure === null) w.resolve();
      else w.reject(failure);
    }
  }

  /**
   * persist → send → apply → advance, for all the turn's replicas together. The simple, safe
   * order: every message leaves after the write is durable. Raft thesis 10.2.1 lets a leader
   * send MsgApp before its own append is durable, saving one fsync of latency; it would go
   * between collect() and the write (send the leaders' 'app' messages first, votes and acks
   * after). It is NOT safe with storage/raft as it is: the leader counts its own match at
   * append time (raft.ts appendEntry), so in a group of three one follower's ack would commit
   * an entry that only one disk holds. It needs raft to count the leader's ack only once the
   * owner reports the append durable (etcd's asyncStorageWrites / MsgStorageAppendResp).
   */
  private async turn(): Promise<void> {
    const batch = this.opts.engine.newBatch();
    const turn = this.collect(batch);
    if (turn.replicas.length === 0) {
      this.send(turn);
      return;
    }
    this.stats.turns++;
    if (batch.count > 0) {
      if (turn.readies.some((rd) => rd.mustSync)) {
        await this.opts.engine.writeDurable(batch);
        this.stats.syncedWrites++;
      } else {
        this.opts.engine.write(batch, { sync: false });
        this.stats.unsyncedWrites++;
      }
    }
    this.send(turn);
    await this.applyAndAdvance(turn);
  }

  /** Steps inbound messages, ticks, and stages the Ready of each queued replica into `batch`. */
  private collect(batch: WriteBatch): Turn {
    const turn: Turn = { replicas: [], readies: [] };
    let bytes = 0;
    for (const rangeId of this.queue) {
      if (turn.replicas.length >= this.limits.replicasPerTurnMax) break;
      if (turn.replicas.length > 0 && bytes >= this.limits.turnBytesMax) break;
      this.queue.delete(rangeId);
      const r = this.replicas.get(rangeId);
      if (!r) continue;
      this.stepInbound(r);
      if (this.ticks.delete(rangeId)) r.tick();
      if (!r.hasReady()) continue;
      const rd = r.ready();
      r.persist(batch, rd);
      for (const e of rd.entries) bytes += e.data.length;
      turn.replicas.push(r);
      turn.readies.push(rd);
    }
    return turn;
  }

  private stepInbound(r: RaftReplica): void {
    const q = this.inbound.get(r.rangeId);
    if (!q) return;
    this.inbound.delete(r.rangeId);
    for (let i = 0; i < q.length; i++) r.step(q[i]!);
  }

  private send(turn: Turn): void {
    const out = this.outbox;
    this.outbox = [];
    for (let i = 0; i < turn.replicas.length; i++) {
      const r = turn.replicas[i]!;
      if (this.replicas.get(r.rangeId) !== r) continue; // removed while the write was in flight
      const msgs = r.outgoing(turn.readies[i]!);
      for (let j = 0; j < msgs.length; j++) out.push(msgs[j]!);
    }
    if (out.length === 0) return;
    for (const b of coalesceRaftMessages(this.opts.nodeId, out)) this.opts.sendRaft(b);
  }

  /** Applies each replica's committed entries (replicas in parallel, each in order), then advances it. */
  private async applyAndAdvance(turn: Turn): Promise<void> {
    const pending: Promise<void>[] = [];
    for (let i = 0; i < turn.replicas.length; i++) {
      const r = turn.replicas[i]!;
      const rd = turn.readies[i]!;
      if (this.replicas.get(r.rangeId) !== r) continue;
      const p = r.apply(rd);
      if (p) pending.push(p.then(() => this.finish(r, rd)));
      else this.finish(r, rd);
    }
    if (pending.length > 0) await Promise.all(pending);
  }

  private finish(r: RaftReplica, rd: Ready): void {
    r.advance(rd);
    // advance may release more work (committed entries held back by size, a new snapshot).
    if (r.hasReady()) this.queue.add(r.rangeId);
  }
}
