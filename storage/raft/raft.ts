// The Raft state machine (etcd's raft.go): terms, votes, roles and the protocol rules. Pure:
// no timers, I/O or randomness of its own; time arrives as tick(), randomness through
// config.randomInt, and its output (messages, log entries, commit) is collected by
// RawNode into Ready. Roles switch by swapping the step and tick functions
// (role-steps.ts), as becomeFollower/becomeCandidate/becomePreCandidate/becomeLeader do.

import { assert } from '../base/assert.js';
import type { ConfChange, ConfState, Entry, EntryType, HardState, Message, PeerId, RaftConfig, RaftRole, ReadState, SoftState, Snapshot } from './types.js';
import { NONE } from './types.js';
import { RaftLog } from './log.js';
import { ProgressTracker } from './tracker.js';
import type { ProgressMap, TrackerConfig } from './tracker.js';
import { Changer, enterJoint, isLeaveJoint, restoreConfig } from './confchange.js';
import { ReadOnly } from './read-only.js';
import type { ReadOnlyOption } from './read-only.js';
import { CompactedError, SnapshotTemporarilyUnavailableError, UnavailableError } from './errors.js';
import type { MessageInit } from './util.js';
import { confStateEqual, makeMessage, payloadBytes, voteResponseType } from './util.js';
import { stepCandidate, stepFollower, stepLeader } from './role-steps.js';
import type { Progress } from './progress.js';

/** Marks vote requests of a leadership transfer: they bypass the leader lease. */
export const CAMPAIGN_TRANSFER = Buffer.from('CampaignTransfer');

export type CampaignType = 'preElection' | 'election' | 'transfer';

/** Committed bytes in one Ready by default (CockroachDB's choice: apply in large batches). */
export const COMMITTED_BYTES_PER_READY_DEFAULT = 64 << 20;

const EMPTY_DATA = Buffer.alloc(0);

type StepFn = (r: Raft, m: Message) => void;

export class Raft {
  readonly id: PeerId;
  term = 0;
  vote: PeerId = NONE;
  readStates: ReadState[] = [];
  readonly raftLog: RaftLog;
  readonly msgBytesMax: number;
  readonly uncommittedBytesMax: number;
  readonly tracker: ProgressTracker;
  state: RaftRole = 'follower';
  /** This node is a learner in the active configuration. */
  isLearner = false;
  /** Messages to send once the Ready they belong to is persisted. */
  msgs: Message[] = [];
  lead: PeerId = NONE;
  /** The transfer target while a leadership transfer is in progress. */
  leadTransferee: PeerId = NONE;
  /** Leader: the log index of the newest conf change; no other may be proposed until applied. */
  pendingConfIndex = 0;
  /** Leader: payload bytes of entries appended in this term and not yet committed (estimate). */
  uncommittedBytes = 0;
  readOnly: ReadOnly;
  readonly readOnlyOption: ReadOnlyOption;
  /** ReadIndex requests received before this leader committed an entry of its term. */
  pendingReadIndexMessages: Message[] = [];
  /** Ticks since the last election timeout (followers: since hearing from the leader). */
  electionElapsed = 0;
  /** Leader: ticks since the last heartbeat. */
  heartbeatElapsed = 0;
  readonly checkQuorum: boolean;
  readonly preVote: boolean;
  readonly heartbeatTimeout: number;
  readonly electionTimeout: number;
  /** In [electionTimeout, 2*electionTimeout), redrawn at every term change. */
  randomizedElectionTimeout = 0;
  private stepFn: StepFn = stepFollower;
  private tickFn: () => void = () => this.tickElection();
  private readonly randomInt: (n: number) => number;

  constructor(c: RaftConfig) {
    validateConfig(c);
    this.id = c.id;
    this.raftLog = new RaftLog(c.storage, c.committedBytesPerReadyMax ?? COMMITTED_BYTES_PER_READY_DEFAULT);
    this.msgBytesMax = c.msgBytesMax;
    this.uncommittedBytesMax = c.uncommittedBytesMax === 0 ? Infinity : c.uncommittedBytesMax;
    this.tracker = new ProgressTracker(c.inflightMsgsMax, c.inflightBytesMax);
    this.checkQuorum = c.checkQuorum;
    this.preVote = c.preVote;
    this.heartbeatTimeout = c.heartbeatTicks;
    this.electionTimeout = c.electionTicks;
    this.randomInt = c.randomInt;
    this.readOnlyOption = c.readOnlyOption ?? 'safe';
    this.readOnly = new ReadOnly(this.readOnlyOption);

    const { hardState, confState } = c.storage.initialState();
    const [cfg, prs] = restoreConfig(confState, this.tracker, this.raftLog.lastIndex());
    const cs = this.switchToConfig(cfg, prs);
    assert(confStateEqual(cs, confState), 'restored ConfState differs from storage');
    if (hardState.term !== 0 || hardState.vote !== NONE || hardState.commit !== 0) this.loadState(hardState);
    if (c.applied > 0) this.raftLog.appliedTo(c.applied);
    this.becomeFollower(this.term, NONE);
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.raftLog.committed };
  }

  softState(): SoftState {
    return { lead: this.lead, role: this.state };
  }

  private loadState(hs: HardState): void {
    const lastIndex = this.raftLog.lastIndex();
    assert(hs.commit >= this.raftLog.committed && hs.commit <= lastIndex, `hs.commit ${hs.commit} is out of range [${this.raftLog.committed}, ${lastIndex}]`);
    this.raftLog.committed = hs.commit;
    this.term = hs.term;
    this.vote = hs.vote;
  }

  // ---- sending ----

  /** Queues a message, stamping sender and term (votes carry their own term). */
  send(init: MessageInit): void {
    if (init.from === undefined || init.from === NONE) init.from = this.id;
    const t = init.type;
    if (t === 'vote' || t === 'voteResp' || t === 'preVote' || t === 'preVoteResp') {
      // Votes and their answers name the campaign's term, which may differ from ours.
      assert(init.term !== undefined && init.term !== 0, `term should be set when sending ${t}`);
    } else {
      assert(init.term === undefined || init.term === 0, `term should not be set when sending ${t} (was ${init.term})`);
      // Proposals and forwarded reads are local to the group: they carry no term.
      if (t !== 'prop' && t !== 'readIndex') init.term = this.term;
    }
    assert(init.to !== undefined && init.to !== NONE && init.to !== this.id, `bad recipient ${init.to} for ${t}`);
    this.msgs.push(makeMessage(init));
  }

  /** Forwards a message from the owner or a peer to the leader, unchanged but readdressed. */
  forward(m: Message, to: PeerId): void {
    assert(to !== NONE && to !== this.id, 'forward to self or nobody');
    const term = m.type === 'prop' || m.type === 'readIndex' ? 0 : this.term;
    this.msgs.push({ ...m, from: m.from === NONE ? this.id : m.from, to, term });
  }

  /** Sends what `to` needs: entries, or a snapshot when they are compacted. */
  sendAppend(to: PeerId): void {
    this.maybeSendAppend(to, true);
  }

  /**
   * Sends a MsgApp to `to` unless its flow is paused; with sendIfEmpty false, only when
   * there are entries (else an empty one still carries the commit index). True if sent.
   */
  maybeSendAppend(to: PeerId, sendIfEmpty: boolean): boolean {
    const pr = this.tracker.progress.get(to);
    assert(pr !== undefined, `no progress for ${to}`);
    if (pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    let prevTerm: number;
    let ents: Entry[] = [];
    try {
      prevTerm = this.raftLog.term(prevIndex);
      // With full inflights (replicate) only an empty MsgApp goes out: if every message in
      // flight was lost, its ack or rejection is what clears the window again.
      if (pr.state !== 'replicate' || !pr.inflights.full()) ents = this.raftLog.entries(pr.next, this.msgBytesMax);
    } catch (e) {
      if (e instanceof CompactedError || e instanceof UnavailableError) return this.maybeSendSnapshot(to, pr);
      throw e;
    }
    if (ents.length === 0 && !sendIfEmpty) return false;
    const commit = this.raftLog.committed;
    this.send({ type: 'app', to, index: prevIndex, logTerm: prevTerm, entries: ents, commit });
    pr.sentEntries(ents.length, payloadBytes(ents));
    pr.sentCommitTo(commit);
    return true;
  }

  private maybeSendSnapshot(to: PeerId, pr: Progress): boolean {
    // A peer that does not answer would not take the snapshot either.
    if (!pr.recentActive) return false;
    let snap: Snapshot;
    try {
      snap = this.raftLog.snapshot();
    } catch (e) {
      if (e instanceof SnapshotTemporarilyUnavailableError) return false;
      throw e;
    }
    assert(snap.meta.index > 0, 'need non-empty snapshot');
    pr.becomeSnapshot(snap.meta.index);
    this.send({ type: 'snap', to, snapshot: snap });
    return true;
  }

  sendHeartbeat(to: PeerId, ctx: Buffer | null): void {
    const pr = this.tracker.progress.get(to)!;
    // Never tell a follower to commit past what it is known to have.
    const commit = Math.min(pr.match, this.raftLog.committed);
    this.send({ type: 'heartbeat', to, commit, context: ctx });
    pr.sentCommitTo(commit);
  }

  bcastAppend(): void {
    for (const id of this.tracker.ids()) if (id !== this.id) this.sendAppend(id);
  }

  bcastHeartbeat(): void {
    this.bcastHeartbeatWithCtx(this.readOnly.lastPendingRequestCtx());
  }

  bcastHeartbeatWithCtx(ctx: Buffer | null): void {
    for (const id of this.tracker.ids()) if (id !== this.id) this.sendHeartbeat(id, ctx);
  }

  sendTimeoutNow(to: PeerId): void {
    this.send({ type: 'timeoutNow', to });
  }

  // ---- log ----

  /** Leader: appends entries of the current term; false when over the uncommitted-bytes limit. */
  appendEntry(es: readonly { readonly type: EntryType; readonly data: Buffer }[]): boolean {
    const li = this.raftLog.lastIndex();
    const ents: Entry[] = new Array(es.length);
    for (let i = 0; i < es.length; i++) ents[i] = { term: this.term, index: li + 1 + i, type: es[i]!.type, data: es[i]!.data };
    if (!this.increaseUncommittedSize(ents)) return false;
    const last = this.raftLog.append(ents);
    const self = this.tracker.progress.get(this.id);
    assert(self !== undefined, 'leader appends without its own progress');
    self.maybeUpdate(last);
    // Whatever maybeCommit says, the caller broadcasts.
    this.maybeCommit();
    return true;
  }

  /** Advances the commit index to what a quorum has; true if it moved. */
  maybeCommit(): boolean {
    return this.raftLog.maybeCommit(this.tracker.committed(), this.term);
  }

  private increaseUncommittedSize(ents: readonly Entry[]): boolean {
    const s = payloadBytes(ents);
    // Always admit one proposal into an empty budget, however large (else it could never commit).
    if (this.uncommittedBytes > 0 && s > 0 && this.uncommittedBytes + s > this.uncommittedBytesMax) return false;
    this.uncommittedBytes += s;
    return true;
  }

  /** Committed (applied) entries leave the uncommitted budget. */
  reduceUncommittedSize(ents: readonly Entry[]): void {
    if (this.state !== 'leader') return;
    const s = payloadBytes(ents);
    this.uncommittedBytes = s > this.uncommittedBytes ? 0 : this.uncommittedBytes - s;
  }

  committedEntryInCurrentTerm(): boolean {
    return this.raftLog.termOrZero(this.raftLog.committed) === this.term;
  }

  /** Whether committed but unapplied entries contain a conf change (no campaigning then). */
  private hasUnappliedConfChanges(): boolean {
    const log = this.raftLog;
    if (log.applied >= log.committed) return false;
    const ents = log.slice(Math.max(log.applied + 1, log.firstIndex()), log.committed + 1, Number.MAX_SAFE_INTEGER);
    return ents.some((e) => e.type === 'confChange');
  }

  // ---- roles ----

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.abortLeaderTransfer();
    this.tracker.resetVotes();
    const last = this.raftLog.lastIndex();
    this.tracker.visit((id, pr) => pr.resetForTerm(id === this.id ? last : 0, last + 1));
    this.pendingConfIndex = 0;
    this.uncommittedBytes = 0;
    this.readOnly = new ReadOnly(this.readOnlyOption);
    this.pendingReadIndexMessages = [];
  }

  becomeFollower(term: number, lead: PeerId): void {
    this.stepFn = stepFollower;
    this.reset(term);
    this.tickFn = () => this.tickElection();
    this.lead = lead;
    this.state = 'follower';
  }

  becomeCandidate(): void {
    assert(this.state !== 'leader', 'invalid transition [leader -> candidate]');
    this.stepFn = stepCandidate;
    this.reset(this.term + 1);
    this.tickFn = () => this.tickElection();
    this.vote = this.id;
    this.state = 'candidate';
  }

  /** Like a candidate, but neither the term nor the vote changes (§9.6 PreVote). */
  becomePreCandidate(): void {
    assert(this.state !== 'leader', 'invalid transition [leader -> pre-candidate]');
    this.stepFn = stepCandidate;
    this.tracker.resetVotes();
    this.tickFn = () => this.tickElection();
    this.lead = NONE;
    this.state = 'preCandidate';
  }

  becomeLeader(): void {
    assert(this.state !== 'follower', 'invalid transition [follower -> leader]');
    this.stepFn = stepLeader;
    this.reset(this.term);
    this.tickFn = () => this.tickHeartbeat();
    this.lead = this.id;
    this.state = 'leader';
    const self = this.tracker.progress.get(this.id);
    assert(self !== undefined && !self.isLearner, 'leader must be a voter');
    self.becomeReplicate();
    self.recentActive = true; // CheckQuorum never counts the leader as inactive
    // Conf changes in the uncommitted tail may be pending: none may be proposed until applied.
    this.pendingConfIndex = this.raftLog.lastIndex();
    // The no-op of the new term: committing it commits everything before it (§5.4.2).
    const ok = this.appendEntry([{ type: 'normal', data: EMPTY_DATA }]);
    assert(ok, 'empty entry was dropped');
  }

  // ---- time ----

  tick(): void {
    this.tickFn();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.step(makeMessage({ type: 'hup', from: this.id }));
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTimeout) {
      this.electionElapsed = 0;
      if (this.checkQuorum) this.step(makeMessage({ type: 'checkQuorum', from: this.id }));
      // A transfer that did not finish within an election timeout is abandoned.
      if (this.state === 'leader' && this.leadTransferee !== NONE) this.abortLeaderTransfer();
    }
    if (this.state !== 'leader') return;
    if (this.heartbeatElapsed >= this.heartbeatTimeout) {
      this.heartbeatElapsed = 0;
      this.step(makeMessage({ type: 'beat', from: this.id }));
    }
  }

  private resetRandomizedElectionTimeout(): void {
    const jitter = this.randomInt(this.electionTimeout);
    assert(Number.isInteger(jitter) && jitter >= 0 && jitter < this.electionTimeout, `randomInt(${this.electionTimeout}) returned ${jitter}`);
    this.randomizedElectionTimeout = this.electionTimeout + jitter;
  }

  /** Whether this node may become leader (a voter, not restoring a snapshot). */
  promotable(): boolean {
    const pr = this.tracker.progress.get(this.id);
    return pr !== undefined && !pr.isLearner && !this.raftLog.hasPendingSnapshot();
  }

  abortLeaderTransfer(): void {
    this.leadTransferee = NONE;
  }

  // ---- elections ----

  hup(t: CampaignType): void {
    if (this.state === 'leader') return;
    if (!this.promotable()) return;
    if (this.hasUnappliedConfChanges()) return;
    this.campaign(t);
  }

  campaign(t: CampaignType): void {
    assert(this.promotable(), 'campaign by a node that is not promotable');
    let term: number;
    let voteMsg: 'vote' | 'preVote';
    if (t === 'preElection') {
      this.becomePreCandidate();
      voteMsg = 'preVote';
      // A pre-vote asks for the next term without moving to it.
      term = this.term + 1;
    } else {
      this.becomeCandidate();
      voteMsg = 'vote';
      term = this.term;
    }
    if (this.poll(this.id, true) === 'won') {
      // A single-voter group wins at once.
      if (t === 'preElection') this.campaign('election');
      else this.becomeLeader();
      return;
    }
    const index = this.raftLog.lastIndex();
    const logTerm = this.raftLog.lastTerm();
    const context = t === 'transfer' ? CAMPAIGN_TRANSFER : null;
    for (const id of this.tracker.voterIds()) {
      if (id === this.id) continue;
      this.send({ type: voteMsg, to: id, term, index, logTerm, context });
    }
  }

  /** Records a vote and returns the election's outcome so far. */
  poll(id: PeerId, granted: boolean): 'pending' | 'lost' | 'won' {
    this.tracker.recordVote(id, granted);
    return this.tracker.tallyVotes().result;
  }

  // ---- the entry point ----

  /** Steps one message: the term rules common to every role, then the role's step function. */
  step(m: Message): void {
    if (m.term !== 0 && !this.stepTerm(m)) return;
    switch (m.type) {
      case 'hup':
        this.hup(this.preVote ? 'preElection' : 'election');
        return;
      case 'vote':
      case 'preVote':
        this.handleVoteRequest(m);
        return;
      default:
        this.stepFn(this, m);
    }
  }

  /** Applies the term rules (§5.1, PreVote, leases); false when m must be dropped. */
  private stepTerm(m: Message): boolean {
    if (m.term > this.term) {
      if (m.type === 'vote' || m.type === 'preVote') {
        const force = m.context !== null && m.context.equals(CAMPAIGN_TRANSFER);
        // Leader lease: with CheckQuorum, a node that heard from a leader within the
        // election timeout ignores vote requests, so a partitioned node rejoining with a
        // higher term cannot depose a healthy leader.
        const inLease = this.checkQuorum && this.lead !== NONE && this.electionElapsed < this.electionTimeout;
        if (!force && inLease) return false;
      }
      if (m.type === 'preVote') {
        // Never change our term in response to a pre-vote.
      } else if (m.type === 'preVoteResp' && !m.reject) {
        // A granted pre-vote names the term we will campaign in; we move there on a quorum.
      } else if (m.type === 'app' || m.type === 'heartbeat' || m.type === 'snap') {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, NONE);
      }
      return true;
    }
    if (m.term < this.term) {
      this.stepStaleTerm(m);
      return false;
    }
    return true;
  }

  private stepStaleTerm(m: Message): void {
    if ((this.checkQuorum || this.preVote) && (m.type === 'heartbeat' || m.type === 'app')) {
      // A leader cut off by a partition (whose term we passed) learns our term from this and
      // steps down; without it, with CheckQuorum or PreVote, it might never hear of it.
      this.send({ type: 'appResp', to: m.from });
    } else if (m.type === 'preVote') {
      // Reject so the pre-candidate learns our term instead of waiting forever.
      this.send({ type: 'preVoteResp', to: m.from, term: this.term, reject: true });
    }
    // Any other stale message is ignored.
  }

  private handleVoteRequest(m: Message): void {
    // We can vote if this repeats our vote, or we have not voted and know no leader in
    // this term, or it is a pre-vote for a future term...
    const canVote =
      this.vote === m.from || (this.vote === NONE && this.lead === NONE) || (m.type === 'preVote' && m.term > this.term);
    // ...and the candidate's log is at least as up to date as ours (§5.4.1).
    const respType = voteResponseType(m.type);
    if (canVote && this.raftLog.isUpToDate(m.index, m.logTerm)) {
      this.send({ type: respType, to: m.from, term: m.term });
      if (m.type === 'vote') {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.send({ type: respType, to: m.from, term: this.term, reject: true });
    }
  }

  // ---- followers: log, commit and snapshot from the leader ----

  handleAppendEntries(m: Message): void {
    const log = this.raftLog;
    if (m.index < log.committed) {
      this.send({ type: 'appResp', to: m.from, index: log.committed });
      return;
    }
    const last = log.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (last !== null) {
      this.send({ type: 'appResp', to: m.from, index: last });
      return;
    }
    // Reject with a hint: the last index whose term is <= m.logTerm, so the leader can skip
    // a whole divergent term in one round trip instead of one entry at a time.
    const [hintIndex, hintTerm] = log.findConflictByTerm(Math.min(m.index, log.lastIndex()), m.logTerm);
    this.send({ type: 'appResp', to: m.from, index: m.index, reject: true, rejectHint: hintIndex, logTerm: hintTerm });
  }

  handleHeartbeat(m: Message): void {
    this.raftLog.commitTo(m.commit);
    this.send({ type: 'heartbeatResp', to: m.from, context: m.context });
  }

  handleSnapshot(m: Message): void {
    if (m.snapshot === null) return; // malformed
    if (this.restore(m.snapshot)) {
      this.send({ type: 'appResp', to: m.from, index: this.raftLog.lastIndex() });
    } else {
      this.send({ type: 'appResp', to: m.from, index: this.raftLog.committed });
    }
  }

  /** Installs a snapshot from the leader; false if it is stale or not for us. */
  restore(s: Snapshot): boolean {
    if (s.meta.index <= this.raftLog.committed) return false;
    if (this.state !== 'follower') {
      // Only a leader of this term sends snapshots, and it made us a follower. Defensive.
      this.becomeFollower(this.term + 1, NONE);
      return false;
    }
    const cs = s.meta.confState;
    const inConfig = [cs.voters, cs.learners, cs.votersOutgoing].some((ids) => ids.includes(this.id));
    if (!inConfig) return false;
    if (this.raftLog.matchTerm(s.meta.index, s.meta.term)) {
      // We already have the snapshot's entries: just commit up to it.
      this.raftLog.commitTo(s.meta.index);
      return false;
    }
    this.raftLog.restore(s);
    const [cfg, prs] = restoreConfig(cs, this.tracker, this.raftLog.lastIndex());
    const got = this.switchToConfig(cfg, prs);
    assert(confStateEqual(got, cs), 'restored ConfState differs from the snapshot');
    const self = this.tracker.progress.get(this.id)!;
    self.maybeUpdate(self.next - 1);
    return true;
  }

  // ---- membership ----

  /** Applies a committed ConfChange (the owner calls this when it applies the entry). */
  applyConfChange(cc: ConfChange): ConfState {
    const changer = new Changer(this.tracker, this.raftLog.lastIndex());
    let next: [TrackerConfig, ProgressMap];
    if (isLeaveJoint(cc)) {
      next = changer.leaveJoint();
    } else {
      const joint = enterJoint(cc);
      next = joint !== null ? changer.enterJoint(joint.autoLeave, cc.changes) : changer.simple(cc.changes);
    }
    return this.switchToConfig(next[0], next[1]);
  }

  private switchToConfig(cfg: TrackerConfig, prs: ProgressMap): ConfState {
    this.tracker.setConfig(cfg, prs);
    const cs = this.tracker.confState();
    const self = prs.get(this.id);
    this.isLearner = self !== undefined && self.isLearner;
    if ((self === undefined || this.isLearner) && this.state === 'leader') {
      // Removed or demoted: a leader that is no voter steps down (the others elect anew).
      this.becomeFollower(this.term, NONE);
      return cs;
    }
    if (this.state !== 'leader' || cs.voters.length === 0) return cs;
    // The quorum changed: the commit index may advance; new members need the log.
    if (this.maybeCommit()) {
      this.bcastAppend();
    } else {
      for (const id of this.tracker.ids()) if (id !== this.id) this.maybeSendAppend(id, false);
    }
    if (this.leadTransferee !== NONE && !this.tracker.isVoter(this.leadTransferee)) this.abortLeaderTransfer();
    return cs;
  }

  // ---- reads ----

  /** Answers a ReadIndex request at readIndex: locally (readStates) or to the forwarding peer. */
  respondToReadIndex(req: Message, readIndex: number): void {
    assert(req.context !== null, 'read index without context');
    if (req.from === NONE || req.from === this.id) {
      this.readStates.push({ index: readIndex, context: req.context });
      return;
    }
    this.send({ type: 'readIndexResp', to: req.from, index: readIndex, context: req.context });
  }

  /** Leader with a committed entry in its term: start confirming a read. */
  sendReadIndexResponse(m: Message): void {
    assert(m.context !== null, 'read index without context');
    if (this.readOnly.option === 'leaseBased') {
      this.respondToReadIndex(m, this.raftLog.committed);
      return;
    }
    if (!this.readOnly.addRequest(this.raftLog.committed, m)) return; // over PENDING_READ_INDEX_MAX: dropped
    this.readOnly.recvAck(this.id, m.context);
    this.bcastHeartbeatWithCtx(m.context);
  }

  releasePendingReadIndexMessages(): void {
    if (this.pendingReadIndexMessages.length === 0) return;
    if (!this.committedEntryInCurrentTerm()) return;
    const msgs = this.pendingReadIndexMessages;
    this.pendingReadIndexMessages = [];
    for (const m of msgs) this.sendReadIndexResponse(m);
  }
}

function validateConfig(c: RaftConfig): void {
  assert(c.id !== NONE && Number.isInteger(c.id) && c.id > 0, 'cannot use none as id');
  assert(Number.isInteger(c.heartbeatTicks) && c.heartbeatTicks > 0, 'heartbeat tick must be greater than 0');
  assert(Number.isInteger(c.electionTicks) && c.electionTicks > c.heartbeatTicks, 'election tick must be greater than heartbeat tick');
  assert(Number.isInteger(c.inflightMsgsMax) && c.inflightMsgsMax > 0, 'max inflight messages must be greater than 0');
  assert(c.inflightBytesMax >= 0 && c.uncommittedBytesMax >= 0 && c.msgBytesMax > 0, 'byte limits must be >= 0 (msgBytesMax > 0)');
  assert(c.applied >= 0, 'applied must be >= 0');
  assert(c.readOnlyOption !== 'leaseBased' || c.checkQuorum, 'leaseBased reads require checkQuorum');
}
