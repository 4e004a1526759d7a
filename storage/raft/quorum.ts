// Quorum arithmetic (etcd's quorum/majority.go and joint.go): the committed index and the
// vote outcome of a majority configuration, and of a joint one (both majorities must
// agree). Pure functions over id sets; tracker.ts calls them, tests check them directly.

import type { PeerId } from './types.js';

export type VoteResult = 'pending' | 'lost' | 'won';

/** A voter's acknowledged index, or undefined if unknown. */
export type AckedIndexer = (id: PeerId) => number | undefined;

/**
 * The largest index acknowledged by a majority of `voters`. An empty configuration
 * returns Infinity, so that it does not constrain a joint configuration.
 */
export function majorityCommittedIndex(voters: ReadonlySet<PeerId>, acked: AckedIndexer, scratch: number[] = []): number {
  const n = voters.size;
  if (n === 0) return Infinity;
  scratch.length = 0;
  for (const id of voters) scratch.push(acked(id) ?? 0);
  scratch.sort((a, b) => a - b);
  // The (n/2+1)-th largest acknowledged index is on a majority.
  return scratch[n - (Math.floor(n / 2) + 1)]!;
}

/** The vote outcome of a majority configuration; an empty one wins (joint convenience). */
export function majorityVoteResult(voters: ReadonlySet<PeerId>, votes: ReadonlyMap<PeerId, boolean>): VoteResult {
  if (voters.size === 0) return 'won';
  let yes = 0;
  let missing = 0;
  for (const id of voters) {
    const v = votes.get(id);
    if (v === undefined) missing++;
    else if (v) yes++;
  }
  const q = Math.floor(voters.size / 2) + 1;
  if (yes >= q) return 'won';
  if (yes + missing >= q) return 'pending';
  return 'lost';
}

export type JointVoters = readonly [ReadonlySet<PeerId>, ReadonlySet<PeerId>];

export function jointCommittedIndex(voters: JointVoters, acked: AckedIndexer, scratch: number[] = []): number {
  const a = majorityCommittedIndex(voters[0], acked, scratch);
  const b = majorityCommittedIndex(voters[1], acked, scratch);
  return Math.min(a, b);
}

export function jointVoteResult(voters: JointVoters, votes: ReadonlyMap<PeerId, boolean>): VoteResult {
  const r1 = majorityVoteResult(voters[0], votes);
  const r2 = majorityVoteResult(voters[1], votes);
  if (r1 === r2) return r1;
  if (r1 === 'lost' || r2 === 'lost') return 'lost';
  return 'pending';
}
