// One simulated Raft node: a RawNode over a MemoryStorage, the register state machine and
// the etcd owner loop run as separate scheduler events — persist (write the Ready to the
// SimRaftDisk; sync after a simulated disk latency when mustSync), then send, then apply,
// then advance — so a crash can strike between any two steps and loses what was not synced.
// Also serves client requests (propose / redirect / ReadIndex), makes snapshots and
// compacts the log, and reports to the invariant checker. Built and driven by cluster.ts.

import type { ConfChange, ConfState, Entry, Message, RaftConfig, RaftStorage, Ready } from '../../../storage/raft/index.js';
import { ConfChangeError, MemoryStorage, ProposalDroppedError, RawNode, decodeConfChange, describeMessage } from '../../../storage/raft/index.js';
import { assert } from '../../../storage/base/index.js';
import { buggify } from '../core/buggify.js';
import { SimRaftDisk } from '../core/raft-disk.js';
import type { SimRng } from '../core/rng.js';
import type { Scheduler, TimerHandle } from '../core/scheduler.js';
import type { ClientRequest, ClientResponse } from './client.js';
import type { LogView, RaftInvariants } from './invariants.js';
import { hashBytes } from './invariants.js';
import type { SmBug } from './state-machine.js';
import { RegisterStateMachine, encodeCommand } from './state-machine.js';

export type SimMsg =
  | { readonly kind: 'raft'; readonly m: Message }
  | { readonly kind: 'req'; readonly req: ClientRequest }
  | { readonly kind: 'resp'; readonly resp: ClientResponse };

export interface NodeConfig {
  readonly tickUs: number;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly syncUsMin: number;
  readonly syncUsMax: number;
  /** Applied entries beyond the snapshot before a new snapshot + compaction. */
  readonly snapshotEveryEntries: number;
  /** Entries kept behind a compaction point (so slightly lagging followers avoid snapshots). */
  readonly compactKeepEntries: number;
  readonly msgBytesMax: number;
  readonly inflightMsgsMax: number;
  readonly inflightBytesMax: number;
  readonly uncommittedBytesMax: number;
  readonly readOnlyOption: 'safe' | 'leaseBased';
  /** Planted bugs for the checker self-tests. */
  readonly bug: NodeBug;
  /** Index of the founders' bootstrap snapshot (0 reproduces raft-bugs.md #1). */
  readonly bootstrapIndex: number;
  /** Make snapshots for Raft from the applied state when asked (false reproduces a stuck learner). */
  readonly snapshotOnDemand: boolean;
}

export type NodeBug = 'none' | 'staleLocalReads' | 'skipSync' | 'ignoreClients' | SmBug;

export interface NodeHost {
  readonly sched: Scheduler;
  readonly inv: RaftInvariants;
  send(from: number, to: number, msg: SimMsg): void;
  /** Whether the transport could currently deliver to `to` (false: down or cut off). */
  reachable(to: number): boolean;
  log: ((text: string) => void) | null;
}

/** Client requests waiting for their command to apply here at most (one per client). */
const PENDING_REQUESTS_MAX = 1024;

interface PendingRead {
  readonly client: number;
  readonly seq: number;
  readonly key: string;
  index: number;
}

export class SimRaftNode {
  raw: RawNode | null = null;
  storage: MemoryStorage | null = null;
  readonly disk = new SimRaftDisk();
  sm = new RegisterStateMachine();
  confState: ConfState | null = null;
  up = false;
  /** Bumped on crash: continuations of an earlier life see a different number and stop. */
  private incarnation = 0;
  private busy = false;
  private kickScheduled = false;
  private tickTimer: TimerHandle | null = null;
  /** client → seq of the command it waits for here. */
  private readonly pendingWrites = new Map<number, number>();
  /** ReadIndex requests by context, then waiting for applied >= index. */
  private readonly pendingReads = new Map<string, PendingRead>();
  private readsWaiting: PendingRead[] = [];
  private readCounter = 0;
  /** Tick period of this node's (slightly fast or slow) timer. */
  private readonly tickUs: number;
  crashes = 0;
  removed = false;

  constructor(
    readonly id: number,
    private readonly host: NodeHost,
    private readonly rng: SimRng,
    private readonly cfg: NodeConfig,
  ) {
    this.tickUs = Math.round(cfg.tickUs * (0.95 + 0.1 * rng.next()));
  }

  /** First start: a founding member (storage holds the bootstrap ConfState) or an empty joiner. */
  boot(bootstrap: ConfState | null): void {
    assert(!this.up && this.raw === null, `node ${this.id}: boot twice`);
    // Founders start from a snapshot at bootstrapIndex holding the initial ConfState. At index 1
    // (the default) a joiner can only catch up through a snapshot, which carries the
    // configuration; at index 0 it may get the log from entry 1 and never learn the founders.
    const b = this.cfg.bootstrapIndex;
    const storage = bootstrap === null ? new MemoryStorage() : new MemoryStorage(bootstrap, b, b === 0 ? 0 : 1);
    this.disk.write({ snapshot: storage.snapshot() });
    this.disk.sync();
    this.start(storage, storage.snapshot().meta.index);
  }

  private start(storage: MemoryStorage, applied: number): void {
    this.storage = storage;
    this.confState = storage.initialState().confState;
    this.sm = new RegisterStateMachine();
    if (this.cfg.bug === 'dropEveryTenthWrite' && this.id === 1) this.sm.plantBug('dropEveryTenthWrite');
    const snap = storage.snapshot();
    this.sm.restore(snap.data, snap.meta.index);
    this.host.inv.restored(this.id, snap.meta.index, this.sm.digest);
    this.raw = new RawNode(this.raftConfig(storage, applied));
    this.up = true;
    this.scheduleTick(this.incarnation);
    this.kick();
  }

  private raftConfig(storage: MemoryStorage, applied: number): RaftConfig {
    const rng = this.rng;
    return {
      id: this.id,
      storage: this.storageView(storage),
      electionTicks: this.cfg.electionTicks,
      heartbeatTicks: this.cfg.heartbeatTicks,
      applied,
      msgBytesMax: this.cfg.msgBytesMax,
      inflightMsgsMax: this.cfg.inflightMsgsMax,
      inflightBytesMax: this.cfg.inflightBytesMax,
      uncommittedBytesMax: this.cfg.uncommittedBytesMax,
      preVote: true,
      checkQuorum: true,
      randomInt: (n) => rng.int(n),
      readOnlyOption: this.cfg.readOnlyOption,
    };
  }

  /**
   * What Raft reads: the MemoryStorage, except that a snapshot is made on demand from the
   * applied state (as a range does). A stored snapshot may predate the configuration that
   * added the follower it is for, and a follower ignores a snapshot that does not list it,
   * so the leader would resend it forever (etcd's "should never happen" case).
   */
  private storageView(ms: MemoryStorage): RaftStorage {
    return {
      initialState: () => ms.initialState(),
      entries: (lo, hi, maxBytes) => ms.entries(lo, hi, maxBytes),
      term: (i) => ms.term(i),
      firstIndex: () => ms.firstIndex(),
      lastIndex: () => ms.lastIndex(),
      snapshot: () => {
        const applied = this.sm.applied;
        if (this.cfg.snapshotOnDemand && applied > ms.snapshot().meta.index && applied <= ms.lastIndex()) {
          ms.createSnapshot(applied, this.confState, this.sm.snapshot());
          this.host.log?.(`node ${this.id} snapshot on demand @${applied}`);
        }
        return ms.snapshot();
      },
    };
  }

  private scheduleTick(inc: number): void {
    this.tickTimer = this.host.sched.after(this.tickUs, () => {
      if (inc !== this.incarnation) return;
      this.raw!.tick();
      this.kick();
      this.scheduleTick(inc);
    });
  }

  /** Loses everything volatile and every unsynced write. */
  crash(): void {
    assert(this.up, `node ${this.id}: crash while down`);
    const lost = this.disk.crash(this.rng);
    this.up = false;
    this.incarnation++;
    this.crashes++;
    this.tickTimer?.cancel();
    this.raw = null;
    this.storage = null;
    this.busy = false;
    this.kickScheduled = false;
    this.pendingWrites.clear();
    this.pendingReads.clear();
    this.readsWaiting = [];
    this.host.log?.(`node ${this.id} crash (lost ${lost} unsynced batches)`);
  }

  /** Rebuilds the node from its disk, as a real process would after a crash. */
  restart(): void {
    assert(!this.up, `node ${this.id}: restart while up`);
    const d = this.disk.read();
    assert(d.snapshot !== null, `node ${this.id}: restart without a snapshot on disk`);
    const storage = d.snapshot.meta.index === 0 ? new MemoryStorage(d.snapshot.meta.confState) : new MemoryStorage();
    if (d.snapshot.meta.index > 0) storage.applySnapshot(d.snapshot);
    storage.setHardState(d.hardState);
    storage.append(d.entries);
    this.storage = storage;
    this.host.log?.(`node ${this.id} restart: snapshot ${d.snapshot.meta.index}, entries ${d.entries.length}, ${JSON.stringify(d.hardState)}`);
    // The durable log up to the durable commit index must hold the committed entries.
    this.host.inv.matchCommitted(this.id, this.logView(), d.hardState.commit, 'durable log after restart');
    this.start(storage, d.snapshot.meta.index);
  }

  /** Leaves the cluster for good (after its removal was applied). */
  stop(): void {
    if (this.up) this.crash();
    this.removed = true;
  }

  // ---- the owner loop ----

  /** Schedules a pass of the ready loop unless one is running or queued. */
  kick(): void {
    if (!this.up || this.busy || this.kickScheduled) return;
    if (!this.raw!.hasReady()) return;
    this.kickScheduled = true;
    const inc = this.incarnation;
    this.host.sched.after(0, () => {
      if (inc !== this.incarnation) return;
      this.kickScheduled = false;
      this.handleReady(inc);
    });
  }

  private handleReady(inc: number): void {
    if (this.busy || !this.raw!.hasReady()) return;
    const rd = this.raw!.ready();
    this.busy = true;
    this.persist(rd);
    const syncUs = rd.mustSync ? this.rng.range(this.cfg.syncUsMin, this.cfg.syncUsMax) * (buggify('slowSync', 0.05) ? 20 : 1) : 0;
    this.host.sched.after(syncUs, () => {
      if (inc !== this.incarnation) return;
      if (rd.mustSync && this.cfg.bug !== 'skipSync') this.disk.sync();
      this.sendAll(rd);
      // Apply in a later event, so a crash can land between send and apply.
      const applyUs = buggify('slowApply', 0.1) ? this.rng.range(1_000, 30_000) : 0;
      this.host.sched.after(applyUs, () => {
        if (inc !== this.incarnation) return;
        this.applyReady(rd);
        this.raw!.advance(rd);
        this.busy = false;
        this.maybeSnapshot();
        this.kick();
      });
    });
  }

  private persist(rd: Ready): void {
    const st = this.storage!;
    if (rd.snapshot !== null) st.applySnapshot(rd.snapshot);
    st.append(rd.entries);
    if (rd.hardState !== null) st.setHardState(rd.hardState);
    const batch: { hardState?: typeof rd.hardState & object; snapshot?: typeof rd.snapshot & object; entries?: readonly Entry[] } = {};
    if (rd.hardState !== null) batch.hardState = rd.hardState;
    if (rd.snapshot !== null) batch.snapshot = rd.snapshot;
    if (rd.entries.length > 0) batch.entries = rd.entries;
    this.disk.write(batch);
    if (rd.softState !== null) {
      this.host.log?.(`node ${this.id} ${rd.softState.role} lead=${rd.softState.lead} term=${st.hardStateNow().term}`);
      if (rd.softState.role === 'leader') this.host.inv.leader(this.id, st.hardStateNow().term, this.logView());
    }
  }

  private sendAll(rd: Ready): void {
    for (const m of rd.messages) {
      // A transport that notices a dead peer tells Raft (the leader stops pipelining to it).
      if (!this.host.reachable(m.to) && buggify('reportUnreachable', 0.5)) this.raw!.reportUnreachable(m.to);
      if (m.type === 'snap' && buggify('snapshotSendFails', 0.5)) {
        this.raw!.reportSnapshot(m.to, false);
        continue;
      }
      this.host.send(this.id, m.to, { kind: 'raft', m });
      if (m.type === 'snap') this.raw!.reportSnapshot(m.to, true);
    }
    for (const rs of rd.readStates) {
      const key = rs.context.toString('latin1');
      const pr = this.pendingReads.get(key);
      if (pr === undefined) continue;
      this.pendingReads.delete(key);
      pr.index = rs.index;
      this.readsWaiting.push(pr);
    }
  }

  private applyReady(rd: Ready): void {
    if (rd.snapshot !== null) {
      const s = rd.snapshot;
      this.sm.restore(s.data, s.meta.index);
      this.confState = s.meta.confState;
      this.host.inv.restored(this.id, s.meta.index, this.sm.digest);
      this.host.log?.(`node ${this.id} installed snapshot ${s.meta.index}`);
    }
    for (const e of rd.committedEntries) this.applyEntry(e);
    this.serveReads();
  }

  private applyEntry(e: Entry): void {
    if (e.index <= this.sm.applied) return; // covered by a snapshot installed in the same Ready
    const out = this.sm.apply(e.index, e.term, e.data, e.type === 'normal');
    this.host.inv.applied(this.id, e.index, e.term, hashBytes(e.data), this.sm.digest);
    if (e.type === 'confChange') {
      this.applyConfChange(e.data.length === 0 ? { transition: 'auto', changes: [], context: Buffer.alloc(0) } : decodeConfChange(e.data), e.index);
      return;
    }
    if (out === undefined) return;
    const waiting = this.pendingWrites.get(out.cmd.client);
    if (waiting === out.cmd.seq) {
      this.pendingWrites.delete(out.cmd.client);
      this.reply({ kind: 'result', client: out.cmd.client, seq: out.cmd.seq, result: out.result });
    }
  }

  private applyConfChange(cc: ConfChange, index: number): void {
    try {
      this.confState = this.raw!.applyConfChange(cc);
      this.host.log?.(`node ${this.id} applied conf change @${index}: ${JSON.stringify(cc.changes)} → voters ${this.confState.voters} learners ${this.confState.learners} outgoing ${this.confState.votersOutgoing}`);
    } catch (err) {
      if (!(err instanceof ConfChangeError)) throw err;
      this.host.log?.(`node ${this.id} refused conf change @${index}: ${err.message}`);
    }
  }

  private serveReads(): void {
    if (this.readsWaiting.length === 0) return;
    const still: PendingRead[] = [];
    for (const r of this.readsWaiting) {
      if (r.index <= this.sm.applied) this.reply({ kind: 'result', client: r.client, seq: r.seq, result: { value: this.sm.read(r.key) } });
      else still.push(r);
    }
    this.readsWaiting = still;
  }

  /** Snapshots the state machine and compacts the log once enough entries were applied. */
  private maybeSnapshot(): void {
    const st = this.storage!;
    const applied = this.sm.applied;
    const every = buggify('eagerSnapshots') ? 3 : this.cfg.snapshotEveryEntries;
    if (applied - st.snapshot().meta.index < every || applied > st.lastIndex()) return;
    const snap = st.createSnapshot(applied, this.confState, this.sm.snapshot());
    const keep = buggify('compactAll') ? 0 : this.cfg.compactKeepEntries;
    const compactTo = applied - keep;
    if (compactTo >= st.firstIndex()) st.compact(compactTo);
    this.disk.write({ snapshot: snap });
    this.host.log?.(`node ${this.id} snapshot @${applied}, log now [${st.firstIndex()}, ${st.lastIndex()}]`);
  }

  // ---- network input ----

  receive(from: number, msg: SimMsg): void {
    if (!this.up) return;
    if (msg.kind === 'raft') {
      this.host.log?.(`node ${this.id} ← ${describeMessage(msg.m)}`);
      this.raw!.step(msg.m);
    } else if (msg.kind === 'req') {
      this.request(from, msg.req);
    }
    this.kick();
  }

  private request(client: number, req: ClientRequest): void {
    if (this.cfg.bug === 'ignoreClients') return;
    const raw = this.raw!;
    const cmd = req.cmd;
    const st = raw.status();
    if (cmd.kind === 'read' && req.readMode === 'readIndex') {
      if (this.cfg.bug === 'staleLocalReads') {
        this.reply({ kind: 'result', client, seq: cmd.seq, result: { value: this.sm.read(cmd.key) } });
        return;
      }
      const ctx = Buffer.from(`${this.id}:${this.incarnation}:${++this.readCounter}`);
      this.pendingReads.set(ctx.toString('latin1'), { client, seq: cmd.seq, key: cmd.key, index: 0 });
      if (this.pendingReads.size > PENDING_REQUESTS_MAX) this.pendingReads.delete(this.pendingReads.keys().next().value!);
      try {
        raw.readIndex(ctx);
      } catch (err) {
        if (!(err instanceof ProposalDroppedError)) throw err;
        this.reply({ kind: 'redirect', client, seq: cmd.seq, lead: st.lead });
      }
      return;
    }
    // Not the leader: half the time redirect the client, else let Raft forward the proposal.
    if (st.role !== 'leader' && st.lead !== 0 && this.rng.chance(0.5)) {
      this.reply({ kind: 'redirect', client, seq: cmd.seq, lead: st.lead });
      return;
    }
    try {
      raw.propose(encodeCommand(cmd));
      if (this.pendingWrites.size < PENDING_REQUESTS_MAX) this.pendingWrites.set(client, cmd.seq);
    } catch (err) {
      if (!(err instanceof ProposalDroppedError)) throw err;
      this.reply({ kind: 'redirect', client, seq: cmd.seq, lead: st.lead });
    }
  }

  private reply(resp: ClientResponse): void {
    this.host.send(this.id, resp.client, { kind: 'resp', resp });
  }

  // ---- views for the cluster and the checkers ----

  logView(): LogView {
    const st = this.storage!;
    return {
      firstIndex: st.firstIndex(),
      lastIndex: st.lastIndex(),
      termAt: (i) => (i >= st.firstIndex() && i <= st.lastIndex() ? st.term(i) : undefined),
      dataHashAt: (i) => (i >= st.firstIndex() && i <= st.lastIndex() ? hashBytes(st.entries(i, i + 1, Infinity)[0]!.data) : undefined),
    };
  }

  get applied(): number {
    return this.sm.applied;
  }
}
