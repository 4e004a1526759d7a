// The scheduler driving real RawNodes: 3 stores on 3 memory engines, each range's log in
// RaftLogStorage, messages coalesced per node pair through an in-memory router. Elects a
// leader, commits proposals, keeps one synced engine write per store turn, and restarts a
// store from its engine alone (RaftLogStorage.initialState + the applied state) to catch up.

import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assert, seededRng } from '../../../storage/base/index.js';
import type { Rng } from '../../../storage/base/index.js';
import { MemEngine, RocksEngine } from '../../../storage/engine/index.js';
import type { Engine, WriteBatch } from '../../../storage/engine/index.js';
import type { RaftMessageBatch } from '../../../storage/api/transport.js';
import type { ReplicaDescriptor } from '../../../storage/api/range.js';
import { RawNode, bootstrapConfState } from '../../../storage/raft/index.js';
import type { Ready } from '../../../storage/raft/index.js';
import { RaftLogStorage, writeInitialRaftState } from '../../../storage/store/raft-log.js';
import { RaftScheduler } from '../../../storage/store/raft-scheduler.js';
import type { RaftReplica } from '../../../storage/store/raft-scheduler.js';
import { addressRaftMessages, expandRaftMessageBatch } from '../../../storage/store/heartbeats.js';
import type { RaftMessageOut } from '../../../storage/store/heartbeats.js';

const NODES = [1, 2, 3];
const CONF = bootstrapConfState(NODES);
const DESCS: ReplicaDescriptor[] = NODES.map((n) => ({ nodeId: n, storeId: n, replicaId: n }));
/** Ranges start from a virtual snapshot at index 10, term 5 (as CockroachDB's do). */
const INITIAL_INDEX = 10;
const INITIAL_TERM = 5;

const appliedKey = (rangeId: number): Buffer => Buffer.from(`test/applied/${rangeId}`);
const smKey = (rangeId: number, index: number): Buffer => Buffer.from(`test/sm/${rangeId}/${String(index).padStart(8, '0')}`);

/** A replica as the store will build one: RawNode + RaftLogStorage + a toy state machine in the engine. */
class TestReplica implements RaftReplica {
  readonly node: RawNode;
  readonly log: RaftLogStorage;
  appliedIndex: number;

  constructor(
    readonly rangeId: number,
    readonly self: ReplicaDescriptor,
    private readonly engine: Engine,
    seed: number,
  ) {
    const stored = engine.get(appliedKey(rangeId));
    this.appliedIndex = stored ? Number(stored.toString()) : INITIAL_INDEX;
    this.log = new RaftLogStorage({
      rangeId,
      engine,
      confState: () => CONF,
      snapshotMeta: () => ({ index: this.appliedIndex, term: this.log.term(this.appliedIndex), confState: CONF }),
      entryCacheBytesMax: 4096,
    });
    const rng = seededRng(seed);
    this.node = new RawNode({
      id: self.replicaId,
      storage: this.log,
      electionTicks: 10,
      heartbeatTicks: 1,
      applied: this.appliedIndex,
      msgBytesMax: 1 << 20,
      inflightMsgsMax: 64,
      inflightBytesMax: 0,
      uncommittedBytesMax: 0,
      preVote: true,
      checkQuorum: true,
      randomInt: (n) => Math.floor(rng.next() * n),
    });
  }

  /** The commands applied so far, read back from the engine (what survives a restart). */
  commands(): string[] {
    const out: string[] = [];
    const it = this.engine.iterator({ lower: smKey(this.rangeId, 0), upper: smKey(this.rangeId, 99999999) });
    for (; it.valid(); it.next()) out.push(it.value().toString());
    it.close();
    return out;
  }

  step(req: RaftMessageOut): void {
    this.node.step(req.message);
  }
  tick(): void {
    this.node.tick();
  }
  quiescent(): boolean {
    return false;
  }
  hasReady(): boolean {
    return this.node.hasReady();
  }
  ready(): Ready {
    return this.node.ready();
  }
  persist(batch: WriteBatch, rd: Ready): void {
    this.log.persistReady(batch, rd);
  }
  outgoing(rd: Ready): readonly RaftMessageOut[] {
    return addressRaftMessages(this.rangeId, this.self, DESCS, rd.messages).out;
  }
  /** Where a snapshot's data comes from (the store streams it next to the MsgSnap). */
  snapshotSource: ((rangeId: number, index: number) => Array<[Buffer, Buffer]>) | null = null;

  apply(rd: Ready): void {
    if (rd.snapshot) this.installSnapshot(rd.snapshot.meta.index);
    if (rd.committedEntries.length === 0) return;
    // Commands and the applied index in one batch, as the replica's apply will.
    const batch = this.engine.newBatch();
    for (const e of rd.committedEntries) {
      expect(e.index).toBe(this.appliedIndex + 1);
      if (e.type === 'normal' && e.data.length > 0) batch.put(smKey(this.rangeId, e.index), e.data);
      this.appliedIndex = e.index;
    }
    batch.put(appliedKey(this.rangeId), Buffer.from(String(this.appliedIndex)));
    this.engine.write(batch, { sync: false });
  }
  advance(rd: Ready): void {
    this.node.advance(rd);
  }

  private installSnapshot(index: number): void {
    assert(this.snapshotSource !== null, 'no snapshot source');
    const batch = this.engine.newBatch();
    batch.deleteRange(smKey(this.rangeId, 0), smKey(this.rangeId, 99999999));
    for (const [k, v] of this.snapshotSource(this.rangeId, index)) batch.put(k, v);
    batch.put(appliedKey(this.rangeId), Buffer.from(String(index)));
    this.engine.write(batch, { sync: true });
    this.appliedIndex = index;
  }
}

/** An engine whose durable writes are counted. */
type CountingEngine = Engine & { durableWrites: number };

function counting(engine: Engine): CountingEngine {
  const e = engine as CountingEngine;
  e.durableWrites = 0;
  const writeDurable = engine.writeDurable.bind(engine);
  e.writeDurable = (batch: WriteBatch) => {
    e.durableWrites++;
    return writeDurable(batch);
  };
  return e;
}

interface StoreSim {
  nodeId: number;
  /** Distinguishes a restarted store's scheduler from its predecessor's. */
  incarnation: number;
  engine: CountingEngine;
  sched: RaftScheduler;
  replicas: Map<number, TestReplica>;
}

class Cluster {
  readonly stores = new Map<number, StoreSim>();
  readonly down = new Set<number>();
  private inFlight = 0;
  batchesSent = 0;
  faults: { rng: Rng; dropRate: number; delayHopsMax: number } | null = null;
  private readonly sentPerTurn = new Set<string>();
  messagesSent = 0;
  private restarts = 0;

  constructor(
    private readonly rangeIds: number[],
    engines: readonly Engine[] = NODES.map(() => new MemEngine()),
  ) {
    for (const n of NODES) {
      const engine = counting(engines[n - 1]!);
      const b = engine.newBatch();
      for (const r of rangeIds) writeInitialRaftState(b, r, INITIAL_INDEX, INITIAL_TERM);
      engine.write(b, { sync: true });
      this.start(n, engine);
    }
  }

  start(nodeId: number, engine: CountingEngine): StoreSim {
    const sched = new RaftScheduler({
      nodeId,
      engine,
      sendRaft: (b) => this.route(b),
      defer: (fn) => setImmediate(fn),
      onFatal: (e) => {
        throw e;
      },
    });
    const replicas = new Map<number, TestReplica>();
    for (const r of this.rangeIds) {
      const rep = new TestReplica(r, DESCS[nodeId - 1]!, engine, nodeId * 1000 + r + this.restarts * 7);
      replicas.set(r, rep);
      sched.register(rep);
    }
    const s: StoreSim = { nodeId, incarnation: this.restarts, engine, sched, replicas };
    this.stores.set(nodeId, s);
    this.down.delete(nodeId);
    return s;
  }

  /** Crash: the store's objects are dropped; the engine (all writes were synced or applied) stays. */
  stop(nodeId: number): CountingEngine {
    const s = this.stores.get(nodeId)!;
    this.stores.delete(nodeId);
    this.down.add(nodeId);
    this.restarts++;
    return s.engine;
  }

  private route(b: RaftMessageBatch): void {
    // At most one batch per peer per turn: the turn counter of the sender stays the same
    // for the whole send phase.
    const from = this.stores.get(b.fromNodeId)!;
    const turnKey = `${b.fromNodeId}.${from.incarnation}:${from.sched.stats.turns}:${b.toNodeId}`;
    expect(this.sentPerTurn.has(turnKey)).toBe(false);
    this.sentPerTurn.add(turnKey);
    this.batchesSent++;
    this.messagesSent += b.messages.length + b.heartbeats.length + b.heartbeatResps.length;
    const f = this.faults;
    if (f && f.rng.next() < f.dropRate) return;
    this.inFlight++;
    // Faults: a random number of loop turns in transit, so batches overtake each other.
    let hops = f ? 1 + Math.floor(f.rng.next() * f.delayHopsMax) : 1;
    const arrive = (): void => {
      if (--hops > 0) return void setImmediate(arrive);
      this.inFlight--;
      const to = this.stores.get(b.toNodeId);
      if (!to || this.down.has(b.fromNodeId)) return;
      for (const req of expandRaftMessageBatch(b, b.fromNodeId, b.toNodeId)) to.sched.deliver(req);
    };
    setImmediate(arrive);
  }

  /** Runs until no store has work and no message is in flight (durable writes may take real time). */
  async settle(): Promise<void> {
    for (let i = 0; i < 10_000; i++) {
      await Promise.all([...this.stores.values()].map((s) => s.sched.idle()));
      await new Promise((r) => setImmediate(r));
      if (this.inFlight === 0 && [...this.stores.values()].every((s) => s.sched.isIdle())) return;
    }
    throw new Error('cluster did not settle');
  }

  async tick(n = 1): Promise<void> {
    for (let i = 0; i < n; i++) {
      for (const s of this.stores.values()) s.sched.tickAll();
      await this.settle();
    }
  }

  leader(rangeId: number): TestReplica | undefined {
    const leaders = [...this.stores.values()].map((s) => s.replicas.get(rangeId)!).filter((r) => r.node.status().role === 'leader');
    return leaders.length === 1 ? leaders[0] : undefined;
  }

  async electLeader(rangeId: number): Promise<TestReplica> {
    for (let i = 0; i < 200; i++) {
      const l = this.leader(rangeId);
      if (l) return l;
      await this.tick();
    }
    throw new Error(`no leader for r${rangeId}`);
  }

  async propose(rangeId: number, cmd: string): Promise<void> {
    const l = await this.electLeader(rangeId);
    l.node.propose(Buffer.from(cmd));
    this.stores.get(l.self.nodeId)!.sched.enqueue(rangeId);
    await this.settle();
  }
}

describe('scheduler + RawNode + RaftLogStorage: a 3-store cluster', () => {
  it('elects a leader and commits proposals on every store, one synced write per turn', async () => {
    const c = new Cluster([1]);
    const leader = await c.electLeader(1);
    expect(leader.node.status().term).toBeGreaterThan(INITIAL_TERM);
    for (let i = 0; i < 5; i++) await c.propose(1, `cmd-${i}`);
    await c.tick(2); // followers learn the final commit index from heartbeats
    const want = Array.from({ length: 5 }, (_, i) => `cmd-${i}`);
    for (const s of c.stores.values()) {
      expect(s.replicas.get(1)!.commands()).toEqual(want);
      expect(s.engine.durableWrites).toBe(s.sched.stats.syncedWrites);
      expect(s.sched.stats.syncedWrites).toBeLessThanOrEqual(s.sched.stats.turns);
    }
    // The logs agree entry by entry.
    const logs = [...c.stores.values()].map((s) => {
      const log = s.replicas.get(1)!.log;
      return log.entries(log.firstIndex(), log.lastIndex() + 1, Infinity).map((e) => `${e.index}@${e.term}:${e.data.toString()}`);
    });
    expect(logs[1]).toEqual(logs[0]);
    expect(logs[2]).toEqual(logs[0]);
  });

  it('persists many ranges of a turn in one synced write and coalesces their traffic', async () => {
    const ranges = [1, 2, 3, 4, 5, 6, 7, 8];
    const c = new Cluster(ranges);
    for (const r of ranges) await c.electLeader(r);
    const before = new Map([...c.stores.values()].map((s) => [s.nodeId, s.engine.durableWrites]));
    const batchesBefore = c.batchesSent;
    const messagesBefore = c.messagesSent;
    // One proposal on every range in the same turn.
    for (const r of ranges) {
      const l = c.leader(r)!;
      l.node.propose(Buffer.from(`x${r}`));
      c.stores.get(l.self.nodeId)!.sched.enqueue(r);
    }
    await c.settle();
    await c.tick(2);
    for (const s of c.stores.values()) {
      for (const r of ranges) expect(s.replicas.get(r)!.commands()).toEqual([`x${r}`]);
      // 8 ranges, each needing append + commit: far fewer syncs than 8 per round trip.
      expect(s.engine.durableWrites - before.get(s.nodeId)!).toBeLessThanOrEqual(4);
    }
    // Each turn sends at most one batch per peer, however many ranges spoke.
    const batches = c.batchesSent - batchesBefore;
    const messages = c.messagesSent - messagesBefore;
    expect(batches * 3).toBeLessThan(messages);
  });

  it('restarts a store from its engine and catches it up', async () => {
    const c = new Cluster([1]);
    await c.propose(1, 'a');
    await c.tick(2);
    const leader = c.leader(1)!;
    const victim = NODES.find((n) => n !== leader.self.nodeId)!;
    const engine = c.stop(victim);
    await c.propose(1, 'b'); // a majority of two commits without the victim
    await c.propose(1, 'c');
    const restarted = c.start(victim, engine);
    const rep = restarted.replicas.get(1)!;
    expect(rep.commands()).toEqual(['a']); // state rebuilt from the engine alone
    expect(rep.log.initialState().hardState.term).toBe(leader.node.status().term);
    await c.tick(5);
    expect(rep.commands()).toEqual(['a', 'b', 'c']);
    expect(rep.log.lastIndex()).toBe(leader.log.lastIndex());
    await c.propose(1, 'd');
    await c.tick(2);
    for (const s of c.stores.values()) expect(s.replicas.get(1)!.commands()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('catches up a restarted store by snapshot once the leader truncated past it', async () => {
    const c = new Cluster([1]);
    await c.propose(1, 'a');
    await c.tick(2);
    const leader = c.leader(1)!;
    const victim = NODES.find((n) => n !== leader.self.nodeId)!;
    const engine = c.stop(victim);
    for (const cmd of ['b', 'c', 'd']) await c.propose(1, cmd);
    await c.tick(2);
    // Every live replica truncates its whole applied log: the victim can only get a snapshot.
    for (const s of c.stores.values()) {
      const rep = s.replicas.get(1)!;
      const b = s.engine.newBatch();
      rep.log.truncateLog(b, rep.appliedIndex);
      s.engine.write(b, { sync: true });
    }
    const restarted = c.start(victim, engine);
    const rep = restarted.replicas.get(1)!;
    const leaderEngine = c.stores.get(leader.self.nodeId)!.engine;
    let snapshots = 0;
    rep.snapshotSource = (rangeId, index) => {
      snapshots++;
      expect(index).toBe(leader.appliedIndex);
      const out: Array<[Buffer, Buffer]> = [];
      const it = leaderEngine.iterator({ lower: smKey(rangeId, 0), upper: smKey(rangeId, index + 1) });
      for (; it.valid(); it.next()) out.push([it.key(), it.value()]);
      it.close();
      return out;
    };
    await c.tick(5);
    expect(snapshots).toBe(1);
    expect(rep.commands()).toEqual(['a', 'b', 'c', 'd']);
    expect(rep.log.firstIndex()).toBe(leader.log.firstIndex());
    await c.propose(1, 'e');
    await c.tick(2);
    expect(rep.commands()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(rep.log.lastIndex()).toBe(leader.log.lastIndex());
  });

  it('truncates applied log prefixes without disturbing replication', async () => {
    const c = new Cluster([1]);
    for (let i = 0; i < 6; i++) await c.propose(1, `t${i}`);
    await c.tick(2);
    for (const s of c.stores.values()) {
      const rep = s.replicas.get(1)!;
      const b = s.engine.newBatch();
      rep.log.truncateLog(b, rep.appliedIndex - 1);
      s.engine.write(b, { sync: true });
    }
    await c.propose(1, 'after');
    await c.tick(2);
    for (const s of c.stores.values()) {
      const rep = s.replicas.get(1)!;
      expect(rep.commands().slice(-2)).toEqual(['t5', 'after']);
      expect(rep.log.firstIndex()).toBeGreaterThan(INITIAL_INDEX + 5);
    }
  });
});

describe('under message loss, reordering and restarts', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`every store applies the same commands, none lost (seed ${seed})`, async () => {
      const rng = seededRng(seed);
      const ranges = [1, 2, 3];
      const c = new Cluster(ranges);
      c.faults = { rng, dropRate: 0.15, delayHopsMax: 4 };
      const engines = new Map([...c.stores.values()].map((s) => [s.nodeId, s.engine]));
      const seen = new Map<number, string[]>(ranges.map((r) => [r, []])); // longest applied sequence observed
      const check = (): void => {
        for (const s of c.stores.values()) {
          for (const r of ranges) {
            const got = s.replicas.get(r)!.commands();
            const longest = seen.get(r)!;
            // Every replica's applied sequence is a prefix of (or extends) every other's.
            const n = Math.min(got.length, longest.length);
            expect(got.slice(0, n)).toEqual(longest.slice(0, n));
            if (got.length > longest.length) seen.set(r, got);
          }
        }
      };
      let next = 0;
      for (let step = 0; step < 150; step++) {
        const roll = rng.next();
        if (roll < 0.45) {
          const r = ranges[Math.floor(rng.next() * ranges.length)]!;
          const l = c.leader(r);
          if (l && c.stores.get(l.self.nodeId)?.replicas.get(r) === l) {
            l.node.propose(Buffer.from(`s${seed}-${next++}`));
            c.stores.get(l.self.nodeId)!.sched.enqueue(r);
          }
        } else if (roll < 0.48 && c.down.size === 0) {
          c.stop(NODES[Math.floor(rng.next() * NODES.length)]!);
        } else if (roll < 0.55 && c.down.size > 0) {
          const n = [...c.down][0]!;
          c.start(n, engines.get(n)!);
        }
        await c.tick();
        check();
      }
      // Heal: everyone up, no faults, and enough time to converge.
      for (const n of [...c.down]) c.start(n, engines.get(n)!);
      c.faults = null;
      await c.tick(30);
      check();
      for (const r of ranges) {
        const all = [...c.stores.values()].map((s) => s.replicas.get(r)!.commands());
        expect(all[1]).toEqual(all[0]);
        expect(all[2]).toEqual(all[0]);
        expect(all[0]).toEqual(seen.get(r));
      }
      expect([...seen.values()].reduce((n, cmds) => n + cmds.length, 0)).toBeGreaterThan(10);
    });
  }
});

describe('on RocksDB', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('commits through synced writes and restarts every store from its reopened directory', async () => {
    const paths = NODES.map(() => mkdtempSync(join(tmpdir(), 'shoal-raftsched-')));
    dirs.push(...paths);
    const engines = await Promise.all(paths.map((d) => RocksEngine.open(d)));
    const c = new Cluster([1, 2], engines);
    for (const cmd of ['p', 'q', 'r']) await c.propose(1, cmd);
    await c.propose(2, 'z');
    await c.tick(2);
    for (const s of c.stores.values()) {
      expect(s.replicas.get(1)!.commands()).toEqual(['p', 'q', 'r']);
      expect(s.engine.durableWrites).toBe(s.sched.stats.syncedWrites);
    }
    const term = c.leader(1)!.node.status().term;
    // Stop everything, close the engines, reopen them from disk and restart all stores.
    for (const n of NODES) await c.stop(n).close();
    const reopened = await Promise.all(paths.map((d) => RocksEngine.open(d)));
    for (const n of NODES) c.start(n, counting(reopened[n - 1]!));
    for (const s of c.stores.values()) {
      const rep = s.replicas.get(1)!;
      expect(rep.commands()).toEqual(['p', 'q', 'r']);
      expect(rep.log.initialState().hardState.term).toBe(term);
    }
    await c.propose(1, 's');
    await c.tick(2);
    for (const s of c.stores.values()) {
      expect(s.replicas.get(1)!.commands()).toEqual(['p', 'q', 'r', 's']);
      expect(s.replicas.get(2)!.commands()).toEqual(['z']);
    }
    for (const n of NODES) await c.stop(n).close();
  });
});
