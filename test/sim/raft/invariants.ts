// Safety invariants of the Raft-level simulation, fed by the nodes as things happen:
//   election safety    — at most one leader per term;
//   committed entries  — an index, once applied anywhere, has one (term, data) forever, and
//                        every new leader's log holds every entry applied anywhere so far
//                        (leader completeness), as does every node's log up to its commit;
//   state machine      — every node applies indexes contiguously and reaches the same digest
//                        (a rolling hash of all entries applied so far) at every index, so
//                        applied histories are prefixes of one another.
// Linearizability of the client history and liveness are checked by cluster.ts at the end.

/** Failures kept per run at most (the first is the one that matters). */
const FAILURES_MAX = 20;

export function hashBytes(data: Buffer): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i]!, 0x01000193) >>> 0;
  return h;
}

/** Read access to a node's log: term at i, or undefined when i is compacted or beyond the end. */
export interface LogView {
  readonly firstIndex: number;
  readonly lastIndex: number;
  termAt(i: number): number | undefined;
  dataHashAt(i: number): number | undefined;
}

export class RaftInvariants {
  readonly failures: string[] = [];
  private readonly leaderOfTerm = new Map<number, number>();
  /** index → [term, hash of data] of every entry applied by any node. */
  private readonly committed = new Map<number, [number, number]>();
  /** index → state machine digest after applying it. */
  private readonly digestAt = new Map<number, number>();
  /** Highest index in `committed`. */
  committedMax = 0;
  leadersElected = 0;

  constructor(private readonly now: () => number) {}

  fail(what: string): void {
    if (this.failures.length < FAILURES_MAX) this.failures.push(`t=${(this.now() / 1000).toFixed(3)}ms ${what}`);
  }

  get ok(): boolean {
    return this.failures.length === 0;
  }

  /** A node reports that it became leader of `term`, with a view of its log. */
  leader(node: number, term: number, log: LogView): void {
    const prev = this.leaderOfTerm.get(term);
    if (prev !== undefined && prev !== node) this.fail(`election safety: nodes ${prev} and ${node} both leader in term ${term}`);
    this.leaderOfTerm.set(term, node);
    this.leadersElected++;
    // Leader completeness: every entry applied anywhere must be in the new leader's log.
    if (log.lastIndex < this.committedMax) {
      this.fail(`leader completeness: leader ${node} (term ${term}) has last index ${log.lastIndex} < committed ${this.committedMax}`);
      return;
    }
    this.matchCommitted(node, log, this.committedMax, 'leader completeness');
  }

  /** A node's log must agree with the committed record up to `upTo` (its commit index). */
  matchCommitted(node: number, log: LogView, upTo: number, what = 'log matching'): void {
    const hi = Math.min(upTo, this.committedMax, log.lastIndex);
    for (let i = Math.max(log.firstIndex, 1); i <= hi; i++) {
      const want = this.committed.get(i);
      if (want === undefined) continue;
      const term = log.termAt(i);
      if (term === undefined) continue;
      if (term !== want[0] || log.dataHashAt(i) !== want[1]) {
        this.fail(`${what}: node ${node} has (${i}, term ${term}) but the committed entry is term ${want[0]}`);
        return;
      }
    }
  }

  /** A node applied entry `index`; `digest` is its state machine digest afterwards. */
  applied(node: number, index: number, term: number, dataHash: number, digest: number): void {
    const want = this.committed.get(index);
    if (want === undefined) {
      this.committed.set(index, [term, dataHash]);
      if (index > this.committedMax) this.committedMax = index;
    } else if (want[0] !== term || want[1] !== dataHash) {
      this.fail(`committed entry changed: node ${node} applied (${index}, term ${term}) but (${index}, term ${want[0]}) was applied before`);
    }
    this.digestMatches(node, index, digest, 'state machine safety');
  }

  /** A node restored a snapshot (received or its own on restart) at `index` with `digest`. */
  restored(node: number, index: number, digest: number): void {
    this.digestMatches(node, index, digest, 'snapshot');
  }

  private digestMatches(node: number, index: number, digest: number, what: string): void {
    const want = this.digestAt.get(index);
    if (want === undefined) this.digestAt.set(index, digest);
    else if (want !== digest) this.fail(`${what}: node ${node} at index ${index} has digest ${digest.toString(16)}, others ${want.toString(16)} (different applied histories)`);
  }
}
