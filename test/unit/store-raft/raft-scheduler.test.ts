// The multi-Raft ready loop (storage/store/raft-scheduler.ts) with scripted replicas: one
// engine write per turn for every queued replica, synced only when a Ready must sync; the
// persist → send → apply → advance order; messages arriving during the disk wait go to the
// next turn; quiescent replicas are not ticked; limits split work across turns.

import { describe, expect, it } from 'vitest';
import { MemEngine } from '../../../storage/engine/index.js';
import type { Engine, WriteBatch } from '../../../storage/engine/index.js';
import type { RaftMessageBatch } from '../../../storage/api/transport.js';
import type { Entry, Message, Ready } from '../../../storage/raft/types.js';
import { RaftScheduler } from '../../../storage/store/raft-scheduler.js';
import type { RaftReplica, RaftSchedulerLimits } from '../../../storage/store/raft-scheduler.js';
import type { RaftMessageOut } from '../../../storage/store/heartbeats.js';

const EMPTY_READY: Ready = { softState: null, hardState: null, readStates: [], entries: [], snapshot: null, committedEntries: [], messages: [], mustSync: false };

function hb(rangeId: number, toNode: number): RaftMessageOut {
  const message: Message = { type: 'heartbeat', from: 1, to: toNode, term: 1, logTerm: 0, index: 0, entries: [], commit: 0, snapshot: null, reject: false, rejectHint: 0, context: null };
  return { rangeId, from: { nodeId: 1, storeId: 1, replicaId: 1 }, to: { nodeId: toNode, storeId: toNode, replicaId: toNode }, message };
}

/** A replica whose next Ready is scripted by the test; every call is logged. */
class ScriptedReplica implements RaftReplica {
  next: Ready | null = null;
  isQuiescent = false;
  applyDelay: Promise<void> | null = null;
  stepped: RaftMessageOut[] = [];
  ticks = 0;

  constructor(
    readonly rangeId: number,
    private readonly events: string[],
  ) {}

  step(req: RaftMessageOut): void {
    this.stepped.push(req);
    this.events.push(`r${this.rangeId} step`);
  }
  tick(): void {
    this.ticks++;
  }
  quiescent(): boolean {
    return this.isQuiescent;
  }
  hasReady(): boolean {
    return this.next !== null;
  }
  ready(): Ready {
    this.events.push(`r${this.rangeId} ready`);
    return this.next!;
  }
  persist(batch: WriteBatch, rd: Ready): void {
    this.events.push(`r${this.rangeId} persist`);
    for (const e of rd.entries) batch.put(Buffer.from(`r${this.rangeId}/${e.index}`), e.data);
  }
  outgoing(rd: Ready): readonly RaftMessageOut[] {
    this.events.push(`r${this.rangeId} send`);
    return rd.messages.length > 0 ? [hb(this.rangeId, 2)] : [];
  }
  apply(rd: Ready): void | Promise<void> {
    this.events.push(`r${this.rangeId} apply ${rd.committedEntries.length}`);
    if (this.applyDelay) return this.applyDelay.then(() => void this.events.push(`r${this.rangeId} applied`));
  }
  advance(rd: Ready): void {
    this.events.push(`r${this.rangeId} advance`);
    if (this.next === rd) this.next = null;
  }
}

/** A memory engine whose durable writes wait until the test releases them. */
class GatedEngine extends MemEngine {
  gates: Array<() => void> = [];
  gated = false;
  durableWrites = 0;
  plainWrites = 0;
  constructor(private readonly events: string[]) {
    super();
  }
  override writeDurable(batch: WriteBatch): Promise<void> {
    this.durableWrites++;
    this.events.push(`write sync ${batch.count}`);
    if (!this.gated) return super.writeDurable(batch);
    return new Promise((resolve) => this.gates.push(() => resolve(super.writeDurable(batch))));
  }
  override write(batch: WriteBatch, opts: { sync: boolean }): void {
    if (!opts.sync) {
      this.plainWrites++;
      this.events.push(`write nosync ${batch.count}`);
    }
    super.write(batch, opts);
  }
}

const entries = (n: number): Entry[] => Array.from({ length: n }, (_, i) => ({ index: i + 1, term: 1, type: 'normal' as const, data: Buffer.from('v') }));
const readyWith = (n: number, mustSync = true, msgs = 0): Ready => ({
  ...EMPTY_READY,
  entries: entries(n),
  committedEntries: entries(n),
  messages: Array.from({ length: msgs }, () => hb(0, 2).message),
  mustSync,
});

function setup(limits: Partial<RaftSchedulerLimits> = {}): { events: string[]; engine: GatedEngine; sent: RaftMessageBatch[]; sched: RaftScheduler; fatal: unknown[] } {
  const events: string[] = [];
  const engine = new GatedEngine(events);
  const sent: RaftMessageBatch[] = [];
  const fatal: unknown[] = [];
  const sched = new RaftScheduler({
    nodeId: 1,
    engine,
    sendRaft: (b) => {
      sent.push(b);
      events.push(`sendRaft ${b.toNodeId} hb=${b.heartbeats.length}`);
    },
    defer: (fn) => setImmediate(fn),
    onFatal: (e) => fatal.push(e),
    limits,
  });
  return { events, engine, sent, sched, fatal };
}

const flushIo = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('RaftScheduler', () => {
  it('persists every queued replica in one synced write, then sends, applies and advances', async () => {
    const { events, engine, sent, sched } = setup();
    const reps = [1, 2, 3].map((id) => new ScriptedReplica(id, events));
    for (const r of reps) {
      r.next = readyWith(2, true, 1);
      sched.register(r);
    }
    await sched.idle();
    expect(engine.durableWrites).toBe(1);
    expect(sched.stats).toMatchObject({ syncedWrites: 1, unsyncedWrites: 0, turns: 1 });
    expect(events).toEqual([
      'r1 ready', 'r1 persist', 'r2 ready', 'r2 persist', 'r3 ready', 'r3 persist',
      'write sync 6',
      'r1 send', 'r2 send', 'r3 send',
      'sendRaft 2 hb=3',
      'r1 apply 2', 'r1 advance', 'r2 apply 2', 'r2 advance', 'r3 apply 2', 'r3 advance',
    ]);
    expect(sent).toHaveLength(1); // three ranges' heartbeats to node 2 coalesced into one batch
    expect(engine.get(Buffer.from('r3/2'))?.toString()).toBe('v');
  });

  it('skips the sync when no Ready must sync', async () => {
    const { engine, sched, events } = setup();
    const r = new ScriptedReplica(1, events);
    r.next = readyWith(0, false);
    r.next = { ...r.next, hardState: { term: 1, vote: 0, commit: 1 } };
    sched.register(r);
    await sched.idle();
    expect(engine.durableWrites).toBe(0);
    expect(sched.stats.turns).toBe(1);
    expect(sched.stats.unsyncedWrites).toBe(0); // nothing staged: no write at all
    const r2 = new ScriptedReplica(2, events);
    r2.next = readyWith(1, false);
    sched.register(r2);
    await sched.idle();
    expect(engine.durableWrites).toBe(0);
    expect(sched.stats.unsyncedWrites).toBe(1);
  });

  it('queues messages that arrive during the disk wait for the next turn', async () => {
    const { engine, sched, events } = setup();
    engine.gated = true;
    const r = new ScriptedReplica(1, events);
    r.next = readyWith(1);
    sched.register(r);
    await flushIo();
    expect(engine.gates).toHaveLength(1); // turn 1 waits on the disk
    sched.deliver(hb(1, 1));
    sched.deliver(hb(1, 1));
    await flushIo();
    expect(r.stepped).toHaveLength(0); // not stepped while the Ready is outstanding
    engine.gated = false;
    engine.gates.shift()!();
    await sched.idle();
    expect(r.stepped).toHaveLength(2);
    expect(events.indexOf('r1 step')).toBeGreaterThan(events.indexOf('r1 advance'));
    expect(sched.stats.turns).toBe(1); // the second pass stepped, but had no Ready
  });

  it('ticks only replicas that are not quiescent, once per tickAll', async () => {
    const { sched, events } = setup();
    const busy = new ScriptedReplica(1, events);
    const idle = new ScriptedReplica(2, events);
    idle.isQuiescent = true;
    sched.register(busy);
    sched.register(idle);
    await sched.idle();
    sched.tickAll();
    sched.tickAll(); // both before the turn runs: coalesced into one tick
    await sched.idle();
    sched.tickAll();
    await sched.idle();
    expect(busy.ticks).toBe(2);
    expect(idle.ticks).toBe(0);
  });

  it('splits work across turns by replicas and bytes per turn', async () => {
    const { engine, sched, events } = setup({ replicasPerTurnMax: 2 });
    for (let id = 1; id <= 5; id++) {
      const r = new ScriptedReplica(id, events);
      r.next = readyWith(1);
      sched.register(r);
    }
    await sched.idle();
    expect(engine.durableWrites).toBe(3);

    const b = setup({ turnBytesMax: 10 });
    for (let id = 1; id <= 3; id++) {
      const r = new ScriptedReplica(id, b.events);
      r.next = readyWith(20); // 20 bytes > 10: each replica gets a turn of its own
      b.sched.register(r);
    }
    await b.sched.idle();
    expect(b.engine.durableWrites).toBe(3);
  });

  it('waits for an async apply before advancing', async () => {
    const { sched, events } = setup();
    const r = new ScriptedReplica(1, events);
    let release!: () => void;
    r.applyDelay = new Promise((res) => (release = res));
    r.next = readyWith(1);
    sched.register(r);
    await flushIo();
    await flushIo();
    expect(events).toContain('r1 apply 1');
    expect(events).not.toContain('r1 advance');
    release();
    await sched.idle();
    expect(events.slice(-2)).toEqual(['r1 applied', 'r1 advance']);
  });

  it('creates replicas for unknown ranges on demand, or drops the message', async () => {
    const { sched, events } = setup();
    expect(sched.replica(9)).toBeUndefined();
    sched.deliver(hb(9, 1));
    expect(sched.stats.droppedMessages).toBe(1);
    const created: ScriptedReplica[] = [];
    const s2 = new RaftScheduler({
      nodeId: 1,
      engine: new MemEngine(),
      sendRaft: () => {},
      defer: setImmediate,
      onFatal: () => {},
      unknownRange: (req) => {
        const r = new ScriptedReplica(req.rangeId, events);
        created.push(r);
        return r;
      },
      limits: { inboundMessagesPerRangeMax: 2 },
    });
    for (let i = 0; i < 3; i++) s2.deliver(hb(9, 1));
    await s2.idle();
    expect(created).toHaveLength(1);
    expect(created[0]!.stepped).toHaveLength(2);
    expect(s2.stats.droppedMessages).toBe(1); // over inboundMessagesPerRangeMax
  });

  it('does not send or apply for a replica unregistered during the write', async () => {
    const { engine, sched, events, sent } = setup();
    engine.gated = true;
    const r = new ScriptedReplica(1, events);
    r.next = readyWith(1, true, 1);
    sched.register(r);
    await flushIo();
    sched.unregister(1);
    engine.gates.shift()!();
    await sched.idle();
    expect(events).toEqual(['r1 ready', 'r1 persist', 'write sync 1']);
    expect(sent).toHaveLength(0);
  });

  it('sends out-of-band messages with the next turn, coalesced with the Ready messages', async () => {
    const { sched, sent, events } = setup();
    sched.sendOutOfBand({ ...hb(5, 2), quiesce: true });
    await sched.idle();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.heartbeats).toEqual([{ rangeId: 5, fromReplicaId: 1, toReplicaId: 2, term: 1, commit: 0, quiesce: true }]);
    const r = new ScriptedReplica(1, events);
    r.next = readyWith(1, true, 1);
    sched.register(r);
    sched.sendOutOfBand({ ...hb(6, 2), quiesce: true });
    await sched.idle();
    expect(sent).toHaveLength(2);
    expect(sent[1]!.heartbeats.map((h) => h.rangeId)).toEqual([6, 1]);
  });

  it('stops and reports a failed engine write', async () => {
    const { engine, sched, fatal, events } = setup();
    engine.writeDurable = () => Promise.reject(new Error('disk on fire'));
    const r = new ScriptedReplica(1, events);
    r.next = readyWith(1);
    sched.register(r);
    await expect(sched.idle()).rejects.toThrow(/disk on fire/);
    expect(fatal).toHaveLength(1);
    sched.enqueue(1);
    await expect(sched.idle()).rejects.toThrow(/disk on fire/);
    expect(events).not.toContain('r1 send');
  });
});
