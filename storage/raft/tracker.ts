// ProgressTracker (etcd's tracker/tracker.go): the active configuration (voters, possibly
// joint, learners) with one Progress per member, and the votes of the current election.
// Owned by raft.ts; confchange.ts produces the next configuration and progress map.

import { assert } from '../base/assert.js';
import type { ConfState, PeerId } from './types.js';
import type { Progress } from './progress.js';
import type { VoteResult } from './quorum.js';
import { jointCommittedIndex, jointVoteResult } from './quorum.js';

export interface TrackerConfig {
  /** [incoming, outgoing]; outgoing is empty unless the configuration is joint. */
  readonly voters: readonly [Set<PeerId>, Set<PeerId>];
  readonly learners: Set<PeerId>;
  /** Outgoing voters that become learners when the joint configuration is left. */
  readonly learnersNext: Set<PeerId>;
  autoLeave: boolean;
}

export function emptyTrackerConfig(): TrackerConfig {
  return { voters: [new Set(), new Set()], learners: new Set(), learnersNext: new Set(), autoLeave: false };
}

export function cloneTrackerConfig(c: TrackerConfig): TrackerConfig {
  return {
    voters: [new Set(c.voters[0]), new Set(c.voters[1])],
    learners: new Set(c.learners),
    learnersNext: new Set(c.learnersNext),
    autoLeave: c.autoLeave,
  };
}

export function isJoint(c: TrackerConfig): boolean {
  return c.voters[1].size > 0;
}

function sorted(ids: Iterable<PeerId>): PeerId[] {
  return [...ids].sort((a, b) => a - b);
}

export function confStateOf(c: TrackerConfig): ConfState {
  return {
    voters: sorted(c.voters[0]),
    learners: sorted(c.learners),
    votersOutgoing: sorted(c.voters[1]),
    learnersNext: sorted(c.learnersNext),
    autoLeave: c.autoLeave,
  };
}

export function describeConfig(c: TrackerConfig): string {
  let s = `voters=(${sorted(c.voters[0]).join(' ')})`;
  if (isJoint(c)) s += `&&(${sorted(c.voters[1]).join(' ')})`;
  if (c.learners.size > 0) s += ` learners=(${sorted(c.learners).join(' ')})`;
  if (c.learnersNext.size > 0) s += ` learners_next=(${sorted(c.learnersNext).join(' ')})`;
  if (c.autoLeave) s += ' autoleave';
  return s;
}

export type ProgressMap = Map<PeerId, Progress>;

export class ProgressTracker {
  config: TrackerConfig = emptyTrackerConfig();
  progress: ProgressMap = new Map();
  readonly votes = new Map<PeerId, boolean>();
  private sortedIds: PeerId[] | null = null;
  private readonly scratch: number[] = [];

  constructor(
    readonly inflightMsgsMax: number,
    readonly inflightBytesMax: number,
  ) {}

  /** Installs a configuration and its progress map (from confchange.ts). */
  setConfig(config: TrackerConfig, progress: ProgressMap): void {
    this.config = config;
    this.progress = progress;
    this.sortedIds = null;
  }

  confState(): ConfState {
    return confStateOf(this.config);
  }

  isSingleton(): boolean {
    return this.config.voters[0].size === 1 && this.config.voters[1].size === 0;
  }

  /** The largest index committed by the (joint) quorum of voters. */
  committed(): number {
    return jointCommittedIndex(this.config.voters, (id) => this.progress.get(id)?.match, this.scratch);
  }

  /** Member ids in increasing order (cached until the configuration changes). */
  ids(): readonly PeerId[] {
    if (this.sortedIds === null) this.sortedIds = sorted(this.progress.keys());
    return this.sortedIds;
  }

  /** Calls f for every member in increasing id order (deterministic output). */
  visit(f: (id: PeerId, pr: Progress) => void): void {
    for (const id of this.ids()) {
      const pr = this.progress.get(id);
      assert(pr !== undefined, `progress for ${id} vanished`);
      f(id, pr);
    }
  }

  /** Whether a quorum of voters has been active since the last CheckQuorum. */
  quorumActive(): boolean {
    const votes = new Map<PeerId, boolean>();
    this.visit((id, pr) => {
      if (!pr.isLearner) votes.set(id, pr.recentActive);
    });
    return jointVoteResult(this.config.voters, votes) === 'won';
  }

  voterIds(): PeerId[] {
    return sorted(new Set([...this.config.voters[0], ...this.config.voters[1]]));
  }

  isVoter(id: PeerId): boolean {
    return this.config.voters[0].has(id) || this.config.voters[1].has(id);
  }

  resetVotes(): void {
    this.votes.clear();
  }

  /** Records id's vote (the first one counts). */
  recordVote(id: PeerId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  tallyVotes(): { granted: number; rejected: number; result: VoteResult } {
    let granted = 0;
    let rejected = 0;
    this.visit((id, pr) => {
      if (pr.isLearner) return;
      const v = this.votes.get(id);
      if (v === undefined) return;
      if (v) granted++;
      else rejected++;
    });
    return { granted, rejected, result: jointVoteResult(this.config.voters, this.votes) };
  }
}
