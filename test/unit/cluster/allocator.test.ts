// Allocator decisions (src/cluster/allocator.ts), applied pass after pass as the replicate
// loop would: the bootstrap node's ranges up-replicate to three nodes; on five nodes the
// replicas spread evenly; a dead node's replicas are replaced before they are removed; with
// too few live nodes nothing is removed; every pass changes each range at most once.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { planReplication, type AllocatorAction, type AllocatorRange } from '../../../src/cluster/index.js';

type Ranges = Map<number, Set<number>>;

function ranges(n: number, nodes: number[]): Ranges {
  return new Map(Array.from({ length: n }, (_, i) => [i + 1, new Set(nodes)] as const));
}

function view(rs: Ranges): AllocatorRange[] {
  return [...rs].map(([rangeId, s]) => ({ rangeId, replicas: [...s].map((nodeId) => ({ nodeId })) }));
}

function apply(rs: Ranges, actions: readonly AllocatorAction[]): void {
  for (const a of actions) {
    const s = rs.get(a.rangeId)!;
    if (a.kind === 'addReplica') s.add(a.nodeId);
    else s.delete(a.nodeId);
  }
}

/** Passes until nothing changes; returns how many passes it took. */
function settle(rs: Ranges, live: number[], factor = 3): number {
  for (let pass = 1; pass <= 20; pass++) {
    const actions = planReplication(view(rs), live, factor);
    if (actions.length === 0) return pass;
    expect(new Set(actions.map((a) => a.rangeId)).size).toBe(actions.length);
    apply(rs, actions);
  }
  throw new Error('did not settle');
}

function loads(rs: Ranges): Map<number, number> {
  const m = new Map<number, number>();
  for (const s of rs.values()) for (const n of s) m.set(n, (m.get(n) ?? 0) + 1);
  return m;
}

describe('allocator', () => {
  test("the bootstrap node's ranges reach three replicas on three nodes", () => {
    const rs = ranges(3, [1]);
    expect(planReplication(view(rs), [1, 2, 3])).toEqual([
      { kind: 'addReplica', rangeId: 1, nodeId: 2 },
      { kind: 'addReplica', rangeId: 2, nodeId: 3 },
      { kind: 'addReplica', rangeId: 3, nodeId: 2 },
    ]);
    settle(rs, [1, 2, 3]);
    for (const s of rs.values()) expect([...s].sort()).toEqual([1, 2, 3]);
  });

  test('on five nodes replicas spread within one of each other', () => {
    const rs = ranges(20, [1]);
    settle(rs, [1, 2, 3, 4, 5]);
    for (const s of rs.values()) expect(s.size).toBe(3);
    const l = [...loads(rs).values()];
    expect(Math.max(...l) - Math.min(...l)).toBeLessThanOrEqual(2);
    expect(l.reduce((a, b) => a + b, 0)).toBe(60);
  });

  test("a dead node's replicas are replaced first, then removed", () => {
    const rs = ranges(4, [1, 2, 3]);
    const first = planReplication(view(rs), [1, 2, 4]);
    expect(first.every((a) => a.kind === 'addReplica' && a.nodeId === 4)).toBe(true);
    apply(rs, first);
    const second = planReplication(view(rs), [1, 2, 4]);
    expect(second.every((a) => a.kind === 'removeReplica' && a.nodeId === 3)).toBe(true);
    apply(rs, second);
    for (const s of rs.values()) expect([...s].sort()).toEqual([1, 2, 4]);
  });

  test('with no live node to move to, a dead replica stays (no loss of redundancy)', () => {
    const rs = ranges(2, [1, 2, 3]);
    expect(planReplication(view(rs), [1, 2])).toEqual([]);
  });

  test('any start settles to min(factor, live) healthy replicas per range', () => {
    fc.assert(
      fc.property(
        fc.array(fc.subarray([1, 2, 3, 4, 5, 6], { minLength: 1 }), { minLength: 1, maxLength: 12 }),
        fc.subarray([1, 2, 3, 4, 5, 6], { minLength: 1 }),
        fc.integer({ min: 1, max: 5 }),
        (start, live, factor) => {
          const rs: Ranges = new Map(start.map((nodes, i) => [i + 1, new Set(nodes)] as const));
          settle(rs, live, factor);
          for (const s of rs.values()) {
            const healthy = [...s].filter((n) => live.includes(n)).length;
            expect(healthy).toBe(Math.min(factor, live.length));
            expect(s.size).toBeLessThanOrEqual(Math.max(factor, healthy));
          }
        },
      ),
    );
  });
});
