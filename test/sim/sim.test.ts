// The simulation suite CI runs: a fixed set of seeds over every fault profile on 3 and 5
// nodes, each checked for election safety, committed-entry stability, identical applied
// histories, linearizability of the register workload and liveness after healing. A failing
// seed is reported with the command that replays it. Then the checkers' self-tests: planted
// bugs (stale reads, unsynced "durable" writes, a diverging state machine, a bootstrap that
// loses the founders' configuration, a node that ignores clients) must each be caught, and
// a run must replay to the same trace hash.

import { describe, expect, test } from 'vitest';
import { runRaftSim } from './raft/cluster.js';
import type { RaftSimResult } from './raft/cluster.js';
import { RaftInvariants } from './raft/invariants.js';
import type { LogView } from './raft/invariants.js';
import { DEFAULT_SEED_ARGS, optionsFor, replayCommand } from './seeds.js';
import type { SeedArgs } from './seeds.js';
import { PROFILE_NAMES } from './core/faults.js';

/** Runs seeds [from, from+count) and returns one line per failing seed, with its replay command. */
function runSeeds(from: number, count: number, args: SeedArgs): { failures: string[]; results: RaftSimResult[] } {
  const failures: string[] = [];
  const results: RaftSimResult[] = [];
  for (let seed = from; seed < from + count; seed++) {
    const o = optionsFor(seed, args);
    const r = runRaftSim(o);
    results.push(r);
    if (!r.ok) failures.push(`seed ${seed} (${r.profile}): ${r.failures[0]}\n    replay: ${replayCommand(o)}`);
  }
  return { failures, results };
}

describe('raft simulation seeds', () => {
  test('3 nodes: seeds 1..400 over every fault profile', () => {
    const { failures, results } = runSeeds(1, 400, DEFAULT_SEED_ARGS);
    expect(failures).toEqual([]);
    // The runs did real work: ops completed, leaders changed, faults and crashes happened.
    const sum = (f: (r: RaftSimResult) => number) => results.reduce((a, r) => a + f(r), 0);
    expect(sum((r) => r.stats.opsCompleted)).toBeGreaterThan(400 * 50);
    expect(sum((r) => r.stats.crashes)).toBeGreaterThan(100);
    expect(sum((r) => r.stats.confChanges)).toBeGreaterThan(400);
    expect(new Set(results.map((r) => r.profile))).toEqual(new Set(PROFILE_NAMES));
  }, 120_000);

  test('5 nodes, longer fault phase: seeds 10001..10100', () => {
    const { failures } = runSeeds(10_001, 100, { ...DEFAULT_SEED_ARGS, nodes: 5, steps: 800 });
    expect(failures).toEqual([]);
  }, 120_000);

  test('no membership changes, crash profile with power loss: seeds 20001..20050', () => {
    const { failures } = runSeeds(20_001, 50, { ...DEFAULT_SEED_ARGS, profile: 'crash', membership: false, steps: 800 });
    expect(failures).toEqual([]);
  }, 120_000);
});

describe('determinism', () => {
  test('a seed replays to the same trace hash; another seed differs', () => {
    const o = optionsFor(7, DEFAULT_SEED_ARGS);
    const a = runRaftSim({ ...o, trace: true });
    const b = runRaftSim({ ...o, trace: true });
    expect(a.traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(b.traceHash).toBe(a.traceHash);
    expect(b.stats).toEqual(a.stats);
    const c = runRaftSim({ ...optionsFor(8, DEFAULT_SEED_ARGS), trace: true });
    expect(c.traceHash).not.toBe(a.traceHash);
  });

  test('tracing does not change the run', () => {
    const o = optionsFor(11, DEFAULT_SEED_ARGS);
    expect(runRaftSim(o).stats).toEqual(runRaftSim({ ...o, trace: true }).stats);
  });
});

describe('the checkers catch planted bugs', () => {
  const firstFailures = (args: Partial<SeedArgs>, count = 30): string[] => {
    const { failures } = runSeeds(1, count, { ...DEFAULT_SEED_ARGS, ...args });
    return failures;
  };

  test('reads served from a follower without ReadIndex are not linearizable', () => {
    expect(firstFailures({ bug: 'staleLocalReads' }).some((f) => f.includes('linearizability'))).toBe(true);
  });

  test('a state machine that silently drops writes on one node diverges', () => {
    expect(firstFailures({ bug: 'dropEveryTenthWrite' }).some((f) => f.includes('state machine safety'))).toBe(true);
  });

  test('acknowledging appends without syncing them loses entries on crash', () => {
    expect(firstFailures({ bug: 'skipSync', profile: 'crash' }).length).toBeGreaterThan(0);
  });

  test('bootstrapping at index 0 lets a joiner miss the founders (raft-bugs.md #1)', () => {
    const failures = firstFailures({ bootstrapIndex: 0 }, 60);
    expect(failures.some((f) => /election safety|leader completeness|committed entry changed/.test(f))).toBe(true);
  });

  test('a node that never answers clients fails liveness', () => {
    expect(firstFailures({ bug: 'ignoreClients', profile: 'calm' }, 2).every((f) => f.includes('liveness'))).toBe(true);
  });
});

describe('raft invariants (unit)', () => {
  const view = (terms: number[]): LogView => ({
    firstIndex: 1,
    lastIndex: terms.length,
    termAt: (i) => terms[i - 1],
    dataHashAt: () => 0,
  });

  test('two leaders in one term', () => {
    const inv = new RaftInvariants(() => 0);
    inv.leader(1, 3, view([]));
    inv.leader(1, 3, view([]));
    expect(inv.ok).toBe(true);
    inv.leader(2, 3, view([]));
    expect(inv.failures[0]).toMatch(/election safety: nodes 1 and 2 both leader in term 3/);
  });

  test('a committed entry that changes, and a leader without it', () => {
    const inv = new RaftInvariants(() => 0);
    inv.applied(1, 1, 1, 0, 11);
    inv.applied(2, 1, 1, 0, 11);
    expect(inv.ok).toBe(true);
    inv.applied(3, 1, 2, 0, 11);
    expect(inv.failures[0]).toMatch(/committed entry changed/);
    const inv2 = new RaftInvariants(() => 0);
    inv2.applied(1, 1, 1, 0, 1);
    inv2.applied(1, 2, 1, 0, 2);
    inv2.leader(2, 2, view([1]));
    expect(inv2.failures[0]).toMatch(/leader completeness/);
    inv2.leader(3, 3, view([1, 1]));
    expect(inv2.failures.length).toBe(1);
    inv2.leader(4, 4, view([1, 3]));
    expect(inv2.failures[1]).toMatch(/leader completeness: node 4 has \(2, term 3\)/);
  });

  test('different digests at one index', () => {
    const inv = new RaftInvariants(() => 0);
    inv.restored(1, 5, 0xabc);
    inv.restored(2, 5, 0xabc);
    expect(inv.ok).toBe(true);
    inv.restored(3, 5, 0xabd);
    expect(inv.failures[0]).toMatch(/snapshot: node 3 at index 5/);
  });
});
