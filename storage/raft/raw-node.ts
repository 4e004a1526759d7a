// RawNode (etcd's rawnode.go): the API the owner drives. The owner calls tick() on its
// timer, step() for each message from the network, propose() for commands, and runs the
// Ready loop: while hasReady(): rd = ready(); persist rd.hardState, rd.entries and
// rd.snapshot (synced when rd.mustSync); then send rd.messages; then apply rd.snapshot and
// rd.committedEntries in order; then advance(rd). Used by storage/store, tests and the simulator.

import { assert } from '../base/assert.js';
import type { ConfChange, ConfState, Entry, HardState, Message, PeerId, RaftConfig, RaftStatus, Ready, ReadState, SoftState } from './types.js';
import { NONE } from './types.js';
import { Raft } from './raft.js';
import { ProposalDroppedError } from './errors.js';
import { encodeConfChange } from './confchange.js';
import { isLocalMessage, isResponseMessage, makeMessage } from './util.js';

const EMPTY_READ_STATES: readonly ReadState[] = Object.freeze([]);

export class RawNode {
  private readonly raft: Raft;
  private prevSoftState: SoftState;
  private prevHardState: HardState;
  /** A Ready was handed out and not yet advanced. */
  private readyOutstanding = false;

  /**
   * Starts (or restarts) a node from config.storage: its hard state, log and ConfState.
   * A brand-new group starts from storage holding the initial ConfState (see index.ts).
   */
  constructor(config: RaftConfig) {
    this.raft = new Raft(config);
    this.prevSoftState = this.raft.softState();
    this.prevHardState = this.raft.hardState();
  }

  get id(): PeerId {
    return this.raft.id;
  }

  /** Advances logical time by one tick (elections, heartbeats, CheckQuorum). */
  tick(): void {
    this.raft.tick();
  }

  /** Starts an election now (a pre-vote first when preVote is on). */
  campaign(): void {
    this.raft.step(makeMessage({ type: 'hup', from: this.raft.id }));
  }

  /**
   * Proposes a command. A follower forwards it to the leader (where it may still be lost:
   * the owner retries on a timeout). Throws ProposalDroppedError when there is no leader,
   * a leadership transfer is in progress, or the leader's uncommittedBytesMax is spent.
   */
  propose(data: Buffer): void {
    this.stepProposal({ term: 0, index: 0, type: 'normal', data });
  }

  /** Proposes a membership change; applied by the owner (applyConfChange) once committed. */
  proposeConfChange(cc: ConfChange): void {
    this.stepProposal({ term: 0, index: 0, type: 'confChange', data: encodeConfChange(cc) });
  }

  private stepProposal(e: Entry): void {
    this.raft.step(makeMessage({ type: 'prop', from: this.raft.id, entries: [e] }));
  }

  /**
   * Applies a committed ConfChange entry's change to the configuration and returns the new
   * ConfState (which the owner stores with its applied state). Throws ConfChangeError for
   * a change the membership rules refuse; the configuration then stays as it was, on every
   * replica alike (they all apply the same entry).
   */
  applyConfChange(cc: ConfChange): ConfState {
    return this.raft.applyConfChange(cc);
  }

  /**
   * Steps a message received from a peer. Local message types and responses from
   * non-members are ignored (network input is never trusted with them), as are dropped
   * forwarded proposals (their proposer retries).
   */
  step(m: Message): void {
    if (isLocalMessage(m.type)) return;
    if (isResponseMessage(m.type) && !this.raft.tracker.progress.has(m.from)) return;
    try {
      this.raft.step(m);
    } catch (e) {
      if (e instanceof ProposalDroppedError) return;
      throw e;
    }
  }

  hasReady(): boolean {
    const r = this.raft;
    if (!softStateEqual(r.softState(), this.prevSoftState)) return true;
    const hs = r.hardState();
    if (!hardStateEqual(hs, this.prevHardState)) return true;
    if (r.raftLog.hasPendingSnapshot()) return true;
    if (r.msgs.length > 0 || r.raftLog.unstable.entries.length > 0 || r.raftLog.hasNextEntries()) return true;
    return r.readStates.length > 0;
  }

  /**
   * What the owner must do now (see the file comment for the order). Exactly one Ready may
   * be outstanding: call advance(rd) before the next ready(). Stepping and ticking between
   * ready() and advance() is allowed; what it produces comes in the next Ready.
   */
  ready(): Ready {
    assert(!this.readyOutstanding, 'ready() called again before advance()');
    const r = this.raft;
    const soft = r.softState();
    const hs = r.hardState();
    const softChanged = !softStateEqual(soft, this.prevSoftState);
    const hardChanged = !hardStateEqual(hs, this.prevHardState);
    const entries = r.raftLog.unstableEntries();
    const snapshot = r.raftLog.unstable.snapshot;
    const rd: Ready = {
      softState: softChanged ? soft : null,
      hardState: hardChanged ? hs : null,
      readStates: r.readStates.length > 0 ? r.readStates : EMPTY_READ_STATES,
      entries,
      snapshot,
      committedEntries: r.raftLog.nextEntries(),
      messages: r.msgs,
      // Term and vote must be durable before any message (a vote could be cast twice);
      // a commit index alone may be lost and relearned.
      mustSync: entries.length > 0 || snapshot !== null || (hardChanged && (hs.term !== this.prevHardState.term || hs.vote !== this.prevHardState.vote)),
    };
    r.msgs = [];
    if (r.readStates.length > 0) r.readStates = [];
    if (softChanged) this.prevSoftState = soft;
    if (hardChanged) this.prevHardState = hs;
    this.readyOutstanding = true;
    return rd;
  }

  /** The owner persisted, sent and applied rd: mark its entries stable and applied. */
  advance(rd: Ready): void {
    assert(this.readyOutstanding, 'advance() without an outstanding ready()');
    this.readyOutstanding = false;
    const r = this.raft;
    r.reduceUncommittedSize(rd.committedEntries);
    let newApplied = 0;
    if (rd.committedEntries.length > 0) newApplied = rd.committedEntries[rd.committedEntries.length - 1]!.index;
    else if (rd.snapshot !== null) newApplied = rd.snapshot.meta.index;
    if (newApplied > 0) this.appliedTo(newApplied);
    if (rd.entries.length > 0) {
      const last = rd.entries[rd.entries.length - 1]!;
      r.raftLog.stableTo(last.index, last.term);
    }
    if (rd.snapshot !== null) r.raftLog.stableSnapTo(rd.snapshot.meta.index);
  }

  private appliedTo(newApplied: number): void {
    const r = this.raft;
    const oldApplied = r.raftLog.applied;
    if (newApplied <= oldApplied) return;
    r.raftLog.appliedTo(newApplied);
    // The leader leaves an auto-leave joint configuration once it applied it (or, as a new
    // leader, once it applied its whole log from the election), with an empty ConfChange.
    if (r.tracker.config.autoLeave && r.state === 'leader' && oldApplied <= r.pendingConfIndex && newApplied >= r.pendingConfIndex) {
      try {
        r.step(makeMessage({ type: 'prop', from: r.id, entries: [{ term: 0, index: 0, type: 'confChange', data: Buffer.alloc(0) }] }));
      } catch (e) {
        // Dropped during a leadership transfer: the next leader leaves the joint config.
        if (!(e instanceof ProposalDroppedError)) throw e;
      }
    }
  }

  status(): RaftStatus {
    const r = this.raft;
    let progress: Map<PeerId, { match: number; next: number; state: 'probe' | 'replicate' | 'snapshot'; recentActive: boolean }> | null = null;
    if (r.state === 'leader') {
      progress = new Map();
      for (const [id, pr] of r.tracker.progress) progress.set(id, { match: pr.match, next: pr.next, state: pr.state, recentActive: pr.recentActive });
    }
    return {
      id: r.id,
      term: r.term,
      vote: r.vote,
      commit: r.raftLog.committed,
      applied: r.raftLog.applied,
      lead: r.lead,
      role: r.state,
      leadTransferee: r.leadTransferee,
      confState: r.tracker.confState(),
      progress,
    };
  }

  /** The owner failed to deliver a message to id: the leader stops pipelining to it. */
  reportUnreachable(id: PeerId): void {
    this.raft.step(makeMessage({ type: 'unreachable', from: id }));
  }

  /** The outcome of sending a snapshot to id (the MsgSnap of a Ready). */
  reportSnapshot(id: PeerId, ok: boolean): void {
    this.raft.step(makeMessage({ type: 'snapStatus', from: id, reject: !ok }));
  }

  /** Asks the leader to hand leadership to transferee (forwarded by followers). */
  transferLeader(transferee: PeerId): void {
    assert(transferee !== NONE, 'transfer to nobody');
    this.raft.step(makeMessage({ type: 'transferLeader', from: transferee }));
  }

  /**
   * Requests a linearizable read point: a ReadState { index, context } arrives in a later
   * Ready; reads tagged `context` may be served once index is applied. Requests without a
   * reachable leader are dropped (the owner retries). context must be unique per request.
   */
  readIndex(context: Buffer): void {
    assert(context.length > 0, 'read index needs a non-empty context');
    this.raft.step(makeMessage({ type: 'readIndex', context }));
  }

  /** Internal state for tests and the debugging tools (not for the store's logic). */
  get raftForTest(): Raft {
    return this.raft;
  }
}

function softStateEqual(a: SoftState, b: SoftState): boolean {
  return a.lead === b.lead && a.role === b.role;
}

function hardStateEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}
