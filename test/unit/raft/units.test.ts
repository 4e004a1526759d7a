// Focused unit tests of Raft's building blocks: quorum arithmetic, inflights, progress
// state transitions, membership changes and their encoding, the log and MemoryStorage.
import { describe, expect, test } from 'vitest';
import { jointCommittedIndex, jointVoteResult, majorityCommittedIndex, majorityVoteResult } from '../../../storage/raft/quorum.js';
import { Inflights } from '../../../storage/raft/inflights.js';
import { Progress } from '../../../storage/raft/progress.js';
import { ProgressTracker } from '../../../storage/raft/tracker.js';
import { Changer, restoreConfig } from '../../../storage/raft/confchange.js';
import { RaftLog } from '../../../storage/raft/log.js';
import type { ConfChange, Entry } from '../../../storage/raft/index.js';
import { CompactedError, ConfChangeError, MemoryStorage, UnavailableError, bootstrapConfState, decodeConfChange, encodeConfChange, isLeaveJoint } from '../../../storage/raft/index.js';

const ent = (index: number, term: number, data = ''): Entry => ({ index, term, type: 'normal', data: Buffer.from(data) });

describe('quorum', () => {
  const acked = (m: Record<number, number>) => (id: number) => m[id];
  test('majority committed index is the median-ish acknowledged index', () => {
    expect(majorityCommittedIndex(new Set([1, 2, 3]), acked({ 1: 5, 2: 3, 3: 9 }))).toBe(5);
    expect(majorityCommittedIndex(new Set([1, 2, 3, 4]), acked({ 1: 5, 2: 3, 3: 9, 4: 7 }))).toBe(5);
    expect(majorityCommittedIndex(new Set([1, 2, 3]), acked({ 1: 5 }))).toBe(0);
    expect(majorityCommittedIndex(new Set([1]), acked({ 1: 4 }))).toBe(4);
    expect(majorityCommittedIndex(new Set(), acked({}))).toBe(Infinity);
  });
  test('joint committed index is the minimum of both majorities', () => {
    const a = acked({ 1: 10, 2: 10, 3: 2, 4: 1, 5: 1 });
    expect(jointCommittedIndex([new Set([1, 2, 3]), new Set([3, 4, 5])], a)).toBe(1);
    expect(jointCommittedIndex([new Set([1, 2, 3]), new Set()], a)).toBe(10);
  });
  test('vote results', () => {
    const v = (m: Record<number, boolean>) => new Map(Object.entries(m).map(([k, x]) => [Number(k), x]));
    expect(majorityVoteResult(new Set([1, 2, 3]), v({ 1: true, 2: true }))).toBe('won');
    expect(majorityVoteResult(new Set([1, 2, 3]), v({ 1: true, 2: false }))).toBe('pending');
    expect(majorityVoteResult(new Set([1, 2, 3]), v({ 1: false, 2: false }))).toBe('lost');
    expect(majorityVoteResult(new Set([1, 2, 3, 4]), v({ 1: true, 2: true }))).toBe('pending');
    expect(majorityVoteResult(new Set(), v({}))).toBe('won');
    const j: [Set<number>, Set<number>] = [new Set([1, 2, 3]), new Set([3, 4, 5])];
    expect(jointVoteResult(j, v({ 1: true, 2: true, 3: true }))).toBe('pending');
    expect(jointVoteResult(j, v({ 1: true, 2: true, 3: true, 4: true }))).toBe('won');
    expect(jointVoteResult(j, v({ 1: true, 2: true, 4: false, 5: false }))).toBe('lost');
  });
});

describe('inflights', () => {
  test('limits by count and frees acknowledged messages in order', () => {
    const f = new Inflights(3, 0);
    f.add(1, 10);
    f.add(2, 10);
    expect(f.full()).toBe(false);
    f.add(5, 10);
    expect(f.full()).toBe(true);
    expect(() => f.add(6, 1)).toThrow('full');
    f.freeLE(2);
    expect(f.countNow()).toBe(1);
    expect(f.bytesNow()).toBe(10);
    f.add(7, 1);
    f.add(9, 1); // wraps around the ring
    expect(f.full()).toBe(true);
    f.freeLE(8);
    expect(f.countNow()).toBe(1);
    f.freeLE(100);
    expect(f.countNow()).toBe(0);
  });
  test('limits by bytes', () => {
    const f = new Inflights(100, 50);
    f.add(1, 30);
    expect(f.full()).toBe(false);
    f.add(2, 30);
    expect(f.full()).toBe(true);
    f.freeLE(1);
    expect(f.full()).toBe(false);
    expect(() => f.add(2, 1)).toThrow('not increasing');
  });
});

describe('progress', () => {
  const pr = () => new Progress(0, 6, new Inflights(2, 0), false, true);
  test('probe sends one message at a time; an ack moves it to replicate', () => {
    const p = pr();
    expect(p.isPaused()).toBe(false);
    p.sentEntries(1, 10);
    expect(p.isPaused()).toBe(true);
    expect(p.maybeUpdate(5)).toBe(true);
    expect(p.isPaused()).toBe(false);
    p.becomeReplicate();
    expect(p.next).toBe(6);
    p.sentEntries(2, 10);
    p.sentEntries(1, 10);
    expect(p.next).toBe(9);
    expect(p.isPaused()).toBe(true); // two in flight: the window is full
    p.inflights.freeLE(7);
    expect(p.inflights.full()).toBe(false);
  });
  test('rejections: stale ones are ignored; probes use the hint', () => {
    const p = pr();
    expect(p.maybeDecrTo(3, 0)).toBe(false); // not next-1: stale
    expect(p.maybeDecrTo(5, 2)).toBe(true);
    expect(p.next).toBe(3);
    p.maybeUpdate(2);
    p.becomeReplicate();
    p.sentEntries(3, 3);
    expect(p.maybeDecrTo(2, 0)).toBe(false); // <= match
    expect(p.maybeDecrTo(4, 0)).toBe(true);
    expect(p.next).toBe(3); // back to match+1
  });
  test('snapshot state pauses until reported; probe resumes after the snapshot', () => {
    const p = pr();
    p.becomeSnapshot(20);
    expect(p.isPaused()).toBe(true);
    p.becomeProbe();
    expect(p.next).toBe(21);
    p.becomeSnapshot(20);
    p.pendingSnapshot = 0; // failure
    p.becomeProbe();
    expect(p.next).toBe(1);
  });
});

describe('confchange', () => {
  const tracker = (voters: number[], learners: number[] = []) => {
    const t = new ProgressTracker(8, 0);
    const [cfg, prs] = restoreConfig(bootstrapConfState(voters, learners), t, 10);
    t.setConfig(cfg, prs);
    return t;
  };
  const apply = (t: ProgressTracker, r: ReturnType<Changer['simple']>) => t.setConfig(r[0], r[1]);

  test('simple changes: one voter at a time', () => {
    const t = tracker([1, 2, 3]);
    const c = new Changer(t, 10);
    apply(t, c.simple([{ type: 'addLearner', peerId: 4 }]));
    expect(t.confState()).toMatchObject({ voters: [1, 2, 3], learners: [4] });
    expect(t.progress.get(4)!.next).toBe(10);
    apply(t, new Changer(t, 10).simple([{ type: 'addVoter', peerId: 4 }]));
    expect(t.confState()).toMatchObject({ voters: [1, 2, 3, 4], learners: [] });
    expect(() => new Changer(t, 10).simple([{ type: 'removeNode', peerId: 1 }, { type: 'removeNode', peerId: 2 }])).toThrow(ConfChangeError);
    // A learner change plus a voter change is still "one voter".
    apply(t, new Changer(t, 10).simple([{ type: 'addLearner', peerId: 5 }, { type: 'removeNode', peerId: 4 }]));
    expect(t.confState()).toMatchObject({ voters: [1, 2, 3], learners: [5] });
  });

  test('joint: enter, demote via learnersNext, leave', () => {
    const t = tracker([1, 2, 3]);
    apply(t, new Changer(t, 10).enterJoint(true, [{ type: 'addVoter', peerId: 4 }, { type: 'addLearner', peerId: 3 }]));
    expect(t.confState()).toEqual({ voters: [1, 2, 4], votersOutgoing: [1, 2, 3], learners: [], learnersNext: [3], autoLeave: true });
    expect(() => new Changer(t, 10).enterJoint(false, [])).toThrow('already joint');
    expect(() => new Changer(t, 10).simple([{ type: 'addVoter', peerId: 9 }])).toThrow('joint');
    apply(t, new Changer(t, 10).leaveJoint());
    expect(t.confState()).toEqual({ voters: [1, 2, 4], votersOutgoing: [], learners: [3], learnersNext: [], autoLeave: false });
    expect(t.progress.get(3)!.isLearner).toBe(true);
    expect(() => new Changer(t, 10).leaveJoint()).toThrow("can't leave");
  });

  test('a removed outgoing voter keeps its progress until the joint config is left', () => {
    const t = tracker([1, 2, 3]);
    apply(t, new Changer(t, 10).enterJoint(false, [{ type: 'removeNode', peerId: 3 }]));
    expect(t.progress.has(3)).toBe(true);
    apply(t, new Changer(t, 10).leaveJoint());
    expect(t.progress.has(3)).toBe(false);
  });

  test('removing every voter is refused', () => {
    const t = tracker([1]);
    expect(() => new Changer(t, 10).simple([{ type: 'removeNode', peerId: 1 }])).toThrow('removed all voters');
  });

  test('encoding round-trips; empty data is leave-joint; garbage is refused', () => {
    const cc: ConfChange = { transition: 'jointExplicit', changes: [{ type: 'addVoter', peerId: 7 }, { type: 'removeNode', peerId: 4_000_000_000 }], context: Buffer.from('desc') };
    const buf = encodeConfChange(cc);
    expect(buf.length).toBe(4 + 10 + 4 + 4);
    expect(decodeConfChange(buf)).toEqual(cc);
    expect(isLeaveJoint(decodeConfChange(Buffer.alloc(0)))).toBe(true);
    expect(() => decodeConfChange(Buffer.from([1, 9, 0, 0, 0, 0, 0, 0]))).toThrow(ConfChangeError);
    expect(() => decodeConfChange(buf.subarray(0, buf.length - 1))).toThrow(ConfChangeError);
  });
});

describe('log and MemoryStorage', () => {
  test('MemoryStorage append truncates conflicts; compact and snapshots', () => {
    const s = new MemoryStorage();
    s.append([ent(1, 1), ent(2, 1), ent(3, 1)]);
    s.append([ent(3, 2), ent(4, 2)]);
    expect(s.entries(1, 5, Infinity).map((e) => e.term)).toEqual([1, 1, 2, 2]);
    expect(() => s.append([ent(7, 2)])).toThrow('missing log entry');
    s.createSnapshot(2, null, Buffer.from('x'));
    s.compact(2);
    expect(s.firstIndex()).toBe(3);
    expect(() => s.entries(2, 3, Infinity)).toThrow(CompactedError);
    expect(() => s.term(1)).toThrow(CompactedError);
    expect(s.term(2)).toBe(1);
    expect(() => s.term(9)).toThrow(UnavailableError);
    expect(s.entries(3, 5, 1).length).toBe(1); // at least one entry
  });

  test('RaftLog: unstable over storage, conflicts, commit, stable', () => {
    const s = new MemoryStorage(bootstrapConfState([1]));
    s.append([ent(1, 1, 'a'), ent(2, 1, 'b')]);
    const log = new RaftLog(s, Infinity);
    expect(log.lastIndex()).toBe(2);
    expect(log.maybeAppend(2, 1, 3, [ent(3, 2, 'c'), ent(4, 2, 'd')])).toBe(4);
    expect(log.committed).toBe(3);
    expect(log.maybeAppend(4, 1, 4, [])).toBeNull(); // term mismatch
    expect(log.findConflict([ent(3, 2), ent(4, 3)])).toBe(4);
    expect(log.findConflictByTerm(4, 1)).toEqual([2, 1]);
    expect(log.nextEntries().map((e) => e.data.toString())).toEqual(['a', 'b', 'c']);
    expect(log.unstableEntries().map((e) => e.index)).toEqual([3, 4]);
    s.append(log.unstableEntries()); // the owner persists, then marks them stable
    log.stableTo(4, 2);
    expect(log.unstableEntries()).toEqual([]);
    expect(log.isUpToDate(4, 2)).toBe(true);
    expect(log.isUpToDate(5, 1)).toBe(false);
    expect(() => log.maybeAppend(1, 1, 4, [ent(2, 5)])).toThrow('conflict with committed entry');
  });

  test('RaftLog commits by counting only entries of the current term', () => {
    const s = new MemoryStorage(bootstrapConfState([1]));
    s.append([ent(1, 1), ent(2, 2)]);
    const log = new RaftLog(s, Infinity);
    expect(log.maybeCommit(1, 2)).toBe(false);
    expect(log.maybeCommit(2, 2)).toBe(true);
    expect(log.committed).toBe(2);
  });
});
