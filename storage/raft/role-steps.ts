// The per-role step functions of raft.ts (etcd's stepLeader, stepCandidate, stepFollower):
// what each role does with a message once the term rules passed. Raft swaps them in
// becomeX; nothing else calls them.

import { assert } from '../base/assert.js';
import type { EntryType, Message } from './types.js';
import { NONE } from './types.js';
import type { Raft } from './raft.js';
import type { Progress } from './progress.js';
import { ProposalDroppedError, ConfChangeError } from './errors.js';
import { decodeConfChange, isLeaveJoint } from './confchange.js';
import { jointVoteResult } from './quorum.js';
import { PENDING_READ_INDEX_MAX } from './read-only.js';

const EMPTY_DATA = Buffer.alloc(0);

export function stepLeader(r: Raft, m: Message): void {
  switch (m.type) {
    case 'beat':
      r.bcastHeartbeat();
      return;
    case 'checkQuorum':
      leaderCheckQuorum(r);
      return;
    case 'prop':
      leaderPropose(r, m);
      return;
    case 'readIndex':
      leaderReadIndex(r, m);
      return;
    default:
  }
  const pr = r.tracker.progress.get(m.from);
  if (pr === undefined) return; // not (or no longer) a member
  switch (m.type) {
    case 'appResp':
      leaderAppendResponse(r, m, pr);
      return;
    case 'heartbeatResp':
      leaderHeartbeatResponse(r, m, pr);
      return;
    case 'snapStatus':
      if (pr.state !== 'snapshot') return;
      // Success: probe right after the snapshot; failure: probe from match again.
      if (m.reject) pr.pendingSnapshot = 0;
      pr.becomeProbe();
      // Wait for a heartbeat response (or the MsgAppResp of the snapshot) before sending more.
      pr.msgAppFlowPaused = true;
      return;
    case 'unreachable':
      // The owner lost messages to it: stop pipelining and probe.
      if (pr.state === 'replicate') pr.becomeProbe();
      return;
    case 'transferLeader':
      leaderTransfer(r, m, pr);
      return;
    default:
    // Stale vote responses and the like.
  }
}

function leaderCheckQuorum(r: Raft): void {
  if (!r.tracker.quorumActive()) {
    // Without a quorum in touch for an election timeout, another leader may exist: step down.
    r.becomeFollower(r.term, NONE);
  }
  // Everyone but ourselves must prove being alive again before the next check.
  r.tracker.visit((id, pr) => {
    if (id !== r.id) pr.recentActive = false;
  });
}

function leaderPropose(r: Raft, m: Message): void {
  assert(m.entries.length > 0, `${r.id} stepped empty MsgProp`);
  if (!r.tracker.progress.has(r.id)) throw new ProposalDroppedError('notInConfig');
  if (r.leadTransferee !== NONE) throw new ProposalDroppedError('transferring');
  const ents: { type: EntryType; data: Buffer }[] = new Array(m.entries.length);
  for (let i = 0; i < m.entries.length; i++) {
    const e = m.entries[i]!;
    ents[i] = e.type === 'confChange' ? checkConfChange(r, e.data, i) : { type: 'normal', data: e.data };
  }
  if (!r.appendEntry(ents)) throw new ProposalDroppedError('uncommittedBytesMax');
  r.bcastAppend();
}

/**
 * A conf change is admitted only when no other is pending (unapplied) and it fits the joint
 * state; otherwise it becomes an empty normal entry (the proposer learns by its absence).
 */
function checkConfChange(r: Raft, data: Buffer, i: number): { type: EntryType; data: Buffer } {
  let leave: boolean;
  try {
    leave = isLeaveJoint(decodeConfChange(data));
  } catch (e) {
    if (e instanceof ConfChangeError) return { type: 'normal', data: EMPTY_DATA };
    throw e;
  }
  const alreadyPending = r.pendingConfIndex > r.raftLog.applied;
  const alreadyJoint = r.tracker.config.voters[1].size > 0;
  if (alreadyPending || (alreadyJoint && !leave) || (!alreadyJoint && leave)) return { type: 'normal', data: EMPTY_DATA };
  r.pendingConfIndex = r.raftLog.lastIndex() + i + 1;
  return { type: 'confChange', data };
}

function leaderReadIndex(r: Raft, m: Message): void {
  if (m.context === null) return; // malformed
  if (r.tracker.isSingleton()) {
    // Only voter: the commit index is current by definition.
    r.respondToReadIndex(m, r.raftLog.committed);
    return;
  }
  // Until this leader commits an entry of its own term, its commit index may be behind the
  // previous leader's (§6.4): hold the read until then.
  if (!r.committedEntryInCurrentTerm()) {
    if (r.pendingReadIndexMessages.length < PENDING_READ_INDEX_MAX) r.pendingReadIndexMessages.push(m);
    return;
  }
  r.sendReadIndexResponse(m);
}

function leaderAppendResponse(r: Raft, m: Message, pr: Progress): void {
  pr.recentActive = true;
  if (m.reject) {
    let nextProbe = m.rejectHint;
    if (m.logTerm > 0) nextProbe = r.raftLog.findConflictByTerm(m.rejectHint, m.logTerm)[0];
    if (pr.maybeDecrTo(m.index, nextProbe)) {
      if (pr.state === 'replicate') pr.becomeProbe();
      r.sendAppend(m.from);
    }
    return;
  }
  const oldPaused = pr.isPaused();
  // A caught-up peer in probe state (after reportUnreachable) returns to replicate too.
  if (!pr.maybeUpdate(m.index) && !(pr.match === m.index && pr.state === 'probe')) return;
  if (pr.state === 'probe') {
    pr.becomeReplicate();
  } else if (pr.state === 'snapshot') {
    // Whatever index the snapshot had, the peer can now be served from the log.
    if (pr.match + 1 >= r.raftLog.firstIndex()) {
      pr.becomeProbe();
      pr.becomeReplicate();
    }
  } else {
    pr.inflights.freeLE(m.index);
  }
  if (r.maybeCommit()) {
    r.releasePendingReadIndexMessages();
    r.bcastAppend();
  } else if (oldPaused) {
    // It was paused and may now take more: send without waiting for a heartbeat.
    r.sendAppend(m.from);
  }
  // Fill the pipeline with whatever fits.
  while (r.maybeSendAppend(m.from, false)) {
    // keep sending
  }
  if (m.from === r.leadTransferee && pr.match === r.raftLog.lastIndex()) r.sendTimeoutNow(m.from);
}

function leaderHeartbeatResponse(r: Raft, m: Message, pr: Progress): void {
  pr.recentActive = true;
  pr.msgAppFlowPaused = false;
  // Also when the inflights are full: all of them may have been lost; the (empty) append
  // gets a rejection that resets the pipeline. A caught-up peer in probe gets back to replicate.
  if (pr.match < r.raftLog.lastIndex() || pr.state === 'probe') r.sendAppend(m.from);
  if (r.readOnly.option !== 'safe' || m.context === null || m.context.length === 0) return;
  const acks = r.readOnly.recvAck(m.from, m.context);
  if (acks === null || jointVoteResult(r.tracker.config.voters, acks) !== 'won') return;
  for (const rs of r.readOnly.advance(m.context)) r.respondToReadIndex(rs.req, rs.index);
}

function leaderTransfer(r: Raft, m: Message, pr: Progress): void {
  if (pr.isLearner) return; // a learner cannot lead
  const transferee = m.from;
  if (r.leadTransferee !== NONE) {
    if (r.leadTransferee === transferee) return; // already in progress
    r.abortLeaderTransfer();
  }
  if (transferee === r.id) return; // already the leader
  // The transfer must finish within one election timeout (tickHeartbeat aborts it).
  r.electionElapsed = 0;
  r.leadTransferee = transferee;
  if (pr.match === r.raftLog.lastIndex()) r.sendTimeoutNow(transferee);
  else r.sendAppend(transferee);
}

export function stepCandidate(r: Raft, m: Message): void {
  // A pre-candidate counts pre-votes only, a candidate real votes only (stale answers of
  // the other kind are ignored).
  const myVoteResp = r.state === 'preCandidate' ? 'preVoteResp' : 'voteResp';
  switch (m.type) {
    case 'prop':
      throw new ProposalDroppedError('noLeader');
    case 'app':
      r.becomeFollower(m.term, m.from);
      r.handleAppendEntries(m);
      return;
    case 'heartbeat':
      r.becomeFollower(m.term, m.from);
      r.handleHeartbeat(m);
      return;
    case 'snap':
      r.becomeFollower(m.term, m.from);
      r.handleSnapshot(m);
      return;
    case myVoteResp: {
      const result = r.poll(m.from, !m.reject);
      if (result === 'won') {
        if (r.state === 'preCandidate') {
          r.campaign('election');
        } else {
          r.becomeLeader();
          r.bcastAppend();
        }
      } else if (result === 'lost') {
        // A rejected pre-vote carries the term of whoever refused: stay in our term.
        r.becomeFollower(r.term, NONE);
      }
      return;
    }
    default:
    // timeoutNow: a candidate is already campaigning; others do not concern candidates.
  }
}

export function stepFollower(r: Raft, m: Message): void {
  switch (m.type) {
    case 'prop':
      if (r.lead === NONE) throw new ProposalDroppedError('noLeader');
      r.forward(m, r.lead);
      return;
    case 'app':
      r.electionElapsed = 0;
      r.lead = m.from;
      r.handleAppendEntries(m);
      return;
    case 'heartbeat':
      r.electionElapsed = 0;
      r.lead = m.from;
      r.handleHeartbeat(m);
      return;
    case 'snap':
      r.electionElapsed = 0;
      r.lead = m.from;
      r.handleSnapshot(m);
      return;
    case 'transferLeader':
    case 'readIndex':
      if (r.lead === NONE) return; // dropped: the owner retries
      r.forward(m, r.lead);
      return;
    case 'timeoutNow':
      // The leader chose us: campaign now, skipping the pre-vote and the others' leases.
      r.hup('transfer');
      return;
    case 'readIndexResp':
      if (m.context === null) return;
      r.readStates.push({ index: m.index, context: m.context });
      return;
    default:
  }
}
