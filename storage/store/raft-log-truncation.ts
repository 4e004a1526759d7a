// When to truncate a range's Raft log (CockroachDB's raft_log_queue computeTruncateDecision):
// the leader keeps every entry a live follower still needs, unless the log has grown past
// its bound, when slow followers are left to catch up by snapshot. Pure; the leaseholder
// calls it and proposes a 'truncateLog' trigger; each replica applies it with
// RaftLogStorage.truncateLog.

import type { RaftStatus } from '../raft/index.js';

export interface RaftLogTruncationLimits {
  /** Entries below which truncating is not worth a proposal. */
  readonly staleEntriesMin: number;
  /** Entries beyond which followers that are behind no longer hold the log back. */
  readonly entriesMax: number;
}

export const RAFT_LOG_TRUNCATION_LIMITS_DEFAULT: RaftLogTruncationLimits = {
  staleEntriesMin: 100,
  entriesMax: 10_000,
};

export interface RaftLogTruncationInput {
  /** The leader's status (with progress); any other role never truncates. */
  readonly status: RaftStatus;
  readonly firstIndex: number;
  readonly lastIndex: number;
  /** Index of a snapshot being sent to a follower (0: none): kept until it is applied there. */
  readonly pendingSnapshotIndex: number;
  readonly limits?: RaftLogTruncationLimits;
}

/** The index to truncate up to (inclusive), or 0 for "not now". */
export function raftLogTruncationIndex(input: RaftLogTruncationInput): number {
  const { status, firstIndex, lastIndex } = input;
  const limits = input.limits ?? RAFT_LOG_TRUNCATION_LIMITS_DEFAULT;
  if (status.role !== 'leader' || status.progress === null) return 0;
  // Never past what is committed and applied here.
  let upTo = Math.min(status.commit, status.applied, lastIndex);
  const tooLong = lastIndex - firstIndex + 1 > limits.entriesMax;
  for (const [id, pr] of status.progress) {
    if (id === status.id) continue;
    // A live follower (or one receiving a snapshot) keeps what it still lacks, unless the
    // log is too long; then only a quorum's progress bounds it (commit already does).
    if (!tooLong && (pr.recentActive || pr.state === 'snapshot')) upTo = Math.min(upTo, pr.match);
  }
  if (input.pendingSnapshotIndex > 0) upTo = Math.min(upTo, input.pendingSnapshotIndex);
  if (upTo < firstIndex) return 0;
  if (!tooLong && upTo - firstIndex + 1 < limits.staleEntriesMin) return 0;
  return upTo;
}
