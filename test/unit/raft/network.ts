// A tiny in-memory network of RawNodes for tests: each RaftPeer runs the owner's loop
// (persist → send → apply → advance) over a MemoryStorage, and the Network queues messages
// between peers, with hooks to drop, partition and reorder them. Used by the data-driven
// scripts, the property tests and (reusable by) the simulator.

import type { ConfState, Entry, Message, PeerId, RaftConfig, RaftStorage, Ready, ReadState } from '../../../storage/raft/index.js';
import { ConfChangeError, MemoryStorage, RawNode, bootstrapConfState, decodeConfChange } from '../../../storage/raft/index.js';

export interface PeerOptions {
  electionTicks?: number;
  heartbeatTicks?: number;
  preVote?: boolean;
  checkQuorum?: boolean;
  msgBytesMax?: number;
  inflightMsgsMax?: number;
  inflightBytesMax?: number;
  uncommittedBytesMax?: number;
  readOnlyOption?: 'safe' | 'leaseBased';
  /** Deterministic by default: the smallest jitter. */
  randomInt?: (n: number) => number;
}

/** One applied command: what the replicated state machine saw, in order. */
export interface Applied {
  readonly index: number;
  readonly term: number;
  readonly data: string;
}

/** The state machine of a test peer: the applied commands, serialized into snapshots. */
function encodeState(cmds: readonly Applied[]): Buffer {
  return Buffer.from(JSON.stringify(cmds));
}

function decodeState(data: Buffer): Applied[] {
  return data.length === 0 ? [] : (JSON.parse(data.toString()) as Applied[]);
}

export class RaftPeer {
  raw: RawNode;
  /** Normal, non-empty entries applied, in order (the replicated state machine). */
  applied: Applied[] = [];
  appliedIndex = 0;
  confState: ConfState;
  readStates: ReadState[] = [];
  /** Conf changes refused by the membership rules (the configuration stayed as it was). */
  refusedConfChanges: string[] = [];
  /** Every Ready handled (for tests that inspect them); cleared by the caller. */
  readonly readyLog: Ready[] = [];
  recordReadies = false;
  /** Called for every committed entry applied (property tests record them). */
  onApply: ((id: PeerId, e: Entry) => void) | null = null;

  constructor(
    readonly id: PeerId,
    readonly storage: MemoryStorage,
    readonly options: PeerOptions,
  ) {
    this.confState = storage.initialState().confState;
    const snap = storage.snapshot();
    this.applied = decodeState(snap.data);
    this.appliedIndex = snap.meta.index;
    this.raw = new RawNode(this.config(this.appliedIndex));
  }

  /**
   * The storage Raft reads: the MemoryStorage, except that a snapshot is made on demand
   * from the applied state (as a range does), so a new member can be caught up at once.
   */
  private storageView(): RaftStorage {
    const ms = this.storage;
    return {
      initialState: () => ms.initialState(),
      entries: (lo, hi, maxBytes) => ms.entries(lo, hi, maxBytes),
      term: (i) => ms.term(i),
      firstIndex: () => ms.firstIndex(),
      lastIndex: () => ms.lastIndex(),
      snapshot: () => {
        if (this.appliedIndex > ms.snapshot().meta.index) ms.createSnapshot(this.appliedIndex, this.confState, encodeState(this.applied));
        return ms.snapshot();
      },
    };
  }

  config(applied: number): RaftConfig {
    const o = this.options;
    return {
      id: this.id,
      storage: this.storageView(),
      electionTicks: o.electionTicks ?? 10,
      heartbeatTicks: o.heartbeatTicks ?? 1,
      applied,
      msgBytesMax: o.msgBytesMax ?? 1 << 20,
      inflightMsgsMax: o.inflightMsgsMax ?? 256,
      inflightBytesMax: o.inflightBytesMax ?? 0,
      uncommittedBytesMax: o.uncommittedBytesMax ?? 0,
      preVote: o.preVote ?? false,
      checkQuorum: o.checkQuorum ?? false,
      randomInt: o.randomInt ?? (() => 0),
      readOnlyOption: o.readOnlyOption ?? 'safe',
    };
  }

  /** Crash and restart: everything volatile is lost; storage (all synced) is kept. */
  restart(): void {
    const snap = this.storage.snapshot();
    this.applied = decodeState(snap.data);
    this.appliedIndex = snap.meta.index;
    this.confState = snap.meta.confState;
    this.readStates = [];
    this.raw = new RawNode(this.config(this.appliedIndex));
  }

  /** One pass of the owner's loop. Returns the Ready handled, or null if there was none. */
  handleReady(send: (m: Message) => void): Ready | null {
    if (!this.raw.hasReady()) return null;
    const rd = this.raw.ready();
    if (this.recordReadies) this.readyLog.push(rd);
    // 1. persist (MemoryStorage writes are "synced" at once)
    if (rd.snapshot !== null) this.storage.applySnapshot(rd.snapshot);
    this.storage.append(rd.entries);
    if (rd.hardState !== null) this.storage.setHardState(rd.hardState);
    // 2. send
    for (const m of rd.messages) send(m);
    // 3. apply
    if (rd.snapshot !== null) this.applySnapshot(rd.snapshot.data, rd.snapshot.meta.index, rd.snapshot.meta.confState);
    for (const e of rd.committedEntries) this.applyEntry(e);
    for (const rs of rd.readStates) this.readStates.push(rs);
    // 4. advance
    this.raw.advance(rd);
    return rd;
  }

  private applySnapshot(data: Buffer, index: number, cs: ConfState): void {
    this.applied = decodeState(data);
    this.appliedIndex = index;
    this.confState = cs;
  }

  private applyEntry(e: Entry): void {
    if (e.index !== this.appliedIndex + 1) throw new Error(`peer ${this.id}: applying ${e.index} after ${this.appliedIndex}`);
    this.appliedIndex = e.index;
    if (this.onApply !== null) this.onApply(this.id, e);
    if (e.type === 'confChange') {
      try {
        this.confState = this.raw.applyConfChange(decodeConfChange(e.data));
      } catch (err) {
        if (!(err instanceof ConfChangeError)) throw err;
        this.refusedConfChanges.push(`${e.index}: ${err.message}`);
      }
      return;
    }
    if (e.data.length > 0) this.applied.push({ index: e.index, term: e.term, data: e.data.toString() });
  }

  /** Snapshots the applied state and compacts the log up to `index` (default: applied). */
  compact(index = this.appliedIndex): void {
    if (index <= this.storage.snapshot().meta.index) return;
    const cmds = this.applied.filter((a) => a.index <= index);
    this.storage.createSnapshot(index, this.confState, encodeState(cmds));
    this.storage.compact(index);
  }
}

export class Network {
  readonly peers = new Map<PeerId, RaftPeer>();
  /** Messages sent and not yet delivered, in send order. */
  queue: Message[] = [];
  /** Pairs (from→to) whose messages are dropped; set by partition(). */
  private readonly cut = new Set<string>();
  /** Drop a message when this says so (in addition to partitions). */
  dropIf: ((m: Message) => boolean) | null = null;

  constructor(readonly options: PeerOptions = {}) {}

  /** Adds peers with ids; with `voters` they bootstrap a new group, else start empty. */
  add(ids: readonly PeerId[], voters: readonly PeerId[] | null, learners: readonly PeerId[] = [], options: PeerOptions = {}): void {
    for (const id of ids) {
      const storage = new MemoryStorage(voters !== null ? bootstrapConfState(voters, learners) : undefined);
      this.peers.set(id, new RaftPeer(id, storage, { ...this.options, ...options }));
    }
  }

  peer(id: PeerId): RaftPeer {
    const p = this.peers.get(id);
    if (p === undefined) throw new Error(`no peer ${id}`);
    return p;
  }

  send(m: Message): void {
    if (this.cut.has(`${m.from}-${m.to}`) || (this.dropIf !== null && this.dropIf(m))) {
      this.lost(m);
      return;
    }
    this.queue.push(m);
  }

  /**
   * The owner's duty for lost messages: a lost snapshot must be reported, or the leader
   * waits for it forever (the transport of a real node reports stream failures the same way).
   */
  lost(m: Message): void {
    if (m.type === 'snap') this.peers.get(m.from)?.raw.reportSnapshot(m.to, false);
  }

  /** Steps m at its recipient; a delivered snapshot is reported to its sender. */
  deliver(m: Message): void {
    const to = this.peers.get(m.to);
    if (to === undefined) return;
    to.raw.step(m);
    if (m.type === 'snap') this.peers.get(m.from)?.raw.reportSnapshot(m.to, true);
  }

  /** Handles the Ready of every peer (ascending id); true if any had one. */
  processReadies(): boolean {
    let any = false;
    for (const id of [...this.peers.keys()].sort((a, b) => a - b)) {
      if (this.peer(id).handleReady((m) => this.send(m)) !== null) any = true;
    }
    return any;
  }

  /** Delivers every queued message (to peers that exist); true if any. */
  deliverAll(): boolean {
    const msgs = this.queue;
    this.queue = [];
    for (const m of msgs) this.deliver(m);
    return msgs.length > 0;
  }

  /** Readies and deliveries until quiet. */
  stabilize(roundsMax = 1000): void {
    for (let i = 0; i < roundsMax; i++) {
      const a = this.processReadies();
      const b = this.deliverAll();
      if (!a && !b) return;
    }
    throw new Error('network did not stabilize');
  }

  tickAll(n = 1): void {
    for (let i = 0; i < n; i++) for (const p of this.peers.values()) p.raw.tick();
  }

  /** Cuts both directions between every node of `a` and every node of `b`. */
  partition(a: readonly PeerId[], b: readonly PeerId[]): void {
    for (const x of a) {
      for (const y of b) {
        this.cut.add(`${x}-${y}`);
        this.cut.add(`${y}-${x}`);
      }
    }
  }

  isolate(id: PeerId): void {
    this.partition([id], [...this.peers.keys()].filter((x) => x !== id));
  }

  heal(): void {
    this.cut.clear();
  }

  leader(): PeerId | null {
    let lead: PeerId | null = null;
    for (const p of this.peers.values()) {
      if (p.raw.status().role === 'leader' && (lead === null || p.raw.status().term > this.peer(lead).raw.status().term)) lead = p.id;
    }
    return lead;
  }
}
