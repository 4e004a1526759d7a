// Typed operating errors of the Raft layer (etcd's ErrCompacted, ErrProposalDropped, ...).
// Thrown by RaftStorage implementations and RawNode; the owner (store, tests, simulator)
// catches the ones it can act on. Programmer errors are failed assertions instead.

/** The requested index is below the storage's first index (compacted into a snapshot). */
export class CompactedError extends Error {
  constructor(message = 'requested index is unavailable due to compaction') {
    super(message);
    this.name = 'CompactedError';
  }
}

/** The requested entry is not (yet) in the storage. */
export class UnavailableError extends Error {
  constructor(message = 'requested entry at index is unavailable') {
    super(message);
    this.name = 'UnavailableError';
  }
}

/** A snapshot older than the one the storage already holds. */
export class SnapshotOutOfDateError extends Error {
  constructor(message = 'requested index is older than the existing snapshot') {
    super(message);
    this.name = 'SnapshotOutOfDateError';
  }
}

/** The storage is producing a snapshot; Raft retries later (the follower stays in probe). */
export class SnapshotTemporarilyUnavailableError extends Error {
  constructor(message = 'snapshot is temporarily unavailable') {
    super(message);
    this.name = 'SnapshotTemporarilyUnavailableError';
  }
}

export type ProposalDroppedReason = 'noLeader' | 'transferring' | 'uncommittedBytesMax' | 'notInConfig' | 'notLeader';

/**
 * A proposal was not accepted (no known leader, a leadership transfer in progress, the
 * leader's uncommitted-bytes budget is spent, or this node was removed). The proposer
 * retries later, typically after the next leader change.
 */
export class ProposalDroppedError extends Error {
  constructor(readonly reason: ProposalDroppedReason) {
    super(`raft proposal dropped: ${reason}`);
    this.name = 'ProposalDroppedError';
  }
}

/** A ConfChange that the membership rules refuse (e.g. two voter changes without joint consensus). */
export class ConfChangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfChangeError';
  }
}
