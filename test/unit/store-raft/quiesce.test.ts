// Quiescence rules (storage/store/quiesce.ts): when a leader may quiesce, what it sends, and
// when a follower agrees.

import { describe, expect, it } from 'vitest';
import { followerMayQuiesce, leaderShouldQuiesce, quiesceHeartbeats } from '../../../storage/store/quiesce.js';
import type { RaftStatus } from '../../../storage/raft/types.js';

type Pr = { match: number; next: number; state: 'probe' | 'replicate' | 'snapshot'; recentActive: boolean };
const pr = (match: number): Pr => ({ match, next: match + 1, state: 'replicate', recentActive: true });
const conf = { voters: [1, 2, 3], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
const leader = (over: Partial<RaftStatus> = {}): RaftStatus => ({
  id: 1, term: 4, vote: 1, commit: 20, applied: 20, lead: 1, role: 'leader', leadTransferee: 0, confState: conf,
  progress: new Map([[1, pr(20)], [2, pr(20)], [3, pr(20)]]),
  ...over,
});
const base = { lastIndex: 20, proposalsInFlight: 0, hasReady: false, isLive: () => true };

describe('quiescence', () => {
  it('lets a caught-up, idle leader quiesce', () => {
    expect(leaderShouldQuiesce({ ...base, status: leader() })).toBe(true);
  });

  it('keeps ticking while anything is in flight or behind', () => {
    const cases: Array<[string, Parameters<typeof leaderShouldQuiesce>[0]]> = [
      ['follower', { ...base, status: leader({ role: 'follower' }) }],
      ['proposal', { ...base, proposalsInFlight: 1, status: leader() }],
      ['ready', { ...base, hasReady: true, status: leader() }],
      ['uncommitted', { ...base, lastIndex: 21, status: leader() }],
      ['unapplied', { ...base, status: leader({ applied: 19 }) }],
      ['behind', { ...base, status: leader({ progress: new Map([[1, pr(20)], [2, pr(19)], [3, pr(20)]]) }) }],
      ['dead peer', { ...base, isLive: (id) => id !== 3, status: leader() }],
      ['transfer', { ...base, status: leader({ leadTransferee: 2 }) }],
      ['joint', { ...base, status: leader({ confState: { ...conf, votersOutgoing: [1, 2] } }) }],
    ];
    for (const [name, input] of cases) expect([name, leaderShouldQuiesce(input)]).toEqual([name, false]);
  });

  it('sends one quiesce heartbeat per follower; a follower in step agrees', () => {
    const self = { nodeId: 1, storeId: 1, replicaId: 1 };
    const replicas = [self, { nodeId: 2, storeId: 2, replicaId: 2 }, { nodeId: 3, storeId: 3, replicaId: 3 }];
    const hbs = quiesceHeartbeats(9, self, replicas, leader());
    expect(hbs.map((h) => [h.to.nodeId, h.message.type, h.message.commit, h.message.term, h.quiesce])).toEqual([
      [2, 'heartbeat', 20, 4, true],
      [3, 'heartbeat', 20, 4, true],
    ]);
    const follower = leader({ id: 2, role: 'follower', lead: 1, progress: null });
    expect(followerMayQuiesce(hbs[0]!.message, follower, 20, 0)).toBe(true);
    expect(followerMayQuiesce(hbs[0]!.message, follower, 21, 0)).toBe(false); // has entries the leader lacks
    expect(followerMayQuiesce(hbs[0]!.message, { ...follower, commit: 18 }, 20, 0)).toBe(false);
    expect(followerMayQuiesce(hbs[0]!.message, { ...follower, term: 5 }, 20, 0)).toBe(false);
    expect(followerMayQuiesce(hbs[0]!.message, follower, 20, 1)).toBe(false);
  });
});
