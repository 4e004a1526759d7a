// Quiescence rules (CockroachDB's replica_raft_quiesce.go): an idle range stops ticking so
// thousands of ranges cost nothing between writes. The leader decides when every replica is
// caught up and sends one heartbeat marked `quiesce`; a follower agrees when its log matches.
// Pure functions; the replica calls them and answers RaftReplica.quiescent() from the result.

import type { ReplicaDescriptor } from '../api/range.js';
import type { Message, RaftStatus } from '../raft/index.js';
import type { RaftMessageOut } from './heartbeats.js';

export interface LeaderQuiesceInput {
  readonly status: RaftStatus;
  readonly lastIndex: number;
  /** Local proposals not yet applied (or reproposals pending). */
  readonly proposalsInFlight: number;
  /** RawNode.hasReady(): work not yet persisted, sent or applied. */
  readonly hasReady: boolean;
  /** Peers the node-liveness layer considers alive (a dead peer's range must keep ticking to notice). */
  readonly isLive: (replicaId: number) => boolean;
}

/** True when the leader may stop ticking and tell its followers to do the same. */
export function leaderShouldQuiesce(q: LeaderQuiesceInput): boolean {
  const s = q.status;
  if (s.role !== 'leader' || s.leadTransferee !== 0 || q.proposalsInFlight > 0 || q.hasReady) return false;
  if (s.commit !== q.lastIndex || s.applied !== q.lastIndex) return false;
  if (s.confState.votersOutgoing.length > 0 || s.progress === null) return false; // no joint configs
  for (const [id, pr] of s.progress) {
    if (id === s.id) continue;
    if (pr.match !== q.lastIndex || !q.isLive(id)) return false;
  }
  return true;
}

/**
 * The quiesce heartbeats the leader sends once leaderShouldQuiesce holds: one per follower,
 * commit = lastIndex, so the follower can check it holds the whole log.
 */
export function quiesceHeartbeats(
  rangeId: number,
  self: ReplicaDescriptor,
  replicas: readonly ReplicaDescriptor[],
  status: RaftStatus,
): RaftMessageOut[] {
  const out: RaftMessageOut[] = [];
  for (const to of replicas) {
    if (to.replicaId === self.replicaId) continue;
    const message: Message = {
      type: 'heartbeat',
      from: self.replicaId,
      to: to.replicaId,
      term: status.term,
      logTerm: 0,
      index: 0,
      entries: [],
      commit: status.commit,
      snapshot: null,
      reject: false,
      rejectHint: 0,
      context: null,
    };
    out.push({ rangeId, from: self, to, message, quiesce: true });
  }
  return out;
}

/**
 * Call after stepping the heartbeat. A follower stops ticking only when it is in the
 * leader's term, holding and having committed the leader's whole log (applying it needs no ticks: the
 * scheduler still handles its Ready); otherwise it keeps ticking and the next
 * MsgApp catches it up (after which the leader quiesces again).
 */
export function followerMayQuiesce(hb: Message, status: RaftStatus, lastIndex: number, proposalsInFlight: number): boolean {
  return (
    hb.type === 'heartbeat' &&
    status.role === 'follower' &&
    status.lead === hb.from &&
    status.term === hb.term &&
    lastIndex === hb.commit &&
    status.commit === hb.commit &&
    proposalsInFlight === 0
  );
}
