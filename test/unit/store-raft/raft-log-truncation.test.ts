// Raft log truncation decisions (storage/store/raft-log-truncation.ts).

import { describe, expect, it } from 'vitest';
import { raftLogTruncationIndex } from '../../../storage/store/raft-log-truncation.js';
import type { RaftStatus } from '../../../storage/raft/index.js';

type Pr = { match: number; next: number; state: 'probe' | 'replicate' | 'snapshot'; recentActive: boolean };
const pr = (match: number, recentActive = true, state: Pr['state'] = 'replicate'): Pr => ({ match, next: match + 1, state, recentActive });
const conf = { voters: [1, 2, 3], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
const status = (progress: Array<[number, Pr]>, over: Partial<RaftStatus> = {}): RaftStatus => ({
  id: 1, term: 2, vote: 1, commit: 500, applied: 500, lead: 1, role: 'leader', leadTransferee: 0, confState: conf,
  progress: new Map(progress),
  ...over,
});
const limits = { staleEntriesMin: 100, entriesMax: 1000 };

describe('raftLogTruncationIndex', () => {
  it('truncates up to the slowest live follower', () => {
    const s = status([[1, pr(500)], [2, pr(450)], [3, pr(480)]]);
    expect(raftLogTruncationIndex({ status: s, firstIndex: 11, lastIndex: 500, pendingSnapshotIndex: 0, limits })).toBe(450);
  });

  it('never passes the applied or committed index', () => {
    const s = status([[1, pr(500)], [2, pr(500)], [3, pr(500)]], { applied: 300 });
    expect(raftLogTruncationIndex({ status: s, firstIndex: 11, lastIndex: 500, pendingSnapshotIndex: 0, limits })).toBe(300);
  });

  it('ignores a dead follower, keeps a snapshot in flight', () => {
    const s = status([[1, pr(500)], [2, pr(20, false)], [3, pr(490)]]);
    expect(raftLogTruncationIndex({ status: s, firstIndex: 11, lastIndex: 500, pendingSnapshotIndex: 0, limits })).toBe(490);
    expect(raftLogTruncationIndex({ status: s, firstIndex: 11, lastIndex: 500, pendingSnapshotIndex: 400, limits })).toBe(400);
  });

  it('waits until enough entries are stale', () => {
    const s = status([[1, pr(500)], [2, pr(80)], [3, pr(500)]]);
    expect(raftLogTruncationIndex({ status: s, firstIndex: 11, lastIndex: 500, pendingSnapshotIndex: 0, limits })).toBe(0);
  });

  it('leaves a slow live follower behind once the log is too long', () => {
    const s = status([[1, pr(2000)], [2, pr(30)], [3, pr(2000)]], { commit: 2000, applied: 2000 });
    expect(raftLogTruncationIndex({ status: s, firstIndex: 11, lastIndex: 2000, pendingSnapshotIndex: 0, limits })).toBe(2000);
  });

  it('only the leader decides', () => {
    const s = status([], { role: 'follower', progress: null });
    expect(raftLogTruncationIndex({ status: s, firstIndex: 11, lastIndex: 500, pendingSnapshotIndex: 0, limits })).toBe(0);
  });
});
