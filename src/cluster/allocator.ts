// Allocator decisions: which replica each range should gain or lose so that it has
// `replicationFactor` replicas on distinct live nodes, spread so that every node holds about
// as many replicas as the others (rebalancing moves one replica at a time). Pure: ranges, live nodes and the factor in, actions out;
// at most one action per range per pass (a replica change is one Raft configuration change,
// and the next pass sees its result), like CockroachDB's replicate queue. Up-replicate
// before removing: a replica on a dead node is removed only once a replacement exists.
// RAFT SEAM: a replicate loop in src/server/cluster-kv.ts (next to liveness) feeds it
// KvDb.ranges() and NodeLiveness.isLive over NodeRegistry.nodeIds(), and applies the
// actions through the store's replica-change command once ranges replicate.

/** The replication factor of every range (DESIGN: three replicas, one node may fail). */
export const REPLICATION_FACTOR_DEFAULT = 3;

export interface AllocatorRange {
  readonly rangeId: number;
  /** Nodes holding a replica of the range. */
  readonly replicas: ReadonlyArray<{ readonly nodeId: number }>;
}

export type AllocatorAction =
  | { readonly kind: 'addReplica'; readonly rangeId: number; readonly nodeId: number }
  | { readonly kind: 'removeReplica'; readonly rangeId: number; readonly nodeId: number };

/**
 * One pass over `ranges`. `liveNodes` are the nodes that may receive replicas; a replica on
 * any other node counts as lost. Deterministic: ties go to the lowest node id.
 */
export function planReplication(ranges: readonly AllocatorRange[], liveNodes: readonly number[], replicationFactor = REPLICATION_FACTOR_DEFAULT): AllocatorAction[] {
  if (!(Number.isInteger(replicationFactor) && replicationFactor >= 1)) throw new Error(`bad replication factor ${replicationFactor}`);
  const live = new Set(liveNodes);
  // Replicas per node, updated as actions are planned so one pass spreads them.
  const load = new Map<number, number>();
  for (const n of live) load.set(n, 0);
  for (const r of ranges) for (const { nodeId } of r.replicas) load.set(nodeId, (load.get(nodeId) ?? 0) + 1);
  const actions: AllocatorAction[] = [];
  for (const r of ranges) {
    const action = planRange(r, live, load, replicationFactor);
    if (action === null) continue;
    load.set(action.nodeId, load.get(action.nodeId)! + (action.kind === 'addReplica' ? 1 : -1));
    actions.push(action);
  }
  return actions;
}

function planRange(r: AllocatorRange, live: ReadonlySet<number>, load: ReadonlyMap<number, number>, factor: number): AllocatorAction | null {
  const holders = new Set(r.replicas.map((x) => x.nodeId));
  const liveHolders = [...holders].filter((n) => live.has(n));
  const dead = [...holders].filter((n) => !live.has(n));
  const candidates = [...live].filter((n) => !holders.has(n));
  // Too few healthy replicas and somewhere to put one: add on the least loaded node.
  if (liveHolders.length < factor && candidates.length > 0) {
    return { kind: 'addReplica', rangeId: r.rangeId, nodeId: pick(candidates, load, 'least') };
  }
  // Enough healthy replicas: shed the ones beyond the factor, dead ones first.
  if (holders.size > factor) {
    if (dead.length > 0) return { kind: 'removeReplica', rangeId: r.rangeId, nodeId: Math.min(...dead) };
    return { kind: 'removeReplica', rangeId: r.rangeId, nodeId: pick(liveHolders, load, 'most') };
  }
  // Healthy and at the factor: move a replica off a node holding REBALANCE_SPREAD_MIN more
  // replicas than a node without one (add now; the next pass removes from the loaded node).
  if (dead.length === 0 && candidates.length > 0 && liveHolders.length > 0) {
    const target = pick(candidates, load, 'least');
    const source = pick(liveHolders, load, 'most');
    if (load.get(source)! - load.get(target)! >= REBALANCE_SPREAD_MIN) return { kind: 'addReplica', rangeId: r.rangeId, nodeId: target };
  }
  return null;
}

/** Replica-count difference between two nodes that is worth moving a replica for. */
const REBALANCE_SPREAD_MIN = 2;

function pick(nodes: readonly number[], load: ReadonlyMap<number, number>, which: 'least' | 'most'): number {
  let best = nodes[0]!;
  for (const n of nodes) {
    const d = (load.get(n) ?? 0) - (load.get(best) ?? 0);
    if ((which === 'least' ? d < 0 : d > 0) || (d === 0 && n < best)) best = n;
  }
  return best;
}
