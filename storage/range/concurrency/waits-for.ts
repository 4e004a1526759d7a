// The waits-for graph of one store: which transactions each waiting transaction waits on,
// across every replica's lock table, so a deadlock whose edges lie on different ranges
// (T1 waits on range 1 for T2, T2 on range 2 for T1) is found like one on a single range.
// Lock tables register and clear their waits here; a cycle aborts its victim's waits.

import { KvError } from '../../api/index.js';
import { assert } from '../../base/assert.js';

export interface WaitEdge {
  /** Transactions this wait is blocked on. */
  readonly blockers: ReadonlySet<string>;
  /** The waiter's priority: the lowest priority in a cycle is its victim. */
  readonly priority: number;
  /** Ends the wait with an error (the lock table settles its waiter). */
  readonly abort: (e: Error) => void;
}

/** Waits of one transaction at once (one per lock table: one per range it sends to in parallel). */
const WAITS_PER_TXN_MAX = 1024;

export class WaitsForGraph {
  /** txn → (owning lock table → its wait there). */
  private readonly waits = new Map<string, Map<object, WaitEdge>>();

  set(txn: string, owner: object, edge: WaitEdge): void {
    let m = this.waits.get(txn);
    if (!m) this.waits.set(txn, (m = new Map()));
    m.set(owner, edge);
    assert(m.size <= WAITS_PER_TXN_MAX, 'waits-for: too many waits of one transaction');
  }

  delete(txn: string, owner: object): void {
    const m = this.waits.get(txn);
    if (!m) return;
    m.delete(owner);
    if (m.size === 0) this.waits.delete(txn);
  }

  get size(): number {
    return this.waits.size;
  }

  /**
   * Looks for a cycle through `start`; if one exists, aborts every wait of its victim: the
   * lowest priority in the cycle, and among equals the transaction that closed it (`start`).
   */
  detect(start: string): void {
    const cycle = this.findCycle(start);
    if (!cycle) return;
    let victim = start;
    let best = this.priority(start);
    for (const t of cycle) {
      const p = this.priority(t);
      if (p < best) {
        best = p;
        victim = t;
      }
    }
    const m = this.waits.get(victim);
    assert(m !== undefined && m.size > 0, 'waits-for: deadlock victim is not waiting');
    for (const edge of [...m.values()]) edge.abort(new KvError('Deadlock', 'deadlock detected; this transaction was chosen as the victim'));
  }

  private priority(txn: string): number {
    let p = Infinity;
    for (const e of this.waits.get(txn)?.values() ?? []) p = Math.min(p, e.priority);
    return p === Infinity ? 1 : p;
  }

  private findCycle(start: string): string[] | null {
    const path: string[] = [];
    const seen = new Set<string>();
    const dfs = (t: string): boolean => {
      const m = this.waits.get(t);
      if (!m) return false;
      for (const edge of m.values()) {
        for (const n of edge.blockers) {
          if (n === start) {
            path.push(t);
            return true;
          }
          if (seen.has(n)) continue;
          seen.add(n);
          if (dfs(n)) {
            path.push(t);
            return true;
          }
        }
      }
      return false;
    };
    return dfs(start) ? path : null;
  }
}
